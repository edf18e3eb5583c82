"""Action-planning sessions: joining, cards, phases, votes within the allowance (also under
concurrent requests), tidying, ideas to actions, closing, and the board's query count."""
import re
import threading
from datetime import date

import pytest

from workspace.extensions import db
from workspace.models import Action, ActionPlan, Card, GroupRole, Participant, PlanningSession, Vote
from workspace.sessions import services
from tests import factories
from tests.conftest import login


@pytest.fixture
def room(app):
    committee = factories.make_committee("Eastbrook Committee", level="local")
    facilitator = factories.add_member(committee, role="member", sector="ngo")
    member = factories.add_member(committee, role="member", sector="government")
    session = services.create_session(facilitator, title="Registration workshop", held_on=date.today(),
                                      committee_id=committee.id, votes_per_participant=3, votes_per_idea=2)
    return {"committee": committee, "facilitator": facilitator, "member": member, "session": session}


def participant_of(session, user):
    return db.session.scalar(db.select(Participant).where(Participant.session_id == session.id,
                                                          Participant.user_id == user.id))


def to_phase(session, phase):
    while session.phase != phase:
        services.advance(session, session.phase)


def one_idea(session, participant, phase: str = "vote"):
    """A problem with one idea on the board, the session moved on to `phase`; returns the idea."""
    problem = services.add_card(session, participant, "Payments arrive late", "problems")
    to_phase(session, "ideas")
    idea = services.add_card(session, participant, "Pay at school", "ideas", problem.id)
    to_phase(session, phase)
    return idea


def test_start_join_and_add_cards(client, app, room):
    session = room["session"]
    assert session.join_code and len(session.join_code) == 6
    login(client, room["member"])
    assert "Join this session" in client.get(f"/sessions/{session.id}").get_data(as_text=True)
    client.post(f"/sessions/{session.id}/join")
    response = client.post(f"/sessions/{session.id}/cards", data={"text": "Payments arrive late", "phase": "problems"},
                           headers={"HX-Request": "true"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "Payments arrive late" in text and 'id="card-form"' in text
    guest = app.test_client()
    guest.post("/join", data={"code": session.join_code.lower(), "display_name": "Halima"})
    assert "Payments arrive late" in guest.get(f"/sessions/{session.id}/board").get_data(as_text=True)


@pytest.mark.parametrize("text, message", [
    ("", "Write something on the card first."),
    ("x" * 10000, "A card holds 500 characters at most; this one has 10000."),
])
def test_bad_cards_are_refused_and_kept_on_screen(client, room, text, message):
    login(client, room["facilitator"])
    response = client.post(f"/sessions/{room['session'].id}/cards", data={"text": text, "phase": "problems"})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Card)) == 0


def test_a_stale_phase_is_told_and_nothing_is_lost(client, room):
    session = room["session"]
    login(client, room["facilitator"])
    to_phase(session, "ideas")
    response = client.post(f"/sessions/{session.id}/cards", data={"text": "A late problem", "phase": "problems"})
    text = response.get_data(as_text=True)
    assert response.status_code == 409 and "moved on to" in text and "A late problem" in text


def test_voting_only_in_the_vote_phase_and_within_the_allowance(client, room):
    session = room["session"]
    facilitator = participant_of(session, room["facilitator"])
    problem = services.add_card(session, facilitator, "Payments arrive late", "problems")
    to_phase(session, "ideas")
    idea = services.add_card(session, facilitator, "Pay at school", "ideas", problem.id)
    other = services.add_card(session, facilitator, "SMS the dates", "ideas", problem.id)
    with pytest.raises(services.SessionRuleError, match="cannot be done in the “Ideas” phase"):
        services.vote(session, facilitator, idea, "ideas")
    to_phase(session, "vote")
    services.vote(session, facilitator, idea, "vote")
    services.vote(session, facilitator, idea, "vote")
    with pytest.raises(services.SessionRuleError, match="At most 2 votes on one idea"):
        services.vote(session, facilitator, idea, "vote")
    services.vote(session, facilitator, other, "vote")
    with pytest.raises(services.SessionRuleError, match="used all your 3 votes"):
        services.vote(session, facilitator, other, "vote")
    with pytest.raises(services.SessionRuleError, match="Vote on one of the ideas"):
        services.vote(session, facilitator, problem, "vote")
    services.unvote(session, facilitator, idea, "vote")
    services.vote(session, facilitator, other, "vote")
    assert db.session.scalar(db.select(db.func.count()).select_from(Vote)) == 3


