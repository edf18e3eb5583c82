"""An action-planning session in three browsers at once: a facilitator starts it for a committee, a
member joins with an account and a guest joins on a phone with the code on the projector. Problems
and ideas typed on one screen appear on the others without a reload, the votes stay within the
allowance, the top idea becomes an owned, dated action, and closing the session ends the guest's
access and leaves the action plan."""
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import PHONE, log_in_as

COMMITTEE = "Eastbrook Coordination Committee"
NGO = "Coastal Livelihoods Trust"
TITLE = "Registration workshop"
GUEST = "Halima"
LATE = "Payments arrive late"
QUEUES = "Long queues at the pay point"
MARKET_DAY = "Pay at the school on market day"
SMS = "Send payment dates by SMS"
LIVE = 10_000  # the board polls every 3 s: a change shows on the other screens within a few seconds


def day(offset: int = 0) -> str:
    """A date `offset` days from today, as a date input takes it (UTC is the app's zone in tests)."""
    return (datetime.now(UTC).date() + timedelta(days=offset)).isoformat()


def start_session(page, live_server, committee) -> str:
    """The facilitator starts a session from the sessions page; returns the join code it shows."""
    page.goto(live_server("/sessions"))
    page.get_by_role("link", name=f"New session for {committee.name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"New session for {committee.name}")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Date").fill(day())
    page.get_by_label("Votes per participant").fill("3")
    page.get_by_label("At most, votes on one idea").fill("2")
    page.get_by_role("button", name="Start the session").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    code = page.locator(".join-code strong").inner_text().strip()
    expect(page.locator("#messages")).to_contain_text(f"Show the join code on the projector: {code}")
    return code


def current_phase(page):
    return page.locator("#board .phase-step.current")


def add_problem(page, text: str):
    page.get_by_label("A problem, in a few words").fill(text)
    page.get_by_role("button", name="Add card").click()
    expect(page.locator("#board section.problem h3", has_text=text)).to_be_visible()
    expect(page.get_by_label("A problem, in a few words")).to_have_value("")  # a fresh form for the next card


def add_idea(page, problem: str, text: str):
    page.get_by_label("Which problem does your idea answer?").select_option(label=problem)
    page.get_by_label("Your idea", exact=True).fill(text)
    page.get_by_role("button", name="Add card").click()
    expect(idea(page, problem, text)).to_be_visible()


def idea(page, problem: str, text: str):
    return page.locator("#board section.problem", has=page.locator("h3", has_text=problem)).locator(
        "li.idea", has_text=text)


def move_on(page, to: str):
    page.get_by_role("button", name=f"Move on to: {to}").click()
    expect(page.locator("#messages .flash-success")).to_have_text(f"Now: {to}.")
    expect(current_phase(page)).to_have_text(to)


def vote_for(page, text: str, votes_left: int):
    page.get_by_role("button", name=f"Vote for {text}", exact=True).click()
    expect(page.locator("#board .votes-left")).to_have_text(f"Your votes left: {votes_left} of 3")


