"""Form pieces every capability uses."""
import math
from decimal import Decimal

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import SubmitField, fields
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, StopValidation
from wtforms.widgets import core as widgets

from workspace.i18n import gettext as _, lazy_gettext as _l
from workspace.inputs import MAX_ID

# The largest number a form takes in a decimal field: far beyond any count, budget or score here,
# and still exact in a double.
MAX_NUMBER = 10**12


_QUOTE, _QUOTE_ENTITY = Markup('"'), Markup("&quot;")


def html_params(**attributes) -> Markup:
    """What WTForms' html_params writes (the same attributes, escaped the same way, in the same
    order), without its Markup.format for each attribute: that goes through Python's string
    formatter and costs three times this. A form's select writes it once an option, so on a page
    with a few pickers it was a large part of the page's time. Installed for WTForms' widgets below."""
    params = []
    for name, value in sorted(attributes.items()):
        name = widgets.clean_key(name)
        if value is True:
            params.append(name)
        elif value is not False:
            params.append(f'{escape(name)}="{escape(value).replace(_QUOTE, _QUOTE_ENTITY)}"')
    return Markup(" ".join(params))


WTFORMS_HTML_PARAMS = widgets.html_params
widgets.html_params = html_params


def choices(pairs) -> list[SelectChoice]:
    """Options for a SelectField or RadioField from (value, label) pairs or a {value: label} dict."""
    items = pairs.items() if isinstance(pairs, dict) else pairs
    return [SelectChoice(value, label) for value, label in items]


def strip(value):
    return value.strip() if isinstance(value, str) else value


class EmptyForm(FlaskForm):
    """For buttons that only post (log out, deactivate): the form carries the CSRF token."""

    submit = SubmitField(_l("Submit"))


def id_number(value) -> int:
    """coerce= for a SelectField of records: an id a row can have, else ValueError (an invalid choice),
    so that no validator ever looks up an id the database cannot hold."""
    number = int(value)
    if not 0 < number <= MAX_ID:
        raise ValueError(value)
    return number


def optional_id(value) -> int | None:
    return None if value in (None, "", "None") else id_number(value)


class _Bounded:
    """Every number the app stores is 0 or more; a value a column cannot hold is refused with a
    message instead of reaching the database."""

    most = MAX_ID

    def pre_validate(self, form):
        super().pre_validate(form)
        number = self.data
        if number is None or self._has_own_range():
            return
        if (isinstance(number, Decimal) and not number.is_finite()) or (
                isinstance(number, float) and not math.isfinite(number)):
            raise StopValidation(_("Type a number."))
        if number < 0:
            raise StopValidation(_("Type a number of 0 or more."))
        if number > self.most:
            raise StopValidation(_("This number is too large."))

    def _has_own_range(self) -> bool:
        """A NumberRange within our bounds says it better ("a percentage from 0 to 100")."""
        return any(isinstance(v, NumberRange) and v.min is not None and v.max is not None
                   and 0 <= v.min and v.max <= self.most for v in self.validators)


class IntegerField(_Bounded, fields.IntegerField):
    """wtforms' IntegerField, from 0 to the largest integer the database holds."""


class FloatField(_Bounded, fields.FloatField):
    """wtforms' FloatField, finite and from 0 to MAX_NUMBER."""

    most = MAX_NUMBER


class DecimalField(_Bounded, fields.DecimalField):
    """wtforms' DecimalField, from 0 to MAX_NUMBER."""

    most = MAX_NUMBER
