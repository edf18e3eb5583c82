"""Administration of the area tree and of organisations, with inline editing."""
from functools import cache

from flask import current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import CompoundSelect, Select, bindparam, func, select, union_all
from sqlalchemy.orm import aliased, joinedload

from workspace.access import admin_required
from workspace.admin import bp
from workspace.admin.forms import AreaEditForm, AreaForm, OrganizationEditForm, OrganizationForm
from workspace.admin.group_role_routes import GroupRoleForm
from workspace.admin.inline import edit_row, remove, save_or_fail
from workspace.extensions import db
from workspace.i18n import gettext as _
from workspace.inputs import whole_number
from workspace.labels import translated
from workspace.models import (
    ORGANIZATION_KINDS, Area, AreaLineage, GroupRole, Organization, User, tree_order,
)
from workspace.pages import paginate, paginate_built, render_page, wants_fragment


# --- Organisations -------------------------------------------------------------------------

ORGANIZATION_TEMPLATES = {
    "page": "admin/organization_edit.html",
    "row": "admin/_organization_row.html",
    "edit_row": "admin/_organization_edit_row.html",
}


def organizations_page(form: OrganizationForm, status: int = 200):
    """The list of organisations (filtered, paginated) with the add form above it. The page's ids
    are found first, then its rows read as the columns shown, with each one's count of people."""
    q = request.args.get("q", "").strip()
    kind = request.args.get("kind", "")
    page = paginate_built(_organizations_listed(bool(q), kind in ORGANIZATION_KINDS), {"pattern": f"%{q}%", "kind": kind},
                          current_app.config["PER_PAGE"])
    rows = db.session.execute(_organization_rows(), {"ids": page.items}).all() if page.items else []
    return render_page("admin/organizations.html", "admin/_organizations_section.html", status,
                       page=page, rows=rows, form=form, q=q, kind=kind,
                       **organization_row_context())


@cache
def _organizations_listed(by_words: bool, by_kind: bool) -> Select:
    """The organisations listed, by name: with the words in their name, of a kind (built once for
    each kind of filter)."""
    query = select(Organization.id).order_by(Organization.name)
    if by_words:
        query = query.where(Organization.name.ilike(bindparam("pattern")))
    if by_kind:
        query = query.where(Organization.kind == bindparam("kind"))
    return query


def organization_row_context() -> dict:
    """The kinds translated, for the list's filter."""
    return {"kind_names": translated(ORGANIZATION_KINDS)}


@cache  # built once, its cache key too: each use only binds the page's ids
def _organization_rows() -> Select:
    """The organisations `ids` as the columns the list shows, with each one's count of people."""
    # Looked up row by row by index: as a join, PostgreSQL reads every area to hash them.
    area = select(Area.name).where(Area.id == Organization.area_id).scalar_subquery()
    people = select(func.count()).where(User.organization_id == Organization.id).scalar_subquery()
    return (select(Organization.id, Organization.name, Organization.kind, area, people)
            .where(Organization.id.in_(bindparam("ids", expanding=True))).order_by(Organization.name))


@bp.route("/organizations", methods=["GET", "POST"])
@admin_required
def organizations():
    form = OrganizationForm()
    if form.validate_on_submit():
        organization = Organization()
        if save_or_fail(form, organization, "create", None):
            flash(_("Added %(name)s.", name=organization.name), "success")
            if wants_fragment():
                return organizations_page(OrganizationForm(formdata=None))
            return redirect(url_for("admin.organizations"))
    return organizations_page(form, 422 if form.is_submitted() else 200)


@bp.route("/organizations/<int:organization_id>")
@admin_required
def organization(organization_id: int):
    organization = db.get_or_404(Organization, organization_id)
    if wants_fragment():  # the display row, e.g. when an inline edit is cancelled
        return render_template("admin/_organization_row.html", record=organization,
                               people=people_count(organization), **organization_row_context())
    roles, role_form = [], None
    if organization.kind == "community_group":
        roles = db.session.scalars(select(GroupRole).where(GroupRole.organization_id == organization.id)
                                   .options(joinedload(GroupRole.user))).all()
        role_form = GroupRoleForm(group=organization, formdata=None)
    return render_template("admin/organization.html", record=organization, roles=roles, role_form=role_form,
                           page=members_of(organization, request.args.get("page", 1, type=whole_number)))


def people_count(organization: Organization) -> int:
    return db.session.scalar(select(func.count()).where(User.organization_id == organization.id))


def members_of(organization: Organization, page_number: int | None):
    query = select(User).where(User.organization_id == organization.id).order_by(User.name)
    return paginate(query, current_app.config["PER_PAGE"], page_number=page_number)


