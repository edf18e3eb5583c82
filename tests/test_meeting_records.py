"""Recording a meeting (attendance, minutes, decisions), corrections, reports, print, calendar,
and the query counts of the committee's pages."""
from datetime import timedelta

import pytest

from workspace import audit, edits
from workspace.clock import utcnow
from workspace.committees import reports, services
from workspace.extensions import db
from workspace.models import AgendaItem, Attendance, AuditEvent, Decision, Meeting, Membership
from tests import factories
from tests.conftest import login


@pytest.fixture
def held_today(app):
    """A committee with four voting members and an observer, and a meeting of today with two items."""
    committee = factories.make_committee("Seaview District Committee", level="district", quorum_percent=50)
    people = {role: factories.add_member(committee, role=role, sector=sector) for role, sector in (
        ("chair", "government"), ("secretary", "government"), ("member", "ngo"), ("observer", "community"))}
    people["member2"] = factories.add_member(committee, role="member", sector="community")
    meeting = factories.make_meeting(committee, days_from_now=0, items=2)
    meeting.starts_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    return committee, people, meeting


def record_values(people, meeting, **overrides):
    items = meeting.items
    values = {
        "attendance": {people["chair"].id: "present", people["secretary"].id: "present",
                       people["member"].id: "apologies", people["observer"].id: "present",
                       people["member2"].id: "absent"},
        "minutes": {items[0].id: "Coverage is at 80%.", items[1].id: ""},
        "decisions": {},
        "new_decisions": {items[0].id: "Hold registration days in Eastbrook.", items[1].id: ""},
    }
    values.update(overrides)
    return values


def members_of(meeting):
    return [m.user_id for m in db.session.scalars(db.select(Membership).where(
        Membership.committee_id == meeting.committee_id))]


def test_recording_saves_everything_together(held_today):
    committee, people, meeting = held_today
    services.record_meeting(meeting, people["secretary"], mark_held=True, members=members_of(meeting),
                            **record_values(people, meeting))
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.status == "held" and meeting.held_at is not None
    assert {row.user_id: row.status for row in meeting.attendance}[people["member"].id] == "apologies"
    assert meeting.items[0].minutes == "Coverage is at 80%."
    assert [d.text for d in meeting.items[0].decisions] == ["Hold registration days in Eastbrook."]
    assert meeting.items[1].decisions == []
    quorum = reports.quorum(committee, reports.voting_members(committee), meeting.attendance)
    assert (quorum.voting, quorum.present, quorum.needed, quorum.met) == (4, 2, 2, True)


def test_recording_is_all_or_nothing(held_today, monkeypatch):
    committee, people, meeting = held_today
    real_record = audit.record

    def fail_on_decisions(action, target, *args, **kwargs):
        if isinstance(target, Decision):
            raise RuntimeError("the database went away")
        return real_record(action, target, *args, **kwargs)

    monkeypatch.setattr(audit, "record", fail_on_decisions)
    with pytest.raises(RuntimeError):
        services.record_meeting(meeting, people["secretary"], mark_held=True, members=members_of(meeting),
                                **record_values(people, meeting))
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.status == "planned"
    assert db.session.scalar(db.select(db.func.count()).select_from(Attendance)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(Decision)) == 0
    assert all(item.minutes == "" for item in meeting.items)


def test_marking_held_needs_everyone_s_attendance(held_today):
    committee, people, meeting = held_today
    values = record_values(people, meeting)
    del values["attendance"][people["member2"].id]
    with pytest.raises(services.CommitteeRuleError, match="Mark everyone's attendance"):
        services.record_meeting(meeting, people["chair"], mark_held=True, members=members_of(meeting), **values)
    # Saving for now, without marking it held, is fine.
    services.record_meeting(meeting, people["chair"], mark_held=False, members=members_of(meeting), **values)
    assert db.session.get(Meeting, meeting.id).status == "planned"


def test_a_future_meeting_cannot_be_marked_held(held_today):
    committee, people, meeting = held_today
    meeting.starts_at = utcnow() + timedelta(days=3)
    db.session.commit()
    with pytest.raises(services.CommitteeRuleError, match="has not taken place yet"):
        services.record_meeting(meeting, people["chair"], mark_held=True, members=members_of(meeting),
                                **record_values(people, meeting))


