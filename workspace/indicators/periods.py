"""Reporting periods, named from the frequency: 2026-11 (monthly), 2026-Q4 (quarterly), 2026 (yearly)."""
import re
from datetime import date

from workspace.formatting import as_period

PATTERNS = {
    "monthly": re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
    "quarterly": re.compile(r"^(\d{4})-Q([1-4])$"),
    "yearly": re.compile(r"^(\d{4})$"),
}


def frequency_of(period: str) -> str | None:
    for frequency, pattern in PATTERNS.items():
        if pattern.match(period or ""):
            return frequency
    return None


def belongs(period: str, frequency: str) -> bool:
    return frequency_of(period) == frequency


def period_of(day: date, frequency: str) -> str:
    if frequency == "monthly":
        return f"{day.year}-{day.month:02d}"
    if frequency == "quarterly":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def _index(period: str) -> tuple[str, int]:
    """A period as a count of periods since year 0, to step forwards and backwards."""
    frequency = frequency_of(period)
    match = PATTERNS[frequency].match(period)
    year = int(match.group(1))
    if frequency == "monthly":
        return frequency, year * 12 + int(match.group(2)) - 1
    if frequency == "quarterly":
        return frequency, year * 4 + int(match.group(2)) - 1
    return frequency, year


def last_month(period: str) -> tuple[int, int]:
    """(year, month) the period ends with: to list periods of several frequencies in time order,
    a month before the quarter and the year it closes."""
    frequency, index = _index(period)
    if frequency == "monthly":
        return index // 12, index % 12 + 1
    if frequency == "quarterly":
        return index // 4, (index % 4 + 1) * 3
    return index, 12


def after(period: str) -> date:
    """The first day after the period ends."""
    year, month = last_month(period)
    return date(year + month // 12, month % 12 + 1, 1)


def _name(frequency: str, index: int) -> str:
    if frequency == "monthly":
        return f"{index // 12}-{index % 12 + 1:02d}"
    if frequency == "quarterly":
        return f"{index // 4}-Q{index % 4 + 1}"
    return str(index)


def shift(period: str, steps: int) -> str:
    frequency, index = _index(period)
    return _name(frequency, index + steps)


def previous(period: str) -> str:
    return shift(period, -1)


def last_periods(frequency: str, today: date, count: int) -> list[str]:
    """The `count` periods up to and including today's, oldest first."""
    current = period_of(today, frequency)
    return [shift(current, -n) for n in range(count - 1, -1, -1)]


def between(first: str, last: str) -> list[str]:
    frequency, start = _index(first)
    _, end = _index(last)
    return [_name(frequency, i) for i in range(start, end + 1)]


def label(period: str) -> str:
    """How a period reads in the reader's language: November 2026, Q4 2026, 2026."""
    return as_period(period)
