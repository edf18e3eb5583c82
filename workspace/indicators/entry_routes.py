"""A group's data entry for one period (phone first, checked as typed), and CSV in and out."""
import csv
import hashlib
import io

from flask import Response, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import format_number
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField
from wtforms.validators import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from workspace.extensions import db
from workspace.forms import EmptyForm, choices, id_number
from workspace.formatting import as_number
from workspace.i18n import gettext as _, lazy_gettext as _l, ngettext
from workspace.indicators import bp, evidence, imports, periods, services, values
from workspace.indicators.entry import Sheet, entry_form, field_name, read_entry
from workspace.indicators.forms import ImportForm
from workspace.indicators.loaders import get_evidence_or_404, get_owner_or_404
from workspace.indicators.owners import owner_of
from workspace.inputs import whole_number
from workspace.models import VALUE_STATES, Indicator, IndicatorValue
from workspace.exports import safe_row


# What the entry page needs on a phone without a connection (workspace/static/offline.js).
OFFLINE_ASSETS = ("style.css", "print.css", "htmx.min.js", "offline.js", "favicon.svg")


@bp.route("/sw.js")
def service_worker():
    """The service worker, served from the site's root so that it may answer for the entry pages,
    listing the static files under their current hashed URLs."""
    assets = [url_for("static", filename=name) for name in OFFLINE_ASSETS]
    version = hashlib.sha256("\n".join(assets).encode()).hexdigest()[:12]
    return Response(render_template("indicators/sw.js", assets=assets, version=version),
                    mimetype="text/javascript")


def htmx_check(url: str, indicator) -> dict:
    """The attributes that make an input check itself as it is typed."""
    return {"data-hx-post": url, "data-hx-trigger": "input changed delay:400ms",
            "data-hx-target": f"#check-{indicator.id}", "data-hx-include": "closest fieldset",
            "data-hx-swap": "innerHTML"}


def period_or_404(period: str) -> str:
    if periods.frequency_of(period) is None:
        abort(404)
    return period


@bp.route("/groups/<int:group_id>/periods/<period>", methods=["GET", "POST"])
@bp.route("/committees/<int:committee_id>/own-indicators/periods/<period>", methods=["GET", "POST"])
@login_required
def enter(period: str, group_id: int | None = None, committee_id: int | None = None):
    owner = get_owner_or_404(group_id, committee_id, need="see" if request.method == "GET" else "enter")
    sheet = Sheet(owner, period_or_404(period), page=request.args.get("page", 1, type=whole_number))
    form = entry_form(sheet, formdata=request.form if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            entries = [e for e in (read_entry(form, sheet, i) for i in sheet.indicators if not sheet.locked(i)) if e]
            submit = "submit" in request.form
            try:
                written = services.save_period(owner, period, current_user, entries, submit=submit)
            except services.IndicatorRuleError as error:
                form.form_errors.append(str(error))
            else:
                flash(ngettext("%(num)s value submitted for verification.", "%(num)s values submitted for verification.",
                               written) if submit
                      else ngettext("%(num)s value saved as a draft.", "%(num)s values saved as a draft.", written), "success")
                return redirect(owner.url("indicators.enter", period=period,
                                          **({"page": sheet.page.page} if sheet.page.page > 1 else {})))
        status = 422
    can_enter = owner.can(current_user, "enter")
    open_ids = evidence.open_on(sheet) if can_enter else set()
    return render_template("indicators/entry.html", owner=owner, sheet=sheet, form=form, field_name=field_name,
                           period_label=periods.label, cell_label=values.cell_label, can_enter=can_enter,
                           states=VALUE_STATES, htmx_check=htmx_check,
                           held=evidence.of_pairs((i.id, sheet.period) for i in sheet.indicators),
                           evidence_open=open_ids, upload=evidence_form(sheet, open_ids) if can_enter else None), status


@bp.route("/groups/<int:group_id>/periods/<period>/check/<int:indicator_id>", methods=["POST"])
@bp.route("/committees/<int:committee_id>/own-indicators/periods/<period>/check/<int:indicator_id>",
          methods=["POST"])
@login_required
def check_value(period: str, indicator_id: int, group_id: int | None = None, committee_id: int | None = None):
    """Checks one indicator's values as they are typed (htmx): each against its unit, the total
    of a split, and a jump of more than half from last period."""
    owner = get_owner_or_404(group_id, committee_id, need="enter")
    sheet = Sheet(owner, period_or_404(period), only=indicator_id)
    indicator = next((i for i in sheet.indicators if i.id == indicator_id), None)
    if indicator is None:
        abort(404)
    form = entry_form(sheet, formdata=request.form)
    messages, typed = [], []
    for index, _cell in enumerate(sheet.cells(indicator)):
        field = form[field_name(indicator, index)]
        if field.data not in (None, ""):
            if field.validate(form):
                typed.append(values.parse(indicator.unit, field.data))
            messages.extend(field.errors)
    complete = not messages and len(typed) == len(sheet.cells(indicator))
    total = sum(typed) if complete else None
    previous = sheet.previous.get(indicator.id)
    jump = complete and values.big_jump(previous, total)
    return render_template("indicators/_check.html", messages=messages, indicator=indicator, total=total,
                           split=bool(indicator.dimensions), jump=jump, previous=previous)


@bp.route("/groups/<int:group_id>/values.csv")
@bp.route("/committees/<int:committee_id>/own-indicators/values.csv")
@login_required
def export_values(group_id: int | None = None, committee_id: int | None = None):
    owner = get_owner_or_404(group_id, committee_id)
    rows = db.session.scalars(select(IndicatorValue).join(Indicator).where(owner.column == owner.id)
                              .options(joinedload(IndicatorValue.indicator))
                              .order_by(Indicator.short_name, IndicatorValue.period, IndicatorValue.cell))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["indicator_id", "indicator", "period", "cell", "split", "value", "state", "comment",
                     "return_reason"])
    for value in rows:
        writer.writerow(safe_row([value.indicator_id, value.indicator.short_name, value.period, value.cell,
                                  values.cell_label(value.cell), f"{value.value:g}", value.state, value.comment,
                                  value.return_reason]))
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="values-{owner.id}.csv"'})


