"""Logging in and out, and keeping organisations, in a real browser."""
import re

from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import PHONE, log_in, pick


def test_log_in_and_out(page, live_server, console_errors):
    user = factories.make_user(name="Ruth Achieng", sector="community")
    log_in(page, live_server, user, factories.PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Ruth Achieng")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You have logged out.")).to_be_visible()
    page.goto(live_server("/"))
    expect(page).to_have_url(re.compile(r"/login\?next="))
    assert console_errors == []


def test_failed_login_says_why(page, live_server, console_errors):
    user = factories.make_user()
    log_in(page, live_server, user, "not the password")
    expect(page.get_by_role("alert")).to_contain_text("That email and password do not match an account.")
    expect(page.get_by_label("Email")).to_have_value(user.email)
    assert console_errors == []


def test_add_and_edit_an_organisation_inline(page, live_server, console_errors):
    admin = factories.make_admin()
    area = factories.make_area("Mapleton District", "district")
    log_in(page, live_server, admin, factories.PASSWORD)
    page.goto(live_server("/admin/organizations"))
    page.evaluate("window.notReloaded = true")  # survives only if htmx swaps, not a reload

    page.get_by_text("Add an organisation").click()
    page.get_by_role("button", name="Add organisation").click()  # empty: refused in place
    expect(page.locator("#organizations-section")).to_contain_text("This field is required.")

    add = page.locator("details.add form")
    add.get_by_label("Name").fill("Greenhill Mothers' Group")
    add.get_by_label("Kind").select_option(label="Community group")
    pick(add, "Area", area.name)
    add.get_by_role("button", name="Add organisation").click()
    expect(page.locator("#organizations-section")).to_contain_text("Added Greenhill Mothers' Group.")
    row = page.locator("tr", has_text="Greenhill Mothers' Group")
    expect(row).to_contain_text("Community group")

    row.get_by_role("link", name="Edit").click()
    edit_row = page.locator("tr.editing")
    edit_row.get_by_label("Name").fill("Greenhill Mothers and Carers")
    edit_row.get_by_role("button", name="Save").click()
    expect(page.locator("tr", has_text="Greenhill Mothers and Carers")).to_be_visible()
    expect(page.locator("tr.editing")).to_have_count(0)
    assert page.evaluate("window.notReloaded") is True
    assert console_errors == []


def test_login_on_a_phone(browser, live_server):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    user = factories.make_user(name="Mariam Sultana", sector="community")
    log_in(page, live_server, user, factories.PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Mariam Sultana")).to_be_visible()
    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
