"""Handling cases: staff intake, the list by what is due soonest, one case's page (states, notes,
assignment, the response, an action), the committee's view of patterns, and answer times."""
from datetime import timedelta
from functools import cache

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from workspace import access, edits
from workspace.actions import services as action_services
from workspace.actions.forms import ActionForm
from workspace.admin import bp as admin_bp
from workspace.clock import to_local, utcnow
from workspace.committees.loaders import get_committee_or_404
from workspace.extensions import db
from workspace.feedback import bp, figures, services
from workspace.feedback import public_routes
from workspace.feedback.public_routes import linked_actions
from workspace.feedback.forms import AssignForm, MoveForm, ResponseForm, StaffCaseForm, answer_times_form
from workspace.feedback.timing import answer_times, standing, standing_labels, translated
from workspace.forms import EmptyForm, choices
from workspace.i18n import gettext as _
from workspace.inputs import whole_number
from workspace.links import url_pattern
from workspace.models import (
    CASE_STATUSES, CATEGORIES, CHANNELS, NEXT_STATUSES, ActionPlan, Area, CaseNote, Committee, FeedbackCase,
    Organization, User,
)
from workspace.pages import render_form
from workspace.pickers import person_label


@bp.route("/cases")
@login_required
def cases():
    """The cases someone handles (all, for administrators), what is due soonest first."""
    if not (access.is_admin(current_user) or access.can_record_cases(current_user)):
        abort(403)
    query = case_rows().where(access.visible_cases(current_user))
    status = request.args.get("status", "open")
    if status == "open":
        query = query.where(figures.OPEN)
    elif status in CASE_STATUSES:
        query = query.where(FeedbackCase.status == status)
    if request.args.get("unassigned") and access.is_admin(current_user):
        query = query.where(FeedbackCase.assigned_organization_id.is_(None))
    # Cases with no deadline (resolved, closed) last: the order of the indexes on due_at.
    query = query.order_by(FeedbackCase.due_at.asc().nulls_last(), FeedbackCase.received_at.desc())
    page = figures.offset_window(query, figures.page_size(),
                                 request.args.get("page", 1, type=whole_number))
    times, now, labels = answer_times(), utcnow(), standing_labels()
    return render_template("feedback/cases.html", page=page, status=status, statuses=translated(CASE_STATUSES),
                           kinds=translated(CATEGORIES), standings={c.id: standing(c, now, times, labels)
                                                                    for c in page.items},
                           dates=figures.local_dates(c.received_at for c in page.items),
                           case_url=url_pattern("feedback.case", "case_id"))


@cache
def case_rows() -> Select:
    """The columns a row of the case list shows, not whole records: built once (building the
    statement costs more than running it); each request adds its filters to a copy."""
    return (select(FeedbackCase.id, FeedbackCase.code, FeedbackCase.category, FeedbackCase.status,
                   FeedbackCase.received_at, FeedbackCase.resolved_at, FeedbackCase.escalation_level,
                   Area.name.label("area_name"),
                   Organization.name.label("organization_name"), User.name.label("user_name"))
            .outerjoin(Area, Area.id == FeedbackCase.area_id)
            .outerjoin(Organization, Organization.id == FeedbackCase.assigned_organization_id)
            .outerjoin(User, User.id == FeedbackCase.assigned_user_id))


@bp.route("/cases/new", methods=["GET", "POST"])
@login_required
def new_case():
    if not access.can_record_cases(current_user):
        abort(403)
    form = StaffCaseForm()
    if form.validate_on_submit():
        case = services.create_case(recorded_by=current_user, **form.case_fields())
        if not access.can_handle_case(current_user, case):  # the rules gave it to another organisation
            flash(_("Case %(code)s recorded and passed to %(organization)s, who handle such cases there. Give "
                    "the person this code to follow it.", code=case.code,
                    organization=case.assigned_organization.name), "success")
            return redirect(url_for("feedback.new_case"))
        flash(_("Case %(code)s recorded. Give the person this code to follow it.", code=case.code), "success")
        return redirect(url_for("feedback.case", case_id=case.id))
    return render_form("feedback/new_case.html", form)


# A case's page and its forms read the case with whom it names, and its history as the columns
# shown with each note's author: statements built once (building one costs more than running it).
@cache
def _case_statement() -> Select:
    return select(FeedbackCase).where(FeedbackCase.id == bindparam("case")).options(
        joinedload(FeedbackCase.area), joinedload(FeedbackCase.assigned_organization),
        joinedload(FeedbackCase.assigned_user).joinedload(User.organization))


