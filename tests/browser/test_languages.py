"""The app in Bengali on a 360 px phone: a person without an account switches the feedback form to
Bengali, sends a complaint and follows it with the code; a community member whose account reads in
Bengali enters a period's data. Every page stays in Bengali and nothing is wider than the screen.

The Bengali words come from the shipped catalog, so a corrected translation does not break the test."""
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.dates import format_skeleton
from babel.support import Translations
from playwright.sync_api import expect
from sqlalchemy import select

from tests import factories
from tests.browser.conftest import log_in
from workspace.extensions import db
from workspace.i18n import CATALOGS
from workspace.indicators import periods
from workspace.models import GroupRole, Indicator, IndicatorValue

PHONE_360 = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
SHOTS = Path("test-results")  # kept by CI as the screenshots a person looks at
BENGALI = Translations.load(str(CATALOGS), ["bn"])


def bn(text: str, **values) -> str:
    words = BENGALI.gettext(text)
    return words % values if values else words


def in_bengali_and_fits(page, shot: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "bn")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "wider than the screen"
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"bengali-{shot}.png"), full_page=True)


@pytest.mark.browser_context_args(**PHONE_360)
def test_a_person_without_an_account_gives_feedback_and_follows_it_in_bengali(page, live_server, console_errors):
    page.goto(live_server("/feedback"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("form.languages").get_by_role("button", name="বাংলা").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(bn("Tell us"))
    in_bengali_and_fits(page, "feedback-form")
    page.get_by_label(bn("Complaint"), exact=True).check()
    page.get_by_label(bn("What happened? What would you like to see done?")).fill("এই মাসে ভাতার টাকা আসেনি।")
    page.get_by_role("button", name=bn("Send"), exact=True).click()

    expect(page.get_by_text(bn("Thank you. We have received it."))).to_be_visible()
    code = page.locator("strong.code").inner_text().strip()
    expect(page.get_by_role("heading", level=1)).to_have_text(bn("Case %(code)s", code=code))
    in_bengali_and_fits(page, "case-received")

    # Later, from the same phone: the lookup by code, still in Bengali (the choice is kept).
    page.goto(live_server("/feedback/track"))
    expect(page.get_by_role("heading", level=1)).to_have_text(bn("Follow your case"))
    page.get_by_label(bn("Your code")).fill(code)
    page.get_by_role("button", name=bn("Show"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(bn("Case %(code)s", code=code))
    expect(page.locator("ol.steps li.current")).to_have_text(bn("Received"))
    in_bengali_and_fits(page, "case-followed")
    assert console_errors == []


@pytest.mark.browser_context_args(**PHONE_360)
def test_a_community_member_enters_a_period_in_bengali(page, live_server, console_errors):
    group = factories.make_organization(name="Kanta Women's Savings Group", kind="community_group")
    member = factories.make_user(name="Nasima Akter", sector="community", organization=group)
    member.language = "bn"
    db.session.add(GroupRole(organization=group, user=member, role="coordinator"))
    indicator = Indicator(organization=group, short_name="Weekly savers", unit="count", status="adopted",
                          question="এই মাসে আমাদের কতজন প্রতি সপ্তাহে বাক্সে টাকা রেখেছেন?", target=20,
                          language="bn", frequency="monthly")
    db.session.add(indicator)
    db.session.commit()
    period = periods.period_of(datetime.now(UTC).date(), "monthly")

    log_in(page, live_server, member, factories.PASSWORD)  # the login page in the browser's English
    expect(page.get_by_role("heading", level=1)).to_have_text(bn("Welcome, %(name)s", name=member.name))
    in_bengali_and_fits(page, "home")

    page.goto(live_server(f"/groups/{group.id}/periods/{period}"))
    month = datetime.strptime(period, "%Y-%m")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(format_skeleton("yMMMM", month, locale="bn"))  # the month in Bengali
    expect(page.locator("legend", has_text="এই মাসে আমাদের কতজন")).to_be_visible()  # the group's own words
    page.get_by_label("Weekly savers", exact=True).fill("18")
    # The value is checked as typed; the check's line moves the buttons down, so wait for it before
    # pressing one (a click aimed before the move can land beside the button).
    expect(page.locator(f"#check-{indicator.id}")).to_contain_text("✓")
    in_bengali_and_fits(page, "entry")
    page.get_by_role("button", name=bn("Submit for verification"), exact=True).click()
    expect(page.get_by_text(BENGALI.ngettext("%(num)s value submitted for verification.",
                                             "%(num)s values submitted for verification.", 1) % {"num": 1})) \
        .to_be_visible()
    in_bengali_and_fits(page, "entry-submitted")

    db.session.commit()
    [value] = db.session.scalars(select(IndicatorValue).where(IndicatorValue.indicator_id == indicator.id))
    assert (value.period, value.value, value.state) == (period, 18, "submitted")
    assert console_errors == []
