"""Action lists (mine, my organisation's, everything I may see), the timeline, exports, and one
action's page: its log, updates, edits without lost updates, raising it to the agenda."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from workspace import access, origins
from workspace.actions import bp, exports, services, timeline
from workspace.actions.forms import ActionEditForm, UpdateForm
from workspace.actions.queries import ActionFilters, find_actions
from workspace.clock import local_today
from workspace.extensions import db
from workspace.formatting import as_date
from workspace.forms import EmptyForm
from workspace.i18n import gettext as _
from workspace.models import (
    ACTION_STATUSES, Action, ActionPlan, ActionUpdate, Decision, Organization,
)
from workspace.pages import render_form
from workspace.pickers import Picker, search_term, searching

TIMELINE_PER_PAGE = 40


class DateTexts(dict):
    """Dates as the date filter writes them, each worked out once a page: the rows of a list share
    few dates (fifty actions in due order fall on two or three days), and each use of the filter
    looks the reader's locale up again."""

    def __missing__(self, day):
        text = self[day] = as_date(day)
        return text


def filter_choices(filters: ActionFilters) -> dict:
    """The filter menus: statuses, and pickers of committees, organisations and areas (a list of
    every one of them would be most of the page at national scale)."""
    def picker(kind: str, name: str, chosen: int | None, blank: str) -> Picker:
        return Picker(kind, name, [chosen] if chosen else [], search_term(name), blank)

    return {
        "statuses": {"open": _("Open (not done or cancelled)"), **ACTION_STATUSES},
        "committees": picker("committees", "committee", filters.committee, _("Any committee")),
        "organizations": picker("organizations", "organization", filters.organization, _("Any organisation")),
        "areas": picker("areas", "area", filters.area, _("Anywhere")),
        # A search typed in a picker keeps the filters open, to choose from what it found.
        "searching": searching(),
    }


def listing(template: str, per_page: int):
    filters = ActionFilters.from_args(request.args)
    today = local_today()
    page = find_actions(current_user, filters, today, per_page)
    drawn = timeline.build(page.items, today) if template == "actions/timeline.html" else None
    return render_template(template, page=page, filters=filters, today=today, timeline=drawn,
                           date_texts=DateTexts(), **filter_choices(filters))


@bp.route("/actions")
@login_required
def actions():
    return listing("actions/list.html", current_app.config["PER_PAGE"])


@bp.route("/actions/timeline")
@login_required
def action_timeline():
    return listing("actions/timeline.html", TIMELINE_PER_PAGE)


@bp.route("/actions/export.<any(csv, xlsx):fmt>")
@login_required
def export_actions(fmt: str):
    filters = ActionFilters.from_args(request.args)
    today = local_today()
    name = f"actions-{today.isoformat()}"
    return (exports.csv_response if fmt == "csv" else exports.xlsx_response)(current_user, filters, today, name)


def get_action_or_404(action_id: int, need: str = "see") -> Action:
    action = db.session.scalar(select(Action).where(Action.id == action_id).options(
        joinedload(Action.plan).joinedload(ActionPlan.committee), joinedload(Action.responsible_organization),
        joinedload(Action.focal_person)))
    if action is None or not access.can_see_action(current_user, action):
        abort(404)
    if need == "update" and not access.can_update_action(current_user, action):
        abort(403)
    return action


def action_page(action: Action, update_form: UpdateForm | None = None, status: int = 200):
    updates = db.session.scalars(select(ActionUpdate).where(ActionUpdate.action_id == action.id)
                                 .options(joinedload(ActionUpdate.author)).order_by(ActionUpdate.id.desc())
                                 .limit(200)).all()
    if update_form is None:
        update_form = UpdateForm(formdata=None, data={"status": action.status, "progress": action.progress})
        update_form.stamp(action)
    origin = origins.describe_many([(action.origin_type, action.origin_id)], current_user)
    # A decision taken on a raised item: name what the item was raised from, too (an indicator,
    # another action, another committee's item), so the action links back to where it began.
    source = None
    if action.origin_type == "decision":
        decision = db.session.get(Decision, action.origin_id)
        item = decision.item if decision else None
        if item is not None and item.origin_type:
            source = origins.describe_many([(item.origin_type, item.origin_id)], current_user).get(
                (item.origin_type, item.origin_id))
    today = local_today()
    return render_template(
        "actions/action.html", action=action, updates=updates, form=update_form, today=today, statuses=ACTION_STATUSES,
        origin=origin.get((action.origin_type, action.origin_id)), source=source,
        can_raise=action.plan.committee_id is not None and access.can_see_committee(current_user, action.plan.committee_id)
        and (action.status == "blocked" or action.is_overdue(today))), status


@bp.route("/actions/<int:action_id>")
@login_required
def action(action_id: int):
    return action_page(get_action_or_404(action_id))


@bp.route("/actions/<int:action_id>/updates", methods=["POST"])
@login_required
def post_update(action_id: int):
    action = get_action_or_404(action_id, need="update")
    form = UpdateForm()
    if form.validate_on_submit():
        try:
            services.post_update(action, current_user, form.stated(), **form.update_fields())
        except services.ActionRuleError as error:
            form.text.errors.append(str(error))
        else:
            flash(_("Update posted."), "success")
            return redirect(url_for("actions.action", action_id=action.id))
    return action_page(action, form, 422)


@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
@login_required
def edit_action(action_id: int):
    action = get_action_or_404(action_id, need="update")
    form = ActionEditForm(obj=action)
    form.stamp(action)
    if not form.is_submitted():
        form.supporter_ids.data = [o.id for o in action.supporters]
    if form.validate_on_submit():
        supporters = list(db.session.scalars(select(Organization).where(Organization.id.in_(form.supporter_ids.data))))
        try:
            services.update_action(action, form.stated(), form.labels(), supporters=supporters,
                                   **form.action_fields())
        except services.ActionRuleError as error:
            form.focal_person_id.errors.append(str(error))
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("actions.action", action_id=action.id))
    return render_form("actions/action_form.html", form, action=action, plan=action.plan)


@bp.route("/actions/<int:action_id>/raise", methods=["POST"])
@login_required
def raise_action(action_id: int):
    action = get_action_or_404(action_id)
    if action.plan.committee_id is None or not access.can_propose_item(current_user, action.plan.committee_id):
        abort(403)
    if EmptyForm().validate_on_submit():
        try:
            item = services.raise_to_agenda(action, current_user)
        except services.ActionRuleError as error:
            flash(str(error), "error")
        else:
            if item.meeting_id:
                flash(_("On the agenda of %(meeting)s.", meeting=item.meeting.title), "success")
                return redirect(url_for("committees.meeting", meeting_id=item.meeting_id, _anchor=f"item-{item.id}"))
            flash(_("Proposed to the committee's chair and secretary for the next meeting."), "success")
    return redirect(url_for("actions.action", action_id=action.id))
