"""Who is looking at a session: a participant (with an account, or with the join code), its
facilitator, or a member reading a closed session. Anyone else gets 404."""
from flask import abort, g, session as browser_session
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from workspace import access
from workspace.extensions import db
from workspace.models import Participant, PlanningSession
from workspace.sessions.services import token_hash

TOKENS = "session_tokens"  # in the browser's (signed) session: {session id: secret}


def load(session_id: int) -> PlanningSession:
    session = db.session.scalar(select(PlanningSession).where(PlanningSession.id == session_id).options(
        joinedload(PlanningSession.committee), joinedload(PlanningSession.organization),
        joinedload(PlanningSession.facilitator)))
    if session is None:
        abort(404)
    return session


# Asked on every poll of every screen: built once.
MEMBER = select(Participant).where(Participant.session_id == bindparam("session"),
                                   Participant.user_id == bindparam("user"))
GUEST = select(Participant).where(Participant.session_id == bindparam("session"),
                                  Participant.token_hash == bindparam("token"))


def current_participant(session: PlanningSession) -> Participant | None:
    cache = g.setdefault("participants", {})
    if session.id not in cache:
        participant = None
        if current_user.is_authenticated:
            participant = db.session.scalar(MEMBER, {"session": session.id, "user": current_user.id})
        else:
            token = browser_session.get(TOKENS, {}).get(str(session.id))
            if token:
                participant = db.session.scalar(GUEST, {"session": session.id, "token": token_hash(token)})
        cache[session.id] = participant
    return cache[session.id]


def is_guest(participant: Participant | None) -> bool:
    return participant is not None and participant.user_id is None


def may_read(session: PlanningSession) -> bool:
    participant = current_participant(session)
    if session.is_open:
        return participant is not None or access.can_facilitate(current_user, session)
    # Closed: the owner's members read the result; a join-code guest's access has ended.
    return current_user.is_authenticated and access.can_read_closed_session(current_user, session)


def get_session_or_404(session_id: int, need: str = "read") -> tuple[PlanningSession, Participant | None]:
    """need: read (see the board), take_part (cards, votes), facilitate (phases, tidying, actions)."""
    session = load(session_id)
    if not may_read(session):
        abort(404)
    participant = current_participant(session)
    if need == "take_part" and (participant is None or not session.is_open):
        abort(403)
    if need == "facilitate" and not access.can_facilitate(current_user, session):
        abort(403)
    return session, participant
