"""Signing a community group's period off and approving it for the area.

When every value a group reported for a period is verified, its coordinator signs the period
off; the chair or secretary of a committee over the group's area then approves it. A period
signed off or approved is locked: nothing in it is entered, verified or returned until someone
who may reopens it, with a reason that the audit keeps; its values then go back to the group with
that reason, to correct and submit again.
"""
from collections import namedtuple
from dataclasses import dataclass
from functools import cache

from sqlalchemy import Select, bindparam, func, literal_column, null, select, union_all

from workspace import access, audit, edits
from workspace.clock import utcnow
from workspace.extensions import db
from workspace.i18n import gettext as _
from workspace.indicators.services import IndicatorRuleError, reopen_values
from workspace.models import AreaLineage, Committee, Indicator, IndicatorValue, Organization, PeriodSignoff, User
from workspace.pages import read

OPEN = "open"  # a period with no sign-off (no row)
# The whole table of states: (state, step) -> the state after it, and who takes the step
# ("coordinator" of the group, or "committee": the chair or secretary of a committee over its area).
STEPS = {
    (OPEN, "sign_off"): ("signed_off", "coordinator"),
    ("signed_off", "approve"): ("approved", "committee"),
    ("signed_off", "reopen"): (OPEN, "coordinator"),
    ("approved", "reopen"): (OPEN, "committee"),
}
LOCKED = ("signed_off", "approved")


# What a period's sign-off shows: its state and version, who signed it off, the committee that
# approved it. Plain tuples: a page lists several periods, and records cost more than it.
_SIGNOFF_COLUMNS = (PeriodSignoff.period, PeriodSignoff.state, PeriodSignoff.version, PeriodSignoff.signed_by_id,
                    User.name.label("signed_by_name"), Committee.name.label("committee_name"))
SignoffRow = namedtuple("SignoffRow", [column.key for column in _SIGNOFF_COLUMNS])


@dataclass
class PeriodStanding:
    """Where a group's period stands: its sign-off (if any) and its values by state."""

    period: str
    signoff: SignoffRow | None
    states: dict  # {value state: how many values}

    @property
    def state(self) -> str:
        return self.signoff.state if self.signoff else OPEN

    @property
    def all_verified(self) -> bool:
        return bool(self.states) and set(self.states) == {"verified"}


def signoff_of(group_id: int, period: str) -> PeriodSignoff | None:
    return db.session.scalar(select(PeriodSignoff).where(PeriodSignoff.organization_id == group_id,
                                                         PeriodSignoff.period == period))


# The statements are built once; the group and the periods are bound on each use.
@cache
def _standings() -> Select:
    """The periods' sign-offs and their values counted by state, in one statement: ("signoff",
    _SIGNOFF_COLUMNS but the period's, in their order) and ("count", the period, a state, how many
    values are in it)."""
    signoffs = (select(literal_column("'signoff'").label("kind"), PeriodSignoff.period, PeriodSignoff.state,
                       null().label("number"), *_SIGNOFF_COLUMNS[2:])
                .outerjoin(User, User.id == PeriodSignoff.signed_by_id)
                .outerjoin(Committee, Committee.id == PeriodSignoff.committee_id)
                .where(PeriodSignoff.organization_id == bindparam("group_id"),
                       PeriodSignoff.period.in_(bindparam("periods", expanding=True))))
    # The periods' range (first to last, as text) as well as their list: the range is what the
    # index on (indicator, period) can seek, where the list alone read each indicator's every
    # value (4.7 ms instead of 1.5 for a group of 54 indicators with years of values).
    counts = (select(literal_column("'count'"), IndicatorValue.period, IndicatorValue.state, func.count(),
                     *(null() for _column in _SIGNOFF_COLUMNS[2:]))
              .join(Indicator)
              .where(Indicator.organization_id == bindparam("group_id"),
                     IndicatorValue.period.between(bindparam("first"), bindparam("last")),
                     IndicatorValue.period.in_(bindparam("periods", expanding=True)))
              .group_by(IndicatorValue.period, IndicatorValue.state))
    return union_all(signoffs, counts)


