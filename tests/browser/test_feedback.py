"""A complaint from anyone, on a phone, to a published answer: a person with no account raises a
complaint and gets a code, an administrator assigns the case to an NGO and its handler, the handler
acknowledges it, writes the response and resolves it, the person follows the case with the code
and reads the answer, and the “you said, we did” board shows it without naming anyone."""
import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import PHONE, log_in_as, pick
from workspace.clock import utcnow
from workspace.extensions import db
from workspace.feedback import timing
from workspace.models import FeedbackCase

NGO = "Coastal Livelihoods Trust"
HANDLER = "Fatuma Odhiambo"
VILLAGE = "Mwembe Village"
WHAT_HAPPENED = "My cash transfer did not come this month."
PROGRAMME = "Child grant"
CONTACT_NAME = "Amina Hassan"
CONTACT_PHONE = "0700 123 456"
ACKNOWLEDGEMENT = "We are checking with the bank."
RESPONSE = "The payment was delayed by a bank error and was paid on 3 March."
SUMMARY = "A child grant payment did not arrive."


def send_complaint(page, live_server) -> str:
    """Fills the public form as the person would; returns the tracking code the page shows."""
    page.goto(live_server("/feedback"))
    page.get_by_label("Complaint").check()
    page.get_by_label("What happened? What would you like to see done?").fill(WHAT_HAPPENED)
    pick(page, "Where? (if you want to say)", VILLAGE)
    page.get_by_label("Which programme or service, if you know").fill(PROGRAMME)
    page.get_by_label("Your name (optional)").fill(CONTACT_NAME)
    page.get_by_label("A phone number to call you back (optional)").fill(CONTACT_PHONE)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Thank you. We have received it.")).to_be_visible()
    code = page.locator("strong.code").inner_text().strip()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {code}")
    return code


