"""Overlapping programmes, found in SQL: never by comparing every pair in Python.

Two programmes overlap when they work in a shared place (an area of one is, or lies inside, an
area of the other), run at the same time and serve at least one lifecycle group in common. Their
score adds one for each of the same kind of support and the same thematic cluster: from 3 (they
share place, time and people) to 5 (they also give the same kind of support in the same cluster).

Finding them reads the coverage table and the area lineage: "area A contains area B" is one
indexed join (workspace/models/directory.py AreaLineage). At a country's scale the places where
pairs meet run to millions, so the pairs are kept in `programme_overlaps`, refreshed for a
programme whenever it changes (the flush hook at the end): one row per pair and zone, the zone
being the district where they meet (or the place itself, above any district). A committee of a
district, a region or the country then reads its pairs from an index; a committee of a smaller
area, whose pairs are few, has them found as it asks.
"""
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from typing import NamedTuple

from sqlalchemy import (
    and_, bindparam, case, delete, event, exists, func, insert, inspect, literal, literal_column, null, or_, select,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from workspace.extensions import db
from workspace.i18n import gettext as _
from workspace.kept import Kept, forget_on_save
from workspace.labels import translated
from workspace.models import (
    KEPT_LEVELS, SUPPORT_KINDS, VERDICTS, ZONE_LEVEL, Area, AreaLineage, LifecycleGroup, Organization, OverlapReview,
    Programme, ProgrammeCluster, programme_areas, programme_groups, programme_overlaps,
)
from workspace.pages import COUNT_UP_TO, Page, read, read_counted
from workspace.programmes import figures
from workspace.reading import fixed_parameter

FAR_FUTURE = date(9999, 12, 31)
# The reasons a pair is listed, in the order the page names them.
REASONS = ("area", "dates", "groups", "support", "cluster")
# What a programme's overlaps depend on: a change to any of these refreshes its pairs.
PAIRED_BY = ("starts_on", "ends_on", "support_kind", "cluster_id", "groups", "areas")


@dataclass
class Overlap:
    first: "Side"  # the lower id
    second: "Side"
    score: int
    area_name: str  # one place both work in
    groups: list  # LifecycleGroup labels both serve
    same_support: bool
    same_cluster: bool
    review: "ReviewShown | None" = None


class ReviewShown(NamedTuple):
    """A committee's verdict on a pair, as a card shows it."""
    verdict: str
    note: str

    @property
    def verdict_label(self) -> str:
        return str(VERDICTS[self.verdict])


# --- Finding pairs in the coverage --------------------------------------------------------------

def _pairs(*scopes):
    """(first_id, second_id, area_id): each place where two programmes' coverage meets, the pair's
    lower id first. `scopes` are extra conditions on the two coverage rows (outer contains inner)."""
    outer, inner = programme_areas.alias("outer_area"), programme_areas.alias("inner_area")
    first = case((outer.c.programme_id < inner.c.programme_id, outer.c.programme_id), else_=inner.c.programme_id)
    second = case((outer.c.programme_id < inner.c.programme_id, inner.c.programme_id), else_=outer.c.programme_id)
    base = (select(first.label("first_id"), second.label("second_id"), inner.c.area_id.label("area_id"))
            .select_from(outer)
            .join(AreaLineage, AreaLineage.ancestor_id == outer.c.area_id)
            .join(inner, and_(inner.c.area_id == AreaLineage.area_id, inner.c.programme_id != outer.c.programme_id)))
    parts = [base.where(scope(outer, inner)) for scope in scopes] or [base]
    return union_all(*parts).subquery("meeting")


def in_area(area_id: int):
    """Pairs meeting in this area, inside it, or in an area containing it (a national programme
    meets a district's programmes in that district)."""
    inside = select(AreaLineage.area_id).where(AreaLineage.ancestor_id == area_id)
    above = select(AreaLineage.ancestor_id).where(AreaLineage.area_id == area_id)
    return lambda outer, inner: inner.c.area_id.in_(inside.union(above))


def involving(programme_ids):
    """Pairs one of whose programmes is one of these (two scopes: as the containing or the contained)."""
    ids = list(programme_ids)
    return (lambda outer, inner: outer.c.programme_id.in_(ids),
            lambda outer, inner: inner.c.programme_id.in_(ids))


def of_programme(programme_id: int):
    return involving([programme_id])


def both(*scopes):
    """A scope met only where all of these are."""
    return lambda outer, inner: and_(*(scope(outer, inner) for scope in scopes))


def _zones():
    """(area_id, zone_id): the district an area lies in, for the areas in one."""
    zone = aliased(Area, name="zone")
    return (select(AreaLineage.area_id, AreaLineage.ancestor_id.label("zone_id"))
            .join(zone, zone.id == AreaLineage.ancestor_id).where(zone.level == ZONE_LEVEL).subquery("zones"))


def overlap_query(*scopes, min_score: int = 3, by_zone: bool = False):
    """select(first_id, second_id, area_id, score, same_support, same_cluster), best first; with
    by_zone, a row per pair and zone, with zone_id."""
    meeting = _pairs(*scopes)
    keys = [meeting.c.first_id, meeting.c.second_id]
    if by_zone:
        zones = _zones()
        zone = func.coalesce(zones.c.zone_id, meeting.c.area_id)
        pairs = (select(*keys, zone.label("zone_id"), func.min(meeting.c.area_id).label("area_id"))
                 .outerjoin(zones, zones.c.area_id == meeting.c.area_id).group_by(*keys, zone))
    else:
        pairs = select(*keys, func.min(meeting.c.area_id).label("area_id")).group_by(*keys)
    pairs = pairs.subquery("pairs")
    one, two = aliased(Programme, name="one"), aliased(Programme, name="two")
    g1, g2 = programme_groups.alias("g1"), programme_groups.alias("g2")
    shared_group = exists(select(literal(1)).select_from(g1).join(g2, g2.c.group_id == g1.c.group_id)
                          .where(g1.c.programme_id == pairs.c.first_id, g2.c.programme_id == pairs.c.second_id))
    same_support = one.support_kind == two.support_kind
    same_cluster = one.cluster_id == two.cluster_id
    score = 3 + case((same_support, 1), else_=0) + case((same_cluster, 1), else_=0)
    columns = [pairs.c.first_id, pairs.c.second_id, pairs.c.area_id, score.label("score"),
               same_support.label("same_support"), same_cluster.label("same_cluster")]
    return (select(*columns, *([pairs.c.zone_id] if by_zone else []))
            .join(one, one.id == pairs.c.first_id).join(two, two.id == pairs.c.second_id)
            .where(one.starts_on <= func.coalesce(two.ends_on, FAR_FUTURE),
                   two.starts_on <= func.coalesce(one.ends_on, FAR_FUTURE), shared_group, score >= min_score)
            .order_by(score.desc(), pairs.c.first_id, pairs.c.second_id))


# --- The kept pairs -------------------------------------------------------------------------------

REFRESH_ONE_BY_ONE = 200  # more programmes than this changed at once: every pair is found again


def _keep(connection, found) -> None:
    rows = found.order_by(None).subquery()
    connection.execute(insert(programme_overlaps).from_select(
        ["first_id", "second_id", "zone_id", "meets_in_id", "score", "same_support", "same_cluster"],
        select(rows.c.first_id, rows.c.second_id, rows.c.zone_id, rows.c.area_id, rows.c.score,
               rows.c.same_support, rows.c.same_cluster)))


def refresh(programme_ids, connection=None, figured=()) -> None:
    """Finds the pairs of these programmes again, and where they are present (after they changed,
    or the areas under them); then the figures of the areas where they, and the programmes
    `figured` whose figures alone changed, were or are present."""
    ids = sorted(set(programme_ids))
    if len(ids) > REFRESH_ONE_BY_ONE:
        return refresh_all(connection)
    figured = set(figured) | set(ids)
    if not figured:
        return
    connection = connection or db.session.connection()
    areas = figures.present_in(connection, figured)
    if ids:
        table = programme_overlaps
        connection.execute(delete(table).where(or_(table.c.first_id.in_(ids), table.c.second_id.in_(ids))))
        _keep(connection, overlap_query(*involving(ids), by_zone=True))
        figures.refresh_presence(connection, ids)
        areas |= figures.present_in(connection, ids)
    figures.refresh_figures(connection, areas)


# The key of the PostgreSQL advisory lock under which kept pairs and figures are found again.
KEPT_ROWS_LOCK = 7_100_001


def _one_at_a_time(connection) -> None:
    """Kept pairs and figures are found again by one transaction at a time, until it commits: two
    programmes of one district saved at once each deleted the district's rows and then wrote them,
    and the second write met the first's rows (PostgreSQL; SQLite lets one writer in at a time)."""
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(KEPT_ROWS_LOCK)))


