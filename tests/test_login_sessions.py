"""Login sessions held on the server (logging out ends copies of the cookies too), remember-me
rotation, the one attempt limiter on logins and join codes, equal login timing, the client's
address behind a proxy, and the cache and HTTPS headers."""
import statistics
import time
from datetime import date, timedelta

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix

from tests import factories
from tests.conftest import login
from workspace.auth.sessions import load_user
from workspace.clock import utcnow
from workspace.config import from_environment
from workspace.extensions import db
from workspace.models import FailedAttempt, LoginSession, User, accounts
from workspace.sessions import services as session_services

SESSION, REMEMBER = "session", "remember_token"


def cookies_of(client) -> dict:
    return {name: client.get_cookie(name).value for name in (SESSION, REMEMBER) if client.get_cookie(name)}


def browser_with(app, cookies: dict):
    """A fresh browser holding copies of the given cookies."""
    browser = app.test_client()
    for name, value in cookies.items():
        browser.set_cookie(name, value)
    return browser


def logged_in(browser) -> bool:
    response = browser.get("/")
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/login")
    return response.status_code == 200


def sessions_of(user) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(LoginSession)
                             .where(LoginSession.user_id == user.id))


def remembered_login(client, user):
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD, "remember": "y"})
    assert response.status_code == 302 and client.get_cookie(REMEMBER) is not None
    return response


# --- Logging out ends the session on the server --------------------------------------------------

def test_logout_ends_a_copied_session_cookie(app, client):
    user = factories.make_user()
    login(client, user)
    copied = cookies_of(client)
    assert set(copied) == {SESSION} and logged_in(browser_with(app, copied))
    client.post("/logout")
    assert not logged_in(browser_with(app, copied))
    assert sessions_of(user) == 0


def test_logout_ends_a_copied_remember_cookie(app, client):
    user = factories.make_user()
    remembered_login(client, user)
    copied = cookies_of(client)
    client.post("/logout")
    assert not logged_in(browser_with(app, copied))
    assert not logged_in(browser_with(app, {REMEMBER: copied[REMEMBER]}))


def test_the_session_id_carries_a_token_not_a_counter(client):
    user = factories.make_user()
    login(client, user)
    with client.session_transaction() as session:
        user_id, _, token = session["_user_id"].partition(":")
    assert user_id == str(user.id) and len(token) >= 40
    # Only the token's hash is kept.
    row = db.session.scalar(db.select(LoginSession).where(LoginSession.user_id == user.id))
    assert row.token_hash != token and row.token_hash == accounts.hash_token(token)


def test_a_made_up_or_expired_session_is_refused(app, client):
    user = factories.make_user()
    login(client, user)
    with client.session_transaction() as session:
        real = session["_user_id"]
        session["_user_id"] = f"{user.id}:not-the-token"
    assert not logged_in(client)
    with client.session_transaction() as session:
        session["_user_id"] = real
    assert logged_in(client)
    db.session.execute(db.update(LoginSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert not logged_in(client)
    # The next login anywhere clears the expired row.
    login(app.test_client(), factories.make_user())
    assert sessions_of(user) == 0


def test_loading_the_user_is_one_query(app, client, count_queries):
    user = factories.make_user()
    login(client, user)
    with client.session_transaction() as session:
        session_id = session["_user_id"]
    with app.test_request_context(), count_queries() as counter:
        assert load_user(session_id).id == user.id
    assert counter.count == 1
    db.session.execute(db.update(User).values(active=False))
    db.session.commit()
    with app.test_request_context():
        assert load_user(session_id) is None


def test_logout_everywhere(app, client):
    user = factories.make_user()
    other_user = factories.make_user()
    phone, laptop, someone_else = app.test_client(), app.test_client(), app.test_client()
    login(client, user)
    remembered_login(phone, user)
    login(laptop, user)
    login(someone_else, other_user)
    page = client.get("/account/password").get_data(as_text=True)
    assert 'action="/account/logout-everywhere"' in page
    response = client.post("/account/logout-everywhere")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert not any(logged_in(browser) for browser in (client, phone, laptop))
    assert not logged_in(browser_with(app, {REMEMBER: phone.get_cookie(REMEMBER).value}))
    assert sessions_of(user) == 0
    assert logged_in(someone_else)


def test_logout_everywhere_needs_the_csrf_token(app):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    user = factories.make_user()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"email": user.email, "password": factories.PASSWORD, "csrf_token": token})
    assert logged_in(client)
    assert client.post("/account/logout-everywhere").status_code == 400
    assert logged_in(client) and sessions_of(user) == 1


