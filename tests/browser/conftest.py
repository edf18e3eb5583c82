"""Browser tests: the app served on 127.0.0.1 in a thread, driven by the system Chromium."""
import os
import re
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(message)  # in CI a browser test that cannot start is a failure
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        # As root in a container, with no network: no sandbox and no background fetching.
        "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }


@pytest.fixture(scope="session")
def base_url():
    """Each test serves the app on a port of its own (live_server.url): no fixed base URL.
    (Defined here, it also stands in for pytest-base-url's, which newer pytest warns about.)"""
    return None


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}  # as in production


class LiveServer:
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __call__(self, path: str = "/") -> str:
        return self.url + path


@pytest.fixture
def live_server(app):
    server = LiveServer(app)
    server.thread.start()
    yield server
    server.server.shutdown()
    server.thread.join(timeout=5)


@pytest.fixture
def console_errors(page):
    """Errors the page logged (a Content-Security-Policy violation among them).

    A page answered on purpose with 401/403/409/422/429 (a refused login, a form with errors, a
    change made from a stale screen) is logged by Chromium and htmx too; those are the app working,
    not errors."""
    errors = []
    expected = re.compile(r"(Failed to load resource: the server responded with a status of 4(01|03|09|22|29))"
                          r"|(Response Status Error Code 4(09|22))")

    def on_console(message):
        if message.type == "error" and not expected.match(message.text):
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture
def open_page(browser):
    """open_page(**context_args): a page in a browser context of its own (its own login)."""
    contexts = []

    def open_page(**context_args):
        context = browser.new_context(**context_args)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def log_in(page, live_server, user, password):
    page.goto(live_server("/login"))
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def log_in_as(page, live_server, user):
    """Logs in with the factories' password and waits for the welcome page."""
    from playwright.sync_api import expect

    from tests import factories

    log_in(page, live_server, user, factories.PASSWORD)
    expect(page.get_by_role("heading", name=f"Welcome, {user.name}")).to_be_visible()


SETTLE_WATCH = """id => {
    window.pickSettled = null;
    document.addEventListener("htmx:afterSettle", function settled(event) {
        if (event.detail.target && event.detail.target.id === id) {
            document.removeEventListener("htmx:afterSettle", settled);
            window.pickSettled = id;
        }
    });
}"""


def pick(scope, label: str, name: str) -> None:
    """Chooses a record in a picker (workspace/pickers.py) as a person does: types its name in
    the search field above the list, waits for htmx to bring the matches, and picks the match
    whose label starts with the name (labels add where a place is, or whose a person is)."""
    page = getattr(scope, "page", scope)  # a locator knows its page; a page is its own
    select = scope.get_by_label(label, exact=True)
    select_id = select.get_attribute("id")
    # Wait for htmx to have settled the new options into the list, not just for the response:
    # the list may already hold the name, and a selection made before the swap is wiped by it.
    page.evaluate(SETTLE_WATCH, select_id)
    scope.locator(f"#{select_id}-q").fill(name)
    page.wait_for_function("id => window.pickSettled === id", arg=select_id)
    option = select.locator("option", has_text=name).first
    option.wait_for(state="attached")
    select.select_option(value=option.get_attribute("value"))
