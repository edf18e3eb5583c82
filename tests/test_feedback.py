"""Feedback cases: public intake (rate limit, honeypot, anonymity), tracking codes, handling,
answer times at their boundaries, privacy, the board, patterns and clusters, reminders."""
import re
from datetime import timedelta

import pytest

from workspace.actions import reminders
from workspace.clock import utcnow
from workspace import kept
from workspace.extensions import db
from workspace.feedback import services, timing
from workspace.models import AgendaItem, AnswerTime, AuditEvent, FeedbackCase, OutboxMessage
from tests import factories
from tests.conftest import login


@pytest.fixture
def office(app):
    """An NGO that handles cases, with a handler, in a district with a village."""
    district = factories.make_area("Seaview District", "district")
    village = factories.make_area("Dovepoint Village", "community", parent=district)
    ngo = factories.make_organization("Coastal Livelihoods Trust", kind="ngo", area=district)
    handler = factories.make_user(name="Samuel", organization=ngo)
    return {"district": district, "village": village, "ngo": ngo, "handler": handler}


def public_form(**overrides):
    data = {"category": "complaint", "description": "My cash transfer did not arrive this month.",
            "area_id": "", "programme": "Child grant", "contact_name": "Amina", "contact_phone": "0700 123 456"}
    data.update(overrides)
    return data


def make_case(office, **fields):
    defaults = {"category": "complaint", "status": "received", "description": "The payment was late.",
                "area_id": office["village"].id,
                "programme": "Child grant", "assigned_organization_id": office["ngo"].id}
    case = FeedbackCase(**{"received_at": utcnow(), **defaults, **fields})
    case.due_at = timing.current_due(case, timing.answer_times())
    db.session.add(case)
    db.session.commit()
    return case


# --- Public intake ---------------------------------------------------------------------------------

def test_anyone_raises_a_case_and_gets_a_code(client, office):
    response = client.post("/feedback", data=public_form(area_id=office["village"].id))
    assert response.status_code == 302
    case = db.session.scalar(db.select(FeedbackCase))
    assert re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", case.code) and case.channel == "web"
    assert case.due_at == case.received_at + timedelta(hours=48)  # a complaint: acknowledged within 48 hours
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert case.code in page and "Write it down" in page
    # The tracking page shows the public status, never the words or the contact.
    assert "did not arrive" not in page and "Amina" not in page and "0700" not in page


def test_codes_are_random_not_sequential(office, app):
    with app.test_request_context():
        codes = {services.create_case(category="question", description=f"Q{n}").code for n in range(20)}
    assert len(codes) == 20
    assert not any(code.replace("-", "").isdigit() for code in codes)


def test_anonymous_cases_keep_no_contact(client, office):
    client.post("/feedback", data=public_form(anonymous="y"))
    case = db.session.scalar(db.select(FeedbackCase))
    assert case.anonymous and case.contact_name == "" and case.contact_phone == ""


@pytest.mark.parametrize("overrides, message", [
    ({"description": ""}, "Tell us what happened."),
    ({"description": "x" * 4001}, "Please keep it under 4000 characters."),
    ({"contact_phone": "call me maybe"}, "Only digits, spaces and + ( ) -"),
    ({"category": "threat"}, "Not a valid choice."),
])
def test_bad_public_input_saves_nothing(client, office, overrides, message):
    response = client.post("/feedback", data=public_form(**overrides))
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(FeedbackCase)) == 0


def test_text_is_escaped_everywhere(client, office):
    client.post("/feedback", data=public_form(description="<script>alert(1)</script> <b>bold</b>"))
    case = db.session.scalar(db.select(FeedbackCase))
    case.assigned_organization_id = office["ngo"].id
    db.session.commit()
    login(client, office["handler"])
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page and "<b>bold</b>" not in page


def test_honeypot_keeps_nothing(client, office):
    response = client.post("/feedback", data=public_form(website="http://spam.example"))
    assert response.status_code == 302 and response.headers["Location"] == "/feedback/thanks"
    assert db.session.scalar(db.select(db.func.count()).select_from(FeedbackCase)) == 0


def test_public_intake_is_rate_limited_per_address(client, app, office):
    app.config["FEEDBACK_MAX_PER_ADDRESS"] = 2
    assert client.post("/feedback", data=public_form()).status_code == 302
    assert client.post("/feedback", data=public_form()).status_code == 302
    refused = client.post("/feedback", data=public_form())
    assert refused.status_code == 429 and "Too many messages" in refused.get_data(as_text=True)
    other = client.post("/feedback", data=public_form(), environ_base={"REMOTE_ADDR": "10.1.1.1"})
    assert other.status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(FeedbackCase)) == 3


