"""Writes to action plans and actions. Edits state the version they were made from and are
merged through workspace/edits.py (no lost updates)."""
from sqlalchemy import select

from workspace import access, audit, edits
from workspace.committees import services as committee_services
from workspace.clock import local_today, utcnow
from workspace.extensions import db
from workspace.i18n import gettext as _
from workspace.models import (
    Action, ActionPlan, ActionUpdate, AgendaItem, Decision, Meeting, Organization, User,
)


class ActionRuleError(Exception):
    """A change the rules refuse; the message says why."""


def check_focal_person(organization_id: int, focal_person: User | None) -> None:
    if focal_person is not None and focal_person.organization_id != organization_id:
        organization = db.session.get(Organization, organization_id)
        raise ActionRuleError(_("%(person)s is not in %(organization)s: the focal person must be.",
                                person=focal_person.name, organization=organization.name if organization else "?"))


def create_plan(**fields) -> ActionPlan:
    plan = ActionPlan(**fields)
    db.session.add(plan)
    audit.record("create", plan, after=audit.snapshot(plan))
    db.session.commit()
    return plan


def update_plan(plan: ActionPlan, stated: edits.Stated, labels: dict | None = None, **fields) -> None:
    before = audit.snapshot(plan)
    edits.apply(plan, stated, fields, labels)
    if audit.snapshot(plan) != before:
        audit.record("update", plan, before=before, after=audit.snapshot(plan))
    db.session.commit()


def create_action(plan: ActionPlan, *, supporters: list[Organization] = (), origin: tuple[str, int] | None = None,
                  commit: bool = True, **fields) -> Action:
    action = Action(plan=plan, **fields)
    check_focal_person(action.responsible_organization_id, action.focal_person)
    action.supporters = list(supporters)
    if origin:
        action.origin_type, action.origin_id = origin
    db.session.add(action)
    audit.record("create", action, after=audit.snapshot(action))
    if commit:
        db.session.commit()
    return action


def update_action(action: Action, stated: edits.Stated, labels: dict | None = None, **fields) -> None:
    """fields may hold `supporters`, a list of organisations."""
    before = audit.snapshot(action)
    if fields.get("status", action.status) != "blocked":
        fields["blocked_reason"] = ""
    check_focal_person(fields.get("responsible_organization_id", action.responsible_organization_id),
                       fields.get("focal_person", action.focal_person))
    edits.apply(action, stated, fields, labels)
    after = audit.snapshot(action)
    if after != before:
        audit.record("update", action, before=before, after=after)
    db.session.commit()


def post_update(action: Action, author: User, stated: edits.Stated, *, text: str, status: str,
                progress: int) -> ActionUpdate:
    """Adds to the action's log and moves its status and progress; blocked needs a reason."""
    if status == "blocked" and not text.strip():
        raise ActionRuleError(_("Say what blocks it: the update's text is the reason."))
    before = audit.snapshot(action)
    edits.apply(action, stated, {"status": status, "progress": progress})
    # The log says where the action stands now (a field someone else moved meanwhile stays theirs).
    update = ActionUpdate(action=action, author=author, text=text.strip(), status=action.status,
                          progress=action.progress)
    db.session.add(update)
    action.blocked_reason = text.strip()[:500] if action.status == "blocked" else ""
    audit.record("update", action, before=before, after=audit.snapshot(action))
    db.session.commit()
    return update


def raise_to_agenda(action: Action, user: User) -> AgendaItem:
    """Puts an overdue or blocked action before its committee (committee_services.raise_item)."""
    plan = action.plan
    if plan.committee_id is None:
        raise ActionRuleError(_("This action belongs to a group's plan, not to a committee."))
    if not (action.status == "blocked" or action.is_overdue(local_today())):
        raise ActionRuleError(_("Only an overdue or blocked action is raised to the agenda."))
    reason = action.blocked_reason if action.status == "blocked" else _("Overdue since %(date)s.",
                                                                          date=action.due_date.isoformat())
    fields = {"title": _("Action: %(title)s", title=action.title)[:200], "kind": "discussion",
              "minutes_allotted": 10, "description": reason,
              "presenter": action.focal_person.name if action.focal_person else ""}
    try:
        return committee_services.raise_item(plan.committee, user, ("action", action.id), **fields)
    except committee_services.AlreadyWaiting as error:
        raise ActionRuleError(_("This action is already waiting for the committee.")) from error


def actions_from_decision(decision: Decision, plan: ActionPlan | None, new_plan_title: str, **fields) -> Action:
    """One step from a decision to an action, with a new plan for the committee if asked."""
    committee = decision.item.committee
    if plan is None:
        today = local_today()
        plan = ActionPlan(title=new_plan_title, committee=committee, period_start=min(today, fields["start_date"]),
                          period_end=max(today, fields["due_date"]),
                          purpose=_("Actions decided at %(meeting)s.", meeting=decision.item.meeting.title))
        db.session.add(plan)
        audit.record("create", plan, after=audit.snapshot(plan))
    return create_action(plan, origin=("decision", decision.id), **fields)