def stamps(meeting) -> dict:
    """The versions the record form shows, as a browser sends them back."""
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    found = {f"version_attendance_{row.user_id}": edits.stamp(row, ("status",)) for row in meeting.attendance}
    for item in meeting.items:
        found[f"version_item_{item.id}"] = edits.stamp(item, ("minutes",))
        found.update({f"version_decision_{d.id}": edits.stamp(d, ("text",)) for d in item.decisions})
    return found


def form_data(people, meeting, **extra):
    data = stamps(meeting)
    data.update({f"attendance_{user_id}": status
                 for user_id, status in record_values(people, meeting)["attendance"].items()})
    data.update({f"minutes_{meeting.items[0].id}": "Coverage is at 80%.",
                 f"new_decision_{meeting.items[0].id}": "Hold registration days in Eastbrook."})
    data.update(extra)
    return data


def test_record_page_and_corrections_are_audited(client, app, held_today):
    committee, people, meeting = held_today
    login(client, people["secretary"])
    assert client.get(f"/meetings/{meeting.id}/record").status_code == 200
    response = client.post(f"/meetings/{meeting.id}/record", data=form_data(people, meeting, mark_held="1"))
    assert response.status_code == 302
    assert db.session.get(Meeting, meeting.id).status == "held"

    decision = db.session.scalar(db.select(Decision))
    item_id = meeting.items[0].id
    response = client.post(f"/meetings/{meeting.id}/record", data=form_data(
        people, meeting, **{f"minutes_{item_id}": "Coverage is at 82%, corrected.",
                            f"decision_{decision.id}": "Hold registration days in Eastbrook and Kanta.",
                            f"new_decision_{item_id}": ""}))
    assert response.status_code == 302
    corrections = {e.action: e for e in db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.actor_id == people["secretary"].id, AuditEvent.action.in_(("minutes", "update")))
        .order_by(AuditEvent.id))}  # the latest of each kind: the corrections
    assert corrections["minutes"].before["minutes"] == "Coverage is at 80%."
    assert corrections["minutes"].after["minutes"] == "Coverage is at 82%, corrected."
    assert corrections["update"].after["text"] == "Hold registration days in Eastbrook and Kanta."

    # A member may read the minutes but not correct them.
    member = app.test_client()
    login(member, people["member"])
    assert member.get(f"/meetings/{meeting.id}/record").status_code == 403
    assert member.post(f"/meetings/{meeting.id}/record", data={f"minutes_{item_id}": "Rewritten"}).status_code == 403
    assert db.session.get(AgendaItem, item_id).minutes == "Coverage is at 82%, corrected."


def test_bad_attendance_value_is_refused(client, held_today):
    committee, people, meeting = held_today
    login(client, people["chair"])
    response = client.post(f"/meetings/{meeting.id}/record",
                           data=form_data(people, meeting, **{f"attendance_{people['member'].id}": "asleep"}))
    assert response.status_code == 422
    assert "Choose present, apologies or absent." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Attendance)) == 0


def test_print_view_of_the_minutes(client, held_today):
    committee, people, meeting = held_today
    services.record_meeting(meeting, people["secretary"], mark_held=True, members=members_of(meeting),
                            **record_values(people, meeting))
    login(client, people["observer"])
    text = client.get(f"/meetings/{meeting.id}/print").get_data(as_text=True)
    assert "Minutes: " in text and "Hold registration days in Eastbrook." in text
    assert "Apologies (1)" in text and people["member"].name in text
    assert 'href="/static/print.css?v=' in text and "header class=\"site\"" not in text


def test_print_view_of_a_planned_agenda(client, held_today):
    committee, people, meeting = held_today
    login(client, people["member"])
    text = client.get(f"/meetings/{meeting.id}/print").get_data(as_text=True)
    assert "Agenda: " in text and "Minutes: " not in text and "Item 1" in text


