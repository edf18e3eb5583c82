"""The one source of "now". Timestamps are stored as naive UTC (SQLite keeps no zone)."""
from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    return utcnow().date()


def local_zone():
    """The deployment's time zone (the TIMEZONE setting)."""
    from zoneinfo import ZoneInfo

    from flask import current_app

    return ZoneInfo(current_app.config["TIMEZONE"])


def to_utc(local: datetime) -> datetime:
    """A wall-clock time in the deployment's zone, as naive UTC for storing."""
    return local.replace(tzinfo=local_zone()).astimezone(UTC).replace(tzinfo=None)


def to_local(stored: datetime) -> datetime:
    """A stored naive UTC time as wall-clock time in the deployment's zone (naive)."""
    return stored.replace(tzinfo=UTC).astimezone(local_zone()).replace(tzinfo=None)


def local_today() -> date:
    return to_local(utcnow()).date()
