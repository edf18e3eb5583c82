"""Action lists as CSV and XLSX, with the same filters as the page they come from.

Both are written a batch of actions at a time, so memory stays flat however long the list: the
CSV goes out as it is written; the XLSX (a zip, complete only at its end) is written by openpyxl's
write-only mode to a temporary file, then sent from it.
"""
from collections import defaultdict

from flask import Response
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from workspace.actions.queries import export_query
from workspace import exports
from workspace.exports import safe_row
from workspace.extensions import db
from workspace.i18n import gettext as _, lazy_gettext as _l
from workspace.models import (
    ACTION_STATUSES, OPEN_STATUSES, Action, ActionPlan, Committee, Organization, User, action_supporters,
)

# The headings, in the language of whoever exports.
COLUMNS = [_l("ID"), _l("Action"), _l("Plan"), _l("Committee or group"), _l("Responsible organisation"),
           _l("Focal person"), _l("Supporting organisations"), _l("Start"), _l("Due"), _l("Status"),
           _l("Progress (%)"), _l("Overdue"), _l("Blocked because")]
WIDTHS = (6, 40, 28, 28, 28, 20, 28, 11, 11, 12, 10, 8, 30)
MAX_ROWS = 50000
BATCH = exports.BATCH


def rows(user, filters, today):
    """Each action the filters find as a safe row, read as plain columns BATCH at a time (an export
    of 50,000 actions builds no ORM objects), each batch's supporting organisations in one query."""
    query, given = export_query(user, filters, today, MAX_ROWS)
    statuses = {status: str(label) for status, label in ACTION_STATUSES.items()}
    yes = _("yes")
    for batch in db.session.execute(query, given, execution_options={"yield_per": BATCH}).partitions():
        supporters = defaultdict(list)
        for action_id, name in db.session.execute(
                select(action_supporters.c.action_id, Organization.name)
                .join(Organization, Organization.id == action_supporters.c.organization_id)
                .where(action_supporters.c.action_id.in_([row[0] for row in batch])).order_by(Organization.name)):
            supporters[action_id].append(name)
        for (action_id, title, plan, owner, responsible_name, focal_name, start, due, status, progress,
             blocked) in batch:
            overdue = status in OPEN_STATUSES and due < today
            yield safe_row([action_id, title, plan, owner, responsible_name, focal_name or "",
                            "; ".join(supporters[action_id]), start, due, statuses[status], progress,
                            yes if overdue else "", blocked])


def csv_response(user, filters, today, filename: str) -> Response:
    return exports.csv_response([str(title) for title in COLUMNS], rows(user, filters, today), filename)


def xlsx_response(user, filters, today, filename: str) -> Response:
    return exports.xlsx_response([[str(title) for title in COLUMNS]], rows(user, filters, today), filename,
                                 _("Actions"), WIDTHS)