@bp.route("/organizations/<int:organization_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_organization(organization_id: int):
    organization = db.get_or_404(Organization, organization_id)
    form = OrganizationEditForm(obj=organization, record=organization)
    return edit_row(form, organization, templates=ORGANIZATION_TEMPLATES, list_endpoint="admin.organizations",
                    context={"people": people_count(organization), **organization_row_context()})


@bp.route("/organizations/<int:organization_id>/delete", methods=["POST"])
@admin_required
def delete_organization(organization_id: int):
    organization = db.get_or_404(Organization, organization_id)
    refusal = people_count(organization) and _("%(name)s still has people. Move or deactivate them first.",
                                                name=organization.name)
    return remove(organization, refusal, "admin.organizations")


# --- Areas -----------------------------------------------------------------------------------

AREA_TEMPLATES = {
    "page": "admin/area_edit.html",
    "row": "admin/_area_row.html",
    "edit_row": "admin/_area_edit_row.html",
}
# The tree shows this many levels below the area being browsed (at the top: national, regions,
# districts); a national tree has thousands of communities, reached by browsing or by search.
LEVELS_SHOWN = 2


def areas_page(form: AreaForm, status: int = 200):
    """A part of the tree (the top levels, or below one area), or the areas whose names match a
    search; the add form above it. Never the whole tree. The tree's rows are read as the columns shown."""
    q = request.args.get("q", "").strip()[:100]
    within_id = request.args.get("within", type=whole_number)
    within = db.session.get(Area, within_id) if within_id else None
    if q:
        page = paginate(select(Area).where(Area.name.ilike(f"%{q}%")).options(joinedload(Area.parent))
                        .order_by(Area.name, Area.id), current_app.config["PER_PAGE"])
        rows = [(area.id, area.name, area.level, 0, area.parent and area.parent.name) for area in page.items]
    else:
        part = db.session.execute(_area_part(within is None), {"top": within.id} if within else {}).all()
        rows, page = [(area.id, area.name, area.level, depth, None) for area, depth in tree_order(part)], None
    ancestors = _lineage(within) + [within] if within else []
    return render_page("admin/areas.html", "admin/_areas_section.html", status, form=form, rows=rows, page=page,
                       q=q, within=within, ancestors=ancestors)


# The statements are built once (each use adds to a copy); building them costs more than running them.
@cache
def _area_part(at_root: bool) -> CompoundSelect:
    """The area browsed (the national area at the root, else the parameter `top`) and the
    LEVELS_SHOWN levels below it, a level at a time by parent through its index: the lineage has
    no index by depth, so asking it for two levels would read every row of the subtree (and the
    levels joined by OR, PostgreSQL reads the whole table)."""
    root = aliased(Area)
    top = select(root.id).where(root.parent_id.is_(None)).scalar_subquery() if at_root else bindparam("top")
    columns = (Area.id, Area.name, Area.level, Area.parent_id)
    levels, parents = [select(*columns).where(Area.id == top)], None
    for _depth in range(LEVELS_SHOWN):
        inside = Area.parent_id == top if parents is None else Area.parent_id.in_(parents)
        levels.append(select(*columns).where(inside))
        level = aliased(Area)
        parents = select(level.id).where(level.parent_id == top if parents is None else level.parent_id.in_(parents))
    return union_all(*levels)


def _lineage(area: Area) -> list:
    """The areas above this one, from the top: one read of the lineage, whatever the depth."""
    return db.session.execute(select(Area.id, Area.name).join(AreaLineage, AreaLineage.ancestor_id == Area.id)
                              .where(AreaLineage.area_id == area.id, AreaLineage.depth > 0)
                              .order_by(AreaLineage.depth.desc())).all()


@bp.route("/areas", methods=["GET", "POST"])
@admin_required
def areas():
    form = AreaForm()
    if form.validate_on_submit():
        area = Area()
        if save_or_fail(form, area, "create", None):
            flash(_("Added %(name)s.", name=area.name), "success")
            if wants_fragment():
                return areas_page(AreaForm(formdata=None))
            return redirect(url_for("admin.areas"))
    return areas_page(form, 422 if form.is_submitted() else 200)


@bp.route("/areas/<int:area_id>")
@admin_required
def area(area_id: int):
    area = db.get_or_404(Area, area_id)
    depth = len(list(_ancestors(area)))
    if wants_fragment():
        return render_template("admin/_area_row.html", record=area, depth=depth)
    organizations = db.session.scalars(
        select(Organization).where(Organization.area_id == area.id).order_by(Organization.name).limit(200)).all()
    return render_template("admin/area.html", record=area, ancestors=list(reversed(list(_ancestors(area)))),
                           organizations=organizations)


def _ancestors(area: Area):
    while area.parent is not None:
        area = area.parent
        yield area


@bp.route("/areas/<int:area_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_area(area_id: int):
    area = db.get_or_404(Area, area_id)
    form = AreaEditForm(obj=area, record=area)
    return edit_row(form, area, templates=AREA_TEMPLATES, list_endpoint="admin.areas",
                    context={"depth": len(list(_ancestors(area)))})


@bp.route("/areas/<int:area_id>/delete", methods=["POST"])
@admin_required
def delete_area(area_id: int):
    area = db.get_or_404(Area, area_id)
    in_use = area.children or db.session.scalar(select(func.count()).where(Organization.area_id == area.id))
    refusal = in_use and _("%(name)s still has areas or organisations inside it. Move them first.", name=area.name)
    return remove(area, refusal, "admin.areas")
