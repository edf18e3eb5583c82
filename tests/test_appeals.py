"""Decisions and appeals: resolving a complaint records its outcome and the reason told to the
person; the person appeals from the tracking page within a set time, which opens a linked case
handled by the next level."""
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from tests.conftest import login
from tests.test_escalation import levels, new_case  # noqa: F401
from tests.test_feedback import office  # noqa: F401
from workspace import edits
from workspace.clock import utcnow
from workspace.extensions import db
from workspace.feedback import services
from workspace.models import AuditEvent, CaseAppeal, CaseNote, FeedbackCase


def resolve(case, user, outcome="not_upheld", response="We checked the list: your name is on next month's."):
    services.respond(case, edits.Stated(case.version), response, False, "", outcome=outcome)
    for step in ("acknowledged", "resolved"):
        services.move(case, user, edits.Stated(case.version), step, "")
    return case


def test_a_complaint_is_resolved_with_a_decision(client, levels):  # noqa: F811
    case = new_case(levels["village"])
    handler = levels["village_handler"]
    services.move(case, handler, edits.Stated(case.version), "acknowledged", "")
    services.respond(case, edits.Stated(case.version), "Paid on Friday.", False, "")
    with pytest.raises(services.CaseRuleError, match="Record the decision"):
        services.move(case, handler, edits.Stated(case.version), "resolved", "")
    login(client, handler)
    page = client.post(f"/cases/{case.id}/response", data={
        "outcome": "partly_upheld", "response": "Paid on Friday; the late fee is not ours to repay.",
        "version": case.version}, follow_redirects=True).get_data(as_text=True)
    assert "Response saved." in page
    case = db.session.get(FeedbackCase, case.id)
    assert case.outcome == "partly_upheld"
    services.move(case, handler, edits.Stated(case.version), "resolved", "")
    assert "Partly upheld" in client.get(f"/feedback/track/{case.code}").get_data(as_text=True)
    # The database holds only the decisions there are.
    with pytest.raises(IntegrityError):
        db.session.execute(db.update(FeedbackCase).where(FeedbackCase.id == case.id).values(outcome="maybe"))
    db.session.rollback()


def test_a_suggestion_needs_no_decision(app, levels):  # noqa: F811
    case = services.create_case(address="198.51.100.9", category="suggestion", description="Pay at the school.",
                                area_id=levels["village"].id, channel="web")
    services.respond(case, edits.Stated(case.version), "We will ask the bank.", False, "")
    for step in ("acknowledged", "resolved"):
        services.move(case, levels["village_handler"], edits.Stated(case.version), step, "")
    assert db.session.get(FeedbackCase, case.id).status == "resolved"


def test_the_person_appeals_from_the_tracking_page_and_the_next_level_handles_it(client, app, levels):  # noqa: F811
    case = resolve(new_case(levels["village"]), levels["village_handler"])
    page = client.get(f"/feedback/track/{case.code}").get_data(as_text=True)
    assert "Not upheld" in page and "Appeal this decision" in page
    response = client.post(f"/feedback/track/{case.code}/appeal",
                           data={"reason": "My name is still not on the list at the pay point."})
    assert response.status_code == 302
    link = db.session.scalar(db.select(CaseAppeal))
    appeal = db.session.get(FeedbackCase, link.appeal_id)
    assert link.original_id == case.id and response.headers["Location"].endswith(f"/feedback/track/{appeal.code}?new=1")
    assert (appeal.category, appeal.area_id, appeal.status) == ("complaint", levels["village"].id, "received")
    assert appeal.assigned_organization_id == levels["ngo"].id  # the district's handler, above the village's
    assert appeal.description == "My name is still not on the list at the pay point."
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "appeal")) is not None
    original_notes = list(db.session.scalars(db.select(CaseNote.text).where(CaseNote.case_id == case.id)))
    assert f"Appealed by the person: case {appeal.code}." in original_notes
    # Each tracking page names the other; the original can no longer be appealed, nor the appeal.
    original_page = client.get(f"/feedback/track/{case.code}").get_data(as_text=True)
    assert f"You appealed this decision: case {appeal.code}" in original_page
    assert "Appeal this decision" not in original_page
    appeal_page = client.get(f"/feedback/track/{appeal.code}").get_data(as_text=True)
    assert f"This is an appeal against the decision on case {case.code}." in appeal_page
    again = client.post(f"/feedback/track/{case.code}/appeal", data={"reason": "Again"}, follow_redirects=True)
    assert "appealed already" in again.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(CaseAppeal)) == 1
    # The district's handler finds it among their cases.
    handler = app.test_client()
    login(handler, levels["handler"])
    assert appeal.code in handler.get("/cases").get_data(as_text=True)
    assert f"An appeal against the decision on case {case.code}." in handler.get(f"/cases/{appeal.id}").get_data(
        as_text=True)


def test_what_cannot_be_appealed_is_refused_with_the_reason(client, app, levels):  # noqa: F811
    open_case = new_case(levels["village"])
    refused = client.post(f"/feedback/track/{open_case.code}/appeal", data={"reason": "No answer yet"},
                          follow_redirects=True).get_data(as_text=True)
    assert "Only a complaint that has been answered can be appealed." in refused
    late = resolve(new_case(levels["village"]), levels["village_handler"])
    late.resolved_at = utcnow() - timedelta(days=app.config["APPEAL_DAYS"] + 1)
    db.session.commit()
    assert "Appeal this decision" not in client.get(f"/feedback/track/{late.code}").get_data(as_text=True)
    refused = client.post(f"/feedback/track/{late.code}/appeal", data={"reason": "Too late?"},
                          follow_redirects=True).get_data(as_text=True)
    assert "The time to appeal (30 days from the answer) has passed." in refused
    answered = resolve(new_case(levels["village"]), levels["village_handler"])
    empty = client.post(f"/feedback/track/{answered.code}/appeal", data={"reason": "  "})
    assert empty.status_code == 422 and "Say why you disagree." in empty.get_data(as_text=True)
    trapped = client.post(f"/feedback/track/{answered.code}/appeal", data={"reason": "Buy now", "website": "x"})
    assert trapped.status_code == 302 and trapped.headers["Location"].endswith("/feedback/thanks")
    assert db.session.scalar(db.select(db.func.count()).select_from(CaseAppeal)) == 0


def test_appeals_count_against_the_address_limit(client, app, levels):  # noqa: F811
    app.config["FEEDBACK_MAX_PER_ADDRESS"] = 1
    answered = resolve(new_case(levels["village"]), levels["village_handler"])
    client.post("/feedback", data={"category": "question", "description": "When is payday?"})
    limited = client.post(f"/feedback/track/{answered.code}/appeal", data={"reason": "I disagree."})
    assert limited.status_code == 429 and "Too many messages" in limited.get_data(as_text=True)
