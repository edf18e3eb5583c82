"""Committees, meetings, agendas, proposals, escalation, minutes, print and calendar."""
import re
from datetime import timedelta

import pytest

from workspace.clock import utcnow
from workspace.committees import services
from workspace.extensions import db
from workspace.models import AgendaItem, Attendance, AuditEvent, Committee, Decision, Meeting, Membership
from tests import factories
from tests.conftest import login

HX = {"HX-Request": "true"}


@pytest.fixture
def team(app):
    """A committee with a chair, a secretary, a member and an observer."""
    committee = factories.make_committee("Mapleton District Committee", level="district")
    people = {role: factories.add_member(committee, role=role, sector=sector)
              for role, sector in (("chair", "government"), ("secretary", "government"),
                                   ("member", "ngo"), ("observer", "community"))}
    return committee, people


def count(model, *where) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


def future(days=3):
    when = utcnow() + timedelta(days=days)
    return {"date": when.date().isoformat(), "time": "10:00"}


# --- Committees and members -------------------------------------------------------------------

def test_people_see_only_their_committees(client, team):
    committee, people = team
    factories.make_committee("Someone Else's Committee")
    login(client, people["member"])
    text = client.get("/committees").get_data(as_text=True)
    assert committee.name in text and "Someone Else's Committee" not in text


def test_admin_creates_a_committee_with_sanitised_terms(client):
    admin = factories.make_admin()
    login(client, admin)
    response = client.post("/committees/new", data={
        "name": "Greenhill Ward Committee", "level": "local", "area_id": factories.national_area().id,
        "parent_id": "", "required_meetings_per_year": 6, "quorum_percent": 60,
        "terms_of_reference": "Meets **monthly**.\n\n<script>alert(1)</script><a href='javascript:x'>x</a>"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"].replace("/members", "")).get_data(as_text=True)
    assert "<strong>monthly</strong>" in page
    assert "<script>alert" not in page and "javascript:" not in page


@pytest.mark.parametrize("data, message", [
    ({"name": ""}, "This field is required."),
    ({"required_meetings_per_year": "-1"}, "Give a number from 0 to 52."),
    ({"quorum_percent": "0"}, "Give a percentage from 1 to 100."),
])
def test_bad_committee_input(client, data, message):
    login(client, factories.make_admin())
    form = {"name": "A Committee", "level": "local", "area_id": factories.national_area().id, "parent_id": "",
            "required_meetings_per_year": 4, "quorum_percent": 50, **data}
    response = client.post("/committees/new", data=form)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert count(Membership) == 0


def test_a_committee_cannot_report_to_one_below_it(client, team):
    committee, people = team
    child = factories.make_committee("Child", level="local", parent=committee)
    login(client, factories.make_admin())
    response = client.post(f"/committees/{committee.id}/edit", data={
        "name": committee.name, "level": "district", "area_id": committee.area_id, "parent_id": child.id,
        "required_meetings_per_year": 4, "quorum_percent": 50, "version": committee.version})
    assert response.status_code == 422 and "cannot report to a committee below it" in response.get_data(as_text=True)


def test_chair_adds_and_removes_members(client, team):
    committee, people = team
    newcomer = factories.make_user(sector="community")
    login(client, people["chair"])
    response = client.post(f"/committees/{committee.id}/members", data={"user_id": newcomer.id, "role": "member"})
    assert response.status_code == 302
    membership = db.session.scalar(db.select(Membership).where(Membership.user_id == newcomer.id))
    assert membership.role == "member"
    membership_id = membership.id
    client.post(f"/committees/{committee.id}/members/{membership_id}/remove")
    assert db.session.get(Membership, membership_id) is None
    assert [e.action for e in db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.entity_type == "Membership").order_by(AuditEvent.id))] == ["create", "delete"]


