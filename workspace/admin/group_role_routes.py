"""A community group's coordinators (its own people) and verifiers (NGO or government staff),
named by administrators."""
from flask import abort, flash, redirect, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField

from workspace import audit
from workspace.access import admin_required
from workspace.admin import bp
from workspace.extensions import db
from workspace.forms import EmptyForm, choices, id_number
from workspace.i18n import gettext as _, lazy_gettext as _l
from workspace.models import GROUP_ROLES, GroupRole, Organization, User


class GroupRoleForm(FlaskForm):
    user_id = SelectField(_l("Person"), coerce=id_number)
    role = SelectField(_l("Role"), choices=choices(GROUP_ROLES))

    def __init__(self, *args, group: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        people = db.session.execute(select(User.id, User.name, Organization.name.label("org"))
                                    .join(Organization, Organization.id == User.organization_id)
                                    .where(User.active.is_(True)).order_by(User.name)).all()
        self.user_id.choices = choices((p.id, f"{p.name} ({p.org})") for p in people)


def role_problem(group: Organization, user: User, role: str) -> str | None:
    if role == "coordinator" and user.organization_id != group.id:
        return _("A coordinator is one of the group's own people.")
    if role == "verifier" and (user.organization_id == group.id or user.sector not in ("ngo", "government")):
        return _("A verifier is NGO or government staff from outside the group.")
    if db.session.scalar(select(GroupRole.id).where(GroupRole.organization_id == group.id,
                                                    GroupRole.user_id == user.id, GroupRole.role == role)):
        return _("%(name)s already has this role.", name=user.name)
    return None


@bp.route("/organizations/<int:organization_id>/roles", methods=["POST"])
@admin_required
def add_group_role(organization_id: int):
    group = db.get_or_404(Organization, organization_id)
    if group.kind != "community_group":
        abort(404)
    form = GroupRoleForm(group=group)
    if form.validate_on_submit():
        user = db.session.get(User, form.user_id.data)
        problem = role_problem(group, user, form.role.data)
        if problem:
            flash(problem, "error")
        else:
            role = GroupRole(organization=group, user=user, role=form.role.data)
            db.session.add(role)
            audit.record("create", role, after=audit.snapshot(role))
            db.session.commit()
            flash(_("%(name)s is now %(role)s of %(group)s.", name=user.name, role=role.role, group=group.name),
                  "success")
    else:
        flash(_("Choose a person and a role."), "error")
    return redirect(url_for("admin.organization", organization_id=group.id))


@bp.route("/organizations/<int:organization_id>/roles/<int:role_id>/remove", methods=["POST"])
@admin_required
def remove_group_role(organization_id: int, role_id: int):
    role = db.get_or_404(GroupRole, role_id)
    if role.organization_id != organization_id:
        abort(404)
    if EmptyForm().validate_on_submit():
        audit.record("delete", role, before=audit.snapshot(role))
        db.session.delete(role)
        db.session.commit()
        flash(_("Removed."), "success")
    return redirect(url_for("admin.organization", organization_id=organization_id))