def refresh_all(connection=None) -> None:
    """Finds every pair, every presence and every kept area's figures again (a new database, a bulk
    load, or many programmes changed at once)."""
    connection = connection or db.session.connection()
    _one_at_a_time(connection)
    connection.execute(delete(programme_overlaps))
    _keep(connection, overlap_query(by_zone=True))
    figures.refresh_presence(connection)
    figures.refresh_figures(connection)


@event.listens_for(Session, "after_flush")
def _keep_pairs(session, _context) -> None:
    # Runs after the area lineage's own hook (workspace/models/directory.py), registered before it.
    changed = {obj.id for obj in session.new if isinstance(obj, Programme)}
    changed |= {obj.id for obj in session.dirty if isinstance(obj, Programme) and any(
        getattr(inspect(obj).attrs, name).history.has_changes() for name in PAIRED_BY)}
    moved = [obj.id for obj in session.dirty if isinstance(obj, Area) and (
        inspect(obj).attrs.parent_id.history.has_changes() or inspect(obj).attrs.level.history.has_changes())]
    if moved:  # the programmes working in or under a moved area meet others in new places
        changed |= set(session.connection().scalars(
            select(programme_areas.c.programme_id).distinct()
            .join(AreaLineage, AreaLineage.area_id == programme_areas.c.area_id)
            .where(AreaLineage.ancestor_id.in_(moved))))
    figured, gone = figures.changed_figures(session)
    if gone or changed or figured:
        _one_at_a_time(session.connection())
    if gone:  # the presence of a programme that went went with it: every area's figures are found again
        refresh(changed, session.connection())
        figures.refresh_figures(session.connection())
    elif changed or figured:
        refresh(changed, session.connection(), figured)


