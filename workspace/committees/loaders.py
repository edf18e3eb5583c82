"""Load a committee's records for the current user, or stop: 404 for anyone outside the
committee (they learn nothing, not even that it exists), 403 for a member without the right."""
from flask import abort
from flask_login import current_user
from sqlalchemy import bindparam, select

from workspace import access
from workspace.extensions import db
from workspace.models import AgendaItem, Committee, Meeting
from workspace.pages import read

NEEDS = {
    "see": access.can_see_committee,
    "propose": access.can_propose_item,
    "run": access.can_run_committee,
    "manage": access.can_manage_committee,
}


def check(committee: Committee, need: str) -> None:
    if not access.can_see_committee(current_user, committee):
        abort(404)
    if not NEEDS[need](current_user, committee):
        abort(403)


def get_committee_or_404(committee_id: int, need: str = "see", options=()) -> Committee:
    """options: loader options for what the page shows with it (its area, its parent)."""
    committee = db.get_or_404(Committee, committee_id, options=options)
    check(committee, need)
    return committee


COMMITTEE_NAME = select(Committee.id, Committee.name).where(Committee.id == bindparam("committee"))


def committee_row_or_404(committee_id: int, need: str = "see"):
    """The committee's id and name (a row), for pages that show no more of it, with the answers
    of get_committee_or_404(): the rule that hides it needs only its id, so outsiders cost no read."""
    if not access.can_see_committee(current_user, committee_id):
        abort(404)
    committee = read(COMMITTEE_NAME, {"committee": committee_id}).one_or_none()
    if committee is None:
        abort(404)
    if not NEEDS[need](current_user, committee):
        abort(403)
    return committee


def get_meeting_or_404(meeting_id: int, need: str = "see") -> Meeting:
    meeting = db.get_or_404(Meeting, meeting_id)
    check(meeting.committee, need)
    return meeting


def get_item_or_404(meeting: Meeting, item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        abort(404)
    return item


def get_proposal_or_404(committee: Committee, item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.committee_id != committee.id:
        abort(404)
    return item
