"""The programme repository: the list, one programme, adding and editing, yearly figures, who does
what where, and spending."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms.validators import ValidationError

from workspace import access, exports
from workspace.clock import local_today
from workspace.extensions import db
from workspace.i18n import gettext as _, lazy_gettext as _l, ngettext
from workspace.formatting import as_money, as_number
from workspace.inputs import whole_number
from workspace.labels import translated
from workspace.links import url_pattern
from workspace.models import (
    AREA_LEVELS, CATEGORIES, OPEN_STATUSES, PROGRAMME_STATUSES, SECTORS, SUPPORT_KINDS, Action, Area,
    FeedbackCase, Indicator, Organization, Programme, ProgrammeCluster, ProgrammeYear, within_area,
)
from workspace.pages import paginate, render_form, render_page
from workspace.pickers import Picker, search_term
from workspace.programmes import bp, figures, overlaps, services, transfer
from workspace.programmes.forms import ProgrammeEditForm, ProgrammeForm, YearEditForm, YearForm

OVERLAPS_ON_PAGE = 10


def get_programme_or_404(programme_id: int, need: str = "read", options=()) -> Programme:
    programme = db.get_or_404(Programme, programme_id, options=options)
    if need == "edit" and not access.can_edit_programme(current_user, programme):
        abort(403)
    return programme


def _owners():
    """Whose programmes this person may add: any organisation's for an administrator, else their own."""
    if access.is_admin(current_user):
        return None
    return [current_user.organization]


# --- The list ----------------------------------------------------------------------------------

@bp.route("/programmes")
@login_required
def programmes():
    q = request.args.get("q", "").strip()[:100]
    cluster = request.args.get("cluster", type=whole_number)
    sector = request.args.get("sector", "")
    area_id = request.args.get("area", type=whole_number)
    organization_id = request.args.get("organization", type=whole_number)
    query = select(Programme.id).order_by(Programme.name, Programme.id)
    if q:
        query = query.where(Programme.name.ilike(f"%{q}%"))
    if cluster:
        query = query.where(Programme.cluster_id == cluster)
    if sector in ("government", "ngo"):
        query = query.where(Programme.organization_id.in_(select(Organization.id).where(Organization.kind == sector)))
    if organization_id:
        query = query.where(Programme.organization_id == organization_id)
    if area_id:
        present = figures.presence([area_id])
        query = query.where(Programme.id.in_(select(present.c.programme_id)))
    page = paginate(query, current_app.config["PER_PAGE"], load=lambda ids: db.session.scalars(
        select(Programme).where(Programme.id.in_(select(ids.c.id))).order_by(Programme.name, Programme.id)
        .options(joinedload(Programme.organization), joinedload(Programme.cluster))).all())
    clusters, _groups = figures.lists()
    return render_page("programmes/list.html", "programmes/_list.html", page=page, q=q, cluster=cluster,
                       sector=sector, clusters=clusters,
                       areas=Picker("areas", "area", [area_id] if area_id else [], search_term("area"), _("Anywhere")),
                       organizations=Picker("organizations", "organization", [organization_id] if organization_id
                                            else [], search_term("organization"), _("Any organisation")),
                       searching=any(name.endswith("-q") and value for name, value in request.args.items()),
                       support_names=translated(SUPPORT_KINDS), programme_href=url_pattern("programmes.programme", "programme_id"))


# --- Adding and editing ------------------------------------------------------------------------

@bp.route("/programmes/new", methods=["GET", "POST"])
@login_required
def new_programme():
    if not access.can_add_programmes(current_user):
        abort(403)
    owners = _owners()
    form = ProgrammeForm(owners=owners, data={"organization_id": owners[0].id} if owners else None)
    if form.validate_on_submit():
        programme = services.create_programme(**form.programme_fields())
        flash(_("Added %(name)s to the repository.", name=programme.name), "success")
        return redirect(url_for("programmes.programme", programme_id=programme.id))
    return render_form("programmes/programme_form.html", form, programme=None)