# --- Reading them -----------------------------------------------------------------------------------

# The zones seen from an area change only when areas are added or moved: kept ZONES_KEPT seconds
# by area, and read again at once when this process saves an area.
ZONES_KEPT = 60
_zones_seen = Kept(1024)
forget_on_save(_zones_seen.clear, Area)


def _zones_seen_from(area_id: int) -> list[int]:
    """The zones a committee of this area sees: the area, the areas inside it and above it, of a
    district's level or above (a zone is never smaller). They are listed as values (one query
    here, or none while kept): PostgreSQL then reads them through the zone index, where a subquery
    left it guessing how many pairs they hold and walking them all."""
    return _zones_seen.fetch((area_id,), ZONES_KEPT,
                             lambda: list(read(_seen_statement(), {"area_id": area_id}).scalars()))


@cache
def _seen_statement():
    area = bindparam("area_id")
    inside = select(AreaLineage.area_id.label("id")).where(AreaLineage.ancestor_id == area)
    above = select(AreaLineage.ancestor_id.label("id")).where(AreaLineage.area_id == area)
    seen = inside.union(above).subquery()
    return (select(seen.c.id).join(Area, Area.id == seen.c.id).where(Area.level.in_(KEPT_LEVELS))
            .order_by(seen.c.id))


def _kept(condition, min_score, few: bool = False, ids_only: bool = False):
    """The kept pairs meeting `condition(table)` in one of their zones, a row each, best first:
    read along the score index, the condition checked on the way. With `few` (a condition that
    keeps a tiny share of the pairs) they are found through the condition and then sorted:
    `score + 0` keeps the database off the score index. With `ids_only`, the columns of the zone
    index only (first_id, second_id, zone_id, score): the pairs are then found, counted and sorted
    without reading their rows, and a page's rows are read after (overlaps_page)."""
    kept, other = programme_overlaps.alias("kept"), programme_overlaps.alias("other")
    earlier_zone = exists(select(literal(1)).select_from(other).where(
        other.c.first_id == kept.c.first_id, other.c.second_id == kept.c.second_id,
        other.c.zone_id < kept.c.zone_id, condition(other)))
    score = kept.c.score + 0 if few else kept.c.score
    columns = ((kept.c.first_id, kept.c.second_id, kept.c.zone_id, kept.c.score) if ids_only else
               (kept.c.first_id, kept.c.second_id, kept.c.meets_in_id.label("area_id"), kept.c.score,
                kept.c.same_support, kept.c.same_cluster))
    return (select(*columns).where(condition(kept), ~earlier_zone, kept.c.score >= min_score)
            .order_by(score.desc(), kept.c.first_id, kept.c.second_id))


