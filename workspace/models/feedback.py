"""Feedback and grievances: cases anyone can raise, answered within a set time, reported back."""
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workspace.clock import utcnow
from workspace.extensions import db
from workspace.models.versioning import Versioned
from workspace.models.accounts import User
from workspace.models.committees import Committee
from workspace.models.directory import Area, Organization, _in

CHANNELS = {"web": _l("Web form"), "phone": _l("Phone call"), "walk_in": _l("Walk-in"),
            "community_meeting": _l("Community meeting"), "sms": _l("SMS"), "letter": _l("Letter")}
CATEGORIES = {"complaint": _l("Complaint"), "suggestion": _l("Suggestion"), "question": _l("Question"),
              "appreciation": _l("Appreciation")}
CASE_STATUSES = {"received": _l("Received"), "acknowledged": _l("Acknowledged"), "in_progress": _l("In progress"),
                 "resolved": _l("Resolved"), "closed": _l("Closed")}
# Where a case may go next.
NEXT_STATUSES = {"received": ("acknowledged",), "acknowledged": ("in_progress", "resolved"),
                 "in_progress": ("resolved",), "resolved": ("closed", "in_progress"), "closed": ()}
# Hours to acknowledge, days to resolve, where an administrator has set nothing else.
DEFAULT_ANSWER_TIMES = {"complaint": (48, 14), "suggestion": (72, 30), "question": (48, 7), "appreciation": (72, 30)}
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L to misread


def new_tracking_code() -> str:
    """Random, not sequential: a code says nothing about any other case."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


class FeedbackCase(Versioned, db.Model):
    __tablename__ = "feedback_cases"
    __table_args__ = (
        CheckConstraint(_in("channel", CHANNELS), name="channel"),
        CheckConstraint(_in("category", CATEGORIES), name="category"),
        CheckConstraint(_in("status", CASE_STATUSES), name="status"),
        CheckConstraint("length(description) > 0", name="described"),
        CheckConstraint("NOT anonymous OR (contact_name = '' AND contact_phone = '')", name="anonymous_no_contact"),
        CheckConstraint("NOT publishable OR public_summary <> ''", name="published_has_summary"),
        Index("ix_feedback_cases_status_received", "status", "received_at"),
    )
    __audit_fields__ = ("category", "channel", "area_id", "programme", "status", "assigned_organization_id",
                        "assigned_user_id", "response", "publishable", "public_summary")

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(11), unique=True, default=new_tracking_code)
    channel: Mapped[str] = mapped_column(String(20), default="web")
    category: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"), index=True)
    programme: Mapped[str] = mapped_column(String(200), default="")
    anonymous: Mapped[bool] = mapped_column(default=False)
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(20), default="received")
    assigned_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True)
    assigned_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    response: Mapped[str] = mapped_column(Text, default="")  # for the person and the community
    publishable: Mapped[bool] = mapped_column(default=False)
    public_summary: Mapped[str] = mapped_column(String(1000), default="")  # what was raised, fit to publish
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    due_at: Mapped[datetime | None] = mapped_column(index=True)  # the deadline that matters now
    acknowledged_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    area: Mapped[Area | None] = relationship()
    assigned_organization: Mapped[Organization | None] = relationship()
    assigned_user: Mapped[User | None] = relationship(foreign_keys=[assigned_user_id])
    notes: Mapped[list["CaseNote"]] = relationship(back_populates="case", order_by="desc(CaseNote.id)",
                                                   cascade="all, delete-orphan")

    @property
    def name(self) -> str:
        return self.code

    @property
    def category_label(self) -> str:
        return str(CATEGORIES[self.category])

    @property
    def status_label(self) -> str:
        return str(CASE_STATUSES[self.status])


class CaseNote(db.Model):
    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("feedback_cases.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[FeedbackCase] = relationship(back_populates="notes")
    author: Mapped[User | None] = relationship()


class AnswerTime(Versioned, db.Model):
    """How soon a category of case must be acknowledged and resolved."""

    __tablename__ = "answer_times"
    __table_args__ = (
        CheckConstraint(_in("category", CATEGORIES), name="category"),
        CheckConstraint("acknowledge_hours BETWEEN 1 AND 720 AND resolve_days BETWEEN 1 AND 365", name="ranges"),
    )
    __audit_fields__ = ("category", "acknowledge_hours", "resolve_days")

    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    acknowledge_hours: Mapped[int]
    resolve_days: Mapped[int]

    @property
    def id(self) -> int:  # for the audit trail, which names records by number
        return list(CATEGORIES).index(self.category) + 1

    @property
    def name(self) -> str:
        return self.category


class IntakeHit(db.Model):
    """One public submission from an address, for the rate limit."""

    __tablename__ = "intake_hits"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class FeedbackCluster(db.Model):
    """Cases of one category (and programme) in one area and month, raised together to a committee."""

    __tablename__ = "feedback_clusters"
    __audit_fields__ = ("committee_id", "category", "programme", "month", "case_ids")

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(20))
    programme: Mapped[str] = mapped_column(String(200), default="")
    month: Mapped[str] = mapped_column(String(7))
    case_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    committee: Mapped[Committee] = relationship()

    @property
    def name(self) -> str:
        return f"{self.category} {self.programme} {self.month}".strip()
