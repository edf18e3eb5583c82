"""From a meeting's decision to actions and back to the committee, in a real browser: the chair
turns a decision into two actions on one plan, the focal person reports one blocked, the chair
raises it to the next meeting, and the timeline marks the other overdue."""
import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import PHONE, log_in_as, pick
from workspace.extensions import db
from workspace.models import Decision

DECISION = "Hold joint registration days in Eastbrook"
FIRST = "Registration days in Eastbrook"
SECOND = "Registration kits for field teams"


def day(offset: int) -> str:
    """A date `offset` days from today, as a date input takes it (UTC is the app's zone in tests)."""
    return (datetime.now(UTC).date() + timedelta(days=offset)).isoformat()


def action_id(page) -> int:
    return int(re.search(r"/actions/(\d+)$", page.url).group(1))


def create_action_from_decision(page, title: str, organization: str, focal_person: str, start: int, due: int,
                                status: str | None = None, progress: int | None = None,
                                plan: str | None = None) -> int:
    page.locator(".decisions li", has_text=DECISION).get_by_role("link", name="Create an action").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Action from a decision")
    expect(page.get_by_label("What will be done")).to_have_value(DECISION)
    if plan:
        page.get_by_label("Action plan").select_option(label=plan)
    page.get_by_label("What will be done").fill(title)
    pick(page, "Responsible organisation", organization)
    pick(page, "Focal person", focal_person)
    page.get_by_label("Start", exact=True).fill(day(start))
    page.get_by_label("Due", exact=True).fill(day(due))
    if status:
        page.get_by_label("Status", exact=True).select_option(label=status)
    if progress is not None:
        page.get_by_label("Progress (%)").fill(str(progress))
    page.get_by_role("button", name="Create the action").click()
    expect(page.get_by_text("Action created from the decision.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    return action_id(page)


def post_update(page, text: str, status: str, progress: int):
    page.get_by_label("What happened").fill(text)
    page.get_by_label("Status now").select_option(label=status)
    page.get_by_label("Progress now (%)").fill(str(progress))
    page.get_by_role("button", name="Post update").click()


def test_actions_from_a_decision_to_the_next_meeting(page, open_page, live_server, console_errors):
    committee = factories.make_committee(name="Eastbrook Coordination Committee")
    chair = factories.add_member(committee, factories.make_user(name="Samuel Otieno", sector="government"),
                                 role="chair")
    ngo = factories.make_organization(name="Community Action", kind="ngo")
    focal = factories.add_member(committee, factories.make_user(name="Amina Hassan", sector="ngo", organization=ngo),
                                 role="member")
    held = factories.make_meeting(committee, title="Second quarter meeting", days_from_now=-10, items=1,
                                  status="held")
    decision = Decision(item=held.items[0], text=DECISION)
    db.session.add(decision)
    db.session.commit()
    upcoming = factories.make_meeting(committee, title="Next coordination meeting", days_from_now=14)
    plan_title = f"Actions from {held.title}"

    # The chair turns the decision into an overdue action, on a new plan.
    log_in_as(page, live_server, chair)
    page.goto(live_server(f"/meetings/{held.id}"))
    first_id = create_action_from_decision(page, FIRST, ngo.name, focal.name, start=-20, due=-2,
                                           status="In progress", progress=30)
    came_from = page.locator("dl.facts dd a", has_text=DECISION)
    expect(came_from).to_have_text(f"{held.title}: {DECISION}")
    expect(came_from).to_have_attribute("href", f"/meetings/{held.id}#decision-{decision.id}")

    # A second action from the same decision, onto the plan the first one made.
    came_from.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(held.title)
    second_id = create_action_from_decision(page, SECOND, ngo.name, focal.name, start=0, due=20, plan=plan_title)
    expect(page.locator("dl.facts")).to_contain_text(plan_title)
    page.goto(live_server(f"/meetings/{held.id}"))
    made = page.locator(f"#decision-{decision.id} .decision-actions a", has_text="Action:")
    expect(made).to_have_text([f"Action: {FIRST}", f"Action: {SECOND}"])
    expect(made.nth(0)).to_have_attribute("href", f"/actions/{first_id}")
    expect(made.nth(1)).to_have_attribute("href", f"/actions/{second_id}")

    # The focal person reports the second action blocked; blocked without a reason is refused.
    focal_page = open_page()
    log_in_as(focal_page, live_server, focal)
    focal_page.goto(live_server(f"/actions/{second_id}"))
    post_update(focal_page, "", "Blocked", 30)
    expect(focal_page.get_by_text("Blocked needs a reason")).to_be_visible()
    expect(focal_page.get_by_text("No updates yet.")).to_be_visible()
    post_update(focal_page, "Kits held at customs", "Blocked", 30)
    expect(focal_page.get_by_text("Update posted.")).to_be_visible()
    expect(focal_page.get_by_role("heading", level=1).locator(".badge")).to_have_text("Blocked")
    log = focal_page.locator("ol.updates li")
    expect(log).to_have_count(1)
    expect(log).to_contain_text("Kits held at customs")
    expect(log).to_contain_text("Amina Hassan")
    expect(log.locator(".badge")).to_have_text("Blocked")

    # The chair raises the blocked action to the committee's next meeting.
    page.goto(live_server(f"/actions/{second_id}"))
    page.get_by_role("button", name="Raise to the committee's next meeting").click()
    expect(page).to_have_url(re.compile(rf"/meetings/{upcoming.id}#item-\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Next coordination meeting")
    item = page.locator("#agenda .agenda-item", has_text=f"Action: {SECOND}")
    expect(item.locator("strong")).to_have_text(f"Action: {SECOND}")
    expect(item.locator(".origin")).to_contain_text("Raised from")
    expect(item.locator(".origin a")).to_have_attribute("href", f"/actions/{second_id}")

    # On the timeline the first action is overdue, the blocked one only blocked.
    page.goto(live_server("/actions/timeline"))
    page.get_by_role("navigation", name="Whose actions").get_by_role("link", name="All I can see").click()
    expect(page.get_by_role("link", name="All I can see")).to_have_attribute("aria-current", "page")
    overdue = page.locator("li.overdue", has_text=FIRST)
    expect(overdue.get_by_role("link", name=FIRST)).to_have_attribute("href", f"/actions/{first_id}")
    expect(overdue.locator(".badge")).to_have_text("overdue")
    expect(page.locator("li.blocked", has_text=SECOND)).to_be_visible()
    expect(page.locator("li.overdue")).to_have_count(1)
    expect(overdue.locator("svg use")).to_have_attribute("href", "#timeline-grid")  # months and today
    expect(page.locator("#timeline-grid line.today")).to_have_count(1)
    assert console_errors == []


def test_the_focal_person_follows_their_actions_on_a_phone(open_page, live_server):
    committee = factories.make_committee(name="Eastbrook Coordination Committee")
    ngo = factories.make_organization(name="Community Action", kind="ngo")
    focal = factories.add_member(committee, factories.make_user(name="Amina Hassan", sector="ngo", organization=ngo))
    factories.make_action(factories.make_plan(committee), focal_person=focal, title=FIRST, start_days=-20,
                          due_days=-2, status="in_progress", progress=30)
    page = open_page(**PHONE)
    log_in_as(page, live_server, focal)

    page.goto(live_server("/actions?scope=mine"))
    expect(page.locator(".actions-table").get_by_role("link", name=FIRST)).to_be_visible()
    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("link", name="Timeline", exact=True).click()
    expect(page).to_have_url(re.compile(r"/actions/timeline\?scope=mine$"))
    expect(page.locator("li.overdue").get_by_role("link", name=FIRST)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_filter_box_reads_its_lists_when_opened(open_page, live_server, console_errors):
    committee = factories.make_committee(name="Eastbrook Coordination Committee")
    chair = factories.add_member(committee, factories.make_user(name="Samuel Otieno", sector="government"),
                                 role="chair")
    ngo = factories.make_organization(name="Community Action", kind="ngo")
    other = factories.make_organization(name="Relief Partners", kind="ngo")
    plan = factories.make_plan(committee)
    factories.make_action(plan, organization=ngo, title=FIRST)
    factories.make_action(plan, organization=other, title=SECOND)
    page = open_page(**PHONE)
    log_in_as(page, live_server, chair)

    page.goto(live_server("/actions?scope=all"))
    responsible = page.get_by_label("Responsible", exact=True)
    expect(responsible.locator("option")).to_have_count(1)  # nothing read while the box is closed
    page.get_by_text("Search and filter").click()
    expect(responsible.locator("option", has_text="Community Action")).to_have_count(1)  # read on opening
    responsible.select_option(label="Community Action")
    page.get_by_role("button", name="Filter", exact=True).click()
    table = page.locator(".actions-table")
    expect(table.get_by_role("link", name=FIRST)).to_be_visible()
    expect(table.get_by_role("link", name=SECOND)).to_have_count(0)
    expect(page.get_by_label("Responsible", exact=True)).to_have_value(str(ngo.id))  # kept, box open
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not console_errors