def test_only_an_administrator_moves_a_committee(app, client, team):
    """Area and parent decide what a committee's members read and where they raise items: a chair
    who sends them anyway changes nothing of them, and the form does not list other committees."""
    committee, people = team
    other = factories.make_committee("Another Committee", level="national")
    national = factories.national_area()
    area_before, parent_before = committee.area_id, committee.parent_id
    login(client, people["chair"])
    page = client.get(f"/committees/{committee.id}/edit").get_data(as_text=True)
    assert 'name="area_id"' not in page and 'name="parent_id"' not in page and "Another Committee" not in page
    response = client.post(f"/committees/{committee.id}/edit", data={
        "name": committee.name, "level": committee.level, "area_id": national.id, "parent_id": other.id,
        "required_meetings_per_year": 6, "quorum_percent": 50, "version": committee.version})
    assert response.status_code == 302
    committee = db.session.get(Committee, committee.id)
    assert (committee.area_id, committee.parent_id, committee.required_meetings_per_year) == (
        area_before, parent_before, 6)

    admin = app.test_client()
    login(admin, factories.make_admin())
    assert 'name="parent_id"' in admin.get(f"/committees/{committee.id}/edit").get_data(as_text=True)
    response = admin.post(f"/committees/{committee.id}/edit", data={
        "name": committee.name, "level": committee.level, "area_id": national.id, "parent_id": other.id,
        "required_meetings_per_year": 6, "quorum_percent": 50, "version": committee.version})
    assert response.status_code == 302
    assert db.session.get(Committee, committee.id).parent_id == other.id


def test_the_last_chair_or_secretary_stays(client):
    committee = factories.make_committee()
    chair = factories.add_member(committee, role="chair")
    login(client, chair)
    membership = db.session.scalar(db.select(Membership))
    response = client.post(f"/committees/{committee.id}/members/{membership.id}/role",
                           data={"role": "member", "version": membership.version}, follow_redirects=True)
    assert "A committee needs a chair or a secretary" in response.get_data(as_text=True)
    assert db.session.get(Membership, membership.id).role == "chair"


# --- Meetings and agendas -----------------------------------------------------------------------

def test_schedule_a_meeting(client, team):
    committee, people = team
    login(client, people["secretary"])
    response = client.post(f"/committees/{committee.id}/meetings/new",
                           data={"title": "Fourth quarter meeting", "place": "District hall", **future()})
    assert response.status_code == 302
    meeting = db.session.scalar(db.select(Meeting))
    assert meeting.status == "planned" and meeting.starts_at.hour == 10


@pytest.mark.parametrize("data, message", [
    ({"date": (utcnow() - timedelta(days=1)).date().isoformat(), "time": "10:00"},
     "This time has passed. For a meeting that has already taken place, tick"),
    ({"place": "", "call_link": ""}, "Give a place, a call link, or both."),
    ({"call_link": "javascript:alert(1)"}, "A call link starts with https://"),
    ({"title": ""}, "This field is required."),
    ({"date": ""}, "Give the date."),
])
def test_bad_meeting_input_saves_nothing(client, team, data, message):
    committee, people = team
    login(client, people["chair"])
    response = client.post(f"/committees/{committee.id}/meetings/new",
                           data={"title": "Meeting", "place": "Hall", **future(), **data})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(Meeting) == 0


def test_a_meeting_that_took_place_is_recorded_afterwards_and_counts(client, team):
    """A committee's meetings from before the app, or one entered late: scheduled in the past with
    the box ticked, built, recorded as held, marked as recorded afterwards, counted for the year."""
    from workspace.clock import local_today
    from workspace.committees import reports

    committee, people = team
    login(client, people["secretary"])
    new = f"/committees/{committee.id}/meetings/new"
    first_of_year = {"date": local_today().replace(month=1, day=1).isoformat(), "time": "00:00"}
    response = client.post(new, data={"title": "January meeting", "place": "Hall", **future(), "already_held": "y"})
    assert response.status_code == 422 and count(Meeting) == 0
    assert "A meeting recorded afterwards has already taken place" in response.get_data(as_text=True)

    response = client.post(new, data={"title": "January meeting", "place": "Hall", **first_of_year,
                                      "already_held": "y"}, follow_redirects=True)
    meeting = db.session.scalar(db.select(Meeting))
    assert meeting.recorded_afterwards and meeting.status == "planned"
    text = response.get_data(as_text=True)
    assert "Add the items it discussed" in text and "recorded afterwards" in text
    assert "recorded afterwards" in client.get(f"/meetings/{meeting.id}/print").get_data(as_text=True)
    assert client.post(f"/meetings/{meeting.id}/items", data={
        "title": "Coverage", "kind": "decision", "minutes_allotted": 20}).status_code == 302

    # Rescheduling keeps it in the past.
    edit = {"title": "January meeting", "place": "Hall", "version": meeting.version}
    assert client.post(f"/meetings/{meeting.id}/edit", data={**edit, **future()}).status_code == 422
    assert client.post(f"/meetings/{meeting.id}/edit", data={**edit, **first_of_year, "time": "00:01"}
                       ).status_code == 302

    meeting = db.session.get(Meeting, meeting.id)
    members = [m.user_id for m in db.session.scalars(db.select(Membership))]
    services.record_meeting(meeting, people["secretary"], mark_held=True, members=members,
                            attendance={user_id: "present" for user_id in members}, minutes={},
                            decisions={}, new_decisions={meeting.items[0].id: "Register at the market."})
    assert db.session.get(Meeting, meeting.id).status == "held"
    assert reports.figures(committee, people["member"]).compliance.held == 1


