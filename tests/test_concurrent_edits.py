"""Two people editing one record at once: nothing is lost, nothing answers 500.

Each edit page is opened by two people (two clients, as two browsers), both save from what they
saw. Different fields: both changes stay. The same field, differently: the second gets the
conflict page with both values, and nothing of theirs is saved. Threads on real connections
check the database's last word where two saves really race.
"""
import threading

import pytest
from sqlalchemy import select

from tests import factories
from tests.conftest import login
from tests.pageforms import form_values
from workspace import edits
from workspace.extensions import db
from workspace.models import (
    Action, AgendaItem, Area, Committee, Decision, FeedbackCase, Indicator, Meeting, Organization, User,
)


def two_people(app, first_user, second_user):
    first, second = app.test_client(), app.test_client()
    login(first, first_user)
    login(second, second_user)
    return first, second


def opened(client, url, having: str = "version") -> dict:
    page = client.get(url)
    assert page.status_code == 200, url
    return form_values(page.get_data(as_text=True), having)


def saved(response) -> bool:
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:800]
    return True


# --- Every edit page: what each of two people changed stays; a clash is shown, never overwritten --

def _committee_world():
    committee = factories.make_committee("Seaview District Committee", level="district")
    chair = factories.add_member(committee, role="chair", sector="government")
    secretary = factories.add_member(committee, role="secretary", sector="government")
    return committee, chair, secretary


def case_committee():
    committee, chair, secretary = _committee_world()
    return (f"/committees/{committee.id}/edit", chair, secretary,
            ("thematic_focus", "Cash transfers", "Disaster response"), ("quorum_percent", "60"),
            lambda: db.session.get(Committee, committee.id))


def case_meeting():
    committee, chair, secretary = _committee_world()
    meeting = factories.make_meeting(committee)
    return (f"/meetings/{meeting.id}/edit", chair, secretary,
            ("place", "Town hall", "District office"), ("title", "Fourth quarter meeting"),
            lambda: db.session.get(Meeting, meeting.id))


def case_item():
    committee, chair, secretary = _committee_world()
    meeting = factories.make_meeting(committee, items=1)
    item = meeting.items[0]
    return (f"/meetings/{meeting.id}/items/{item.id}/edit", chair, secretary,
            ("presenter", "Amina", "Joseph"), ("minutes_allotted", "25"),
            lambda: db.session.get(AgendaItem, item.id))


def case_plan():
    committee, chair, secretary = _committee_world()
    plan = factories.make_plan(committee)
    return (f"/plans/{plan.id}/edit", chair, secretary,
            ("purpose", "Registration for all", "Registration first"), ("title", "Work plan 2027"),
            lambda: db.session.get(type(plan), plan.id))


def case_action():
    committee, chair, secretary = _committee_world()
    action = factories.make_action(factories.make_plan(committee))
    return (f"/actions/{action.id}/edit", chair, secretary,
            ("description", "Kits from the district", "Kits from the region"), ("title", "Registration days"),
            lambda: db.session.get(Action, action.id))


def case_indicator():
    group = factories.make_organization("Savings Group", kind="community_group")
    coordinator = factories.make_user(sector="community", organization=group)
    other = factories.make_user(sector="community", organization=group)
    from workspace.models import GroupRole

    db.session.add_all([GroupRole(organization=group, user=coordinator, role="coordinator"),
                        GroupRole(organization=group, user=other, role="coordinator")])
    indicator = Indicator(organization=group, short_name="Savers", question="How many of us saved?",
                          unit="count", frequency="monthly", status="adopted", target=10)
    db.session.add(indicator)
    db.session.commit()
    return (f"/indicators/{indicator.id}/edit", coordinator, other,
            ("why", "To see who keeps up", "To plan the loans"), ("short_name", "Weekly savers"),
            lambda: db.session.get(Indicator, indicator.id))


