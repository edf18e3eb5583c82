"""Which actions a person sees, and the filters every action list shares (lists, timeline,
exports): one query whatever the number of actions."""
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from sqlalchemy import Select, or_, select, true
from sqlalchemy.orm import joinedload

from workspace import access
from workspace.inputs import whole_number
from workspace.models import (
    ACTION_STATUSES, OPEN_STATUSES, SOON_DAYS, Action, ActionPlan, Committee, Organization, User, within_area,
)
from workspace.pages import Page, paginate

SCOPES = ("mine", "organization", "all")
DUE = ("overdue", "soon")


@dataclass
class ActionFilters:
    scope: str = "all"
    status: str = ""
    organization: int | None = None
    committee: int | None = None
    plan: int | None = None
    area: int | None = None
    due: str = ""
    q: str = ""

    @classmethod
    def from_args(cls, args, **fixed) -> "ActionFilters":
        def number(name):
            return args.get(name, type=whole_number)

        filters = cls(
            scope=args.get("scope") if args.get("scope") in SCOPES else "all",
            status=args.get("status") if args.get("status") in ACTION_STATUSES or args.get("status") == "open" else "",
            organization=number("organization"), committee=number("committee"), plan=number("plan"),
            area=number("area"), due=args.get("due") if args.get("due") in DUE else "",
            q=args.get("q", "").strip()[:100],
        )
        for name, value in fixed.items():
            setattr(filters, name, value)
        return filters

    def as_args(self) -> dict:
        """For links that keep the filters (exports, timeline, pages)."""
        return {k: v for k, v in asdict(self).items() if v not in (None, "") and not (k == "scope" and v == "all")}


def visible_to(user):
    """The SQL condition for the actions a person may see (access.can_see_action, in SQL).
    Each alternative is a condition on the action's own columns, so that the database reads each
    through its index and merges them, rather than joining every action to its plan to test them."""
    if access.is_admin(user):
        return true()
    committees = list(access.committee_roles(user))
    return or_(Action.plan_id.in_(select(ActionPlan.id).where(or_(
                   ActionPlan.committee_id.in_(committees), ActionPlan.organization_id == user.organization_id))),
               Action.responsible_organization_id == user.organization_id, Action.focal_person_id == user.id)


def find_actions(user, filters: ActionFilters, today: date, per_page: int) -> Page:
    """One page of the actions the person sees and the filters ask for, with what a list shows of
    each: the actions are found and sorted as ids, and only the page's are read whole."""
    return paginate(filtered(select(Action.id), user, filters, today), per_page, load=_with_what_lists_show)


def _with_what_lists_show(page_ids) -> Select:
    # The names a row shows of the plan, its owner, the responsible organisation and focal person,
    # not those records whole (a committee's terms of reference would be read fifty times).
    plan = joinedload(Action.plan).load_only(ActionPlan.title, ActionPlan.committee_id, ActionPlan.organization_id)
    return (select(Action).join(page_ids, page_ids.c.id == Action.id).order_by(Action.due_date, Action.id).options(
        plan.joinedload(ActionPlan.committee).load_only(Committee.name),
        plan.joinedload(ActionPlan.organization).load_only(Organization.name),
        joinedload(Action.responsible_organization).load_only(Organization.name),
        joinedload(Action.focal_person).load_only(User.name)))


def filtered(query: Select, user, filters: ActionFilters, today: date) -> Select:
    """A select of actions (or of their columns) narrowed to what the person sees and the filters
    ask, in the lists' order."""
    query = query.where(visible_to(user))
    if filters.scope == "mine":
        query = query.where(Action.focal_person_id == user.id)
    elif filters.scope == "organization":
        query = query.where(Action.responsible_organization_id == user.organization_id)
    if filters.status == "open":
        query = query.where(Action.status.in_(OPEN_STATUSES))
    elif filters.status:
        query = query.where(Action.status == filters.status)
    if filters.organization:
        query = query.where(Action.responsible_organization_id == filters.organization)
    if filters.committee:
        query = query.where(Action.plan_id.in_(select(ActionPlan.id).where(ActionPlan.committee_id == filters.committee)))
    if filters.plan:
        query = query.where(Action.plan_id == filters.plan)
    if filters.area:
        query = query.where(Action.responsible_organization_id.in_(
            select(Organization.id).where(within_area(Organization.area_id, filters.area))))
    if filters.due == "overdue":
        query = query.where(Action.status.in_(OPEN_STATUSES), Action.due_date < today)
    elif filters.due == "soon":
        query = query.where(Action.status.in_(OPEN_STATUSES), Action.due_date >= today,
                            Action.due_date <= today + timedelta(days=SOON_DAYS))
    if filters.q:
        pattern = f"%{filters.q}%"
        query = query.where(or_(Action.title.ilike(pattern), Action.description.ilike(pattern)))
    return query.order_by(Action.due_date, Action.id)
