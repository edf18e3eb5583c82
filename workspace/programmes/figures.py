"""Who does what where, and what it costs: the figures of the repository, summed in SQL.

A programme is present in an area when one of its coverage areas lies inside the area or contains
it (a national programme is present in every district). Its people and budget are the whole
programme's: a programme present in two areas counts whole in each, and the page says so.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import delete, distinct, func, insert, select, union
from sqlalchemy.orm import aliased

from workspace.extensions import db
from workspace.models import (
    KEPT_LEVELS, SECTOR_OF_KIND, Area, AreaLineage, GdpFigure, LifecycleGroup, Organization, Programme,
    ProgrammeCluster, ProgrammeYear, programme_areas, programme_groups, programme_presence,
)
from workspace.pages import read


@dataclass
class Cell:
    programmes: int = 0
    organizations: int = 0
    people: int = 0
    budgets: dict = field(default_factory=dict)  # {currency: amount}


def _present(inside_areas, containing_areas, *conditions):
    """(area_id, programme_id): programmes with a coverage area inside `inside_areas`' areas or
    containing `containing_areas`' areas (conditions on AreaLineage and the coverage)."""
    inside = (select(AreaLineage.ancestor_id.label("area_id"), programme_areas.c.programme_id)
              .join(programme_areas, programme_areas.c.area_id == AreaLineage.area_id)
              .where(inside_areas(AreaLineage.ancestor_id), *conditions))
    containing = (select(AreaLineage.area_id.label("area_id"), programme_areas.c.programme_id)
                  .join(programme_areas, programme_areas.c.area_id == AreaLineage.ancestor_id)
                  .where(containing_areas(AreaLineage.area_id), *conditions))
    return union(inside, containing)


def presence(area_ids: list[int], level: str | None = None):
    """(area_id, programme_id) for every programme present in each of these areas (all at `level`):
    kept for districts and above, found in the coverage for smaller areas."""
    if level in KEPT_LEVELS:
        return (select(programme_presence.c.area_id, programme_presence.c.programme_id)
                .where(programme_presence.c.area_id.in_(area_ids)).subquery("present"))
    return _present(lambda column: column.in_(area_ids), lambda column: column.in_(area_ids)).subquery("present")


def refresh_presence(connection, programme_ids=None) -> None:
    """Keeps programme_presence: for these programmes, or all of them."""
    kept = aliased(Area, name="kept")
    at_kept_level = lambda column: column.in_(select(kept.id).where(kept.level.in_(KEPT_LEVELS)))  # noqa: E731
    conditions = []
    if programme_ids is not None:
        conditions.append(programme_areas.c.programme_id.in_(programme_ids))
        connection.execute(delete(programme_presence).where(programme_presence.c.programme_id.in_(programme_ids)))
    else:
        connection.execute(delete(programme_presence))
    connection.execute(insert(programme_presence).from_select(
        ["area_id", "programme_id"], _present(at_kept_level, at_kept_level, *conditions)))


def matrix(area_ids: list[int], year: int, level: str | None = None) -> tuple[dict, dict]:
    """({(area_id, cluster_id): Cell}, {(area_id, group_id): number of programmes}) for areas at
    `level`: three queries."""
    cells: dict = {}
    if not area_ids:
        return cells, {}
    present = presence(area_ids, level)
    # `+ 0`: SQLite starts from the page's areas, not from every programme looked up in the presence.
    programme = (Programme.id == present.c.programme_id + 0)
    this_year = (ProgrammeYear.programme_id == Programme.id) & (ProgrammeYear.year == year)
    counts = (select(present.c.area_id, Programme.cluster_id, func.count(distinct(Programme.id)),
                     func.count(distinct(Programme.organization_id)),
                     func.coalesce(func.sum(ProgrammeYear.beneficiaries_planned), 0))
              .join(Programme, programme).outerjoin(ProgrammeYear, this_year)
              .group_by(present.c.area_id, Programme.cluster_id))
    for area_id, cluster_id, programmes, organizations, people in read(counts):
        cells[(area_id, cluster_id)] = Cell(programmes, organizations, int(people or 0))
    budgets = (select(present.c.area_id, Programme.cluster_id, ProgrammeYear.currency, func.sum(ProgrammeYear.budget))
               .join(Programme, programme).outerjoin(ProgrammeYear, this_year)
               .where(ProgrammeYear.budget.is_not(None))
               .group_by(present.c.area_id, Programme.cluster_id, ProgrammeYear.currency))
    for area_id, cluster_id, currency, amount in read(budgets):
        cells.setdefault((area_id, cluster_id), Cell()).budgets[currency] = Decimal(amount)
    served = (select(present.c.area_id, programme_groups.c.group_id, func.count(distinct(present.c.programme_id)))
              .join(programme_groups, programme_groups.c.programme_id == present.c.programme_id)
              .group_by(present.c.area_id, programme_groups.c.group_id))
    groups = {(area_id, group_id): number for area_id, group_id, number in read(served)}
    return cells, groups


