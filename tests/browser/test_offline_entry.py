"""A community group's period from a phone without a connection to its approval, at 360 px: the
member enters it offline and sees it waiting on the phone, the connection comes back and it is
sent; the verifier returns it, the member corrects it, the verifier verifies it, the coordinator
signs the period off and the committee's chair approves it. And an entry the server refuses when
it finally arrives comes back to the member with the reason and what they typed."""
import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import log_in_as
from tests.browser.test_indicators import stored_values, this_month
from workspace.extensions import db
from workspace.indicators import periods
from workspace.models import GroupRole, Indicator, IndicatorValue, PeriodSignoff

PHONE_360 = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
NAME = "Weekly savers"


@pytest.fixture
def world(app):
    district = factories.make_area("Mapleton District", "district")
    village = factories.make_area("Kanta Village", "community", parent=district)
    group = factories.make_organization(name="Kanta Women's Savings Group", kind="community_group", area=village)
    coordinator = factories.make_user(name="Esther Akinyi", sector="community", organization=group)
    member = factories.make_user(name="Mary Atieno", sector="community", organization=group)
    verifier = factories.make_user(name="John Mwangi", sector="ngo")
    committee = factories.make_committee("Mapleton Committee", level="district", area=district)
    chair = factories.add_member(committee, role="chair", sector="government")
    indicator = Indicator(organization=group, short_name=NAME, question="How many of us saved every week?",
                          unit="count", frequency="monthly", status="adopted", target=25, dimensions=[])
    db.session.add_all([GroupRole(organization=group, user=coordinator, role="coordinator"),
                        GroupRole(organization=group, user=verifier, role="verifier"), indicator])
    db.session.flush()
    db.session.add(IndicatorValue(indicator=indicator, period=periods.previous(this_month()), value=20,
                                  state="verified", entered_by_id=member.id))
    db.session.commit()
    return {"group": group, "coordinator": coordinator, "member": member, "verifier": verifier, "chair": chair,
            "indicator_id": indicator.id}


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_period_entered_offline_is_sent_then_verified_signed_off_and_approved(open_page, live_server, world):
    group, indicator_id, period = world["group"], world["indicator_id"], this_month()
    entry_url = live_server(f"/groups/{group.id}/periods/{period}")
    page = open_page(**PHONE_360)
    log_in_as(page, live_server, world["member"])
    page.goto(entry_url)
    # The page and what it needs are kept on the phone once the service worker runs.
    assert page.evaluate("navigator.serviceWorker.ready.then(r => Boolean(r.active))")
    page.reload()  # the worker answers for the page from now on, and keeps a copy of it

    # No connection: the entry is kept on the phone, and says so.
    page.context.set_offline(True)
    page.get_by_label(NAME, exact=True).fill("22")
    page.get_by_role("button", name="Submit for verification").click()
    outbox = page.locator("#outbox")
    expect(outbox).to_contain_text("Waiting to be sent: 1.")
    expect(outbox).to_contain_text("There is no connection")
    no_sideways_scroll(page)
    assert stored_values(indicator_id, period) == []  # nothing reached the server
    # Still offline, the page opens again from the phone, the entry still waiting.
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(periods.label(period))
    expect(page.locator("#outbox")).to_contain_text("Waiting to be sent: 1.")

    # The connection comes back: it is sent, and the page shows what the server holds.
    page.context.set_offline(False)
    expect(page.locator("#outbox")).to_contain_text("Sent: 1.")
    expect(page.locator(f"#indicator-{indicator_id} .badge")).to_have_text("Submitted")
    [sent] = stored_values(indicator_id, period)
    assert (sent.value, sent.state, sent.entered_by_id) == (22, "submitted", world["member"].id)

    # The verifier returns it; the member corrects it; the verifier verifies it.
    verifier_page = open_page(**PHONE_360)
    log_in_as(verifier_page, live_server, world["verifier"])
    verifier_page.goto(live_server(f"/groups/{group.id}/verify"))
    waiting = verifier_page.locator("article.proposal", has_text=NAME)
    waiting.get_by_label("Why it goes back").fill("The book shows 24")
    waiting.get_by_role("button", name="Return").click()
    expect(verifier_page.get_by_text("Returned to the group with your reason.")).to_be_visible()
    page.goto(entry_url)
    expect(page.locator(f"#indicator-{indicator_id} .flash-warning")).to_have_text("Returned: The book shows 24")
    page.get_by_label(NAME, exact=True).fill("24")
    page.get_by_role("button", name="Submit for verification").click()
    expect(page.get_by_text("1 value submitted for verification.")).to_be_visible()
    verifier_page.goto(live_server(f"/groups/{group.id}/verify"))
    expect(waiting.locator("dd").first).to_have_text("24")
    waiting.get_by_role("button", name="Verify").click()
    expect(verifier_page.get_by_text("Nothing is waiting.")).to_be_visible()

    # The coordinator signs the period off; the committee's chair approves it for the area.
    coordinator_page = open_page(**PHONE_360)
    log_in_as(coordinator_page, live_server, world["coordinator"])
    coordinator_page.goto(live_server(f"/groups/{group.id}"))
    coordinator_page.locator(f"#signoff-{period}").get_by_role("button", name="Sign off").click()
    expect(coordinator_page.locator(f"#signoff-{period}")).to_contain_text(
        "Signed off by Esther Akinyi; waiting for a committee's approval.")
    no_sideways_scroll(coordinator_page)
    chair_page = open_page(**PHONE_360)
    log_in_as(chair_page, live_server, world["chair"])
    chair_page.goto(live_server(f"/groups/{group.id}"))
    chair_page.locator(f"#signoff-{period}").get_by_role("button", name="Approve for the area").click()
    expect(chair_page.locator(f"#signoff-{period}")).to_contain_text("Approved for the area by Mapleton Committee.")
    db.session.commit()
    approved = db.session.scalar(db.select(PeriodSignoff).where(PeriodSignoff.organization_id == group.id,
                                                                PeriodSignoff.period == period))
    assert approved.state == "approved" and approved.approved_by_id == world["chair"].id
    # The committee sees it among the groups that have reported, approved.
    committee_id = approved.committee_id
    db.session.commit()
    chair_page.goto(live_server(f"/committees/{committee_id}/reporting?period={period}"))
    expect(chair_page.locator("tr", has_text=group.name)).to_contain_text("Approved")
    no_sideways_scroll(chair_page)