def open_case(page, live_server, code: str, path: str = "/cases"):
    page.goto(live_server(path))
    page.get_by_role("link", name=code, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Case {code}")


def move_case(page, to: str, note: str = ""):
    page.get_by_label("Move to").select_option(label=to)
    if note:
        page.get_by_label("Note", exact=True).fill(note)
    page.get_by_role("button", name="Move").click()
    expect(page.locator(".flash-success")).to_have_text(f"The case is now {to.lower()}.")


def handled_by(page):
    return page.locator("dl.facts dt", has_text="Handled by").locator("xpath=following-sibling::dd[1]")


@pytest.mark.browser_context_args(**PHONE)  # the default `page` (and `console_errors`) on a phone too
def test_a_complaint_is_assigned_answered_followed_and_published(page, open_page, live_server, console_errors):
    district = factories.make_area("Kilifi", level="district")
    factories.make_area(VILLAGE, level="community", parent=district)
    ngo = factories.make_organization(name=NGO, kind="ngo", area=district)
    handler = factories.make_user(name=HANDLER, sector="ngo", organization=ngo)
    admin = factories.make_admin(name="Grace Wanjiru")

    # Anyone, without an account, on a phone: a complaint, and a code to follow it.
    code = send_complaint(page, live_server)
    expect(page.locator("main")).not_to_contain_text(CONTACT_NAME)
    expect(page.locator("main")).not_to_contain_text(CONTACT_PHONE)
    expect(page.locator("ol.steps li.current")).to_have_text("Received")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the screen

    # An administrator finds it among the cases nobody handles yet and assigns it.
    admin_page = open_page()
    log_in_as(admin_page, live_server, admin)
    open_case(admin_page, live_server, code, "/cases?unassigned=1")
    expect(handled_by(admin_page)).to_have_text("not assigned")
    pick(admin_page, "Responsible organisation", NGO)
    pick(admin_page, "Person", HANDLER)
    admin_page.get_by_role("button", name="Assign", exact=True).click()
    expect(admin_page.locator(".flash-success")).to_have_text("Assigned.")
    expect(handled_by(admin_page)).to_have_text(f"{NGO} · {HANDLER}")  # administrators see every case
    admin_page.goto(live_server("/cases?unassigned=1"))
    expect(admin_page.get_by_role("link", name=code, exact=True)).to_have_count(0)

    # The handler finds it among the NGO's cases, with the person's contact, and works on it.
    handler_page = open_page()
    log_in_as(handler_page, live_server, handler)
    open_case(handler_page, live_server, code)
    contact = handler_page.locator("dl.facts dt", has_text="Contact").locator("xpath=following-sibling::dd[1]")
    expect(contact).to_have_text(f"{CONTACT_NAME} {CONTACT_PHONE}")
    expect(handler_page.locator(".said")).to_have_text(WHAT_HAPPENED)
    move_case(handler_page, "Acknowledged", ACKNOWLEDGEMENT)
    expect(handler_page.locator("ol.updates")).to_contain_text(ACKNOWLEDGEMENT)

    handler_page.get_by_label("Decision").select_option(label="Upheld")
    handler_page.get_by_label("Response to the person and the community").fill(RESPONSE)
    handler_page.get_by_label("Publish on the “you said, we did” board").check()
    handler_page.get_by_label("What was raised, in words fit to publish (no names, no numbers)").fill(SUMMARY)
    handler_page.get_by_role("button", name="Save response").click()
    expect(handler_page.locator(".flash-success")).to_have_text("Response saved.")
    expect(handler_page.get_by_label("Response to the person and the community")).to_have_value(RESPONSE)
    expect(handler_page.get_by_label("Publish on the “you said, we did” board")).to_be_checked()

    move_case(handler_page, "In progress")
    move_case(handler_page, "Resolved")

    # The person follows the case with the code and reads the answer.
    page.goto(live_server("/feedback/track"))
    page.get_by_label("Your code").fill(code)
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(live_server(f"/feedback/track/{code}"))
    expect(page.locator("dl.facts .badge")).to_have_text("Answered")
    expect(page.locator(".response")).to_have_text(RESPONSE)
    expect(page.locator("dl.facts")).to_contain_text("Upheld")
    expect(page.locator("main")).not_to_contain_text(CONTACT_NAME)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # Not satisfied, the person appeals from the same page and gets a new code for the appeal.
    page.get_by_label("Why do you disagree with the decision?").fill("Only one month was paid, not two.")
    page.get_by_role("button", name="Send the appeal").click()
    expect(page.get_by_text("This is an appeal against the decision on case")).to_contain_text(code)
    appeal_code = page.locator("strong.code").inner_text()
    assert appeal_code != code
    page.goto(live_server(f"/feedback/track/{code}"))
    expect(page.get_by_text("You appealed this decision")).to_contain_text(appeal_code)

    # The board shows what was raised and what was done, and no one's name, number or words.
    page.goto(live_server("/feedback/board"))
    published = page.locator("article.proposal", has_text=SUMMARY)
    expect(published).to_contain_text(f"You said: {SUMMARY}")
    expect(published).to_contain_text(f"We did: {RESPONSE}")
    expect(published.locator(".meta")).to_contain_text(f"Complaint · {VILLAGE} · {PROGRAMME}")
    for private in ("Amina", "0700", "My cash transfer did not come"):
        expect(page.locator("body")).not_to_contain_text(private)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert console_errors == []


def test_the_assign_box_of_a_handled_case_reads_its_lists_when_opened(open_page, live_server, console_errors):
    """On a phone: the case is handled, so the Assign box is closed and lists only who handles it;
    opened, its organisation list is read, and passing the case on works."""
    district = factories.make_area("Seaview District", "district")
    ngo = factories.make_organization(name=NGO, kind="ngo", area=district)
    factories.make_organization(name="Relief Partners", kind="ngo", area=district)
    handler = factories.make_user(name=HANDLER, sector="ngo", organization=ngo)
    admin = factories.make_admin(name="Grace Wanjiru")
    case = FeedbackCase(category="complaint", status="received", description=WHAT_HAPPENED, received_at=utcnow(),
                        assigned_organization_id=ngo.id, assigned_user_id=handler.id)
    case.due_at = timing.current_due(case, timing.answer_times())
    db.session.add(case)
    db.session.commit()
    page = open_page(**PHONE)
    log_in_as(page, live_server, admin)
    page.goto(live_server(f"/cases/{case.id}"))
    organisation = page.get_by_label("Responsible organisation", exact=True)
    expect(organisation.locator("option")).to_have_count(2)  # the blank one and who handles it
    expect(page.get_by_label("Person", exact=True)).to_have_value(str(handler.id))
    page.get_by_text("Choose who handles the case").click()
    expect(organisation.locator("option", has_text="Relief Partners")).to_have_count(1)  # read on opening
    organisation.select_option(label="Relief Partners")
    page.get_by_label("Person", exact=True).select_option(value="")
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.locator(".flash-success")).to_have_text("Assigned.")
    expect(handled_by(page)).to_have_text("Relief Partners")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not console_errors
