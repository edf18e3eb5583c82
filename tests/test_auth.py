from workspace.extensions import db
from workspace.models import AuditEvent, User
from tests import factories
from tests.conftest import login


def test_login_and_logout(client):
    user = factories.make_user()
    response = client.post("/login", data={"email": user.email.upper(), "password": factories.PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert user.name in client.get("/").get_data(as_text=True)
    assert db.session.get(User, user.id).last_login_at is not None
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_logout_is_not_a_get(client):
    user = factories.make_user()
    login(client, user)
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200


def test_wrong_password_says_so_without_saying_which(client):
    user = factories.make_user()
    wrong = client.post("/login", data={"email": user.email, "password": "nope"})
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    message = "That email and password do not match an account."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)


def test_login_is_rate_limited_per_email(client, app):
    user = factories.make_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert client.post("/login", data={"email": user.email, "password": "wrong"}).status_code == 401
    # Even the right password is refused while the limit holds.
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)
    # Another account from elsewhere is not affected.
    other = factories.make_user()
    assert client.post("/login", data={"email": other.email, "password": factories.PASSWORD},
                       environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code == 302


def test_login_is_rate_limited_per_address(client, app):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    for n in range(3):
        client.post("/login", data={"email": f"guess{n}@example.org", "password": "x"})
    user = factories.make_user()
    assert client.post("/login", data={"email": user.email, "password": factories.PASSWORD}).status_code == 429


def test_deactivated_user_cannot_log_in_and_is_signed_out(client, app):
    user = factories.make_user()
    login(client, user)
    user.active = False
    db.session.commit()
    assert client.get("/").status_code == 302  # the open session ends
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 403
    assert "deactivated" in response.get_data(as_text=True)


def test_next_stays_on_this_site(client):
    user = factories.make_user()
    response = client.post("/login?next=/account/password", data={"email": user.email, "password": factories.PASSWORD})
    assert response.headers["Location"] == "/account/password"
    client.post("/logout")
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        response = client.post(f"/login?next={target}", data={"email": user.email, "password": factories.PASSWORD})
        assert response.headers["Location"] == "/", target
        client.post("/logout")


def test_anonymous_page_request_goes_to_login_and_comes_back(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/admin/users")


def test_anonymous_htmx_request_is_redirected_by_header(client):
    response = client.get("/admin/users", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")


def test_change_own_password(app, client):
    user = factories.make_user()
    login(client, user)
    other_device = app.test_client()
    login(other_device, user)

    response = client.post("/account/password", data={"current": "wrong", "password": "a new long password",
                                                      "confirm": "a new long password"})
    assert response.status_code == 422 and "not your current password" in response.get_data(as_text=True)
    response = client.post("/account/password", data={"current": factories.PASSWORD, "password": "short",
                                                      "confirm": "short"})
    assert response.status_code == 422 and "at least 10 characters" in response.get_data(as_text=True)
    response = client.post("/account/password", data={"current": factories.PASSWORD, "password": "a new long password",
                                                      "confirm": "another long password"})
    assert response.status_code == 422 and "The two passwords differ." in response.get_data(as_text=True)

    response = client.post("/account/password", data={"current": factories.PASSWORD, "password": "a new long password",
                                                      "confirm": "a new long password"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this session goes on
    assert other_device.get("/").status_code == 302  # the other one has ended
    client.post("/logout")
    assert client.post("/login", data={"email": user.email, "password": factories.PASSWORD}).status_code == 401
    login(client, user, "a new long password")
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "password_changed")) is not None


def test_session_cookie_flags(client):
    user = factories.make_user()
    response = login(client, user)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
