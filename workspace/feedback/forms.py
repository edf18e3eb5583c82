from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from workspace.edits import EditForm, StampField, stamp
from workspace.extensions import db
from workspace.forms import IntegerField, choices, strip
from workspace.i18n import lazy_gettext as _l
from workspace.pickers import PickerField, people_of
from workspace.models import CATEGORIES, CHANNELS, OUTCOMES, AnswerTime, Programme

MAX_TEXT = 4000


class FeedbackForm(FlaskForm):
    """The public form: plain words, nothing required but what happened."""

    category = RadioField(_l("What is it?"), choices=choices(CATEGORIES), default="complaint")
    description = TextAreaField(
        _l("What happened? What would you like to see done?"),
        validators=[DataRequired(message=_l("Tell us what happened.")),
                    Length(max=MAX_TEXT, message=_l("Please keep it under %(max)s characters.", max=MAX_TEXT))],
        filters=[strip], render_kw={"rows": 6, "maxlength": MAX_TEXT})
    area_id = PickerField(_l("Where? (if you want to say)"), kind="areas", blank=_l("— not given —"))
    programme = StringField(_l("Which programme or service, if you know"), validators=[Length(max=200)],
                            filters=[strip])
    anonymous = BooleanField(_l("Stay anonymous: keep no name or number"))
    sensitive = BooleanField(_l("It is about abuse, exploitation, violence or fraud by staff: only named, "
                                "trained people read it, and it is never published"))
    contact_name = StringField(_l("Your name (optional)"), validators=[Length(max=120)], filters=[strip])
    contact_phone = StringField(_l("A phone number to call you back (optional)"), filters=[strip],
                                validators=[Optional(), Length(max=40),
                                            Regexp(r"^[0-9 +()-]{6,40}$", message=_l("Only digits, spaces and + ( ) -"))])
    # Left empty by people; bots fill every field. Hidden with CSS, not with type=hidden.
    website = StringField(_l("Leave this empty"))

    def case_fields(self) -> dict:
        return {"category": self.category.data, "description": self.description.data, "area_id": self.area_id.data,
                "programme": self.programme.data or "", "anonymous": bool(self.anonymous.data),
                "sensitive": bool(self.sensitive.data),
                "contact_name": self.contact_name.data or "", "contact_phone": self.contact_phone.data or ""}


class StaffCaseForm(FeedbackForm):
    channel = SelectField(_l("How did it come in?"), choices=choices({k: v for k, v in CHANNELS.items() if k != "web"}))
    anonymous = BooleanField(_l("The person asked to stay anonymous"))
    programme_id = PickerField(_l("The programme in the repository"), kind="programmes", blank=_l("— none —"))

    def case_fields(self) -> dict:
        fields = {**super().case_fields(), "channel": self.channel.data, "programme_id": self.programme_id.data}
        if self.programme_id.data and not fields["programme"]:  # the words say it too, for the patterns
            fields["programme"] = db.session.get(Programme, self.programme_id.data).name[:200]
        return fields


class MoveForm(EditForm, FlaskForm):
    edit_fields = ("status",)
    to_status = SelectField(_l("Move to"))
    note = TextAreaField(_l("Note"), validators=[Length(max=MAX_TEXT)], render_kw={"rows": 2})


class AssignForm(EditForm, FlaskForm):
    edit_fields = ("assigned_organization_id", "assigned_user_id")
    field_names = {"assigned_organization_id": "organization_id", "assigned_user_id": "user_id"}
    # No organisation is chosen for the person assigning: an unassigned case must be given one.
    organization_id = PickerField(_l("Responsible organisation"), kind="organizations", blank=_l("— choose —"),
                                  validators=[InputRequired(message=_l("Choose the organisation that handles it."))])
    user_id = PickerField(_l("Person"), kind="people", blank=_l("— anyone there —"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # With nothing typed, the person list offers the chosen organisation's people.
        organization_id = self.organization_id.data
        self.user_id.suggest = people_of(organization_id)

    def validate_organization_id(self, field):
        if field.data is None:
            raise ValidationError(_l("Choose the organisation that handles it."))


class ResponseForm(EditForm, FlaskForm):
    edit_fields = ("response", "outcome", "publishable", "public_summary")
    outcome = SelectField(_l("Decision"), choices=choices([("", _l("— not decided yet —")), *OUTCOMES.items()]),
                          default="")
    response = TextAreaField(_l("Response to the person and the community"), validators=[Length(max=MAX_TEXT)],
                             render_kw={"rows": 4})
    publishable = BooleanField(_l("Publish on the “you said, we did” board"))
    public_summary = TextAreaField(_l("What was raised, in words fit to publish (no names, no numbers)"),
                                   validators=[Length(max=1000)], render_kw={"rows": 2})


class AnswerTimesForm(FlaskForm):
    """Built with one pair of fields per category."""


def answer_times_form(times: dict, formdata=None):
    rows = {row.category: row for row in db.session.scalars(select(AnswerTime))}

    class Form(AnswerTimesForm):
        pass

    data = {}
    for category, (hours, days) in times.items():
        setattr(Form, f"{category}_hours", IntegerField(
            _l("Hours to acknowledge"), validators=[InputRequired(), NumberRange(1, 720, message=_l("From 1 to 720 hours."))]))
        setattr(Form, f"{category}_days", IntegerField(
            _l("Days to resolve"), validators=[InputRequired(), NumberRange(1, 365, message=_l("From 1 to 365 days."))]))
        data[f"{category}_hours"], data[f"{category}_days"] = hours, days
        # The version of each saved row, so that two administrators at once merge (workspace/edits.py).
        setattr(Form, f"{category}_version", StampField())
        if category in rows:
            data[f"{category}_version"] = stamp(rows[category], ("acknowledge_hours", "resolve_days"))
    return Form(formdata=formdata, data=data) if formdata is not None else Form(data=data)


class AppealForm(FlaskForm):
    reason = TextAreaField(_l("Why do you disagree with the decision?"), filters=[strip],
                           validators=[DataRequired(message=_l("Say why you disagree.")), Length(max=MAX_TEXT)],
                           render_kw={"rows": 4})
    website = StringField(_l("Leave this empty"))  # a trap for bots, hidden from people
