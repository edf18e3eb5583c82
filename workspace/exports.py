"""What every export writes (CSV, XLSX, iCalendar) passes through here, so that a value someone
typed can neither run in a spreadsheet nor break the file."""
import re

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
