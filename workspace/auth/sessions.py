"""How a request finds its user, and what happens when it has none.

A login is a row in login_sessions. Flask-Login keeps "user id:token" in the session cookie (and
in the remember-me cookie); the row holds only the token's hash. A request is logged in while
its row exists, has not expired and the user is active, so deleting rows ends sessions at once,
copied cookies included. Nothing is written on an ordinary request.
"""
from functools import cache

from flask import current_app, redirect, request, session, url_for
from flask_login import LoginManager, current_user, login_user, logout_user, user_loaded_from_cookie
from sqlalchemy import Select, bindparam, delete, select
from sqlalchemy.orm import joinedload

from workspace.access import keep_roles, roles_of_user_columns
from workspace.clock import utcnow
from workspace.extensions import db, htmx
from workspace.i18n import lazy_gettext as _l
from workspace.models import LoginSession, User, hash_token


@cache
def _user_of_session() -> Select:
    """The active user holding a live login session, with their organisation (every page asks for
    the user's sector: the menu does) and their roles in committees and groups. Built once: every
    request runs it."""
    return (select(User, *roles_of_user_columns(User.id)).join(LoginSession, LoginSession.user_id == User.id)
            .options(joinedload(User.organization))
            .where(User.id == bindparam("user_id"), User.active.is_(True),
                   LoginSession.token_hash == bindparam("token_hash"), LoginSession.expires_at > bindparam("now")))


def load_user(session_id: str) -> User | None:
    user_id, _, token = session_id.partition(":")
    if not (user_id.isdigit() and token):
        return None
    row = db.session.execute(_user_of_session(), {"user_id": int(user_id), "token_hash": hash_token(token),
                                                  "now": utcnow()}).first()
    if row is None:
        return None
    user, committee_roles, group_roles = row
    user.login_token = token
    keep_roles(user, committee_roles, group_roles)
    return user


def _open(user: User, remember: bool) -> None:
    """A new login session row for the user; this request carries its token from now on."""
    config = current_app.config
    lifetime = config["REMEMBER_COOKIE_DURATION"] if remember else config["PERMANENT_SESSION_LIFETIME"]
    row, user.login_token = LoginSession.open(user, lifetime)
    db.session.add(row)


def log_in(user: User, remember: bool = False) -> None:
    """Opens a login session and logs this browser into it. Expired sessions are cleared here,
    the one moment that writes anyway."""
    db.session.execute(delete(LoginSession).where(LoginSession.expires_at <= utcnow()))
    _open(user, remember)
    db.session.commit()
    login_user(user, remember=remember)


def log_out() -> None:
    """Ends this browser's login session: the cookies, and the row, so that a copy is useless."""
    token = getattr(current_user, "login_token", None)
    if token:
        db.session.execute(delete(LoginSession).where(LoginSession.token_hash == hash_token(token)))
        db.session.commit()
    logout_user()


def end_sessions(user: User, keep_current: bool = False) -> None:
    """Ends the user's login sessions everywhere (but this one, with keep_current); the caller
    commits, with the change that called for it."""
    query = delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep_current and user.login_token:
        query = query.where(LoginSession.token_hash != hash_token(user.login_token))
    db.session.execute(query)


def rotate_remembered(app, user: User, **_) -> None:
    """A request logged in from the remember-me cookie swaps it for a new one: the old cookie
    (a copy of it, say) stops working, and a stolen one is good only until its owner returns."""
    old_token = user.login_token
    _open(user, remember=True)
    db.session.execute(delete(LoginSession).where(LoginSession.token_hash == hash_token(old_token)))
    db.session.commit()
    # Flask-Login writes the cookie again from these at the end of the request.
    session["_user_id"] = user.get_id()
    session["_remember"] = "set"


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
    user_loaded_from_cookie.connect(rotate_remembered)
