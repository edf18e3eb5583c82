"""What happens in a session: joining, cards, votes within the allowance, phases, and the plan it
ends with. Every write checks the phase the person saw, so a stale screen loses nothing silently."""
import hashlib
import secrets

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from workspace import audit, edits
from workspace.actions import services as action_services
from workspace.clock import utcnow
from workspace.extensions import db
from workspace.i18n import gettext as _
from workspace.models import MAX_CARD, PHASE_ORDER, ActionPlan, Card, Participant, PlanningSession, User, Vote
from workspace.models.sessions import new_join_code


class SessionRuleError(Exception):
    """A request the session's rules refuse; the message says why."""


class PhaseMoved(SessionRuleError):
    """The person's screen shows an earlier phase than the session is in."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def changed(session: PlanningSession) -> None:
    """Raises the session's board stamp in the write's transaction: every screen polling the board
    fetches it again. One UPDATE by key, whatever the size of the board (the ORM's own version of
    the session, which its edits state, is not touched)."""
    table = PlanningSession.__table__
    db.session.execute(update(table).where(table.c.id == session.id)
                       .values(board_version=table.c.board_version + 1))


def _unique_join_code() -> str:
    code = new_join_code()
    while db.session.scalar(select(PlanningSession.id).where(PlanningSession.join_code == code)):
        code = new_join_code()
    return code


def create_session(facilitator: User, **fields) -> PlanningSession:
    session = PlanningSession(facilitator=facilitator, phase="problems", join_code=_unique_join_code(), **fields)
    db.session.add(session)
    audit.record("create", session, after=audit.snapshot(session), actor=facilitator)
    db.session.flush()
    db.session.add(Participant(session_id=session.id, user_id=facilitator.id, display_name=facilitator.name))
    db.session.commit()
    return session


def join_member(session: PlanningSession, user: User) -> Participant:
    if not session.is_open:
        raise SessionRuleError(_("This session is closed."))
    existing = db.session.scalar(select(Participant).where(Participant.session_id == session.id,
                                                           Participant.user_id == user.id))
    if existing:
        return existing
    participant = Participant(session_id=session.id, user_id=user.id, display_name=user.name)
    db.session.add(participant)
    changed(session)
    db.session.commit()
    return participant


def join_with_code(code: str, display_name: str) -> tuple[PlanningSession, str]:
    """A person without an account joins an open session; returns it and the secret to keep."""
    session = db.session.scalar(select(PlanningSession).where(PlanningSession.join_code == code.strip().upper()))
    if session is None or not session.is_open:
        raise SessionRuleError(_("No open session has this code. Check it on the screen."))
    token = secrets.token_urlsafe(24)
    db.session.add(Participant(session_id=session.id, display_name=display_name.strip()[:60],
                               token_hash=token_hash(token)))
    changed(session)
    db.session.commit()
    return session, token


def _check_phase(session: PlanningSession, seen: str | None, *allowed: str) -> None:
    if not session.is_open:
        raise SessionRuleError(_("This session is closed: it can be read, not changed."))
    if seen and seen != session.phase:
        raise PhaseMoved(_("The session has moved on to “%(phase)s”. Your screen is up to date now; nothing "
                           "you typed was lost.", phase=session.phase_label))
    if session.phase not in allowed:
        raise SessionRuleError(_("This cannot be done in the “%(phase)s” phase.", phase=session.phase_label))


def add_card(session: PlanningSession, participant: Participant, text: str, seen_phase: str | None,
             problem_id: int | None = None) -> Card:
    _check_phase(session, seen_phase, "problems", "ideas")
    text = (text or "").strip()
    if not text:
        raise SessionRuleError(_("Write something on the card first."))
    if len(text) > MAX_CARD:
        raise SessionRuleError(_("A card holds %(max)s characters at most; this one has %(count)s.",
                                 max=MAX_CARD, count=len(text)))
    kind = "problem" if session.phase == "problems" else "idea"
    if kind == "idea":
        problem = db.session.get(Card, problem_id) if problem_id else None
        if problem is None or problem.session_id != session.id or problem.kind != "problem" or problem.hidden:
            raise SessionRuleError(_("Choose the problem this idea answers."))
    card = Card(session_id=session.id, kind=kind, problem_id=problem_id if kind == "idea" else None, text=text,
                author_id=participant.id)
    db.session.add(card)
    changed(session)
    db.session.commit()
    return card


def edit_card(session: PlanningSession, card: Card, stated: edits.Stated, *, text: str | None = None,
              hidden: bool | None = None, merge_into: Card | None = None) -> None:
    """The facilitator tidies the board: rewords, hides, or merges a duplicate into another card,
    from the card as their screen showed it (another screen of theirs may have tidied it since)."""
    if not session.is_open:
        raise SessionRuleError(_("This session is closed: it can be read, not changed."))
    before = audit.snapshot(card)
    if text is not None:
        text = text.strip()
        if not text or len(text) > MAX_CARD:
            raise SessionRuleError(_("A card needs between 1 and %(max)s characters.", max=MAX_CARD))
        edits.apply(card, stated, {"text": text})
    if hidden is not None:
        edits.check_unchanged(card, stated)  # a toggle means: the opposite of what the screen showed
        card.hidden = hidden
    if merge_into is not None:
        edits.check_unchanged(card, stated)
        if merge_into.id == card.id or merge_into.kind != card.kind or merge_into.session_id != session.id:
            raise SessionRuleError(_("A card merges into another card of the same kind."))
        card.merged_into_id, card.hidden = merge_into.id, True
        # Its votes and ideas follow it.
        for vote in db.session.scalars(select(Vote).where(Vote.card_id == card.id)):
            vote.card_id = merge_into.id
        for idea in db.session.scalars(select(Card).where(Card.problem_id == card.id)):
            idea.problem_id = merge_into.id
    audit.record("tidy", card, before=before, after=audit.snapshot(card))
    changed(session)
    db.session.commit()


def remaining_votes(session: PlanningSession, participant: Participant) -> int:
    used = db.session.scalar(select(func.count()).select_from(Vote).where(Vote.participant_id == participant.id))
    return session.votes_per_participant - used


def vote(session: PlanningSession, participant: Participant, card: Card, seen_phase: str | None) -> None:
    """One dot on an idea, within the allowance. Two clicks at once, or two tabs, cannot both take
    the last dot: the database refuses the second."""
    _check_phase(session, seen_phase, "vote")
    if card.session_id != session.id or card.kind != "idea" or card.hidden:
        raise SessionRuleError(_("Vote on one of the ideas on the board."))
    mine = db.session.execute(select(func.count(), func.max(Vote.slot)).where(
        Vote.participant_id == participant.id)).one()
    if mine[0] >= session.votes_per_participant:
        raise SessionRuleError(_("You have used all your %(count)s votes.", count=session.votes_per_participant))
    on_card = db.session.execute(select(func.count(), func.max(Vote.card_slot)).where(
        Vote.participant_id == participant.id, Vote.card_id == card.id)).one()
    if on_card[0] >= session.votes_per_idea:
        raise SessionRuleError(_("At most %(count)s votes on one idea.", count=session.votes_per_idea))
    db.session.add(Vote(session_id=session.id, card_id=card.id, participant_id=participant.id,
                        slot=(mine[1] or 0) + 1, card_slot=(on_card[1] or 0) + 1))
    try:
        db.session.flush()
        changed(session)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise SessionRuleError(_("That vote was already counted (a double click, or another tab).")) from None


def unvote(session: PlanningSession, participant: Participant, card: Card, seen_phase: str | None) -> None:
    _check_phase(session, seen_phase, "vote")
    last = db.session.scalar(select(Vote).where(Vote.participant_id == participant.id, Vote.card_id == card.id)
                             .order_by(Vote.id.desc()).limit(1))
    if last is not None:
        db.session.delete(last)
        changed(session)
        db.session.commit()


def advance(session: PlanningSession, seen_phase: str | None) -> None:
    """The facilitator moves the session to its next phase; entering "actions" starts its plan,
    closing ends the join code and leaves the session read-only."""
    _check_phase(session, seen_phase, *PHASE_ORDER[:-1])
    before = audit.snapshot(session)
    session.phase = PHASE_ORDER[PHASE_ORDER.index(session.phase) + 1]
    if session.phase == "actions" and session.plan_id is None:
        plan = ActionPlan(title=_("Plan from %(session)s", session=session.title)[:200],
                          purpose=session.purpose or "", committee_id=session.committee_id,
                          organization_id=session.organization_id, period_start=session.held_on,
                          period_end=session.held_on.replace(year=session.held_on.year + 1))
        db.session.add(plan)
        db.session.flush()
        audit.record("create", plan, after=audit.snapshot(plan))
        session.plan_id = plan.id
    if session.phase == "closed":
        session.join_code, session.closed_at = None, utcnow()
    audit.record("phase", session, before=before, after=audit.snapshot(session))
    changed(session)
    db.session.commit()


def make_action(session: PlanningSession, card: Card, **fields):
    """Turns an idea into an action of the session's plan (the action names the session)."""
    _check_phase(session, None, "actions")
    if card.session_id != session.id or card.kind != "idea":
        raise SessionRuleError(_("Choose an idea of this session."))
    if card.action_id is not None:
        raise SessionRuleError(_("This idea is already an action."))
    action = action_services.create_action(session.plan, origin=("session", session.id), commit=False, **fields)
    db.session.flush()
    card.action_id = action.id
    changed(session)
    db.session.commit()
    return action
