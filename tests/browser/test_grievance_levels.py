"""A grievance up the levels, on phones at 360 px: an anonymous complaint is routed to the village's
NGO, whose handler finds it on their home page; it passes its time and escalates to the district's
NGO, which resolves it as upheld; the person appeals from the tracking page, and the appeal reaches
the next level up, the ministry."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import log_in_as, pick
from tests.browser.test_feedback import move_case
from workspace.extensions import db
from workspace.feedback import escalation, routing
from workspace.models import CaseAppeal, FeedbackCase

PHONE_360 = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
WHAT_HAPPENED = "The pay point was closed on the day the transfer was due."
RESPONSE = "The pay point will open every second Monday; the missed transfer is paid on the next one."


@pytest.fixture
def levels(app):
    national = factories.national_area()
    district = factories.make_area("Kilifi", level="district", parent=national)
    village = factories.make_area("Mwembe Village", level="community", parent=district)
    ministry = factories.make_organization(name="Ministry of Social Welfare", kind="government")
    district_ngo = factories.make_organization(name="Coastal Livelihoods Trust", kind="ngo", area=district)
    village_ngo = factories.make_organization(name="Mwembe Women's Association", kind="ngo", area=village)
    admin = factories.make_admin(name="Grace Wanjiru")
    for organization, area in ((ministry, national), (district_ngo, district), (village_ngo, village)):
        routing.add_rule(admin, organization.id, area.id, None, None)
    return {"village": village, "village_handler": factories.make_user(name="Rose Achieng", organization=village_ngo),
            "district_handler": factories.make_user(name="Fatuma Odhiambo", organization=district_ngo),
            "ministry": ministry, "district_ngo": district_ngo, "village_ngo": village_ngo}


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_complaint_goes_up_the_levels_and_its_appeal_reaches_the_next(open_page, live_server, levels):
    # Anyone, without an account, on a phone: an anonymous complaint about the village.
    person = open_page(**PHONE_360)
    person.goto(live_server("/feedback"))
    person.get_by_label("Complaint").check()
    person.get_by_label("What happened? What would you like to see done?").fill(WHAT_HAPPENED)
    pick(person, "Where? (if you want to say)", "Mwembe Village")
    person.get_by_label("Stay anonymous: keep no name or number").check()
    person.get_by_role("button", name="Send").click()
    code = person.locator("strong.code").inner_text().strip()
    no_sideways_scroll(person)

    # Routed at once to the village's NGO: its handler finds it from their home page.
    village = open_page(**PHONE_360)
    log_in_as(village, live_server, levels["village_handler"])
    new_cases = village.get_by_role("link", name="1 new case for your organisation waits to be acknowledged")
    new_cases.click()
    expect(village.get_by_role("link", name=code, exact=True)).to_be_visible()
    no_sideways_scroll(village)

    # Nobody acknowledges it in time: it escalates to the district's NGO (the clock moved by two days).
    db.session.commit()
    case = db.session.scalar(db.select(FeedbackCase).where(FeedbackCase.code == code))
    assert escalation.escalate_due(case.received_at + timedelta(hours=49)) == 1
    village.goto(live_server("/cases"))
    expect(village.get_by_role("link", name=code, exact=True)).to_have_count(0)  # it left the village's list

    district = open_page(**PHONE_360)
    log_in_as(district, live_server, levels["district_handler"])
    district.get_by_role("link", name="1 new case for your organisation waits to be acknowledged").click()
    district.get_by_role("link", name=code, exact=True).click()
    expect(district.get_by_role("heading", level=1)).to_contain_text("Escalated")
    expect(district.locator("ol.updates")).to_contain_text("passed from Mwembe Women's Association to Coastal "
                                                          "Livelihoods Trust")
    move_case(district, "Acknowledged")
    district.get_by_label("Decision").select_option(label="Upheld")
    district.get_by_label("Response to the person and the community").fill(RESPONSE)
    district.get_by_role("button", name="Save response").click()
    expect(district.locator(".flash-success")).to_have_text("Response saved.")
    move_case(district, "Resolved")
    no_sideways_scroll(district)

    # The person reads the decision with the code, and appeals from the same page.
    person.goto(live_server(f"/feedback/track/{code}"))
    expect(person.locator("dl.facts")).to_contain_text("Upheld")
    expect(person.locator(".response")).to_have_text(RESPONSE)
    person.get_by_label("Why do you disagree with the decision?").fill("Only one of the two missed transfers came.")
    person.get_by_role("button", name="Send the appeal").click()
    expect(person.get_by_text("This is an appeal against the decision on case")).to_contain_text(code)
    appeal_code = person.locator("strong.code").inner_text().strip()
    no_sideways_scroll(person)

    # The appeal reaches the next level up from the district's NGO that decided: the ministry.
    db.session.commit()
    appeal = db.session.scalar(db.select(FeedbackCase).where(FeedbackCase.code == appeal_code))
    assert appeal.assigned_organization_id == levels["ministry"].id
    assert db.session.get(CaseAppeal, appeal.id).original_id == case.id