IMPORT_COLUMNS = ("indicator_id", "cell", "value")


@bp.route("/groups/<int:group_id>/periods/<period>/import", methods=["GET", "POST"])
@bp.route("/committees/<int:committee_id>/own-indicators/periods/<period>/import", methods=["GET", "POST"])
@login_required
def import_values(period: str, group_id: int | None = None, committee_id: int | None = None):
    """A period's values from a CSV file: every row is checked, and either all are saved as
    drafts or none is, with a row-by-row report."""
    owner = get_owner_or_404(group_id, committee_id, need="enter")
    sheet = Sheet(owner, period_or_404(period))
    form = CsvImportForm()
    report, status = [], 200
    if form.validate_on_submit():
        try:
            text = form.file.data.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            form.file.errors.append(_("This file is not UTF-8 text. Save it as “CSV UTF-8” and try again."))
        else:
            reader = csv.DictReader(io.StringIO(text))
            rows, unreadable = read_rows(reader)
            if unreadable:
                form.file.errors.append(unreadable)
            elif missing := [c for c in IMPORT_COLUMNS if c not in (reader.fieldnames or [])]:
                form.file.errors.append(_("The file lacks the columns: %(columns)s.", columns=", ".join(missing)))
            elif len(rows) > current_app.config["IMPORT_MAX_ROWS"]:
                form.file.errors.append(_("This file has %(rows)s rows; an import takes at most %(max)s. Split it "
                                          "into smaller files. Nothing was imported.", rows=format_number(len(rows)),
                                          max=format_number(current_app.config["IMPORT_MAX_ROWS"])))
            else:
                entries, report = read_import(rows, sheet)
                if all(ok for _line, ok, _message in report) and entries:
                    try:
                        written = imports.save_import(owner, period, current_user, entries)
                    except services.IndicatorRuleError as error:
                        form.file.errors.append(str(error))
                    else:
                        flash(ngettext("%(num)s value imported as a draft: check it, then submit.",
                                       "%(num)s values imported as drafts: check them, then submit.", written),
                              "success")
                        return redirect(owner.url("indicators.enter", period=period))
                elif not entries and all(ok for _line, ok, _message in report):
                    form.file.errors.append(_("The file has no rows."))
        status = 422
    elif form.is_submitted():
        status = 422
    return render_template("indicators/import.html", owner=owner, period=period, form=form, report=report,
                           period_label=periods.label, columns=IMPORT_COLUMNS, sheet=sheet), status


def read_rows(reader: csv.DictReader) -> tuple[list[dict], str | None]:
    """Every row of the file, or why it cannot be read: a cell beyond the csv module's limit
    (128 KB), or a quote left open."""
    try:
        return list(reader), None
    except csv.Error:
        return [], _("Line %(line)s of this file cannot be read as CSV: a cell is too long or a quote is "
                     "left open. Nothing was imported.", line=reader.line_num)


