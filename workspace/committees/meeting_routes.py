"""Meetings: scheduling, the agenda and its order, recording what happened, print and calendar."""
from datetime import timedelta
from functools import cache

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from workspace import access, origins
from workspace.clock import to_local, utcnow
from workspace.committees import bp, reports, services
from workspace.committees.calendar import calendar_response
from workspace.committees.forms import (
    AgendaItemEditForm, AgendaItemForm, CancelForm, MeetingEditForm, MeetingForm, MoveForm, record_form,
    recorded_values,
)
from workspace.committees.loaders import get_committee_or_404, get_item_or_404, get_meeting_or_404
from workspace.extensions import db
from workspace.forms import EmptyForm
from workspace.i18n import gettext as _
from workspace.labels import translated
from workspace.models import (
    ACTION_STATUSES, ATTENDANCE, ITEM_KINDS, MEETING_STATUSES, Action, AgendaItem, Attendance, Committee, Meeting,
    Membership, User,
)
from workspace.pages import render_form, render_page, wants_fragment


@bp.route("/committees/<int:committee_id>/meetings/new", methods=["GET", "POST"])
@login_required
def new_meeting(committee_id: int):
    committee = get_committee_or_404(committee_id, need="run")
    form = MeetingForm()
    if form.validate_on_submit():
        meeting = services.schedule_meeting(committee, **form.meeting_fields())
        flash(_("Meeting entered. Add the items it discussed, then record its attendance, minutes and decisions.")
              if meeting.recorded_afterwards else _("Meeting scheduled. Now build its agenda."), "success")
        return redirect(url_for("committees.meeting", meeting_id=meeting.id))
    return render_form("committees/meeting_form.html", form, committee=committee, meeting=None)


def load_meeting_page(meeting_id: int, need: str = "see", attendance: bool = False) -> tuple[Meeting, int]:
    """The meeting with its committee, agenda, decisions and who proposed each item, in one query
    with the number of the committee's voting members (and its attendance records, for recording
    them): a fixed number of queries."""
    row = db.session.execute(_meeting_statement(attendance), {"meeting": meeting_id}).unique().one_or_none()
    if row is None:
        abort(404)
    return get_meeting_or_404(row[0].id, need), row[1]


@cache
def _meeting_statement(attendance: bool):
    options = [joinedload(Meeting.committee).joinedload(Committee.parent).load_only(Committee.name),
               joinedload(Meeting.items).options(joinedload(AgendaItem.decisions),
                                                 joinedload(AgendaItem.proposed_by).load_only(User.name))]
    if attendance:
        options.append(selectinload(Meeting.attendance).joinedload(Attendance.user).joinedload(User.organization))
    return (select(Meeting, reports.voting_count(Meeting.committee_id))
            .where(Meeting.id == bindparam("meeting")).options(*options))


def agenda_clock(meeting: Meeting) -> list[tuple[AgendaItem, object]]:
    """Each item with its start time: the meeting's start plus the minutes allotted before it."""
    start = meeting.starts_at
    rows = []
    for item in meeting.items:
        rows.append((item, start))
        start = start + timedelta(minutes=item.minutes_allotted)
    return rows


# The actions made from a meeting's decisions, as rows of what the agenda shows (built once).
DECISION_ACTIONS = (select(Action.id, Action.title, Action.status, Action.origin_id)
                    .where(Action.origin_type == "decision",
                           Action.origin_id.in_(bindparam("decisions", expanding=True)))
                    .order_by(Action.id))


def meeting_context(meeting: Meeting, voting: int) -> dict:
    """What the meeting's pages show; `voting`: how many voting members its committee has."""
    clock = agenda_clock(meeting)
    attendance = reports.attendance_with_voting(meeting)
    decision_ids = [d.id for item in meeting.items for d in item.decisions]
    actions_by_decision: dict[int, list] = {}
    # Run even with no decisions: a fixed count.
    for action in reports.read(DECISION_ACTIONS, {"decisions": decision_ids}):
        actions_by_decision.setdefault(action.origin_id, []).append(action)
    committee = meeting.committee
    return {
        "actions_by_decision": actions_by_decision,
        "agenda_order": services.agenda_order(meeting),
        "meeting": meeting,
        "committee": committee,
        "agenda": clock,
        "ends_at": (clock[-1][1] + timedelta(minutes=clock[-1][0].minutes_allotted)) if clock else None,
        "attendance": attendance,
        "quorum": reports.quorum_of(committee, voting, attendance),
        "origins": origins.describe_many(((i.origin_type, i.origin_id) for i in meeting.items), current_user),
        "can_run": access.can_run_committee(current_user, committee),
        "has_parent": committee.parent_id is not None,
        "attendance_labels": translated(ATTENDANCE),
        "status_labels": translated(ACTION_STATUSES),
        "kind_labels": translated(ITEM_KINDS),
        "meeting_statuses": translated(MEETING_STATUSES),
        # Sentences each agenda item fills in: translated once, filled per item.
        "words": {"minutes": _("%(minutes)s min"), "proposed_by": _("Proposed by %(name)s")},
    }


