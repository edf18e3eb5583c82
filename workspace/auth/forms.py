from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from workspace.i18n import lazy_gettext as _l

PASSWORD_RULES = [
    DataRequired(),
    Length(min=10, max=200, message=_l("Use at least 10 characters.")),
]


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me logged in on this device"))
    submit = SubmitField(_l("Log in"))


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=PASSWORD_RULES)
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )
    submit = SubmitField(_l("Set password"))


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    submit = SubmitField(_l("Change password"))



class LanguageForm(FlaskForm):
    """The language switch: on every page as one button per language, on the account page as a list."""

    language = SelectField(_l("Language"), validators=[DataRequired()])
    next = HiddenField()
    submit = SubmitField(_l("Save language"))

    def __init__(self, *args, **kwargs):
        from workspace.i18n import shipped_languages

        super().__init__(*args, **kwargs)
        self.language.choices = list(shipped_languages().items())