@cache
def _kept_of(kind: str):
    """Built once, its cache key too: the kept pairs everywhere, in the zones `zones`, or of the
    programme `programme_id`, with a score of at least `min_score` (parameters)."""
    conditions = {
        "everywhere": lambda table: literal(True),
        "zones": lambda table: table.c.zone_id.in_(bindparam("zones", expanding=True)),
        # The same pairs for listing a page: `+ 0` keeps SQLite off the zone index, which made it
        # sort every pair of the zones; along the score index it stops at the page's last pair.
        # (The earlier-zone test keeps the index on its own, `other`, table.)
        "zones, by score": lambda table: (table.c.zone_id + 0 if table.name == "kept" else table.c.zone_id).in_(
            bindparam("zones", expanding=True)),
        # The same pairs for counting: along the zone index, each checked for an earlier zone on the
        # primary key. `+ 0` on the other table keeps PostgreSQL from sorting every pair of the
        # zones to merge them with the first hundreds counted.
        "zones, counted": lambda table: (table.c.zone_id + 0 if table.name == "other" else table.c.zone_id).in_(
            bindparam("zones", expanding=True)),
        "programme": lambda table: or_(table.c.first_id == bindparam("programme_id"),
                                       table.c.second_id == bindparam("programme_id")),
    }
    return _kept(conditions[kind], bindparam("min_score"), ids_only=True)


def committee_pairs(area: Area, min_score: int = 3) -> tuple:
    """(statement, its parameters): the pairs a committee of this area sees, as overlap_query's
    rows: meeting in the area, inside it, or above it. A district or a larger area reads them from
    the kept pairs. A smaller area reads there only the pairs meeting above any district (the zone
    is then the meeting place itself); those meeting within its district are found as it asks,
    among the few places in and above it."""
    if area.parent_id is None:  # the whole country: every pair
        return _kept_of("everywhere"), {"min_score": min_score}
    zones = _zones_seen_from(area.id)
    if area.level in KEPT_LEVELS:
        return _kept_of("zones"), {"zones": zones, "min_score": min_score}
    districts = select(Area.id).where(Area.level == ZONE_LEVEL)
    above_districts = _kept(lambda table: and_(table.c.zone_id.in_(zones), table.c.zone_id.not_in(districts)),
                            min_score, few=True)
    within = select(_zones().c.area_id)
    in_district = overlap_query(both(in_area(area.id), lambda outer, inner: inner.c.area_id.in_(within)),
                                min_score=min_score)
    found = union_all(above_districts.order_by(None), in_district.order_by(None)).subquery("found")
    return (select(found.c.first_id, found.c.second_id, func.min(found.c.area_id).label("area_id"), found.c.score,
                   found.c.same_support, found.c.same_cluster)
            .group_by(found.c.first_id, found.c.second_id, found.c.score, found.c.same_support, found.c.same_cluster)
            .order_by(found.c.score.desc(), found.c.first_id, found.c.second_id)), {}


