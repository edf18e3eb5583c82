"""Action plans and their actions: owned, dated, tracked to the end, with a log of updates."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workspace.clock import utcnow
from workspace.extensions import db
from workspace.i18n import lazy_gettext as _l
from workspace.models.versioning import Versioned
from workspace.models.accounts import User
from workspace.models.committees import Committee
from workspace.models.directory import Organization, _in

ACTION_STATUSES = {
    "not_started": _l("Not started"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "blocked": _l("Blocked"),
    "cancelled": _l("Cancelled"),
}
OPEN_STATUSES = ("not_started", "in_progress", "blocked")
SOON_DAYS = 14

action_supporters = Table(
    "action_supporters",
    db.metadata,
    Column("action_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    Column("organization_id", ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True),
)


class ActionPlan(Versioned, db.Model):
    """A named set of actions of a committee, or of a community group."""

    __tablename__ = "action_plans"
    __table_args__ = (
        CheckConstraint("(committee_id IS NULL) <> (organization_id IS NULL)", name="one_owner"),
        CheckConstraint("period_end >= period_start", name="period_order"),
        CheckConstraint("length(title) > 0", name="title_not_empty"),
    )
    __audit_fields__ = ("title", "purpose", "committee_id", "organization_id", "period_start", "period_end")

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(12))  # the language the title is written in (None: the default)
    purpose: Mapped[str] = mapped_column(Text, default="")
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    committee: Mapped[Committee | None] = relationship()
    organization: Mapped[Organization | None] = relationship()

    @property
    def owner_name(self) -> str:
        return self.committee.name if self.committee else self.organization.name


class Action(Versioned, db.Model):
    __tablename__ = "actions"
    __table_args__ = (
        CheckConstraint(_in("status", ACTION_STATUSES), name="status"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
        CheckConstraint("due_date >= start_date", name="due_after_start"),
        CheckConstraint("status <> 'done' OR progress = 100", name="done_is_complete"),
        CheckConstraint("status <> 'blocked' OR blocked_reason <> ''", name="blocked_has_reason"),
        CheckConstraint("length(title) > 0", name="title_not_empty"),
        Index("ix_actions_origin", "origin_type", "origin_id"),
        Index("ix_actions_status_due", "status", "due_date"),
        # The action lists: one filter, then by due date (see migration d11a00000005).
        Index("ix_actions_focal_person_due", "focal_person_id", "due_date", "id"),
        Index("ix_actions_responsible_due", "responsible_organization_id", "due_date", "id"),
        Index("ix_actions_plan_due", "plan_id", "due_date", "id"),
        Index("ix_actions_programme_due", "programme_id", "due_date", "id"),  # a programme's open actions
        Index("ix_actions_due", "due_date", "id"),
    )
    __audit_fields__ = ("title", "description", "responsible_organization_id", "focal_person_id", "start_date",
                        "due_date", "status", "progress", "blocked_reason", "programme_id", "version")

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plans.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    responsible_organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True)
    focal_person_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    progress: Mapped[int] = mapped_column(default=0)
    blocked_reason: Mapped[str] = mapped_column(String(500), default="")
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id", ondelete="SET NULL"), index=True)
    programme_record: Mapped["Programme | None"] = relationship("Programme")  # the programme_id named
    # Where it came from: a decision, a session, a feedback case, an indicator (workspace/origins.py).
    origin_type: Mapped[str | None] = mapped_column(String(40))
    origin_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    plan: Mapped[ActionPlan] = relationship()
    responsible_organization: Mapped[Organization] = relationship()
    focal_person: Mapped[User | None] = relationship()
    supporters: Mapped[list[Organization]] = relationship(secondary=action_supporters, order_by=Organization.name)
    updates: Mapped[list["ActionUpdate"]] = relationship(
        back_populates="action", order_by="desc(ActionUpdate.id)", cascade="all, delete-orphan")

    @property
    def status_label(self) -> str:
        return str(ACTION_STATUSES[self.status])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_date < today


class ActionUpdate(db.Model):
    """One entry in an action's log: what happened, and the status and progress it left."""

    __tablename__ = "action_updates"
    __table_args__ = (
        CheckConstraint(_in("status", ACTION_STATUSES), name="status"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    progress: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    action: Mapped[Action] = relationship(back_populates="updates")
    author: Mapped[User | None] = relationship()


class OutboxMessage(db.Model):
    """A message the app sends (reminders): kept here always; sent_at is set once SMTP took it.
    One message per recipient, kind and day: running the daily command twice sends nothing twice."""

    __tablename__ = "outbox_messages"
    __table_args__ = (UniqueConstraint("recipient_id", "kind", "day", name="uq_outbox_messages_once_a_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(40))
    day: Mapped[date] = mapped_column(Date)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[datetime | None]
    error: Mapped[str] = mapped_column(String(500), default="")

    recipient: Mapped[User] = relationship()
