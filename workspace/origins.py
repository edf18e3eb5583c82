"""Where a record came from, as one shared idea: an origin is a (kind, id) pair.

An agenda item raised from another committee's item, an action created from a decision, an item
raised from an overdue action, an off-track indicator or a cluster of feedback cases: each keeps
`origin_type` and `origin_id`, and every page shows it through describe_many(), which turns
origins into a label and, where the viewer may see the source, a link.

Each capability registers its kinds with register(); describe_many() loads each kind's records
in one query, whatever the number of origins on a page.
"""
from dataclasses import dataclass
from typing import Callable, Iterable

from flask import url_for
from sqlalchemy import select

from workspace.extensions import db


@dataclass(frozen=True)
class OriginKind:
    model: type
    label: Callable  # (record) -> str
    endpoint: Callable  # (record) -> (endpoint, url values)
    can_view: Callable  # (user, record) -> bool
    load_options: tuple = ()


@dataclass(frozen=True)
class Origin:
    label: str
    url: str | None  # None when the viewer may not open the source


KINDS: dict[str, OriginKind] = {}


def register(kind: str, origin_kind: OriginKind) -> None:
    KINDS[kind] = origin_kind


def reference(record) -> tuple[str, int]:
    """The (kind, id) under which a record is an origin."""
    for kind, origin_kind in KINDS.items():
        if isinstance(record, origin_kind.model):
            return kind, record.id
    raise LookupError(f"{type(record).__name__} is not a registered origin kind")


def describe_many(pairs: Iterable[tuple[str | None, int | None]], user) -> dict[tuple[str, int], Origin]:
    """{(kind, id): Origin} for every pair that names an existing record."""
    wanted: dict[str, set[int]] = {}
    for kind, record_id in pairs:
        if kind in KINDS and record_id is not None:
            wanted.setdefault(kind, set()).add(record_id)
    found: dict[tuple[str, int], Origin] = {}
    for kind, ids in wanted.items():
        origin_kind = KINDS[kind]
        query = select(origin_kind.model).where(origin_kind.model.id.in_(ids)).options(*origin_kind.load_options)
        for record in db.session.scalars(query):
            url = None
            if origin_kind.can_view(user, record):
                endpoint, values = origin_kind.endpoint(record)
                url = url_for(endpoint, **values)
            found[(kind, record.id)] = Origin(origin_kind.label(record), url)
    return found