def case_user():
    first, second = factories.make_admin(), factories.make_admin()
    person = factories.make_user(name="Halima")
    return (f"/admin/users/{person.id}", first, second,
            ("name", "Halima Ahmed", "Halima A."), ("email", "halima@example.org"),
            lambda: db.session.get(User, person.id))


def case_organization():
    first, second = factories.make_admin(), factories.make_admin()
    organization = factories.make_organization("Care Team", kind="ngo")
    return (f"/admin/organizations/{organization.id}/edit", first, second,
            ("name", "Care Team East", "Care Team West"), ("kind", "other"),
            lambda: db.session.get(Organization, organization.id))


def case_area():
    first, second = factories.make_admin(), factories.make_admin()
    area = factories.make_area("Mapleton", "district")
    return (f"/admin/areas/{area.id}/edit", first, second,
            ("name", "Mapleton North", "Mapleton South"), ("level", "region"),
            lambda: db.session.get(Area, area.id))


EDIT_PAGES = [case_committee, case_meeting, case_item, case_plan, case_action, case_indicator, case_user,
              case_organization, case_area]


@pytest.mark.parametrize("make_case", EDIT_PAGES, ids=lambda f: f.__name__.removeprefix("case_"))
def test_two_people_editing_one_record(app, make_case):
    url, first_user, second_user, (field, first_value, second_value), (other_field, other_value), reload = \
        make_case()
    first, second = two_people(app, first_user, second_user)
    first_form, second_form = opened(first, url), opened(second, url)

    # The first saves a change; the second changes another field from the page they opened.
    first_form[field] = first_value
    assert saved(first.post(url, data=first_form))
    second_form[other_field] = other_value
    assert saved(second.post(url, data=second_form))
    db.session.expire_all()
    record = reload()
    assert edits.same(getattr(record, field), first_value) and str(getattr(record, other_field)) == other_value

    # Both change one field from the same page: the second is shown both values, and nothing of
    # theirs is saved (not even the field nobody else touched).
    first_form, second_form = opened(first, url), opened(second, url)
    first_form[field] = first_value + " (again)"
    assert saved(first.post(url, data=first_form))
    second_form[field] = second_value
    second_form[other_field] = first_form[other_field]  # unchanged
    response = second.post(url, data=second_form)
    text = response.get_data(as_text=True)
    assert response.status_code == 409, text[:800]
    assert "Not saved" in text and second_value in text and first_value + " (again)" in text
    db.session.expire_all()
    assert getattr(reload(), field) == first_value + " (again)"

    # A post that does not say which version it was made from is refused, not taken as current.
    del second_form["version"]
    refused = second.post(url, data=second_form)
    assert refused.status_code == 422 and "Reload it" in refused.get_data(as_text=True)


# --- Minutes, attendance and decisions ---------------------------------------------------------------

@pytest.fixture
def held_meeting(app):
    committee, chair, secretary = _committee_world()
    member = factories.add_member(committee, role="member", sector="ngo")
    meeting = factories.make_meeting(committee, status="held", days_from_now=-2, items=2)
    meeting.items[0].minutes, meeting.items[1].minutes = "Coverage is at 80%.", "The plan was read."
    db.session.add(Decision(item=meeting.items[0], text="Hold registration days."))
    db.session.commit()
    return meeting, chair, secretary, member


def test_minutes_corrections_of_different_items_both_stay(app, held_meeting):
    meeting, chair, secretary, member = held_meeting
    url = f"/meetings/{meeting.id}/record"
    first, second = two_people(app, chair, secretary)
    stamp = f"version_item_{meeting.items[0].id}"
    chair_form, secretary_form = opened(first, url, stamp), opened(second, url, stamp)
    first_item, second_item = meeting.items[0].id, meeting.items[1].id
    decision = db.session.scalar(db.select(Decision))

    chair_form[f"minutes_{first_item}"] = "Coverage is at 82%, corrected."
    chair_form[f"attendance_{member.id}"] = "apologies"
    assert saved(first.post(url, data=chair_form))
    secretary_form[f"minutes_{second_item}"] = "The plan was read and adopted."
    secretary_form[f"decision_{decision.id}"] = "Hold registration days in Eastbrook."
    assert saved(second.post(url, data=secretary_form))

    db.session.expire_all()
    items = {item.id: item for item in db.session.get(Meeting, meeting.id).items}
    assert items[first_item].minutes == "Coverage is at 82%, corrected."
    assert items[second_item].minutes == "The plan was read and adopted."
    assert db.session.get(Decision, decision.id).text == "Hold registration days in Eastbrook."
    attendance = {row.user_id: row.status for row in db.session.get(Meeting, meeting.id).attendance}
    assert attendance[member.id] == "apologies"


