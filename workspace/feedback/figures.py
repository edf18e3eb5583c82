"""Figures of cases read from the counts kept on write (workspace/models/feedback.py), and lists
paged without counting everything: what the board and the committee's patterns show costs the same
with a hundred cases or a country's years of them."""
import time
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import NamedTuple

from flask import current_app
from sqlalchemy import Select, bindparam, func, literal_column, select, text

from workspace import pages
from workspace.clock import to_local, to_utc, utcnow
from workspace.extensions import db
from workspace.formatting import as_date
from workspace.inputs import whole_number
from workspace.models import Area, AreaLineage, FeedbackCase, within_area
from workspace.models.feedback import (
    ALL_PROGRAMMES, NO_AREA, OPEN_SQL, PUBLISHED_SQL, FeedbackFigure, FeedbackMonth, writes_seen,
)

FIGURE_AREAS = 20  # the areas with most cases shown under the chosen one
SHORT_PAGE = 25  # rows of the case list and cases on the board, a page (PER_PAGE, if fewer)
BOARD_SECONDS = 60  # how old the board's figures may be (said on the page)
BOARD_KEPT = 1000  # areas' figures kept at once, at most
AREA_CHOICES = 300  # the most areas just inside the chosen one that the board's filter offers
LARGE_AREA_SHARE = 64  # an area with at least 1/64 of all cases is "large" for the board's list
PATTERN_MONTHS = 6
PATTERN_AREAS = 20
PATTERN_CLUSTERS = 20
CLUSTER_CASES = 2000  # the most cases one raised cluster names


def _on_cases(condition: str):
    """A condition a partial index holds, with the table named (the lists join other tables)."""
    return text(" AND ".join(f"feedback_cases.{term}" for term in condition.split(" AND ")))


PUBLISHED = _on_cases(PUBLISHED_SQL)
OPEN = _on_cases(OPEN_SQL)


# --- The board's figures --------------------------------------------------------------------------

@dataclass
class AreaFigures:
    area_id: int  # NO_AREA: the cases that name no area
    name: str = ""
    received: int = 0
    resolved: int = 0
    median: float | None = None  # days to resolve, counted in whole days
    whole: bool = False  # the chosen area with everything inside it


@dataclass
class Board:
    """What the board shows beside its list: the chosen area (None: the whole country, or no areas
    yet), the filter's choices, the figures, and what decides how the list reads an area."""

    area: tuple | None  # (id, name) of the area chosen
    choices: dict[int, str]
    figures: list[AreaFigures]
    more_areas: bool
    everywhere: int  # cases received in the whole country


# Board figures already read, by database and area: (when, writes seen, Board). At most
# BOARD_SECONDS old, and read again at once after a change this process writes.
_boards: dict[tuple, tuple] = {}


def board(area_id: int | None) -> Board:
    """The board's area, choices and figures: kept up to BOARD_SECONDS (a change written by this
    process shows at once; another process's, within that time)."""
    key, now, written = (str(db.engine.url), area_id), time.monotonic(), writes_seen()
    kept = _boards.get(key)
    if kept and kept[1] == written and now - kept[0] < BOARD_SECONDS:
        return kept[2]
    shown = read_board(area_id)
    if len(_boards) >= BOARD_KEPT:
        _boards.clear()
    _boards[key] = (now, written, shown)
    return shown


def read_board(area_id: int | None) -> Board:
    """The board's area, choices and figures in three queries: the way down to the area (or the top
    of the tree), the areas just inside it with their cases, and the figures of the few shown."""
    top_id = area_id or select(Area.id).where(Area.parent_id.is_(None)).order_by(Area.id).limit(1).scalar_subquery()
    path = read(select(Area.id, Area.name).join(AreaLineage, AreaLineage.ancestor_id == Area.id)
                              .where(AreaLineage.area_id == top_id).order_by(AreaLineage.depth.desc()))
    if not path:
        return read_board(None) if area_id else board_with(None, [], [], True)
    received = func.coalesce(func.sum(FeedbackFigure.cases), 0)
    inside = read(
        select(Area.id, Area.name, received).outerjoin(FeedbackFigure, FeedbackFigure.area_id == Area.id)
        .where(Area.parent_id == path[-1].id).group_by(Area.id, Area.name).order_by(Area.name, Area.id)
        .limit(AREA_CHOICES))
    return board_with(path[-1] if area_id else None, path, inside, area_id is None)


def board_with(chosen, path, inside, whole_country: bool) -> Board:
    choices = {area_id: "— " * depth + name
               for depth, (area_id, name, *_) in [*enumerate(path), *((len(path), child) for child in inside)]}
    most = sorted((child for child in inside if child[2]), key=lambda child: -child[2])
    rows = [AreaFigures(path[-1].id, path[-1].name, whole=True)] if path else []
    rows += [AreaFigures(area_id, name) for area_id, name, _ in most[:FIGURE_AREAS]]
    if whole_country:
        rows.append(AreaFigures(NO_AREA))
    everywhere_id = path[0].id if path else None
    found = _figures([row.area_id for row in rows] + ([everywhere_id] if everywhere_id else []))
    for row in rows:
        row.received, row.resolved, row.median = found.get(row.area_id, (0, 0, None))
    everywhere = found.get(everywhere_id, (0,))[0] + (found.get(NO_AREA, (0,))[0] if whole_country else 0)
    return Board(tuple(chosen) if chosen else None, choices, [row for row in rows if row.whole or row.received],
                 len(most) > FIGURE_AREAS, everywhere)