def test_a_shared_connection_is_many_people_not_one(app, office):
    """Behind one address (a community centre), each browser has its own limit, and the address a
    higher one; clients that keep no cookie (a bot that never loads the form) share one browser's."""
    app.config.update(FEEDBACK_MAX_PER_DEVICE=2, FEEDBACK_MAX_PER_ADDRESS=5)
    centre = [app.test_client() for _ in range(3)]
    for browser in centre:
        browser.get("/feedback")  # each gets its token with the form

    def send(browser, address="10.0.0.1"):
        return browser.post("/feedback", data=public_form(), environ_base={"REMOTE_ADDR": address}).status_code

    assert [send(centre[0]) for _ in range(3)] == [302, 302, 429]  # one browser's limit
    assert [send(centre[1]) for _ in range(2)] == [302, 302]  # another's, on the same address
    assert [send(centre[2]) for _ in range(2)] == [302, 429]  # the address's limit: five in all
    cookieless = app.test_client(use_cookies=False)
    assert [send(cookieless, "10.0.0.2") for _ in range(3)] == [302, 302, 429]
    assert db.session.scalar(db.select(db.func.count()).select_from(FeedbackCase)) == 7


def test_tracking_by_code(client, office):
    case = make_case(office)
    assert client.get(f"/feedback/track?code={case.code.lower()}").headers["Location"] == f"/feedback/track/{case.code}"
    assert "No case has this code" in client.get("/feedback/track?code=AAAAA-22222",
                                                 follow_redirects=True).get_data(as_text=True)
    assert client.get("/feedback/track/AAAAA-22222").status_code == 404


# --- Handling ---------------------------------------------------------------------------------------

def test_handler_acknowledges_assigns_resolves_and_publishes(client, app, office):
    case = make_case(office)
    colleague = factories.make_user(name="Joy", organization=office["ngo"])
    login(client, office["handler"])
    client.post(f"/cases/{case.id}/status", data={"version": case.version, "to_status": "acknowledged",
                                                  "note": "Called back"})
    client.post(f"/cases/{case.id}/assign", data={"version": case.version, "organization_id": office["ngo"].id,
                                                  "user_id": colleague.id})
    refused = client.post(f"/cases/{case.id}/status", data={"version": case.version, "to_status": "resolved"})
    assert refused.status_code == 422 and "Write the response" in refused.get_data(as_text=True)
    assert client.post(f"/cases/{case.id}/response", data={"version": case.version,
        "response": "The payment was made on 3 March.", "publishable": "y", "public_summary": ""}).status_code == 422
    client.post(f"/cases/{case.id}/response", data={"version": case.version,
        "response": "The payment was made on 3 March.", "publishable": "y",
        "public_summary": "A payment of the child grant was late in Dovepoint."})
    undecided = client.post(f"/cases/{case.id}/status", data={"version": case.version, "to_status": "resolved"})
    assert undecided.status_code == 422 and "Record the decision" in undecided.get_data(as_text=True)
    client.post(f"/cases/{case.id}/response", data={"version": case.version, "outcome": "upheld",
        "response": "The payment was made on 3 March.", "publishable": "y",
        "public_summary": "A payment of the child grant was late in Dovepoint."})
    client.post(f"/cases/{case.id}/status", data={"version": case.version, "to_status": "resolved", "note": "Paid"})
    case = db.session.get(FeedbackCase, case.id)
    assert case.status == "resolved" and case.assigned_user_id == colleague.id and case.due_at is None
    assert [n.to_status for n in case.notes] == ["resolved", "acknowledged", "acknowledged"]
    assert {e.action for e in db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.entity_type == "FeedbackCase"))} >= {"acknowledged", "assign", "respond", "resolved"}
    # The person sees the response; the board shows it without personal data.
    anonymous = app.test_client()
    track = anonymous.get(f"/feedback/track/{case.code}").get_data(as_text=True)
    assert "The payment was made on 3 March." in track
    board = anonymous.get("/feedback/board").get_data(as_text=True)
    assert "A payment of the child grant was late in Dovepoint." in board
    assert "The payment was late." not in board and "Samuel" not in board