def test_the_allowance_holds_under_concurrent_requests(app, room):
    """Ten simultaneous clicks from two tabs spend at most the three votes, never more."""
    session = room["session"]
    facilitator = participant_of(session, room["facilitator"])
    problem = services.add_card(session, facilitator, "Payments arrive late", "problems")
    to_phase(session, "ideas")
    ideas = [services.add_card(session, facilitator, f"Idea {n}", "ideas", problem.id).id for n in range(5)]
    to_phase(session, "vote")
    session_id, participant_id = session.id, facilitator.id
    barrier = threading.Barrier(10)
    outcomes = []

    def click(card_id):
        with app.app_context():
            barrier.wait()
            try:
                services.vote(db.session.get(PlanningSession, session_id), db.session.get(Participant, participant_id),
                              db.session.get(Card, card_id), "vote")
                outcomes.append("counted")
            except services.SessionRuleError:
                outcomes.append("refused")
            except Exception as error:  # SQLite may refuse a writer outright: also not counted
                outcomes.append(type(error).__name__)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=click, args=(ideas[n % 5],)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    db.session.expire_all()
    votes = db.session.scalar(db.select(db.func.count()).select_from(Vote).where(Vote.participant_id == participant_id))
    assert votes <= 3 and outcomes.count("counted") == votes and len(outcomes) == 10


def test_totals_show_once_voting_closes(client, room):
    session = room["session"]
    facilitator = participant_of(session, room["facilitator"])
    idea = one_idea(session, facilitator)
    services.vote(session, facilitator, idea, "vote")
    login(client, room["facilitator"])
    assert "1 vote" not in client.get(f"/sessions/{session.id}/board").get_data(as_text=True)
    to_phase(session, "actions")
    assert "1 vote" in client.get(f"/sessions/{session.id}/board").get_data(as_text=True)


def test_facilitator_tidies_merges_and_only_the_facilitator(client, app, room):
    session = room["session"]
    facilitator = participant_of(session, room["facilitator"])
    first = services.add_card(session, facilitator, "Payments late", "problems")
    duplicate = services.add_card(session, facilitator, "Late payments", "problems")
    login(client, room["facilitator"])
    client.post(f"/sessions/{session.id}/cards/{duplicate.id}/tidy",
                data={"action": "merge", "merge_into": first.id, "version": duplicate.version})
    client.post(f"/sessions/{session.id}/cards/{first.id}/tidy",
                data={"action": "reword", "text": "Payments arrive late", "version": first.version})
    board = client.get(f"/sessions/{session.id}/board").get_data(as_text=True)
    assert "Payments arrive late" in board and "Late payments" not in board
    member = app.test_client()
    login(member, room["member"])
    member.post(f"/sessions/{session.id}/join")
    assert member.post(f"/sessions/{session.id}/cards/{first.id}/tidy", data={"action": "toggle"}).status_code == 403
    assert member.post(f"/sessions/{session.id}/phase", data={"phase": "problems"}).status_code == 403


