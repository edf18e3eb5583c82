"""Overlapping programmes, found in SQL: never by comparing every pair in Python.

Two programmes overlap when they work in a shared place (an area of one is, or lies inside, an
area of the other), run at the same time and serve at least one lifecycle group in common. Their
score adds one for each of the same kind of support and the same thematic cluster: from 3 (they
share place, time and people) to 5 (they also give the same kind of support in the same cluster).

The pairs are read from the coverage table and the area lineage: "area A contains area B" is one
indexed join (workspace/models/directory.py AreaLineage), so a district committee's overlaps touch
only the coverage rows in and above its district.
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, exists, func, literal, select, union_all
from sqlalchemy.orm import aliased, joinedload

from workspace.extensions import db
from workspace.models import (
    Area, AreaLineage, LifecycleGroup, OverlapReview, Programme, programme_areas, programme_groups,
)
from workspace.pages import paginate

FAR_FUTURE = date(9999, 12, 31)
# The reasons a pair is listed, in the order the page names them.
REASONS = ("area", "dates", "groups", "support", "cluster")


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


def of_programme(programme_id: int):
    """Pairs one of whose programmes is this one (two scopes: as the containing or the contained)."""
    return (lambda outer, inner: outer.c.programme_id == programme_id,
            lambda outer, inner: inner.c.programme_id == programme_id)


def both(*scopes):
    """A scope met only where all of these are."""
    return lambda outer, inner: and_(*(scope(outer, inner) for scope in scopes))


def overlap_query(*scopes, min_score: int = 3):
    """select(first_id, second_id, area_id, score, same_support, same_cluster), best first."""
    meeting = _pairs(*scopes)
    pairs = (select(meeting.c.first_id, meeting.c.second_id, func.min(meeting.c.area_id).label("area_id"))
             .group_by(meeting.c.first_id, meeting.c.second_id).subquery("pairs"))
    one, two = aliased(Programme, name="one"), aliased(Programme, name="two")
    g1, g2 = programme_groups.alias("g1"), programme_groups.alias("g2")
    shared_group = exists(select(literal(1)).select_from(g1).join(g2, g2.c.group_id == g1.c.group_id)
                          .where(g1.c.programme_id == pairs.c.first_id, g2.c.programme_id == pairs.c.second_id))
    same_support = one.support_kind == two.support_kind
    same_cluster = one.cluster_id == two.cluster_id
    score = 3 + case((same_support, 1), else_=0) + case((same_cluster, 1), else_=0)
    return (select(pairs.c.first_id, pairs.c.second_id, pairs.c.area_id, score.label("score"),
                   same_support.label("same_support"), same_cluster.label("same_cluster"))
            .join(one, one.id == pairs.c.first_id).join(two, two.id == pairs.c.second_id)
            .where(one.starts_on <= func.coalesce(two.ends_on, FAR_FUTURE),
                   two.starts_on <= func.coalesce(one.ends_on, FAR_FUTURE), shared_group, score >= min_score)
            .order_by(score.desc(), pairs.c.first_id, pairs.c.second_id))


def overlaps_page(scopes, per_page: int, committee_id: int | None = None, page_number: int | None = None,
                  min_score: int = 3):
    """A page of overlaps, with their programmes, shared groups, a shared place and the
    committee's verdicts: a fixed number of queries whatever the number of pairs."""
    statement = overlap_query(*scopes, min_score=min_score)
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
