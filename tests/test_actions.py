"""Action plans and actions: rules, updates, no lost updates, raising to the agenda, lists,
timeline, exports, reminders, and query counts."""
import io
import threading
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm.exc import StaleDataError

from workspace import edits
from workspace.actions import queries, reminders, services
from workspace.clock import utcnow
from workspace import kept
from workspace.extensions import db
from workspace.models import Action, ActionPlan, ActionUpdate, AgendaItem, AuditEvent, Decision, OutboxMessage
from tests import factories
from tests.conftest import login

TODAY = None


def days(n: int) -> str:
    return (utcnow().date() + timedelta(days=n)).isoformat()


@pytest.fixture
def world(app):
    """A committee with a chair and an observer, a plan, and an NGO whose focal person owns an action."""
    committee = factories.make_committee("Mapleton District Committee", level="district")
    chair = factories.add_member(committee, role="chair", sector="government")
    observer = factories.add_member(committee, role="observer", sector="community")
    ngo = factories.make_organization("Community Action", kind="ngo")
    focal = factories.make_user(name="Grace Njeri", organization=ngo)
    colleague = factories.make_user(name="Colleague at Community Action", organization=ngo)
    plan = factories.make_plan(committee, title="Registration plan")
    action = factories.make_action(plan, organization=ngo, focal_person=focal, title="Registration days")
    return {"committee": committee, "chair": chair, "observer": observer, "ngo": ngo, "focal": focal,
            "colleague": colleague, "plan": plan, "action": action}


def action_form(world, **overrides):
    data = {"title": "Registration kits", "description": "", "responsible_organization_id": world["ngo"].id,
            "focal_person_id": world["focal"].id, "start_date": days(0), "due_date": days(30),
            "status": "not_started", "progress": "0", "blocked_reason": ""}
    data.update(overrides)
    return data


# --- Creating and editing ------------------------------------------------------------------------

def test_chair_adds_an_action_to_the_plan(client, world):
    login(client, world["chair"])
    response = client.post(f"/plans/{world['plan'].id}/actions/new",
                           data={**action_form(world), "supporter_ids": [world["chair"].organization_id]})
    assert response.status_code == 302
    action = db.session.scalar(db.select(Action).where(Action.title == "Registration kits"))
    assert action.focal_person_id == world["focal"].id and action.version == 1
    assert [o.id for o in action.supporters] == [world["chair"].organization_id]


@pytest.mark.parametrize("overrides, message", [
    ({"due_date": days(-5)}, "The due date is before the start date."),
    ({"progress": "101"}, "Progress is a percentage from 0 to 100."),
    ({"progress": "-1"}, "Progress is a percentage from 0 to 100."),
    ({"status": "done", "progress": "80"}, "Done means 100%."),
    ({"status": "blocked", "blocked_reason": ""}, "Say what blocks it."),
    ({"title": ""}, "This field is required."),
])
def test_bad_action_input_saves_nothing(client, world, overrides, message):
    login(client, world["chair"])
    before = db.session.scalar(db.select(db.func.count()).select_from(Action))
    response = client.post(f"/plans/{world['plan'].id}/actions/new", data=action_form(world, **overrides))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Action)) == before


def test_focal_person_must_be_in_the_responsible_organisation(client, world):
    login(client, world["chair"])
    response = client.post(f"/plans/{world['plan'].id}/actions/new",
                           data=action_form(world, focal_person_id=world["chair"].id))
    assert response.status_code == 422
    assert f"{world['chair'].name} is not in the responsible organisation." in response.get_data(as_text=True)
    with pytest.raises(services.ActionRuleError):
        services.create_action(world["plan"], title="x", responsible_organization_id=world["ngo"].id,
                               focal_person=world["chair"], start_date=utcnow().date(), due_date=utcnow().date())


