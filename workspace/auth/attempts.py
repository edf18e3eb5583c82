"""One limiter for repeated failures (wrong passwords, wrong join codes).

Each failure is a row under one or more keys ("login-email:…", "join-address:…") that counts
until it expires; a key with too many rows in force is refused until enough of them expire.
"""
from datetime import timedelta

from sqlalchemy import delete, func, select

from workspace.clock import utcnow
from workspace.extensions import db
from workspace.models import FailedAttempt


class TooManyAttempts(Exception):
    pass


def check(limits: dict[str, int]) -> None:
    """Raises TooManyAttempts if any key has reached its limit: {key: failures allowed}."""
    counts = dict(db.session.execute(
        select(FailedAttempt.key, func.count())
        .where(FailedAttempt.key.in_(list(limits)), FailedAttempt.expires_at > utcnow())
        .group_by(FailedAttempt.key)
    ).all())
    if any(counts.get(key, 0) >= allowed for key, allowed in limits.items()):
        raise TooManyAttempts


def record_failure(keys, minutes: int) -> None:
    """Counts one failure under each key for the next `minutes`, and commits."""
    now = utcnow()
    db.session.add_all([FailedAttempt(key=key, at=now, expires_at=now + timedelta(minutes=minutes))
                        for key in keys])
    # Expired failures are of no further use.
    db.session.execute(delete(FailedAttempt).where(FailedAttempt.expires_at <= now))
    db.session.commit()


def forget(key: str) -> None:
    """Clears a key's failures (a success); the caller commits."""
    db.session.execute(delete(FailedAttempt).where(FailedAttempt.key == key))