def in_committee_area(area: Area, min_score: int = 3):
    """committee_pairs' statement with its parameters in it."""
    statement, parameters = committee_pairs(area, min_score)
    return statement.params(parameters) if parameters else statement


def programme_pairs(programme_id: int, min_score: int = 3) -> tuple:
    """(statement, its parameters): the pairs this programme is one of, as overlap_query's rows."""
    return _kept_of("programme"), {"programme_id": programme_id, "min_score": min_score}


@lru_cache(maxsize=32)
def _paged(statement, reviewed: bool = False) -> tuple:
    """(how many rows, up to `up_to`; a page of them at `limit` and `offset`, with that count as
    its last column; the same page without it): built once for a statement built once. The pairs
    are counted on their two ids; a page of kept pairs found on the zone index's columns
    (ids_only) has its rows read for its pairs alone. reviewed: each pair with the verdict and
    note of the committee `committee_id` on it (None where it has none)."""
    counted = _kept_of("zones, counted") if statement is _kept_of("zones") else statement
    columns = list(counted.selected_columns)
    ids = counted.with_only_columns(*columns[:2]).order_by(None)
    counting = select(func.count()).select_from(ids.limit(fixed_parameter("up_to")).subquery())
    listed = _kept_of("zones, by score") if statement is _kept_of("zones") else statement
    page = listed.limit(fixed_parameter("limit")).offset(fixed_parameter("offset"))
    if "zone_id" in statement.selected_columns:
        page, kept = page.subquery("page"), programme_overlaps
        page = (select(page.c.first_id, page.c.second_id, kept.c.meets_in_id.label("area_id"), page.c.score,
                       kept.c.same_support, kept.c.same_cluster)
                .join(kept, and_(kept.c.first_id == page.c.first_id, kept.c.second_id == page.c.second_id,
                                 kept.c.zone_id == page.c.zone_id))
                .order_by(page.c.score.desc(), page.c.first_id, page.c.second_id))
    # The page's pairs with the name of the place they meet in, and the count (read_counted):
    # one statement.
    listed = page.subquery("listed")
    page = (select(*listed.c, Area.name.label("area_name")).outerjoin(Area, Area.id == listed.c.area_id)
            .order_by(listed.c.score.desc(), listed.c.first_id, listed.c.second_id))
    if reviewed:
        page = page.add_columns(OverlapReview.verdict, OverlapReview.note).outerjoin(OverlapReview, and_(
            OverlapReview.committee_id == bindparam("committee_id"), OverlapReview.first_id == listed.c.first_id,
            OverlapReview.second_id == listed.c.second_id))
    return counting, page.add_columns(counting.scalar_subquery()), page


