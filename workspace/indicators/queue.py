"""The verification queue: what waits for a verifier, an indicator's period at a time (its total and
its split together, decided as one), the oldest period first, with the last period's total and the
target beside each, and its evidence. A page is three queries whatever the number of values waiting."""
from collections import namedtuple
from dataclasses import dataclass
from functools import cache
from itertools import groupby

from sqlalchemy import Select, and_, bindparam, literal_column, null, or_, select, union_all

from workspace.formatting import as_number
from workspace.indicators import periods
from workspace.indicators.services import period_stamp
from workspace.indicators.values import cell_labels, target_of
from workspace.models import Indicator, IndicatorTarget, IndicatorValue, User, ValueEvidence
from workspace.pages import Page, paginate_built, read


@dataclass(frozen=True)
class QueuedIndicator:
    """What the queue shows of an indicator, read with its values."""

    id: int
    short_name: str
    question: str
    verification: str
    target: float | None


@dataclass
class Waiting:
    """An indicator's period waiting for a decision, as the queue shows it: its numbers formatted
    here, not once each in the template."""

    indicator: QueuedIndicator
    period: str
    values: list  # (cell label, the value as shown), the total first
    first: "QueuedValue"  # the total's row: its comment, explanation and who entered it
    decide_id: int  # the value whose address the decision is sent to (it decides the period)
    stamp: str  # the period as shown, for the one conflict mechanism
    last: str  # the last period's total as shown, or a dash
    target: str  # the period's target as shown, or a dash
    own: bool  # the verifier entered some of it: someone else decides
    files: list  # its evidence, as HeldFiles


@cache
def _waiting(is_group: bool) -> Select:
    """(indicator_id, period) of the owner's periods with values waiting, oldest first."""
    column = Indicator.organization_id if is_group else Indicator.committee_id
    return (select(IndicatorValue.indicator_id, IndicatorValue.period).join(Indicator)
            .where(column == bindparam("owner_id"), IndicatorValue.state == "submitted")
            .group_by(IndicatorValue.period, Indicator.short_name, IndicatorValue.indicator_id)
            .order_by(IndicatorValue.period, Indicator.short_name, IndicatorValue.indicator_id))


def waiting_page(owner, user_id: int, per_page: int) -> Page:
    """The page asked for (?page=) of the owner's waiting periods, as Waiting items."""
    page = paginate_built(_waiting(owner.is_group), {"owner_id": owner.id}, per_page, whole_rows=True)
    page.items = _load([tuple(row) for row in page.items], user_id)
    return page


# Pairs a statement of (indicator, period) pairs holds: statements are built for a multiple of it.
PAIR_SLOTS = 25


def among(indicator_column, period_column, slots: int, prefix: str = ""):
    """SQL: the (indicator, period) is one of `slots` pairs given as parameters i0, p0, i1, p1...
    (pair_values; each name after `prefix`), written as ORs: each is an index lookup on both
    databases (SQLite reads every row for a row-value IN over a list). With parameters, a statement
    using it is built and compiled once for its number of slots, not for each page's pairs."""
    return or_(*(and_(indicator_column == bindparam(f"{prefix}i{n}"), period_column == bindparam(f"{prefix}p{n}"))
                 for n in range(slots)))


