from flask import request
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from workspace.edits import EditForm, StampField, Stated
from workspace.forms import FloatField, choices, id_number, strip
from workspace.i18n import gettext as _, lazy_gettext as _l
from workspace.indicators import values
from workspace.inputs import whole_number
from workspace.models import DIMENSIONS, DIRECTIONS, FREQUENCIES, UNITS
from workspace.pickers import PickerField


class IndicatorForm(FlaskForm):
    question = TextAreaField(_l("The question, in your group's own words"),
                             validators=[DataRequired(), Length(max=500)], filters=[strip], render_kw={"rows": 2},
                             description=_l("For example: How many of our children went to school every day this month?"))
    short_name = StringField(_l("Short name"), validators=[DataRequired(), Length(max=80)], filters=[strip])
    why = TextAreaField(_l("Why it matters to the group"), validators=[Length(max=5000)], render_kw={"rows": 2})
    unit = SelectField(_l("Answer"), choices=choices(UNITS), default="count")
    score_labels = StringField(_l("For a score: what 1 to 5 mean, separated by ;"), validators=[Length(max=500)],
                               filters=[strip], description=_l("For example: very bad; bad; fair; good; very good"))
    direction = SelectField(_l("Better is"), choices=choices(DIRECTIONS), default="higher")
    frequency = SelectField(_l("Reported"), choices=choices(FREQUENCIES), default="monthly")
    baseline_value = FloatField(_l("Baseline value"), validators=[Optional()])
    baseline_date = DateField(_l("Baseline date"), validators=[Optional()])
    target = FloatField(_l("Target for each period"), validators=[Optional()])
    dimensions = SelectMultipleField(_l("Split the count by"), choices=choices(
        {name: label for name, (label, _cells) in DIMENSIONS.items()}), validators=[Optional()])
    verification = StringField(_l("How it can be checked"), validators=[Length(max=500)], filters=[strip],
                               description=_l("For example: the school attendance register"))
    programme_id = PickerField(_l("Programme it concerns"), kind="programmes", blank=_l("— none —"))

    def validate(self, extra_validators=None):
        # A baseline is a value at a date: both or neither. (Both fields are optional on their
        # own, so the check is made here, where it always runs.)
        valid = super().validate(extra_validators)
        if self.baseline_value.data is not None and self.baseline_date.data is None \
                and not self.baseline_date.errors:
            self.baseline_date.errors.append(_l("Give the date of the baseline."))
            valid = False
        if self.baseline_date.data is not None and self.baseline_value.data is None \
                and not self.baseline_value.errors:
            self.baseline_value.errors.append(_l("Give the baseline value for this date."))
            valid = False
        return valid

    def _check_value(self, field):
        if field.data is None:
            return
        try:
            values.parse(self.unit.data, str(int(field.data) if float(field.data).is_integer() else field.data))
        except ValueError as error:
            raise ValidationError(str(error)) from None

    validate_baseline_value = _check_value
    validate_target = _check_value

    def validate_score_labels(self, field):
        if self.unit.data == "score" and field.data and len([p for p in field.data.split(";") if p.strip()]) != 5:
            raise ValidationError(_l("Give five labels, one for each score, separated by ;"))

    def validate_dimensions(self, field):
        if field.data and self.unit.data != "count":
            raise ValidationError(_l("Only a count can be split: a total of percentages or scores means nothing."))

    def indicator_fields(self) -> dict:
        return {
            "question": self.question.data, "short_name": self.short_name.data, "why": self.why.data or "",
            "unit": self.unit.data, "direction": self.direction.data, "frequency": self.frequency.data,
            "score_labels": [p.strip() for p in (self.score_labels.data or "").split(";") if p.strip()],
            "baseline_value": self.baseline_value.data, "baseline_date": self.baseline_date.data,
            "target": self.target.data, "dimensions": list(self.dimensions.data or []),
            "verification": self.verification.data or "", "programme_id": self.programme_id.data,
        }


class IndicatorEditForm(EditForm, IndicatorForm):
    edit_fields = ("question", "short_name", "why", "unit", "direction", "frequency", "score_labels",
                   "baseline_value", "baseline_date", "target", "dimensions", "verification", "programme_id")


class VerifyForm(EditForm, FlaskForm):
    """Verifying a value: it carries the version the verifier saw."""

    edit_fields = ("value", "state")


# The verify queue writes the reason's field out once for every value, from these.
REASON_LABEL, REASON_LENGTH = _l("Why it goes back"), 500


class ReturnForm(VerifyForm):
    reason = StringField(REASON_LABEL, validators=[DataRequired(message=_l("Say why it goes back, for the group.")),
                                                   Length(max=REASON_LENGTH)], filters=[strip])


class VerifyAllForm(FlaskForm):
    """Verifying all the periods shown under one period: a `decide-<value id>` field for each,
    carrying the stamp of the period as shown (services.period_stamp)."""

    MOST = 100  # a page shows far fewer

    def decisions(self) -> list[tuple[int, Stated]]:
        found = []
        for name, stamp in request.form.items(multi=True):
            prefix, _dash, number = name.partition("-")
            if prefix != "decide":
                continue
            try:
                found.append((whole_number(number), Stated.parse(stamp)))
            except ValueError:
                continue  # not an id any value can have
        return found[:self.MOST]


class SignoffForm(FlaskForm):
    """A step in a period's sign-off: the sign-off's version as shown (none before there is one),
    and for reopening, why."""

    version = StampField()
    reason = StringField(_l("Why it is reopened"), validators=[Optional(), Length(max=500)], filters=[strip])

    def stated(self) -> Stated | None:
        return Stated.parse(self.version.data) if self.version.data else None


class ImportForm(FlaskForm):
    period = HiddenField()


class RaiseForm(FlaskForm):
    committee = SelectField(_l("Committee"), coerce=id_number)

    def __init__(self, *args, committees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.committee.choices = choices((c.id, c.name) for c in committees)


class TargetForm(FlaskForm):
    period = StringField(_l("Period"), validators=[DataRequired(message=_l("Give the period, like 2026-12."))],
                         filters=[strip])
    target = StringField(_l("Target"), validators=[DataRequired(message=_l("Give the target."))], filters=[strip])
    # The periods' own targets as the page showed them ("2026-12=3,2027-01=1": period=version), so
    # that a target someone set meanwhile is not overwritten unseen.
    seen = StampField()

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator

    @staticmethod
    def seen_of(targets) -> str:
        """`seen` for a page that shows these targets (rows with period and version)."""
        return ",".join(f"{t.period}={t.version}" for t in targets)

    def seen_versions(self) -> dict[str, int]:
        found = {}
        for part in (self.seen.data or "").split(","):
            period, _, version = part.partition("=")
            if version.isdigit() and len(version) <= 10:
                found[period] = int(version)
        return found

    def validate_period(self, field):
        from workspace.indicators import periods

        if not periods.belongs(field.data, self.indicator.frequency):
            raise ValidationError(_("%(period)s is not a period of this indicator (it is reported %(frequency)s).",
                                    period=field.data, frequency=FREQUENCIES[self.indicator.frequency]))

    def validate_target(self, field):
        try:
            values.parse(self.indicator.unit, field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def target_value(self) -> float:
        return values.parse(self.indicator.unit, self.target.data)