def overlaps_page(statement, per_page: int, committee_id: int | None = None, page_number: int | None = None,
                  parameters: dict | None = None, count_up_to: int = COUNT_UP_TO):
    """A page of overlaps, with their programmes, shared groups, a shared place and the
    committee's verdicts: a fixed number of queries whatever the number of pairs."""
    parameters = parameters or {}
    reviewed = committee_id is not None
    counting, paging, listed = _paged(statement, reviewed)
    counting_parameters = {**parameters, "up_to": count_up_to + 1}
    if reviewed:
        counting_parameters["committee_id"] = committee_id
    found, number, counted = read_counted(
        paging, counting, counting_parameters, lambda number: {
            **counting_parameters, "limit": per_page, "offset": (number - 1) * per_page}, per_page, count_up_to,
        page_number, listed=listed)
    page = Page(found.all(), number, per_page, min(counted, count_up_to), counted > count_up_to)
    if not page.items:
        return page
    programme_ids = sorted({r.first_id for r in page.items} | {r.second_id for r in page.items})
    supports, clusters = translated(SUPPORT_KINDS), {}
    programmes, served, group_labels = {}, {}, {}
    for kind, programme_id, name, organization_name, support_kind, column_id, key, column_name in read(
            _sides_and_groups(), {"ids": programme_ids}).all():
        if kind == "group":  # a lifecycle group the programme serves, in the groups' order
            served.setdefault(programme_id, []).append(column_id)
            if column_id not in group_labels:
                group_labels[column_id] = figures.label_of(LifecycleGroup, key, column_name)
            continue
        if column_id not in clusters:
            clusters[column_id] = figures.label_of(ProgrammeCluster, key, column_name)
        programmes[programme_id] = Side(programme_id, name, organization_name, supports[support_kind],
                                        clusters[column_id])
    groups = _shared_groups([(r.first_id, r.second_id) for r in page.items], served, group_labels)
    reviews = {(r.first_id, r.second_id): ReviewShown(r.verdict, r.note) for r in page.items
               if reviewed and r.verdict is not None}
    page.items = [Overlap(programmes[r.first_id], programmes[r.second_id], r.score, r.area_name or "",
                          groups.get((r.first_id, r.second_id), []), bool(r.same_support), bool(r.same_cluster),
                          reviews.get((r.first_id, r.second_id))) for r in page.items]
    return page


@dataclass
class Side:
    """One programme of a pair, as a card shows it."""
    id: int
    name: str
    organization_name: str
    support_label: str
    cluster_label: str


@cache
def _sides_and_groups():
    """The programmes of a page's pairs (`ids`), in one statement: ("side", the programme's few
    columns, its cluster's id, key and name), then ("group", the programme, the id, key and name
    of each lifecycle group it serves, in the groups' order)."""
    ids = bindparam("ids", expanding=True)
    sides = (select(literal_column("'side'").label("kind"), Programme.id, Programme.name, Organization.name,
                    Programme.support_kind, ProgrammeCluster.id, ProgrammeCluster.key, ProgrammeCluster.name,
                    literal_column("0").label("position"))
             .join(Organization, Organization.id == Programme.organization_id)
             .join(ProgrammeCluster, ProgrammeCluster.id == Programme.cluster_id)
             .where(Programme.id.in_(ids)))
    served = (select(literal_column("'group'"), programme_groups.c.programme_id, null(), null(), null(),
                     LifecycleGroup.id, LifecycleGroup.key, LifecycleGroup.name, LifecycleGroup.position)
              .join(LifecycleGroup, LifecycleGroup.id == programme_groups.c.group_id)
              .where(programme_groups.c.programme_id.in_(ids)))
    rows = union_all(sides, served).subquery()
    return select(*list(rows.c)[:8]).order_by(rows.c.kind.desc(), rows.c.position)


def card_words() -> dict:
    """The words of an overlap card (programmes/_overlap.html), translated once a page rather than
    once a card: a page of twenty cards asked for four hundred translations."""
    return {"5": _("Strong overlap"), "4": _("Overlap"), "3": _("Partial overlap"),
            "score": _("%(score)s of 5 in common"), "area": _("Both work in %(area)s."),
            "time": _("They run at the same time."), "groups": _("Both serve: %(groups)s."),
            "support": _("Both give the same kind of support: %(kind)s."),
            "cluster": _("Both are in the cluster %(cluster)s."), "view": _("The committee's view:"),
            "change": _("Change the committee's view"), "record": _("Record the committee's view"),
            "raise": _("Raise at the next meeting")}


def _shared_groups(pairs: list[tuple[int, int]], served: dict[int, list],
                   labels: dict[int, str]) -> dict[tuple[int, int], list[str]]:
    """The labels of the lifecycle groups each pair serves in common, from the groups each of
    their programmes serves (served: {programme: [group ids]}; labels: {group: label})."""
    found = {}
    for first, second in pairs:
        theirs = set(served.get(second, ()))
        found[(first, second)] = [labels[g] for g in served.get(first, ()) if g in theirs]
    return found