@cache
def _notes_statement() -> Select:
    return (select(CaseNote.created_at, CaseNote.from_status, CaseNote.to_status, CaseNote.text,
                   User.name.label("author_name")).outerjoin(User, User.id == CaseNote.author_id)
            .where(CaseNote.case_id == bindparam("case")).order_by(CaseNote.id.desc()))


def get_case_or_404(case_id: int) -> FeedbackCase:
    case = db.session.scalar(_case_statement(), {"case": case_id})
    if case is None or not access.can_handle_case(current_user, case):
        abort(404)  # not even whether it exists
    return case


def case_page(case: FeedbackCase, status: int = 200, **forms):
    move_form = forms.get("move_form") or MoveForm(formdata=None)
    move_form.to_status.choices = choices((s, CASE_STATUSES[s]) for s in NEXT_STATUSES[case.status])
    assign_form = forms.get("assign_form") or AssignForm(formdata=None, data={
        "organization_id": case.assigned_organization_id, "user_id": case.assigned_user_id})
    response_form = forms.get("response_form") or ResponseForm(formdata=None, obj=case)
    for form in (move_form, assign_form, response_form):
        form.stamp(case)
    # Who handles the case is read with it: its pickers do not read their labels again. (Only an
    # active person is offered by the people picker, so an inactive one is left to it.)
    if case.assigned_organization is not None:
        assign_form.organization_id.known = {case.assigned_organization_id: case.assigned_organization.name}
    if case.assigned_user is not None and case.assigned_user.active:
        assign_form.user_id.known = {case.assigned_user_id: person_label(case.assigned_user)}
    # Each note's author named in the same query, not loaded one note at a time; statuses
    # translated once.
    notes = db.session.execute(_notes_statement(), {"case": case.id}).all()
    appealed, appeal_of = public_routes.appeal_codes(case)
    return render_template("feedback/case.html", case=case, move_form=move_form, assign_form=assign_form,
                           appealed=appealed, appeal_of=appeal_of,
                           response_form=response_form, standing=standing(case, utcnow(), answer_times()),
                           actions=linked_actions(case), notes=notes, channels=CHANNELS,
                           statuses=translated(CASE_STATUSES)), status


@bp.route("/cases/<int:case_id>")
@login_required
def case(case_id: int):
    return case_page(get_case_or_404(case_id))


@bp.route("/cases/<int:case_id>/status", methods=["POST"])
@login_required
def move_case(case_id: int):
    case = get_case_or_404(case_id)
    form = MoveForm()
    form.to_status.choices = choices((s, CASE_STATUSES[s]) for s in NEXT_STATUSES[case.status])
    if form.validate_on_submit():
        try:
            services.move(case, current_user, form.stated(), form.to_status.data, form.note.data or "")
        except services.CaseRuleError as error:
            form.to_status.errors.append(str(error))
        else:
            flash(_("The case is now %(status)s.", status=case.status_label.lower()), "success")
            return redirect(url_for("feedback.case", case_id=case.id))
    return case_page(case, 422, move_form=form)


@bp.route("/cases/<int:case_id>/assign", methods=["POST"])
@login_required
def assign_case(case_id: int):
    case = get_case_or_404(case_id)
    form = AssignForm()
    if form.validate_on_submit():
        try:
            services.assign(case, current_user, form.stated(), form.organization_id.data,
                            db.session.get(User, form.user_id.data) if form.user_id.data else None, form.labels())
        except services.CaseRuleError as error:
            form.user_id.errors.append(str(error))
        else:
            flash(_("Assigned."), "success")
            # The new organisation handles it now; the one that passed it on may no longer see it.
            if access.can_handle_case(current_user, case):
                return redirect(url_for("feedback.case", case_id=case.id))
            return redirect(url_for("feedback.cases"))
    return case_page(case, 422, assign_form=form)


@bp.route("/cases/<int:case_id>/response", methods=["POST"])
@login_required
def respond_case(case_id: int):
    case = get_case_or_404(case_id)
    form = ResponseForm()
    if form.validate_on_submit():
        try:
            services.respond(case, form.stated(), form.response.data or "", bool(form.publishable.data),
                             form.public_summary.data or "", form.labels(), outcome=form.outcome.data)
        except services.CaseRuleError as error:
            form.public_summary.errors.append(str(error))
        else:
            flash(_("Response saved."), "success")
            return redirect(url_for("feedback.case", case_id=case.id))
    return case_page(case, 422, response_form=form)


