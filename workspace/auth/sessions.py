"""How a request finds its user, and what happens when it has none."""
from flask import redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from workspace.extensions import db, htmx
from workspace.models import User


def load_user(session_id: str) -> User | None:
    # The session id carries the user's session_version: a password change or a reset raises
    # it and so ends every other session of that user.
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.active:
        return None
    return user


def unauthorized():
    target = url_for("auth.login", next=request.full_path.rstrip("?") if request.method == "GET" else None)
    if htmx:
        return "", 401, {"HX-Redirect": target}
    return redirect(target)


def configure_login(login_manager: LoginManager) -> None:
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(unauthorized)
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.session_protection = "basic"
