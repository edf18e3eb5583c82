"""Action lists as CSV and XLSX, with the same filters as the page they come from.

Both are written a batch of actions at a time, so memory stays flat however long the list: the
CSV goes out as it is written; the XLSX (a zip, complete only at its end) is written by openpyxl's
write-only mode to a temporary file, then sent from it.
"""
import csv
import io
import tempfile

from flask import Response, stream_with_context
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy import Select

from workspace.exports import safe_row
from workspace.extensions import db

COLUMNS = ["ID", "Action", "Plan", "Committee or group", "Responsible organisation", "Focal person",
           "Supporting organisations", "Start", "Due", "Status", "Progress (%)", "Overdue", "Blocked because"]
WIDTHS = (6, 40, 28, 28, 28, 20, 28, 11, 11, 12, 10, 8, 30)
MAX_ROWS = 50000
BATCH = 1000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows(query: Select, today):
    """Each action of the query as a safe row, read BATCH actions at a time."""
    result = db.session.scalars(query.limit(MAX_ROWS).execution_options(yield_per=BATCH))
    for batch in result.partitions():
        for a in batch:
            yield safe_row([
                a.id, a.title, a.plan.title, a.plan.owner_name, a.responsible_organization.name,
                a.focal_person.name if a.focal_person else "", "; ".join(o.name for o in a.supporters),
                a.start_date, a.due_date, a.status_label, a.progress, "yes" if a.is_overdue(today) else "",
                a.blocked_reason])


def csv_response(query: Select, today, filename: str) -> Response:
    def lines():
        out = io.StringIO()
        out.write("\ufeff")  # so that Excel reads the file as UTF-8
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for number, row in enumerate(rows(query, today), start=1):
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


def xlsx_response(query: Select, today, filename: str) -> Response:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Actions")
    for column, width in zip("ABCDEFGHIJKLM", WIDTHS):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_bold(sheet, title, bold) for title in COLUMNS])
    for row in rows(query, today):
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