def managed_plans() -> list[ActionPlan]:
    plans = db.session.scalars(select(ActionPlan).options(joinedload(ActionPlan.committee)).where(
        ActionPlan.committee_id.in_(list(access.committee_roles(current_user)))
        | (ActionPlan.organization_id == current_user.organization_id)).order_by(ActionPlan.title)).all()
    return [p for p in plans if access.can_manage_plan(current_user, p)]


@bp.route("/cases/<int:case_id>/action", methods=["GET", "POST"])
@login_required
def case_action(case_id: int):
    """A case becomes an action directly, in a plan the handler manages."""
    case = get_case_or_404(case_id)
    plans = managed_plans()
    form = ActionForm()
    form_plan = request.form.get("plan_id", type=whole_number) if request.method == "POST" else None
    if not form.is_submitted():
        form.title.data = _("Follow up case %(code)s", code=case.code)
        form.description.data = case.public_summary or case.description[:500]
        form.start_date.data = to_local(utcnow()).date()
        form.due_date.data = to_local(utcnow()).date() + timedelta(days=14)
        if case.assigned_organization_id:
            form.responsible_organization_id.data = case.assigned_organization_id
    if not plans:
        flash(_("You manage no action plan to put it in: a committee's chair or secretary, or a group, has one."),
              "error")
        return redirect(url_for("feedback.case", case_id=case.id))
    plan = next((p for p in plans if p.id == form_plan), None)
    if form.validate_on_submit():
        if plan is None:
            form.form_errors.append(_("Choose one of your action plans."))
        else:
            supporters = list(db.session.scalars(select(Organization).where(
                Organization.id.in_(form.supporter_ids.data or []))))
            try:
                action = action_services.create_action(plan, supporters=supporters, origin=("feedback_case", case.id),
                                                       **form.action_fields())
            except action_services.ActionRuleError as error:
                form.focal_person_id.errors.append(str(error))
            else:
                flash(_("Action created from case %(code)s.", code=case.code), "success")
                return redirect(url_for("actions.action", action_id=action.id))
    return render_form("feedback/case_action.html", form, case=case, plans=plans, chosen=form_plan)


# --- Patterns, for the committee ------------------------------------------------------------------

@bp.route("/committees/<int:committee_id>/feedback")
@login_required
def patterns(committee_id: int):
    """Counts of cases by category and month in the committee's area, and clusters worth raising.
    Counts only: no case's words or people reach the committee this way."""
    committee = get_committee_or_404(committee_id, options=(joinedload(Committee.area),))
    return render_template("feedback/patterns.html", committee=committee, patterns=figures.patterns(committee.area),
                           categories=translated(CATEGORIES), can_raise=access.can_propose_item(current_user, committee))


@bp.route("/committees/<int:committee_id>/feedback/raise", methods=["POST"])
@login_required
def raise_cluster(committee_id: int):
    committee = get_committee_or_404(committee_id, need="propose")
    if EmptyForm().validate_on_submit():
        category, programme, month = (request.form.get("category", ""), request.form.get("programme", ""),
                                      request.form.get("month", ""))
        ids = figures.cluster_case_ids(committee.area, category, programme, month) \
            if category in CATEGORIES and month in figures.pattern_months() else []
        if len(ids) < current_app.config["CLUSTER_SIZE"]:
            flash(_("These cases are no longer a cluster worth raising."), "error")
        else:
            services.raise_cluster(committee, current_user, category, programme, month, ids)
            flash(_("Proposed for the committee's next meeting."), "success")
    return redirect(url_for("feedback.patterns", committee_id=committee.id))


# --- Answer times, for administrators --------------------------------------------------------------

@admin_bp.route("/answer-times", methods=["GET", "POST"])
@access.admin_required
def answer_times_page():
    times = answer_times()
    form = answer_times_form(times, formdata=request.form if request.method == "POST" else None)
    if request.method == "POST":
        if form.validate_on_submit():
            stated = {c: edits.Stated.parse(form[f"{c}_version"].data) for c in times}
            services.set_answer_times({c: (form[f"{c}_hours"].data, form[f"{c}_days"].data) for c in times},
                                      {c: found for c, found in stated.items() if found.version is not None})
            flash(_("Answer times saved; open cases' deadlines follow them."), "success")
            return redirect(url_for("admin.answer_times_page"))
        return render_template("feedback/answer_times.html", form=form, categories=CATEGORIES), 422
    return render_template("feedback/answer_times.html", form=form, categories=CATEGORIES)