def test_meeting_ics(client, held_today):
    committee, people, meeting = held_today
    meeting.place = "Seaview hall, room 2"
    db.session.commit()
    login(client, people["member"])
    response = client.get(f"/meetings/{meeting.id}/meeting.ics")
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/calendar" and "attachment" in response.headers["Content-Disposition"]
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert f"DTSTART:{meeting.starts_at:%Y%m%dT%H%M%SZ}" in text
    assert f"DTEND:{meeting.starts_at + timedelta(minutes=30):%Y%m%dT%H%M%SZ}" in text
    assert "LOCATION:Seaview hall\\, room 2" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_calendar_feed_follows_the_membership(client, held_today):
    committee, people, meeting = held_today
    factories.make_meeting(committee, title="Next one", days_from_now=30)
    membership = db.session.scalar(db.select(Membership).where(Membership.user_id == people["member"].id))
    url = f"/committees/{committee.id}/calendar/{membership.feed_token}.ics"
    text = client.get(url).get_data(as_text=True)  # no login: calendar apps cannot log in
    assert text.count("BEGIN:VEVENT") == 2 and "SUMMARY:Next one" in text
    db.session.delete(membership)
    db.session.commit()
    assert client.get(url).status_code == 404
    assert client.get(f"/committees/{committee.id + 1}/calendar/{membership.feed_token}.ics").status_code == 404


def test_compliance_and_attendance_by_sector(held_today):
    committee, people, meeting = held_today
    services.record_meeting(meeting, people["secretary"], mark_held=True, members=members_of(meeting),
                            **record_values(people, meeting))
    factories.make_meeting(committee, days_from_now=1)  # planned, may fall in next year: counted only if this year
    figures = reports.figures(committee, people["member"])
    compliance = figures.compliance
    assert compliance.held == 1 and compliance.required == 4 and not compliance.met
    assert (figures.members, figures.covered, figures.waiting) == (len(members_of(meeting)), 1, 0)
    assert figures.feed_token == db.session.scalar(db.select(Membership.feed_token).where(
        Membership.user_id == people["member"].id))
    rows = reports.attendance_by_sector(committee)
    by_sector = {row.sector: (row.present, row.expected) for row in rows}
    assert by_sector == {"government": (2, 2), "ngo": (0, 1), "community": (1, 2)}
    assert reports.figures(committee, factories.make_admin()).feed_token is None  # not a member: no feed


def test_committee_page_shows_compliance(client, held_today):
    committee, people, meeting = held_today
    login(client, people["member"])
    text = client.get(f"/committees/{committee.id}").get_data(as_text=True)
    assert "0 of 4 required meetings held" in text


# --- Query counts ---------------------------------------------------------------------------------

def grow(committee, people, meetings: int, items: int):
    for n in range(meetings):
        meeting = factories.make_meeting(committee, days_from_now=(n % 40) - 20, items=items,
                                         status="held" if n % 3 == 0 else "planned")
        for user in people.values():
            meeting.attendance.append(Attendance(user_id=user.id, status="present"))
        meeting.items[0].decisions.append(Decision(text="Agreed.")) if items else None
        factories.make_proposal(committee, people["member"], f"Proposal {n}")
    db.session.commit()


@pytest.mark.parametrize("page", ["committee", "meetings", "proposals", "meeting", "print", "record"])
def test_committee_pages_run_a_fixed_number_of_queries(client, count_queries, held_today, page):
    committee, people, meeting = held_today
    urls = {
        "committee": f"/committees/{committee.id}",
        "meetings": f"/committees/{committee.id}/meetings",
        "proposals": f"/committees/{committee.id}/proposals",
        "meeting": f"/meetings/{meeting.id}",
        "print": f"/meetings/{meeting.id}/print",
        "record": f"/meetings/{meeting.id}/record",
    }
    login(client, people["chair"])
    grow(committee, people, meetings=2, items=1)
    with count_queries() as few:
        assert client.get(urls[page]).status_code == 200
    grow(committee, people, meetings=30, items=1)
    for n in range(12):
        meeting.items.append(AgendaItem(committee=committee, title=f"Extra {n}", position=10 + n, minutes_allotted=5,
                                        decisions=[Decision(text=f"Decision {n}")]))
    db.session.commit()
    with count_queries() as many:
        assert client.get(urls[page]).status_code == 200
    assert many.count == few.count, many.statements[few.count:]