def slots_for(pairs: list) -> int:
    return -(-max(len(pairs), 1) // PAIR_SLOTS) * PAIR_SLOTS


def pair_values(pairs: list, slots: int, prefix: str = "") -> dict:
    """among()'s parameters: the pairs, then slots that match no row (ids start at 1)."""
    values = {}
    for n in range(slots):
        values[f"{prefix}i{n}"], values[f"{prefix}p{n}"] = pairs[n] if n < len(pairs) else (0, "")
    return values


# What the queue reads of each value, with what it shows of its indicator and who entered it.
_VALUE_COLUMNS = (IndicatorValue.id, IndicatorValue.indicator_id, IndicatorValue.period, IndicatorValue.cell,
                  IndicatorValue.value, IndicatorValue.state, IndicatorValue.comment, IndicatorValue.explanation,
                  IndicatorValue.entered_by_id, IndicatorValue.version, User.name.label("entered_by_name"),
                  Indicator.short_name, Indicator.question, Indicator.verification, Indicator.target,
                  IndicatorTarget.target.label("own_target"))
# The values are plain tuples: loading them as records costs more than the rest of the page, and a
# named tuple's fields read faster than a result row's (the page reads each several times).
QueuedValue = namedtuple("QueuedValue", [column.key for column in _VALUE_COLUMNS])


@cache
def _values_of(slots: int) -> Select:
    return (select(*_VALUE_COLUMNS).join(Indicator, Indicator.id == IndicatorValue.indicator_id)
            .outerjoin(User, User.id == IndicatorValue.entered_by_id)
            # The period's own target, if it has one (at most one: it is unique by period).
            .outerjoin(IndicatorTarget, and_(IndicatorTarget.indicator_id == IndicatorValue.indicator_id,
                                             IndicatorTarget.period == IndicatorValue.period))
            .where(among(IndicatorValue.indicator_id, IndicatorValue.period, slots))
            .order_by(IndicatorValue.cell))


# A file of evidence as an item lists it.
HeldFile = namedtuple("HeldFile", "id filename content_type size")


@cache
def _totals_and_files(slots: int) -> Select:
    """What an item shows beside its values, in one statement: ("total", indicator, period, the
    total) of the periods before the items' (pairs e0, ...), and ("file", indicator, period, None,
    then HeldFile's columns) of the items' own periods (pairs i0, ...), the oldest file first."""
    totals = select(literal_column("'total'").label("kind"), IndicatorValue.indicator_id, IndicatorValue.period,
                    IndicatorValue.value, null().label("file_id"), null().label("filename"),
                    null().label("content_type"), null().label("size")).where(
        among(IndicatorValue.indicator_id, IndicatorValue.period, slots, "e"), IndicatorValue.cell == "")
    files = select(literal_column("'file'"), ValueEvidence.indicator_id, ValueEvidence.period, null(),
                   ValueEvidence.id, ValueEvidence.filename, ValueEvidence.content_type, ValueEvidence.size).where(
        among(ValueEvidence.indicator_id, ValueEvidence.period, slots))
    rows = union_all(totals, files).subquery()
    return select(*rows.c).order_by(rows.c.kind, rows.c.file_id)


def _load(pairs: list[tuple[int, str]], user_id: int) -> list[Waiting]:
    if not pairs:
        return []
    wanted = set(pairs)
    slots = slots_for(pairs)
    found: dict = {}
    for value in map(QueuedValue._make, read(_values_of(slots), pair_values(pairs, slots))):
        if (value.indicator_id, value.period) in wanted:
            found.setdefault((value.indicator_id, value.period), []).append(value)
    earlier = [(indicator_id, periods.previous(period)) for indicator_id, period in pairs]
    last, held = {}, {}
    for kind, indicator_id, period, number, *file in read(_totals_and_files(slots), {
            **pair_values(earlier, slots, "e"), **pair_values(pairs, slots)}).all():
        if kind == "total":
            last[(indicator_id, period)] = number
        else:
            held.setdefault((indicator_id, period), []).append(HeldFile(*file))
    targets = {(value.indicator_id, value.period): value.own_target for values in found.values()
               for value in values[:1] if value.own_target is not None}
    labels = cell_labels(value.cell for values in found.values() for value in values if value.cell)
    number = cache(as_number)  # a page shows the same few numbers again and again: each formatted once
    items = []
    for (indicator_id, period), before in zip(pairs, earlier):
        values = found.get((indicator_id, period))
        if not values:  # decided between the two queries
            continue
        first = values[0]
        indicator = QueuedIndicator(indicator_id, first.short_name, first.question, first.verification, first.target)
        shown = [(labels.get(value.cell) if value.cell else None, number(value.value)) for value in values]
        waiting = [value for value in values if value.state == "submitted"]
        before_total, target = last.get(before), target_of(indicator, period, targets)
        items.append(Waiting(indicator, period, shown, first, waiting[0].id if waiting else first.id,
                             period_stamp(values), "—" if before_total is None else number(before_total),
                             "—" if target is None else number(target),
                             any(value.entered_by_id == user_id for value in waiting),
                             held.get((indicator_id, period), [])))
    return items


def by_period(items: list[Waiting]) -> list[tuple[str, list[Waiting]]]:
    """The page's items under their periods, in the order they came (oldest first)."""
    return [(period, list(group)) for period, group in groupby(items, key=lambda item: item.period)]
