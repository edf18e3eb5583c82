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

from sqlalchemy import and_, case, delete, event, exists, func, insert, inspect, literal, or_, select, union_all
from sqlalchemy.orm import Session, aliased, joinedload

from workspace.extensions import db
from workspace.i18n import gettext as _
from workspace.models import (
    KEPT_LEVELS, ZONE_LEVEL, Area, AreaLineage, LifecycleGroup, OverlapReview, Programme, programme_areas,
    programme_groups, programme_overlaps,
)
from workspace.pages import paginate
from workspace.programmes import figures

FAR_FUTURE = date(9999, 12, 31)
# The reasons a pair is listed, in the order the page names them.
REASONS = ("area", "dates", "groups", "support", "cluster")
# What a programme's overlaps depend on: a change to any of these refreshes its pairs.
PAIRED_BY = ("starts_on", "ends_on", "support_kind", "cluster_id", "groups", "areas")


@dataclass
class Overlap:
    first: object  # Programme, the lower id
    second: object
    score: int
    area_name: str  # one place both work in
    groups: list  # LifecycleGroup labels both serve
    same_support: bool
    same_cluster: bool
    review: OverlapReview | None = None


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


def refresh(programme_ids, connection=None) -> None:
    """Finds the pairs of these programmes again, and where they are present (after they changed,
    or the areas under them)."""
    ids = sorted(set(programme_ids))
    if not ids:
        return
    if len(ids) > REFRESH_ONE_BY_ONE:
        return refresh_all(connection)
    connection = connection or db.session.connection()
    table = programme_overlaps
    connection.execute(delete(table).where(or_(table.c.first_id.in_(ids), table.c.second_id.in_(ids))))
    _keep(connection, overlap_query(*involving(ids), by_zone=True))
    figures.refresh_presence(connection, ids)


def refresh_all(connection=None) -> None:
    """Finds every pair and every presence again (a new database, a bulk load, or many programmes
    changed at once)."""
    connection = connection or db.session.connection()
    connection.execute(delete(programme_overlaps))
    _keep(connection, overlap_query(by_zone=True))
    figures.refresh_presence(connection)


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
    if changed:
        refresh(changed, session.connection())


# --- Reading them -----------------------------------------------------------------------------------

def _zone_seen_from(area_id: int):
    """A condition on a zone column: the zone is the area, inside it, or above it. The areas are
    listed as values (one query here): PostgreSQL then reads them through the zone index, where a
    subquery left it guessing how many pairs they hold and walking them all."""
    inside = select(AreaLineage.area_id).where(AreaLineage.ancestor_id == area_id)
    above = select(AreaLineage.ancestor_id).where(AreaLineage.area_id == area_id)
    seen = sorted(set(db.session.scalars(inside.union(above))))
    return lambda column: column.in_(seen)


def _kept(condition, min_score: int, few: bool = False):
    """The kept pairs meeting `condition(table)` in one of their zones, a row each, best first:
    read along the score index, the condition checked on the way. With `few` (a condition that
    keeps a tiny share of the pairs) they are found through the condition and then sorted:
    `score + 0` keeps the database off the score index."""
    kept, other = programme_overlaps.alias("kept"), programme_overlaps.alias("other")
    earlier_zone = exists(select(literal(1)).select_from(other).where(
        other.c.first_id == kept.c.first_id, other.c.second_id == kept.c.second_id,
        other.c.zone_id < kept.c.zone_id, condition(other)))
    score = kept.c.score + 0 if few else kept.c.score
    return (select(kept.c.first_id, kept.c.second_id, kept.c.meets_in_id.label("area_id"), kept.c.score,
                   kept.c.same_support, kept.c.same_cluster)
            .where(condition(kept), ~earlier_zone, kept.c.score >= min_score)
            .order_by(score.desc(), kept.c.first_id, kept.c.second_id))


