"""The programme repository in a real browser: an NGO officer enters a programme on a phone, the
district committee's chair sees it overlap with a government programme, marks it "to consolidate"
and raises it to the next meeting, whose agenda item links back to the overlap."""
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import PHONE, log_in_as, pick
from workspace.programmes import services


def test_an_overlap_goes_from_a_phone_to_the_committees_next_meeting(open_page, live_server, console_errors):
    services.ensure_lists()
    district = factories.make_area("Mapleton District", "district")
    factories.make_area("Eastbrook Sub-district", "subdistrict", parent=district)
    ministry = factories.make_organization("Ministry of Social Welfare", kind="government")
    ngo = factories.make_organization("Community Action", kind="ngo", area=district)
    factories.make_programme("Old-age allowance", organization=ministry, groups=("elderly",))
    committee = factories.make_committee("Mapleton District Committee", level="district", area=district)
    chair = factories.add_member(committee, factories.make_user(name="Daniel Mensah", sector="government"),
                                 role="chair")
    meeting = factories.make_meeting(committee, title="District coordination meeting")
    officer = factories.make_user(name="Grace Njeri", organization=ngo)

    phone = open_page(**PHONE)
    log_in_as(phone, live_server, officer)
    phone.goto(live_server("/programmes"))
    phone.get_by_role("link", name="Add a programme").click()
    phone.get_by_label("Name", exact=True).fill("Elderly cash support")
    phone.get_by_label("Thematic cluster").select_option(label="Social allowances")
    phone.get_by_label("Elderly").check()
    phone.get_by_label("Kind of support").select_option(label="Cash")
    pick(phone, "Where it works", "Eastbrook")
    phone.get_by_label("Starts").fill("2024-07-01")
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_text("Added Elderly cash support to the repository.")).to_be_visible()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Elderly cash support")
    expect(phone.get_by_text("Both work in Eastbrook Sub-district.")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390, "the page fits the phone"

    desk = open_page()
    log_in_as(desk, live_server, chair)
    desk.goto(live_server(f"/committees/{committee.id}"))
    desk.get_by_role("link", name="Overlapping programmes").click()
    overlap = desk.locator(".overlap", has_text="Elderly cash support")
    expect(overlap).to_contain_text("Old-age allowance")
    expect(overlap).to_contain_text("Both give the same kind of support: Cash.")
    overlap.get_by_role("link", name="Record the committee's view").click()
    desk.get_by_label("The committee finds them").select_option(label="To consolidate")
    desk.get_by_label("Note").fill("The NGO could deliver the allowance's top-up instead.")
    desk.get_by_role("button", name="Save").click()
    expect(desk.get_by_text("Saved the committee's view.")).to_be_visible()
    overlap = desk.locator(".overlap", has_text="Elderly cash support")
    expect(overlap).to_contain_text("To consolidate")
    overlap.get_by_role("button", name="Raise at the next meeting").click()
    expect(desk.get_by_text("On the agenda of District coordination meeting.")).to_be_visible()
    assert desk.url.startswith(live_server(f"/meetings/{meeting.id}"))
    item = desk.locator(".agenda-item", has_text="Overlap: Old-age allowance and Elderly cash support")
    expect(item).to_be_visible()
    item.get_by_role("link", name="Old-age allowance / Elderly cash support").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Overlapping programmes")
    assert console_errors == []
