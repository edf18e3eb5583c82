"""Figures of cases read from the counts kept on write (workspace/models/feedback.py), and lists
paged without counting everything: what the board and the committee's patterns show costs the same
with a hundred cases or a country's years of them."""
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, literal_column, select, text

from workspace.clock import to_local, to_utc, utcnow
from workspace.extensions import db
from workspace.inputs import whole_number
from workspace.models import Area, AreaLineage, FeedbackCase, within_area
from workspace.models.feedback import NO_AREA, OPEN_SQL, PUBLISHED_SQL, FeedbackFigure, FeedbackMonth

FIGURE_AREAS = 20  # the areas with most cases shown under the chosen one
AREA_CHOICES = 300
LARGE_AREA_SHARE = 64  # an area with at least 1/64 of all cases is "large" for the board's list  # the most areas just inside the chosen one that its filter offers
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
    area: Area | None  # None: the cases that name no area
    received: int = 0
    resolved: int = 0
    median: float | None = None  # days to resolve, counted in whole days
    whole: bool = False  # the chosen area with everything inside it


def national_area() -> Area | None:
    return db.session.scalar(select(Area).where(Area.parent_id.is_(None)).order_by(Area.id).limit(1))


def area_choices(top: Area | None) -> dict[int, str]:
    """What the board's area filter offers: the way down to the chosen area, and the areas just
    inside it (a few dozen, never the whole tree). Two queries."""
    if top is None:
        return {}
    path = db.session.scalars(select(Area).join(AreaLineage, AreaLineage.ancestor_id == Area.id)
                              .where(AreaLineage.area_id == top.id).order_by(AreaLineage.depth.desc())).all()
    inside = db.session.scalars(select(Area).where(Area.parent_id == top.id).order_by(Area.name, Area.id)
                                .limit(AREA_CHOICES)).all()
    return {area.id: "— " * depth + area.name
            for depth, area in [*enumerate(path), *((len(path), child) for child in inside)]}