def test_done_with_the_box_ticked_sets_progress_to_100(client, world):
    login(client, world["focal"])
    action = world["action"]
    response = client.post(f"/actions/{action.id}/edit", data=action_form(
        world, title=action.title, status="done", progress="70", complete="y", version=action.version))
    assert response.status_code == 302
    action = db.session.get(Action, action.id)
    assert (action.status, action.progress) == ("done", 100)


def test_the_database_refuses_what_the_forms_refuse(world):
    from sqlalchemy.exc import IntegrityError
    action = world["action"]
    for field, value in (("progress", 150), ("due_date", action.start_date - timedelta(days=1)), ("status", "done")):
        setattr(action, field, value)
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


# --- Updates and who may post them ---------------------------------------------------------------

def test_focal_person_posts_updates_newest_first(client, world):
    action = world["action"]
    login(client, world["focal"])
    client.post(f"/actions/{action.id}/updates", data={"text": "Venue booked", "status": "in_progress",
                                                       "progress": "20", "version": action.version})
    response = client.post(f"/actions/{action.id}/updates", data={
        "text": "Kits held at customs", "status": "blocked", "progress": "20",
        "version": db.session.get(Action, action.id).version})
    assert response.status_code == 302
    action = db.session.get(Action, action.id)
    assert (action.status, action.progress, action.blocked_reason) == ("blocked", 20, "Kits held at customs")
    text = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert text.index("Kits held at customs") < text.index("Venue booked")


def test_blocked_needs_a_reason(client, world):
    action = world["action"]
    login(client, world["colleague"])  # the responsible organisation's people may update too
    response = client.post(f"/actions/{action.id}/updates", data={"text": " ", "status": "blocked", "progress": "10",
                                                                  "version": action.version})
    assert response.status_code == 422
    assert "Blocked needs a reason" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(ActionUpdate)) == 0


def test_observers_read_but_do_not_update(client, world):
    action = world["action"]
    login(client, world["observer"])
    assert client.get(f"/actions/{action.id}").status_code == 200
    assert client.post(f"/actions/{action.id}/updates", data={"text": "x", "status": "in_progress",
                                                              "progress": "5"}).status_code == 403


# --- No lost updates -----------------------------------------------------------------------------

def test_a_stale_edit_is_refused_with_what_changed(app, client, world):
    action = world["action"]
    first, second = app.test_client(), app.test_client()
    login(first, world["focal"])
    login(second, world["chair"])
    # Both open the edit form at version 1.
    assert 'name="version" type="hidden" value="1:' in first.get(f"/actions/{action.id}/edit").get_data(as_text=True)
    second.get(f"/actions/{action.id}/edit")
    assert first.post(f"/actions/{action.id}/edit", data=action_form(
        world, title="Registration days in Eastbrook", version="1")).status_code == 302
    response = second.post(f"/actions/{action.id}/edit", data=action_form(
        world, title="Registration days (chair's words)", version="1"))
    text = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Not saved" in text and "Registration days in Eastbrook" in text and world["focal"].name in text
    assert db.session.get(Action, action.id).title == "Registration days in Eastbrook"


def test_a_stale_update_is_refused(app, client, world):
    action = world["action"]
    login(client, world["focal"])
    client.post(f"/actions/{action.id}/updates", data={"text": "First", "status": "in_progress", "progress": "10",
                                                       "version": "1"})
    response = client.post(f"/actions/{action.id}/updates", data={"text": "Second, from an old page",
                                                                   "status": "done", "progress": "100", "version": "1"})
    assert response.status_code == 409
    assert db.session.get(Action, action.id).status == "in_progress"


