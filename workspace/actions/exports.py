"""Action lists as CSV and XLSX, with the same filters as the page they come from.

Both are written a batch of actions at a time, so memory stays flat however long the list: the
CSV goes out as it is written; the XLSX (a zip, complete only at its end) is written by openpyxl's
write-only mode to a temporary file, then sent from it.
"""
import csv
import io
import tempfile
from collections import defaultdict

from flask import Response, stream_with_context
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from workspace.actions.queries import filtered, listed_columns
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
BATCH = 1000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows(user, filters, today):
    """Each action the filters find as a safe row, read as plain columns BATCH at a time (an export
    of 50,000 actions builds no ORM objects), each batch's supporting organisations in one query."""
    query = filtered(listed_columns(), user, filters, today).limit(MAX_ROWS).execution_options(yield_per=BATCH)
    statuses = {status: str(label) for status, label in ACTION_STATUSES.items()}
    yes = _("yes")
    for batch in db.session.execute(query).partitions():
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
    def lines():
        out = io.StringIO()
        out.write("\ufeff")  # so that Excel reads the file as UTF-8
        writer = csv.writer(out)
        writer.writerow([str(title) for title in COLUMNS])
        for number, row in enumerate(rows(user, filters, today), start=1):
            writer.writerow(row)
            if number % BATCH == 0:
                yield _take(out)
        yield _take(out)

    return Response(stream_with_context(lines()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'})


def _take(out: io.StringIO) -> str:
    text = out.getvalue()
    out.seek(0)
    out.truncate()
    return text


def xlsx_response(user, filters, today, filename: str) -> Response:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Actions")[:31])  # a sheet's name holds at most 31 characters
    for column, width in zip("ABCDEFGHIJKLM", WIDTHS):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_bold(sheet, str(title), bold) for title in COLUMNS])
    for row in rows(user, filters, today):
        sheet.append(row)
    # Kept in memory while small, on disk past 8 MB; deleted when the response closes it.
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    book.save(out)
    size = out.tell()
    out.seek(0)
    return Response(_chunks(out), mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="{filename}.xlsx"', "Content-Length": str(size)})


def _chunks(file, size: int = 64 * 1024):
    """The file's bytes, then the file closed, even when the client goes away halfway."""
    try:
        while data := file.read(size):
            yield data
    finally:
        file.close()


def _bold(sheet, value, font) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    return cell
