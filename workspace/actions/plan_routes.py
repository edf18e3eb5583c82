"""Action plans: a committee's or a community group's, their actions, and actions made from a
meeting's decision in one step."""
from functools import cache

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import joinedload

from workspace import access
from workspace.actions import bp, services
from workspace.actions.forms import ActionForm, DecisionActionForm, PlanEditForm, PlanForm
from workspace.actions.queries import ActionFilters, find_actions
from workspace.actions import timeline
from workspace.actions.routes import DateTexts
from workspace.clock import local_today
from workspace.committees.loaders import get_committee_or_404
from workspace.extensions import db
from workspace.i18n import gettext as _
from workspace.models import ActionPlan, AgendaItem, Committee, Decision, Organization
from workspace.pages import paginate_built, render_form


@cache  # built once: building the statement with its loader options costs more than running it
def _plan_with_owner():
    return select(ActionPlan).where(ActionPlan.id == bindparam("plan_id")).options(
        joinedload(ActionPlan.committee), joinedload(ActionPlan.organization))


def get_plan_or_404(plan_id: int, need: str = "see") -> ActionPlan:
    plan = db.session.scalar(_plan_with_owner(), {"plan_id": plan_id})
    if plan is None or not access.can_see_plan(current_user, plan):
        abort(404)
    if need == "manage" and not access.can_manage_plan(current_user, plan):
        abort(403)
    return plan


def _supporters(form) -> list[Organization]:
    return list(db.session.scalars(select(Organization).where(Organization.id.in_(form.supporter_ids.data or []))))


@bp.route("/committees/<int:committee_id>/plans/new", methods=["GET", "POST"])
@login_required
def new_committee_plan(committee_id: int):
    committee = get_committee_or_404(committee_id, need="run")
    return start_plan(committee.name, committee=committee)


@bp.route("/groups/<int:organization_id>/plans/new", methods=["GET", "POST"])
@login_required
def new_group_plan(organization_id: int):
    group = db.get_or_404(Organization, organization_id)
    if not access.can_create_group_plan(current_user, group):
        abort(404 if not access.same_organization(current_user, group.id) else 403)
    return start_plan(group.name, organization=group)


def start_plan(owner_name: str, **owner):
    """The new-plan form, for a committee or a group (owner: committee= or organization=)."""
    form = PlanForm()
    if form.validate_on_submit():
        plan = services.create_plan(**owner, **form.plan_fields())
        flash(_("Plan created. Now add its actions."), "success")
        return redirect(url_for("actions.plan", plan_id=plan.id))
    return render_form("actions/plan_form.html", form, owner_name=owner_name, plan=None)


@cache
def _plans_listed(everyone: bool) -> Select:
    """The plans a person may see, as ids in the list's order (newest period first): all of them,
    or those of their committees (bound as committees) and their organisation (organization)."""
    query = select(ActionPlan.id).order_by(ActionPlan.period_end.desc(), ActionPlan.id.desc())
    if everyone:
        return query
    return query.where(ActionPlan.committee_id.in_(bindparam("committees", expanding=True))
                       | (ActionPlan.organization_id == bindparam("organization")))


def _plan_rows(page_ids) -> Select:
    """What a row shows of the page's plans: the title, the period and the owner's name, as plain
    columns (not their long texts, nor records)."""
    owner_name = func.coalesce(select(Committee.name).where(Committee.id == ActionPlan.committee_id).scalar_subquery(),
                               select(Organization.name).where(Organization.id == ActionPlan.organization_id)
                               .scalar_subquery())
    return (select(ActionPlan.id, ActionPlan.title, ActionPlan.period_start, ActionPlan.period_end,
                   owner_name.label("owner_name"))
            .join(page_ids, page_ids.c.id == ActionPlan.id).order_by(ActionPlan.period_end.desc(), ActionPlan.id.desc()))


