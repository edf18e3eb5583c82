from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, ValidationError

from workspace.edits import EditForm
from workspace.auth.forms import PASSWORD_RULES
from workspace.extensions import db
from workspace.forms import choices, strip
from workspace.i18n import gettext as _, lazy_gettext as _l
from workspace.models import (
    AREA_DEPTH, AREA_LEVELS, ORGANIZATION_KINDS, Area, Organization, User, within_area,
)
from workspace.pickers import PickerField


class OrganizationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)],
                       filters=[strip])
    kind = SelectField(_l("Kind"), choices=choices(ORGANIZATION_KINDS))
    area_id = PickerField(_l("Area"), kind="areas", validators=[InputRequired(message=_l("Choose the area."))])

    def __init__(self, *args, record: Organization | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record

    def validate_name(self, field):
        clash = db.session.scalar(select(Organization.id).where(
            func.lower(Organization.name) == field.data.lower(),
            Organization.id != (self.record.id if self.record else -1)))
        if clash:
            raise ValidationError(_l("There is already an organisation of that name."))


class AreaForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)],
                       filters=[strip])
    level = SelectField(_l("Level"), choices=choices(AREA_LEVELS))
    parent_id = PickerField(_l("Inside"), kind="areas", blank=_l("— nothing: this is the national level —"))

    def __init__(self, *args, record: Area | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record

    def validate_parent_id(self, field):
        level = self.level.data
        if field.data is None:
            if level != "national":
                raise ValidationError(_l("Choose the area this one lies inside."))
            if db.session.scalar(select(Area.id).where(Area.level == "national",
                                                       Area.id != (self.record.id if self.record else -1))):
                raise ValidationError(_l("There is already a national area; every other area lies inside it."))
            return
        parent = db.session.get(Area, field.data)
        if parent is None:
            raise ValidationError(_l("Choose an area from the list."))
        if level == "national":
            raise ValidationError(_l("The national level lies inside nothing."))
        if self.record is not None:
            if db.session.scalar(select(Area.id).where(Area.id == parent.id, within_area(Area.id, self.record.id))):
                raise ValidationError(_l("An area cannot lie inside itself or inside an area below it."))
        if level in AREA_DEPTH and AREA_DEPTH[parent.level] >= AREA_DEPTH[level]:
            raise ValidationError(_("A %(level)s must lie inside a larger area than a %(parent)s.",
                                    level=AREA_LEVELS[level], parent=AREA_LEVELS[parent.level]))
        if self.record is not None and any(
                AREA_DEPTH[child.level] <= AREA_DEPTH[level] for child in self.record.children):
            raise ValidationError(_l("Some areas inside this one are not below this level."))

    def validate_name(self, field):
        clash = db.session.scalar(select(Area.id).where(
            func.lower(Area.name) == field.data.lower(),
            Area.parent_id.is_(None) if self.parent_id.data is None else Area.parent_id == self.parent_id.data,
            Area.id != (self.record.id if self.record else -1)))
        if clash:
            raise ValidationError(_l("There is already an area of that name in the same place."))


class UserForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)],
                       filters=[strip])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
                       filters=[strip, lambda v: v.lower() if v else v])
    organization_id = PickerField(_l("Organisation"), kind="organizations",
                                  validators=[InputRequired(message=_l("Choose the organisation."))])
    is_admin = BooleanField(_l("Administrator (manages people, areas and organisations)"))
    handles_sensitive = BooleanField(_l("Focal point for sensitive feedback cases (abuse, exploitation, violence, "
                                        "fraud by staff) of their organisation"))

    def __init__(self, *args, record: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record

    def validate_email(self, field):
        clash = db.session.scalar(select(User.id).where(
            User.email == field.data, User.id != (self.record.id if self.record else -1)))
        if clash:
            raise ValidationError(_l("Another account uses this email."))


class UserEditForm(EditForm, UserForm):
    edit_fields = ("name", "email", "organization_id", "is_admin", "handles_sensitive")


class OrganizationEditForm(EditForm, OrganizationForm):
    edit_fields = ("name", "kind", "area_id")


class AreaEditForm(EditForm, AreaForm):
    edit_fields = ("name", "level", "parent_id")


class NewUserForm(UserForm):
    how = RadioField(_l("How will they get in?"), default="invite", choices=choices([
        ("invite", _l("Make a one-time link for them to choose a password")),
        ("password", _l("Set a password now and tell them")),
    ]))
    password = PasswordField(_l("Password"))

    def validate_password(self, field):
        if self.how.data == "password":
            if not field.data:
                raise ValidationError(_l("Enter a password, or choose the one-time link."))
            for rule in PASSWORD_RULES[1:]:
                rule(self, field)