def test_minutes_corrected_by_two_people_differently_show_both(app, held_meeting):
    meeting, chair, secretary, member = held_meeting
    url = f"/meetings/{meeting.id}/record"
    first, second = two_people(app, chair, secretary)
    stamp = f"version_item_{meeting.items[0].id}"
    chair_form, secretary_form = opened(first, url, stamp), opened(second, url, stamp)
    item_id, other_id = meeting.items[0].id, meeting.items[1].id

    chair_form[f"minutes_{item_id}"] = "Coverage is at 82%."
    assert saved(first.post(url, data=chair_form))
    secretary_form[f"minutes_{item_id}"] = "Coverage is at 79%."
    secretary_form[f"minutes_{other_id}"] = "Read, not adopted."
    response = second.post(url, data=secretary_form)
    text = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Coverage is at 82%." in text and "Coverage is at 79%." in text and "Item 1" in text
    db.session.expire_all()
    items = {item.id: item for item in db.session.get(Meeting, meeting.id).items}
    assert items[item_id].minutes == "Coverage is at 82%." and items[other_id].minutes == "The plan was read."


# --- The agenda's order -------------------------------------------------------------------------------

def agenda(meeting_id) -> list[str]:
    db.session.expire_all()
    return [item.title for item in db.session.get(Meeting, meeting_id).items]


def test_moves_from_the_same_order_do_not_both_apply(app):
    committee, chair, secretary = _committee_world()
    meeting = factories.make_meeting(committee, items=3)
    first, second = two_people(app, chair, secretary)
    order = ",".join(str(item.id) for item in meeting.items)
    third, first_item = meeting.items[2].id, meeting.items[0].id
    assert first.post(f"/meetings/{meeting.id}/items/{third}/move",
                      data={"direction": "up", "order": order}).status_code == 302
    refused = second.post(f"/meetings/{meeting.id}/items/{first_item}/move", data={"direction": "down", "order": order})
    assert refused.status_code == 409 and "Not saved" in refused.get_data(as_text=True)
    assert agenda(meeting.id) == ["Item 1", "Item 3", "Item 2"]


def test_positions_are_unique_in_the_database(app):
    committee, _chair, _secretary = _committee_world()
    meeting = factories.make_meeting(committee, items=2)
    meeting.items[1].position = meeting.items[0].position
    with pytest.raises(Exception):
        db.session.commit()
    db.session.rollback()


def run_together(*calls):
    """Runs the calls in threads that start at one moment, each in an app context of its own (with
    its own database connection); returns what each returned."""
    from flask import current_app

    app = current_app._get_current_object()
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        with app.app_context():
            barrier.wait()
            results[index] = call()
            db.session.remove()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def postgresql_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("real concurrent writers: PostgreSQL (SQLite lets one writer in at a time)")