def standings(group: Organization, periods: list[str]) -> list[PeriodStanding]:
    """The periods asked for, each with its sign-off (and who signed and approved it) and its values
    counted by state: one query."""
    if not periods:
        return []
    signoffs, counts = {}, {}
    for kind, period, state, number, *signed in read(_standings(), {
            "group_id": group.id, "periods": list(periods), "first": min(periods), "last": max(periods)}).all():
        if kind == "signoff":
            signoffs[period] = SignoffRow(period, state, *signed)
        else:
            counts.setdefault(period, {})[state] = number
    return [PeriodStanding(period, signoffs.get(period), counts.get(period, {})) for period in periods]


@cache
def _approving() -> Select:
    return (select(Committee.id).join(AreaLineage, AreaLineage.ancestor_id == Committee.area_id)
            .where(AreaLineage.area_id == bindparam("area_id"), Committee.id.in_(bindparam("mine", expanding=True)))
            .order_by(AreaLineage.depth, Committee.id).limit(1))


def approving_committee_id(user: User, group: Organization) -> int | None:
    """The committee over the group's area (its own area or one containing it) that this person
    chairs or is secretary of, the nearest first; None if there is none."""
    mine = [cid for cid, role in access.committee_roles(user).items() if role in ("chair", "secretary")]
    if not mine:
        return None
    return read(_approving(), {"area_id": group.area_id, "mine": mine}).scalar()


def approving_committee(user: User, group: Organization) -> Committee | None:
    """approving_committee_id()'s committee, as a record."""
    committee_id = approving_committee_id(user, group)
    return None if committee_id is None else db.session.get(Committee, committee_id)


def actors(user: User, group: Organization, locked: bool = True) -> set[str]:
    """Who this person is for the table: "coordinator" of the group, "committee" over its area.
    locked: whether any period in question is signed off or approved; a committee takes steps
    only from those (STEPS), so without one it is not looked up."""
    found = {"coordinator"} if access.is_coordinator(user, group) else set()
    return found | ({"committee"} if locked and approving_committee_id(user, group) is not None else set())


def steps_for(state: str, who: set[str]) -> list[str]:
    """The steps someone who is `who` may take from this state, in the table's order."""
    return [step for (start, step), (_after, actor) in STEPS.items() if start == state and actor in who]


def take(group: Organization, period: str, step: str, user: User, stated: edits.Stated | None,
         reason: str = "") -> PeriodSignoff | None:
    """Takes a step in the table for the group's period. stated: the sign-off as the person saw it
    (its version; None when there was none). Returns the sign-off after it (None once reopened)."""
    who = actors(user, group)
    if not any(actor in who for (_start, each), (_after, actor) in STEPS.items() if each == step):
        raise PermissionError  # never theirs to take, whatever the state
    signoff = signoff_of(group.id, period)
    state = signoff.state if signoff else OPEN
    seen = stated.version if stated is not None else None
    if (signoff.version if signoff else None) != seen:
        raise edits.EditConflict(record=signoff)
    if step not in steps_for(state, who):
        raise IndicatorRuleError(_("This period cannot take that step as it stands now."))
    after = STEPS[(state, step)][0]
    if step == "sign_off":
        states = standings(group, [period])[0]
        if not states.all_verified:
            raise IndicatorRuleError(_("Every value of this period must be verified before it is signed off."))
        signoff = PeriodSignoff(organization_id=group.id, period=period, state=after, signed_by_id=user.id)
        db.session.add(signoff)
        db.session.flush()
        audit.record("sign_off", signoff, after=audit.snapshot(signoff))
    elif step == "approve":
        if signoff.signed_by_id == user.id:
            raise IndicatorRuleError(_("You signed this period off: someone else on the committee approves it."))
        before = audit.snapshot(signoff)
        signoff.state, signoff.approved_by_id, signoff.approved_at = after, user.id, utcnow()
        signoff.committee_id = approving_committee_id(user, group)
        audit.record("approve", signoff, before=before, after=audit.snapshot(signoff))
    else:  # reopen
        if not reason.strip():
            raise IndicatorRuleError(_("Say why the period is reopened."))
        audit.record("reopen", signoff, before={**audit.snapshot(signoff), "reason": reason.strip()[:500]})
        db.session.delete(signoff)
        db.session.flush()  # unlocked before its values go back to the group
        reopen_values(group.id, period, reason)
        signoff = None
    db.session.commit()
    return signoff
