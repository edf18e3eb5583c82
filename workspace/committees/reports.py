"""Figures about a committee: compliance with its meeting rule, attendance by sector, quorum.
Each is a fixed number of queries, whatever the number of meetings."""
import math
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Integer, bindparam, case, cast, func, select
from sqlalchemy.orm import aliased

from workspace.clock import local_today, to_utc
from workspace.extensions import db
from workspace.models import (
    OPEN_STATUSES, SECTOR_OF_KIND, Action, ActionPlan, AgendaItem, Attendance, Committee, Meeting, Membership,
    Area, Organization, User,
)
from workspace.pages import read  # the pages here read plain columns through it

SECTOR_ORDER = ("government", "ngo", "community", "other")
RECENT_MEETINGS = 4


@dataclass
class Compliance:
    year: int
    held: int
    planned: int
    required: int

    @property
    def met(self) -> bool:
        return self.held >= self.required

    @property
    def within_reach(self) -> bool:
        """Held and still planned meetings would meet the rule."""
        return self.held + self.planned >= self.required


def recent_held(committee_id, meetings: int = RECENT_MEETINGS):
    """The ids of the committee's last held meetings (a subquery)."""
    return (select(Meeting.id).where(Meeting.committee_id == committee_id, Meeting.status == "held")
            .order_by(Meeting.starts_at.desc()).limit(meetings)).subquery()


def _count(*where, select_from=None):
    query = select(func.count())
    if select_from is not None:
        query = query.select_from(select_from)
    return query.where(*where).scalar_subquery()


def _meetings_this_year(status: str):
    return _count(Meeting.committee_id == bindparam("committee"), Meeting.status == status,
                  Meeting.starts_at >= bindparam("year_start"), Meeting.starts_at < bindparam("year_end"))


def _open_actions(*where):
    """The open actions of the committee's plans, counted plan by plan (a subquery per plan), each
    from the index on (plan, status, due date): a join would let the planner read every open
    action of every committee."""
    per_plan = _count(Action.plan_id == ActionPlan.id, Action.status.in_(OPEN_STATUSES), *where)
    return (select(func.coalesce(func.sum(per_plan), 0)).where(ActionPlan.committee_id == bindparam("committee"))
            .scalar_subquery())


# Every count on a committee's page, each an indexed count.
FIGURE_COLUMNS = (
    _count(Membership.committee_id == bindparam("committee")).label("members"),
    select(func.max(case((Membership.user_id == bindparam("user"), Membership.feed_token))))
    .where(Membership.committee_id == bindparam("committee")).scalar_subquery().label("feed_token"),
    _count(AgendaItem.committee_id == bindparam("committee"), AgendaItem.status == "proposed").label("waiting"),
    _count(select_from=recent_held(bindparam("committee"))).label("covered"),
    _meetings_this_year("held").label("held"),
    _meetings_this_year("planned").label("planned"),
    _open_actions().label("open_actions"),
    _open_actions(Action.due_date < bindparam("today")).label("overdue_actions"),
)
FIGURES = select(*FIGURE_COLUMNS)  # built once


@dataclass
class Figures:
    compliance: Compliance
    members: int
    feed_token: str | None  # the person's calendar feed, if they are a member
    waiting: int  # proposals waiting for the chair or secretary
    covered: int  # held meetings the attendance by sector covers
    open_actions: int
    overdue_actions: int


def _figures_parameters(committee_id: int, user) -> dict:
    today = local_today()
    return {"committee": committee_id, "user": user.id, "today": today,
            "year_start": to_utc(datetime(today.year, 1, 1)), "year_end": to_utc(datetime(today.year + 1, 1, 1))}


def _figures(row, required: int, year: int) -> Figures:
    return Figures(Compliance(year, row.held, row.planned, required),
                   row.members, row.feed_token, row.waiting, row.covered, row.open_actions, row.overdue_actions)


def figures(committee: Committee, user) -> Figures:
    parameters = _figures_parameters(committee.id, user)
    row = db.session.execute(FIGURES, parameters).one()
    return _figures(row, committee.required_meetings_per_year, parameters["today"].year)


_Parent = aliased(Committee)
# A committee's page: what it shows of the committee, its area and the committee it reports to,
# and every count, in one statement (built once).
COMMITTEE_PAGE = (
    select(Committee.id, Committee.name, Committee.level, Committee.parent_id, Committee.thematic_focus,
           Committee.terms_of_reference, Committee.required_meetings_per_year, Area.name.label("area_name"),
           _Parent.name.label("parent_name"), *FIGURE_COLUMNS)
    .join(Area, Area.id == Committee.area_id).outerjoin(_Parent, _Parent.id == Committee.parent_id)
    .where(Committee.id == bindparam("committee")))


