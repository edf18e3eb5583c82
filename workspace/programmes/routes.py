"""The programme repository: the list, one programme, adding and editing, yearly figures, who does
what where, and spending."""
from collections import OrderedDict
from contextlib import suppress
from functools import cache
from typing import NamedTuple

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from sqlalchemy import bindparam, func, literal_column, null, select, union_all
from sqlalchemy.orm import aliased, joinedload

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
    AREA_LEVELS, CATEGORIES, OPEN_STATUSES, PROGRAMME_STATUSES, SECTORS, SUPPORT_KINDS, Action, ActionPlan, Area,
    Committee, FeedbackCase, Indicator, LifecycleGroup, Organization, Programme, ProgrammeCluster, ProgrammeYear,
    programme_areas, programme_groups, programme_partners, within_area,
)
from workspace.pages import paginate_built, read, render_form, render_page
from workspace.pickers import Picker, area_label, search_term, searching
from workspace.programmes import bp, figures, overlaps, services, transfer
from workspace.reading import fixed
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
    asked = {"pattern": f"%{q}%" if q else None, "cluster": cluster or None,
             "sector": sector if sector in ("government", "ngo") else None,
             "organization": organization_id or None, "area": area_id or None}
    asked = {name: value for name, value in asked.items() if value is not None}
    page = paginate_built(_list_statement(*sorted(asked)), asked, current_app.config["PER_PAGE"], rows=_list_rows)
    clusters = figures.clusters()
    return render_page("programmes/list.html", "programmes/_list.html", page=page, q=q, cluster=cluster,
                       sector=sector, clusters=clusters,
                       cluster_labels={c.id: c.label for c in clusters},
                       areas=Picker("areas", "area", [area_id] if area_id else [], search_term("area"), _("Anywhere")),
                       organizations=Picker("organizations", "organization", [organization_id] if organization_id
                                            else [], search_term("organization"), _("Any organisation")),
                       searching=searching(),
                       support_names=translated(SUPPORT_KINDS), programme_href=url_pattern("programmes.programme", "programme_id"))


@cache
def _list_statement(*filters: str):
    """The list's ids, by name, with these filters (names of its parameters): built once for each
    set of filters, the values bound as the page is asked for."""
    query = select(Programme.id).order_by(Programme.name, Programme.id)
    if "pattern" in filters:
        query = query.where(Programme.name.ilike(bindparam("pattern")))
    if "cluster" in filters:
        query = query.where(Programme.cluster_id == bindparam("cluster"))
    if "sector" in filters:
        query = query.where(Programme.organization_id.in_(
            select(Organization.id).where(Organization.kind == bindparam("sector"))))
    if "organization" in filters:
        query = query.where(Programme.organization_id == bindparam("organization"))
    if "area" in filters:
        present = figures.presence([bindparam("area")])
        query = query.where(Programme.id.in_(select(present.c.programme_id)))
    return query


def _list_rows(ids):
    """The page's rows as plain columns: a list of fifty built as records with their owners and
    clusters cost more than its markup."""
    return (select(Programme.id, Programme.name, Organization.name.label("organization_name"), Programme.cluster_id,
                   Programme.support_kind, Programme.starts_on, Programme.ends_on)
            .join(Organization, Organization.id == Programme.organization_id)
            .where(Programme.id.in_(select(ids.c.id))).order_by(Programme.name, Programme.id))


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