def test_the_assign_box_of_a_handled_case_reads_its_lists_when_opened(client, app, count_queries, office):
    """Someone handles the case: the Assign box is closed, and its pickers read only who is
    chosen. A case nobody handles opens it, with the organisations listed."""
    import re

    handled = make_case(office, assigned_user_id=office["handler"].id)
    login(client, office["handler"])
    with count_queries() as closed:
        html = client.get(f"/cases/{handled.id}").get_data(as_text=True)
    organisations = re.search(r'<select id="organization_id"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert re.findall(r"<option value=\"\d+\"", organisations) == [f'<option value="{office["ngo"].id}"']
    assert f'<option value="{office["handler"].id}" selected>Samuel — Coastal Livelihoods Trust</option>' in html
    assert "toggle once from:closest details" in html and '<details class="add">' in html
    # Who handles it was read with the case: the pickers read nothing.
    assert not any(" AS label" in statement for statement in closed.statements)
    # A refused assignment comes back with the box open, saying why, and nothing changed.
    refused = client.post(f"/cases/{handled.id}/assign", data={"version": handled.version, "organization_id": ""})
    assert refused.status_code == 422 and '<details class="add" open>' in refused.get_data(as_text=True)
    assert "Choose the organisation that handles it." in refused.get_data(as_text=True)
    assert db.session.get(FeedbackCase, handled.id).assigned_organization_id == office["ngo"].id

    unassigned = make_case(office, assigned_organization_id=None)
    administrator = app.test_client()
    login(administrator, factories.make_user(is_admin=True))
    kept.forget_all()  # the organisations the refused form listed are read again
    with count_queries() as opened:
        html = administrator.get(f"/cases/{unassigned.id}").get_data(as_text=True)
    assert '<details class="add" open>' in html and "toggle once" not in html
    organisations = re.search(r'<select id="organization_id"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert "Coastal Livelihoods Trust" in organisations
    assert closed.count < opened.count


def test_a_case_cannot_skip_states(client, office):
    case = make_case(office)
    login(client, office["handler"])
    response = client.post(f"/cases/{case.id}/status", data={"version": case.version, "to_status": "closed"})
    assert response.status_code == 422 and db.session.get(FeedbackCase, case.id).status == "received"


def test_other_organisations_do_not_see_a_case(client, office):
    case = make_case(office, contact_name="Amina", contact_phone="0700 123 456")
    outsider = factories.make_user(sector="government")
    login(client, outsider)
    assert client.get(f"/cases/{case.id}").status_code == 404
    assert case.code not in client.get("/cases").get_data(as_text=True)


def test_contact_never_leaks(client, app, office):
    """Not to the board, the exports of actions, the committee's patterns or an action's page."""
    committee = factories.make_committee("Seaview Committee", level="district", area=office["district"])
    chair = factories.add_member(committee, role="chair")
    case = make_case(office, contact_name="Amina Secret", contact_phone="0799 555 111", status="resolved",
                     response="Fixed.", publishable=True, public_summary="A late payment.", resolved_at=utcnow())
    plan = factories.make_plan(committee)
    action = factories.make_action(plan, title="Pay the late grants", origin_type="feedback_case", origin_id=case.id)
    login(client, chair)
    pages = [client.get("/feedback/board"), client.get(f"/committees/{committee.id}/feedback"),
             client.get(f"/actions/{action.id}"), client.get("/actions/export.csv"),
             client.get(f"/feedback/track/{case.code}")]
    for page in pages:
        text = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "Amina Secret" not in text and "0799 555 111" not in text
    # The action names the case by kind and code only, and links to it only for its handlers.
    assert case.code in pages[2].get_data(as_text=True) and f"/cases/{case.id}" not in pages[2].get_data(as_text=True)


def test_staff_record_cases_by_other_channels(client, office):
    login(client, office["handler"])
    response = client.post("/cases/new", data={**public_form(), "channel": "phone"})
    assert response.status_code == 302
    case = db.session.scalar(db.select(FeedbackCase))
    assert case.channel == "phone" and case.assigned_organization_id == office["ngo"].id
    assert case.recorded_by_id == office["handler"].id


def test_a_case_becomes_an_action(client, office):
    committee = factories.make_committee("Seaview Committee", level="district", area=office["district"])
    factories.add_member(committee, user=office["handler"], role="secretary")
    plan = factories.make_plan(committee, title="Grievance follow-up")
    case = make_case(office)
    login(client, office["handler"])
    assert "Follow up case" in client.get(f"/cases/{case.id}/action").get_data(as_text=True)
    response = client.post(f"/cases/{case.id}/action", data={
        "plan_id": plan.id, "title": "Pay the late grants", "responsible_organization_id": office["ngo"].id,
        "focal_person_id": "", "start_date": utcnow().date().isoformat(),
        "due_date": (utcnow().date() + timedelta(days=10)).isoformat(), "status": "not_started", "progress": "0"})
    assert response.status_code == 302
    from workspace.models import Action
    action = db.session.scalar(db.select(Action))
    assert (action.origin_type, action.origin_id, action.plan_id) == ("feedback_case", case.id, plan.id)
    action.status, action.progress = "done", 100
    db.session.commit()
    text = client.get(f"/feedback/track/{case.code}").get_data(as_text=True)
    assert "Pay the late grants" in text and "Everything decided on this has been done." in text


# --- Answer times at their boundaries ----------------------------------------------------------------

def standing_at(case, offset):
    return timing.standing(case, case.received_at + offset, timing.answer_times()).state


def test_answer_time_states_at_their_boundaries(app, office):
    received = utcnow().replace(microsecond=0)
    case = make_case(office, received_at=received)  # a complaint: 48 hours to acknowledge, 14 days to resolve
    assert standing_at(case, timedelta(hours=35, minutes=59)) == "on_track"
    assert standing_at(case, timedelta(hours=36)) == "at_risk"  # the last quarter of 48 hours
    assert standing_at(case, timedelta(hours=48)) == "at_risk"  # due now, not yet late
    assert standing_at(case, timedelta(hours=48, seconds=1)) == "breached"
    case.status = "acknowledged"
    assert standing_at(case, timedelta(days=10, hours=11)) == "on_track"
    assert standing_at(case, timedelta(days=10, hours=12)) == "at_risk"
    assert standing_at(case, timedelta(days=14, seconds=1)) == "breached"
    case.status, case.resolved_at = "resolved", received + timedelta(days=14)
    assert standing_at(case, timedelta(days=30)) == "met"
    case.resolved_at = received + timedelta(days=14, seconds=1)
    assert standing_at(case, timedelta(days=30)) == "late"


def test_administrators_set_answer_times_and_deadlines_follow(client, office):
    case = make_case(office)
    login(client, factories.make_admin())
    bad = client.post("/admin/answer-times", data={"complaint_hours": "0", "complaint_days": "14"})
    assert bad.status_code == 422 and "From 1 to 720 hours." in bad.get_data(as_text=True)
    data = {f"{c}_{unit}": v for c in ("complaint", "suggestion", "question", "appreciation")
            for unit, v in (("hours", "24"), ("days", "7"))}
    assert client.post("/admin/answer-times", data=data).status_code == 302
    assert db.session.get(AnswerTime, "complaint").acknowledge_hours == 24
    case = db.session.get(FeedbackCase, case.id)
    assert case.due_at == case.received_at + timedelta(hours=24)


def test_case_list_sorts_by_what_is_due_soonest(client, office):
    late = make_case(office, received_at=utcnow() - timedelta(days=5), description="old")
    fresh = make_case(office, description="new")
    acknowledged = make_case(office, status="acknowledged", description="ack")
    login(client, office["handler"])
    text = client.get("/cases").get_data(as_text=True)
    assert text.index(late.code) < text.index(fresh.code) < text.index(acknowledged.code)
    assert "Breached" in text


def test_reminders_include_breached_cases(app, office):
    make_case(office, received_at=utcnow() - timedelta(days=5), assigned_user_id=office["handler"].id)
    with app.test_request_context():
        reminders.send_reminders()
    message = db.session.scalar(db.select(OutboxMessage))
    assert message.recipient_id == office["handler"].id and "past their answer time" in message.body


# --- Patterns and clusters --------------------------------------------------------------------------

def test_patterns_and_raising_a_cluster(client, app, office):
    committee = factories.make_committee("Seaview Committee", level="district", area=office["district"])
    member = factories.add_member(committee, role="member")
    for n in range(5):
        make_case(office, description=f"Late payment {n}", contact_name="Private Person")
    make_case(office, category="suggestion", description="More pay points")
    login(client, member)
    text = client.get(f"/committees/{committee.id}/feedback").get_data(as_text=True)
    assert "Private Person" not in text and "Late payment" not in text
    assert "<strong>5</strong>" in text
    assert "Dovepoint Village" in text  # counted by area too
    month = utcnow().strftime("%Y-%m")
    response = client.post(f"/committees/{committee.id}/feedback/raise",
                           data={"category": "complaint", "programme": "Child grant", "month": month})
    assert response.status_code == 302
    item = db.session.scalar(db.select(AgendaItem))
    assert item.origin_type == "feedback_cluster" and item.status == "proposed" and "5 cases (Complaint)" in item.title
    refused = client.post(f"/committees/{committee.id}/feedback/raise",
                          data={"category": "suggestion", "programme": "", "month": month}, follow_redirects=True)
    assert "no longer a cluster" in refused.get_data(as_text=True)


# --- Query counts -----------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/cases", "/feedback/board"])
def test_case_lists_and_the_board_run_fixed_queries(client, count_queries, office, url):
    def add(n):
        for i in range(n):
            make_case(office, status="resolved", publishable=True, public_summary=f"Summary {i}",
                      response="Done", resolved_at=utcnow())
            make_case(office, description=f"Open {i}")
    add(1)
    login(client, office["handler"])
    with count_queries() as few:
        assert client.get(url).status_code == 200
    add(20)
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many.count == few.count
