"""Writes that touch several records: membership, scheduling, agendas, proposals, escalation,
and recording a meeting. Each is audited and committed whole, or not at all."""
from flask_babel import gettext as _
from sqlalchemy import func, select

from workspace import audit
from workspace.clock import local_today, to_local, utcnow
from workspace.extensions import db
from workspace.models import AgendaItem, Attendance, Committee, Decision, Meeting, Membership, User


class CommitteeRuleError(Exception):
    """A request the committee's rules refuse; the message says why, for the person."""


def _create(record):
    db.session.add(record)
    audit.record("create", record, after=audit.snapshot(record))


def _update(record, action: str = "update", **changes):
    before = audit.snapshot(record)
    for name, value in changes.items():
        setattr(record, name, value)
    after = audit.snapshot(record)
    if after != before:
        audit.record(action, record, before=before, after=after)


# --- Membership ----------------------------------------------------------------------------------

def _running_count(committee: Committee) -> int:
    return db.session.scalar(select(func.count()).where(
        Membership.committee_id == committee.id, Membership.role.in_(("chair", "secretary"))))


def add_member(committee: Committee, user: User, role: str) -> Membership:
    if db.session.scalar(select(Membership.id).where(Membership.committee_id == committee.id,
                                                     Membership.user_id == user.id)):
        raise CommitteeRuleError(_("%(name)s is already a member.", name=user.name))
    membership = Membership(committee=committee, user=user, role=role)
    _create(membership)
    db.session.commit()
    return membership


def change_role(membership: Membership, role: str) -> None:
    if membership.role in ("chair", "secretary") and role not in ("chair", "secretary") \
            and _running_count(membership.committee) == 1:
        raise CommitteeRuleError(_("A committee needs a chair or a secretary: name another one first."))
    _update(membership, role=role)
    db.session.commit()


def remove_member(membership: Membership) -> None:
    if membership.role in ("chair", "secretary") and _running_count(membership.committee) == 1:
        raise CommitteeRuleError(_("A committee needs a chair or a secretary: name another one first."))
    audit.record("delete", membership, before=audit.snapshot(membership))
    db.session.delete(membership)
    db.session.commit()


# --- Meetings and agendas ------------------------------------------------------------------------

def schedule_meeting(committee: Committee, **fields) -> Meeting:
    meeting = Meeting(committee=committee, status="planned", **fields)
    _create(meeting)
    db.session.commit()
    return meeting


def update_meeting(meeting: Meeting, **fields) -> None:
    if meeting.status != "planned":
        raise CommitteeRuleError(_("Only a planned meeting can be rescheduled."))
    _update(meeting, **fields)
    db.session.commit()


def cancel_meeting(meeting: Meeting, reason: str) -> None:
    if meeting.status != "planned":
        raise CommitteeRuleError(_("Only a planned meeting can be cancelled."))
    _update(meeting, "cancel", status="cancelled", cancel_reason=reason)
    # Items that were proposed go back to the proposals, to be put on another meeting.
    for item in list(meeting.items):
        if item.proposed_by_id is not None or item.origin_type is not None:
            _update(item, "return_to_proposals", status="proposed", meeting_id=None, position=0)
    db.session.commit()


def _require_planned(meeting: Meeting) -> None:
    if meeting.status != "planned":
        raise CommitteeRuleError(_("The agenda of a meeting that is held or cancelled cannot change."))


def _next_position(meeting: Meeting) -> int:
    return (db.session.scalar(select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)) or 0) + 1


def add_item(meeting: Meeting, **fields) -> AgendaItem:
    _require_planned(meeting)
    item = AgendaItem(committee_id=meeting.committee_id, meeting=meeting, status="accepted",
                      position=_next_position(meeting), **fields)
    _create(item)
    db.session.commit()
    return item


def update_item(item: AgendaItem, **fields) -> None:
    _require_planned(item.meeting)
    _update(item, **fields)
    db.session.commit()


def move_item(meeting: Meeting, item: AgendaItem, direction: str) -> None:
    """Moves an item one place up or down; positions are renumbered 1..n on the way."""
    _require_planned(meeting)
    items = list(meeting.items)
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
        before = [i.id for i in meeting.items]
        for position, each in enumerate(items, start=1):
            each.position = position
        audit.record("reorder_agenda", meeting, before={"order": before}, after={"order": [i.id for i in items]})
        db.session.commit()


def remove_item(item: AgendaItem) -> None:
    """Takes an item off the agenda: a proposed or raised item goes back to the proposals."""
    _require_planned(item.meeting)
    if item.proposed_by_id is not None or item.origin_type is not None:
        _update(item, "return_to_proposals", status="proposed", meeting_id=None, position=0)
    else:
        audit.record("delete", item, before=audit.snapshot(item))
        db.session.delete(item)
    db.session.commit()


