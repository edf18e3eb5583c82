"""A committee's view of how the community groups in its area reported one period: who has not,
what waits for verification or came back, what is signed off and approved. A page of groups at a
time, in five queries whatever the number of groups or values."""
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache

from sqlalchemy import Integer, Row, Select, bindparam, func, select

from workspace.extensions import db
from workspace.indicators import periods
from workspace.models import (
    FREQUENCIES, AreaLineage, Indicator, IndicatorValue, Organization, PeriodSignoff,
)
from workspace.pages import Page, paginate_built, read
from workspace.reading import fixed

# Where a group's period stands, in the order a committee chases them.
STANDINGS = ("not_reported", "returned", "entering", "waiting", "verified", "signed_off", "approved", "nothing_due")


@dataclass
class GroupPeriod:
    group: Row  # id, name
    standing: str
    states: dict  # {value state: how many values}
    signoff: str | None  # the state of its sign-off, if any

    def summary(self, words: dict) -> str:
        """How many values are in each state ("3 verified, 1 returned") in `words` {state: word}, or
        a dash: a row's text joined here costs less than a loop in the template."""
        return ", ".join(f"{number} {words[state]}" for state, number in self.states.items()) or "—"


def standing_of(due: int, states: dict, signoff: str | None) -> str:
    """One group's period in a word of STANDINGS."""
    if signoff is not None:
        return signoff
    if not states:
        return "not_reported" if due else "nothing_due"
    for state, standing in (("returned", "returned"), ("draft", "entering"), ("submitted", "waiting")):
        if states.get(state):
            return standing
    return "verified"


# The statements are built once, with parameters, for the page's number of groups (`slots`): the
# ids of a shorter page are padded with 0, which no group has.

@cache
def _groups(national: bool) -> Select:
    """The area's community groups by name. The national area holds every area: its groups are
    all groups, read in the order of the names' index, without the lineage joined and all sorted."""
    query = select(Organization.id, Organization.name).where(Organization.kind == fixed("community_group"))
    if not national:
        query = query.join(AreaLineage, AreaLineage.area_id == Organization.area_id).where(
            AreaLineage.ancestor_id == bindparam("area_id"))
    return query.order_by(Organization.name, Organization.id)


def _among(column, slots: int):
    return column.in_([bindparam(f"g{n}", type_=Integer) for n in range(slots)])


@cache
def _states(slots: int) -> Select:
    return (select(Indicator.organization_id, IndicatorValue.state, func.count()).join(Indicator)
            .where(_among(Indicator.organization_id, slots), IndicatorValue.period == bindparam("period"))
            .group_by(Indicator.organization_id, IndicatorValue.state))


@cache
def _due(slots: int) -> Select:
    return (select(Indicator.organization_id, func.count())
            .where(_among(Indicator.organization_id, slots), Indicator.status == fixed("adopted"),
                   Indicator.frequency == bindparam("frequency"), Indicator.created_at < bindparam("ended"))
            .group_by(Indicator.organization_id))


@cache
def _signoffs(slots: int) -> Select:
    return select(PeriodSignoff.organization_id, PeriodSignoff.state).where(
        _among(PeriodSignoff.organization_id, slots), PeriodSignoff.period == bindparam("period"))


def groups_page(area_id: int, national: bool, period: str, per_page: int) -> Page:
    """A page of the community groups in the area (by name), each with its period's standing.
    national: the area is the national one (it has no parent)."""
    page = paginate_built(_groups(national), {} if national else {"area_id": area_id}, per_page, whole_rows=True)
    groups = page.items
    if not groups:
        return page
    ids = {f"g{n}": groups[n].id if n < len(groups) else 0 for n in range(per_page)}
    states: dict = {}
    for group_id, state, how_many in read(_states(per_page), {**ids, "period": period}):
        states.setdefault(group_id, {})[state] = how_many
    due = dict(read(_due(per_page), {**ids, "frequency": periods.frequency_of(period),
                                     "ended": datetime.combine(periods.after(period), time())}).all())
    signoffs = dict(read(_signoffs(per_page), {**ids, "period": period}).all())
    page.items = [GroupPeriod(group, standing_of(due.get(group.id, 0), states.get(group.id, {}),
                                                 signoffs.get(group.id)), states.get(group.id, {}),
                              signoffs.get(group.id))
                  for group in groups]
    return page


# A period is chased in the reminders digest for this long after it ends, then left to the committee's view.
CHASE_DAYS = 31


@dataclass
class Unsent:
    group_id: int
    group_name: str
    period: str
    indicators: list  # short names of the indicators with nothing sent for the period


def unsent(today: date) -> list[Unsent]:
    """Per community group and period that ended within CHASE_DAYS, its adopted indicators with no
    value sent (nothing entered, a draft, or returned and not yet corrected). An indicator adopted
    after the period ended is not chased for it."""
    found: dict[tuple[int, str], Unsent] = {}
    for frequency in FREQUENCIES:
        period = periods.previous(periods.period_of(today, frequency))
        ended = periods.after(period)
        if (today - ended).days >= CHASE_DAYS:
            continue
        sent = (select(IndicatorValue.id).where(
            IndicatorValue.indicator_id == Indicator.id, IndicatorValue.period == period,
            IndicatorValue.state.in_(("submitted", "verified"))).exists())
        for group_id, group_name, short_name in db.session.execute(
                select(Organization.id, Organization.name, Indicator.short_name).join(Indicator.organization)
                .where(Organization.kind == "community_group", Indicator.status == "adopted",
                       Indicator.frequency == frequency, Indicator.created_at < datetime.combine(ended, time()), ~sent)
                .order_by(Organization.id, Indicator.short_name)):
            found.setdefault((group_id, period), Unsent(group_id, group_name, period, [])).indicators.append(short_name)
    return list(found.values())