# Built once, their cache keys too: each view binds the programme's id. (Building them, with their
# loader options, cost more than running them.)
@cache
def _programme_statements() -> dict:
    programme_id = bindparam("programme_id")
    # Its first adopted indicators, found through the programme index in a subquery: where few
    # indicators name a programme, SQLite's statistics have it scan them all for `programme_id = ?`.
    indicators = (select(literal_column("'indicator'").label("kind"), Indicator.id, Indicator.short_name.label("name"),
                         func.coalesce(Organization.name, Committee.name).label("key"),
                         literal_column("0").label("position"))
                  .outerjoin(Organization, Organization.id == Indicator.organization_id)
                  .outerjoin(Committee, Committee.id == Indicator.committee_id)
                  .where(Indicator.id.in_(select(Indicator.id).where(Indicator.programme_id == programme_id)
                                          .scalar_subquery()), Indicator.status == "adopted")
                  .order_by(Indicator.short_name).limit(20))
    return {
        "programme": select(Programme).where(Programme.id == programme_id).options(
            joinedload(Programme.organization), joinedload(Programme.cluster), joinedload(Programme.focal_person)),
        # What it is linked to, read as rows rather than through the relationships' loaders, in one
        # query: (kind, id, name, key, position), each kind in its order (the cases: id is the count;
        # the adopted indicators: key is the name of their group or committee).
        "linked": union_all(
            select(literal_column("'area'").label("kind"), Area.id, Area.name, null().label("key"),
                   literal_column("0").label("position"))
            .join(programme_areas, programme_areas.c.area_id == Area.id)
            .where(programme_areas.c.programme_id == programme_id),
            select(literal_column("'partner'"), Organization.id, Organization.name, null(), literal_column("0"))
            .join(programme_partners, programme_partners.c.organization_id == Organization.id)
            .where(programme_partners.c.programme_id == programme_id),
            select(literal_column("'group'"), LifecycleGroup.id, LifecycleGroup.name, LifecycleGroup.key,
                   LifecycleGroup.position)
            .join(programme_groups, programme_groups.c.group_id == LifecycleGroup.id)
            .where(programme_groups.c.programme_id == programme_id),
            select(literal_column("'case'"), func.count(), FeedbackCase.category, null(), literal_column("0"))
            .where(FeedbackCase.programme_id == programme_id).group_by(FeedbackCase.category),
            indicators.subquery().select(),
        ).order_by(literal_column("kind"), literal_column("position"), literal_column("name"), literal_column("id")),
        "years": select(ProgrammeYear.year, ProgrammeYear.beneficiaries_planned, ProgrammeYear.beneficiaries_reached,
                        ProgrammeYear.reached_note, ProgrammeYear.budget, ProgrammeYear.currency,
                        ProgrammeYear.funding_source)
        .where(ProgrammeYear.programme_id == programme_id).order_by(ProgrammeYear.year.desc()),
        # The actions and indicators as the columns shown (and those access.can_see_action reads),
        # not records: loading forty records cost more than the rest of these lists.
        "actions": select(Action.id, Action.title, Action.due_date, Action.responsible_organization_id,
                          Action.focal_person_id, ActionPlan.committee_id, ActionPlan.organization_id)
        .join(ActionPlan, ActionPlan.id == Action.plan_id)
        .where(Action.programme_id == programme_id, Action.status.in_(OPEN_STATUSES))
        .order_by(Action.due_date, Action.id).limit(20),
    }


class _IndicatorShown(NamedTuple):
    """An adopted indicator of the programme as its page lists it."""
    id: int
    short_name: str
    owner_name: str


class _PlanSeen(NamedTuple):
    """What access.can_see_plan reads of a plan."""
    committee_id: int | None
    organization_id: int | None


class _ActionShown(NamedTuple):
    """An open action of the programme as its page lists it, with what access.can_see_action reads."""
    id: int
    title: str
    due_date: object
    responsible_organization_id: int
    focal_person_id: int | None
    plan: _PlanSeen


