"""Indicators that a community group defines in its own words, and the values it reports each
period, verified by staff assigned to the group."""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, Date, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workspace.clock import utcnow
from workspace.extensions import db
from workspace.models.versioning import Versioned
from workspace.models.accounts import User
from workspace.models.committees import Committee
from workspace.models.directory import Organization, _in

UNITS = {"count": _l("A number (count)"), "percent": _l("A percentage"), "yes_no": _l("Yes or no"),
         "score": _l("A score from 1 to 5")}
DIRECTIONS = {"higher": _l("Higher is better"), "lower": _l("Lower is better")}
FREQUENCIES = {"monthly": _l("Every month"), "quarterly": _l("Every quarter"), "yearly": _l("Every year")}
INDICATOR_STATUSES = {"proposed": _l("Proposed"), "adopted": _l("Adopted"), "dropped": _l("Dropped")}
# The ways a value can be split, each with its cells.
DIMENSIONS = {
    "sex": (_l("Sex"), {"female": _l("Female"), "male": _l("Male")}),
    "age": (_l("Age"), {"child": _l("Under 18"), "adult": _l("18 to 59"), "older": _l("60 and over")}),
    "disability": (_l("Disability"), {"yes": _l("With a disability"), "no": _l("Without")}),
}
VALUE_STATES = {"draft": _l("Draft"), "submitted": _l("Submitted"), "verified": _l("Verified"),
                "returned": _l("Returned")}
GROUP_ROLES = {"coordinator": _l("Coordinator"), "verifier": _l("Verifier")}


class GroupRole(db.Model):
    """A group's coordinator (one of its people), or a verifier assigned to it (NGO or
    government staff)."""

    __tablename__ = "group_roles"
    __table_args__ = (
        UniqueConstraint("organization_id", "user_id", "role", name="uq_group_roles_once"),
        CheckConstraint(_in("role", GROUP_ROLES), name="role"),
    )
    __audit_fields__ = ("organization_id", "user_id", "role")

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    user: Mapped[User] = relationship()
    organization: Mapped[Organization] = relationship()

    @property
    def name(self) -> str:
        return f"{self.user.name} ({self.role})" if self.user else self.role


class Indicator(Versioned, db.Model):
    __tablename__ = "indicators"
    __table_args__ = (
        CheckConstraint(_in("unit", UNITS), name="unit"),
        CheckConstraint(_in("direction", DIRECTIONS), name="direction"),
        CheckConstraint(_in("frequency", FREQUENCIES), name="frequency"),
        CheckConstraint(_in("status", INDICATOR_STATUSES), name="status"),
        CheckConstraint("(baseline_value IS NULL) = (baseline_date IS NULL)", name="baseline_dated"),
        CheckConstraint("length(question) > 0 AND length(short_name) > 0", name="worded"),
        CheckConstraint("(organization_id IS NULL) <> (committee_id IS NULL)", name="one_owner"),
    )
    __audit_fields__ = ("short_name", "question", "why", "unit", "direction", "frequency", "baseline_value",
                        "baseline_date", "target", "dimensions", "verification", "status", "wording_version")

    id: Mapped[int] = mapped_column(primary_key=True)
    # Owned by a community group, or by a committee.
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"), index=True)
    short_name: Mapped[str] = mapped_column(String(80))
    question: Mapped[str] = mapped_column(String(500))  # in the group's own words
    why: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(20))
    score_labels: Mapped[list] = mapped_column(JSON, default=list)  # five labels, for scores
    direction: Mapped[str] = mapped_column(String(10), default="higher")
    frequency: Mapped[str] = mapped_column(String(10), default="monthly")
    baseline_value: Mapped[float | None] = mapped_column(Float)
    baseline_date: Mapped[date | None] = mapped_column(Date)
    target: Mapped[float | None] = mapped_column(Float)  # each period's target
    dimensions: Mapped[list] = mapped_column(JSON, default=list)  # chosen from DIMENSIONS
    verification: Mapped[str] = mapped_column(String(500), default="")  # means of verification
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    wording_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization: Mapped[Organization | None] = relationship()
    committee: Mapped["Committee | None"] = relationship()
    proposed_by: Mapped[User | None] = relationship()

    @property
    def name(self) -> str:
        return self.short_name

    @property
    def owner_name(self) -> str:
        return self.organization.name if self.organization else self.committee.name

    @property
    def unit_label(self) -> str:
        return str(UNITS[self.unit])


class IndicatorWording(db.Model):
    """The words an indicator had before a change: old values keep the question they answered."""

    __tablename__ = "indicator_wordings"
    __table_args__ = (UniqueConstraint("indicator_id", "version", name="uq_indicator_wordings_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    short_name: Mapped[str] = mapped_column(String(80))
    question: Mapped[str] = mapped_column(String(500))
    replaced_at: Mapped[datetime] = mapped_column(default=utcnow)


class IndicatorValue(Versioned, db.Model):
    """One value: an indicator, a period (2026-11, 2026-Q4, 2026) and a cell of its split
    ("" for an indicator that is not split; "sex=female" and the like otherwise)."""

    __tablename__ = "indicator_values"
    __table_args__ = (
        UniqueConstraint("indicator_id", "period", "cell", name="uq_indicator_values_cell"),
        CheckConstraint(_in("state", VALUE_STATES), name="state"),
        CheckConstraint("state <> 'returned' OR return_reason <> ''", name="returned_has_reason"),
        CheckConstraint("verified_by_id IS NULL OR entered_by_id IS NULL OR verified_by_id <> entered_by_id",
                        name="not_self_verified"),
    )
    __audit_fields__ = ("indicator_id", "period", "cell", "value", "state", "comment", "story", "explanation",
                        "return_reason", "version")

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(10))
    cell: Mapped[str] = mapped_column(String(120), default="")
    value: Mapped[float]
    state: Mapped[str] = mapped_column(String(20), default="draft")
    comment: Mapped[str] = mapped_column(String(1000), default="")
    story: Mapped[str] = mapped_column(Text, default="")  # a story of change, if the group tells one
    explanation: Mapped[str] = mapped_column(String(1000), default="")  # why a big jump
    return_reason: Mapped[str] = mapped_column(String(500), default="")
    wording_version: Mapped[int] = mapped_column(default=1)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    indicator: Mapped[Indicator] = relationship()
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])

    @property
    def name(self) -> str:
        return f"{self.period} {self.cell}".strip()


class IndicatorTarget(Versioned, db.Model):
    """A target for one period, where it differs from the indicator's usual target."""

    __tablename__ = "indicator_targets"
    __table_args__ = (UniqueConstraint("indicator_id", "period", name="uq_indicator_targets_period"),)
    __audit_fields__ = ("indicator_id", "period", "target")

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(10))
    target: Mapped[float] = mapped_column(Float)

    @property
    def name(self) -> str:
        return self.period
