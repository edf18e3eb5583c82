"""The data-entry form of one group and period: a value (or a small grid of values) per
indicator, with a comment, a story of change, and an explanation when a value jumps."""
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from workspace.extensions import db
from workspace.formatting import as_number
from workspace.i18n import gettext as _, lazy_gettext as _l
from workspace.indicators import periods, values
from workspace.indicators.services import EDITABLE, Entry
from workspace.models import Indicator, IndicatorValue
from workspace.pages import Page


class Sheet:
    """Everything the page needs about one period: indicators, their cells, what is saved, and
    last period's totals (for the jump check). Three queries, whatever the number of indicators.

    A group with many indicators enters them a page at a time (page: 1, 2, …; None: all of them,
    as an import needs), and `only` narrows the sheet to one indicator (checking it as typed)."""

    PER_PAGE = 10  # indicators on one page of the entry form

    def __init__(self, owner, period: str, page: int | None = None, only: int | None = None):
        self.owner, self.period = owner, period
        frequency = periods.frequency_of(period)
        query = select(Indicator).where(owner.column == owner.id, Indicator.status == "adopted",
                                        Indicator.frequency == frequency).order_by(Indicator.short_name, Indicator.id)
        if only is not None:
            query = query.where(Indicator.id == only)
        self.indicators = list(db.session.scalars(query))
        self.total = len(self.indicators)
        self.page = None
        if page is not None:
            pages = max(-(-self.total // self.PER_PAGE), 1)
            number = min(max(page, 1), pages)
            self.indicators = self.indicators[(number - 1) * self.PER_PAGE:number * self.PER_PAGE]
            self.page = Page(self.indicators, number, self.PER_PAGE, self.total, more=False)
        ids = [i.id for i in self.indicators]
        self.saved = {(v.indicator_id, v.cell): v for v in db.session.scalars(select(IndicatorValue).where(
            IndicatorValue.indicator_id.in_(ids), IndicatorValue.period == period))}
        self.previous = {v.indicator_id: v.value for v in db.session.scalars(select(IndicatorValue).where(
            IndicatorValue.indicator_id.in_(ids), IndicatorValue.period == periods.previous(period),
            IndicatorValue.cell == ""))}

    def cells(self, indicator) -> list[str]:
        return values.cells(indicator.dimensions)

    def locked(self, indicator) -> bool:
        """Submitted or verified values wait for the verifier; drafts and returned ones can change."""
        return any(v.state not in EDITABLE for (i, _cell), v in self.saved.items() if i == indicator.id)


def field_name(indicator, index: int) -> str:
    return f"v_{indicator.id}_{index}"


def _value_check(indicator):
    def check(form, field):
        if field.data not in (None, ""):
            try:
                values.parse(indicator.unit, field.data)
            except ValueError as error:
                raise ValidationError(str(error)) from None
    return check


def entry_form(sheet: Sheet, formdata=None):
    class EntryForm(FlaskForm):
        pass

    data = {}
    for indicator in sheet.indicators:
        for index, cell in enumerate(sheet.cells(indicator)):
            name = field_name(indicator, index)
            setattr(EntryForm, name, StringField(values.cell_label(cell) if cell else indicator.short_name,
                                                 validators=[_value_check(indicator), Length(max=20)]))
            saved = sheet.saved.get((indicator.id, cell))
            if saved is not None:
                data[name] = "yes" if indicator.unit == "yes_no" and saved.value else (
                    "no" if indicator.unit == "yes_no" else f"{saved.value:g}")
            setattr(EntryForm, f"version_{indicator.id}_{index}", HiddenField())
            data[f"version_{indicator.id}_{index}"] = str(saved.version) if saved else ""
        total = sheet.saved.get((indicator.id, ""))
        for extra, label, rows in (("comment", _l("Comment"), 2), ("story", _l("A story of change (if any)"), 3),
                                   ("explanation", _l("Why did it change so much?"), 2)):
            setattr(EntryForm, f"{extra}_{indicator.id}", TextAreaField(label, validators=[Length(max=1000)],
                                                                       render_kw={"rows": rows}))
            data[f"{extra}_{indicator.id}"] = getattr(total, extra) if total else ""

    def validate(self, extra_validators=None):
        valid = FlaskForm.validate(self, extra_validators)
        for indicator in sheet.indicators:
            if sheet.locked(indicator):
                if _changed_meanwhile(self, sheet, indicator):
                    self[field_name(indicator, 0)].errors.append(_(
                        "This was submitted meanwhile and waits for the verifier: what you typed for it was "
                        "not saved."))
                    valid = False
                continue
            try:
                entry = read_entry(self, sheet, indicator)
            except ValueError as error:
                self[field_name(indicator, 0)].errors.append(str(error))
                valid = False
                continue
            if entry is None:
                continue
            total = entry.values[""]
            if values.big_jump(sheet.previous.get(indicator.id), total) and not entry.explanation.strip():
                self[f"explanation_{indicator.id}"].errors.append(_(
                    "This is more than half as much again, or half as little, as last period (%(previous)s). "
                    "Say in a few words why.", previous=as_number(sheet.previous[indicator.id])))
                valid = False
        return valid

    EntryForm.validate = validate
    return EntryForm(formdata=formdata, data=data) if formdata is not None else EntryForm(data=data)


def _changed_meanwhile(form, sheet: Sheet, indicator) -> bool:
    """A value typed for an indicator that is locked now (submitted or verified since the page was
    opened), different from the one held. The page disables a locked indicator's fields, so only an
    entry kept offline and sent later posts one; the same value sent twice is no change."""
    for index, cell in enumerate(sheet.cells(indicator)):
        text = form[field_name(indicator, index)].data
        if text in (None, ""):
            continue
        saved = sheet.saved.get((indicator.id, cell))
        try:
            if saved is None or values.parse(indicator.unit, text) != saved.value:
                return True
        except ValueError:
            return True
    return False


def read_entry(form, sheet: Sheet, indicator) -> Entry | None:
    """The indicator's values as typed (the total computed from a split), or None if left empty.
    A split must be filled whole: ValueError otherwise."""
    cells = sheet.cells(indicator)
    typed = {cell: form[field_name(indicator, index)].data for index, cell in enumerate(cells)}
    filled = {cell: text for cell, text in typed.items() if text not in (None, "")}
    if not filled:
        return None
    if len(filled) != len(cells):
        raise ValueError(_("Fill every box of the split, or none."))
    parsed = {cell: values.parse(indicator.unit, text) for cell, text in filled.items()}
    if indicator.dimensions:
        parsed[""] = sum(parsed.values())
    versions = {}
    for index, cell in enumerate(cells):
        version = form[f"version_{indicator.id}_{index}"].data
        if version and version.isdigit():
            versions[cell] = int(version)
    return Entry(indicator=indicator, values=parsed, comment=form[f"comment_{indicator.id}"].data or "",
                 story=form[f"story_{indicator.id}"].data or "",
                 explanation=form[f"explanation_{indicator.id}"].data or "", versions=versions)