# --- Remember me ---------------------------------------------------------------------------------

def test_the_remember_cookie_is_rotated_and_the_old_one_refused(app, client):
    user = factories.make_user()
    remembered_login(client, user)
    old = client.get_cookie(REMEMBER).value

    # The browser was closed: only the remember-me cookie comes back.
    reopened = browser_with(app, {REMEMBER: old})
    response = reopened.get("/")
    assert response.status_code == 200
    new = reopened.get_cookie(REMEMBER).value
    assert new != old
    assert sessions_of(user) == 1  # the old row was replaced, not added to

    assert not logged_in(browser_with(app, {REMEMBER: old}))
    assert logged_in(reopened)
    # The new cookie logs in a closed browser again (and is swapped in its turn).
    assert logged_in(browser_with(app, {REMEMBER: new}))
    assert not logged_in(browser_with(app, {REMEMBER: new}))


def test_an_ordinary_request_writes_nothing(client, count_queries):
    user = factories.make_user()
    login(client, user)
    with count_queries() as counter:
        assert logged_in(client)
    writes = [s for s in counter.statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []


# --- Password changes, resets and deactivation end sessions --------------------------------------

def test_a_password_change_keeps_this_session_and_ends_the_others(app, client):
    user = factories.make_user()
    login(client, user)
    phone = app.test_client()
    remembered_login(phone, user)
    remember_copy = phone.get_cookie(REMEMBER).value
    response = client.post("/account/password", data={
        "current": factories.PASSWORD, "password": "a new long password", "confirm": "a new long password"})
    assert response.status_code == 302
    assert logged_in(client)
    assert not logged_in(phone)
    assert not logged_in(browser_with(app, {REMEMBER: remember_copy}))
    assert sessions_of(user) == 1


@pytest.mark.parametrize("action", ["deactivate", "reset-password"])
def test_deactivation_and_reset_end_every_session(app, client, action):
    admin = factories.make_admin()
    login(client, admin)
    user = factories.make_user()
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user)
    remembered_login(phone, user)
    remember_copy = phone.get_cookie(REMEMBER).value
    assert client.post(f"/admin/users/{user.id}/{action}").status_code in (200, 302)
    assert sessions_of(user) == 0
    assert not logged_in(laptop) and not logged_in(phone)
    assert not logged_in(browser_with(app, {REMEMBER: remember_copy}))
    assert logged_in(client)


def test_a_set_password_link_ends_other_sessions_and_logs_in_here(app, client):
    admin = factories.make_admin()
    login(client, admin)
    user = factories.make_user()
    page = client.post(f"/admin/users/{user.id}/reset-password").get_data(as_text=True)
    path = "/set-password/" + page.split("/set-password/")[1].split('"')[0].split("<")[0]
    # Someone else logged in on the browser where the link is opened is logged out of it.
    shared = app.test_client()
    other = factories.make_user()
    login(shared, other)
    response = shared.post(path, data={"password": "a new long password", "confirm": "a new long password"})
    assert response.status_code == 302
    assert sessions_of(other) == 0 and sessions_of(user) == 1
    assert user.name in shared.get("/").get_data(as_text=True)


# --- One limiter for logins and join codes -------------------------------------------------------

@pytest.fixture
def open_session(app):
    committee = factories.make_committee(level="local")
    facilitator = factories.add_member(committee, sector="ngo")
    return session_services.create_session(facilitator, title="Workshop", held_on=date.today(),
                                           committee_id=committee.id, votes_per_participant=3, votes_per_idea=2)