def test_top_idea_becomes_an_action_and_closing_makes_the_plan(client, app, room):
    session = room["session"]
    idea = one_idea(session, participant_of(session, room["facilitator"]), "actions")
    login(client, room["facilitator"])
    response = client.post(f"/sessions/{session.id}/ideas/{idea.id}/action", data={
        "title": "Pay at school on market day", "responsible_organization_id": room["facilitator"].organization_id,
        "start_date": "2026-11-23", "due_date": "2026-12-23", "status": "not_started", "progress": "0"})
    assert response.status_code == 302
    action = db.session.scalar(db.select(Action))
    assert (action.origin_type, action.origin_id) == ("session", session.id)
    code = db.session.get(PlanningSession, session.id).join_code
    guest = app.test_client()
    guest.post("/join", data={"code": code, "display_name": "Halima"})
    assert guest.get(f"/sessions/{session.id}/board").status_code == 200
    client.post(f"/sessions/{session.id}/phase", data={"phase": "actions"})
    session = db.session.get(PlanningSession, session.id)
    assert session.phase == "closed" and session.join_code is None
    plan = db.session.get(ActionPlan, session.plan_id)
    assert plan.committee_id == room["committee"].id and action.plan_id == plan.id
    # The join code has expired with the session, and the guest's access with it.
    assert guest.get(f"/sessions/{session.id}/board").status_code == 404
    assert "No open session has this code" in app.test_client().post(
        "/join", data={"code": code, "display_name": "Late"}).get_data(as_text=True)
    # Read-only after closing; the summary remains.
    assert client.post(f"/sessions/{session.id}/cards", data={"text": "More", "phase": "closed"}).status_code == 403
    summary = client.get(f"/sessions/{session.id}/print").get_data(as_text=True)
    assert "Pay at school" in summary and "Pay at school on market day" in summary
    assert "Registration workshop" in client.get(f"/actions/{action.id}").get_data(as_text=True)


def test_outsiders_do_not_see_an_open_session(client, room):
    login(client, factories.make_user(sector="government"))
    assert client.get(f"/sessions/{room['session'].id}").status_code == 404
    assert client.get(f"/sessions/{room['session'].id}/board").status_code == 404


