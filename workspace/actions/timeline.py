"""The timeline: one bar per action from its start to its due date, a line for today, overdue in
red. Drawn on the server as SVG (one strip per action, under its title), so it works without
JavaScript, reads on a phone and prints."""
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

WIDTH = 1000  # the strips' own units; each strip stretches to the page's width


class Bar(NamedTuple):
    """One action's bar, with the action's fields it shows (read directly: a page draws forty)."""

    id: int
    title: str
    start_date: date
    due_date: date
    status: str
    progress: int
    x: float
    width: float
    progress_width: float
    css: str


@dataclass
class Timeline:
    bars: list[Bar]
    months: list[float]  # where each month begins
    today_x: float | None
    start: date
    end: date


def build(actions: list, today: date) -> Timeline | None:
    """The bars of ListedActions (queries.py), read on `today`."""
    if not actions:
        return None
    start = min(min(a.start_date for a in actions), today) - timedelta(days=3)
    end = max(max(a.due_date for a in actions), today) + timedelta(days=3)
    days = max((end - start).days, 1)

    def x(day: date) -> float:
        return round((day - start).days / days * WIDTH, 1)

    bars = []
    for action in actions:
        left = x(action.start_date)
        width = max(x(action.due_date + timedelta(days=1)) - left, 4)
        bars.append(Bar(action.id, action.title, action.start_date, action.due_date, action.status, action.progress,
                        left, width, round(width * action.progress / 100, 1),
                        "overdue" if action.overdue else action.status))
    months, month = [], date(start.year, start.month, 1)
    while month <= end:
        if month > start:
            months.append(x(month))
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return Timeline(bars, months, x(today), start, end)
