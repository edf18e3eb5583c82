"""WTForms' own messages that the forms here can show, marked so that the app's catalogs carry
them: WTForms ships no Bengali. When WTForms' catalog has no translation of a message, the app's
is used (workspace/i18n.py)."""
from workspace.i18n import lazy_gettext as _l, ngettext

MESSAGES = (
    _l("This field is required."),
    _l("Invalid input."),
    _l("Invalid email address."),
    _l("Not a valid choice."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
    _l("Not a valid date value."),
    _l("Not a valid time value."),
    _l("Not a valid datetime value."),
)


def too_long(most: int) -> str:
    """Length(max=...)'s message, as WTForms words it."""
    return ngettext("Field cannot be longer than %(max)d character.",
                    "Field cannot be longer than %(max)d characters.", most, max=most)
