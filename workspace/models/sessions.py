"""Facilitated action-planning sessions: problems, ideas, votes, and the actions they become."""
import secrets
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workspace.clock import utcnow
from workspace.extensions import db
from workspace.i18n import lazy_gettext as _l
from workspace.models.versioning import Versioned
from workspace.models.accounts import User
from workspace.models.actions import Action, ActionPlan
from workspace.models.committees import Committee
from workspace.models.directory import Organization, _in

PHASES = {"problems": _l("Problems"), "ideas": _l("Ideas"), "vote": _l("Vote"), "actions": _l("Actions"),
          "closed": _l("Closed")}
PHASE_ORDER = list(PHASES)
CARD_KINDS = ("problem", "idea")
MAX_CARD = 500
JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(6))


class PlanningSession(Versioned, db.Model):
    __tablename__ = "planning_sessions"
    __table_args__ = (
        CheckConstraint(_in("phase", PHASES), name="phase"),
        CheckConstraint("(committee_id IS NULL) <> (organization_id IS NULL)", name="one_owner"),
        CheckConstraint("votes_per_participant BETWEEN 1 AND 20", name="votes"),
        CheckConstraint("votes_per_idea BETWEEN 1 AND votes_per_participant", name="votes_per_idea"),
        CheckConstraint("phase <> 'closed' OR join_code IS NULL", name="closed_has_no_code"),
        Index("ix_planning_sessions_facilitator_held", "facilitator_id", "held_on"),
    )
    __audit_fields__ = ("title", "purpose", "held_on", "votes_per_participant", "votes_per_idea", "phase", "plan_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    held_on: Mapped[date] = mapped_column(Date)
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    votes_per_participant: Mapped[int] = mapped_column(default=3)
    votes_per_idea: Mapped[int] = mapped_column(default=2)
    phase: Mapped[str] = mapped_column(String(20), default="problems")
    # Shown on the projector for people without accounts; gone when the session closes.
    join_code: Mapped[str | None] = mapped_column(String(8), unique=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("action_plans.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    # Raised by every change a screen shows (cards, votes, people, phase): a screen polling the
    # board with the stamp it was drawn from gets "nothing new" instead of the whole board again.
    board_version: Mapped[int] = mapped_column(default=1, server_default="1")

    committee: Mapped[Committee | None] = relationship()
    organization: Mapped[Organization | None] = relationship()
    facilitator: Mapped[User] = relationship()
    plan: Mapped[ActionPlan | None] = relationship()

    @property
    def name(self) -> str:
        return self.title

    @property
    def owner_name(self) -> str:
        return self.committee.name if self.committee else self.organization.name

    @property
    def phase_label(self) -> str:
        return str(PHASES[self.phase])

    @property
    def is_open(self) -> bool:
        return self.phase != "closed"


class Participant(db.Model):
    """Someone in the session: a member with an account, or a person who joined with the code."""

    __tablename__ = "session_participants"
    __table_args__ = (
        UniqueConstraint("session_id", "user_id", name="uq_session_participants_user"),
        Index("ix_session_participants_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("planning_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    display_name: Mapped[str] = mapped_column(String(60))
    # For a join-code participant: the hash of the secret kept in their browser's session.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)


class Card(Versioned, db.Model):
    __tablename__ = "session_cards"
    __table_args__ = (
        CheckConstraint("kind IN ('problem', 'idea')", name="kind"),
        CheckConstraint("kind = 'problem' OR problem_id IS NOT NULL", name="idea_has_problem"),
        CheckConstraint(f"length(text) BETWEEN 1 AND {MAX_CARD}", name="text_length"),
    )
    __audit_fields__ = ("kind", "text", "hidden", "merged_into_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("planning_sessions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    problem_id: Mapped[int | None] = mapped_column(ForeignKey("session_cards.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(String(MAX_CARD))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("session_participants.id", ondelete="SET NULL"))
    hidden: Mapped[bool] = mapped_column(default=False)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("session_cards.id", ondelete="SET NULL"))
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def name(self) -> str:
        return self.text[:80]


class Vote(db.Model):
    """One dot. The slots make the allowance hold under double clicks and two tabs: a
    participant's nth vote, and their nth vote on a card, can each exist only once."""

    __tablename__ = "session_votes"
    __table_args__ = (
        UniqueConstraint("participant_id", "slot", name="uq_session_votes_slot"),
        UniqueConstraint("participant_id", "card_id", "card_slot", name="uq_session_votes_card_slot"),
        CheckConstraint("slot >= 1 AND card_slot >= 1", name="slots"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("planning_sessions.id", ondelete="CASCADE"), index=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("session_cards.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("session_participants.id", ondelete="CASCADE"))
    slot: Mapped[int]
    card_slot: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# The committee page counts the open and overdue actions of the committee's plans (and a session's
# plan is one of them) from this index alone, plan by plan, instead of reading every open action.
# Declared here, where the plans' models are known to this capability (committees/reports.py).
Index("ix_actions_plan_status_due", Action.plan_id, Action.status, Action.due_date)
