"""What every export writes (CSV, XLSX, iCalendar) passes through here, so that a value someone
typed can neither run in a spreadsheet nor break the file."""
import csv
import io
import re
import tempfile

from flask import Response, stream_with_context
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

BATCH = 1000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What XML 1.0, and so an XLSX file, cannot hold: C0 controls other than tab and line breaks,
# lone surrogates and the two non-characters. RTL marks, emoji and other text pass untouched.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def without_control_characters(text: str) -> str:
    return NOT_IN_XML.sub("", text)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def safe_cell(value):
    """The value as a spreadsheet should show it: text that would be a formula gets a leading
    apostrophe (CSV injection), characters a file cannot hold are dropped; numbers, dates and
    text such as "-3" that is only a number are kept as they are."""
    if not isinstance(value, str):
        return value
    value = without_control_characters(value)
    if value.startswith(FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(value) for value in values]


# --- Files -------------------------------------------------------------------------------------
# Both are written as the rows come, so memory stays flat however long the list: the CSV goes out
# as it is written; the XLSX (a zip, complete only at its end) is written by openpyxl's write-only
# mode to a temporary file, then sent from it.

def csv_response(heading: list, rows, filename: str, more_headings: tuple = ()) -> Response:
    """rows: safe rows (safe_row); more_headings: further heading rows (HXL hashtags)."""
    def lines():
        out = io.StringIO()
        out.write("\ufeff")  # so that Excel reads the file as UTF-8
        writer = csv.writer(out)
        for line in (heading, *more_headings):
            writer.writerow(line)
        for number, row in enumerate(rows, start=1):
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


def xlsx_response(headings: list[list], rows, filename: str, sheet_name: str, widths=()) -> Response:
    """headings: the heading rows, in bold, frozen above the rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(sheet_name)[:31])  # a sheet's name holds at most 31 characters
    for number, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(number + 1)].width = width
    sheet.freeze_panes = f"A{len(headings) + 1}"
    bold = Font(bold=True)
    for heading in headings:
        sheet.append([_bold(sheet, str(title), bold) for title in heading])
    for row in rows:
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
