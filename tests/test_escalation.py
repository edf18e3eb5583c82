"""Escalation: a case past its time goes to the organisation handling the area above, then to the
committee over the area, visibly and with its history, with the clock moved."""
from datetime import timedelta

import pytest

from tests import factories
from tests.conftest import login
from tests.test_feedback import office, public_form  # noqa: F401
from workspace import edits
from workspace.extensions import db
from workspace.feedback import escalation, routing, services
from workspace.models import AgendaItem, AuditEvent, CaseNote, FeedbackCase


@pytest.fixture
def levels(office):  # noqa: F811
    """The village's own NGO handles its cases, the district's NGO the district's; a district committee."""
    admin = factories.make_user(name="Admin", sector="government", is_admin=True)
    village_ngo = factories.make_organization("Dovepoint Women's Association", kind="ngo", area=office["village"])
    village_handler = factories.make_user(name="Rose", organization=village_ngo)
    routing.add_rule(admin, village_ngo.id, office["village"].id, None, None)
    routing.add_rule(admin, office["ngo"].id, office["district"].id, None, None)
    committee = factories.make_committee("Seaview Committee", level="district", area=office["district"])
    chair = factories.add_member(committee, role="chair", sector="government")
    return {**office, "village_ngo": village_ngo, "village_handler": village_handler, "committee": committee,
            "chair": chair}


def new_case(area) -> FeedbackCase:
    return services.create_case(address="198.51.100.7", category="complaint", description="The payment was late.",
                                area_id=area.id if area else None, channel="web")


def notes(case) -> list[str]:
    return list(db.session.scalars(db.select(CaseNote.text).where(CaseNote.case_id == case.id)
                                   .order_by(CaseNote.id)))


def test_a_late_case_goes_to_the_area_above_then_to_the_committee(app, levels):
    case = new_case(levels["village"])
    case_id, received = case.id, case.received_at
    assert case.assigned_organization_id == levels["village_ngo"].id
    assert escalation.escalate_due(received + timedelta(hours=47)) == 0  # 48 hours to acknowledge a complaint
    assert escalation.escalate_due(received + timedelta(hours=49)) == 1
    case = db.session.get(FeedbackCase, case_id)
    assert (case.assigned_organization_id, case.escalation_level) == (levels["ngo"].id, 1)
    assert notes(case)[-1] == ("Escalated, past its time to acknowledge: passed from Dovepoint Women's "
                               "Association to Coastal Livelihoods Trust, who handle the area above.")
    assert db.session.scalar(db.select(AuditEvent.action).where(AuditEvent.entity_type == "FeedbackCase")
                             .order_by(AuditEvent.id.desc()).limit(1)) == "escalate"
    # The new handler has the time the stage allows, from the escalation on.
    escalated = case.escalated_at
    assert escalation.escalate_due(escalated + timedelta(hours=47)) == 0
    assert escalation.escalate_due(escalated + timedelta(hours=49)) == 1
    case = db.session.get(FeedbackCase, case_id)
    assert case.escalation_level == 2
    item = db.session.scalar(db.select(AgendaItem))
    assert (item.committee_id, item.status, item.origin_type, item.origin_id) == (
        levels["committee"].id, "proposed", "feedback_case", case_id)
    assert item.title == f"Complaint {case.code}, past its time to acknowledge"
    assert "The payment was late" not in item.title + item.description  # the words stay with the handlers
    assert notes(case)[-1] == "Escalated, past its time to acknowledge: raised to Seaview Committee for its next meeting."
    # Nothing above the committee: it stays there.
    assert escalation.escalate_due(escalated + timedelta(days=30)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(AgendaItem)) == 1


def test_an_acknowledged_case_escalates_when_its_time_to_resolve_passes(app, levels):
    case = new_case(levels["village"])
    case_id, received = case.id, case.received_at
    services.move(case, levels["village_handler"], edits.Stated(case.version), "acknowledged", "")
    assert escalation.escalate_due(received + timedelta(days=13)) == 0  # 14 days to resolve a complaint
    assert escalation.escalate_due(received + timedelta(days=15)) == 1
    assert "past its time to resolve" in notes(db.session.get(FeedbackCase, case_id))[-1]


def test_without_a_handler_above_it_goes_to_the_committee_and_without_one_it_says_so(app, levels):
    district_case = new_case(levels["district"])  # the district's own NGO: nothing above it but the committee
    nowhere = new_case(None)
    district_case_id, nowhere_id = district_case.id, nowhere.id
    assert escalation.escalate_due(district_case.received_at + timedelta(hours=49)) == 2
    assert db.session.get(FeedbackCase, district_case_id).escalation_level == 2
    assert db.session.scalar(db.select(AgendaItem.origin_id)) == district_case_id
    assert notes(db.session.get(FeedbackCase, nowhere_id))[-1] == (
        "Past its time to acknowledge, and no committee covers the area to raise it to.")


def test_answered_cases_never_escalate_and_handlers_see_what_did(client, app, levels):
    answered = new_case(levels["village"])
    answered.status, answered.due_at = "resolved", None
    db.session.commit()
    late = new_case(levels["village"])
    assert escalation.escalate_due(late.received_at + timedelta(hours=49)) == 1
    assert db.session.get(FeedbackCase, answered.id).escalation_level == 0
    login(client, levels["handler"])
    assert "Escalated" in client.get("/cases").get_data(as_text=True)
    assert "Escalated" in client.get(f"/cases/{late.id}").get_data(as_text=True)


def test_the_command_escalates_what_is_due(runner, app, levels):
    case = new_case(levels["village"])
    case.received_at -= timedelta(days=3)
    case.due_at -= timedelta(days=3)
    db.session.commit()
    result = runner.invoke(args=["escalate-cases"])
    assert result.exit_code == 0 and "Cases escalated: 1." in result.output
    assert runner.invoke(args=["escalate-cases"]).output.strip() == "Cases escalated: 0."