def test_concurrent_agenda_moves_and_additions(app, postgresql_only):
    committee, chair, secretary = _committee_world()
    meeting = factories.make_meeting(committee, items=3)
    first, second = two_people(app, chair, secretary)
    order = ",".join(str(item.id) for item in meeting.items)
    ids, url = [item.id for item in meeting.items], f"/meetings/{meeting.id}"  # read before the threads
    statuses = run_together(
        lambda: first.post(f"{url}/items/{ids[2]}/move", data={"direction": "up", "order": order}).status_code,
        lambda: second.post(f"{url}/items/{ids[0]}/move", data={"direction": "down", "order": order}).status_code)
    assert sorted(statuses) == [302, 409]
    assert agenda(meeting.id) in (["Item 1", "Item 3", "Item 2"], ["Item 2", "Item 1", "Item 3"])

    statuses = run_together(*[
        (lambda client, title: lambda: client.post(f"{url}/items", data={
            "title": title, "kind": "discussion", "minutes_allotted": "10"}).status_code)(client, title)
        for client, title in ((first, "Budget"), (second, "Grievances"))])
    assert statuses == [302, 302]
    db.session.expire_all()
    positions = [item.position for item in db.session.get(Meeting, meeting.id).items]
    assert len(positions) == 5 and len(set(positions)) == 5


def test_concurrent_action_edits_and_updates(app, postgresql_only):
    committee, chair, secretary = _committee_world()
    action = factories.make_action(factories.make_plan(committee))
    first, second = two_people(app, chair, secretary)
    url = f"/actions/{action.id}/edit"
    first_form, second_form = opened(first, url), opened(second, url)
    first_form["title"], second_form["title"] = "Title from the chair", "Title from the secretary"
    statuses = run_together(lambda: first.post(url, data=first_form).status_code,
                            lambda: second.post(url, data=second_form).status_code)
    assert sorted(statuses) == [302, 409]
    db.session.expire_all()
    assert db.session.get(Action, action.id).title in ("Title from the chair", "Title from the secretary")

    page, posts = f"/actions/{action.id}", f"/actions/{action.id}/updates"
    updates = [opened(client, page) for client in (first, second)]
    for form, (text, status, progress) in zip(updates, (("Kits arrived", "in_progress", "40"),
                                                        ("Kits are late", "blocked", "10"))):
        form["text"], form["status"], form["progress"] = text, status, progress
    statuses = run_together(
        lambda: first.post(posts, data=updates[0]).status_code,
        lambda: second.post(posts, data=updates[1]).status_code)
    assert sorted(statuses) == [302, 409]


def test_concurrent_case_responses(app, postgresql_only):
    organization = factories.make_organization("Care Team", kind="ngo")
    handlers = [factories.make_user(sector="ngo", organization=organization) for _ in range(2)]
    case = FeedbackCase(category="complaint", description="The payment came late.",
                        assigned_organization_id=organization.id)
    db.session.add(case)
    db.session.commit()
    first, second = two_people(app, *handlers)
    case_id = case.id  # read here: the threads have sessions of their own
    forms = [form_values(client.get(f"/cases/{case_id}").get_data(as_text=True), "response")
             for client in (first, second)]
    forms[0]["response"], forms[1]["response"] = "Paid on Monday.", "Paid on Tuesday."
    statuses = run_together(*[(lambda client, form: lambda: client.post(
        f"/cases/{case_id}/response", data=form).status_code)(client, form)
        for client, form in zip((first, second), forms)])
    assert sorted(statuses) == [302, 409]
    db.session.expire_all()
    assert db.session.get(FeedbackCase, case_id).response in ("Paid on Monday.", "Paid on Tuesday.")


def test_two_administrators_setting_answer_times(app):
    from workspace.models import AnswerTime

    db.session.add_all([AnswerTime(category="complaint", acknowledge_hours=48, resolve_days=14),
                        AnswerTime(category="question", acknowledge_hours=24, resolve_days=7)])
    db.session.commit()
    first, second = two_people(app, factories.make_admin(), factories.make_admin())
    url = "/admin/answer-times"
    first_form, second_form = opened(first, url, "complaint_version"), opened(second, url, "complaint_version")
    first_form["complaint_days"] = "10"
    assert saved(first.post(url, data=first_form))
    second_form["question_days"] = "5"
    assert saved(second.post(url, data=second_form))
    db.session.expire_all()
    assert (db.session.get(AnswerTime, "complaint").resolve_days, db.session.get(AnswerTime, "question").resolve_days) \
        == (10, 5)

    first_form, second_form = opened(first, url, "complaint_version"), opened(second, url, "complaint_version")
    first_form["complaint_days"], second_form["complaint_days"] = "12", "20"
    assert saved(first.post(url, data=first_form))
    response = second.post(url, data=second_form)
    assert response.status_code == 409 and "Days to resolve" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(AnswerTime, "complaint").resolve_days == 12