def _median(buckets: list[tuple[int, int]]) -> float | None:
    """The median of values given as (value, how many), sorted by value."""
    total = sum(n for _, n in buckets)
    if not total:
        return None
    wanted, found, seen = ((total + 1) // 2, total // 2 + 1), [], 0
    for value, n in buckets:
        seen += n
        while len(found) < 2 and seen >= wanted[len(found)]:
            found.append(value)
    return round((found[0] + found[1]) / 2, 1)


def board_figures(top: Area | None, whole_country: bool) -> tuple[list[AreaFigures], bool]:
    """The area as a whole, then the FIGURE_AREAS areas just inside it with most cases, then (for
    the whole country) the cases that name no area. Two queries. Returns the rows and whether more
    areas inside were left out."""
    rows: list[AreaFigures] = []
    more = False
    if top is not None:
        received = func.sum(FeedbackFigure.cases)
        inside = db.session.execute(
            select(Area, received).join(FeedbackFigure, FeedbackFigure.area_id == Area.id)
            .where(Area.parent_id == top.id).group_by(Area.id)
            .having(received > 0).order_by(received.desc(), Area.name, Area.id).limit(FIGURE_AREAS + 1)).all()
        more = len(inside) > FIGURE_AREAS
        rows = [AreaFigures(top, whole=True)] + [AreaFigures(area) for area, _ in inside[:FIGURE_AREAS]]
    if whole_country:
        rows.append(AreaFigures(None))
    by_id = {row.area.id if row.area else NO_AREA: row for row in rows}
    buckets: dict[int, list[tuple[int, int]]] = {}
    for area_id, days, cases in db.session.execute(
            select(FeedbackFigure.area_id, FeedbackFigure.resolve_days, FeedbackFigure.cases)
            .where(FeedbackFigure.area_id.in_(list(by_id)), FeedbackFigure.cases > 0)
            .order_by(FeedbackFigure.area_id, FeedbackFigure.resolve_days)):
        row = by_id[area_id]
        row.received += cases
        if days >= 0:
            row.resolved += cases
            buckets.setdefault(area_id, []).append((days, cases))
    for area_id, row in by_id.items():
        row.median = _median(buckets.get(area_id, []))
    return [row for row in rows if row.whole or row.received], more


def inside(area: Area, received: int):
    """The board's cases in the area. An area holding a large share of all cases is checked while
    the newest are read in order (a few thousand index entries at most); a smaller one is looked up
    by its areas and its few cases sorted. `area_id + 0` keeps a planner from the lookup."""
    everywhere = db.session.scalar(select(func.coalesce(func.sum(FeedbackFigure.cases), 0)).join(
        Area, Area.id == FeedbackFigure.area_id).where(Area.parent_id.is_(None)))
    column = FeedbackCase.area_id + literal_column("0") if received * LARGE_AREA_SHARE >= everywhere else FeedbackCase.area_id
    return within_area(column, area.id)


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


@dataclass
class Patterns:
    months: list[str]
    counts: dict  # (category, month) -> cases
    by_area: list[tuple[Area | None, dict, int]]  # (area inside, or None: the area itself), {month: cases}, total
    more_areas: bool
    clusters: list[tuple[tuple[str, str, str], int]]  # ((category, programme, month), cases)
    more_clusters: bool


def patterns(area: Area) -> Patterns:
    """Cases received in the area (with the areas inside it) over the last months: by kind, by the
    areas just inside it, and the clusters of one kind, programme and month. Three queries over
    the counts kept for the area and its children."""
    months = pattern_months()
    in_months = FeedbackMonth.month.in_(months)
    counts, totals = {}, {month: 0 for month in months}
    for category, month, cases in db.session.execute(
            select(FeedbackMonth.category, FeedbackMonth.month, func.sum(FeedbackMonth.cases))
            .where(FeedbackMonth.area_id == area.id, in_months)
            .group_by(FeedbackMonth.category, FeedbackMonth.month)):
        counts[(category, month)] = int(cases)
        totals[month] += int(cases)
    inside: dict[int, tuple[Area, dict]] = {}
    for child, month, cases in db.session.execute(
            select(Area, FeedbackMonth.month, func.sum(FeedbackMonth.cases))
            .join(FeedbackMonth, FeedbackMonth.area_id == Area.id)
            .where(Area.parent_id == area.id, in_months).group_by(Area.id, FeedbackMonth.month)):
        inside.setdefault(child.id, (child, {}))[1][month] = int(cases)
    itself = {month: totals[month] - sum(by_month.get(month, 0) for _, by_month in inside.values())
              for month in months}
    rows = [(child, by_month, sum(by_month.values())) for child, by_month in inside.values()]
    if any(itself.values()):
        rows.append((None, itself, sum(itself.values())))
    rows = [row for row in rows if row[2]]
    rows.sort(key=lambda row: (-row[2], row[0].name if row[0] else ""))
    clusters = db.session.execute(
        select(FeedbackMonth.category, FeedbackMonth.programme, FeedbackMonth.month, FeedbackMonth.cases)
        .where(FeedbackMonth.area_id == area.id, in_months,
               FeedbackMonth.cases >= current_app.config["CLUSTER_SIZE"])
        .order_by(FeedbackMonth.cases.desc(), FeedbackMonth.month.desc(), FeedbackMonth.category,
                  FeedbackMonth.programme).limit(PATTERN_CLUSTERS + 1)).all()
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


def offset_window(query, per_page: int, page: int) -> Window:
    """Page `page` of a sorted query, one statement: per_page + 1 rows tell whether more follow."""
    page = max(1, page)
    rows = list(db.session.scalars(query.limit(per_page + 1).offset((page - 1) * per_page)).unique())
    return Window(rows[:per_page], page, page > 1, len(rows) > per_page)


def newest_answered_window(query, per_page: int, after: str) -> Window:
    """Cases by when they were resolved, newest first, from just after the cursor `after`
    ("<iso time>_<id>", from the previous page; anything else starts at the newest). One statement,
    however deep the page: it follows an index instead of skipping rows."""
    column = FeedbackCase.resolved_at
    try:
        stamp, _, last_id = after.partition("_")
        cursor = (datetime.fromisoformat(stamp), whole_number(last_id)) if after else None
    except ValueError:
        cursor = None
    if cursor:
        query = query.where((column < cursor[0]) | ((column == cursor[0]) & (FeedbackCase.id < cursor[1])))
    rows = list(db.session.scalars(query.where(column.is_not(None)).order_by(column.desc(), FeedbackCase.id.desc())
                                   .limit(per_page + 1)).unique())
    window = Window(rows[:per_page], has_prev=cursor is not None, has_next=len(rows) > per_page)
    if window.has_next:
        window.after = f"{rows[per_page - 1].resolved_at.isoformat()}_{rows[per_page - 1].id}"
    return window
