"""A committee meeting from scheduling to printed minutes, in a real browser: the secretary
schedules it and builds the agenda, a member proposes an item, the chair accepts it, and the
secretary records attendance, minutes and a decision."""
import re
from datetime import UTC, datetime, timedelta

from babel.dates import format_time
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import PHONE, log_in_as

DECISION = "Hold joint registration days in Eastbrook"


def meeting_start() -> datetime:
    """Two hours ahead, to the minute: still to come when scheduled and when the proposal is
    accepted, yet today (UTC, the app's zone in tests), so it can be marked as held today.
    Late in the day, the last minute of the day."""
    now = datetime.now(UTC).replace(tzinfo=None)
    start = (now + timedelta(hours=2)).replace(second=0, microsecond=0)
    return start if start.date() == now.date() else now.replace(hour=23, minute=59, second=0, microsecond=0)


def clock(value: datetime) -> str:
    """A time as the agenda shows it (the app's locale is en; babel takes naive times as UTC)."""
    return format_time(value, "short", locale="en")


def agenda_titles(page):
    return page.locator("#agenda .agenda-item strong")


def schedule_meeting(page, live_server, committee, title: str, start: datetime) -> int:
    page.goto(live_server(f"/committees/{committee.id}"))
    page.get_by_role("link", name="Schedule a meeting").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Date").fill(start.strftime("%Y-%m-%d"))
    page.get_by_label("Start time").fill(start.strftime("%H:%M"))
    page.get_by_label("Place", exact=True).fill("Eastbrook District Office, meeting room 2")
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_text("Meeting scheduled. Now build its agenda.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    return int(re.search(r"/meetings/(\d+)", page.url).group(1))


def add_agenda_item(page, title: str, kind: str, minutes: int):
    add = page.locator("#agenda details.add")
    # Open while the agenda is empty; closed again once it has items.
    if add.get_attribute("open") is None:
        add.get_by_text("Add an agenda item").click()
    form = add.locator("form")
    form.get_by_label("Title").fill(title)
    form.get_by_label("Kind").select_option(label=kind)
    form.get_by_label("Time (minutes)", exact=True).fill(str(minutes))
    form.get_by_role("button", name="Add to agenda").click()
    expect(page.locator("#agenda")).to_contain_text(f"Added “{title}” to the agenda.")


def propose_item(page, live_server, committee, title: str):
    page.goto(live_server(f"/committees/{committee.id}"))
    page.get_by_role("link", name="Propose an agenda item").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Kind").select_option(label="Discussion")
    page.get_by_label("Time (minutes)", exact=True).fill("15")
    page.get_by_label("Why should the committee discuss this?").fill("Two of the four water points are broken.")
    page.get_by_role("button", name="Send proposal").click()
    expect(page.get_by_text("Your proposal is with the chair and secretary.")).to_be_visible()


def accept_proposal(page, live_server, committee, title: str, meeting_title: str):
    page.goto(live_server(f"/committees/{committee.id}/proposals"))
    proposal = page.locator("article.proposal", has_text=title)
    proposal.get_by_label("Put on the agenda of").select_option(label=meeting_title)
    proposal.get_by_role("button", name="Accept").click()
    expect(page.get_by_text(f"“{title}” is on the agenda.")).to_be_visible()


def mark_attendance(page, user, status: str):
    # By the name a screen reader hears: "Present: Grace Wanjiru".
    page.get_by_role("radio", name=f"{status}: {user.name}", exact=True).check()


def test_schedule_build_agenda_and_record_a_meeting(page, open_page, live_server, console_errors):
    committee = factories.make_committee(name="Eastbrook Coordination Committee")
    secretary = factories.add_member(committee, factories.make_user(name="Grace Wanjiru", sector="government"),
                                     role="secretary")
    chair = factories.add_member(committee, factories.make_user(name="Samuel Otieno", sector="government"),
                                 role="chair")
    member = factories.add_member(committee, factories.make_user(name="Amina Hassan", sector="ngo"), role="member")
    title = "Third quarter meeting"
    start = meeting_start()

    # The secretary schedules the meeting and builds its agenda in place.
    log_in_as(page, live_server, secretary)
    meeting_id = schedule_meeting(page, live_server, committee, title, start)
    page.evaluate("window.notReloaded = true")  # survives only if htmx swaps, not a reload
    add_agenda_item(page, "Welcome and apologies", "Information", 10)
    add_agenda_item(page, "Cash transfer payment delays", "Discussion", 20)
    add_agenda_item(page, "Joint registration days", "Decision", 15)
    expect(agenda_titles(page)).to_have_text(
        ["Welcome and apologies", "Cash transfer payment delays", "Joint registration days"])
    expect(page.locator("#agenda .clock")).to_have_text(
        [clock(start), clock(start + timedelta(minutes=10)), clock(start + timedelta(minutes=30))])

    page.get_by_role("button", name="Move up: Joint registration days").click()
    expect(agenda_titles(page)).to_have_text(
        ["Welcome and apologies", "Joint registration days", "Cash transfer payment delays"])
    expect(page.locator("#agenda .clock")).to_have_text(
        [clock(start), clock(start + timedelta(minutes=10)), clock(start + timedelta(minutes=25))])
    assert page.evaluate("window.notReloaded") is True

    # A member proposes an item; the chair puts it on this meeting.
    member_page = open_page()
    log_in_as(member_page, live_server, member)
    propose_item(member_page, live_server, committee, "Water points in Eastbrook")

    chair_page = open_page()
    log_in_as(chair_page, live_server, chair)
    accept_proposal(chair_page, live_server, committee, "Water points in Eastbrook", title)
    expect(chair_page).to_have_url(re.compile(rf"/meetings/{meeting_id}#item-\d+$"))
    expect(agenda_titles(chair_page)).to_have_text(
        ["Welcome and apologies", "Joint registration days", "Cash transfer payment delays",
         "Water points in Eastbrook"])
    expect(chair_page.locator("#agenda .agenda-item", has_text="Water points in Eastbrook")).to_contain_text(
        "Proposed by Amina Hassan")

    # The secretary records the meeting.
    page.goto(live_server(f"/meetings/{meeting_id}"))
    page.get_by_role("link", name="Record attendance and minutes").click()
    mark_attendance(page, secretary, "Present")
    mark_attendance(page, chair, "Present")
    mark_attendance(page, member, "Apologies")
    page.get_by_label("Minutes for Cash transfer payment delays").fill(
        "Payments in two wards arrived three weeks late.")
    page.locator("fieldset.record-item", has_text="Joint registration days").get_by_label("New decision").fill(
        DECISION)
    page.get_by_role("button", name="Save and mark as held").click()

    expect(page.get_by_text("The meeting is recorded as held.")).to_be_visible()
    expect(page.get_by_role("heading", level=1).locator(".badge")).to_have_text("Held")
    expect(page.locator("#agenda .decisions")).to_contain_text(DECISION)
    expect(page.locator("#agenda .minutes")).to_contain_text("Payments in two wards arrived three weeks late.")
    expect(page.locator("#attendance + ul")).to_contain_text("Amina Hassan")

    # The printed minutes.
    page.goto(live_server(f"/meetings/{meeting_id}/print"))
    expect(page).to_have_title(re.compile(rf"^Minutes: {title}"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Minutes: {title}")
    expect(page.get_by_role("heading", name="Attendance")).to_be_visible()
    present = page.locator("p", has_text="Present (2):")
    expect(present).to_contain_text("Grace Wanjiru")
    expect(present).to_contain_text("Samuel Otieno")
    expect(page.locator("p", has_text="Apologies (1):")).to_contain_text("Amina Hassan")
    expect(page.locator("ol.decisions")).to_contain_text(DECISION)
    assert console_errors == []


def test_a_member_reads_the_meeting_on_a_phone(open_page, live_server):
    committee = factories.make_committee(name="Eastbrook Coordination Committee")
    member = factories.add_member(committee, factories.make_user(name="Amina Hassan", sector="ngo"))
    meeting = factories.make_meeting(committee, title="Third quarter meeting", items=3,
                                     place="Eastbrook District Office, meeting room 2")
    page = open_page(**PHONE)
    log_in_as(page, live_server, member)
    page.goto(live_server(f"/meetings/{meeting.id}"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Third quarter meeting")
    expect(agenda_titles(page)).to_have_count(3)
    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
