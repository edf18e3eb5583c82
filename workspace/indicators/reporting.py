"""A committee's view of how the community groups in its area reported one period: who has not,
what waits for verification or came back, what is signed off and approved. A page of groups at a
time, in five queries whatever the number of groups or values."""
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import func, select

from workspace.extensions import db
from workspace.indicators import periods
from workspace.models import (
    FREQUENCIES, AreaLineage, Indicator, IndicatorValue, Organization, PeriodSignoff,
)
from workspace.pages import paginate

# Where a group's period stands, in the order a committee chases them.
STANDINGS = ("not_reported", "returned", "entering", "waiting", "verified", "signed_off", "approved", "nothing_due")


@dataclass
class GroupPeriod:
    group: Organization
    standing: str
    states: dict  # {value state: how many values}
    signoff: PeriodSignoff | None


def standing_of(due: int, states: dict, signoff: PeriodSignoff | None) -> str:
    """One group's period in a word of STANDINGS."""
    if signoff is not None:
        return signoff.state
    if not states:
        return "not_reported" if due else "nothing_due"
    for state, standing in (("returned", "returned"), ("draft", "entering"), ("submitted", "waiting")):
        if states.get(state):
            return standing
    return "verified"


def groups_page(area_id: int, period: str, per_page: int):
    """A page of the community groups in the area (by name), each with its period's standing."""
    query = (select(Organization).join(AreaLineage, AreaLineage.area_id == Organization.area_id)
             .where(AreaLineage.ancestor_id == area_id, Organization.kind == "community_group")
             .order_by(Organization.name, Organization.id))
    page = paginate(query, per_page)
    ids = [group.id for group in page.items]
    if not ids:
        return page
    states: dict = {}
    for group_id, state, number in db.session.execute(
            select(Indicator.organization_id, IndicatorValue.state, func.count()).join(Indicator)
            .where(Indicator.organization_id.in_(ids), IndicatorValue.period == period)
            .group_by(Indicator.organization_id, IndicatorValue.state)):
        states.setdefault(group_id, {})[state] = number
    due = dict(db.session.execute(
        select(Indicator.organization_id, func.count()).where(
            Indicator.organization_id.in_(ids), Indicator.status == "adopted",
            Indicator.frequency == periods.frequency_of(period),
            Indicator.created_at < datetime.combine(periods.after(period), time()))
        .group_by(Indicator.organization_id)).all())
    signoffs = {s.organization_id: s for s in db.session.scalars(select(PeriodSignoff).where(
        PeriodSignoff.organization_id.in_(ids), PeriodSignoff.period == period))}
    page.items = [GroupPeriod(group, standing_of(due.get(group.id, 0), states.get(group.id, {}),
                                                 signoffs.get(group.id)), states.get(group.id, {}),
                              signoffs.get(group.id))
                  for group in page.items]
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
