"""Routing at intake: the rules administrators keep send every new case to the organisation that
handles its area, kind and programme; what no rule covers waits, counted, to be routed by hand."""
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests import factories
from tests.conftest import login
from tests.test_feedback import make_case, office, public_form  # noqa: F401
from workspace.actions import reminders
from workspace.clock import utcnow
from workspace.extensions import db
from workspace.feedback import routing, services
from workspace.models import AuditEvent, CaseNote, FeedbackCase, OutboxMessage, RoutingRule


@pytest.fixture
def tree(office):  # noqa: F811
    """Seaview District > Dovepoint Village (the office's), a second village, and three handlers."""
    other_village = factories.make_area("Saltpan Village", "community", parent=office["district"])
    ministry = factories.make_organization("Ministry of Social Welfare", kind="government")
    district_ngo = office["ngo"]
    village_ngo = factories.make_organization("Dovepoint Women's Association", kind="ngo", area=office["village"])
    grant = factories.make_programme("Child grant", organization=ministry)
    admin = factories.make_user(name="Admin", sector="government", is_admin=True)
    return {**office, "other_village": other_village, "ministry": ministry, "district_ngo": district_ngo,
            "village_ngo": village_ngo, "grant": grant, "admin": admin}


def rule(tree, organization, area=None, category=None, programme=None) -> RoutingRule:
    return routing.add_rule(tree["admin"], organization.id, area.id if area else None, category,
                            programme.id if programme else None)


def test_the_nearest_area_wins_then_the_programme_then_the_kind(app, tree):
    assert routing.route(tree["village"].id, "complaint", None) is None  # no rules: nobody
    rule(tree, tree["ministry"])  # anywhere, anything
    rule(tree, tree["district_ngo"], area=tree["district"])
    rule(tree, tree["ministry"], area=tree["district"], programme=tree["grant"])
    rule(tree, tree["village_ngo"], area=tree["village"], category="complaint")
    village, other, grant = tree["village"].id, tree["other_village"].id, tree["grant"].id
    cases = {
        (village, "complaint", None): "village_ngo",  # the village's own rule
        (village, "complaint", grant): "village_ngo",  # the nearer area before the programme
        (village, "suggestion", None): "district_ngo",  # not a complaint: up to the district
        (village, "suggestion", grant): "ministry",  # in the district, the programme's rule first
        (other, "complaint", None): "district_ngo",
        (None, "complaint", None): "ministry",  # no area given: the rule for anywhere
    }
    for (area_id, category, programme_id), expected in cases.items():
        assert routing.route(area_id, category, programme_id) == tree[expected].id, (area_id, category, programme_id)


def test_one_rule_for_each_scope_and_the_database_keeps_it_so(app, tree):
    rule(tree, tree["district_ngo"], area=tree["district"], category="complaint")
    with pytest.raises(routing.RuleError, match="exists already"):
        rule(tree, tree["ministry"], area=tree["district"], category="complaint")
    rule(tree, tree["ministry"])
    with pytest.raises(routing.RuleError):  # two rules for anywhere: empty scopes are values too
        rule(tree, tree["district_ngo"])
    assert db.session.scalar(db.select(db.func.count()).select_from(RoutingRule)) == 2
    with pytest.raises(IntegrityError):
        db.session.add(RoutingRule(organization_id=tree["ministry"].id, category="rumour"))
        db.session.commit()
    db.session.rollback()
    with pytest.raises(IntegrityError):  # a scope that is not the rule's own
        db.session.execute(text("INSERT INTO routing_rules (organization_id, category, scope, created_at)"
                                " VALUES (:organization, 'question', '::', :now)"),
                           {"organization": tree["ministry"].id, "now": utcnow()})
    db.session.rollback()


def test_a_public_case_is_routed_when_it_arrives_and_its_handler_sees_it(client, app, tree):
    rule(tree, tree["district_ngo"], area=tree["district"])
    client.post("/feedback", data=public_form(area_id=tree["village"].id))
    case = db.session.scalar(db.select(FeedbackCase))
    assert case.assigned_organization_id == tree["district_ngo"].id
    note = db.session.scalar(db.select(CaseNote).where(CaseNote.case_id == case.id))
    assert note.text == "Routed to Coastal Livelihoods Trust by the routing rules." and note.author_id is None
    handler = app.test_client()
    login(handler, tree["handler"])
    assert case.code in handler.get("/cases").get_data(as_text=True)
    home = handler.get("/").get_data(as_text=True)
    assert "1 new case for your organisation waits to be acknowledged" in home
    # What no rule covers waits for the administrators, counted on their home page.
    client.post("/feedback", data=public_form(area_id=""))
    unrouted = db.session.scalar(db.select(FeedbackCase).where(FeedbackCase.area_id.is_(None)))
    assert unrouted.assigned_organization_id is None
    admin = app.test_client()
    login(admin, tree["admin"])
    assert "1 open case waits to be routed by hand." in admin.get("/").get_data(as_text=True)
    assert unrouted.code in admin.get("/cases?unassigned=1").get_data(as_text=True)


