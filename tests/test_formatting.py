"""Dates, times, numbers and interface words in the reader's locale and the deployment's zone,
looked up once per request: what one request formats never shows in another's locale."""
from datetime import date, datetime
from decimal import Decimal

from workspace import i18n
from workspace.formatting import as_date, as_datetime, as_number, as_time, as_when
from tests.conftest import make_app


def formatted_in(database_url, locale, zone, format_them):
    app = make_app(database_url, BABEL_DEFAULT_LOCALE=locale, TIMEZONE=zone)
    with app.test_request_context("/"):
        return format_them()


def test_dates_and_times_follow_the_locale_and_the_zone(migrated):
    stored = datetime(2026, 11, 23, 20, 5)  # naive UTC, as stored: 02:05 the next day in Dhaka
    every = lambda: (as_date(date(2026, 11, 23)), as_datetime(stored), as_time(stored), as_when(stored),  # noqa: E731
                     as_number(Decimal("1234.5")))
    english = formatted_in(migrated, "en", "Asia/Dhaka", every)
    assert english == ("Nov 23, 2026", "Nov 24, 2026, 2:05:00\u202fAM", "2:05\u202fAM",
                       "Tuesday, November 24, 2026, 2:05\u202fAM", "1,234.5")
    french = formatted_in(migrated, "fr", "Europe/Paris", every)
    assert french == ("23 nov. 2026", "23 nov. 2026, 21:05:00", "21:05", "lundi 23 novembre 2026, 21:05",
                      "1\u202f234,5")


def test_nothing_formats_as_nothing(migrated):
    assert formatted_in(migrated, "en", "UTC", lambda: (as_date(None), as_when(None), as_number(None))) == ("", "", "")


def test_words_outside_a_request_are_the_source_text(migrated):
    assert i18n.gettext("Saved.") == "Saved."
    assert i18n.gettext("%(num)s overdue", num=3) == "3 overdue"
    assert i18n.ngettext("%(num)s action", "%(num)s actions", 2) == "2 actions"
    assert str(i18n.lazy_gettext("Done")) == "Done"
