"""Action lists as CSV and XLSX, with the same filters as the page they come from."""
import csv
import io

from flask import Response
from openpyxl import Workbook
from openpyxl.styles import Font

from workspace.exports import safe_row

COLUMNS = ["ID", "Action", "Plan", "Committee or group", "Responsible organisation", "Focal person",
           "Supporting organisations", "Start", "Due", "Status", "Progress (%)", "Overdue", "Blocked because"]
MAX_ROWS = 10000


def rows(actions, today) -> list[list]:
    return [[a.id, a.title, a.plan.title, a.plan.owner_name, a.responsible_organization.name,
             a.focal_person.name if a.focal_person else "", "; ".join(o.name for o in a.supporters),
             a.start_date, a.due_date, a.status_label, a.progress, "yes" if a.is_overdue(today) else "",
             a.blocked_reason] for a in actions]


def csv_response(actions, today, filename: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows(actions, today):
        writer.writerow(safe_row(row))
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'})


def xlsx_response(actions, today, filename: str) -> Response:
    book = Workbook()
    sheet = book.active
    sheet.title = "Actions"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows(actions, today):
        sheet.append(safe_row(row))
    for column, width in zip("ABCDEFGHIJKLM", (6, 40, 28, 28, 28, 20, 28, 11, 11, 12, 10, 8, 30)):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return Response(out.getvalue(), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{filename}.xlsx"'})
