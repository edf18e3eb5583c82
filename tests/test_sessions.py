"""Action-planning sessions: joining, cards, phases, votes within the allowance (also under
concurrent requests), tidying, ideas to actions, closing, and the board's query count."""
import threading
from datetime import date

import pytest

from workspace.extensions import db
from workspace.models import Action, ActionPlan, Card, Participant, PlanningSession, Vote
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
    problem = services.add_card(session, facilitator, "Payments arrive late", "problems")
    to_phase(session, "ideas")
    idea = services.add_card(session, facilitator, "Pay at school", "ideas", problem.id)
    to_phase(session, "vote")
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
    facilitator = participant_of(session, room["facilitator"])
    problem = services.add_card(session, facilitator, "Payments arrive late", "problems")
    to_phase(session, "ideas")
    idea = services.add_card(session, facilitator, "Pay at school", "ideas", problem.id)
    to_phase(session, "actions")
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