@bp.route("/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@login_required
def edit_programme(programme_id: int):
    programme = get_programme_or_404(programme_id, "edit")
    form = ProgrammeEditForm(obj=programme, record=programme, owners=_owners(),
                             data=None if request.method == "POST" else {
                                 "partner_ids": programme.partners, "group_ids": [g.id for g in programme.groups],
                                 "area_ids": programme.areas})
    form.stamp(programme)
    if form.validate_on_submit():
        services.update_programme(programme, form.stated(), form.labels(), **form.programme_fields())
        flash(_("Saved."), "success")
        return redirect(url_for("programmes.programme", programme_id=programme.id))
    return render_form("programmes/programme_form.html", form, programme=programme)


# --- One programme -----------------------------------------------------------------------------

@bp.route("/programmes/<int:programme_id>")
@login_required
def programme(programme_id: int):
    programme = get_programme_or_404(programme_id, options=(
        joinedload(Programme.organization), joinedload(Programme.cluster), joinedload(Programme.focal_person),
        selectinload(Programme.partners), selectinload(Programme.groups), selectinload(Programme.areas),
        selectinload(Programme.years)))
    cases = dict(db.session.execute(select(FeedbackCase.category, func.count()).where(
        FeedbackCase.programme_id == programme.id).group_by(FeedbackCase.category)).all())
    actions = db.session.scalars(select(Action).where(
        Action.programme_id == programme.id, Action.status.in_(OPEN_STATUSES))
        .order_by(Action.due_date, Action.id).limit(20).options(joinedload(Action.plan))).all()
    actions = [action for action in actions if access.can_see_action(current_user, action)]
    indicators = db.session.scalars(select(Indicator).where(
        Indicator.programme_id == programme.id, Indicator.status == "adopted")
        .order_by(Indicator.short_name).limit(20).options(joinedload(Indicator.organization),
                                                          joinedload(Indicator.committee))).all()
    page = overlaps.overlaps_page(overlaps.with_programme(programme.id), OVERLAPS_ON_PAGE,
                                  page_number=request.args.get("page", 1, type=whole_number))
    return render_template("programmes/programme.html", programme=programme, cases=cases,
                           categories=translated(CATEGORIES), actions=actions, indicators=indicators,
                           overlaps=page, w=overlaps.card_words(),
                           programme_href=url_pattern("programmes.programme", "programme_id"),
                           may_edit=access.can_edit_programme(current_user, programme))


@bp.route("/programmes/<int:programme_id>/years/new", methods=["GET", "POST"])
@login_required
def new_year(programme_id: int):
    programme = get_programme_or_404(programme_id, "edit")
    form = YearForm(programme=programme)
    if form.validate_on_submit():
        fields = form.year_fields()
        services.save_year(programme, None, year=form.year.data, **fields)
        flash(_("Saved the figures of %(year)s.", year=form.year.data), "success")
        return redirect(url_for("programmes.programme", programme_id=programme.id, _anchor="years"))
    return render_form("programmes/year_form.html", form, programme=programme, record=None)


@bp.route("/programmes/<int:programme_id>/years/<int:year>", methods=["GET", "POST"])
@login_required
def edit_year(programme_id: int, year: int):
    programme = get_programme_or_404(programme_id, "edit")
    record = db.session.scalar(select(ProgrammeYear).where(ProgrammeYear.programme_id == programme.id,
                                                           ProgrammeYear.year == year))
    if record is None:
        abort(404)
    form = YearEditForm(obj=record, programme=programme, record=record)
    form.stamp(record)
    if form.validate_on_submit():
        services.save_year(programme, form.stated(), form.labels(), year=record.year, **form.year_fields())
        flash(_("Saved the figures of %(year)s.", year=record.year), "success")
        return redirect(url_for("programmes.programme", programme_id=programme.id, _anchor="years"))
    return render_form("programmes/year_form.html", form, programme=programme, record=record)


# --- Who does what where -----------------------------------------------------------------------

def _year_asked() -> int:
    year = request.args.get("year", type=whole_number)
    return year if year and 1950 <= year <= 2200 else local_today().year


@bp.route("/programmes/where")
@login_required
def where():
    """Areas at a level × clusters: programmes, organisations, people planned and budget in each,
    and the lifecycle groups each area has no programme for."""
    level = request.args.get("level", "district")
    if level not in AREA_LEVELS or level == "national":
        level = "district"
    within_id = request.args.get("within", type=whole_number)
    within = db.session.get(Area, within_id) if within_id else None
    if within is None:
        within = db.session.scalar(select(Area).where(Area.level == "national"))
    year = _year_asked()
    page = figures.areas_at(level, within.id, current_app.config["PER_PAGE"],
                            request.args.get("page", 1, type=whole_number)) if within else None
    area_ids = [area.id for area in page.items] if page else []
    cells, served = figures.matrix(area_ids, year, level)
    clusters, groups = figures.lists()
    # Each cell's words worked out here, not in the template: a page of fifty areas has hundreds of
    # cells, and the template's own translating and formatting cost most of the page's time.
    words = {key: (ngettext("%(num)s programme", "%(num)s programmes", cell.programmes),
                   ngettext("%(num)s organisation", "%(num)s organisations", cell.organizations),
                   _("%(people)s people planned", people=as_number(cell.people)) if cell.people else None,
                   [as_money(amount, currency) for currency, amount in cell.budgets.items()])
             for key, cell in cells.items()}
    served = {key: ngettext("%(num)s programme", "%(num)s programmes", number)
              for key, number in served.items() if number}
    labels = {("cluster", c.id): c.label for c in clusters} | {("group", g.id): g.label for g in groups}  # once a page
    return render_template("programmes/where.html", page=page, cells=words, served=served, clusters=clusters,
                           labels=labels,
                           groups=groups, level=level, year=year, within=within,
                           levels={k: v for k, v in translated(AREA_LEVELS).items() if k != "national"},
                           within_picker=Picker("areas", "within", [within.id] if within else [],
                                                search_term("within")),
                           list_href=url_pattern("programmes.programmes", "area", cluster="CLUSTER"))


@bp.route("/programmes/spending")
@login_required
def spending():
    clusters, _groups = figures.lists()
    return render_template("programmes/spending.html", spending=figures.spending(), clusters=clusters,
                           sectors=translated(SECTORS))


# --- The repository in and out (3W with HXL) ----------------------------------------------------

@bp.route("/programmes/export.<any(csv, xlsx):fmt>")
@login_required
def export(fmt: str):
    name = f"programmes-3w-{local_today().isoformat()}"
    if fmt == "csv":
        heading, tags = transfer.headings()
        return exports.csv_response(heading, transfer.rows(), name, more_headings=(tags,))
    return exports.xlsx_response(transfer.headings(), transfer.rows(), name, _("Programmes"), transfer.WIDTHS)


class ImportForm(FlaskForm):
    file = FileField(_l("CSV or Excel file"))

    def validate_file(self, field):
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError(_l("Choose a CSV or Excel file."))


@bp.route("/programmes/import", methods=["GET", "POST"])
@login_required
def import_programmes():
    """Programmes from a 3W file: every row checked, then all saved, or none, with a row-by-row report."""
    if not access.can_add_programmes(current_user):
        abort(403)
    form = ImportForm()
    report = []
    if form.validate_on_submit():
        table, unreadable = transfer.table_of(form.file.data)
        if unreadable:
            form.file.errors.append(unreadable)
        else:
            plans, report = transfer.read(table)
            if plans:
                saved = transfer.save(plans)
                flash(ngettext("%(num)s programme added to the repository.",
                               "%(num)s programmes added to the repository.", saved), "success")
                return redirect(url_for("programmes.programmes"))
            form.file.errors.append(_("Nothing was imported: correct the rows marked below and send the file again."))
    return render_template("programmes/import.html", form=form, report=report,
                           columns=[(str(heading), tag) for heading, tag in transfer.COLUMNS]), 422 if form.is_submitted() else 200