@bp.route("/programmes/<int:programme_id>")
@login_required
def programme(programme_id: int):
    statements, asked = _programme_statements(), {"programme_id": programme_id}
    programme = db.session.scalars(statements["programme"], asked).first()
    if programme is None:
        abort(404)
    linked = {"areas": [], "partners": [], "groups": [], "cases": {}, "indicators": []}
    for kind, some_id, name, key, _position in read(statements["linked"], asked):
        if kind == "area":
            linked["areas"].append((some_id, name))
        elif kind == "partner":
            linked["partners"].append(name)
        elif kind == "group":
            linked["groups"].append(figures.label_of(LifecycleGroup, key, name))
        elif kind == "indicator":
            linked["indicators"].append(_IndicatorShown(some_id, name, key))
        else:
            linked["cases"][name] = some_id
    linked["years"] = read(statements["years"], asked).all()
    shown = (_ActionShown(*row[:5], _PlanSeen(*row[5:])) for row in read(statements["actions"], asked))
    actions = [action for action in shown if access.can_see_action(current_user, action)]
    statement, parameters = overlaps.programme_pairs(programme.id)
    page = overlaps.overlaps_page(statement, OVERLAPS_ON_PAGE, parameters=parameters,
                                  page_number=request.args.get("page", 1, type=whole_number))
    return render_template("programmes/programme.html", programme=programme, **linked,
                           categories=translated(CATEGORIES), actions=actions,
                           overlaps=page, w=overlaps.card_words(),
                           programme_href=url_pattern("programmes.programme", "programme_id"),
                           area_href=url_pattern("programmes.programmes", "area"),
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


def _matrix_rows(areas, cells, served, clusters, groups, labels) -> tuple[list, list]:
    """[(area name, its cells' markup)] for the matrix and for the gaps, the cells in the columns'
    order. Written here, not in the template: a page of fifty areas has some five hundred cells,
    and a template escaping each part of each cost more than the rest of the page. Each part is
    escaped once: the words of a count, a column's label and link, a cell without figures, are
    made once a page, as the same few recur from cell to cell."""
    words = {}

    def count_words(what, number):
        # The messages written out here, not in the f-strings below, where they are not collected.
        key = (what, number)
        if key not in words:
            words[key] = escape(ngettext("%(num)s programme", "%(num)s programmes", number) if what == "programmes"
                                else ngettext("%(num)s organisation", "%(num)s organisations", number))
        return words[key]

    people_words = _("%(people)s people planned")
    none = escape(_("none"))
    gap = escape(_("Gap"))
    list_href = url_pattern("programmes.programmes", "area", cluster="CLUSTER")
    # (cluster, the cell's opening up to its link's address, that address with {0} for the area,
    # the cell when the area has no programme of the cluster)
    columns = [(c.id, f'<td data-label="{escape(labels["cluster", c.id])}"><a href="',
                str(escape(list_href.replace("CLUSTER", str(c.id)))),
                f'<td data-label="{escape(labels["cluster", c.id])}"><span class="gap">{none}</span></td>')
               for c in clusters]
    group_columns = [(g.id, escape(labels["group", g.id])) for g in groups]
    gap_cells = {}  # (group, number of programmes): the cell

    def gap_cell(group_id, label, number):
        key = (group_id, number)
        if key not in gap_cells:
            gap_cells[key] = (f'<td data-label="{label}">'
                              f'{count_words("programmes", number)}</td>' if number else
                              f'<td data-label="{label}"><strong class="gap">{gap}</strong></td>')
        return gap_cells[key]

    rows, gaps = [], []
    for area_id, name in areas:
        row = []
        for cluster_id, opening, href, empty in columns:
            cell = cells.get((area_id, cluster_id))
            if cell is None:
                row.append(empty)
                continue
            row.append(opening)
            row.append(href.format(area_id))
            row.append(f'">{count_words("programmes", cell.programmes)}</a>'
                       f'<span class="meta">'
                       f'{count_words("organisations", cell.organizations)}</span>')
            if cell.people:
                row.append(f'<span class="meta">{escape(people_words % {"people": as_number(cell.people)})}</span>')
            row.extend(f'<span class="meta">{escape(as_money(amount, currency))}</span>'
                       for currency, amount in cell.budgets.items())
            row.append("</td>")
        rows.append((name, Markup("".join(row))))
        gaps.append((name, Markup("".join(gap_cell(group_id, label, served.get((area_id, group_id), 0))
                                          for group_id, label in group_columns))))
    return rows, gaps


@cache
def _area_row(which: str):
    """An area's row, "by id" (parameter `id`) or "the country", with its label as the place
    picker gives it (its parent's name too): built once, its cache key too. The country's level is
    written into the SQL: planned for any level, PostgreSQL planned it again each time."""
    parent = aliased(Area)
    found = Area.id == bindparam("id") if which == "by id" else Area.level == fixed("national")
    return (select(Area.id, Area.name, Area.parent_id, area_label(Area, parent).label("label"))
            .outerjoin(parent, parent.id == Area.parent_id).where(found))


# The matrix's rows as drawn, kept (in this process) for the views that show the same figures in the
# same words: its key is everything they are drawn from, so a change to any figure, name or label,
# or another language, is drawn afresh, never served an old drawing.
DRAWINGS_KEPT = 32
_drawings: OrderedDict[tuple, tuple[list, list]] = OrderedDict()


def _drawn_matrix(areas, cells, served, clusters, groups, labels) -> tuple[list, list]:
    key = (str(get_locale()), tuple(tuple(area) for area in areas), tuple(labels.items()),
           tuple((place, cell.programmes, cell.organizations, cell.people, tuple(cell.budgets.items()))
                 for place, cell in cells.items()), tuple(served.items()))
    drawing = _drawings.get(key)
    if drawing is None:
        drawing = _drawings[key] = _matrix_rows(areas, cells, served, clusters, groups, labels)
        while len(_drawings) > DRAWINGS_KEPT:
            _drawings.popitem(last=False)
    else:
        with suppress(KeyError):  # another thread may have just let it go
            _drawings.move_to_end(key)
    return drawing


@bp.route("/programmes/where")
@login_required
def where():
    """Areas at a level × clusters: programmes, organisations, people planned and budget in each,
    and the lifecycle groups each area has no programme for."""
    level = request.args.get("level", "district")
    if level not in AREA_LEVELS or level == "national":
        level = "district"
    within_id = request.args.get("within", type=whole_number)
    within = read(_area_row("by id"), {"id": within_id}).first() if within_id else None
    if within is None:
        within = read(_area_row("the country")).first()
    year = _year_asked()
    page = figures.areas_at(level, within, current_app.config["PER_PAGE"]) if within else None
    area_ids = [area.id for area in page.items] if page else []
    cells, served = figures.matrix(area_ids, year, level)
    clusters, groups = figures.lists()
    labels = {("cluster", c.id): c.label for c in clusters} | {("group", g.id): g.label for g in groups}  # once a page
    rows, gaps = _drawn_matrix(page.items if page else (), cells, served, clusters, groups, labels)
    return render_template("programmes/where.html", page=page, rows=rows, gaps=gaps, clusters=clusters,
                           labels=labels, groups=groups, level=level, year=year, within=within,
                           levels={k: v for k, v in translated(AREA_LEVELS).items() if k != "national"},
                           within_picker=Picker("areas", "within", [within.id] if within else [],
                                                search_term("within"),
                                                known={within.id: within.label} if within else None))


@bp.route("/programmes/spending")
@login_required
def spending():
    return render_template("programmes/spending.html", spending=figures.spending(), clusters=figures.clusters(),
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