@pytest.mark.parametrize("data, message", [
    ({"title": ""}, "Give the item a title."),
    ({"minutes_allotted": "-5"}, "Give between 1 and 600 minutes."),
    ({"minutes_allotted": "601"}, "Give between 1 and 600 minutes."),
    ({"minutes_allotted": "ten"}, "Not a valid integer value."),
])
def test_bad_agenda_items_save_nothing(client, team, data, message):
    committee, people = team
    meeting = factories.make_meeting(committee)
    login(client, people["secretary"])
    response = client.post(f"/meetings/{meeting.id}/items", headers=HX,
                           data={"title": "Budget", "kind": "decision", "minutes_allotted": 20, **data})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(AgendaItem) == 0


def test_agenda_builds_and_reorders_with_htmx_and_without(client, team):
    committee, people = team
    meeting = factories.make_meeting(committee)
    login(client, people["secretary"])
    for title, minutes in (("Opening", 10), ("Coverage report", 30), ("Work plan", 20)):
        response = client.post(f"/meetings/{meeting.id}/items", headers=HX,
                               data={"title": title, "kind": "discussion", "minutes_allotted": minutes})
        assert response.status_code == 200
        assert "<html" not in response.get_data(as_text=True) and 'id="agenda"' in response.get_data(as_text=True)
    items = {i.title: i for i in db.session.scalars(db.select(AgendaItem))}

    order = ",".join(str(items[title].id) for title in ("Opening", "Coverage report", "Work plan"))
    response = client.post(f"/meetings/{meeting.id}/items/{items['Work plan'].id}/move", headers=HX,
                           data={"direction": "up", "order": order})
    text = response.get_data(as_text=True)
    assert "<html" not in text
    assert text.index("Opening") < text.index("Work plan") < text.index("Coverage report")

    order = ",".join(str(items[title].id) for title in ("Opening", "Work plan", "Coverage report"))
    response = client.post(f"/meetings/{meeting.id}/items/{items['Opening'].id}/move",
                           data={"direction": "down", "order": order})
    assert response.status_code == 302  # without JavaScript: back to the meeting page
    order = [i.title for i in db.session.get(Meeting, meeting.id).items]
    assert order == ["Work plan", "Opening", "Coverage report"]


def test_agenda_shows_the_running_clock(app, client, team):
    committee, people = team
    meeting = factories.make_meeting(committee)
    meeting.starts_at = meeting.starts_at.replace(hour=9, minute=30)
    for n, minutes in enumerate((15, 40, 20), start=1):
        meeting.items.append(AgendaItem(committee=committee, title=f"Item {n}", position=n, minutes_allotted=minutes))
    db.session.commit()
    login(client, people["member"])
    text = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    clocks = re.findall(r'<span class="clock">([^<]+)</span>', text)
    assert clocks == ["9:30\u202fAM", "9:45\u202fAM", "10:25\u202fAM"] or clocks == ["9:30 AM", "9:45 AM", "10:25 AM"]
    assert "10:45" in text  # the agenda's end


def test_held_or_cancelled_agendas_do_not_change(client, team):
    committee, people = team
    meeting = factories.make_meeting(committee, status="held", items=1)
    login(client, people["chair"])
    response = client.post(f"/meetings/{meeting.id}/items", data={"title": "Late item", "kind": "discussion",
                                                                  "minutes_allotted": 5})
    assert response.status_code == 422
    assert "cannot change" in response.get_data(as_text=True)
    assert count(AgendaItem) == 1


