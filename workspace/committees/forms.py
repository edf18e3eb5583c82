from datetime import datetime

from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import (
    BooleanField, DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField, TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, URL, ValidationError

from workspace.clock import to_local, to_utc, utcnow
from workspace.extensions import db
from workspace import edits
from workspace.edits import EditForm
from workspace.forms import IntegerField, choices, id_number, strip
from workspace.i18n import gettext as _, lazy_gettext as _l
from workspace.pickers import PickerField, people_except
from workspace.models import (
    ATTENDANCE, COMMITTEE_LEVELS, COMMITTEE_ROLES, ITEM_KINDS, MAX_ITEM_MINUTES, Committee, Meeting, User,
)

LONG_TEXT = 20000


class CommitteeForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)], filters=[strip])
    level = SelectField(_l("Level"), choices=choices(COMMITTEE_LEVELS))
    area_id = PickerField(_l("Area it covers"), kind="areas",
                          validators=[InputRequired(message=_l("Choose the area it covers."))])
    parent_id = PickerField(_l("Reports to"), kind="committees", blank=_l("— none —"))
    thematic_focus = StringField(_l("Thematic focus"), validators=[Length(max=200)], filters=[strip],
                                 description=_l("For example: cash transfers and disaster response"))
    required_meetings_per_year = IntegerField(
        _l("Meetings required each year"), default=4,
        validators=[InputRequired(), NumberRange(0, 52, message=_l("Give a number from 0 to 52."))])
    quorum_percent = IntegerField(
        _l("Quorum (percentage of voting members present)"), default=50,
        validators=[InputRequired(), NumberRange(1, 100, message=_l("Give a percentage from 1 to 100."))])
    terms_of_reference = TextAreaField(_l("Terms of reference"), validators=[Length(max=LONG_TEXT)],
                                       render_kw={"rows": 8})

    FIELDS = ("name", "level", "area_id", "parent_id", "thematic_focus", "required_meetings_per_year",
              "quorum_percent", "terms_of_reference")

    def __init__(self, *args, record: Committee | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record

    def validate_name(self, field):
        clash = db.session.scalar(select(Committee.id).where(
            func.lower(Committee.name) == field.data.lower(),
            Committee.id != (self.record.id if self.record else -1)))
        if clash:
            raise ValidationError(_l("There is already a committee of that name."))

    def validate_parent_id(self, field):
        if field.data is None or self.record is None:
            return
        # Walk up from the chosen parent: meeting this committee would make a loop.
        parent = db.session.get(Committee, field.data)
        while parent is not None:
            if parent.id == self.record.id:
                raise ValidationError(_l("A committee cannot report to a committee below it."))
            parent = parent.parent


class CommitteeEditForm(EditForm, CommitteeForm):
    """Administrators edit everything; a chair or secretary edits all but where the committee
    sits: its area and its parent decide what its members read and where items are raised."""

    def __init__(self, *args, record: Committee, may_place: bool, **kwargs):
        super().__init__(*args, record=record, **kwargs)
        if not may_place:
            del self.area_id
            del self.parent_id
        self.edit_fields = tuple(name for name in CommitteeForm.FIELDS if name in self._fields)

    def committee_fields(self) -> dict:
        return {name: self[name].data for name in self.edit_fields}


class MemberForm(FlaskForm):
    user_id = PickerField(_l("Person"), kind="people",
                          validators=[InputRequired(message=_l("Choose the person to add."))])
    role = SelectField(_l("Role"), choices=choices(COMMITTEE_ROLES), default="member")

    def __init__(self, *args, exclude: set[int] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.exclude = exclude
        # With nothing typed, the list offers people who are not members yet.
        self.user_id.suggest = people_except(exclude)

    def validate_user_id(self, field):
        if field.data in self.exclude:
            raise ValidationError(_l("This person is already a member."))


class RoleForm(EditForm, FlaskForm):
    role = SelectField(_l("Role"), choices=choices(COMMITTEE_ROLES))
    edit_fields = ("role",)


def _http_only(form, field):
    if field.data and not field.data.lower().startswith(("https://", "http://")):
        raise ValidationError(_l("A call link starts with https://"))


class MeetingForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)], filters=[strip],
                        description=_l("For example: Fourth quarter meeting 2026"))
    date = DateField(_l("Date"), validators=[InputRequired(message=_l("Give the date."))])
    time = TimeField(_l("Start time"), validators=[InputRequired(message=_l("Give the start time."))])
    place = StringField(_l("Place"), validators=[Length(max=200)], filters=[strip])
    call_link = StringField(_l("Call link"), validators=[Optional(), Length(max=500), _http_only,
                                                         URL(message=_l("That is not a web address."))],
                            filters=[strip])

    already_held = BooleanField(_l("It has already taken place: I am recording it afterwards"))

    def __init__(self, *args, meeting: Meeting | None = None, **kwargs):
        if meeting is not None and "formdata" not in kwargs:
            local = to_local(meeting.starts_at)
            kwargs.setdefault("data", {"title": meeting.title, "date": local.date(), "time": local.time(),
                                       "place": meeting.place, "call_link": meeting.call_link})
        super().__init__(*args, **kwargs)
        self.meeting = meeting

    def starts_at(self) -> datetime:
        return to_utc(datetime.combine(self.date.data, self.time.data))

    def recorded_afterwards(self) -> bool:
        return self.already_held.data

    def validate_time(self, field):
        if not (self.date.data and field.data):
            return
        past = self.starts_at() <= utcnow()
        if past and not self.recorded_afterwards():
            raise ValidationError(_l("This time has passed. For a meeting that has already taken place, tick "
                                     "“It has already taken place”."))
        if not past and self.recorded_afterwards():
            raise ValidationError(_l("A meeting recorded afterwards has already taken place: give the day and "
                                     "time it was held."))

    def validate_place(self, field):
        if not field.data and not self.call_link.data:
            raise ValidationError(_l("Give a place, a call link, or both."))

    def meeting_fields(self) -> dict:
        return {"title": self.title.data, "starts_at": self.starts_at(), "place": self.place.data or "",
                "call_link": self.call_link.data or "", "recorded_afterwards": self.recorded_afterwards()}