# --- Proposals and escalation --------------------------------------------------------------------

def propose_item(committee: Committee, proposer: User, origin: tuple[str, int] | None = None, **fields) -> AgendaItem:
    item = AgendaItem(committee=committee, status="proposed", proposed_by=proposer, meeting=None, **fields)
    if origin:
        item.origin_type, item.origin_id = origin
    _create(item)
    db.session.commit()
    return item


def accept_proposal(item: AgendaItem, meeting: Meeting) -> None:
    if item.status != "proposed":
        raise CommitteeRuleError(_("This item is no longer waiting for a decision."))
    if meeting.committee_id != item.committee_id or meeting.status != "planned":
        raise CommitteeRuleError(_("Choose a planned meeting of this committee."))
    _update(item, "accept", status="accepted", meeting_id=meeting.id, position=_next_position(meeting))
    db.session.commit()


def decline_proposal(item: AgendaItem, reason: str) -> None:
    if item.status != "proposed":
        raise CommitteeRuleError(_("This item is no longer waiting for a decision."))
    _update(item, "decline", status="declined", decline_reason=reason)
    db.session.commit()


def escalate_item(item: AgendaItem, user: User) -> AgendaItem:
    """Raises an item to the parent committee, where it arrives as a proposal naming its source."""
    parent = item.committee.parent
    if parent is None:
        raise CommitteeRuleError(_("This committee has no parent committee to raise items to."))
    if db.session.scalar(select(AgendaItem.id).where(
            AgendaItem.committee_id == parent.id, AgendaItem.origin_type == "agenda_item",
            AgendaItem.origin_id == item.id)):
        raise CommitteeRuleError(_("This item has already been raised to %(name)s.", name=parent.name))
    return propose_item(parent, user, origin=("agenda_item", item.id), title=item.title,
                        description=item.description, kind=item.kind, minutes_allotted=item.minutes_allotted)


# --- Recording a meeting -------------------------------------------------------------------------

def record_meeting(meeting: Meeting, actor: User, *, attendance: dict[int, str], minutes: dict[int, str],
                   decisions: dict[int, str], new_decisions: dict[int, str], mark_held: bool,
                   members: list[int]) -> None:
    """Saves attendance, minutes and decisions together, and marks the meeting held if asked.

    attendance: {user id: status} (a missing or empty status is left as it was);
    minutes: {item id: text}; decisions: {decision id: text} (empty text removes the decision);
    new_decisions: {item id: text} (empty text adds nothing); members: the user ids whose
    attendance must be known before the meeting can be marked held.
    Everything is saved in one transaction: if any part fails, nothing is saved.
    """
    if meeting.status == "cancelled":
        raise CommitteeRuleError(_("A cancelled meeting has no minutes."))
    if mark_held and to_local(meeting.starts_at).date() > local_today():
        raise CommitteeRuleError(_("This meeting has not taken place yet: it can be marked as held from its day on."))
    if mark_held and any(not attendance.get(user_id) for user_id in members):
        raise CommitteeRuleError(_("Mark everyone's attendance before marking the meeting as held."))
    items = {item.id: item for item in meeting.items}
    known = {decision.id: decision for item in items.values() for decision in item.decisions}
    if not set(minutes) | set(new_decisions) <= set(items) or not set(decisions) <= set(known):
        raise CommitteeRuleError(_("The agenda changed while you were writing. Reload the page."))
    try:
        current = {row.user_id: row for row in meeting.attendance}
        for user_id, status in attendance.items():
            if not status:
                continue
            row = current.get(user_id)
            if row is None:
                meeting.attendance.append(Attendance(user_id=user_id, status=status))
                audit.record("attendance", meeting, after={"user_id": user_id, "status": status})
            elif row.status != status:
                audit.record("attendance", meeting, before={"user_id": user_id, "status": row.status},
                             after={"user_id": user_id, "status": status})
                row.status = status
        for item_id, text in minutes.items():
            _update(items[item_id], "minutes", minutes=text.strip())
        for decision_id, text in decisions.items():
            decision = known[decision_id]
            if not text.strip():
                audit.record("delete", decision, before=audit.snapshot(decision))
                decision.item.decisions.remove(decision)
            else:
                _update(decision, text=text.strip())
        for item_id, text in new_decisions.items():
            if text.strip():
                decision = Decision(item=items[item_id], text=text.strip(), created_by_id=actor.id)
                _create(decision)
        if mark_held and meeting.status == "planned":
            _update(meeting, "held", status="held", held_at=utcnow())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