def test_cancelling_returns_proposed_items(client, team):
    committee, people = team
    meeting = factories.make_meeting(committee)
    proposal = factories.make_proposal(committee, people["member"])
    services.accept_proposal(proposal, meeting)
    login(client, people["chair"])
    assert client.post(f"/meetings/{meeting.id}/cancel", data={"reason": ""}).status_code == 422
    client.post(f"/meetings/{meeting.id}/cancel", data={"reason": "Flooding on the roads"})
    assert db.session.get(Meeting, meeting.id).status == "cancelled"
    item = db.session.get(AgendaItem, proposal.id)
    assert item.status == "proposed" and item.meeting_id is None


# --- Proposals and escalation -------------------------------------------------------------------

def test_member_proposes_chair_accepts(client, app, team):
    committee, people = team
    meeting = factories.make_meeting(committee, items=1)
    login(client, people["member"])
    response = client.post(f"/committees/{committee.id}/proposals/new",
                           data={"title": "Savings groups as a payment channel", "kind": "discussion",
                                 "minutes_allotted": 15})
    assert response.status_code == 302
    item = db.session.scalar(db.select(AgendaItem).where(AgendaItem.status == "proposed"))
    assert item.proposed_by_id == people["member"].id

    chair = app.test_client()
    login(chair, people["chair"])
    response = chair.post(f"/committees/{committee.id}/proposals/{item.id}/accept", data={"meeting_id": meeting.id})
    assert response.status_code == 302
    meeting = db.session.get(Meeting, meeting.id)
    assert [i.title for i in meeting.items][-1] == "Savings groups as a payment channel"
    assert "Proposed by" in chair.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_decline_needs_a_reason_the_proposer_sees(client, app, team):
    committee, people = team
    item = factories.make_proposal(committee, people["member"], "Buy new cars")
    login(client, people["secretary"])
    response = client.post(f"/committees/{committee.id}/proposals/{item.id}/decline", data={"reason": ""},
                           follow_redirects=True)
    assert "Give a reason for declining" in response.get_data(as_text=True)
    assert db.session.get(AgendaItem, item.id).status == "proposed"
    client.post(f"/committees/{committee.id}/proposals/{item.id}/decline", data={"reason": "Not in our mandate"})
    proposer = app.test_client()
    login(proposer, people["member"])
    text = proposer.get(f"/committees/{committee.id}/proposals").get_data(as_text=True)
    assert "Not in our mandate" in text and "Declined" in text


def test_observers_read_but_do_not_propose(client, team):
    committee, people = team
    login(client, people["observer"])
    assert client.get(f"/committees/{committee.id}").status_code == 200
    assert client.post(f"/committees/{committee.id}/proposals/new",
                       data={"title": "x", "kind": "discussion", "minutes_allotted": 5}).status_code == 403
    assert count(AgendaItem) == 0


def test_escalation_to_the_parent_committee(client, app):
    national = factories.make_committee("National Committee")
    national_chair = factories.add_member(national, role="chair")
    district = factories.make_committee("District Committee", level="district", parent=national)
    district_chair = factories.add_member(district, role="chair")
    meeting = factories.make_meeting(district, items=1)
    item = meeting.items[0]
    login(client, district_chair)
    client.post(f"/meetings/{meeting.id}/items/{item.id}/escalate")
    raised = db.session.scalar(db.select(AgendaItem).where(AgendaItem.committee_id == national.id))
    assert raised.status == "proposed" and (raised.origin_type, raised.origin_id) == ("agenda_item", item.id)

    again = client.post(f"/meetings/{meeting.id}/items/{item.id}/escalate", follow_redirects=True)
    assert "already been raised to National Committee" in again.get_data(as_text=True)
    assert count(AgendaItem, AgendaItem.committee_id == national.id) == 1

    # The national chair sees where it came from, but not a link into a committee they are not in.
    national_client = app.test_client()
    login(national_client, national_chair)
    text = national_client.get(f"/committees/{national.id}/proposals").get_data(as_text=True)
    assert f"District Committee: {item.title}" in text
    assert f"/meetings/{meeting.id}" not in text
    # The district chair, a member of both, would get the link.
    factories.add_member(national, user=district_chair)
    assert f"/meetings/{meeting.id}#item-{item.id}" in client.get(
        f"/committees/{national.id}/proposals").get_data(as_text=True)


def test_a_committee_without_a_parent_cannot_escalate(client, team):
    committee, people = team
    meeting = factories.make_meeting(committee, items=1)
    login(client, people["chair"])
    response = client.post(f"/meetings/{meeting.id}/items/{meeting.items[0].id}/escalate", follow_redirects=True)
    assert "no parent committee" in response.get_data(as_text=True)