def committee_page(committee_id: int, user):
    """The committee as its page shows it (a row: id, name, level, parent_id, thematic_focus,
    terms_of_reference, area_name, parent_name) and its Figures; None if there is no such committee."""
    parameters = _figures_parameters(committee_id, user)
    row = read(COMMITTEE_PAGE, parameters).one_or_none()
    return None if row is None else (row, _figures(row, row.required_meetings_per_year, parameters["today"].year))


@dataclass
class SectorAttendance:
    sector: str
    present: int
    expected: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.present / self.expected) if self.expected else None


@cache
def _attendance_statement(meetings: int):
    """(organisation kind, present, recorded) over the recent held meetings. Counted a person at a
    time first: the same members attend meeting after meeting, so their organisations are looked
    up once a person rather than once a meeting (a large committee: 70 lookups, not 280)."""
    recent = recent_held(bindparam("committee"), meetings)
    per_person = (select(Attendance.user_id, func.count().label("recorded"),
                         func.sum(case((Attendance.status == "present", 1), else_=0)).label("present"))
                  .where(Attendance.meeting_id.in_(select(recent.c.id))).group_by(Attendance.user_id).subquery())
    return (select(Organization.kind, cast(func.sum(per_person.c.present), Integer),
                   cast(func.sum(per_person.c.recorded), Integer))
            .join(User, User.id == per_person.c.user_id).join(Organization, Organization.id == User.organization_id)
            .group_by(Organization.kind))


def attendance_by_sector(committee, meetings: int = RECENT_MEETINGS) -> list[SectorAttendance]:
    """Present against recorded attendance, by sector, over the last held meetings (as many
    as Figures.covered). committee: a record, or a row with its id."""
    totals: dict[str, list[int]] = {}
    for kind, present, recorded in read(_attendance_statement(meetings), {"committee": committee.id}):
        present_expected = totals.setdefault(SECTOR_OF_KIND[kind], [0, 0])
        present_expected[0] += present
        present_expected[1] += recorded
    return [SectorAttendance(sector, *totals[sector]) for sector in SECTOR_ORDER if sector in totals]


@dataclass
class Quorum:
    voting: int
    present: int
    needed: int

    @property
    def met(self) -> bool:
        return self.voting > 0 and self.present >= self.needed


def voting_members(committee: Committee) -> set[int]:
    """The user ids of the committee's voting members: all but observers."""
    return set(db.session.scalars(select(Membership.user_id).where(
        Membership.committee_id == committee.id, Membership.role != "observer")))


def attendance_rows(meeting: Meeting) -> list:
    """Who was recorded at the meeting, as read on its page: user_id, name, organization, status,
    by name. Rows, not records: a meeting of a large committee lists a hundred people."""
    return db.session.execute(
        select(Attendance.user_id, Attendance.status, User.name, Organization.name.label("organization"))
        .join(User, User.id == Attendance.user_id).join(Organization, Organization.id == User.organization_id)
        .where(Attendance.meeting_id == meeting.id).order_by(func.lower(User.name), User.id)).all()


def voting_count(committee_id):
    """How many voting members the committee has (a scalar subquery; committee_id may be a column)."""
    return (select(func.count()).where(Membership.committee_id == committee_id, Membership.role != "observer")
            .scalar_subquery())


# Who was recorded at a meeting, by name, and whether each is a voting member of its committee
# today (built once): the rows the meeting's page lists and its quorum counts.
ATTENDANCE_ROWS = (
    select(Attendance.user_id, Attendance.status, User.name, Organization.name.label("organization"),
           Membership.id.is_not(None).label("voting"))
    .join(User, User.id == Attendance.user_id).join(Organization, Organization.id == User.organization_id)
    .outerjoin(Membership, (Membership.committee_id == bindparam("committee"))
               & (Membership.user_id == Attendance.user_id) & (Membership.role != "observer"))
    .where(Attendance.meeting_id == bindparam("meeting")).order_by(func.lower(User.name), User.id))


def attendance_with_voting(meeting: Meeting) -> list:
    """attendance_rows() with `voting` (a voting member today) on each row."""
    return read(ATTENDANCE_ROWS, {"meeting": meeting.id, "committee": meeting.committee_id}).all()


def quorum_of(committee: Committee, voting: int, attendance) -> Quorum:
    """As quorum(), from the number of voting members and attendance rows that say which are voting."""
    present = sum(1 for row in attendance if row.status == "present" and row.voting)
    return Quorum(voting, present, math.ceil(voting * committee.quorum_percent / 100))


def quorum(committee: Committee, voting: set[int], attendance) -> Quorum:
    """Voting members are all but observers (`voting`: their ids); the rule is the committee's
    quorum percent. `attendance`: rows or records with user_id and status."""
    present = sum(1 for row in attendance if row.status == "present" and row.user_id in voting)
    needed = math.ceil(len(voting) * committee.quorum_percent / 100)
    return Quorum(len(voting), present, needed)