def test_concurrent_saves_one_wins_one_is_told(app, world):
    """Two requests past the version check at once: the database's version check stops the second."""
    action_id = world["action"].id
    barrier = threading.Barrier(2)
    results = []

    def save(title):
        with app.app_context():
            action = db.session.get(Action, action_id)
            version = action.version
            barrier.wait()  # both have read version 1 before either writes
            try:
                services.update_action(action, edits.Stated(version), title=title)
                results.append("saved")
            except (edits.EditConflict, StaleDataError):
                results.append("conflict")
            except Exception as error:  # SQLite may refuse the second writer outright: also no loss
                results.append(f"refused: {type(error).__name__}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=save, args=(f"Title {n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results)[0] == "conflict" or results.count("saved") == 1
    assert results.count("saved") == 1
    db.session.expire_all()
    action = db.session.get(Action, action_id)
    assert action.version == 2 and action.title in ("Title 0", "Title 1")


# --- From decisions, and back to the agenda -------------------------------------------------------

def test_an_action_from_a_decision_in_one_step(client, world):
    meeting = factories.make_meeting(world["committee"], status="held", days_from_now=-3, items=1)
    decision = Decision(item=meeting.items[0], text="Hold joint registration days in Eastbrook.")
    db.session.add(decision)
    db.session.commit()
    login(client, world["chair"])
    page = client.get(f"/decisions/{decision.id}/actions/new").get_data(as_text=True)
    assert "Hold joint registration days in Eastbrook." in page and f"Actions from {meeting.title}" in page
    response = client.post(f"/decisions/{decision.id}/actions/new",
                           data={**action_form(world, title="Registration days", start_date=days(-10)),
                                 "plan_id": ""})
    assert response.status_code == 302
    action = db.session.scalar(db.select(Action).where(Action.origin_type == "decision"))
    assert action.origin_id == decision.id and action.plan.title == f"Actions from {meeting.title}"
    assert action.plan.committee_id == world["committee"].id
    # The new plan spans its first action.
    assert action.plan.period_start.isoformat() == days(-10) and action.plan.period_end.isoformat() == days(30)
    text = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert f"/meetings/{meeting.id}#decision-{decision.id}" in text
    assert f"/actions/{action.id}" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_chair_raises_a_blocked_action_onto_the_next_agenda(client, world):
    next_meeting = factories.make_meeting(world["committee"], title="Next meeting", days_from_now=10)
    factories.make_meeting(world["committee"], title="Later meeting", days_from_now=40)
    action = world["action"]
    services.post_update(action, world["focal"], edits.Stated(action.version), text="No kits", status="blocked", progress=10)
    login(client, world["chair"])
    response = client.post(f"/actions/{action.id}/raise")
    assert response.headers["Location"].startswith(f"/meetings/{next_meeting.id}")
    item = db.session.scalar(db.select(AgendaItem).where(AgendaItem.origin_type == "action"))
    assert item.meeting_id == next_meeting.id and item.status == "accepted" and item.description == "No kits"
    assert f"/actions/{action.id}" in client.get(f"/meetings/{next_meeting.id}").get_data(as_text=True)
    again = client.post(f"/actions/{action.id}/raise", follow_redirects=True)
    assert "already waiting for the committee" in again.get_data(as_text=True)


def test_a_member_raising_it_makes_a_proposal(client, world):
    member = factories.add_member(world["committee"], role="member")
    factories.make_meeting(world["committee"], days_from_now=10)
    action = factories.make_action(world["plan"], organization=world["ngo"], start_days=-20, due_days=-2)
    login(client, member)
    client.post(f"/actions/{action.id}/raise")
    item = db.session.scalar(db.select(AgendaItem).where(AgendaItem.origin_type == "action"))
    assert item.status == "proposed" and "Overdue since" in item.description


def test_an_action_on_track_is_not_raised(client, world):
    login(client, world["chair"])
    response = client.post(f"/actions/{world['action'].id}/raise", follow_redirects=True)
    assert "Only an overdue or blocked action" in response.get_data(as_text=True)


# --- Lists, timeline, exports ---------------------------------------------------------------------

def test_lists_show_what_each_person_may_see(app, client, world):
    other_committee = factories.make_committee("Elsewhere")
    hidden = factories.make_action(factories.make_plan(other_committee), title="Someone else's action")
    login(client, world["focal"])
    text = client.get("/actions").get_data(as_text=True)
    assert "Registration days" in text and "Someone else&#39;s action" not in text
    mine = client.get("/actions?scope=mine").get_data(as_text=True)
    assert "Registration days" in mine
    assert client.get(f"/actions/{hidden.id}").status_code == 404


def test_someone_who_sees_many_actions_gets_the_same_list_read_in_due_order(client, world, monkeypatch):
    """Past the counted number, the page is read in due order (visible_to's in_due_order): the
    same actions, in the same order, as when everything seen is collected and sorted."""
    from workspace import pages

    plan, ngo = world["plan"], world["ngo"]
    elsewhere = factories.make_plan(factories.make_committee("Elsewhere"))
    for n in range(4):  # seen through the committee's plan, as focal person, as the responsible organisation
        factories.make_action(plan, organization=ngo, title=f"Plan action {n}", due_days=40 - n)
    factories.make_action(elsewhere, organization=ngo, focal_person=world["chair"], title="Named focal", due_days=3)
    factories.make_action(elsewhere, organization=world["chair"].organization, title="Our organisation's", due_days=9)
    factories.make_action(elsewhere, organization=ngo, title="Not seen", due_days=1)
    login(client, world["chair"])

    def listed():
        text = client.get("/actions").get_data(as_text=True)
        return [line.split(">", 1)[1].split("<", 1)[0] for line in text.split('<a href="/actions/')[1:]]

    collected = listed()
    monkeypatch.setattr(pages, "COUNT_UP_TO", 3)
    assert listed() == collected
    assert collected[:2] == ["Named focal", "Our organisation&#39;s"] and "Not seen" not in collected
    assert len(collected) == 7


def test_a_count_is_kept_a_while_and_read_again_when_its_list_changes(client, world, count_queries, monkeypatch):
    """A list counted past its bound ("more than ...") is not counted again on the next view for
    a while (pages.FULL_COUNT_KEPT); an action list's count within the bound for a few seconds
    (queries.COUNT_KEPT), and again at once when this process saves an action or when the page's
    rows do not match it. The same past the bound for a list paged through pages.paginate_built
    (the list of people)."""
    from workspace import pages

    def counts(counted):
        return sum("count(*)" in statement for statement in counted.statements)

    for n in range(5):
        factories.make_action(world["plan"], organization=world["ngo"], title=f"Step {n}", due_days=n + 1)
    login(client, world["chair"])
    monkeypatch.setattr(pages, "COUNT_UP_TO", 3)
    client.application.config["PER_PAGE"] = 2
    with count_queries() as first:
        assert "more than 3" in client.get("/actions").get_data(as_text=True)
    with count_queries() as again:
        text = client.get("/actions?page=2").get_data(as_text=True)
    assert "more than 3" in text and "Step 2" in text and again.count == first.count - 1
    with count_queries() as within:
        text = client.get("/actions?q=Step+2").get_data(as_text=True)
    assert "Step 2" in text and "Step 3" not in text
    with count_queries() as within_again:
        client.get("/actions?q=Step+2")
    assert counts(within) == 1 and counts(within_again) == 0  # kept
    # An action saved here: counted again.
    factories.make_action(world["plan"], organization=world["ngo"], title="Step 2, the sequel", due_days=9)
    with count_queries() as changed:
        text = client.get("/actions?q=Step+2").get_data(as_text=True)
    assert counts(changed) == 1 and "Step 2, the sequel" in text
    # An action gone unseen by this process (another one removed it): the page no longer matches
    # the count kept, which is read again with the page.
    db.session.execute(db.delete(Action).where(Action.title == "Step 2, the sequel"))
    db.session.commit()
    with count_queries() as unseen:
        text = client.get("/actions?q=Step+2").get_data(as_text=True)
    assert counts(unseen) == 1 and "Step 2" in text and "sequel" not in text and "Page 1 of" not in text
    # Kept for a while only.
    monkeypatch.setattr(queries, "COUNT_KEPT", 0)
    monkeypatch.setattr(pages, "FULL_COUNT_KEPT", 0)
    kept.forget_all()
    client.get("/actions")
    client.get("/actions?q=Step+2")
    with count_queries() as later:
        client.get("/actions")
    assert later.count == first.count
    with count_queries() as later:
        client.get("/actions?q=Step+2")
    assert counts(later) == 1

    monkeypatch.setattr(pages, "FULL_COUNT_KEPT", 60)
    for _ in range(4):
        factories.make_user()
    admin = factories.make_user(is_admin=True)
    administrator = client.application.test_client()
    login(administrator, admin)
    with count_queries() as first:
        assert "more than 3" in administrator.get("/admin/users").get_data(as_text=True)
    with count_queries() as again:
        assert "more than 3" in administrator.get("/admin/users").get_data(as_text=True)
    assert "counted_rows" in " ".join(first.statements) and "counted_rows" not in " ".join(again.statements)


def test_filters(client, world):
    plan = world["plan"]
    factories.make_action(plan, organization=world["ngo"], title="Late one", start_days=-30, due_days=-1)
    factories.make_action(plan, organization=world["ngo"], title="Soon one", start_days=-3, due_days=5)
    factories.make_action(plan, organization=world["ngo"], title="Finished one", status="done", progress=100,
                          start_days=-30, due_days=-10)
    login(client, world["chair"])

    def titles(query):
        text = client.get(f"/actions?{query}").get_data(as_text=True)
        return {t for t in ("Late one", "Soon one", "Finished one", "Registration days") if t in text}

    assert titles("due=overdue") == {"Late one"}
    assert titles("due=soon") == {"Soon one"}
    assert titles("status=done") == {"Finished one"}
    assert titles("status=open") == {"Late one", "Soon one", "Registration days"}
    assert titles("q=soon") == {"Soon one"}
    assert titles(f"organization={world['ngo'].id}&committee={world['committee'].id}") == {
        "Late one", "Soon one", "Finished one", "Registration days"}
    # By area: the responsible organisation works in the area or inside it.
    district = factories.make_area("Seaview District", "district")
    village = factories.make_area("Dovepoint Village", "community", parent=district)
    factories.make_action(plan, organization=factories.make_organization(area=village), title="Village one")
    text = client.get(f"/actions?area={district.id}").get_data(as_text=True)
    assert "Village one" in text and "Late one" not in text


def test_filters_not_understood_are_left_out(client, world):
    factories.make_action(world["plan"], organization=world["ngo"], title="Late one", start_days=-30, due_days=-1)
    login(client, world["chair"])
    response = client.get("/actions?organization=x&plan=-1&committee=99999999999&status=bogus&scope=nope&due=overdue")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Late one" in text and "Registration days" not in text


def test_timeline_marks_overdue_and_today(client, world):
    factories.make_action(world["plan"], organization=world["ngo"], title="Late one", start_days=-30, due_days=-1)
    login(client, world["chair"])
    text = client.get("/actions/timeline").get_data(as_text=True)
    assert '<li class="overdue">' in text and 'class="today"' in text and 'class="bar overdue"' in text


def test_xlsx_export_has_the_filtered_rows(client, world):
    factories.make_action(world["plan"], organization=world["ngo"], title="=HYPERLINK(\"x\")", start_days=-30,
                          due_days=-1)
    login(client, world["chair"])
    response = client.get("/actions/export.xlsx?due=overdue")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("ID", "Action", "Plan")
    assert len(rows) == 2
    assert rows[1][1] == "'=HYPERLINK(\"x\")"  # written as text, never run as a formula
    assert rows[1][4] == "Community Action" and rows[1][11] == "yes"


def test_csv_export(client, world):
    login(client, world["chair"])
    text = client.get("/actions/export.csv").get_data(as_text=True)
    assert text.startswith("\ufeffID,Action,") and "Registration days" in text


@pytest.mark.parametrize("url", ["/actions", "/actions/timeline", "/actions?scope=mine",
                                 "/actions?status=open&due=overdue", "plan"])
def test_action_lists_run_a_fixed_number_of_queries(client, count_queries, world, url):
    url = f"/plans/{world['plan'].id}" if url == "plan" else url
    login(client, world["chair"])
    factories.make_action(world["plan"], focal_person=world["chair"], supporters=[world["ngo"]])
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for n in range(25):
        organization = factories.make_organization()
        factories.make_action(world["plan"], organization=organization, title=f"Action {n}",
                              focal_person=world["chair"] if n % 2 else None, supporters=[world["ngo"]])
    kept.forget_all()  # the pickers' first lists are read again, as on the first view
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many.count == few.count, many.statements[few.count:]


# --- Reminders ------------------------------------------------------------------------------------

def test_reminders_once_a_day_to_the_outbox(app, world):
    factories.make_action(world["plan"], organization=world["ngo"], focal_person=world["focal"], title="Late one",
                          start_days=-30, due_days=-2)
    factories.make_action(world["plan"], organization=world["ngo"], focal_person=world["focal"], title="Soon one",
                          start_days=0, due_days=5)
    factories.make_action(world["plan"], organization=world["ngo"], focal_person=world["focal"], title="Far one",
                          start_days=0, due_days=60)
    with app.test_request_context():
        first = reminders.send_reminders()
        second = reminders.send_reminders()
    assert first["written"] == 1 and second == {"written": 0, "sent": 0, "skipped": 1, "failed": 0}
    message = db.session.scalar(db.select(OutboxMessage))
    assert message.to_address == world["focal"].email and message.sent_at is None
    assert "Late one (2 days late" in message.body and "Soon one (due in 5 days" in message.body
    assert "Far one" not in message.body and "Registration days" not in message.body  # due in 20 days


def test_reminders_by_smtp_when_configured(app, world, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append((host, port))

        def __enter__(self):
            return self

        def __exit__(self, *args):
            return False

        def starttls(self):
            pass

        def login(self, user, password):
            pass

        def send_message(self, message):
            sent.append(message["To"])

    monkeypatch.setattr(reminders.smtplib, "SMTP", FakeSMTP)
    app.config.update(MAIL_SERVER="smtp.example.org", MAIL_PORT=587)
    factories.make_action(world["plan"], organization=world["ngo"], focal_person=world["focal"], due_days=3,
                          start_days=-3)
    with app.test_request_context():
        counts = reminders.send_reminders()
    assert counts["sent"] == 1 and sent == [("smtp.example.org", 587), world["focal"].email]
    assert db.session.scalar(db.select(OutboxMessage)).sent_at is not None


def test_outbox_page(client, app, world):
    admin = factories.make_admin()
    factories.make_action(world["plan"], organization=world["ngo"], focal_person=world["focal"], due_days=-1,
                          start_days=-5)
    with app.test_request_context():
        reminders.send_reminders()
    login(client, admin)
    text = client.get("/admin/outbox").get_data(as_text=True)
    assert "Email is not set up" in text and world["focal"].name in text


def test_send_reminders_command(runner, world):
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0 and "written" in result.output


def test_home_counts_my_open_actions(client, world):
    factories.make_action(world["plan"], organization=world["ngo"], focal_person=world["focal"], title="Late one",
                          start_days=-30, due_days=-2)
    factories.make_action(world["plan"], organization=world["ngo"], focal_person=world["focal"], status="done",
                          progress=100, start_days=-30, due_days=-2)
    login(client, world["focal"])
    text = client.get("/").get_data(as_text=True)
    assert "2 open actions where you are the focal person" in text and "1 overdue" in text