def areas_at(level: str, within_id: int, per_page: int, page_number: int):
    """A page of the areas at `level` inside `within_id`, by name."""
    from workspace.pages import paginate

    query = (select(Area).join(AreaLineage, AreaLineage.area_id == Area.id)
             .where(AreaLineage.ancestor_id == within_id, Area.level == level).order_by(Area.name, Area.id))
    return paginate(query, per_page, page_number=page_number)


def lists() -> tuple[list, list]:
    """The clusters and the lifecycle groups, in their order."""
    clusters = db.session.scalars(select(ProgrammeCluster).order_by(ProgrammeCluster.position,
                                                                    ProgrammeCluster.id)).all()
    groups = db.session.scalars(select(LifecycleGroup).order_by(LifecycleGroup.position, LifecycleGroup.id)).all()
    return clusters, groups


@dataclass
class Spending:
    years: list
    by_sector: dict  # {(year, sector): {currency: amount}}
    by_cluster: dict  # {(year, cluster_id): {currency: amount}}
    gdp: dict  # {year: GdpFigure}
    ngo_share: dict  # {year: (NGO budgets in the GDP's currency, GDP, their share)}
    currencies: list


def spending() -> Spending:
    """Budgets per fiscal year by sector and by cluster, and NGO spending as a share of GDP."""
    by_kind = read(select(ProgrammeYear.year, Organization.kind, ProgrammeYear.currency, func.sum(ProgrammeYear.budget))
                   .join(Programme, Programme.id == ProgrammeYear.programme_id)
                   .join(Organization, Organization.id == Programme.organization_id)
                   .where(ProgrammeYear.budget.is_not(None))
                   .group_by(ProgrammeYear.year, Organization.kind, ProgrammeYear.currency)).all()
    by_sector: dict = {}
    currencies = set()
    for year, kind, currency, amount in by_kind:
        sums = by_sector.setdefault((year, SECTOR_OF_KIND[kind]), {})
        sums[currency] = sums.get(currency, Decimal(0)) + Decimal(amount)
        currencies.add(currency)
    by_cluster: dict = {}
    for year, cluster_id, currency, amount in read(
            select(ProgrammeYear.year, Programme.cluster_id, ProgrammeYear.currency, func.sum(ProgrammeYear.budget))
            .join(Programme, Programme.id == ProgrammeYear.programme_id).where(ProgrammeYear.budget.is_not(None))
            .group_by(ProgrammeYear.year, Programme.cluster_id, ProgrammeYear.currency)):
        by_cluster.setdefault((year, cluster_id), {})[currency] = Decimal(amount)
    gdp = {figure.year: figure for figure in db.session.scalars(select(GdpFigure))}
    years = sorted({key[0] for key in by_sector} | set(gdp), reverse=True)
    ngo_share = {}
    for year, figure in gdp.items():
        spent = by_sector.get((year, "ngo"), {}).get(figure.currency, Decimal(0))
        ngo_share[year] = (spent, figure.amount, spent / figure.amount)
    currencies = sorted(currencies)
    return Spending(years, by_sector, by_cluster, gdp, ngo_share, currencies)
