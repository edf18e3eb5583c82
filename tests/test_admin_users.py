import re

from workspace.extensions import db
from workspace.models import AuditEvent, SetPasswordLink, User
from tests import factories
from tests.conftest import login


def _link_path(html: str) -> str:
    return re.search(r'value="http://localhost(/set-password/[^"]+)"', html).group(1)


def _events(action: str, user: User) -> list[AuditEvent]:
    return list(db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == action, AuditEvent.entity_type == "User", AuditEvent.entity_id == user.id)
        .order_by(AuditEvent.id)))


def test_create_user_with_a_password(client):
    admin = factories.make_admin()
    organization = factories.make_organization(kind="community_group")
    login(client, admin)
    response = client.post("/admin/users/new", data={
        "name": "Mariam Sultana", "email": " Mariam@Example.org ", "organization_id": organization.id,
        "how": "password", "password": "a long enough password"})
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "mariam@example.org"))
    assert user.sector == "community" and not user.is_admin
    event, = _events("create", user)
    assert event.actor_id == admin.id and event.after["email"] == "mariam@example.org"
    assert "password_hash" not in event.after
    client.post("/logout")
    login(client, user, "a long enough password")


def test_invitation_link_works_once(app, client):
    admin = factories.make_admin()
    login(client, admin)
    response = client.post("/admin/users/new", data={
        "name": "Grace Njeri", "email": "grace@example.org", "organization_id": admin.organization_id,
        "how": "invite"})
    assert response.status_code == 200
    path = _link_path(response.get_data(as_text=True))
    user = db.session.scalar(db.select(User).where(User.email == "grace@example.org"))
    assert user.password_hash is None
    link = db.session.scalar(db.select(SetPasswordLink))
    assert path.rsplit("/", 1)[1] not in link.token_hash  # only the hash is kept

    invited = app.test_client()
    assert invited.get(path).status_code == 200
    bad = invited.post(path, data={"password": "short", "confirm": "short"})
    assert bad.status_code == 422
    assert invited.post(path, data={"password": "my own password", "confirm": "my own password"}).status_code == 302
    assert invited.get("/").status_code == 200
    assert app.test_client().get(path).status_code == 404  # used
    login(app.test_client(), user, "my own password")


def test_missing_fields_and_duplicate_email_save_nothing(client):
    admin = factories.make_admin()
    login(client, admin)
    before = db.session.scalar(db.select(db.func.count()).select_from(User))
    response = client.post("/admin/users/new", data={"name": "", "email": "not-an-email", "how": "password",
                                                     "organization_id": admin.organization_id})
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This field is required." in text and "Invalid email address." in text
    assert "Enter a password, or choose the one-time link." in text
    response = client.post("/admin/users/new", data={"name": "Twin", "email": admin.email.upper(), "how": "invite",
                                                     "organization_id": admin.organization_id})
    assert response.status_code == 422 and "Another account uses this email." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == before
    assert db.session.scalar(db.select(db.func.count()).select_from(SetPasswordLink)) == 0


def test_edit_user_is_audited_with_before_and_after(client):
    admin = factories.make_admin()
    person = factories.make_user(name="Old Name")
    login(client, admin)
    response = client.post(f"/admin/users/{person.id}", data={
        "name": "New Name", "email": person.email, "organization_id": person.organization_id,
        "version": person.version})
    assert response.status_code == 302
    event, = _events("update", person)
    assert event.before["name"] == "Old Name" and event.after["name"] == "New Name"
    assert event.changes() == [("name", "Old Name", "New Name")]


def test_reset_password_ends_the_old_password_and_sessions(app, client):
    admin = factories.make_admin()
    person = factories.make_user()
    their_device = app.test_client()
    login(their_device, person)
    login(client, admin)
    response = client.post(f"/admin/users/{person.id}/reset-password")
    assert response.status_code == 200
    path = _link_path(response.get_data(as_text=True))
    assert their_device.get("/").status_code == 302
    assert app.test_client().post("/login", data={"email": person.email, "password": factories.PASSWORD}).status_code == 401
    assert their_device.post(path, data={"password": "brand new secret", "confirm": "brand new secret"}).status_code == 302
    assert _events("password_reset", person) and _events("password_set_by_link", person)


