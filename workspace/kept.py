"""What a process remembers for a short, stated time: what costs more to read than the page around
it, and may be a little old when shown (a count past its bound, the first list a picker offers).

Each process keeps its own, by a key made of what the value was read with (the statement, the
person's ids, the filters); a store that fills up is emptied whole rather than kept in order.
"""
import time
from typing import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

_stores: list["Kept"] = []


class Kept:
    """Values kept for the seconds given with each, at most `most` of them."""

    def __init__(self, most: int):
        self.most = most
        self._values: dict[tuple, tuple[float, object]] = {}
        _stores.append(self)

    def get(self, key: tuple | None, default=None):
        found = self._values.get(key) if key is not None else None
        if found is None or found[0] <= time.monotonic():
            return default
        return found[1]

    def put(self, key: tuple | None, value, seconds: float) -> None:
        if key is None:
            return
        if len(self._values) >= self.most:
            self._values.clear()
        self._values[key] = (time.monotonic() + seconds, value)

    def fetch(self, key: tuple | None, seconds: float, read: Callable[[], object]):
        """The value kept under key, else read() kept for `seconds`."""
        value = self.get(key)
        if value is None:
            value = read()
            self.put(key, value, seconds)
        return value

    def clear(self) -> None:
        self._values.clear()


def key_of(*parts, values: dict) -> tuple | None:
    """A key for what was read with these parts and parameter values (lists as tuples), or None
    when a value cannot be part of a key (it is then not kept)."""
    try:
        key = (*parts, *sorted((name, tuple(value) if isinstance(value, list) else value)
                               for name, value in values.items()))
        hash(key)
    except TypeError:
        return None
    return key


def forget_on_save(forget: Callable[[], None], *models) -> None:
    """Calls forget() whenever this process saves (adds, changes or removes) a record of one of
    these models: what was kept of them is read again at once here, and within its seconds in
    the other processes."""
    @event.listens_for(Session, "after_flush")
    def saved(session, _flush_context) -> None:
        if any(isinstance(record, models) for record in (*session.new, *session.dirty, *session.deleted)):
            forget()


def forget_all() -> None:
    """Empties every store (between tests: what one test read is not the next one's)."""
    for store in _stores:
        store.clear()
