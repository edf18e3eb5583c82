"""Every page of the app is valid HTML, as the W3C Nu HTML Checker (vnu) judges it.

The pages are the access table's (tests/test_access.py): each GET row that some role may read,
fetched as that role, and each POST row that answers 422, the form coming back with its errors.
A new row is covered without touching this file. CSRF is on, as in production, so that the
hidden token inputs of pages with several forms are checked too.

vnu.jar comes from the npm package vnu-jar, which `make install-test` puts in .venv/vnu (see the
Makefile); it runs on Java. Outside CI a missing checker skips this test; in CI it fails.
"""
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import empty_database
from tests.factories import PASSWORD
from tests.test_access import ROLES, TABLE, make_world
from workspace.extensions import db

ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = Path(os.environ.get("VNU_JAR", ROOT / ".venv/vnu/node_modules/vnu-jar/build/dist/vnu.jar"))

# Whom to fetch a page as: the first of these the row lets in (the guest last: only their
# session's pages need them, and those let the member in too).
PREFERENCE = ("admin", "chair", "secretary", "member", "ngo", "government", "community", "observer",
              "anonymous", "guest")

TOKEN = re.compile(r'<input[^>]*\bname="csrf_token"[^>]*\bvalue="([^"]+)"|'
                   r'<input[^>]*\bvalue="([^"]+)"[^>]*\bname="csrf_token"')


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}  # as in production


def role_for(row, status: int) -> str | None:
    return next((role for role in PREFERENCE if row.expect.get(role) == status), None)


def csrf_token(client, url: str) -> str:
    match = TOKEN.search(client.get(url).get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1) or match.group(2)


def sign_in(client, world, role: str) -> None:
    """Logs in (or, for the guest, joins the session with its code) through the forms, token
    included: tests.conftest.login posts none, which this app, with CSRF on, refuses."""
    if role == "guest":
        data = {"code": world.session.join_code, "display_name": "Halima", "csrf_token": csrf_token(client, "/join")}
        response = client.post("/join", data=data)
    elif role != "anonymous":
        data = {"email": world.users[role].email, "password": PASSWORD, "csrf_token": csrf_token(client, "/login")}
        response = client.post("/login", data=data)
    else:
        return
    assert response.status_code == 302, f"{role} could not sign in"


def is_document(response) -> bool:
    """A whole HTML page. Fragments for htmx (a picker's options) are not documents; the pages
    that include them are checked with them."""
    return response.mimetype == "text/html" and \
        response.get_data(as_text=True).lstrip()[:15].lower() == "<!doctype html>"


def collect_pages(app) -> list[tuple[str, str]]:
    """(what was asked, the page's HTML) for each page, one world per role."""
    pages = []
    for role in PREFERENCE:
        gets = [row for row in TABLE if row.method == "GET" and role_for(row, 200) == role]
        failed_forms = [row for row in TABLE if row.method == "POST" and role_for(row, 422) == role]
        if not gets and not failed_forms:
            continue
        world = make_world()
        client = app.test_client()
        sign_in(client, world, role)
        for row in gets:
            url = row.url(world)
            response = client.get(url)
            assert response.status_code == 200, f"GET {url} as {role}: {response.status_code}"
            if is_document(response):
                pages.append((f"GET {url} as {role}", response.get_data(as_text=True)))
        token = csrf_token(client, "/join")  # a page anyone may open
        for row in failed_forms:
            url = row.url(world)
            data = row.data(world) if callable(row.data) else dict(row.data)
            response = client.post(url, data={**data, "csrf_token": token})
            assert response.status_code == 422, f"POST {url} as {role}: {response.status_code}"
            if is_document(response):
                pages.append((f"POST {url} as {role}", response.get_data(as_text=True)))
        db.session.remove()
        empty_database()
    return pages


def vnu_errors(pages: list[tuple[str, str]], folder: Path) -> list[str]:
    """Runs vnu once over all the pages (Java's start costs seconds) and returns its errors,
    each as "what was asked:line: message"."""
    asked = {}
    for number, (what, html) in enumerate(pages):
        path = folder / f"page-{number:04d}.html"
        path.write_text(html, encoding="utf-8")
        asked[path.name] = what
    # A bigger thread stack, which vnu asks for; the quick compiler only: for one run over a few
    # hundred pages it finishes sooner than the optimising one.
    command = ["java", "-Xss4m", "-XX:TieredStopAtLevel=1", "-jar", str(VNU_JAR),
               "--errors-only", "--format", "json", "--stdout", *sorted(map(str, folder.glob("*.html")))]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    try:  # the report alone on stdout (Java may say things on stderr); exit 1 when it found errors
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"vnu gave no report (exit {result.returncode}):\n{result.stdout[-1000:]}{result.stderr[-2000:]}")
    errors = []
    for message in report["messages"]:
        if message["type"] in ("error", "non-document-error"):
            page = asked.get(Path(message.get("url", "")).name, message.get("url", "?"))
            errors.append(f"{page}:{message.get('lastLine', '?')}: {message['message']}")
    return errors


def checker_missing() -> str | None:
    if not shutil.which("java"):
        return "Java not found (apt-get install default-jre-headless)"
    if not VNU_JAR.exists():
        return f"vnu.jar not found at {VNU_JAR} (make install-test)"
    return None


def test_every_page_is_valid_html(app, tmp_path):
    assert set(PREFERENCE) == set(ROLES), "a new role needs its place in PREFERENCE"
    missing = checker_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(missing)  # in CI a check that cannot run is a failure
        pytest.skip(missing)
    pages = collect_pages(app)
    errors = vnu_errors(pages, tmp_path)
    assert not errors, f"{len(errors)} HTML errors in {len(pages)} pages:\n" + "\n".join(errors)
