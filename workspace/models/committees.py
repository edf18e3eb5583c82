"""Coordination committees, their members, meetings, agendas, attendance and decisions."""
import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workspace.clock import utcnow
from workspace.extensions import db
from workspace.i18n import lazy_gettext as _l
from workspace.models.versioning import Versioned
from workspace.models.accounts import User
from workspace.models.directory import Area, _in

COMMITTEE_LEVELS = {
    "national": _l("National"),
    "region": _l("Regional"),
    "district": _l("District"),
    "local": _l("Local"),
}
COMMITTEE_ROLES = {
    "chair": _l("Chair"),
    "secretary": _l("Secretary"),
    "member": _l("Member"),
    "observer": _l("Observer"),
}
RUNNING_ROLES = ("chair", "secretary")  # they run meetings and keep the membership
MEETING_STATUSES = {"planned": _l("Planned"), "held": _l("Held"), "cancelled": _l("Cancelled")}
ITEM_KINDS = {"information": _l("Information"), "discussion": _l("Discussion"), "decision": _l("Decision")}
ITEM_STATUSES = {"proposed": _l("Proposed"), "accepted": _l("On an agenda"), "declined": _l("Declined")}
ATTENDANCE = {"present": _l("Present"), "apologies": _l("Apologies"), "absent": _l("Absent")}
MAX_ITEM_MINUTES = 600


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class Committee(Versioned, db.Model):
    __tablename__ = "committees"
    __table_args__ = (
        CheckConstraint(_in("level", COMMITTEE_LEVELS), name="level"),
        CheckConstraint("required_meetings_per_year BETWEEN 0 AND 52", name="required_meetings"),
        CheckConstraint("quorum_percent BETWEEN 1 AND 100", name="quorum_percent"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        Index("ix_committees_level_name", "level", "name"),  # the list, filtered by level
    )
    __audit_fields__ = ("name", "level", "area_id", "parent_id", "terms_of_reference",
                        "required_meetings_per_year", "quorum_percent", "thematic_focus")

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    level: Mapped[str] = mapped_column(String(20))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("committees.id", ondelete="RESTRICT"), index=True)
    # Markdown as typed; shown as sanitised HTML (rich_text filter).
    terms_of_reference: Mapped[str] = mapped_column(Text, default="")
    required_meetings_per_year: Mapped[int] = mapped_column(default=4)
    # Share of voting members (all but observers) who must be present for a quorum.
    quorum_percent: Mapped[int] = mapped_column(default=50)
    thematic_focus: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    area: Mapped[Area] = relationship()
    parent: Mapped["Committee | None"] = relationship(remote_side=[id])

    @property
    def level_label(self) -> str:
        return str(COMMITTEE_LEVELS[self.level])


class Membership(Versioned, db.Model):
    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("committee_id", "user_id", name="uq_memberships_committee_user"),
        CheckConstraint(_in("role", COMMITTEE_ROLES), name="role"),
    )
    __audit_fields__ = ("committee_id", "user_id", "role")

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="member")
    # The secret in this member's calendar feed address; ends with the membership.
    feed_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_feed_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    committee: Mapped[Committee] = relationship()
    user: Mapped[User] = relationship()

    @property
    def role_label(self) -> str:
        return str(COMMITTEE_ROLES[self.role])

    @property
    def name(self) -> str:  # for the audit trail
        return f"{self.user.name} ({self.role})" if self.user else self.role


class Meeting(Versioned, db.Model):
    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint(_in("status", MEETING_STATUSES), name="status"),
        Index("ix_meetings_committee_starts", "committee_id", "starts_at"),
        # The next planned meetings, the last held ones: per committee, by status, in time order.
        Index("ix_meetings_committee_status_starts", "committee_id", "status", "starts_at"),
    )
    __audit_fields__ = ("title", "starts_at", "place", "call_link", "status", "cancel_reason", "recorded_afterwards")

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]  # UTC
    place: Mapped[str] = mapped_column(String(200), default="")
    call_link: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(20), default="planned")
    cancel_reason: Mapped[str] = mapped_column(String(500), default="")
    held_at: Mapped[datetime | None]  # when it was recorded as held
    # Entered after it took place (a committee's meetings from before the app, a secretary who was
    # away): its time was in the past when it was scheduled.
    recorded_afterwards: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    committee: Mapped[Committee] = relationship()
    items: Mapped[list["AgendaItem"]] = relationship(
        back_populates="meeting", order_by=lambda: [AgendaItem.position, AgendaItem.id])
    attendance: Mapped[list["Attendance"]] = relationship(back_populates="meeting", cascade="all, delete-orphan")

    @property
    def name(self) -> str:
        return self.title

    @property
    def status_label(self) -> str:
        return str(MEETING_STATUSES[self.status])


class AgendaItem(Versioned, db.Model):
    """An item on a meeting's agenda, or proposed to the committee and waiting for one."""

    __tablename__ = "agenda_items"
    __table_args__ = (
        CheckConstraint(_in("kind", ITEM_KINDS), name="kind"),
        CheckConstraint(_in("status", ITEM_STATUSES), name="status"),
        CheckConstraint(f"minutes_allotted BETWEEN 1 AND {MAX_ITEM_MINUTES}", name="minutes_allotted"),
        CheckConstraint("status <> 'accepted' OR meeting_id IS NOT NULL", name="accepted_has_meeting"),
        CheckConstraint("status <> 'declined' OR decline_reason <> ''", name="declined_has_reason"),
        CheckConstraint("length(title) > 0", name="title_not_empty"),
        Index("ix_agenda_items_origin", "origin_type", "origin_id"),
        Index("ix_agenda_items_committee_status", "committee_id", "status"),  # proposals waiting
        # Two items never share a place on one agenda (proposals have no meeting, and NULLs differ).
        UniqueConstraint("meeting_id", "position", name="uq_agenda_items_meeting_position"),
    )
    __audit_fields__ = ("title", "description", "kind", "presenter", "minutes_allotted", "status",
                        "meeting_id", "position", "decline_reason", "minutes")

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default="discussion")
    presenter: Mapped[str] = mapped_column(String(120), default="")
    minutes_allotted: Mapped[int] = mapped_column(default=15)
    status: Mapped[str] = mapped_column(String(20), default="accepted")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decline_reason: Mapped[str] = mapped_column(String(500), default="")
    minutes: Mapped[str] = mapped_column(Text, default="")  # what was said, recorded at the meeting
    # Where the item came from (another committee's item, an action, an indicator, a feedback
    # case): see workspace/origins.py.
    origin_type: Mapped[str | None] = mapped_column(String(40))
    origin_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    committee: Mapped[Committee] = relationship()
    meeting: Mapped[Meeting | None] = relationship(back_populates="items")
    proposed_by: Mapped[User | None] = relationship()
    decisions: Mapped[list["Decision"]] = relationship(
        back_populates="item", order_by="Decision.id", cascade="all, delete-orphan")

    @property
    def kind_label(self) -> str:
        return str(ITEM_KINDS[self.kind])

    @property
    def name(self) -> str:
        return self.title


class Decision(Versioned, db.Model):
    __tablename__ = "decisions"
    __table_args__ = (CheckConstraint("length(text) > 0", name="text_not_empty"),)
    __audit_fields__ = ("agenda_item_id", "text")

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[AgendaItem] = relationship(back_populates="decisions")

    @property
    def name(self) -> str:
        return self.text[:80]


class Attendance(Versioned, db.Model):
    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("meeting_id", "user_id", name="uq_attendance_meeting_user"),
        CheckConstraint(_in("status", ATTENDANCE), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")
    user: Mapped[User] = relationship()
