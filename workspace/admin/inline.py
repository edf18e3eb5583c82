"""Inline editing of a table row, shared by the area and organisation lists.

With htmx the row turns into a form in place and back; without JavaScript the same URLs serve a
full edit page that posts and redirects. Every save is audited and committed with its record.
"""
from flask import flash, redirect, render_template, url_for
from sqlalchemy.exc import IntegrityError

from workspace import audit, edits
from workspace.extensions import db
from workspace.forms import EmptyForm
from workspace.i18n import gettext as _
from workspace.pages import render_page, wants_fragment


def save_or_fail(form, record, action: str, before: dict | None) -> bool:
    """Copies the form into the record (merging an edit) and commits with an audit event.

    False (with the form carrying the reason) when the database refuses it, e.g. a name taken
    by another request a moment ago; nothing is saved then.
    """
    if action == "create":
        form.populate_obj(record)
        db.session.add(record)
    else:  # an edit made from the version the person saw (workspace/edits.py)
        edits.apply(record, form.stated(), {name: form[name].data for name in form.edit_fields}, form.labels())
    after = audit.snapshot(record)
    try:
        if action == "create" or after != before:
            audit.record(action, record, before=before, after=after)  # flushes: may raise
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        form.form_errors.append(_("This clashes with a record saved a moment ago. Check the name and try again."))
        return False
    return True


def edit_row(form, record, *, templates: dict, list_endpoint: str, context: dict):
    """GET shows the edit form; POST saves it. templates: page, row (display), edit_row (form)."""
    context = dict(context, form=form, record=record)
    form.stamp(record)
    if form.validate_on_submit():
        if save_or_fail(form, record, "update", audit.snapshot(record)):
            if wants_fragment():
                return render_template(templates["row"], **context)
            flash(_("Saved %(name)s.", name=record.name), "success")
            return redirect(url_for(list_endpoint))
        return render_page(templates["page"], templates["edit_row"], 422, **context)
    status = 422 if form.is_submitted() else 200
    return render_page(templates["page"], templates["edit_row"], status, **context)


def remove(record, refusal: str | None, list_endpoint: str):
    """Deletes a record that nothing depends on (refusal says why not, when something does)."""
    if EmptyForm().validate_on_submit():
        if refusal:
            flash(refusal, "error")
        else:
            audit.record("delete", record, before=audit.snapshot(record))
            db.session.delete(record)
            db.session.commit()
            flash(_("Removed %(name)s.", name=record.name), "success")
    return redirect(url_for(list_endpoint))
