"""The repository's settings, kept by administrators: the lifecycle groups and thematic clusters
programmes are filed under, and the GDP of each fiscal year that NGO spending is measured against."""
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from workspace import audit, edits
from workspace.access import admin_required
from workspace.extensions import db
from workspace.i18n import gettext as _
from workspace.models import GdpFigure, LifecycleGroup, ProgrammeCluster
from workspace.programmes import bp
from workspace.programmes.forms import GdpEditForm, GdpForm, ListEntryEditForm, ListEntryForm

LISTS = {"groups": LifecycleGroup, "clusters": ProgrammeCluster}


def settings_page(status: int = 200, **forms):
    groups = db.session.scalars(select(LifecycleGroup).order_by(LifecycleGroup.position, LifecycleGroup.id)).all()
    clusters = db.session.scalars(select(ProgrammeCluster).order_by(ProgrammeCluster.position,
                                                                    ProgrammeCluster.id)).all()
    figures = db.session.scalars(select(GdpFigure).order_by(GdpFigure.year.desc())).all()
    forms.setdefault("groups_form", ListEntryForm(formdata=None, prefix="groups"))
    forms.setdefault("clusters_form", ListEntryForm(formdata=None, prefix="clusters"))
    forms.setdefault("gdp_form", GdpForm(formdata=None))
    return render_template("programmes/settings.html", groups=groups, clusters=clusters, figures=figures,
                           **forms), status


@bp.route("/admin/programme-settings")
@admin_required
def settings():
    return settings_page()


def _name_taken(model, name: str, record_id: int | None = None) -> bool:
    return db.session.scalar(select(model.id).where(func.lower(model.name) == name.lower(),
                                                    model.id != (record_id or -1))) is not None


@bp.route("/admin/programme-settings/<any(groups, clusters):kind>", methods=["POST"])
@admin_required
def add_list_entry(kind: str):
    model = LISTS[kind]
    form = ListEntryForm(prefix=kind)
    if form.validate_on_submit():
        if _name_taken(model, form.name.data):
            form.name.errors.append(_("That name is in the list already."))
        else:
            position = (db.session.scalar(select(func.max(model.position))) or 0) + 1
            entry = model(name=form.name.data, position=position)
            db.session.add(entry)
            audit.record("create", entry, after=audit.snapshot(entry))
            db.session.commit()
            flash(_("Added %(name)s.", name=entry.name), "success")
            return redirect(url_for("programmes.settings"))
    return settings_page(422, **{f"{kind}_form": form})


@bp.route("/admin/programme-settings/<any(groups, clusters):kind>/<int:entry_id>", methods=["POST"])
@admin_required
def rename_list_entry(kind: str, entry_id: int):
    model = LISTS[kind]
    entry = db.get_or_404(model, entry_id)
    form = ListEntryEditForm()
    if form.validate_on_submit():
        if _name_taken(model, form.name.data, entry.id):
            flash(_("That name is in the list already."), "error")
            return settings_page(422)
        before = audit.snapshot(entry)
        edits.apply(entry, form.stated(), {"name": form.name.data}, form.labels())
        if entry.name != before["name"]:
            entry.key = None  # renamed: it now reads as the administrator wrote it, in every language
            audit.record("update", entry, before=before, after=audit.snapshot(entry))
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("programmes.settings"))
    flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
    return settings_page(422)


@bp.route("/admin/programme-settings/gdp", methods=["POST"])
@admin_required
def add_gdp():
    form = GdpForm()
    if form.validate_on_submit():
        if db.session.get(GdpFigure, form.year.data) is not None:
            form.year.errors.append(_("There is a GDP for that year already: change it in the table."))
        else:
            figure = GdpFigure(year=form.year.data, amount=form.amount.data, currency=form.currency.data)
            db.session.add(figure)
            audit.record("create", figure, after=audit.snapshot(figure))
            db.session.commit()
            flash(_("Saved the GDP of %(year)s.", year=figure.year), "success")
            return redirect(url_for("programmes.settings"))
    return settings_page(422, gdp_form=form)


@bp.route("/admin/programme-settings/gdp/<int:year>", methods=["POST"])
@admin_required
def change_gdp(year: int):
    figure = db.session.get(GdpFigure, year)
    if figure is None:
        abort(404)
    form = GdpEditForm()
    if form.validate_on_submit():
        before = audit.snapshot(figure)
        edits.apply(figure, form.stated(), {"amount": form.amount.data, "currency": form.currency.data},
                    form.labels())
        if audit.snapshot(figure) != before:
            audit.record("update", figure, before=before, after=audit.snapshot(figure), actor=current_user)
        db.session.commit()
        flash(_("Saved the GDP of %(year)s.", year=figure.year), "success")
        return redirect(url_for("programmes.settings"))
    flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
    return settings_page(422)