@bp.route("/meetings/<int:meeting_id>")
@login_required
def meeting(meeting_id: int):
    context = meeting_context(*load_meeting_page(meeting_id))
    # The forms are made only for those who see them: the chair and secretary of a planned meeting.
    editable = context["can_run"] and context["meeting"].status == "planned"
    return render_template("committees/meeting.html", form=AgendaItemForm() if editable else None,
                           cancel_form=CancelForm() if editable else None, **context)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit_meeting(meeting_id: int):
    meeting = get_meeting_or_404(meeting_id, need="run")
    form = MeetingEditForm(meeting=meeting)
    form.stamp(meeting)
    if meeting.status != "planned":
        flash(_("Only a planned meeting can be rescheduled."), "error")
        return redirect(url_for("committees.meeting", meeting_id=meeting.id))
    if form.validate_on_submit():
        services.update_meeting(meeting, form.stated(), form.labels(), **form.meeting_fields())
        flash(_("Saved."), "success")
        return redirect(url_for("committees.meeting", meeting_id=meeting.id))
    return render_form("committees/meeting_form.html", form, committee=meeting.committee, meeting=meeting)


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["POST"])
@login_required
def cancel_meeting(meeting_id: int):
    meeting = get_meeting_or_404(meeting_id, need="run")
    form = CancelForm()
    if form.validate_on_submit():
        try:
            services.cancel_meeting(meeting, form.reason.data)
            flash(_("The meeting is cancelled."), "success")
        except services.CommitteeRuleError as error:
            flash(str(error), "error")
        return redirect(url_for("committees.meeting", meeting_id=meeting.id))
    return render_template("committees/meeting.html", form=AgendaItemForm(formdata=None), cancel_form=form,
                           **meeting_context(*load_meeting_page(meeting_id, need="run"))), 422


def agenda_response(meeting_id: int, form: AgendaItemForm | None = None, status: int = 200):
    """The agenda section (htmx) or the whole meeting page."""
    context = meeting_context(*load_meeting_page(meeting_id, need="run"))
    return render_page("committees/meeting.html", "committees/_agenda.html", status,
                       form=form or AgendaItemForm(formdata=None), cancel_form=CancelForm(formdata=None), **context)


