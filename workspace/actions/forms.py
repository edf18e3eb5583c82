from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, DateField, SelectField, StringField, TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from workspace.extensions import db
from workspace.edits import EditForm
from workspace.forms import IntegerField, choices, optional_id, strip
from workspace.i18n import gettext as _, lazy_gettext as _l
from workspace.pickers import MultiPickerField, PickerField, people_of
from workspace.models import ACTION_STATUSES, ActionPlan, User

LONG_TEXT = 20000
PROGRESS_RULE = NumberRange(0, 100, message=_l("Progress is a percentage from 0 to 100."))


class PlanForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)], filters=[strip])
    purpose = TextAreaField(_l("Purpose"), validators=[Length(max=LONG_TEXT)], render_kw={"rows": 3})
    period_start = DateField(_l("From"), validators=[InputRequired(message=_l("Give the first day."))])
    period_end = DateField(_l("To"), validators=[InputRequired(message=_l("Give the last day."))])

    def validate_period_end(self, field):
        if self.period_start.data and field.data and field.data < self.period_start.data:
            raise ValidationError(_l("The plan ends before it starts."))

    def plan_fields(self) -> dict:
        return {"title": self.title.data, "purpose": self.purpose.data or "",
                "period_start": self.period_start.data, "period_end": self.period_end.data}


class PlanEditForm(EditForm, PlanForm):
    edit_fields = ("title", "purpose", "period_start", "period_end")


class ActionForm(FlaskForm):
    """An action's fields, with the rules that keep an action sensible."""

    title = StringField(_l("What will be done"), validators=[DataRequired(), Length(max=200)], filters=[strip])
    description = TextAreaField(_l("Details"), validators=[Length(max=LONG_TEXT)], render_kw={"rows": 3})
    responsible_organization_id = PickerField(_l("Responsible organisation"), kind="organizations",
                                              validators=[InputRequired(message=_l("Choose the responsible organisation."))])
    focal_person_id = PickerField(_l("Focal person"), kind="people", blank=_l("— not named yet —"))
    supporter_ids = MultiPickerField(_l("Supporting organisations"), kind="organizations")
    start_date = DateField(_l("Start"), validators=[InputRequired(message=_l("Give the start date."))])
    due_date = DateField(_l("Due"), validators=[InputRequired(message=_l("Give the due date."))])
    status = SelectField(_l("Status"), choices=choices(ACTION_STATUSES), default="not_started")
    progress = IntegerField(_l("Progress (%)"), default=0,
                            validators=[InputRequired(message=_l("Give the progress, 0 to 100.")), PROGRESS_RULE])
    complete = BooleanField(_l("It is done: set progress to 100%"))
    blocked_reason = StringField(_l("What blocks it"), validators=[Length(max=500)], filters=[strip])
    programme_id = PickerField(_l("Programme it concerns"), kind="programmes", blank=_l("— none —"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # With nothing typed, the focal person list offers the responsible organisation's people.
        organization_id = self.responsible_organization_id.data
        self.focal_person_id.suggest = people_of(organization_id)

    def validate_due_date(self, field):
        if self.start_date.data and field.data and field.data < self.start_date.data:
            raise ValidationError(_l("The due date is before the start date."))

    def validate_focal_person_id(self, field):
        person = db.session.get(User, field.data) if field.data else None
        if person is not None and person.organization_id != self.responsible_organization_id.data:
            raise ValidationError(_("%(name)s is not in the responsible organisation.", name=person.name))

    def validate_progress(self, field):
        if self.status.data == "done" and field.data is not None and field.data < 100 and not self.complete.data:
            raise ValidationError(_l("Done means 100%. Set progress to 100, or tick the box below to do it."))

    def validate_blocked_reason(self, field):
        if self.status.data == "blocked" and not field.data:
            raise ValidationError(_l("Say what blocks it."))

    def action_fields(self) -> dict:
        status = self.status.data
        return {
            "title": self.title.data, "description": self.description.data or "",
            "responsible_organization_id": self.responsible_organization_id.data,
            "focal_person": db.session.get(User, self.focal_person_id.data) if self.focal_person_id.data else None,
            "start_date": self.start_date.data, "due_date": self.due_date.data, "status": status,
            "progress": 100 if status == "done" else self.progress.data,
            "blocked_reason": self.blocked_reason.data if status == "blocked" else "",
            "programme_id": self.programme_id.data,
        }


class ActionEditForm(EditForm, ActionForm):
    edit_fields = ("title", "description", "responsible_organization_id", "focal_person", "supporters",
                   "start_date", "due_date", "status", "progress", "blocked_reason", "programme_id")
    field_names = {"focal_person": "focal_person_id", "supporters": "supporter_ids"}


class DecisionActionForm(ActionForm):
    plan_id = SelectField(_l("Action plan"), coerce=optional_id)

    def __init__(self, *args, plans: list[ActionPlan] = (), new_plan_title: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.plan_id.choices = choices([(p.id, p.title) for p in plans] +
                                       [("", _("A new plan: %(title)s", title=new_plan_title))])


class UpdateForm(EditForm, FlaskForm):
    edit_fields = ("status", "progress")

    text = TextAreaField(_l("What happened"), validators=[Length(max=LONG_TEXT)], render_kw={"rows": 3})
    status = SelectField(_l("Status now"), choices=choices(ACTION_STATUSES))
    progress = IntegerField(_l("Progress now (%)"),
                            validators=[InputRequired(message=_l("Give the progress, 0 to 100.")), PROGRESS_RULE])
    complete = BooleanField(_l("It is done: set progress to 100%"))

    def validate_text(self, field):
        if not (field.data or "").strip():
            if self.status.data == "blocked":
                raise ValidationError(_l("Blocked needs a reason: say what blocks it."))
            raise ValidationError(_l("Say what happened."))

    def validate_progress(self, field):
        if self.status.data == "done" and field.data is not None and field.data < 100 and not self.complete.data:
            raise ValidationError(_l("Done means 100%. Set progress to 100, or tick the box below to do it."))

    def update_fields(self) -> dict:
        status = self.status.data
        return {"text": self.text.data or "", "status": status,
                "progress": 100 if status == "done" else self.progress.data}
