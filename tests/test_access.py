"""The access table: every route × every role → the status that role gets.

A route that is not in the table fails the suite, so each new capability adds its rows here.
POSTs are sent empty (CSRF is off in this suite): an allowed role then meets the form's own
validation (422) or the action's redirect, a refused one meets 302 to log in, 403 or 404.
"""
from dataclasses import dataclass, field
from typing import Callable

import pytest

from tests import factories
from tests.conftest import login

ROLES = ("anonymous", "community", "ngo", "government", "admin")


def everyone(status: int) -> dict:
    return dict.fromkeys(ROLES, status)


def signed_in(status: int, anonymous: int = 302) -> dict:
    return {**everyone(status), "anonymous": anonymous}


def admin_only(status: int) -> dict:
    return {"anonymous": 302, "community": 403, "ngo": 403, "government": 403, "admin": status}


@dataclass
class World:
    """What the table's URLs point at, made fresh for each test."""

    users: dict
    area: object
    organization: object
    person: object


@dataclass
class Row:
    endpoint: str
    method: str
    url: Callable[[World], str]
    expect: dict
    data: dict = field(default_factory=dict)


# An empty POST would leave an edit form to its record's values: blank the name instead.
BLANK_NAME = {"name": ""}

TABLE = [
    # Accounts
    Row("auth.login", "GET", lambda w: "/login", signed_in(302, anonymous=200)),
    Row("auth.login", "POST", lambda w: "/login", signed_in(302, anonymous=422)),
    Row("auth.logout", "POST", lambda w: "/logout", everyone(302)),
    Row("auth.change_own_password", "GET", lambda w: "/account/password", signed_in(200)),
    Row("auth.change_own_password", "POST", lambda w: "/account/password", signed_in(422)),
    Row("auth.set_password", "GET", lambda w: "/set-password/not-a-real-token", everyone(404)),
    Row("auth.set_password", "POST", lambda w: "/set-password/not-a-real-token", everyone(404)),
    Row("home.index", "GET", lambda w: "/", signed_in(200)),
    # People
    Row("admin.users", "GET", lambda w: "/admin/users", admin_only(200)),
    Row("admin.new_user", "GET", lambda w: "/admin/users/new", admin_only(200)),
    Row("admin.new_user", "POST", lambda w: "/admin/users/new", admin_only(422)),
    Row("admin.user", "GET", lambda w: f"/admin/users/{w.person.id}", admin_only(200)),
    Row("admin.user", "POST", lambda w: f"/admin/users/{w.person.id}", admin_only(422), data=BLANK_NAME),
    Row("admin.reset_password", "POST", lambda w: f"/admin/users/{w.person.id}/reset-password", admin_only(200)),
    Row("admin.deactivate_user", "POST", lambda w: f"/admin/users/{w.person.id}/deactivate", admin_only(302)),
    Row("admin.activate_user", "POST", lambda w: f"/admin/users/{w.person.id}/activate", admin_only(302)),
    # Organisations
    Row("admin.organizations", "GET", lambda w: "/admin/organizations", admin_only(200)),
    Row("admin.organizations", "POST", lambda w: "/admin/organizations", admin_only(422)),
    Row("admin.organization", "GET", lambda w: f"/admin/organizations/{w.organization.id}", admin_only(200)),
    Row("admin.edit_organization", "GET", lambda w: f"/admin/organizations/{w.organization.id}/edit", admin_only(200)),
    Row("admin.edit_organization", "POST", lambda w: f"/admin/organizations/{w.organization.id}/edit", admin_only(422), data=BLANK_NAME),
    Row("admin.delete_organization", "POST", lambda w: f"/admin/organizations/{w.organization.id}/delete", admin_only(302)),
    # Areas
    Row("admin.areas", "GET", lambda w: "/admin/areas", admin_only(200)),
    Row("admin.areas", "POST", lambda w: "/admin/areas", admin_only(422)),
    Row("admin.area", "GET", lambda w: f"/admin/areas/{w.area.id}", admin_only(200)),
    Row("admin.edit_area", "GET", lambda w: f"/admin/areas/{w.area.id}/edit", admin_only(200)),
    Row("admin.edit_area", "POST", lambda w: f"/admin/areas/{w.area.id}/edit", admin_only(422), data=BLANK_NAME),
    Row("admin.delete_area", "POST", lambda w: f"/admin/areas/{w.area.id}/delete", admin_only(302)),
    # Audit log
    Row("admin.audit_log", "GET", lambda w: "/admin/audit", admin_only(200)),
]

# Routes that are not the application's pages: the static files.
NOT_PAGES = {"static"}


def make_world() -> World:
    district = factories.make_area("Test District", "district")
    users = {
        "community": factories.make_user(sector="community"),
        "ngo": factories.make_user(sector="ngo"),
        "government": factories.make_user(sector="government"),
        "admin": factories.make_admin(),
    }
    leaf = factories.make_area("Empty Community", "community", parent=district)
    empty_organization = factories.make_organization("Empty Organisation", kind="other", area=district)
    person = factories.make_user(sector="ngo")
    return World(users=users, area=leaf, organization=empty_organization, person=person)


def test_every_route_has_a_row(app):
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in NOT_PAGES
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    in_table = {(row.endpoint, row.method) for row in TABLE}
    assert routes - in_table == set(), "routes with no row in the access table"
    assert in_table - routes == set(), "rows for routes that do not exist"
    assert all(set(row.expect) == set(ROLES) for row in TABLE), "every row names every role"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", TABLE, ids=lambda row: f"{row.method} {row.endpoint}")
def test_access(app, client, row, role):
    world = make_world()
    if role != "anonymous":
        login(client, world.users[role])
    response = client.open(row.url(world), method=row.method, data=row.data)
    assert response.status_code == row.expect[role], response.get_data(as_text=True)[:500]
    if response.status_code == 302 and role == "anonymous" and row.expect["anonymous"] == 302 \
            and row.endpoint not in {"auth.logout"}:
        assert "/login" in response.headers["Location"]