@bp.route("/meetings/<int:meeting_id>/items", methods=["POST"])
@login_required
def add_item(meeting_id: int):
    meeting = get_meeting_or_404(meeting_id, need="run")
    form = AgendaItemForm()
    if form.validate_on_submit():
        try:
            item = services.add_item(meeting, **form.item_fields())
        except services.CommitteeRuleError as error:
            flash(str(error), "error")  # the form is gone from a held meeting's page: say it above
        else:
            flash(_("Added “%(title)s” to the agenda.", title=item.title), "success")
            if wants_fragment():
                return agenda_response(meeting.id)
            return redirect(url_for("committees.meeting", meeting_id=meeting.id, _anchor="agenda"))
    return agenda_response(meeting.id, form, 422)


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit_item(meeting_id: int, item_id: int):
    meeting = get_meeting_or_404(meeting_id, need="run")
    item = get_item_or_404(meeting, item_id)
    form = AgendaItemEditForm(obj=item)
    form.stamp(item)
    if form.validate_on_submit():
        try:
            services.update_item(item, form.stated(), form.labels(), **form.item_fields())
        except services.CommitteeRuleError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("committees.meeting", meeting_id=meeting.id, _anchor=f"item-{item.id}"))
    return render_form("committees/item_form.html", form, meeting=meeting, item=item)


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/move", methods=["POST"])
@login_required
def move_item(meeting_id: int, item_id: int):
    meeting = get_meeting_or_404(meeting_id, need="run")
    item = get_item_or_404(meeting, item_id)
    form = MoveForm()
    if not form.validate_on_submit():
        flash(_("Move an item up or down."), "error")
    else:
        try:
            services.move_item(meeting, item, form.direction.data, form.order.data)
        except services.CommitteeRuleError as error:
            flash(str(error), "error")
    if wants_fragment():
        return agenda_response(meeting.id)
    return redirect(url_for("committees.meeting", meeting_id=meeting.id, _anchor=f"item-{item.id}"))


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/remove", methods=["POST"])
@login_required
def remove_item(meeting_id: int, item_id: int):
    meeting = get_meeting_or_404(meeting_id, need="run")
    item = get_item_or_404(meeting, item_id)
    if EmptyForm().validate_on_submit():
        try:
            services.remove_item(item)
            flash(_("Took “%(title)s” off the agenda.", title=item.title), "success")
        except services.CommitteeRuleError as error:
            flash(str(error), "error")
    if wants_fragment():
        return agenda_response(meeting.id)
    return redirect(url_for("committees.meeting", meeting_id=meeting.id, _anchor="agenda"))


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/escalate", methods=["POST"])
@login_required
def escalate_item(meeting_id: int, item_id: int):
    meeting = get_meeting_or_404(meeting_id, need="run")
    item = get_item_or_404(meeting, item_id)
    if EmptyForm().validate_on_submit():
        try:
            raised = services.escalate_item(item, current_user)
            flash(_("Raised to %(name)s, where it waits for their chair or secretary.",
                    name=raised.committee.name), "success")
        except services.CommitteeRuleError as error:
            flash(str(error), "error")
    return redirect(url_for("committees.meeting", meeting_id=meeting.id, _anchor=f"item-{item.id}"))


def record_people(meeting: Meeting, memberships: list[Membership]) -> list[User]:
    """Today's members, and anyone recorded before who has left since."""
    people = {m.user_id: m.user for m in memberships}
    for row in meeting.attendance:
        people.setdefault(row.user_id, row.user)
    return sorted(people.values(), key=lambda user: user.name.lower())


@bp.route("/meetings/<int:meeting_id>/record", methods=["GET", "POST"])
@login_required
def record_meeting(meeting_id: int):
    meeting, voting = load_meeting_page(meeting_id, need="run", attendance=True)
    context = meeting_context(meeting, voting)
    memberships = db.session.scalars(
        select(Membership).where(Membership.committee_id == meeting.committee_id)
        .options(joinedload(Membership.user).joinedload(User.organization))).all()
    people = record_people(meeting, memberships)
    if meeting.status == "cancelled":
        flash(_("A cancelled meeting has no minutes."), "error")
        return redirect(url_for("committees.meeting", meeting_id=meeting.id))
    form = record_form(meeting, people, formdata=request.form if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                services.record_meeting(
                    meeting, current_user, mark_held="mark_held" in request.form,
                    members=[m.user_id for m in memberships], **recorded_values(form, meeting, people))
            except services.CommitteeRuleError as error:
                form.form_errors.append(str(error))
            else:
                flash(_("The meeting is recorded as held.") if meeting.status == "held" and "mark_held" in request.form
                      else _("Saved."), "success")
                return redirect(url_for("committees.meeting", meeting_id=meeting.id))
        status = 422
    return render_template("committees/record.html", form=form, people=people, **context), status


@bp.route("/meetings/<int:meeting_id>/print")
@login_required
def print_meeting(meeting_id: int):
    context = meeting_context(*load_meeting_page(meeting_id))
    by_status: dict[str, list] = {}  # the minutes list those present, then apologies, then absent
    for row in context["attendance"]:
        by_status.setdefault(row.status, []).append(row)
    return render_template("committees/print.html", now=utcnow(), attendance_by_status=by_status, **context)


@bp.route("/meetings/<int:meeting_id>/meeting.ics")
@login_required
def meeting_ics(meeting_id: int):
    meeting = load_meeting_page(meeting_id)[0]
    date = to_local(meeting.starts_at).date().isoformat()
    return calendar_response([meeting], meeting.committee.name, f"{meeting.committee.name} {date}.ics")