def test_an_offline_entry_the_server_refuses_comes_back_with_the_reason(open_page, live_server, world):
    group, indicator_id, period = world["group"], world["indicator_id"], this_month()
    entry_url = live_server(f"/groups/{group.id}/periods/{period}")
    page = open_page(**PHONE_360)
    log_in_as(page, live_server, world["member"])
    coordinator_page = open_page(**PHONE_360)
    log_in_as(coordinator_page, live_server, world["coordinator"])

    def enter_offline(value: str) -> None:
        page.goto(entry_url)
        page.context.set_offline(True)
        page.get_by_label(NAME, exact=True).fill(value)
        page.get_by_role("button", name="Save as draft").click()
        expect(page.locator("#outbox")).to_contain_text("Waiting to be sent: 1.")

    def coordinator_enters(value: str, button: str, said: str) -> None:
        coordinator_page.goto(entry_url)
        coordinator_page.get_by_label(NAME, exact=True).fill(value)
        coordinator_page.get_by_role("button", name=button).click()
        expect(coordinator_page.get_by_text(said)).to_be_visible()

    # Changed meanwhile: the entry comes back with the reason, and what was typed goes back in the form.
    enter_offline("30")
    coordinator_enters("21", "Save as draft", "1 value saved as a draft.")
    page.context.set_offline(False)
    outbox = page.locator("#outbox")
    expect(outbox).to_contain_text("Needs your attention")
    expect(outbox).to_contain_text("Not saved: someone changed this meanwhile")
    assert [v.value for v in stored_values(indicator_id, period)] == [21]  # nothing overwritten
    no_sideways_scroll(page)
    page.reload()  # still there after a reload: nothing is dropped without the member's say
    outbox.get_by_role("button", name="Put it back in the form").click()
    expect(page.get_by_label(NAME, exact=True)).to_have_value("30")
    expect(outbox).to_be_hidden()
    page.get_by_role("button", name="Save as draft").click()  # over the coordinator's draft, knowingly
    expect(page.get_by_text("1 value saved as a draft.")).to_be_visible()
    assert [v.value for v in stored_values(indicator_id, period)] == [30]

    # Submitted meanwhile: refused with the reason; discarded on purpose, it is gone from the phone.
    enter_offline("31")
    coordinator_enters("29", "Submit for verification", "1 value submitted for verification.")
    page.context.set_offline(False)
    expect(outbox).to_contain_text("submitted meanwhile")
    [kept] = stored_values(indicator_id, period)
    assert (kept.value, kept.state) == (29, "submitted")
    outbox.get_by_role("button", name="Discard it").click()
    expect(outbox).to_be_hidden()
    assert page.evaluate("localStorage.getItem('workspace-outbox')") == "[]"
