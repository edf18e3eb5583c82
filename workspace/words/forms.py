from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length

from workspace.edits import EditForm
from workspace.forms import strip
from workspace.i18n import lazy_gettext as _l


class TranslationForm(EditForm, FlaskForm):
    """One language's translation. Saved empty, the translation is removed."""

    edit_fields = ("text",)
    text = TextAreaField(_l("Translation"), filters=[strip])

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.text.validators = [Length(max=max_length)]


class WrittenInForm(EditForm, FlaskForm):
    """The language the original is written in, when it was noted wrong."""

    edit_fields = ("language",)
    language = SelectField(_l("Written in"))
