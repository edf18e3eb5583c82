"""Sensitive cases (abuse, exploitation, violence, fraud by staff): read in full only by the named
focal points of the organisation handling them; everyone else, committees included, sees counts
only; never on the public board."""
from datetime import date, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from tests import factories
from tests.conftest import login
from tests.test_escalation import levels  # noqa: F401
from tests.test_feedback import office, public_form  # noqa: F401
from workspace import edits
from workspace.actions import reminders
from workspace.extensions import db
from workspace.feedback import escalation, services
from workspace.models import AgendaItem, FeedbackCase, OutboxMessage, User

WORDS = "The volunteer at the pay point asked for money to keep my name on the list."


@pytest.fixture
def sensitive(client, levels):  # noqa: F811
    """A sensitive complaint from the public form, routed to the village's NGO, which has a focal point."""
    focal = factories.make_user(name="Grace", organization=levels["village_ngo"])
    focal.handles_sensitive = True
    db.session.commit()
    client.post("/feedback", data=public_form(area_id=levels["village"].id, description=WORDS, sensitive="y"))
    case = db.session.scalar(db.select(FeedbackCase))
    return {**levels, "focal": focal, "case": case}


def reads(app, user, url) -> tuple[int, str]:
    viewer = app.test_client()
    login(viewer, user)
    response = viewer.get(url)
    return response.status_code, response.get_data(as_text=True)


def test_only_the_focal_points_of_the_handling_organisation_read_it(app, sensitive):
    case = sensitive["case"]
    assert case.sensitive and case.assigned_organization_id == sensitive["village_ngo"].id
    status, page = reads(app, sensitive["focal"], f"/cases/{case.id}")
    assert status == 200 and WORDS in page
    assert case.code in reads(app, sensitive["focal"], "/cases")[1]
    admin = factories.make_user(name="Admin Two", sector="government", is_admin=True)
    for outsider in (sensitive["village_handler"], admin, sensitive["chair"]):  # a colleague, an administrator, a chair
        assert reads(app, outsider, f"/cases/{case.id}")[0] == 404
        listed = reads(app, outsider, "/cases")
        assert case.code not in listed[1]
    assert "No new case waits for your organisation." in reads(app, sensitive["village_handler"], "/")[1]


def test_the_committee_sees_counts_never_the_words(app, sensitive):
    status, page = reads(app, sensitive["chair"], f"/committees/{sensitive['committee'].id}/feedback")
    assert status == 200 and ">1<" in page and WORDS not in page and sensitive["case"].code not in page


def test_it_is_never_published_and_the_database_holds_to_that(app, sensitive):
    case = sensitive["case"]
    with pytest.raises(services.CaseRuleError, match="never published"):
        services.respond(case, edits.Stated(case.version), "We acted.", True, "A payment was asked for.")
    with pytest.raises(IntegrityError):
        db.session.execute(db.update(FeedbackCase).where(FeedbackCase.id == case.id)
                           .values(publishable=True, public_summary="Leaked"))
    db.session.rollback()


def test_it_is_assigned_only_to_a_focal_point(app, sensitive):
    case = sensitive["case"]
    with pytest.raises(services.CaseRuleError, match="not a focal point"):
        services.assign(case, sensitive["focal"], edits.Stated(case.version), sensitive["village_ngo"].id,
                        sensitive["village_handler"])
    services.assign(case, sensitive["focal"], edits.Stated(case.version), sensitive["village_ngo"].id,
                    sensitive["focal"])
    assert db.session.get(FeedbackCase, case.id).assigned_user_id == sensitive["focal"].id


def test_escalated_to_the_committee_it_says_no_more_than_that_one_is_late(app, sensitive):
    case = sensitive["case"]
    escalation.escalate_due(case.received_at + timedelta(hours=49))  # to the district's NGO
    escalation.escalate_due(case.received_at + timedelta(hours=98))  # then to the committee
    item = db.session.scalar(db.select(AgendaItem))
    assert item.title == "A sensitive case, past its time to acknowledge"
    assert item.origin_type is None and case.code not in item.title + item.description


def test_only_focal_points_are_told_in_their_digest(app, sensitive):
    with app.test_request_context():
        reminders.send_reminders(date.today())
    told = {m.recipient_id: m.body for m in db.session.scalars(db.select(OutboxMessage))}
    assert sensitive["case"].code in told[sensitive["focal"].id]
    assert sensitive["village_handler"].id not in told


def test_administrators_name_the_focal_points(client, levels):  # noqa: F811
    admin = factories.make_user(name="Admin", sector="government", is_admin=True)
    person = levels["village_handler"]
    login(client, admin)
    client.post(f"/admin/users/{person.id}", data={
        "name": person.name, "email": person.email, "organization_id": person.organization_id,
        "handles_sensitive": "y", "version": person.version})
    assert db.session.get(User, person.id).handles_sensitive
