from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required, logout_user

from workspace.auth import bp
from workspace.auth.attempts import TooManyAttempts
from workspace.auth.forms import ChangePasswordForm, LanguageForm, LoginForm, NewPasswordForm
from workspace.auth.services import authenticate, change_password, find_link, use_link
from workspace.auth.sessions import end_sessions, log_in, log_out
from workspace.extensions import db
from workspace.forms import EmptyForm
from workspace.i18n import LANGUAGE_COOKIE, gettext as _


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an address elsewhere (open redirect)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data, request.remote_addr or "")
        except TooManyAttempts:
            form.form_errors.append(_("Too many failed attempts. Wait 15 minutes and try again."))
            status = 429
        else:
            if user is None:
                form.form_errors.append(_("That email and password do not match an account."))
                status = 401
            elif not user.active:
                form.form_errors.append(_("This account has been deactivated. Ask an administrator."))
                status = 403
            else:
                log_in(user, remember=form.remember.data)
                return redirect(_safe_next(request.args.get("next")))
    elif form.is_submitted():
        status = 422
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    if EmptyForm().validate_on_submit():
        log_out()
        flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    """Ends every session of this person: other browsers, phones, remembered devices."""
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("auth.change_own_password"))
    end_sessions(current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash(_("You have logged out on every device."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_own_password():
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append(_("That is not your current password."))
            status = 422
        else:
            user = current_user._get_current_object()
            change_password(user, form.password.data)
            flash(_("Your password has been changed. Other devices have been logged out."), "success")
            return redirect(url_for("home.index"))
    elif form.is_submitted():
        status = 422
    return render_template("auth/change_password.html", form=form, everywhere_form=EmptyForm(),
                           language_form=LanguageForm(language=str(get_locale()))), status


@bp.route("/language", methods=["POST"])
def choose_language():
    """Kept in a cookie for this browser and, for someone logged in, on their account, so that
    their other devices and their emails follow it. A preference each person sets only for
    themselves: the last choice wins, no edit to merge."""
    form = LanguageForm()
    back = _safe_next(form.next.data)
    if not form.validate_on_submit():
        return redirect(back)
    response = redirect(back)
    response.set_cookie(LANGUAGE_COOKIE, form.language.data, max_age=365 * 24 * 3600, httponly=True,
                        samesite="Lax", secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    if current_user.is_authenticated and current_user.language != form.language.data:
        current_user.language = form.language.data
        db.session.commit()
    return response


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    link = find_link(token)
    if link is None:
        abort(404)
    form = NewPasswordForm()
    status = 200
    if form.validate_on_submit():
        log_out()  # whoever was logged in on this browser before
        user = use_link(link, form.password.data)
        log_in(user)
        flash(_("Welcome, %(name)s. Your password is set.", name=user.name), "success")
        return redirect(url_for("home.index"))
    elif form.is_submitted():
        status = 422
    return render_template("auth/set_password.html", form=form, link=link), status