def read(query, values: dict | None = None) -> list:
    """All the rows of a query of columns (pages.read: without the ORM's work on each row)."""
    return pages.read(query, values).all()


def _median(buckets: list[tuple[int, int]], total: int) -> float | None:
    """The median of `total` values given as (value, how many), sorted by value."""
    if not total:
        return None
    wanted, found, seen = ((total + 1) // 2, total // 2 + 1), [], 0
    for value, n in buckets:
        seen += n
        while len(found) < 2 and seen >= wanted[len(found)]:
            found.append(value)
    return round((found[0] + found[1]) / 2, 1)


def _figures(area_ids: list[int]) -> dict[int, tuple[int, int, float | None]]:
    """{area: (received, resolved, median days)} from the kept counts: an area's few dozen rows (a
    row a whole number of days), the median read from their running sum."""
    f = FeedbackFigure
    buckets: dict[int, list[tuple[int, int]]] = {area_id: [] for area_id in area_ids}
    for area_id, days, cases in read(select(f.area_id, f.resolve_days, f.cases)
                                     .where(f.area_id.in_(area_ids), f.cases > 0)
                                     .order_by(f.area_id, f.resolve_days)):
        buckets[area_id].append((days, cases))
    result = {}
    for area_id, found in buckets.items():
        if found:
            resolved = [(days, n) for days, n in found if days >= 0]
            count = sum(n for _, n in resolved)
            result[area_id] = (sum(n for _, n in found), count, _median(resolved, count))
    return result


def inside(area_id: int, received: int, everywhere: int):
    """The board's cases in the area. An area holding a large share of all cases is checked while
    the newest are read in order (a few thousand index entries at most); a smaller one is looked up
    by its areas and its few cases sorted. `area_id + 0` keeps a planner from the lookup."""
    column = FeedbackCase.area_id + literal_column("0") if received * LARGE_AREA_SHARE >= everywhere \
        else FeedbackCase.area_id
    return within_area(column, area_id)


# --- A committee's patterns -------------------------------------------------------------------------

def pattern_months(now: datetime | None = None) -> list[str]:
    """The last PATTERN_MONTHS months of the deployment's time zone, this one last (YYYY-MM)."""
    local = to_local(now or utcnow())
    year, month = local.year, local.month
    months = []
    for _ in range(PATTERN_MONTHS):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def month_span(month: str) -> tuple[datetime, datetime]:
    """A local month as stored (UTC) times: from its first instant to the next month's."""
    year, number = int(month[:4]), int(month[5:7])
    following = (year, number + 1) if number < 12 else (year + 1, 1)
    return to_utc(datetime(year, number, 1)), to_utc(datetime(*following, 1))


class AreaName(NamedTuple):
    id: int
    name: str


@dataclass
class Patterns:
    months: list[str]
    counts: dict  # (category, month) -> cases
    by_area: list[tuple["AreaName | None", dict, int]]  # (area inside, or None: itself), {month: cases}, total
    more_areas: bool
    clusters: list[tuple[tuple[str, str, str], int]]  # ((category, programme, month), cases)
    more_clusters: bool


# A committee's patterns are three statements over the counts kept for its area and the areas just
# inside it. They are built once (building one costs more than running it); the area, the months,
# the cluster size and how many clusters are bound on each use.
@cache
def _pattern_statements() -> tuple[Select, Select, Select]:
    area, in_months = bindparam("area"), FeedbackMonth.month.in_(bindparam("months", expanding=True))
    every_programme = FeedbackMonth.programme == ALL_PROGRAMMES
    counts = (select(FeedbackMonth.category, FeedbackMonth.month, FeedbackMonth.cases)
              .where(FeedbackMonth.area_id == area, in_months, every_programme))
    children = (select(Area.id, Area.name, FeedbackMonth.month, func.sum(FeedbackMonth.cases))
                .join(FeedbackMonth, FeedbackMonth.area_id == Area.id)
                .where(Area.parent_id == area, in_months, every_programme)
                .group_by(Area.id, Area.name, FeedbackMonth.month))
    clusters = (select(FeedbackMonth.category, FeedbackMonth.programme, FeedbackMonth.month, FeedbackMonth.cases)
                .where(FeedbackMonth.area_id == area, in_months, FeedbackMonth.programme != ALL_PROGRAMMES,
                       FeedbackMonth.cases >= bindparam("size"))
                .order_by(FeedbackMonth.cases.desc(), FeedbackMonth.month.desc(), FeedbackMonth.category,
                          FeedbackMonth.programme).limit(bindparam("most")))
    return counts, children, clusters


def patterns(area: Area) -> Patterns:
    """Cases received in the area (with the areas inside it) over the last months: by kind, by the
    areas just inside it, and the clusters of one kind, programme and month. Three queries over
    the counts kept for the area and its children."""
    months = pattern_months()
    counts_query, children_query, clusters_query = _pattern_statements()
    values = {"area": area.id, "months": months, "size": current_app.config["CLUSTER_SIZE"],
              "most": PATTERN_CLUSTERS + 1}
    counts, totals = {}, {month: 0 for month in months}
    for category, month, cases in read(counts_query, values):
        counts[(category, month)] = int(cases)
        totals[month] += int(cases)
    children: dict[int, tuple[AreaName, dict]] = {}
    for child_id, name, month, cases in read(children_query, values):
        children.setdefault(child_id, (AreaName(child_id, name), {}))[1][month] = int(cases)
    itself = {month: totals[month] - sum(by_month.get(month, 0) for _, by_month in children.values())
              for month in months}
    rows = [(child, by_month, sum(by_month.values())) for child, by_month in children.values()]
    if any(itself.values()):
        rows.append((None, itself, sum(itself.values())))
    rows = [row for row in rows if row[2]]
    rows.sort(key=lambda row: (-row[2], row[0].name if row[0] else ""))
    clusters = read(clusters_query, values)
    return Patterns(months, counts, rows[:PATTERN_AREAS], len(rows) > PATTERN_AREAS,
                    [((c.category, c.programme, c.month), c.cases) for c in clusters[:PATTERN_CLUSTERS]],
                    len(clusters) > PATTERN_CLUSTERS)


def cluster_case_ids(area: Area, category: str, programme: str, month: str) -> list[int]:
    """The cases of a cluster, read again when it is raised: one query over the area's cases of
    that month (at most CLUSTER_CASES)."""
    start, end = month_span(month)
    return list(db.session.scalars(
        select(FeedbackCase.id).where(within_area(FeedbackCase.area_id, area.id),
                                      FeedbackCase.received_at >= start, FeedbackCase.received_at < end,
                                      FeedbackCase.category == category,
                                      func.trim(FeedbackCase.programme) == programme)
        .order_by(FeedbackCase.id).limit(CLUSTER_CASES)))


# --- Lists paged without counting everything -------------------------------------------------------

@dataclass
class Window:
    """One page of a list, and whether there is another before or after it. Lists here do not
    say how many there are in all: counting a country's cases for every page costs more than
    showing them."""

    items: list
    page: int = 1
    has_prev: bool = False
    has_next: bool = False
    after: str = ""  # the cursor of the next page, for lists paged by position (keyset)


def page_size() -> int:
    return min(current_app.config["PER_PAGE"], SHORT_PAGE)


def offset_window(query, per_page: int, page: int) -> Window:
    """Page `page` of a sorted query of rows, one statement: per_page + 1 rows tell whether more
    follow."""
    page = max(1, page)
    # The page's bounds stay parameters (not reading.fixed): a case list planned once for any
    # handler read thousands of cases to find one handler's first page (10 ms instead of 0.4).
    rows = read(query.limit(per_page + 1).offset((page - 1) * per_page))
    return Window(rows[:per_page], page, page > 1, len(rows) > per_page)


def newest_answered_window(query, per_page: int, after: str) -> Window:
    """Rows of cases (selecting FeedbackCase.id and .resolved_at) by when they were resolved, newest
    first, from just after the cursor `after` ("<iso time>_<id>", from the previous page; anything
    else starts at the newest). One statement, however deep the page: it follows an index instead
    of skipping rows."""
    column = FeedbackCase.resolved_at
    try:
        stamp, _, last_id = after.partition("_")
        cursor = (datetime.fromisoformat(stamp), whole_number(last_id)) if after else None
    except ValueError:
        cursor = None
    if cursor and cursor[0].tzinfo is not None:  # stored times are naive UTC; a cursor made here is too
        cursor = None
    if cursor:
        query = query.where((column < cursor[0]) | ((column == cursor[0]) & (FeedbackCase.id < cursor[1])))
    rows = read(query.where(column.is_not(None)).order_by(column.desc(), FeedbackCase.id.desc()).limit(per_page + 1))
    window = Window(rows[:per_page], has_prev=cursor is not None, has_next=len(rows) > per_page)
    if window.has_next:
        window.after = f"{rows[per_page - 1].resolved_at.isoformat()}_{rows[per_page - 1].id}"
    return window


def local_dates(moments) -> dict:
    """{stored time: its local date, formatted}, formatting each day once: a page's rows mostly
    fall on a few days, and formatting is the costly part of drawing them."""
    days: dict = {}
    dates = {}
    for moment in moments:
        if moment is not None:
            day = to_local(moment).date()
            if day not in days:
                days[day] = as_date(day)
            dates[moment] = days[day]
    return dates
