"""Form pieces every capability uses."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField
from wtforms.fields.choices import SelectChoice


def choices(pairs) -> list[SelectChoice]:
    """Options for a SelectField or RadioField from (value, label) pairs or a {value: label} dict."""
    items = pairs.items() if isinstance(pairs, dict) else pairs
    return [SelectChoice(value, label) for value, label in items]


def strip(value):
    return value.strip() if isinstance(value, str) else value


class EmptyForm(FlaskForm):
    """For buttons that only post (log out, deactivate): the form carries the CSRF token."""

    submit = SubmitField(_l("Submit"))
