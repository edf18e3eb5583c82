"""Dates, times and numbers are formatted here and nowhere else, in the user's locale and the
deployment's time zone (the TIMEZONE setting)."""
from datetime import date, datetime

from babel.dates import get_datetime_format
from flask_babel import format_date, format_datetime, format_decimal, format_time, get_locale


def as_datetime(value: datetime | None, style: str = "medium") -> str:
    # Stored values are naive UTC; Flask-Babel converts them to the configured zone.
    return format_datetime(value, style) if value else ""


def as_when(value: datetime | None) -> str:
    """Weekday, date and time of day without seconds or zone: how a meeting's time reads.
    The two parts are joined by the locale's own pattern, as Babel joins them."""
    if not value:
        return ""
    pattern = get_datetime_format("full", locale=get_locale()).replace("'", "")
    return pattern.replace("{0}", format_time(value, "short")).replace("{1}", format_date(value, "full"))


def as_date(value: date | None, style: str = "medium") -> str:
    return format_date(value, style) if value else ""


def as_time(value: datetime | None, style: str = "short") -> str:
    return format_time(value, style) if value else ""


def as_number(value) -> str:
    return format_decimal(value) if value is not None else ""


def register(app) -> None:
    app.jinja_env.filters["datetime"] = as_datetime
    app.jinja_env.filters["date"] = as_date
    app.jinja_env.filters["time"] = as_time
    app.jinja_env.filters["when"] = as_when
    app.jinja_env.filters["number"] = as_number
