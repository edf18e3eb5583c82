"""Dates, times and numbers are formatted here and nowhere else, in the user's locale and the
deployment's time zone (the TIMEZONE setting).

Babel does the formatting. Flask-Babel's helpers look the locale and time zone up again on every
call, which on a list of fifty rows costs more than the rows' own markup; here they are looked up
once per request, and a value once formatted in a locale and zone is kept (the result depends on
nothing else), so a list's repeated dates cost a dictionary lookup.
"""
from datetime import date, datetime, timezone
from functools import lru_cache

from babel import dates, numbers
from flask.globals import _cv_app
from flask_babel import get_locale, get_timezone
from markupsafe import escape


def reader_context():
    """The locale and time zone this request reads in, looked up once per request."""
    # The app context's `g` read directly, as i18n.request_translations does: a list formats a
    # value or two a row, and finding `g` through its proxy costs more than the lookup.
    app_context = _cv_app.get(None)
    if app_context is None:
        return get_locale(), get_timezone()
    context = getattr(app_context.g, "_reader_context", None)
    if context is None:
        context = app_context.g._reader_context = (get_locale(), get_timezone())
    return context


@lru_cache(maxsize=8192)
def _formatted(kind: str, value, style: str, locale, zone) -> str:
    if isinstance(value, datetime):
        # Stored values are naive UTC: shown in the deployment's zone.
        value = (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(zone)
    if kind == "datetime":
        return dates.format_datetime(value, style, tzinfo=zone, locale=locale)
    if kind == "date":
        return dates.format_date(value, style, locale=locale)
    if kind == "time":
        return dates.format_time(value, style, tzinfo=zone, locale=locale)
    if kind == "when":  # the locale's own pattern joins the two parts, as Babel joins them
        pattern = dates.get_datetime_format("full", locale=locale).replace("'", "")
        return (pattern.replace("{0}", dates.format_time(value, "short", tzinfo=zone, locale=locale))
                .replace("{1}", dates.format_date(value, "full", locale=locale)))
    if kind == "period":
        return _period(value, style, locale)
    if kind == "percent":
        if not style:
            return numbers.format_percent(value, locale=locale)
        pattern = numbers.parse_pattern(locale.percent_formats[None].pattern)
        pattern.frac_prec = (int(style), int(style))  # a small share (of a GDP) needs its decimals
        return pattern.apply(value, locale)
    if kind == "money":  # style is the currency's code; whole units, as budgets are read
        pattern = numbers.parse_pattern(locale.currency_formats["standard"].pattern)
        pattern.frac_prec = (0, 0)
        return pattern.apply(value, locale, currency=style, currency_digits=False)
    return numbers.format_decimal(value, locale=locale)


def _period(period: str, style: str, locale) -> str:
    """A reporting period (2026-11, 2026-Q4, 2026) in the locale's words: November 2026, T4 2026."""
    year, _, rest = period.partition("-")
    if not rest:
        return year
    if rest.startswith("Q"):
        return dates.format_skeleton("yQQQ", date(int(year), 3 * int(rest[1:]) - 2, 1), locale=locale)
    return dates.format_skeleton("yMMM" if style == "short" else "yMMMM", date(int(year), int(rest), 1), locale=locale)


def _format(kind: str, value, style: str = "") -> str:
    if value is None or value == "":
        return ""
    return _formatted(kind, value, style, *reader_context())


def as_datetime(value: datetime | None, style: str = "medium") -> str:
    return _format("datetime", value, style)


def as_when(value: datetime | None) -> str:
    """Weekday, date and time of day without seconds or zone: how a meeting's time reads."""
    return _format("when", value)


def as_date(value: date | None, style: str = "medium") -> str:
    return _format("date", value, style)


def as_time(value: datetime | None, style: str = "short") -> str:
    return _format("time", value, style)


def as_number(value) -> str:
    return _format("number", value)


def as_percent(share, digits: int = 0) -> str:
    """0.42 → 42% (in the locale's way of writing it); digits after the decimal point if asked."""
    return _format("percent", share, str(digits) if digits else "")


def as_money(amount, currency: str) -> str:
    """An amount in its currency, as the reader's language writes it: ৳1,20,000 or 120 000 $US."""
    return _format("money", round(amount), currency) if amount is not None else ""


def as_period(period: str | None, short: bool = False) -> str:
    """How a reporting period reads: November 2026 (short: Nov 2026), Q4 2026, 2026."""
    return _format("period", period, "short" if short else "")


def register(app) -> None:
    app.jinja_env.filters["datetime"] = as_datetime
    app.jinja_env.filters["date"] = as_date
    app.jinja_env.filters["time"] = as_time
    app.jinja_env.filters["when"] = as_when
    app.jinja_env.filters["number"] = as_number
    app.jinja_env.filters["percent"] = as_percent
    app.jinja_env.filters["money"] = as_money
    app.jinja_env.filters["period"] = as_period


def escaped(text) -> str:
    """The text escaped for HTML as markupsafe's escape() writes it, as plain text to join into
    rows built with format strings (actions.rows, the group page): a page escapes hundreds of
    values, and a Markup object for each costs more than the escaping."""
    return str(escape(text))


def braced(text) -> str:
    """A translated word written into a format string, escaped, its braces kept as they are."""
    return escaped(text).replace("{", "{{").replace("}", "}}")


def badge(text, kind: str) -> str:
    """A badge as the badge macro of _macros.html writes it, for rows built with format strings."""
    return f'<span class="badge badge-{kind}">{escaped(text)}</span>'
