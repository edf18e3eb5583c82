"""The verification queue: what waits for a verifier, an indicator's period at a time (its total and
its split together, decided as one), the oldest period first, with the last period's total and the
target beside each. A page is five queries whatever the number of values waiting."""
from dataclasses import dataclass
from functools import cache
from itertools import groupby

from sqlalchemy import Integer, Select, and_, bindparam, func, or_, select
from sqlalchemy.orm import joinedload

from workspace.extensions import db
from workspace.indicators import periods
from workspace.indicators.services import period_stamp
from workspace.indicators.values import cell_labels, target_of
from workspace.models import Indicator, IndicatorTarget, IndicatorValue
from workspace.pages import COUNT_UP_TO, Page, page_asked, read


@dataclass
class Waiting:
    """An indicator's period waiting for a decision."""

    indicator: Indicator
    period: str
    values: list  # (cell label, IndicatorValue), the total first
    decide_id: int  # the value whose address the decision is sent to (it decides the period)
    stamp: str  # the period as shown, for the one conflict mechanism
    last: float | None  # the last period's total
    target: float | None
    own: bool  # the verifier entered some of it: someone else decides

    @property
    def first(self) -> IndicatorValue:
        return self.values[0][1]


@cache
def _waiting(is_group: bool) -> Select:
    """(indicator_id, period) of the owner's periods with values waiting, oldest first."""
    column = Indicator.organization_id if is_group else Indicator.committee_id
    return (select(IndicatorValue.indicator_id, IndicatorValue.period).join(Indicator)
            .where(column == bindparam("owner_id"), IndicatorValue.state == "submitted")
            .group_by(IndicatorValue.period, Indicator.short_name, IndicatorValue.indicator_id)
            .order_by(IndicatorValue.period, Indicator.short_name, IndicatorValue.indicator_id))


@cache
def _count(is_group: bool) -> Select:
    return select(func.count()).select_from(_waiting(is_group).order_by(None).limit(
        bindparam("up_to", type_=Integer)).subquery())


@cache
def _page(is_group: bool) -> Select:
    return _waiting(is_group).limit(bindparam("limit", type_=Integer)).offset(bindparam("offset", type_=Integer))


def waiting_page(owner, user_id: int, per_page: int) -> Page:
    """The page asked for (?page=) of the owner's waiting periods, as Waiting items."""
    key = {"owner_id": owner.id}
    counted = read(_count(owner.is_group), {**key, "up_to": COUNT_UP_TO + 1}).scalar()
    total = min(counted, COUNT_UP_TO)
    number = page_asked(total, per_page)
    pairs = [tuple(row) for row in read(_page(owner.is_group), {**key, "limit": per_page,
                                                                 "offset": (number - 1) * per_page})]
    return Page(_load(pairs, user_id), number, per_page, total, counted > COUNT_UP_TO)


# Pairs a statement of (indicator, period) pairs holds: statements are built for a multiple of it.
PAIR_SLOTS = 25


def among(indicator_column, period_column, slots: int):
    """SQL: the (indicator, period) is one of `slots` pairs given as parameters i0, p0, i1, p1...
    (pair_values), written as ORs: each is an index lookup on both databases (SQLite reads every
    row for a row-value IN over a list). With parameters, a statement using it is built and
    compiled once for its number of slots, not for each page's pairs."""
    return or_(*(and_(indicator_column == bindparam(f"i{n}"), period_column == bindparam(f"p{n}"))
                 for n in range(slots)))


def slots_for(pairs: list) -> int:
    return -(-max(len(pairs), 1) // PAIR_SLOTS) * PAIR_SLOTS


def pair_values(pairs: list, slots: int) -> dict:
    """among()'s parameters: the pairs, then slots that match no row (ids start at 1)."""
    values = {}
    for n in range(slots):
        values[f"i{n}"], values[f"p{n}"] = pairs[n] if n < len(pairs) else (0, "")
    return values


@cache
def _values_of(slots: int) -> Select:
    return (select(IndicatorValue).where(among(IndicatorValue.indicator_id, IndicatorValue.period, slots))
            .options(joinedload(IndicatorValue.indicator), joinedload(IndicatorValue.entered_by))
            .order_by(IndicatorValue.cell))


@cache
def _totals_of(slots: int) -> Select:
    return select(IndicatorValue.indicator_id, IndicatorValue.period, IndicatorValue.value).where(
        among(IndicatorValue.indicator_id, IndicatorValue.period, slots), IndicatorValue.cell == "")


@cache
def _targets_of(slots: int) -> Select:
    return select(IndicatorTarget.indicator_id, IndicatorTarget.period, IndicatorTarget.target).where(
        among(IndicatorTarget.indicator_id, IndicatorTarget.period, slots))


def _load(pairs: list[tuple[int, str]], user_id: int) -> list[Waiting]:
    if not pairs:
        return []
    wanted = set(pairs)
    slots = slots_for(pairs)
    found: dict = {}
    for value in db.session.scalars(_values_of(slots), pair_values(pairs, slots)):
        if (value.indicator_id, value.period) in wanted:
            found.setdefault((value.indicator_id, value.period), []).append(value)
    earlier = [(indicator_id, periods.previous(period)) for indicator_id, period in pairs]
    last = {(indicator_id, period): number for indicator_id, period, number in read(
        _totals_of(slots), pair_values(earlier, slots))}
    targets = {(indicator_id, period): target for indicator_id, period, target in read(
        _targets_of(slots), pair_values(pairs, slots))}
    labels = cell_labels(value.cell for values in found.values() for value in values if value.cell)
    items = []
    for indicator_id, period in pairs:
        values = found.get((indicator_id, period))
        if not values:  # decided between the two queries
            continue
        indicator = values[0].indicator
        shown = [(labels.get(value.cell) if value.cell else None, value) for value in values]
        waiting = [value for value in values if value.state == "submitted"]
        items.append(Waiting(indicator, period, shown, waiting[0].id if waiting else values[0].id,
                             period_stamp(values), last.get((indicator_id, periods.previous(period))),
                             target_of(indicator, period, targets),
                             any(value.entered_by_id == user_id for value in waiting)))
    return items


def by_period(items: list[Waiting]) -> list[tuple[str, list[Waiting]]]:
    """The page's items under their periods, in the order they came (oldest first)."""
    return [(period, list(group)) for period, group in groupby(items, key=lambda item: item.period)]
