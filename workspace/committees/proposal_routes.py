"""Proposed agenda items: any member proposes, the chair or secretary accepts or declines."""
from typing import NamedTuple

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import Select, bindparam, case, select

from workspace import access, origins
from workspace.clock import utcnow
from workspace.committees import bp, reports, services
from workspace.committees.forms import AcceptForm, DeclineForm, ProposalForm
from workspace.committees.loaders import get_committee_or_404, get_proposal_or_404
from workspace.extensions import db
from workspace.i18n import gettext as _
from workspace.labels import translated
from workspace.models import ITEM_KINDS, ITEM_STATUSES, AgendaItem, Committee, Meeting, User
from workspace.pages import paginate_built, render_form

PROPOSALS_PER_PAGE = 20


# The next planned meetings a proposal can be put on: id and title (built once).
PLANNED_MEETINGS = (select(Meeting.id, Meeting.title).where(
    Meeting.committee_id == bindparam("committee"), Meeting.status == "planned", Meeting.starts_at >= bindparam("now"))
    .order_by(Meeting.starts_at).limit(20))


def planned_meetings(committee) -> list:
    return reports.read(PLANNED_MEETINGS, {"committee": committee.id, "now": utcnow()}).all()


_planned = PLANNED_MEETINGS.add_columns(Meeting.committee_id, Meeting.starts_at).subquery()
# The committee's id and name with its next planned meetings (none: one row without a meeting), in one query.
COMMITTEE_AND_PLANNED = (
    select(Committee.id, Committee.name, _planned.c.id.label("meeting_id"), _planned.c.title.label("meeting_title"))
    .outerjoin(_planned, _planned.c.committee_id == Committee.id).where(Committee.id == bindparam("committee"))
    .order_by(_planned.c.starts_at))


def committee_and_planned_or_404(committee_id: int):
    """As committee_row_or_404() (need "see"), with planned_meetings()."""
    if not access.can_see_committee(current_user, committee_id):
        abort(404)
    rows = reports.read(COMMITTEE_AND_PLANNED, {"committee": committee_id, "now": utcnow()}).all()
    if not rows:
        abort(404)
    return rows[0], [Planned(row.meeting_id, row.meeting_title) for row in rows if row.meeting_id is not None]


class Planned(NamedTuple):
    id: int
    title: str


# Waiting proposals first, then the newest.
PROPOSAL_ORDER = (case((AgendaItem.status == "proposed", 0), else_=1), AgendaItem.created_at.desc(), AgendaItem.id.desc())


# What a proposal shows, with who proposed it and its meeting's title (built once; a page adds its ids).
PROPOSAL_ROWS = (
    select(AgendaItem.id, AgendaItem.title, AgendaItem.status, AgendaItem.kind, AgendaItem.minutes_allotted,
           AgendaItem.origin_type, AgendaItem.origin_id, AgendaItem.description, AgendaItem.decline_reason,
           AgendaItem.created_at, AgendaItem.meeting_id, User.name.label("proposer"), Meeting.title.label("meeting_title"))
    .outerjoin(User, User.id == AgendaItem.proposed_by_id).outerjoin(Meeting, Meeting.id == AgendaItem.meeting_id)
    .order_by(*PROPOSAL_ORDER))


def _with_proposer_and_meeting(page_ids) -> Select:
    """The page's proposals as rows, their people and meetings joined for these rows only."""
    return PROPOSAL_ROWS.where(AgendaItem.id.in_(select(page_ids.c.id)))


# A committee's proposals, waiting first (built once).
PROPOSALS_LISTED = (
    select(AgendaItem.id).where(AgendaItem.committee_id == bindparam("committee"),
                                AgendaItem.proposed_by_id.is_not(None) | AgendaItem.origin_type.is_not(None))
    .order_by(*PROPOSAL_ORDER))


@bp.route("/committees/<int:committee_id>/proposals")
@login_required
def proposals(committee_id: int):
    committee, meetings = committee_and_planned_or_404(committee_id)
    page = paginate_built(PROPOSALS_LISTED, {"committee": committee.id}, PROPOSALS_PER_PAGE, _with_proposer_and_meeting)
    can_run = access.can_run_committee(current_user, committee)
    return render_template(
        "committees/proposals.html", committee=committee, page=page, meetings=meetings,
        # Only the chair and secretary see the forms (their labels).
        accept_form=AcceptForm(meetings=meetings) if can_run else None,
        decline_form=DeclineForm(formdata=None) if can_run else None,
        origins=origins.describe_many(((i.origin_type, i.origin_id) for i in page.items), current_user),
        can_run=can_run, item_statuses=translated(ITEM_STATUSES),
        item_kinds=translated(ITEM_KINDS),
        # Sentences each proposal fills in: translated once, filled per proposal.
        words={"minutes": _("%(minutes)s min"), "proposed_by": _("Proposed by %(name)s")})


@bp.route("/committees/<int:committee_id>/proposals/new", methods=["GET", "POST"])
@login_required
def propose(committee_id: int):
    committee = get_committee_or_404(committee_id, need="propose")
    form = ProposalForm()
    if form.validate_on_submit():
        services.propose_item(committee, current_user, **form.item_fields())
        flash(_("Your proposal is with the chair and secretary. You will see here what they decide."), "success")
        return redirect(url_for("committees.proposals", committee_id=committee.id))
    return render_form("committees/proposal_form.html", form, committee=committee)


@bp.route("/committees/<int:committee_id>/proposals/<int:item_id>/accept", methods=["POST"])
@login_required
def accept_proposal(committee_id: int, item_id: int):
    committee = get_committee_or_404(committee_id, need="run")
    item = get_proposal_or_404(committee, item_id)
    meetings = planned_meetings(committee)
    form = AcceptForm(meetings=meetings)
    if not meetings:
        flash(_("Schedule a meeting first: there is no planned meeting to put it on."), "error")
    elif form.validate_on_submit():
        try:
            services.accept_proposal(item, db.session.get(Meeting, form.meeting_id.data))
            flash(_("“%(title)s” is on the agenda.", title=item.title), "success")
            return redirect(url_for("committees.meeting", meeting_id=item.meeting_id, _anchor=f"item-{item.id}"))
        except services.CommitteeRuleError as error:
            flash(str(error), "error")
    else:
        flash(_("Choose a planned meeting."), "error")
    return redirect(url_for("committees.proposals", committee_id=committee.id, _anchor=f"item-{item.id}"))


@bp.route("/committees/<int:committee_id>/proposals/<int:item_id>/decline", methods=["POST"])
@login_required
def decline_proposal(committee_id: int, item_id: int):
    committee = get_committee_or_404(committee_id, need="run")
    item = get_proposal_or_404(committee, item_id)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            services.decline_proposal(item, form.reason.data)
            flash(_("Declined. %(name)s will see your reason.", name=item.proposed_by.name if item.proposed_by
                    else _("The proposer")), "success")
        except services.CommitteeRuleError as error:
            flash(str(error), "error")
        return redirect(url_for("committees.proposals", committee_id=committee.id, _anchor=f"item-{item.id}"))
    flash(_("Give a reason for declining: the person who proposed it will see it."), "error")
    return redirect(url_for("committees.proposals", committee_id=committee.id, _anchor=f"item-{item.id}")), 302