def test_a_period_target_set_meanwhile_is_not_overwritten(app):
    url, first_user, second_user, *_rest, reload = case_indicator()
    indicator_id = reload().id
    first, second = two_people(app, first_user, second_user)
    page = f"/indicators/{indicator_id}"
    first_form, second_form = opened(first, page, "seen"), opened(second, page, "seen")
    first_form["period"], first_form["target"] = "2026-12", "12"
    assert first.post(f"/indicators/{indicator_id}/targets", data=first_form).status_code == 302
    second_form["period"], second_form["target"] = "2026-12", "15"
    response = second.post(f"/indicators/{indicator_id}/targets", data=second_form)
    assert response.status_code == 409 and "Target" in response.get_data(as_text=True)
    from workspace.models import IndicatorTarget

    assert db.session.scalar(db.select(IndicatorTarget.target)) == 12
    # From a page that shows it, the target changes.
    again = opened(second, page, "seen")
    again["period"], again["target"] = "2026-12", "15"
    assert second.post(f"/indicators/{indicator_id}/targets", data=again).status_code == 302
    assert db.session.scalar(db.select(IndicatorTarget.target)) == 15


def test_a_value_corrected_meanwhile_is_not_verified_unseen(app):
    from workspace.models import GroupRole, IndicatorValue

    url, coordinator, _other, *_rest, reload = case_indicator()
    indicator = reload()
    verifier = factories.make_user(sector="ngo")
    db.session.add(GroupRole(organization_id=indicator.organization_id, user=verifier, role="verifier"))
    value = IndicatorValue(indicator=indicator, period="2026-10", value=11, state="submitted",
                           entered_by_id=coordinator.id)
    db.session.add(value)
    db.session.commit()
    value_id, queue = value.id, f"/groups/{indicator.organization_id}/verify"
    client = app.test_client()
    login(client, verifier)
    shown = form_values(client.get(queue).get_data(as_text=True), "version")
    # The group corrects the value after the verifier opened the queue.
    value = db.session.get(IndicatorValue, value_id)
    value.value = 12
    db.session.commit()
    response = client.post(f"/values/{value_id}/verify", data=shown)
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(IndicatorValue, value_id).state == "submitted"


def test_two_programmes_in_one_district_saved_at_once(app, postgresql_only):
    """Saving a programme finds its overlaps and its areas' figures again: two programmes of the
    same district saved at one moment both save, and the figures kept are those of both."""
    from workspace.models import Programme, ProgrammeCluster
    from workspace.programmes import figures

    district = factories.make_area("Mapleton", "district")
    village = factories.make_area("Kanta", "community", parent=district)
    ids = [factories.make_programme(name, organization=factories.make_organization(name + " team"), areas=areas).id
           for name, areas in (("Old-age allowance", [district]), ("Elderly cash", [village]))]
    cluster = db.session.scalar(select(ProgrammeCluster.id).where(ProgrammeCluster.key == "labour"))

    def save(programme_id, support):
        programme = db.session.get(Programme, programme_id)
        programme.support_kind, programme.cluster_id = support, cluster
        db.session.commit()
        return "saved"

    for support in ("services", "in_kind", "cash"):
        assert run_together(lambda: save(ids[0], support), lambda: save(ids[1], support)) == ["saved", "saved"]
    db.session.expire_all()
    kept = figures.matrix([district.id], 2025, "district")
    assert kept == figures.matrix([district.id], 2025)
    assert kept[0][(district.id, cluster)].programmes == 2