def test_board_polls_at_a_fixed_number_of_queries(client, count_queries, room):
    session = room["session"]
    facilitator = participant_of(session, room["facilitator"])
    problem = services.add_card(session, facilitator, "First problem", "problems")
    login(client, room["facilitator"])
    with count_queries() as few:
        client.get(f"/sessions/{session.id}/board")
    for n in range(29):
        db.session.add(Participant(session_id=session.id, display_name=f"Person {n}", token_hash=f"hash{n}"))
    db.session.flush()
    people = list(db.session.scalars(db.select(Participant).where(Participant.session_id == session.id)))
    for n in range(199):
        db.session.add(Card(session_id=session.id, kind="idea" if n % 4 else "problem",
                            problem_id=problem.id if n % 4 else None, text=f"Card {n}", author_id=people[n % 30].id))
    db.session.commit()
    session.phase = "actions"
    db.session.commit()
    for n, idea in enumerate(db.session.scalars(db.select(Card).where(Card.kind == "idea")).all()[:60]):
        db.session.add(Vote(session_id=session.id, card_id=idea.id, participant_id=people[n % 30].id,
                            slot=n // 30 + 1, card_slot=1))
    db.session.commit()
    with count_queries() as many:
        text = client.get(f"/sessions/{session.id}/board").get_data(as_text=True)
    assert text.count('class="idea"') > 100
    assert many.count == few.count


def test_screens_reload_when_the_phase_moves_on(client, app, room):
    session = room["session"]
    login(client, room["facilitator"])
    assert "HX-Refresh" not in client.get(f"/sessions/{session.id}/board?seen=problems").headers
    to_phase(session, "ideas")
    assert client.get(f"/sessions/{session.id}/board?seen=problems",
                      headers={"HX-Request": "true"}).headers["HX-Refresh"] == "true"
    # Someone outside learns nothing from it.
    outsider = app.test_client()
    login(outsider, factories.make_user(sector="government"))
    assert outsider.get(f"/sessions/{session.id}/board?seen=problems").status_code == 404


def test_a_guest_is_thanked_when_the_session_closes(app, room):
    session = room["session"]
    guest = app.test_client()
    guest.post("/join", data={"code": session.join_code, "display_name": "Halima"})
    to_phase(session, "closed")
    page = guest.get(f"/sessions/{session.id}")
    assert page.status_code == 200 and "This session has closed" in page.get_data(as_text=True)
    assert guest.get(f"/sessions/{session.id}/board").status_code == 404


def fill_board(session, people: int = 30, problems: int = 10, ideas_per_problem: int = 3):
    """A board of the given size, straight into the database; returns the idea cards."""
    participants = [Participant(session_id=session.id, display_name=f"Person {n}", token_hash=f"fill{session.id}-{n}")
                    for n in range(people)]
    db.session.add_all(participants)
    db.session.flush()
    problem_cards = [Card(session_id=session.id, kind="problem", text=f"Problem {n}") for n in range(problems)]
    db.session.add_all(problem_cards)
    db.session.flush()
    ideas = [Card(session_id=session.id, kind="idea", problem_id=problem.id, text=f"Idea {n} for {problem.text}")
             for problem in problem_cards for n in range(ideas_per_problem)]
    db.session.add_all(ideas)
    services.changed(session)  # as every write does: screens draw the board again
    db.session.commit()
    return ideas


def poll_url(session) -> str:
    """The address a screen polls, with the stamp of the board as it stands."""
    board = db.session.get(PlanningSession, session.id)
    return f"/sessions/{session.id}/board?seen={board.phase}&v={board.board_version}"


def poll(client, session):
    return client.get(poll_url(session), headers={"HX-Request": "true"})


def test_a_poll_of_an_unchanged_board_gets_nothing_to_draw(client, app, count_queries, room):
    """Every screen polls with the stamp of the board it shows: unchanged, 204 and no board; any
    change (a card, a vote, a vote taken back, someone joining, tidying) and the board comes."""
    session = room["session"]
    facilitator = participant_of(session, room["facilitator"])
    login(client, room["facilitator"])
    page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    stamp = db.session.get(PlanningSession, session.id).board_version
    assert f"v={stamp}" in page
    response = poll(client, session)
    assert response.status_code == 204 and response.data == b""
    problem = services.add_card(session, facilitator, "Payments arrive late", "problems")
    drawn = client.get(f"/sessions/{session.id}/board?seen=problems&v={stamp}", headers={"HX-Request": "true"})
    assert drawn.status_code == 200 and "Payments arrive late" in drawn.get_data(as_text=True)
    assert f"v={stamp + 1}" in drawn.get_data(as_text=True)  # the next poll states the new stamp
    assert poll(client, session).status_code == 204

    guest = app.test_client()
    guest.post("/join", data={"code": session.join_code, "display_name": "Halima"})
    assert client.get(f"/sessions/{session.id}/board?seen=problems&v={stamp + 1}").status_code == 200
    to_phase(session, "ideas")
    idea = services.add_card(session, facilitator, "Pay at school", "ideas", problem.id)
    to_phase(session, "vote")
    before = db.session.get(PlanningSession, session.id)
    before_stamp, before_version = before.board_version, before.version
    assert poll(guest, session).status_code == 204
    services.vote(session, facilitator, idea, "vote")
    after = db.session.get(PlanningSession, session.id)
    assert after.board_version == before_stamp + 1
    assert after.version == before_version  # the session's own record version is not the board's stamp
    services.unvote(session, facilitator, idea, "vote")
    assert db.session.get(PlanningSession, session.id).board_version == before_stamp + 2

    # A poll costs the same few queries whatever the board holds; an outsider learns nothing.
    address = poll_url(session)
    with count_queries() as small:
        assert client.get(address, headers={"HX-Request": "true"}).status_code == 204
    fill_board(session, ideas_per_problem=10)
    address = poll_url(session)
    with count_queries() as large:
        assert client.get(address, headers={"HX-Request": "true"}).status_code == 204
    assert large.count == small.count <= 3
    outsider = app.test_client()
    login(outsider, factories.make_user(sector="government"))
    assert poll(outsider, session).status_code == 404


def test_the_board_grows_by_a_line_per_card(client, app, room):
    """No card carries a list of the other cards: the board and the facilitator's page grow in
    step with the cards, and the merge list is drawn for the one card being merged."""
    session = room["session"]
    login(client, room["facilitator"])
    to_phase(session, "vote")
    sizes = {}
    ideas = []
    for problems in (5, 20):
        ideas += fill_board(session, people=0, problems=problems - len(sizes) * 5, ideas_per_problem=3)
        board = client.get(f"/sessions/{session.id}/board").get_data(as_text=True)
        page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
        tidy = client.get(f"/sessions/{session.id}?tidy=1").get_data(as_text=True)
        sizes[problems] = (len(board), len(page), len(tidy))
        assert board.count("<form") == 1  # one voting form for the whole board
        assert "<select" not in page and tidy.count("<select") == 0
    for small, large in zip(sizes[5], sizes[20]):
        assert large < 5 * small  # four times the cards: at most about four times the markup
    merging = client.get(f"/sessions/{session.id}?merge={ideas[0].id}").get_data(as_text=True)
    assert merging.count("<select") == 1 and merging.count("<option") == len(ideas) - 1


def test_voting_from_the_one_form_of_the_board(client, room):
    session = room["session"]
    idea = one_idea(session, participant_of(session, room["facilitator"]))
    login(client, room["facilitator"])
    board = client.post(f"/sessions/{session.id}/votes", data={"card_id": idea.id, "phase": "vote"},
                        headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Your votes left: 2 of 3" in board and f'name="take_back" value="{idea.id}"' in board
    client.post(f"/sessions/{session.id}/votes", data={"take_back": idea.id, "phase": "vote"})
    assert db.session.scalar(db.select(db.func.count()).select_from(Vote)) == 0
    # Without JavaScript: the same form posts and the page comes back.
    response = client.post(f"/sessions/{session.id}/votes", data={"card_id": idea.id, "phase": "vote"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/sessions/{session.id}")


def test_tidying_from_the_list_and_merging_from_its_card(client, room):
    session = room["session"]
    facilitator = participant_of(session, room["facilitator"])
    first = services.add_card(session, facilitator, "Payments late", "problems")
    duplicate = services.add_card(session, facilitator, "Late payments", "problems")
    login(client, room["facilitator"])
    page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert f"/sessions/{session.id}?tidy=1#tidy" in page and "Late payments" in page
    tidy = client.get(f"/sessions/{session.id}?tidy=1").get_data(as_text=True)
    assert f'?merge={duplicate.id}#tidy-{duplicate.id}' in tidy
    merging = client.get(f"/sessions/{session.id}?merge={duplicate.id}").get_data(as_text=True)
    assert f'<option value="{first.id}">' in merging and f'<option value="{duplicate.id}">' not in merging
    version = merging.split('name="version" value="')[-1].split('"')[0]
    response = client.post(f"/sessions/{session.id}/cards/{duplicate.id}/tidy",
                           data={"action": "merge", "merge_into": first.id, "version": version})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"?tidy=1#tidy-{duplicate.id}")
    assert db.session.get(Card, duplicate.id).merged_into_id == first.id
    client.post(f"/sessions/{session.id}/cards/{first.id}/tidy",
                data={"action": "reword", "text": "Payments arrive late", "version": first.version})
    client.post(f"/sessions/{session.id}/cards/{first.id}/tidy",
                data={"action": "toggle", "text": "", "version": db.session.get(Card, first.id).version})
    card = db.session.get(Card, first.id)
    assert card.text == "Payments arrive late" and card.hidden


def test_the_sessions_page_offers_a_few_owners_and_a_search_for_the_others(client, count_queries, room):
    """A verifier of many groups gets a handful of "New session" buttons and a search, not one
    button per group; the page's queries do not grow with the groups or the sessions."""
    facilitator = room["facilitator"]
    login(client, facilitator)

    def verify(count):
        for n in range(count):
            group = factories.make_organization(name=f"Savings group {len(groups):02d}", kind="community_group")
            groups.append(group)
            db.session.add(GroupRole(organization_id=group.id, user_id=facilitator.id, role="verifier"))
        db.session.commit()

    groups = []
    verify(1)
    with count_queries() as few:
        text = client.get("/sessions").get_data(as_text=True)
    assert "New session for Savings group 00" in text and 'name="start"' not in text
    verify(29)
    for n in range(30):
        services.create_session(facilitator, title=f"Workshop {n}", held_on=date.today(),
                                committee_id=room["committee"].id)
    with count_queries() as many:
        text = client.get("/sessions").get_data(as_text=True)
    assert many.count == few.count
    assert text.count("New session for Savings group") == 6 and 'name="start"' in text
    assert "Page 1 of 2" in text
    found = client.get("/sessions?start=group 2").get_data(as_text=True)
    assert "New session for Savings group 20" in found and "New session for Savings group 00" not in found
    assert f"/groups/{groups[29].id}/sessions/new" in client.get("/sessions?start=29").get_data(as_text=True)


def test_a_board_is_drawn_once_per_change_and_kind_of_viewer(app, count_queries, room):
    """A screen asking again for an unchanged board gets the cards drawn for the first one (no
    card or vote read); a change draws them again. What belongs to one browser is drawn each time:
    two browsers of one person vote each with its own form token (CSRF on, as in production)."""
    app.config["WTF_CSRF_ENABLED"] = True
    session = room["session"]
    facilitator = participant_of(session, room["facilitator"])
    idea = one_idea(session, facilitator)
    fill_board(session, people=0, problems=10)
    laptop, phone = app.test_client(), app.test_client()
    for browser in (laptop, phone):
        page = browser.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        browser.post("/login", data={"email": room["facilitator"].email, "password": factories.PASSWORD,
                                     "csrf_token": token})
    url = f"/sessions/{session.id}/board"
    with count_queries() as drawn:
        on_laptop = laptop.get(url).get_data(as_text=True)
    with count_queries() as kept:
        on_phone = phone.get(url).get_data(as_text=True)
    assert kept.count < drawn.count and not any("session_cards" in s for s in kept.statements)

    def token(board):
        return re.search(r'name="csrf_token" value="([^"]+)"', board).group(1)

    def cards(board):
        return board.split('name="phase" value="vote">')[1]

    assert token(on_laptop) != token(on_phone) and cards(on_laptop) == cards(on_phone)
    assert "Your votes left: 3 of 3" in on_phone
    response = phone.post(f"/sessions/{session.id}/votes", headers={"HX-Request": "true"},
                          data={"card_id": idea.id, "phase": "vote", "csrf_token": token(on_phone)})
    assert response.status_code == 200 and "Your votes left: 2 of 3" in response.get_data(as_text=True)
    again = laptop.get(url).get_data(as_text=True)
    assert "Your votes left: 2 of 3" in again and f'name="take_back" value="{idea.id}"' in again
    # Another participant's board is drawn for them: their own dots, their own votes left.
    guest = app.test_client()
    guest.post("/join", data={"code": session.join_code, "display_name": "Halima",
                              "csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                                                      guest.get("/join").get_data(as_text=True)).group(1)})
    theirs = guest.get(url).get_data(as_text=True)
    assert "Your votes left: 3 of 3" in theirs and 'name="take_back"' not in theirs