@bp.route("/plans")
@login_required
def plans():
    """The plans a person may see: of their committees and of their own group."""
    everyone = access.is_admin(current_user)
    page = paginate_built(_plans_listed(everyone), {} if everyone else {
        "committees": list(access.committee_roles(current_user)), "organization": current_user.organization_id},
        current_app.config["PER_PAGE"], _plan_rows)
    return render_template("actions/plans.html", page=page,
                           own_group=current_user.organization if current_user.organization.kind == "community_group"
                           else None)


@bp.route("/plans/<int:plan_id>")
@login_required
def plan(plan_id: int):
    plan = get_plan_or_404(plan_id)
    today = local_today()
    filters = ActionFilters.from_args(request.args, plan=plan.id)
    # Whoever sees the plan sees its actions: no need to test each.
    page = find_actions(current_user, filters, today, current_app.config["PER_PAGE"], seen=True)
    return render_template("actions/plan.html", plan=plan, page=page, today=today, filters=filters,
                           timeline=timeline.build(page.items, today), date_texts=DateTexts())


@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@login_required
def edit_plan(plan_id: int):
    plan = get_plan_or_404(plan_id, need="manage")
    form = PlanEditForm(obj=plan)
    form.stamp(plan)
    if form.validate_on_submit():
        services.update_plan(plan, form.stated(), form.labels(), **form.plan_fields())
        flash(_("Saved."), "success")
        return redirect(url_for("actions.plan", plan_id=plan.id))
    return render_form("actions/plan_form.html", form, owner_name=plan.owner_name, plan=plan)


@bp.route("/plans/<int:plan_id>/actions/new", methods=["GET", "POST"])
@login_required
def new_action(plan_id: int):
    plan = get_plan_or_404(plan_id, need="manage")
    form = ActionForm()
    if not form.is_submitted():
        form.start_date.data = max(local_today(), plan.period_start)
        form.due_date.data = plan.period_end
    if form.validate_on_submit():
        try:
            action = services.create_action(plan, supporters=_supporters(form), **form.action_fields())
        except services.ActionRuleError as error:
            form.focal_person_id.errors.append(str(error))
        else:
            flash(_("Action added."), "success")
            return redirect(url_for("actions.action", action_id=action.id))
    return render_form("actions/action_form.html", form, action=None, plan=plan)


@bp.route("/decisions/<int:decision_id>/actions/new", methods=["GET", "POST"])
@login_required
def action_from_decision(decision_id: int):
    decision = db.session.scalar(select(Decision).where(Decision.id == decision_id).options(
        joinedload(Decision.item).joinedload(AgendaItem.meeting), joinedload(Decision.item).joinedload(AgendaItem.committee)))
    if decision is None or not access.can_see_committee(current_user, decision.item.committee_id):
        abort(404)
    if not access.can_run_committee(current_user, decision.item.committee_id):
        abort(403)
    committee = decision.item.committee
    plans = list(db.session.scalars(select(ActionPlan).where(ActionPlan.committee_id == committee.id)
                                    .order_by(ActionPlan.period_end.desc()).limit(20)))
    new_plan_title = _("Actions from %(meeting)s", meeting=decision.item.meeting.title)[:200]
    form = DecisionActionForm(plans=plans, new_plan_title=new_plan_title)
    if not form.is_submitted():
        form.title.data = decision.text[:200]
        form.description.data = decision.text
        form.start_date.data = local_today()
        form.plan_id.data = plans[0].id if plans else None
    if form.validate_on_submit():
        plan = next((p for p in plans if p.id == form.plan_id.data), None)
        try:
            action = services.actions_from_decision(decision, plan, new_plan_title, supporters=_supporters(form),
                                                    **form.action_fields())
        except services.ActionRuleError as error:
            form.focal_person_id.errors.append(str(error))
        else:
            flash(_("Action created from the decision."), "success")
            return redirect(url_for("actions.action", action_id=action.id))
    return render_form("actions/decision_action_form.html", form, decision=decision, committee=committee)