def join(browser, code, address="10.0.0.1"):
    return browser.post("/join", data={"code": code, "display_name": "Halima"},
                        environ_base={"REMOTE_ADDR": address})


def wrong_code(session) -> str:
    return "AAAAAA" if session.join_code != "AAAAAA" else "BBBBBB"


def test_join_codes_are_limited_per_address(app, open_session):
    app.config["JOIN_MAX_FAILURES_PER_ADDRESS"] = 3
    for _ in range(3):  # a new browser each time: only the address ties them together
        response = join(app.test_client(), wrong_code(open_session))
        assert response.status_code == 422 and "No open session has this code" in response.get_data(as_text=True)
    response = join(app.test_client(), open_session.join_code)
    assert response.status_code == 429
    assert "Too many wrong codes. Wait 15 minutes and try again." in response.get_data(as_text=True)
    # Someone at another address still joins with the right code.
    response = join(app.test_client(), open_session.join_code, address="10.0.0.2")
    assert response.status_code == 302 and response.headers["Location"] == f"/sessions/{open_session.id}"


def test_join_codes_are_limited_per_browser(app, client, open_session):
    app.config["JOIN_MAX_FAILURES_PER_BROWSER"] = 3
    for n in range(3):  # a new address each time: only the browser ties them together
        assert join(client, wrong_code(open_session), address=f"10.0.1.{n}").status_code == 422
    assert join(client, open_session.join_code, address="10.0.1.99").status_code == 429
    assert join(app.test_client(), open_session.join_code, address="10.0.1.99").status_code == 302


def test_the_default_join_limit_stops_guessing_fast(app, client, open_session):
    statuses = [join(client, wrong_code(open_session)).status_code for _ in range(12)]
    allowed = app.config["JOIN_MAX_FAILURES_PER_ADDRESS"]
    assert statuses == [422] * allowed + [429] * (12 - allowed)


