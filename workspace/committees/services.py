"""Writes that touch several records: membership, scheduling, agendas, proposals, escalation,
and recording a meeting. Each is audited and committed whole, or not at all."""
from sqlalchemy import func, select

from workspace import access, audit, edits
from workspace.clock import local_today, to_local, utcnow
from workspace.extensions import db
from workspace.i18n import gettext as _
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
    _audit_change(record, action, before)


def _edit(record, stated: edits.Stated, labels: dict | None, action: str = "update", **changes):
    """An edit a person made from the version they saw: merged, audited."""
    before = audit.snapshot(record)
    edits.apply(record, stated, changes, labels)
    _audit_change(record, action, before)


def _audit_change(record, action: str, before: dict) -> None:
    after = audit.snapshot(record)
    if after != before:
        audit.record(action, record, before=before, after=after)


# --- The committee itself -------------------------------------------------------------------------

def update_committee(committee: Committee, stated: edits.Stated, labels: dict | None = None, **fields) -> None:
    _edit(committee, stated, labels, **fields)
    db.session.commit()


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


def change_role(membership: Membership, stated: edits.Stated, role: str) -> None:
    edits.check_unchanged(membership, stated)
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


def update_meeting(meeting: Meeting, stated: edits.Stated, labels: dict | None = None, **fields) -> None:
    if meeting.status != "planned":
        raise CommitteeRuleError(_("Only a planned meeting can be rescheduled."))
    _edit(meeting, stated, labels, **fields)
    db.session.commit()


def cancel_meeting(meeting: Meeting, reason: str) -> None:
    _lock(meeting)
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


def _lock(meeting: Meeting) -> None:
    """Agenda changes of one meeting take turns: each waits for the one before it to commit, then
    sees its result (PostgreSQL; SQLite lets one writer in at a time anyway)."""
    db.session.execute(select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())
    db.session.expire_all()  # read the meeting and its items again, as committed now


def agenda_order(meeting: Meeting) -> str:
    """The agenda's order as the page showed it: a move states it, so a move made from an old
    page is refused instead of moving the wrong item."""
    return ",".join(str(item.id) for item in meeting.items)


def _next_position(meeting: Meeting) -> int:
    return (db.session.scalar(select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)) or 0) + 1


def add_item(meeting: Meeting, **fields) -> AgendaItem:
    _lock(meeting)
    _require_planned(meeting)
    item = AgendaItem(committee_id=meeting.committee_id, meeting=meeting, status="accepted",
                      position=_next_position(meeting), **fields)
    _create(item)
    db.session.commit()
    return item


def update_item(item: AgendaItem, stated: edits.Stated, labels: dict | None = None, **fields) -> None:
    _require_planned(item.meeting)
    _edit(item, stated, labels, **fields)
    db.session.commit()


def move_item(meeting: Meeting, item: AgendaItem, direction: str, seen_order: str) -> None:
    """Moves an item one place up or down from the order the person saw; positions are
    renumbered 1..n on the way."""
    _lock(meeting)
    _require_planned(meeting)
    if seen_order != agenda_order(meeting):
        raise edits.EditConflict()
    items = list(meeting.items)
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
        before = [i.id for i in meeting.items]
        _renumber(items)
        audit.record("reorder_agenda", meeting, before={"order": before}, after={"order": [i.id for i in items]})
        db.session.commit()


def _renumber(items: list[AgendaItem]) -> None:
    """Positions 1..n in the given order. Positions are unique per meeting, so the items step
    aside to places of their own first (negative) and then take their new ones."""
    for position, each in enumerate(items, start=1):
        each.position = -position
    db.session.flush()
    for position, each in enumerate(items, start=1):
        each.position = position


def remove_item(item: AgendaItem) -> None:
    """Takes an item off the agenda: a proposed or raised item goes back to the proposals."""
    _lock(item.meeting)
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


class AlreadyWaiting(CommitteeRuleError):
    """What is raised is already before the committee: proposed, or on a planned meeting's agenda."""


def next_meeting(committee_id: int) -> Meeting | None:
    return db.session.scalar(select(Meeting).where(
        Meeting.committee_id == committee_id, Meeting.status == "planned", Meeting.starts_at >= utcnow())
        .order_by(Meeting.starts_at).limit(1))


