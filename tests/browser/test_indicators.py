"""A community group's indicator from proposal to a verified point on its chart, on phones: a
member proposes it in the group's own words, the coordinator adopts it, the member enters this
month's value (a big jump from last month needs an explanation), a verifier returns it with a
reason, the member corrects it, the verifier verifies it, and the chart shows it against the target."""
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests import factories
from tests.browser.conftest import PHONE, log_in_as
from workspace.extensions import db
from workspace.indicators import periods
from workspace.models import GroupRole, Indicator, IndicatorValue

GROUP = "Kanta Women's Savings Group"
QUESTION = "How many of us put money in the box every week this month?"
NAME = "Weekly savers"
EXPLANATION = "Harvest money came in"
REASON = "The book shows 40: please check"


def this_month() -> str:
    """Today's monthly period (UTC is the app's zone in tests)."""
    return periods.period_of(datetime.now(UTC).date(), "monthly")


def stored_values(indicator_id: int, period: str) -> list[IndicatorValue]:
    """What the database holds now (the test's session sees what the server committed)."""
    db.session.commit()  # ends the test's transaction and expires what it had loaded
    found = list(db.session.scalars(select(IndicatorValue).where(
        IndicatorValue.indicator_id == indicator_id, IndicatorValue.period == period)))
    db.session.commit()
    return found


def propose_indicator(page, live_server, group):
    page.goto(live_server(f"/groups/{group.id}"))
    page.get_by_role("link", name="Propose an indicator").click()
    page.get_by_label("The question, in your group's own words").fill(QUESTION)
    page.get_by_label("Short name").fill(NAME)
    page.get_by_label("Answer", exact=True).select_option(label="A number (count)")
    page.get_by_label("Reported").select_option(label="Every month")
    page.get_by_label("Target for each period").fill("25")
    page.get_by_role("button", name="Propose").click()
    expect(page.get_by_text("Proposed. The others see it now")).to_be_visible()


def submit_for_verification(page):
    page.get_by_role("button", name="Submit for verification").click()