def test_logins_and_joins_count_apart(app, client, open_session):
    app.config["JOIN_MAX_FAILURES_PER_ADDRESS"] = 2
    for _ in range(2):
        client.post("/login", data={"email": "nobody@example.org", "password": "x"},
                    environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert join(app.test_client(), open_session.join_code).status_code == 302
    keys = set(db.session.scalars(db.select(FailedAttempt.key)))
    assert keys == {"login-email:nobody@example.org", "login-address:10.0.0.1"}


def test_expired_failures_no_longer_count(app, client):
    user = factories.make_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/login", data={"email": user.email, "password": "wrong"})
    assert client.post("/login", data={"email": user.email, "password": factories.PASSWORD}).status_code == 429
    db.session.execute(db.update(FailedAttempt).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.post("/login", data={"email": user.email, "password": factories.PASSWORD}).status_code == 302


# --- Login takes as long for an unknown email as for a real account ------------------------------

@pytest.fixture
def hash_checks(monkeypatch):
    checks = []
    real = accounts.check_password_hash

    def counting(pwhash, password):
        checks.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr(accounts, "check_password_hash", counting)
    return checks


def test_every_failed_login_checks_one_password_hash(client, hash_checks):
    user = factories.make_user()
    invited = factories.make_user()
    invited.password_hash = None
    db.session.commit()
    for email in (user.email, "nobody@example.org", invited.email):
        hash_checks.clear()
        assert client.post("/login", data={"email": email, "password": "wrong"}).status_code == 401
        assert len(hash_checks) == 1, email
    # The dummy hash is made the way real passwords are.
    assert hash_checks[0].split("$")[0] == accounts.generate_password_hash("x").split("$")[0]


def test_unknown_and_known_emails_take_about_as_long(app, client):
    app.config["LOGIN_MAX_FAILURES"] = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 100
    user = factories.make_user()
    user.set_password(factories.PASSWORD)  # full strength, as in production
    db.session.commit()

    def timed(email):
        start = time.perf_counter()
        assert client.post("/login", data={"email": email, "password": "wrong"}).status_code == 401
        return time.perf_counter() - start

    timed("warm-up@example.org")  # the dummy hash is made on first use
    known = statistics.median(timed(user.email) for _ in range(3))
    unknown = statistics.median(timed("nobody@example.org") for _ in range(3))
    assert 0.5 < unknown / known < 2, (known, unknown)


# --- Behind a proxy ------------------------------------------------------------------------------

def failed_login_from(client, forwarded_for: str):
    client.post("/login", data={"email": "nobody@example.org", "password": "x"},
                headers={"X-Forwarded-For": forwarded_for}, environ_base={"REMOTE_ADDR": "10.0.0.9"})


def address_keys() -> set:
    return {key for key in db.session.scalars(db.select(FailedAttempt.key)) if key.startswith("login-address:")}


def test_without_trusted_proxies_forwarded_for_is_ignored(app, client):
    assert app.config["TRUSTED_PROXIES"] == 0 and not isinstance(app.wsgi_app, ProxyFix)
    failed_login_from(client, "203.0.113.5")
    assert address_keys() == {"login-address:10.0.0.9"}  # the socket's address


@pytest.mark.parametrize("app_config", [{"TRUSTED_PROXIES": 1}])
def test_behind_one_proxy_the_forwarded_address_is_limited(app, client):
    assert isinstance(app.wsgi_app, ProxyFix)
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 2
    for _ in range(2):
        failed_login_from(client, "203.0.113.5")
    assert address_keys() == {"login-address:203.0.113.5"}
    user = factories.make_user()
    data = {"email": user.email, "password": factories.PASSWORD}
    # The client behind the proxy is stopped; another client behind the same proxy is not.
    assert client.post("/login", data=data, headers={"X-Forwarded-For": "203.0.113.5"},
                       environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 429
    assert app.test_client().post("/login", data=data, headers={"X-Forwarded-For": "198.51.100.7"},
                                  environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 302


def test_trusted_proxies_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    assert from_environment()["TRUSTED_PROXIES"] == 2


# --- Headers -------------------------------------------------------------------------------------

def test_pages_and_downloads_are_not_stored_but_static_files_are(client):
    user = factories.make_user()
    login(client, user)
    for path in ("/", "/account/password", "/actions/export.csv", "/actions/export.xlsx"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    assert "attachment" in client.get("/actions/export.csv").headers["Content-Disposition"]
    static = client.get("/static/style.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")
    static.close()


def test_hsts_only_over_https(app, client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    app.config["SESSION_COOKIE_SECURE"] = True
    assert client.get("/login").headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_a_persons_roles_are_read_with_the_person(app, client, count_queries):
    """The query that loads the person brings their committee and group roles: a page that asks for
    them runs no query of its own for them, and they are the roles the person has."""
    from workspace import access
    from workspace.models import GroupRole

    chairing, sitting = factories.make_committee("Chaired"), factories.make_committee("Sat in")
    user = factories.add_member(chairing, role="chair", sector="community")
    factories.add_member(sitting, user=user, role="observer")
    group = user.organization
    db.session.add_all([GroupRole(organization=group, user=user, role="coordinator"),
                        GroupRole(organization=group, user=user, role="verifier")])
    db.session.commit()
    expected_committees = {chairing.id: "chair", sitting.id: "observer"}
    expected_groups = {group.id: {"coordinator", "verifier"}}
    seen = {}

    @app.get("/test/roles")
    def roles():
        from flask_login import current_user
        seen["committees"], seen["groups"] = access.committee_roles(current_user), access.group_roles(current_user)
        return "ok"

    login(client, user)

    with count_queries() as counter:
        assert client.get("/test/roles").status_code == 200
    assert seen == {"committees": expected_committees, "groups": expected_groups}
    assert counter.count == 1, counter.statements  # the person, their login session and roles together


def test_a_person_without_roles_has_none(app, client):
    from workspace import access

    user = factories.make_user(sector="government")
    seen = {}

    @app.get("/test/no-roles")
    def no_roles():
        from flask_login import current_user
        seen["roles"] = access.committee_roles(current_user), access.group_roles(current_user)
        return "ok"

    login(client, user)

    assert client.get("/test/no-roles").status_code == 200
    assert seen["roles"] == ({}, {})
