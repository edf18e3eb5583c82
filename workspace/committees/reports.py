"""Figures about a committee: compliance with its meeting rule, attendance by sector, quorum.
Each is a fixed number of queries, whatever the number of meetings."""
import math
from dataclasses import dataclass

from sqlalchemy import func, select

from workspace.clock import local_today, to_utc
from workspace.extensions import db
from workspace.models import SECTOR_OF_KIND, Attendance, Committee, Meeting, Membership, Organization, User
from datetime import datetime

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


def compliance(committee: Committee) -> Compliance:
    today = local_today()
    start, end = to_utc(datetime(today.year, 1, 1)), to_utc(datetime(today.year + 1, 1, 1))
    counts = dict(db.session.execute(
        select(Meeting.status, func.count()).where(
            Meeting.committee_id == committee.id, Meeting.starts_at >= start, Meeting.starts_at < end)
        .group_by(Meeting.status)).all())
    return Compliance(today.year, counts.get("held", 0), counts.get("planned", 0),
                      committee.required_meetings_per_year)


@dataclass
class SectorAttendance:
    sector: str
    present: int
    expected: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.present / self.expected) if self.expected else None


def attendance_by_sector(committee: Committee, meetings: int = RECENT_MEETINGS) -> tuple[list[SectorAttendance], int]:
    """Present against recorded attendance, by sector, over the last held meetings.
    Returns the rows and the number of meetings they cover."""
    recent = (select(Meeting.id).where(Meeting.committee_id == committee.id, Meeting.status == "held")
              .order_by(Meeting.starts_at.desc()).limit(meetings)).subquery()
    rows = db.session.execute(
        select(Organization.kind, Attendance.status, func.count(), func.count(func.distinct(Attendance.meeting_id)))
        .join(User, User.id == Attendance.user_id).join(Organization, Organization.id == User.organization_id)
        .where(Attendance.meeting_id.in_(select(recent.c.id)))
        .group_by(Organization.kind, Attendance.status)).all()
    covered = db.session.scalar(select(func.count()).select_from(recent))
    totals: dict[str, list[int]] = {}
    for kind, status, count, _meetings in rows:
        present_expected = totals.setdefault(SECTOR_OF_KIND[kind], [0, 0])
        present_expected[1] += count
        if status == "present":
            present_expected[0] += count
    return [SectorAttendance(sector, *totals[sector]) for sector in SECTOR_ORDER if sector in totals], covered


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


def quorum(committee: Committee, voting: set[int], attendance) -> Quorum:
    """Voting members are all but observers (`voting`: their ids); the rule is the committee's
    quorum percent. `attendance`: rows or records with user_id and status."""
    present = sum(1 for row in attendance if row.status == "present" and row.user_id in voting)
    needed = math.ceil(len(voting) * committee.quorum_percent / 100)
    return Quorum(len(voting), present, needed)