def test_a_session_from_problems_to_an_action_plan(page, open_page, live_server, console_errors):
    committee = factories.make_committee(name=COMMITTEE)
    ngo = factories.make_organization(name=NGO, kind="ngo")
    facilitator = factories.add_member(
        committee, factories.make_user(name="Fatuma Odhiambo", sector="ngo", organization=ngo), role="member")
    member = factories.add_member(committee, factories.make_user(name="Samuel Otieno", sector="government"),
                                  role="member")

    # The facilitator starts the session; the join code goes on the projector.
    log_in_as(page, live_server, facilitator)
    code = start_session(page, live_server, committee)
    session_url = page.url
    expect(current_phase(page)).to_have_text("Problems")

    # A member with an account opens the session and joins it.
    member_page = open_page()
    log_in_as(member_page, live_server, member)
    member_page.goto(session_url)
    member_page.get_by_role("button", name="Join this session").click()
    expect(member_page).to_have_url(session_url)
    expect(current_phase(member_page)).to_have_text("Problems")
    expect(member_page.locator("#board .join-code")).to_have_count(0)  # the code is the facilitator's to show

    # A guest joins on a phone with the code and a name, no account.
    guest_page = open_page(**PHONE)
    guest_page.goto(live_server("/join"))
    guest_page.get_by_label("Code on the screen").fill(code.lower())  # typed as it comes
    guest_page.get_by_label("Your name, as the others will see it").fill(GUEST)
    guest_page.get_by_role("button", name="Join").click()
    expect(guest_page).to_have_url(session_url)
    expect(guest_page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(current_phase(guest_page)).to_have_text("Problems")
    expect(page.locator("#board .people")).to_have_text("3 people", timeout=LIVE)

    # Problems: a card typed on one screen appears on the others without a reload.
    for screen in (page, member_page, guest_page):
        screen.evaluate("window.notReloaded = true")  # survives only if htmx swaps, not a reload
    add_problem(page, LATE)
    expect(member_page.locator("#board")).to_contain_text(LATE, timeout=LIVE)
    expect(guest_page.locator("#board")).to_contain_text(LATE, timeout=LIVE)
    add_problem(guest_page, QUEUES)
    expect(page.locator("#board")).to_contain_text(QUEUES, timeout=LIVE)
    expect(member_page.locator("#board")).to_contain_text(QUEUES, timeout=LIVE)
    expect(member_page.locator("#board section.problem h3")).to_have_text([LATE, QUEUES])
    for screen in (page, member_page, guest_page):
        assert screen.evaluate("window.notReloaded") is True

    # Ideas: every screen follows the phase by itself (the page reloads, so its form is the
    # ideas form now).
    move_on(page, "Ideas")
    expect(current_phase(member_page)).to_have_text("Ideas", timeout=LIVE)
    expect(current_phase(guest_page)).to_have_text("Ideas", timeout=LIVE)
    expect(guest_page.get_by_label("Which problem does your idea answer?")).to_be_visible(timeout=LIVE)
    add_idea(member_page, LATE, MARKET_DAY)
    add_idea(guest_page, LATE, SMS)
    expect(idea(page, LATE, MARKET_DAY)).to_be_visible(timeout=LIVE)
    expect(idea(page, LATE, SMS)).to_be_visible(timeout=LIVE)
    expect(idea(guest_page, LATE, MARKET_DAY)).to_be_visible(timeout=LIVE)
    expect(idea(member_page, LATE, SMS)).to_be_visible(timeout=LIVE)
    expect(page.locator("#board li.idea")).to_have_count(2)
    expect(page.locator("#board section.problem", has_text=QUEUES)).to_contain_text("No ideas yet.")

    # Vote: three dots each, at most two on one idea.
    move_on(page, "Vote")
    expect(page.locator("#board .votes-left")).to_have_text("Your votes left: 3 of 3")
    expect(guest_page.locator("#board .votes-left")).to_have_text("Your votes left: 3 of 3", timeout=LIVE)
    vote_for(guest_page, MARKET_DAY, 2)
    vote_for(guest_page, MARKET_DAY, 1)
    expect(guest_page.get_by_role("button", name=f"Vote for {MARKET_DAY}", exact=True)).to_be_disabled()
    vote_for(guest_page, SMS, 0)
    expect(idea(guest_page, LATE, MARKET_DAY).locator(".my-dots")).to_have_text("●●")
    expect(idea(guest_page, LATE, SMS).locator(".my-dots")).to_have_text("●")
    for text in (MARKET_DAY, SMS):
        expect(guest_page.get_by_role("button", name=f"Vote for {text}", exact=True)).to_be_disabled()
    expect(guest_page.locator("#board .dots")).to_have_count(0)  # no totals while people vote
    expect(member_page.locator("#board .votes-left")).to_have_text("Your votes left: 3 of 3", timeout=LIVE)
    vote_for(member_page, MARKET_DAY, 2)

    # Actions: the totals show, the top idea first, and the facilitator makes it an action.
    move_on(page, "Actions")
    expect(idea(page, LATE, MARKET_DAY).locator(".dots")).to_have_text("3 votes")
    expect(idea(page, LATE, SMS).locator(".dots")).to_have_text("1 vote")
    expect(page.locator("#board li.idea .idea-text")).to_have_text([MARKET_DAY, SMS])
    expect(idea(guest_page, LATE, MARKET_DAY).locator(".dots")).to_have_text("3 votes", timeout=LIVE)
    expect(idea(member_page, LATE, SMS).locator(".dots")).to_have_text("1 vote", timeout=LIVE)
    expect(member_page.get_by_role("link", name="Make it an action")).to_have_count(0)  # the facilitator's

    idea(page, LATE, MARKET_DAY).get_by_role("link", name="Make it an action").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Make the idea an action")
    expect(page.get_by_label("What will be done")).to_have_value(MARKET_DAY)
    page.get_by_label("Responsible organisation").select_option(label=NGO)
    page.get_by_label("Start", exact=True).fill(day())
    page.get_by_label("Due", exact=True).fill(day(30))
    page.get_by_role("button", name="Create the action").click()
    expect(page.locator("#messages .flash-success")).to_have_text(f"“{MARKET_DAY}” is now an action.")
    expect(idea(page, LATE, MARKET_DAY).locator(".badge")).to_have_text("action")
    expect(idea(page, LATE, MARKET_DAY).get_by_role("link", name="Make it an action")).to_have_count(0)
    expect(idea(page, LATE, SMS).get_by_role("link", name="Make it an action")).to_be_visible()

    # Closed: the result stays with the committee; the guest's access and the code end.
    move_on(page, "Closed")
    expect(page.get_by_role("button", name="Join this session")).to_have_count(0)
    expect(page.locator("#board .join-code")).to_have_count(0)
    page.get_by_role("link", name="The action plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Plan from {TITLE}")
    expect(page.locator("main")).to_contain_text(MARKET_DAY)
    expect(page.locator("main")).to_contain_text(NGO)
    expect(page.locator("main")).not_to_contain_text(SMS)  # only the idea made an action

    # The guest's screen follows the close by itself: thanks, and nothing of the board any more.
    expect(guest_page.locator("main")).to_contain_text("This session has closed", timeout=LIVE)
    expect(guest_page.locator("main")).not_to_contain_text(MARKET_DAY)
    guest_page.goto(live_server("/join"))
    guest_page.get_by_label("Code on the screen").fill(code)
    guest_page.get_by_label("Your name, as the others will see it").fill(GUEST)
    guest_page.get_by_role("button", name="Join").click()
    expect(guest_page.locator(".field.has-error")).to_contain_text("No open session has this code.")

    # The member reads the closed session and its summary.
    member_page.goto(session_url)
    expect(member_page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(idea(member_page, LATE, MARKET_DAY).locator(".dots")).to_have_text("3 votes")
    expect(member_page.locator("form[action$='/cards'], #card-form")).to_have_count(0)
    assert console_errors == []