class MeetingEditForm(EditForm, MeetingForm):
    edit_fields = ("title", "starts_at", "place", "call_link")
    field_names = {"starts_at": "date"}

    def recorded_afterwards(self) -> bool:
        """Rescheduling keeps what the meeting is: one recorded afterwards stays in the past."""
        return self.meeting.recorded_afterwards


class CancelForm(FlaskForm):
    reason = StringField(_l("Why is it cancelled?"), validators=[DataRequired(), Length(max=500)], filters=[strip])


class AgendaItemForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Give the item a title.")), Length(max=200)],
                        filters=[strip])
    kind = SelectField(_l("Kind"), choices=choices(ITEM_KINDS), default="discussion")
    presenter = StringField(_l("Presenter"), validators=[Length(max=120)], filters=[strip])
    minutes_allotted = IntegerField(
        _l("Time (minutes)"), default=15,
        validators=[InputRequired(message=_l("Give the time in minutes.")),
                    NumberRange(1, MAX_ITEM_MINUTES, message=_l("Give between 1 and %(most)s minutes.",
                                                                most=MAX_ITEM_MINUTES))])
    description = TextAreaField(_l("Notes for members"), validators=[Length(max=LONG_TEXT)], render_kw={"rows": 3})

    def item_fields(self) -> dict:
        return {"title": self.title.data, "kind": self.kind.data, "presenter": self.presenter.data or "",
                "minutes_allotted": self.minutes_allotted.data, "description": self.description.data or ""}


class AgendaItemEditForm(EditForm, AgendaItemForm):
    edit_fields = ("title", "kind", "presenter", "minutes_allotted", "description")


class ProposalForm(AgendaItemForm):
    description = TextAreaField(_l("Why should the committee discuss this?"),
                                validators=[Length(max=LONG_TEXT)], render_kw={"rows": 4})


