"""Every main page, on a 360 px phone and at desktop width: nothing scrolls sideways, every target
is big enough to tap, no field makes the phone zoom in on focus, and axe-core finds nothing.

The pages are the GET rows of the access table (tests/test_access.py) for the endpoints named
below, each seen by a role the table lets in. A test per role (or per part of a role's pages)
builds the world once, logs in once, and visits each page at both widths, so that pytest-xdist
can spread them. Problems are collected over all the pages of a test and reported together."""
from pathlib import Path

import pytest

from tests.browser.conftest import log_in_as
from tests.test_access import TABLE, make_world
from workspace.extensions import db

# The main pages of each capability, by endpoint; every GET row of these is visited.
ENDPOINTS = (
    # Accounts and the start page
    "home.index", "auth.login", "auth.change_own_password",
    # Committees and meetings
    "committees.committees", "committees.committee", "committees.members", "committees.meetings",
    "committees.meeting", "committees.print_meeting", "committees.record_meeting", "committees.new_meeting",
    "committees.proposals",
    # Actions and plans
    "actions.actions", "actions.action_timeline", "actions.action", "actions.plans", "actions.plan",
    # Community and committee indicators
    "indicators.groups", "indicators.group", "indicators.indicator", "indicators.enter",
    "indicators.verify_queue", "indicators.committee_indicators", "indicators.reporting",
    # Feedback
    "feedback.submit", "feedback.board", "feedback.track_lookup", "feedback.track", "feedback.cases",
    "feedback.case", "feedback.new_case",
    # Action-planning sessions
    "sessions.sessions", "sessions.session", "sessions.projector", "sessions.join",
    # Programmes
    "programmes.programmes", "programmes.programme", "programmes.where",
    # Administration
    "admin.users", "admin.audit_log", "admin.routing_rules",
)
# Other views of a listed page: (endpoint, query string added to its address).
VARIANTS = (("actions.actions", "?scope=mine"),)

# Who looks at a page: the public as the public, else the role that sees the most of it.
ROLE_ORDER = ("anonymous", "chair", "member", "ngo", "community", "admin")
PAGES_PER_TEST = 8

PHONE_WIDTH, DESKTOP_WIDTH = 360, 1280
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()


def pages():
    """[(role, endpoint, url function)] for every GET row of ENDPOINTS, in the table's order."""
    found = []
    for row in TABLE:
        if row.method != "GET" or row.endpoint not in ENDPOINTS:
            continue
        role = next((r for r in ROLE_ORDER if row.expect.get(r) == 200), None)
        if role is None:
            continue  # a row for a page nobody gets (a guessed address)
        found.append((role, row.endpoint, row.url))
        for endpoint, query in VARIANTS:
            if endpoint == row.endpoint:
                found.append((role, endpoint, lambda w, url=row.url, query=query: url(w) + query))
    return found


PAGES = pages()


def groups():
    """The tests: each role's pages, in parts of at most PAGES_PER_TEST."""
    out = []
    for role in ROLE_ORDER:
        mine = [(endpoint, url) for r, endpoint, url in PAGES if r == role]
        for start in range(0, len(mine), PAGES_PER_TEST):
            out.append(pytest.param(role, mine[start:start + PAGES_PER_TEST],
                                    id=f"{role}-{start // PAGES_PER_TEST + 1}"))
    return out


def test_every_listed_endpoint_is_in_the_access_table():
    in_table = {row.endpoint for row in TABLE if row.method == "GET"}
    assert set(ENDPOINTS) - in_table == set(), "renamed or removed: update ENDPOINTS"
    assert {endpoint for endpoint, _ in VARIANTS} <= set(ENDPOINTS)
    assert set(ENDPOINTS) - {endpoint for _, endpoint, _ in PAGES} == set(), f"no role in {ROLE_ORDER} gets these"