def in_committee_area(area: Area, min_score: int = 3):
    """The pairs a committee of this area sees, as overlap_query's rows: meeting in the area, inside
    it, or above it. A district or a larger area reads them from the kept pairs. A smaller area
    reads there only the pairs meeting above any district (the zone is then the meeting place
    itself); those meeting within its district are found as it asks, among the few places in and
    above it."""
    if area.parent_id is None:  # the whole country: every pair
        return _kept(lambda table: literal(True), min_score)
    zone_seen = _zone_seen_from(area.id)

    def seen(table):
        return zone_seen(table.c.zone_id)

    if area.level in KEPT_LEVELS:
        return _kept(seen, min_score)
    districts = select(Area.id).where(Area.level == ZONE_LEVEL)
    above_districts = _kept(lambda table: and_(seen(table), table.c.zone_id.not_in(districts)), min_score, few=True)
    within = select(_zones().c.area_id)
    in_district = overlap_query(both(in_area(area.id), lambda outer, inner: inner.c.area_id.in_(within)),
                                min_score=min_score)
    found = union_all(above_districts.order_by(None), in_district.order_by(None)).subquery("found")
    return (select(found.c.first_id, found.c.second_id, func.min(found.c.area_id).label("area_id"), found.c.score,
                   found.c.same_support, found.c.same_cluster)
            .group_by(found.c.first_id, found.c.second_id, found.c.score, found.c.same_support, found.c.same_cluster)
            .order_by(found.c.score.desc(), found.c.first_id, found.c.second_id))


def with_programme(programme_id: int, min_score: int = 3):
    """The pairs this programme is one of, as overlap_query's rows."""
    return _kept(lambda table: or_(table.c.first_id == programme_id, table.c.second_id == programme_id), min_score)


def overlaps_page(statement, per_page: int, committee_id: int | None = None, page_number: int | None = None):
    """A page of overlaps, with their programmes, shared groups, a shared place and the
    committee's verdicts: a fixed number of queries whatever the number of pairs."""
    page = paginate(statement, per_page, page_number=page_number,
                    load=lambda rows: db.session.execute(select(rows)).all())
    if not page.items:
        return page
    programme_ids = {r.first_id for r in page.items} | {r.second_id for r in page.items}
    programmes = {p.id: p for p in db.session.scalars(
        select(Programme).where(Programme.id.in_(programme_ids)).options(
            *_programme_options()))}
    areas = dict(db.session.execute(select(Area.id, Area.name).where(
        Area.id.in_({r.area_id for r in page.items}))).all())
    groups = _shared_groups([(r.first_id, r.second_id) for r in page.items])
    reviews = {}
    if committee_id is not None:
        reviews = {(r.first_id, r.second_id): r for r in db.session.scalars(select(OverlapReview).where(
            OverlapReview.committee_id == committee_id, OverlapReview.first_id.in_(programme_ids),
            OverlapReview.second_id.in_(programme_ids)))}
    page.items = [Overlap(programmes[r.first_id], programmes[r.second_id], r.score, areas.get(r.area_id, ""),
                          groups.get((r.first_id, r.second_id), []), bool(r.same_support), bool(r.same_cluster),
                          reviews.get((r.first_id, r.second_id))) for r in page.items]
    return page


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


def _programme_options():
    return (joinedload(Programme.organization), joinedload(Programme.cluster))


def _shared_groups(pairs: list[tuple[int, int]]) -> dict[tuple[int, int], list[str]]:
    """The lifecycle groups each pair serves in common: one query for the page."""
    if not pairs:
        return {}
    ids = {i for pair in pairs for i in pair}
    served: dict[int, list] = {}
    for programme_id, group in db.session.execute(
            select(programme_groups.c.programme_id, LifecycleGroup)
            .join(LifecycleGroup, LifecycleGroup.id == programme_groups.c.group_id)
            .where(programme_groups.c.programme_id.in_(ids)).order_by(LifecycleGroup.position)):
        served.setdefault(programme_id, []).append(group)
    found = {}
    for first, second in pairs:
        theirs = {g.id for g in served.get(second, [])}
        found[(first, second)] = [g.label for g in served.get(first, []) if g.id in theirs]
    return found
