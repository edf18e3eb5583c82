from babel.numbers import list_currencies
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from workspace.edits import EditForm
from workspace.extensions import db
from workspace.forms import DecimalField, IntegerField, choices, id_number, strip
from workspace.i18n import gettext as _, lazy_gettext as _l
from workspace.models import (
    MAX_BUDGET, MAX_PEOPLE, PROGRAMME_STATUSES, SUPPORT_KINDS, VERDICTS, LifecycleGroup, Programme,
    ProgrammeCluster, ProgrammeYear, User,
)
from workspace.pickers import MultiPickerField, PickerField, organizations_among, people_of

MAX_TEXT = 4000
YEAR_RULE = NumberRange(1950, 2200, message=_l("A year from 1950 to 2200."))
# Every currency Babel knows: an ISO 4217 code.
CURRENCIES = frozenset(list_currencies())


class AmountField(DecimalField):
    """A budget or a GDP, in a currency's units: a national GDP runs to tens of trillions."""

    most = 10**17


class CheckboxesField(SelectMultipleField):
    """Several of a short list, as ticks (lifecycle groups): no Ctrl-click on a phone."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def list_choices(model) -> list:
    return [(entry.id, entry.label) for entry in db.session.scalars(select(model).order_by(model.position, model.id))]


class ProgrammeForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)], filters=[strip])
    organization_id = PickerField(_l("Owner"), kind="organizations",
                                  validators=[InputRequired(message=_l("Choose the organisation that owns it."))])
    partner_ids = MultiPickerField(_l("Implementing partners"), kind="organizations")
    objectives = TextAreaField(_l("Objectives"), validators=[Length(max=MAX_TEXT)], render_kw={"rows": 3})
    cluster_id = SelectField(_l("Thematic cluster"), coerce=id_number,
                             validators=[InputRequired(message=_l("Choose the cluster."))])
    group_ids = CheckboxesField(_l("Who it serves"), coerce=id_number)
    support_kind = SelectField(_l("Kind of support"), choices=choices(SUPPORT_KINDS))
    area_ids = MultiPickerField(_l("Where it works"), kind="areas")
    starts_on = DateField(_l("Starts"), validators=[InputRequired(message=_l("Give the start date."))])
    ends_on = DateField(_l("Ends"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=choices(PROGRAMME_STATUSES), default="active")
    for_government = BooleanField(_l("An NGO delivers it on the government's behalf"))
    focal_person_id = PickerField(_l("Focal person"), kind="people", blank=_l("— not named yet —"))

    def __init__(self, *args, owners=None, **kwargs):
        """owners: the organisations this person may name as the owner (None: any)."""
        super().__init__(*args, **kwargs)
        self.owners = owners
        self.cluster_id.choices = list_choices(ProgrammeCluster)
        self.group_ids.choices = list_choices(LifecycleGroup)
        organization_id = self.organization_id.data
        self.focal_person_id.suggest = people_of(organization_id)
        if owners is not None:  # the owner list offers the person's own organisation
            self.organization_id.suggest = organizations_among(o.id for o in owners)

    def validate_organization_id(self, field):
        if self.owners is not None and field.data not in {o.id for o in self.owners}:
            raise ValidationError(_l("You keep the programmes of your own organisation."))

    def validate_name(self, field):
        record = getattr(self, "record", None)
        clash = db.session.scalar(select(Programme.id).where(
            func.lower(Programme.name) == field.data.lower(), Programme.organization_id == self.organization_id.data,
            Programme.id != (record.id if record else -1)))
        if clash:
            raise ValidationError(_l("This organisation already has a programme of that name."))

    def validate_group_ids(self, field):
        if not field.data:
            raise ValidationError(_l("Tick at least one group it serves."))

    def validate_area_ids(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one area where it works."))
        if len(field.data) != len(set(field.data)):
            raise ValidationError(_l("An area is named twice."))

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("It ends before it starts."))

    def validate_focal_person_id(self, field):
        person = db.session.get(User, field.data) if field.data else None
        if person is not None and person.organization_id != self.organization_id.data:
            raise ValidationError(_("%(name)s is not in the owning organisation.", name=person.name))

    def programme_fields(self) -> dict:
        from workspace.models import Area, LifecycleGroup as Group, Organization

        def records(model, ids):
            return db.session.scalars(select(model).where(model.id.in_(ids))).all() if ids else []
        return {
            "name": self.name.data, "organization_id": self.organization_id.data,
            "objectives": self.objectives.data or "", "cluster_id": self.cluster_id.data,
            "support_kind": self.support_kind.data, "starts_on": self.starts_on.data, "ends_on": self.ends_on.data,
            "status": self.status.data, "for_government": bool(self.for_government.data),
            "focal_person_id": self.focal_person_id.data,
            "partners": records(Organization, self.partner_ids.data), "groups": records(Group, self.group_ids.data),
            "areas": records(Area, self.area_ids.data),
        }


class ProgrammeEditForm(EditForm, ProgrammeForm):
    edit_fields = ("name", "organization_id", "objectives", "cluster_id", "support_kind", "starts_on", "ends_on",
                   "status", "for_government", "focal_person_id", "partners", "groups", "areas")
    field_names = {"partners": "partner_ids", "groups": "group_ids", "areas": "area_ids"}

    def __init__(self, *args, record: Programme | None = None, **kwargs):
        self.record = record
        super().__init__(*args, **kwargs)


YEAR_FIELDS = ("beneficiaries_planned", "beneficiaries_reached", "reached_note", "budget", "currency",
               "funding_source")


class YearForm(FlaskForm):
    """A programme's figures for one fiscal year."""

    year = IntegerField(_l("Fiscal year (the year it starts in)"),
                        validators=[InputRequired(message=_l("Give the year.")), YEAR_RULE])
    beneficiaries_planned = IntegerField(_l("People planned"), validators=[
        Optional(), NumberRange(0, MAX_PEOPLE, message=_l("A number of people from 0 up."))])
    beneficiaries_reached = IntegerField(_l("People reached"), validators=[
        Optional(), NumberRange(0, MAX_PEOPLE, message=_l("A number of people from 0 up."))])
    reached_note = StringField(_l("Why more were reached than planned"), validators=[Length(max=500)],
                               filters=[strip])
    budget = AmountField(_l("Budget"), places=2, validators=[
        Optional(), NumberRange(0, MAX_BUDGET, message=_l("A budget of 0 or more."))])
    currency = StringField(_l("Currency (ISO code, such as BDT or USD)"), validators=[Length(max=3)],
                           filters=[strip, lambda value: value.upper() if isinstance(value, str) else value])
    funding_source = StringField(_l("Funding source"), validators=[Length(max=200)], filters=[strip])

    def __init__(self, *args, programme: Programme, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme, self.record = programme, record

    def validate_year(self, field):
        if db.session.scalar(select(ProgrammeYear.id).where(ProgrammeYear.programme_id == self.programme.id,
                                                            ProgrammeYear.year == field.data)):
            raise ValidationError(_l("This programme has figures for that year already: correct them instead."))

    def validate_reached_note(self, field):
        planned, reached = self.beneficiaries_planned.data, self.beneficiaries_reached.data
        if planned is not None and reached is not None and reached > planned and not field.data:
            raise ValidationError(_l("More were reached than planned: say why."))

    def validate_currency(self, field):
        if field.data and field.data not in CURRENCIES:
            raise ValidationError(_l("Not a currency code we know: use the three letters, such as BDT or USD."))
        if self.budget.data is not None and not field.data:
            raise ValidationError(_l("Give the budget's currency."))

    def year_fields(self) -> dict:
        return {name: getattr(self, name).data for name in YEAR_FIELDS} | {
            "reached_note": self.reached_note.data or "", "currency": self.currency.data or "",
            "funding_source": self.funding_source.data or ""}


class YearEditForm(EditForm, YearForm):
    """Corrects a year's figures; the year itself is where they are kept, not a field."""

    edit_fields = YEAR_FIELDS
    year = None


class ReviewForm(FlaskForm):
    """A committee's verdict on an overlap."""

    verdict = SelectField(_l("The committee finds them"), choices=choices(VERDICTS))
    note = TextAreaField(_l("Note"), validators=[Length(max=MAX_TEXT)], render_kw={"rows": 2})


class ReviewEditForm(EditForm, ReviewForm):
    """A change of the committee's verdict, from the one it had."""

    edit_fields = ("verdict", "note")


class GdpForm(FlaskForm):
    year = IntegerField(_l("Fiscal year"), validators=[InputRequired(message=_l("Give the year.")), YEAR_RULE])
    amount = AmountField(_l("GDP"), places=2, validators=[
        InputRequired(message=_l("Give the GDP.")),
        NumberRange(1, 10**17, message=_l("A GDP above 0."))])
    currency = StringField(_l("Currency (ISO code, such as BDT or USD)"),
                           validators=[DataRequired(message=_l("Give the currency.")), Length(max=3)],
                           filters=[strip, lambda value: value.upper() if isinstance(value, str) else value])

    def validate_currency(self, field):
        if field.data not in CURRENCIES:
            raise ValidationError(_l("Not a currency code we know: use the three letters, such as BDT or USD."))


class GdpEditForm(EditForm, GdpForm):
    """A year's GDP corrected; the year is where it is kept, not a field."""

    edit_fields = ("amount", "currency")
    year = None


class ListEntryForm(FlaskForm):
    """A lifecycle group or a cluster: administrators add and rename them."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)], filters=[strip])


class ListEntryEditForm(EditForm, ListEntryForm):
    edit_fields = ("name",)