# Measures one page at the current width. Returns what is wrong, as readable strings.
CHECK = """width => {
  const phone = width <= 400;
  const problems = [];
  const name = el => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    if (typeof el.className === "string" && el.className.trim()) s += "." + el.className.trim().split(/\\s+/).join(".");
    const text = (el.getAttribute("aria-label") || el.textContent || el.value || "").trim().replace(/\\s+/g, " ");
    return text ? `${s} "${text.slice(0, 40)}"` : s;
  };
  const size = r => `${Math.round(r.width)}×${Math.round(r.height)}`;

  // 1. Nothing wider than the window. (A phone widens its layout to fit what is too wide, so the
  // window is measured against the width asked for, too.)
  const doc = document.documentElement;
  const room = Math.min(window.innerWidth, width);
  if (doc.scrollWidth > room) {
    const wide = [...document.body.querySelectorAll("*")]
      .map(el => [el, el.getBoundingClientRect()])
      .filter(([, r]) => r.right > room + 0.5 && r.width > 0)
      .sort((a, b) => b[1].width - a[1].width).slice(0, 5)
      .map(([el, r]) => `${name(el)} ${Math.round(r.width)} px wide, right edge at ${Math.round(r.right)}`);
    problems.push(`scrolls sideways: ${doc.scrollWidth} px in ${room}: ${wide.join("; ")}`);
  }

  const shown = el => {
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1 || r.right <= 0 || r.bottom <= 0) return false;  // visually hidden
    const style = getComputedStyle(el);
    return style.visibility !== "hidden" && style.display !== "none" && !el.closest("[hidden], [inert]");
  };
  // WCAG 2.5.8's inline exception: a link inside a sentence, with other text around it.
  const inline = el => {
    if (el.tagName !== "A") return false;
    const block = el.closest("p, li, td, dd");
    if (!block) return false;
    const all = block.textContent.replace(/\\s+/g, "");
    const own = [...block.querySelectorAll("a, button, input, select, textarea")]
      .map(c => (c.textContent || "").replace(/\\s+/g, "")).join("");
    return all.length > own.length && getComputedStyle(el).display === "inline";
  };

  // 2. Tap targets.
  const targets = new Set();
  for (const el of document.querySelectorAll("a[href], button, input, select, textarea, summary")) {
    if (el.type === "hidden") continue;
    if ((el.type === "checkbox" || el.type === "radio") && el.closest("label")) targets.add(el.closest("label"));
    else targets.add(el);
  }
  const primary = phone ? new Set([
    ...document.querySelectorAll("header.site nav a, main .primary, main form button[type=submit]:not(.link)")]) : new Set();
  for (const el of targets) {
    if (!shown(el) || inline(el)) continue;
    const r = el.getBoundingClientRect();
    const least = primary.has(el) ? 44 : 24;
    if (r.width < 24 - 0.01 || r.height < least - 0.01) problems.push(`small target (${size(r)}, needs ${least === 44 ? "44 tall" : "24×24"}): ${name(el)}`);
  }

  // 3. No zoom on focus: phones zoom into a field under 16 px.
  if (phone) {
    for (const el of document.querySelectorAll("input, select, textarea")) {
      if (["hidden", "checkbox", "radio", "submit", "button", "file", "range", "color"].includes(el.type) || !shown(el)) continue;
      const px = parseFloat(getComputedStyle(el).fontSize);
      if (px < 16) problems.push(`field font ${px} px (needs 16): ${name(el)}`);
    }
  }
  return problems;
}"""

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => `axe ${v.id} (${v.impact}): ${v.help}: ` +
    v.nodes.slice(0, 4).map(n => n.target.join(" ")).join(" | "));
}"""


def check(page, width: int) -> list[str]:
    page.set_viewport_size({"width": width, "height": 800})
    problems = page.evaluate(CHECK, width)
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE)  # through DevTools: the page's Content-Security-Policy does not apply
    return problems + page.evaluate(AXE_RUN)


@pytest.mark.parametrize(("role", "visits"), groups())
def test_pages_fit_phone_and_desktop(app, live_server, open_page, role, visits):
    world = make_world()
    # What a committee really writes: a call link as long as the video services make them, a
    # place and agenda items that take more than a word.
    world.meeting.call_link = "https://meet.example.org/j/84512093377?pwd=Q2xTbkZqRk5yWmhVbEtjWXc0dz09"
    world.meeting.place = "Upazila Parishad conference room, second floor"
    for item in world.meeting.items:
        item.title = "Registration of older people for the allowance in the northern unions"
        item.presenter = "Programme Officer, Coastal Livelihoods Trust"
    world.action.focal_person = world.users["ngo"]  # its card then shows a focal person, labelled
    db.session.commit()
    page = open_page(viewport={"width": PHONE_WIDTH, "height": 800}, is_mobile=True, has_touch=True)
    if role != "anonymous":
        log_in_as(page, live_server, world.users[role])
    report = []
    for endpoint, url in visits:
        address = url(world)
        response = page.goto(live_server(address))
        assert response.status == 200, f"{endpoint} {address}: {response.status}"
        for width in (PHONE_WIDTH, DESKTOP_WIDTH):
            report += [f"{endpoint} {address} at {width} px: {problem}" for problem in check(page, width)]
    assert not report, "\n" + "\n".join(report)


@pytest.mark.parametrize("width", (PHONE_WIDTH, DESKTOP_WIDTH))
def test_the_save_bar_never_covers_the_field_being_typed(app, live_server, open_page, width):
    """Data entry keeps its save buttons in a bar stuck to the bottom of the screen; going from
    field to field, each one comes into view above the bar, not under it."""
    world = make_world()
    phone = width == PHONE_WIDTH
    page = open_page(viewport={"width": width, "height": 640 if phone else 480}, is_mobile=phone, has_touch=phone)
    log_in_as(page, live_server, world.users["community"])
    page.goto(live_server(f"/groups/{world.group.id}/periods/{world.period}"))
    fields = page.locator("form.entry :is(input, textarea):visible:not([type=hidden])")
    assert fields.count() >= 2
    page.evaluate("window.scrollTo(0, 0)")
    covered = []
    for index in range(fields.count()):
        field = fields.nth(index)
        field.focus()
        field.press_sequentially("1")
        field_box = field.bounding_box()
        bar_top = page.locator(".sticky-actions").bounding_box()["y"]
        if field_box["y"] + field_box["height"] > bar_top + 0.5:
            covered.append(f"{field.get_attribute('name')}: bottom at {field_box['y'] + field_box['height']:.0f}, "
                           f"bar from {bar_top:.0f}")
    assert not covered, covered