@pytest.mark.browser_context_args(**PHONE)  # the default `page` (and `console_errors`) on a phone too
def test_a_group_defines_enters_and_verifies_an_indicator_on_phones(page, open_page, live_server, console_errors):
    group = factories.make_organization(name=GROUP, kind="community_group")
    coordinator = factories.make_user(name="Esther Akinyi", sector="community", organization=group)
    member = factories.make_user(name="Mary Atieno", sector="community", organization=group)
    verifier = factories.make_user(name="John Mwangi", sector="ngo",
                                   organization=factories.make_organization(name="Savings Support", kind="ngo"))
    db.session.add_all([GroupRole(organization=group, user=coordinator, role="coordinator"),
                        GroupRole(organization=group, user=verifier, role="verifier")])
    db.session.commit()
    period, last = this_month(), periods.previous(this_month())

    # A member proposes an indicator in the group's own words (`page` is a phone: see the mark).
    log_in_as(page, live_server, member)
    propose_indicator(page, live_server, group)
    proposed = page.get_by_role("region", name="Proposed by members").locator("article.proposal", has_text=NAME)
    expect(proposed).to_contain_text(QUESTION)
    expect(proposed).to_contain_text("proposed by Mary Atieno")
    expect(proposed.get_by_role("button", name="Adopt")).to_have_count(0)  # only the coordinator adopts
    indicator_id = int(proposed.get_attribute("id").removeprefix("indicator-"))

    # The coordinator adopts it.
    coordinator_page = open_page(**PHONE)
    log_in_as(coordinator_page, live_server, coordinator)
    coordinator_page.goto(live_server(f"/groups/{group.id}"))
    coordinator_page.locator("article.proposal", has_text=NAME).get_by_role("button", name="Adopt").click()
    expect(coordinator_page.get_by_text("Adopted: the group reports on it from now on.")).to_be_visible()
    expect(coordinator_page.get_by_role("region", name="Our indicators").get_by_role("link", name=NAME)) \
        .to_be_visible()
    expect(coordinator_page.get_by_role("heading", name="Proposed by members")).to_have_count(0)

    # Last month's value, already verified, so that this month's can jump.
    db.session.add(IndicatorValue(indicator=db.session.get(Indicator, indicator_id), period=last, cell="",
                                  value=20, state="verified", entered_by_id=member.id))
    db.session.commit()

    # The member types a big jump: checked as typed, refused without an explanation.
    page.goto(live_server(f"/groups/{group.id}/periods/{period}"))
    expect(page.get_by_role("heading", level=1)).to_have_text(periods.label(period))
    value_box = page.get_by_label(NAME, exact=True)
    value_box.fill("45")
    check = page.locator(f"#check-{indicator_id}")
    expect(check).to_contain_text("That is a big change from last period (20).")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the screen
    submit_for_verification(page)
    expect(page.locator(f"#explanation_{indicator_id}-error")).to_contain_text(
        "more than half as much again, or half as little, as last period (20)")
    expect(page.get_by_text("Please correct the marked fields. Nothing was saved.")).to_be_visible()
    expect(value_box).to_have_value("45")
    assert stored_values(indicator_id, period) == []

    # With an explanation it goes to the verifier.
    explanation = page.get_by_label("Why did it change so much?")
    expect(explanation).to_be_visible()  # the refusal opened "Explain a big change"
    explanation.fill(EXPLANATION)
    submit_for_verification(page)
    expect(page.get_by_text("1 value submitted for verification.")).to_be_visible()
    expect(value_box).to_be_disabled()  # waits for the verifier now
    expect(page.locator(f"#indicator-{indicator_id} .badge")).to_have_text("Submitted")
    [submitted] = stored_values(indicator_id, period)
    assert (submitted.value, submitted.state, submitted.explanation) == (45, "submitted", EXPLANATION)

    # The verifier returns it with a reason.
    verifier_page = open_page(**PHONE)
    log_in_as(verifier_page, live_server, verifier)
    verifier_page.goto(live_server(f"/groups/{group.id}/verify"))
    waiting = verifier_page.locator("article.proposal", has_text=NAME)
    expect(waiting.get_by_role("heading", level=3)).to_have_text(NAME)
    expect(waiting.locator("dd").first).to_have_text("45")  # the total, then last period and target
    expect(waiting).to_contain_text(f"Why it changed: {EXPLANATION}")
    expect(waiting).to_contain_text("entered by Mary Atieno")
    waiting.get_by_label("Why it goes back").fill(REASON)
    waiting.get_by_role("button", name="Return").click()
    expect(verifier_page.get_by_text("Returned to the group with your reason.")).to_be_visible()
    expect(verifier_page.get_by_text("Nothing is waiting.")).to_be_visible()

    # The member sees why, corrects the value (still a big jump from 20: the explanation stays).
    page.goto(live_server(f"/groups/{group.id}"))
    returned = page.get_by_role("region", name="Returned to you")
    expect(returned).to_contain_text(REASON)
    returned.get_by_role("link", name=f"{NAME}, {periods.label(period)}").click()
    expect(page).to_have_url(live_server(f"/groups/{group.id}/periods/{period}"))
    entry = page.locator(f"#indicator-{indicator_id}")
    expect(entry.locator(".flash-warning")).to_have_text(f"Returned: {REASON}")
    expect(value_box).to_have_value("45")
    expect(explanation).to_have_value(EXPLANATION)
    value_box.fill("40")
    expect(check).to_contain_text("That is a big change from last period (20).")
    submit_for_verification(page)
    expect(page.get_by_text("1 value submitted for verification.")).to_be_visible()
    expect(entry.locator(".flash-warning")).to_have_count(0)

    # The verifier verifies it.
    verifier_page.goto(live_server(f"/groups/{group.id}/verify"))
    expect(waiting.locator("dd").first).to_have_text("40")
    waiting.get_by_role("button", name="Verify").click()
    expect(verifier_page.get_by_text("Verified.")).to_be_visible()
    expect(verifier_page.get_by_text("Nothing is waiting.")).to_be_visible()
    [verified] = stored_values(indicator_id, period)
    assert (verified.value, verified.state, verified.verified_by_id) == (40, "verified", verifier.id)

    # The chart: both months against the target, and the table of values.
    page.goto(live_server(f"/indicators/{indicator_id}"))
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    chart = page.locator("svg.chart-svg")
    expect(chart).to_be_visible()
    expect(chart.locator("path.target")).to_have_count(1)
    short = {p: datetime.strptime(p, "%Y-%m").strftime("%b %Y") for p in (last, period)}  # "Nov 2026"
    expect(chart.locator("circle.point title")).to_have_text([f"{short[last]}: 20", f"{short[period]}: 40"])
    expect(chart.locator("circle.point").nth(1)).to_have_class("point on_track verified")
    row = page.locator("tbody tr", has_text=periods.label(period))
    expect(row.locator('td[data-label="Value"]')).to_have_text("40")
    expect(row.locator('td[data-label="Target"]')).to_have_text("25")
    expect(row).to_contain_text("Verified")
    expect(row).to_contain_text(f"Why it changed: {EXPLANATION}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert console_errors == []