def test_home_lists_my_committees_with_the_next_meeting(client, count_queries, team):
    committee, people = team
    factories.make_meeting(committee, title="Later meeting", days_from_now=20)
    factories.make_meeting(committee, title="Sooner meeting", days_from_now=5)
    login(client, people["member"])
    with count_queries() as few:
        text = client.get("/").get_data(as_text=True)
    assert committee.name in text and "Sooner meeting" in text and "Later meeting" not in text
    for n in range(5):
        other = factories.make_committee()
        factories.add_member(other, user=people["member"])
        factories.make_meeting(other, days_from_now=n + 1)
    with count_queries() as many:
        client.get("/")
    assert many.count == few.count


def test_the_committee_page_shows_the_first_members_and_counts_all(client, count_queries, team):
    """Chair and secretary first, a dozen at most, the count of all; the page costs the same
    queries with a hundred members as with four."""
    committee, people = team
    login(client, people["member"])
    with count_queries() as few:
        text = client.get(f"/committees/{committee.id}").get_data(as_text=True)
    assert "Members <small>(4)</small>" in text and "The first" not in text
    for n in range(96):
        factories.add_member(committee, factories.make_user(name=f"Zed Member {n:02d}"))
    with count_queries() as many:
        text = client.get(f"/committees/{committee.id}").get_data(as_text=True)
    assert many.count == few.count
    assert "Members <small>(100)</small>" in text and "The first 12 of 100." in text
    members = text[text.index('id="members"'):]
    assert members.index(people["chair"].name) < members.index(people["secretary"].name) < members.index("Zed Member 00")
    assert "Zed Member 10" not in members and "Zed Member 95" not in members


def test_the_committee_list_is_paged_with_a_fixed_number_of_queries(client, count_queries):
    admin = factories.make_admin()
    login(client, admin)
    for n in range(3):
        factories.make_meeting(factories.make_committee(f"Committee {n:03d}", level="district"), days_from_now=5)
    with count_queries() as few:
        client.get("/committees?level=district")
    for n in range(3, 40):
        factories.make_meeting(factories.make_committee(f"Committee {n:03d}", level="district"), days_from_now=5)
    with count_queries() as many:
        text = client.get("/committees?level=district").get_data(as_text=True)
    assert many.count == few.count
    assert "Committee 024" in text and "Committee 025" not in text and "Page 1 of 2" in text
    assert "Committee 039" in client.get("/committees?level=district&page=2").get_data(as_text=True)


def test_the_committee_page_counts_its_open_and_overdue_actions(client, team):
    """From the committee's own plans only: another committee's actions and closed ones do not count."""
    committee, people = team
    plan = factories.make_plan(committee)
    factories.make_action(plan, due_days=10)
    factories.make_action(plan, due_days=-3, status="in_progress")
    factories.make_action(plan, due_days=-3, status="done", progress=100)
    factories.make_action(factories.make_plan(factories.make_committee()), due_days=-3)
    factories.make_proposal(committee, people["member"])
    login(client, people["member"])
    text = client.get(f"/committees/{committee.id}").get_data(as_text=True)
    assert "2 open actions" in text and "1 overdue" in text and "Proposals (1)" in text


def test_the_committee_page_lists_a_dozen_committees_reporting_here(client, app, team):
    """The others are a click away, in the committee list filtered to this committee's children;
    a member sees only the children they belong to."""
    committee, people = team
    admin = factories.make_admin()
    for n in range(15):
        child = factories.make_committee(f"Child committee {n:02d}", level="local", parent=committee)
        if n < 2:
            factories.add_member(child, user=people["member"])
    login(client, admin)
    text = client.get(f"/committees/{committee.id}").get_data(as_text=True)
    assert "Child committee 11" in text and "Child committee 12" not in text
    assert f"/committees?parent={committee.id}" in text
    listed = client.get(f"/committees?parent={committee.id}").get_data(as_text=True)
    assert "Child committee 14" in listed and f"Reporting to {committee.name}" in listed
    assert f">{committee.name}</a>" not in listed  # only those reporting to it
    member = app.test_client()
    login(member, people["member"])
    text = member.get(f"/committees/{committee.id}").get_data(as_text=True)
    assert "Child committee 01" in text and "Child committee 02" not in text
    assert f"/committees?parent={committee.id}" not in text
