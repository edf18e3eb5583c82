"""Who does what where, and what it costs: the figures of the repository, summed in SQL.

A programme is present in an area when one of its coverage areas lies inside the area or contains
it (a national programme is present in every district). Its people and budget are the whole
programme's: a programme present in two areas counts whole in each, and the page says so.

For the areas of a district's level and above, the figures are kept in the tables below, refreshed
for the areas a programme is or was present in whenever it, its yearly figures or its presence
change (the flush hook in overlaps.py): a page of fifty districts otherwise sums some ten thousand
presence rows at national scale on every view.
"""
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from sqlalchemy import (
    BigInteger, Column, ForeignKey, Integer, Numeric, String, Table, bindparam, delete, distinct, func, insert,
    inspect, literal_column, null, select, union, union_all,
)
from sqlalchemy.orm import aliased

from workspace.extensions import db
from workspace.kept import Kept, forget_on_save
from workspace.models import (
    KEPT_LEVELS, SECTOR_OF_KIND, Area, AreaLineage, GdpFigure, LifecycleGroup, Organization, Programme,
    ProgrammeCluster, ProgrammeYear, programme_areas, programme_groups, programme_presence,
)
from workspace.pages import read
from workspace.reading import fixed_parameter

# Per kept area and cluster: the programmes present and their organisations, whatever the year.
programme_area_cells = Table(
    "programme_area_cells",
    db.metadata,
    Column("area_id", ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True),
    Column("cluster_id", ForeignKey("programme_clusters.id", ondelete="CASCADE"), primary_key=True),
    Column("programmes", Integer, nullable=False),
    Column("organizations", Integer, nullable=False),
)
# Per kept area, cluster, year and currency: the people planned and the budget of those programmes.
programme_area_years = Table(
    "programme_area_years",
    db.metadata,
    Column("area_id", ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True),
    Column("cluster_id", ForeignKey("programme_clusters.id", ondelete="CASCADE"), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("currency", String(3), primary_key=True),
    Column("people", BigInteger, nullable=False),
    Column("budget", Numeric(24, 2)),  # none when no programme of the currency states one
)
# Per kept area and lifecycle group: the programmes present that serve it.
programme_area_groups = Table(
    "programme_area_groups",
    db.metadata,
    Column("area_id", ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("lifecycle_groups.id", ondelete="CASCADE"), primary_key=True),
    Column("programmes", Integer, nullable=False),
)
KEPT_FIGURES = (programme_area_cells, programme_area_years, programme_area_groups)


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


def present_in(connection, programme_ids) -> set[int]:
    """The kept areas these programmes are present in."""
    ids = sorted(set(programme_ids))
    if not ids:
        return set()
    return set(connection.scalars(select(programme_presence.c.area_id).distinct()
                                  .where(programme_presence.c.programme_id.in_(ids))))


def refresh_figures(connection, area_ids=None) -> None:
    """Keeps the figures of these kept areas (all of them with None) from the kept presence: run
    after the presence itself."""
    if area_ids is not None:
        area_ids = sorted(set(area_ids))
        if not area_ids:
            return
    elif not inspect(connection).has_table(programme_area_cells.name):
        return  # a database migrated from before the kept figures: the migration adding them fills them
    present = programme_presence.c

    def only(statement):
        return statement if area_ids is None else statement.where(present.area_id.in_(area_ids))

    for table in KEPT_FIGURES:
        connection.execute(delete(table) if area_ids is None else delete(table).where(table.c.area_id.in_(area_ids)))
    # Count(*): an area lists a programme once (the presence's key), a programme a year once.
    by_cluster = (select(present.area_id, Programme.cluster_id, func.count(),
                         func.count(distinct(Programme.organization_id)))
                  .join(Programme, Programme.id == present.programme_id)
                  .group_by(present.area_id, Programme.cluster_id))
    connection.execute(insert(programme_area_cells).from_select(
        ["area_id", "cluster_id", "programmes", "organizations"], only(by_cluster)))
    by_year = (select(present.area_id, Programme.cluster_id, ProgrammeYear.year, ProgrammeYear.currency,
                      func.coalesce(func.sum(ProgrammeYear.beneficiaries_planned), 0), func.sum(ProgrammeYear.budget))
               .join(Programme, Programme.id == present.programme_id)
               .join(ProgrammeYear, ProgrammeYear.programme_id == Programme.id)
               .group_by(present.area_id, Programme.cluster_id, ProgrammeYear.year, ProgrammeYear.currency))
    connection.execute(insert(programme_area_years).from_select(
        ["area_id", "cluster_id", "year", "currency", "people", "budget"], only(by_year)))
    by_group = (select(present.area_id, programme_groups.c.group_id, func.count())
                .join(programme_groups, programme_groups.c.programme_id == present.programme_id)
                .group_by(present.area_id, programme_groups.c.group_id))
    connection.execute(insert(programme_area_groups).from_select(["area_id", "group_id", "programmes"],
                                                                 only(by_group)))


def changed_figures(session) -> tuple[set[int], bool]:
    """From a flush: the programmes whose figures changed without their presence changing (their
    yearly figures, their organisation), and whether a programme went (its presence went with it,
    so every kept area's figures are found again)."""
    ids = {obj.programme_id for obj in (*session.new, *session.dirty, *session.deleted)
           if isinstance(obj, ProgrammeYear)}
    ids |= {obj.id for obj in session.dirty if isinstance(obj, Programme)
            and inspect(obj).attrs.organization_id.history.has_changes()}
    return ids, any(isinstance(obj, Programme) for obj in session.deleted)


@cache
def _kept_figures():
    """The kept figures of the areas `ids` in one query: their cells ("cell": area, cluster, the
    counts and the year's people and budget in each currency, currencies in order), then the
    number of programmes serving each group ("group": area, group, that number)."""
    years, cells, groups = programme_area_years, programme_area_cells, programme_area_groups
    ids = bindparam("ids", expanding=True)
    by_cell = (select(literal_column("'cell'").label("kind"), cells.c.area_id, cells.c.cluster_id.label("column_id"),
                      cells.c.programmes, cells.c.organizations, years.c.currency, years.c.people, years.c.budget)
               .outerjoin(years, (years.c.area_id == cells.c.area_id) & (years.c.cluster_id == cells.c.cluster_id)
                          & (years.c.year == bindparam("year")))
               .where(cells.c.area_id.in_(ids)))
    by_group = select(literal_column("'group'"), groups.c.area_id, groups.c.group_id, groups.c.programmes,
                      null(), null(), null(), null()).where(groups.c.area_id.in_(ids))
    return union_all(by_cell, by_group).order_by(literal_column("kind"), literal_column("currency"))


def matrix(area_ids: list[int], year: int, level: str | None = None) -> tuple[dict, dict]:
    """({(area_id, cluster_id): Cell}, {(area_id, group_id): number of programmes}) for areas at
    `level`: two queries of the kept figures for a district's level and above, else three found
    in the coverage."""
    cells: dict = {}
    if not area_ids:
        return cells, {}
    if level in KEPT_LEVELS:
        served = {}
        # .all(): fetched in one call, not a call a row (hundreds of cells on a page).
        for kind, area_id, column_id, programmes, organizations, currency, people, budget in read(
                _kept_figures(), {"ids": area_ids, "year": year}).all():
            if kind == "group":
                served[(area_id, column_id)] = programmes
                continue
            cell = cells.get((area_id, column_id))
            if cell is None:
                cell = cells[(area_id, column_id)] = Cell(programmes, organizations)
            if currency is not None:
                cell.people += people
                if budget is not None:
                    cell.budgets[currency] = Decimal(budget)
        return cells, served
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


def areas_at(level: str, within, per_page: int):
    """A page of the areas at `level` inside `within` (the page asked for), by name: rows of (id,
    name). Every area lies inside the country, whose areas are then read along the level's index,
    in name order, rather than through every one of its thousands of descendants."""
    from workspace.pages import paginate_built

    inside = within.parent_id is not None
    return paginate_built(_areas_at(inside), {"level": level, **({"within": within.id} if inside else {})},
                          per_page, rows=_whole_rows)


@cache
def _areas_at(inside: bool):
    # The level written into the SQL: a plan for "districts" is not one for "communities".
    query = select(Area.id, Area.name).where(Area.level == fixed_parameter("level", String)).order_by(Area.name, Area.id)
    if inside:
        query = (query.join(AreaLineage, AreaLineage.area_id == Area.id)
                 .where(AreaLineage.ancestor_id == bindparam("within")))
    return query


def _whole_rows(page):
    return select(page)


@dataclass(frozen=True)
class Named:
    """A cluster or a lifecycle group as pages show it: its id and its label."""

    id: int
    label: str


def label_of(named, key: str | None, name: str) -> str:
    """A cluster's or a group's label (models _Named.label) from its columns: rows rather than
    records, as pages read the same few many times."""
    return str(named.seeded[key]) if key in named.seeded else name


@cache
def _named() -> dict:
    """The clusters, and the clusters and the lifecycle groups, each in their order: kind first."""
    def rows(model, kind):
        return select(literal_column(f"'{kind}'").label("kind"), model.id, model.key, model.name, model.position)
    order = [literal_column("kind"), literal_column("position"), literal_column("id")]
    clusters = rows(ProgrammeCluster, "cluster")
    return {"clusters": clusters.order_by(ProgrammeCluster.position, ProgrammeCluster.id),
            "both": union_all(clusters, rows(LifecycleGroup, "group")).order_by(*order)}


def clusters() -> list[Named]:
    """The clusters, in their order."""
    return [Named(named_id, label_of(ProgrammeCluster, key, name))
            for _kind, named_id, key, name, _position in read(_named()["clusters"])]


# The clusters and lifecycle groups are a few rows that change a few times a year, read by every
# view of who does what where: kept NAMED_KEPT seconds (read again at once when this process saves
# one), their labels made in the reader's language on each view.
NAMED_KEPT = 60
_named_rows = Kept(1)


def lists() -> tuple[list[Named], list[Named]]:
    """The clusters and the lifecycle groups, in their order: one query, or none while kept."""
    rows = _named_rows.fetch(("both",), NAMED_KEPT, lambda: read(_named()["both"]).all())
    found: dict = {"cluster": [], "group": []}
    models = {"cluster": ProgrammeCluster, "group": LifecycleGroup}
    for kind, named_id, key, name, _position in rows:
        found[kind].append(Named(named_id, label_of(models[kind], key, name)))
    return found["cluster"], found["group"]


forget_on_save(_named_rows.clear, ProgrammeCluster, LifecycleGroup)


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
