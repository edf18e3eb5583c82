"""The one source of "now". Timestamps are stored as naive UTC (SQLite keeps no zone)."""
from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    return utcnow().date()
