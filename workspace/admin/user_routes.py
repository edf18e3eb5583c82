"""Administration of people: accounts, invitations, password resets, deactivation."""
from functools import cache

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import Select, bindparam, or_, select
from sqlalchemy.orm import joinedload
from sqlalchemy.exc import IntegrityError

from workspace.access import admin_required
from workspace.admin import bp, services
from workspace.admin.forms import NewUserForm, UserEditForm
from workspace.forms import EmptyForm
from workspace.extensions import db
from workspace.i18n import gettext as _
from workspace.pages import paginate_built
from workspace.pickers import Picker, search_term, searching
from workspace.inputs import whole_number
from workspace.models import Organization, User

STATUSES = {"active": True, "deactivated": False}


@bp.route("/users")
@admin_required
def users():
    q = request.args.get("q", "").strip()
    organization_id = request.args.get("organization", type=whole_number)
    status = request.args.get("status", "")
    query = _people_listed(bool(q), bool(organization_id), status in STATUSES)
    page = paginate_built(query, {"pattern": f"%{q}%", "organization": organization_id,
                                  "active": STATUSES.get(status)}, current_app.config["PER_PAGE"])
    # The page's people read as the columns shown, in the page's order.
    position = {user_id: number for number, user_id in enumerate(page.items)}
    rows = sorted(db.session.execute(_people_rows(), {"ids": page.items}).all(),
                  key=lambda row: position[row.id]) if page.items else []
    return render_template("admin/users.html", page=page, rows=rows, q=q, status=status,
                           organizations=Picker("organizations", "organization", [organization_id] if organization_id else [],
                                                search_term("organization"), _("All organisations")),
                           searching=searching())


@cache
def _people_listed(by_words: bool, by_organization: bool, by_status: bool) -> Select:
    """The people listed, by name: with the words in their name or email, of an organisation, active
    or not (built once for each kind of filter; what is asked is bound on each use)."""
    query = select(User.id).order_by(User.name, User.id)
    if by_words:
        query = query.where(or_(User.name.ilike(bindparam("pattern")), User.email.ilike(bindparam("pattern"))))
    if by_organization:
        query = query.where(User.organization_id == bindparam("organization"))
    if by_status:
        query = query.where(User.active == bindparam("active"))
    return query


# Built once (its cache key too): the page's `ids`, its columns in the order users.html unpacks them.
@cache
def _people_rows() -> Select:
    return (select(User.id, User.name, User.email, User.is_admin, User.active,
                   User.password_hash.is_not(None).label("has_password"), User.last_login_at,
                   Organization.name.label("organization"), Organization.kind)
            .join(Organization, Organization.id == User.organization_id)
            .where(User.id.in_(bindparam("ids", expanding=True))))


def link_page(user: User, token: str, purpose: str):
    link = url_for("auth.set_password", token=token, _external=True)
    return render_template("admin/user_link.html", user=user, link=link, purpose=purpose)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_user():
    form = NewUserForm()
    if not db.session.scalar(select(Organization.id).limit(1)):
        flash(_("Add an organisation first: every person belongs to one."), "error")
        return redirect(url_for("admin.organizations"))
    if form.validate_on_submit():
        try:
            user, token = services.create_user(form)
        except IntegrityError:
            db.session.rollback()
            form.email.errors.append(_("Another account uses this email."))
        else:
            if token:
                return link_page(user, token, "invite")
            flash(_("Created the account for %(name)s.", name=user.name), "success")
            return redirect(url_for("admin.user", user_id=user.id))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/user_new.html", form=form), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user(user_id: int):
    user = db.get_or_404(User, user_id, options=[joinedload(User.organization).joinedload(Organization.area)])
    form = UserEditForm(obj=user, record=user)
    form.stamp(user)
    if form.validate_on_submit():
        if user.id == current_user.id and not form.is_admin.data:
            form.is_admin.errors.append(_("You cannot remove your own administrator role."))
        else:
            try:
                services.update_user(user, form)
            except IntegrityError:
                db.session.rollback()
                form.email.errors.append(_("Another account uses this email."))
            else:
                flash(_("Saved %(name)s.", name=user.name), "success")
                return redirect(url_for("admin.user", user_id=user.id))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/user.html", user=user, form=form), status


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@admin_required
def reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("admin.user", user_id=user.id))
    if not user.active:
        flash(_("Activate the account before resetting its password."), "error")
        return redirect(url_for("admin.user", user_id=user.id))
    return link_page(user, services.reset_password(user), "reset")


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@admin_required
def deactivate_user(user_id: int):
    user = db.get_or_404(User, user_id)
    if EmptyForm().validate_on_submit():
        if user.id == current_user.id:
            flash(_("You cannot deactivate your own account."), "error")
        elif user.active:
            services.set_active(user, False)
            flash(_("%(name)s can no longer log in.", name=user.name), "success")
    return redirect(url_for("admin.user", user_id=user.id))


@bp.route("/users/<int:user_id>/activate", methods=["POST"])
@admin_required
def activate_user(user_id: int):
    user = db.get_or_404(User, user_id)
    if EmptyForm().validate_on_submit() and not user.active:
        services.set_active(user, True)
        flash(_("%(name)s can log in again.", name=user.name), "success")
    return redirect(url_for("admin.user", user_id=user.id))
