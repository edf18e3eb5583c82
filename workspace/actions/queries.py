"""Which actions a person sees, and the filters every action list shares (lists, timeline,
exports): one query whatever the number of actions."""
from dataclasses import asdict, dataclass
from functools import cache
from datetime import date, timedelta

from sqlalchemy import Select, func, or_, select, true
from sqlalchemy.orm import aliased

from workspace import access
from workspace.extensions import db
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


def visible_to(user, in_due_order: bool = False):
    """The SQL condition for the actions a person may see (access.can_see_action, in SQL).
    Each alternative is a condition on the action's own columns, so that the database reads each
    through its index and merges them, rather than joining every action to its plan to test them.

    in_due_order: for someone who sees thousands of actions, reading the actions in due order and
    testing each is quicker than collecting all they see to sort them: the first page is found
    after a few hundred. "+ 0" keeps the database from reading the condition's columns through
    their indexes (on SQLite and PostgreSQL alike), so that it takes the due-date index instead."""
    if access.is_admin(user):
        return true()
    committees = list(access.committee_roles(user))

    def column(attribute):
        return attribute + 0 if in_due_order else attribute

    return or_(column(Action.plan_id).in_(select(ActionPlan.id).where(or_(
                   ActionPlan.committee_id.in_(committees), ActionPlan.organization_id == user.organization_id))),
               column(Action.responsible_organization_id) == user.organization_id,
               column(Action.focal_person_id) == user.id)


@dataclass(frozen=True, slots=True)
class ListedAction:
    """An action as lists, timelines and exports show it: its own fields and the names of its plan,
    the plan's owner, the responsible organisation and the focal person (read with it as columns:
    a list of fifty actions builds no records)."""

    id: int
    title: str
    plan_title: str
    owner_name: str
    responsible_name: str
    focal_name: str | None
    start_date: date
    due_date: date
    status: str
    progress: int
    blocked_reason: str | None

    def is_overdue(self, today: date) -> bool:
        return self.status in OPEN_STATUSES and self.due_date < today


@cache
def listed_columns() -> Select:
    """select(the columns of ListedAction) over actions and what they name, in its order."""
    owner_committee, owner_group = aliased(Committee), aliased(Organization)
    responsible, focal = aliased(Organization), aliased(User)
    return (select(Action.id, Action.title, ActionPlan.title, func.coalesce(owner_committee.name, owner_group.name),
                   responsible.name, focal.name, Action.start_date, Action.due_date, Action.status, Action.progress,
                   Action.blocked_reason)
            .select_from(Action).join(ActionPlan, ActionPlan.id == Action.plan_id)
            .outerjoin(owner_committee, owner_committee.id == ActionPlan.committee_id)
            .outerjoin(owner_group, owner_group.id == ActionPlan.organization_id)
            .join(responsible, responsible.id == Action.responsible_organization_id)
            .outerjoin(focal, focal.id == Action.focal_person_id))


def find_actions(user, filters: ActionFilters, today: date, per_page: int) -> Page:
    """One page of the actions the person sees and the filters ask for, as ListedActions: the
    actions are found and sorted as ids, and only the page's are joined to the names they show."""
    return paginate(filtered(select(Action.id), user, filters, today), per_page, load=_listed,
                    many=filtered(select(Action.id), user, filters, today, in_due_order=True))


def _listed(page_ids) -> list[ListedAction]:
    query = listed_columns().join(page_ids, page_ids.c.id == Action.id).order_by(Action.due_date, Action.id)
    return [ListedAction(*row) for row in db.session.execute(query)]


def filtered(query: Select, user, filters: ActionFilters, today: date, in_due_order: bool = False) -> Select:
    """A select of actions (or of their columns) narrowed to what the person sees and the filters
    ask, in the lists' order (in_due_order: see visible_to)."""
    query = query.where(visible_to(user, in_due_order))
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