def test_a_case_recorded_by_staff_goes_by_the_rules_and_the_recorder_is_told(client, tree):
    rule(tree, tree["village_ngo"], area=tree["village"])
    login(client, tree["handler"])
    page = client.post("/cases/new", data={**public_form(area_id=tree["village"].id), "channel": "phone"},
                       follow_redirects=True).get_data(as_text=True)
    case = db.session.scalar(db.select(FeedbackCase))
    assert case.assigned_organization_id == tree["village_ngo"].id
    assert f"Case {case.code} recorded and passed to Dovepoint Women&#39;s Association" in page
    # Where no rule covers it, the recorder's organisation keeps it, as before.
    services.create_case(recorded_by=tree["handler"], category="question", description="When is payday?",
                         area_id=tree["other_village"].id, channel="phone")
    kept = db.session.scalar(db.select(FeedbackCase).where(FeedbackCase.category == "question"))
    assert kept.assigned_organization_id == tree["district_ngo"].id


def test_administrators_keep_the_rules_on_a_page(client, tree):
    login(client, tree["admin"])
    assert "No rules yet" in client.get("/admin/routing").get_data(as_text=True)
    added = client.post("/admin/routing", data={"area_id": tree["district"].id, "category": "complaint",
                                                "programme_id": "", "organization_id": tree["district_ngo"].id},
                        follow_redirects=True).get_data(as_text=True)
    assert "these new cases go to Coastal Livelihoods Trust" in added
    saved = db.session.scalar(db.select(RoutingRule))
    assert (saved.area_id, saved.category, saved.programme_id) == (tree["district"].id, "complaint", None)
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.entity_type == "RoutingRule"))
    twice = client.post("/admin/routing", data={"area_id": tree["district"].id, "category": "complaint",
                                                "organization_id": tree["ministry"].id})
    assert twice.status_code == 422 and "exists already" in twice.get_data(as_text=True)
    missing = client.post("/admin/routing", data={"category": ""})
    assert missing.status_code == 422 and "Choose the organisation" in missing.get_data(as_text=True)
    client.post(f"/admin/routing/{saved.id}/remove")
    assert db.session.scalar(db.select(RoutingRule)) is None


def test_the_add_form_under_a_list_of_rules_reads_its_lists_when_opened(client, tree):
    """With no rule yet, or a rule refused, the form is open with its lists; under a list of
    rules it is closed, and its pickers fetch their lists when it is opened."""
    import re

    def organisations(html):
        return re.search(r'<select id="organization_id"[^>]*>(.*?)</select>', html, re.S).group(1)

    login(client, tree["admin"])
    empty = client.get("/admin/routing").get_data(as_text=True)
    assert '<details class="add" open>' in empty and "Coastal Livelihoods Trust" in organisations(empty)
    rule(tree, tree["district_ngo"], area=tree["district"])
    listed = client.get("/admin/routing").get_data(as_text=True)
    assert '<details class="add">' in listed and "toggle once from:closest details" in listed
    assert not re.search(r'<option value="\d', organisations(listed))
    refused = client.post("/admin/routing", data={"category": ""}).get_data(as_text=True)
    assert '<details class="add" open>' in refused and "Coastal Livelihoods Trust" in organisations(refused)


def test_the_rules_page_and_the_home_page_run_fixed_queries(client, tree, count_queries):
    login(client, tree["admin"])
    rule(tree, tree["district_ngo"], area=tree["district"])
    with count_queries() as few:
        client.get("/admin/routing")
    with count_queries() as home_few:
        client.get("/")
    for n in range(12):
        area = factories.make_area(f"Village {n}", "community", parent=tree["district"])
        rule(tree, tree["village_ngo"], area=area)
        make_case(tree, area_id=area.id, assigned_organization_id=None)
    with count_queries() as many:
        client.get("/admin/routing")
    with count_queries() as home_many:
        client.get("/")
    assert (many.count, home_many.count) == (few.count, home_few.count)


def test_the_digest_tells_an_organisation_s_staff_of_its_new_cases(app, tree):
    for n in range(reminders.NEW_CASES_LISTED + 2):
        make_case(tree, description=f"Case {n}")
    make_case(tree, status="acknowledged", description="Already seen")
    colleague = factories.make_user(name="Ruth", organization=tree["district_ngo"])
    with app.test_request_context():
        reminders.send_reminders(date.today())
    messages = {m.recipient_id: m for m in db.session.scalars(db.select(OutboxMessage))}
    assert {tree["handler"].id, colleague.id} <= set(messages)
    body = messages[colleague.id].body
    assert "New feedback cases for your organisation, waiting to be acknowledged:" in body
    assert "… and 2 more." in body and body.count("/cases/") == reminders.NEW_CASES_LISTED
    assert messages[colleague.id].subject == "Workspace: 12 new feedback cases for your organisation"


def test_beyond_a_hundred_the_reminders_say_more_than(client, tree, monkeypatch):
    monkeypatch.setattr(routing, "REMINDER_COUNT_UP_TO", 2)
    for n in range(3):
        make_case(tree, description=f"Unrouted {n}", assigned_organization_id=None)
        make_case(tree, description=f"New {n}")
    login(client, tree["admin"])
    assert "More than 2 open cases wait to be routed by hand." in client.get("/").get_data(as_text=True)
    assert "More than 2 open cases wait to be routed by hand." in client.get("/admin/routing").get_data(as_text=True)
    handler = client.application.test_client()
    login(handler, tree["handler"])
    assert "More than 2 new cases for your organisation wait to be acknowledged" in handler.get("/").get_data(
        as_text=True)