def raise_item(committee: Committee, user: User, origin: tuple[str, int], **fields) -> AgendaItem:
    """The one way a record (an overdue action, an overlap of programmes) is raised to a committee:
    straight onto the next meeting's agenda when its chair or secretary raises it, otherwise as a
    proposal to them; refused while an earlier raising of the same record still waits."""
    origin_type, origin_id = origin
    waiting = db.session.scalar(select(AgendaItem).where(
        AgendaItem.origin_type == origin_type, AgendaItem.origin_id == origin_id,
        AgendaItem.committee_id == committee.id, AgendaItem.status != "declined")
        .order_by(AgendaItem.id.desc()).limit(1))
    if waiting is not None and (waiting.status == "proposed" or waiting.meeting.status == "planned"):
        raise AlreadyWaiting(_("This is already waiting for the committee."))
    meeting = next_meeting(committee.id)
    if meeting is not None and access.can_run_committee(user, committee.id):
        item = add_item(meeting, **fields)
        item.origin_type, item.origin_id = origin
        item.proposed_by = user
        db.session.commit()
        return item
    return propose_item(committee, user, origin=origin, **fields)


# A proposal's status moves once (proposed → accepted or declined): the status check, and the
# version the database checks on save, refuse a second decision made at the same moment.
def accept_proposal(item: AgendaItem, meeting: Meeting) -> None:
    _lock(meeting)
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
                   members: list[int], stated: dict[tuple[str, int], edits.Stated] | None = None) -> None:
    """Saves attendance, minutes and decisions together, and marks the meeting held if asked.

    attendance: {user id: status} (a missing or empty status is left as it was);
    minutes: {item id: text}; decisions: {decision id: text} (empty text removes the decision);
    new_decisions: {item id: text} (empty text adds nothing); members: the user ids whose
    attendance must be known before the meeting can be marked held; stated: for each saved record
    the form showed, {("item" | "decision" | "attendance", id): the version it was shown at}.
    Only what the person changed is written; where someone else changed the same thing meanwhile,
    EditConflict lists both and nothing is saved. Everything is saved in one transaction.
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
        plans, conflicts = [], []

        def plan(record, key: tuple[str, int], changes: dict, record_label: str, label: str) -> None:
            if stated is None:  # not from a form: written as given
                started = edits.Stated(record.version)
            else:  # a record the form did not show (added meanwhile) merges from "version 0": no merge
                started = stated.get(key, edits.Stated(0))
            to_write, found = edits.merge(record, started, changes, dict.fromkeys(changes, label), record_label)
            conflicts.extend(found)
            if to_write:
                plans.append((record, to_write))

        current = {row.user_id: row for row in meeting.attendance}
        names = {row.user_id: row.user.name for row in meeting.attendance if row.user}
        for user_id, status in attendance.items():
            row = current.get(user_id)
            if status and row is not None:  # attendance is stated per person
                plan(row, ("attendance", user_id), {"status": status}, names.get(user_id, ""), _("Attendance"))
        for item_id, text in minutes.items():
            plan(items[item_id], ("item", item_id), {"minutes": text.strip()}, items[item_id].title, _("Minutes"))
        for decision_id, text in decisions.items():
            decision = known[decision_id]
            plan(decision, ("decision", decision_id), {"text": text.strip()}, decision.item.title, _("Decision"))
        if conflicts:
            raise edits.EditConflict(conflicts)

        for user_id, status in attendance.items():
            if status and user_id not in current:
                meeting.attendance.append(Attendance(user_id=user_id, status=status))
                audit.record("attendance", meeting, after={"user_id": user_id, "status": status})
        for record, to_write in plans:
            if isinstance(record, Attendance):
                audit.record("attendance", meeting, before={"user_id": record.user_id, "status": record.status},
                             after={"user_id": record.user_id, "status": to_write["status"]})
                record.status = to_write["status"]
            elif isinstance(record, Decision) and not to_write["text"]:
                audit.record("delete", record, before=audit.snapshot(record))
                record.item.decisions.remove(record)
            else:
                _update(record, "minutes" if isinstance(record, AgendaItem) else "update", **to_write)
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