def read_import(reader, sheet: Sheet):
    """(entries, report): report has (line, accepted, why) for every row."""
    by_id = {str(i.id): i for i in sheet.indicators}
    typed: dict[int, dict[str, float]] = {}
    report = []
    for line, row in enumerate(reader, start=2):
        indicator = by_id.get((row.get("indicator_id") or "").strip())
        cell = (row.get("cell") or "").strip()
        if indicator is None:
            report.append((line, False, _("No adopted indicator %(id)s reports for this period.",
                                          id=row.get("indicator_id"))))
            continue
        if cell not in values.cells(indicator.dimensions):
            report.append((line, False, _("“%(cell)s” is not a cell of %(name)s.", cell=cell,
                                          name=indicator.short_name)))
            continue
        try:
            number = values.parse(indicator.unit, row.get("value") or "")
        except ValueError as error:
            report.append((line, False, str(error)))
            continue
        if cell in typed.get(indicator.id, {}):
            report.append((line, False, _("This cell is already in the file.")))
            continue
        typed.setdefault(indicator.id, {})[cell] = number
        report.append((line, True, _("%(name)s, %(cell)s: %(value)s", name=indicator.short_name,
                                     cell=values.cell_label(cell), value=as_number(number))))
    entries = []
    for indicator_id, cells in typed.items():
        indicator = by_id[str(indicator_id)]
        if indicator.dimensions:
            if len(cells) != len(values.cells(indicator.dimensions)):
                report.append((0, False, _("%(name)s: every cell of the split is needed.", name=indicator.short_name)))
                continue
            cells[""] = sum(cells.values())
        entries.append(services.Entry(indicator=indicator, values=cells))
    return entries, report


class CsvImportForm(ImportForm):
    file = FileField(_l("CSV file"))

    def validate_file(self, field):
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError(_l("Choose a CSV file."))


class EvidenceForm(FlaskForm):
    """A photo or file for one of the period's indicators (the choices: the page's indicators)."""
    indicator = SelectField(_l("Indicator"), coerce=id_number)
    file = FileField(_l("Photo or PDF"))

    def validate_file(self, field):
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError(_l("Choose a photo or a PDF file."))


def evidence_form(sheet: Sheet, open_ids: set[int]) -> EvidenceForm:
    form = EvidenceForm(prefix="evidence")  # its fields' ids apart from the entry form's on the same page
    form.indicator.choices = choices((i.id, i.short_name) for i in sheet.indicators if i.id in open_ids)
    return form


@bp.route("/groups/<int:group_id>/periods/<period>/evidence", methods=["POST"])
@bp.route("/committees/<int:committee_id>/own-indicators/periods/<period>/evidence", methods=["POST"])
@login_required
def add_evidence(period: str, group_id: int | None = None, committee_id: int | None = None):
    """Keeps a photo or file as one indicator's evidence for the period, then back to the entry page."""
    owner = get_owner_or_404(group_id, committee_id, need="enter")
    sheet = Sheet(owner, period_or_404(period), only=request.form.get("evidence-indicator", type=whole_number))
    # Every indicator of the period is a choice here: one that is settled meanwhile gets its reason from evidence.add.
    form = evidence_form(sheet, {i.id for i in sheet.indicators})
    if form.validate_on_submit():
        indicator = next(i for i in sheet.indicators if i.id == form.indicator.data)
        try:
            kept = evidence.add(indicator, period, current_user, form.file.data)
        except evidence.EvidenceError as error:
            flash(str(error), "error")
        else:
            flash(_("“%(name)s” is kept as evidence for %(indicator)s.", name=kept.filename,
                    indicator=indicator.short_name), "success")
    else:
        flash(" ".join(str(error) for errors in form.errors.values() for error in errors), "error")
    return redirect(owner.url("indicators.enter", period=period, _anchor="evidence"))


@bp.route("/evidence/<int:evidence_id>")
@login_required
def evidence_file(evidence_id: int):
    """The file, to whoever sees the owner's data: photos shown in the page, PDFs downloaded."""
    item = get_evidence_or_404(evidence_id, "see")
    path = evidence.path_of(item)
    if not path.is_file():
        abort(404)
    # Read whole (a few MB at most): no file handle is left to the server to close.
    response = send_file(io.BytesIO(path.read_bytes()), mimetype=item.content_type, download_name=item.filename,
                         as_attachment=item.content_type == "application/pdf", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"  # people's faces and records: never in a shared cache
    return response


@bp.route("/evidence/<int:evidence_id>/remove", methods=["POST"])
@login_required
def remove_evidence(evidence_id: int):
    item = get_evidence_or_404(evidence_id, "enter")
    owner, period, name = owner_of(item.indicator), item.period, item.filename
    if EmptyForm().validate_on_submit():
        try:
            evidence.remove(item)
        except evidence.EvidenceError as error:
            flash(str(error), "error")
        else:
            flash(_("“%(name)s” is removed.", name=name), "success")
    return redirect(owner.url("indicators.enter", period=period, _anchor="evidence"))