class AcceptForm(FlaskForm):
    meeting_id = SelectField(_l("Put on the agenda of"), coerce=id_number)

    def __init__(self, *args, meetings: list[Meeting] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting_id.choices = choices((m.id, m.title) for m in meetings)


class DeclineForm(FlaskForm):
    reason = StringField(_l("Reason (the proposer sees it)"),
                         validators=[DataRequired(message=_l("Say why, for the person who proposed it.")),
                                     Length(max=500)], filters=[strip])


class MoveForm(FlaskForm):
    direction = HiddenField(validators=[DataRequired()])
    # The agenda's order as the page showed it (item ids): a move from an old page is refused.
    order = HiddenField(validators=[DataRequired()])

    def validate_direction(self, field):
        if field.data not in ("up", "down"):
            raise ValidationError(_("Move it up or down."))


def record_form(meeting: Meeting, people: list[User], formdata=None):
    """The form that records a meeting: attendance per person, minutes per item, decisions.

    Built for the meeting at hand: one radio group per person, one text per item and decision,
    and for each saved record the version it was shown at (see workspace/edits.py), so that two
    people correcting the record at once each keep what they changed.
    """
    current = {row.user_id: row for row in meeting.attendance}

    class RecordForm(FlaskForm):
        pass

    data = {}

    def stamped(name: str, record, fields) -> None:
        setattr(RecordForm, name, edits.StampField())
        data[name] = edits.stamp(record, fields)

    for person in people:
        name = f"attendance_{person.id}"
        setattr(RecordForm, name, RadioField(person.name, choices=choices(ATTENDANCE), validate_choice=False))
        row = current.get(person.id)
        data[name] = row.status if row else None
        if row is not None:
            stamped(f"version_attendance_{person.id}", row, ("status",))
    for item in meeting.items:
        setattr(RecordForm, f"minutes_{item.id}", TextAreaField(_l("Minutes"), validators=[Length(max=LONG_TEXT)],
                                                                render_kw={"rows": 4}))
        data[f"minutes_{item.id}"] = item.minutes
        stamped(f"version_item_{item.id}", item, ("minutes",))
        for decision in item.decisions:
            setattr(RecordForm, f"decision_{decision.id}", TextAreaField(
                _l("Decision"), validators=[Length(max=LONG_TEXT)], render_kw={"rows": 2}))
            data[f"decision_{decision.id}"] = decision.text
            stamped(f"version_decision_{decision.id}", decision, ("text",))
        setattr(RecordForm, f"new_decision_{item.id}", TextAreaField(
            _l("New decision"), validators=[Length(max=LONG_TEXT)], render_kw={"rows": 2}))

    def validate(self, extra_validators=None):
        valid = FlaskForm.validate(self, extra_validators)
        for person in people:
            field = self[f"attendance_{person.id}"]
            if field.data and field.data not in ATTENDANCE:
                field.errors.append(_l("Choose present, apologies or absent."))
                valid = False
        return valid

    RecordForm.validate = validate
    return RecordForm(formdata=formdata, data=data) if formdata is not None else RecordForm(data=data)


def recorded_values(form, meeting: Meeting, people: list[User]) -> dict:
    """What the record form says, in the shape record_meeting() takes."""
    stated = {}
    for name, field in form._fields.items():
        if name.startswith("version_"):
            _, kind, record_id = name.split("_")
            found = edits.Stated.parse(field.data)
            if found.version is not None:  # without one, the record merges as unseen: no overwrite
                stated[(kind, int(record_id))] = found
    return {
        "attendance": {p.id: form[f"attendance_{p.id}"].data for p in people},
        "minutes": {i.id: form[f"minutes_{i.id}"].data or "" for i in meeting.items},
        "decisions": {d.id: form[f"decision_{d.id}"].data or "" for i in meeting.items for d in i.decisions},
        "new_decisions": {i.id: form[f"new_decision_{i.id}"].data or "" for i in meeting.items},
        "stated": stated,
    }