def test_deactivate_and_activate(client):
    admin = factories.make_admin()
    person = factories.make_user()
    login(client, admin)
    client.post(f"/admin/users/{person.id}/deactivate")
    assert db.session.get(User, person.id).active is False
    client.post(f"/admin/users/{person.id}/activate")
    assert db.session.get(User, person.id).active is True
    assert [e.action for e in _events("deactivate", person) + _events("activate", person)] == ["deactivate", "activate"]


def test_an_administrator_cannot_lock_themself_out(client):
    admin = factories.make_admin()
    login(client, admin)
    response = client.post(f"/admin/users/{admin.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    response = client.post(f"/admin/users/{admin.id}", data={
        "name": admin.name, "email": admin.email, "organization_id": admin.organization_id})
    assert response.status_code == 422
    admin = db.session.get(User, admin.id)
    assert admin.active and admin.is_admin


def test_users_list_filters(client):
    admin = factories.make_admin()
    factories.make_user(name="Bob Other")
    ngo = factories.make_organization("Helping Hands", kind="ngo")
    factories.make_user(name="Zara Field", organization=ngo)
    factories.make_user(name="Yusuf Gone", organization=ngo, active=False)
    login(client, admin)
    text = client.get("/admin/users?q=zara").get_data(as_text=True)
    assert "Zara Field" in text and "Bob Other" not in text
    text = client.get(f"/admin/users?organization={ngo.id}&status=deactivated").get_data(as_text=True)
    assert "Yusuf Gone" in text and "Zara Field" not in text
    # Filters in use: the box is open, its picker lists organisations; none: it is closed, and the
    # picker reads its list when the box is opened.
    assert '<details class="filter-box" open>' in text and "Search and filter (2)" in text
    assert re.search(r'<option value="\d+"[^>]*>Helping Hands</option>', text)
    text = client.get("/admin/users").get_data(as_text=True)
    assert '<details class="filter-box" >' in text and "toggle once from:closest details" in text
    organisations = re.search(r'<select id="filter-organization"[^>]*>(.*?)</select>', text, re.S).group(1)
    assert not re.search(r'<option value="\d', organisations)
    assert '<details class="filter-box" open>' in client.get("/admin/users?organization-q=help").get_data(as_text=True)


def test_users_list_runs_a_fixed_number_of_queries(client, count_queries, app):
    app.config["PER_PAGE"] = 100
    admin = factories.make_admin()
    login(client, admin)
    with count_queries() as few:
        client.get("/admin/users")
    for _ in range(30):
        factories.make_user()
    with count_queries() as many:
        response = client.get("/admin/users")
    assert response.get_data(as_text=True).count("/admin/users/") >= 31
    assert many.count == few.count


def test_users_list_paginates(client, app):
    app.config["PER_PAGE"] = 5
    admin = factories.make_admin()
    for _ in range(7):
        factories.make_user()
    login(client, admin)
    first = client.get("/admin/users").get_data(as_text=True)
    assert "Page 1 of 2" in first and 'rel="next"' in first
    second = client.get("/admin/users?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second and 'rel="prev"' in second
    # A page past the last shows the last, whatever number is asked for.
    for past in ("99", "2147483647"):
        response = client.get(f"/admin/users?page={past}")
        assert response.status_code == 200 and "Page 2 of 2" in response.get_data(as_text=True)


def test_a_list_page_reads_its_rows_and_their_count_in_one_statement(client, app, count_queries):
    app.config["PER_PAGE"] = 5
    admin = factories.make_admin()
    names = sorted(factories.make_user().name for _ in range(7))
    login(client, admin)
    client.get("/admin/users")
    with count_queries() as listed:
        text = client.get("/admin/users?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in text and names[-1] in text
    # No statement of its own for the count: the page's rows carry it.
    assert not [s for s in listed.statements if s.lstrip().startswith("SELECT count(*)")]
    assert [s for s in listed.statements if "count(*)" in s and "ORDER BY users.name" in s]
    with count_queries() as nothing_found:
        assert client.get("/admin/users?q=nobody-has-this-name").status_code == 200
    # An empty page: the count is read on its own, to tell an empty list from a page past the last.
    assert len([s for s in nothing_found.statements if s.lstrip().startswith("SELECT count(*)")]) == 1
