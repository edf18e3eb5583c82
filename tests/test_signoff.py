"""Signing a group's period off and approving it for the area: the whole table of states, the
lock it puts on the period, conflicts, and the steps through the pages."""
import pytest

from tests import factories
from tests.conftest import login
from tests.test_indicators import THIS_MONTH, entry_url, group, make_indicator, shown, submitted  # noqa: F401
from workspace import edits
from workspace.clock import utcnow
from workspace.extensions import db
from workspace.indicators import services, signoff
from workspace.indicators.owners import Owner
from workspace.models import AuditEvent, IndicatorValue, PeriodSignoff

ALL_STEPS = ("sign_off", "approve", "reopen")
STATES = (signoff.OPEN, "signed_off", "approved")


@pytest.fixture
def world(group):  # noqa: F811
    """The group with a verified month, and the chair of the district committee over it."""
    committee = factories.make_committee("Mapleton Committee", level="district", area=group["district"])
    chair = factories.add_member(committee, role="chair", sector="government")
    value = submitted(group, make_indicator(group["group"]), group["member"])
    services.verify(value, group["verifier"])
    return {**group, "committee": committee, "chair": chair, "value": value}


def put_in_state(world, state: str) -> None:
    db.session.execute(db.delete(PeriodSignoff))
    if state != signoff.OPEN:
        db.session.add(PeriodSignoff(organization_id=world["group"].id, period=THIS_MONTH, state=state,
                                     signed_by_id=world["coordinator"].id, committee_id=world["committee"].id))
    db.session.commit()


def test_the_table_of_states_as_a_whole(app, world):
    """Every step from every state by every kind of person: what STEPS allows happens, exactly."""
    people = {"coordinator": world["coordinator"], "committee": world["chair"], "verifier": world["verifier"]}
    for state in STATES:
        for step in ALL_STEPS:
            for actor, user in people.items():
                put_in_state(world, state)
                record = signoff.signoff_of(world["group"].id, THIS_MONTH)
                stated = edits.Stated(record.version) if record else None
                allowed = STEPS_ALLOWED.get((state, step))
                try:
                    after = signoff.take(world["group"], THIS_MONTH, step, user, stated, reason="Typing error")
                except PermissionError:
                    assert all(who != actor for (_s, each), (_a, who) in signoff.STEPS.items() if each == step)
                    continue
                except services.IndicatorRuleError:
                    db.session.rollback()
                    assert allowed is None or allowed[1] != actor, (state, step, actor)
                    continue
                assert allowed is not None and allowed[1] == actor, (state, step, actor)
                assert (after.state if after else signoff.OPEN) == allowed[0]


STEPS_ALLOWED = {  # written out again by hand: the table in the code must say the same
    (signoff.OPEN, "sign_off"): ("signed_off", "coordinator"),
    ("signed_off", "approve"): ("approved", "committee"),
    ("signed_off", "reopen"): (signoff.OPEN, "coordinator"),
    ("approved", "reopen"): (signoff.OPEN, "committee"),
}


def test_the_table_in_the_code_is_the_one_written_here():
    assert signoff.STEPS == STEPS_ALLOWED


def test_a_period_is_signed_off_only_when_every_value_is_verified(app, world):
    other = submitted(world, make_indicator(world["group"], short_name="Loans repaid"), world["member"])
    with pytest.raises(services.IndicatorRuleError, match="must be verified"):
        signoff.take(world["group"], THIS_MONTH, "sign_off", world["coordinator"], None)
    services.verify(other, world["verifier"])
    assert signoff.take(world["group"], THIS_MONTH, "sign_off", world["coordinator"], None).state == "signed_off"


def test_a_signed_off_period_is_locked_until_reopened_with_a_reason(client, app, world):
    login(client, world["coordinator"])
    group_id = world["group"].id
    url = f"/groups/{group_id}/periods/{THIS_MONTH}/signoff"
    assert "ready to sign off" in client.get(f"/groups/{group_id}").get_data(as_text=True)
    assert client.post(f"{url}/sign_off", data={"version": ""}).status_code == 302
    record = signoff.signoff_of(group_id, THIS_MONTH)
    assert record.state == "signed_off" and record.signed_by_id == world["coordinator"].id
    # Locked: no entry, no return.
    with pytest.raises(services.IndicatorRuleError, match="signed off"):
        services.save_period(Owner(world["group"]), THIS_MONTH, world["member"], [], submit=True)
    with pytest.raises(services.IndicatorRuleError, match="signed off"):
        services.return_value(world["value"], world["verifier"], "Wrong")
    # The committee over the area approves, from the group's page; a second approval from a stale
    # page is a conflict.
    chair = app.test_client()
    login(chair, world["chair"])
    assert f'action="{url}/approve"' in chair.get(f"/groups/{group_id}").get_data(as_text=True)
    assert chair.post(f"{url}/approve", data={"version": record.version}).status_code == 302
    db.session.refresh(record)
    assert (record.state, record.committee_id) == ("approved", world["committee"].id)
    assert chair.post(f"{url}/reopen", data={"version": "1", "reason": "Again"}).status_code == 409
    assert "Approved for the area by Mapleton Committee" in client.get(f"/groups/{group_id}").get_data(as_text=True)
    # The coordinator may not reopen an approved period; the committee may, with a reason.
    assert client.post(f"{url}/reopen", data={"version": record.version, "reason": "Typo"}).status_code == 302
    assert signoff.signoff_of(group_id, THIS_MONTH) is not None
    chair.post(f"{url}/reopen", data={"version": record.version, "reason": ""})
    assert signoff.signoff_of(group_id, THIS_MONTH) is not None
    chair.post(f"{url}/reopen", data={"version": record.version, "reason": "The book had a typing error"})
    assert signoff.signoff_of(group_id, THIS_MONTH) is None
    reopened = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "reopen"))
    assert "The book had a typing error" in str(reopened.before)
    # Its values went back to the group with the reason, to correct and submit again.
    value = db.session.get(IndicatorValue, world["value"].id)
    assert (value.state, value.return_reason) == ("returned", "The book had a typing error")
    assert "The book had a typing error" in client.get(entry_url(world)).get_data(as_text=True)


def test_whoever_signed_a_period_off_does_not_approve_it(app, world):
    secretary = world["coordinator"]  # the coordinator is also the committee's secretary
    factories.add_member(world["committee"], user=secretary, role="secretary")
    record = signoff.take(world["group"], THIS_MONTH, "sign_off", secretary, None)
    with pytest.raises(services.IndicatorRuleError, match="someone else on the committee"):
        signoff.take(world["group"], THIS_MONTH, "approve", secretary, edits.Stated(record.version))
    db.session.rollback()
    assert signoff.take(world["group"], THIS_MONTH, "approve", world["chair"],
                        edits.Stated(record.version)).state == "approved"


def test_bad_periods_and_outsiders(client, world):
    login(client, world["verifier"])
    group_id = world["group"].id
    assert client.post(f"/groups/{group_id}/periods/not-a-period/signoff/sign_off").status_code == 404
    assert client.post(f"/groups/{group_id}/periods/{THIS_MONTH}/signoff/sign_off").status_code == 403
    assert client.post(f"/groups/{group_id}/periods/{THIS_MONTH}/signoff/delete").status_code == 404
    assert signoff.signoff_of(group_id, THIS_MONTH) is None


# --- The committee's view of who has reported --------------------------------------------------------

def test_the_committee_sees_which_groups_have_reported_in_fixed_queries(client, world, count_queries):
    from workspace.indicators import periods

    month = THIS_MONTH
    url = f"/committees/{world['committee'].id}/reporting?period={month}"
    quiet = factories.make_organization("Quiet Mothers' Group", kind="community_group", area=world["group"].area)
    make_indicator(quiet, short_name="Clinic visits")
    login(client, world["chair"])
    page = client.get(url).get_data(as_text=True)
    assert "Kanta Savings Group" in page and "Verified: to be signed off" in page
    assert "Quiet Mothers&#39; Group" in page and "Not reported" in page
    signoff.take(world["group"], month, "sign_off", world["coordinator"], None)
    assert "Signed off: to be approved" in client.get(url).get_data(as_text=True)
    with count_queries() as few:
        client.get(url)
    for n in range(30):  # more groups, indicators and values: not more queries
        group = factories.make_organization(f"Group {n}", kind="community_group", area=world["group"].area)
        submitted(world, make_indicator(group, short_name=f"Indicator {n}"), world["member"])
    with count_queries() as many:
        assert "Waiting for verification" in client.get(f"{url}&page=1").get_data(as_text=True)
    assert many.count == few.count
    # Another period, and one that is not a period at all (the last month then).
    assert client.get(f"/committees/{world['committee'].id}/reporting?period=2026-Q1").status_code == 200
    fallback = client.get(f"/committees/{world['committee'].id}/reporting?period=soon").get_data(as_text=True)
    last_month = periods.shift(periods.period_of(utcnow().date(), "monthly"), -1)
    assert f'value="{last_month}" selected' in fallback


def test_the_national_committee_sees_every_group_by_name(client, world, count_queries):
    """The national area holds every area: its committee's view reads the groups without the
    lineage, and pages them by name as the others do."""
    national = factories.make_committee("National Committee", level="national")
    chair = factories.add_member(national, role="chair", sector="government")
    factories.make_organization("Aloe Youth Group", kind="community_group", area=world["group"].area)
    factories.make_organization("Ministry of Health", kind="government", area=world["group"].area)
    login(client, chair)
    url = f"/committees/{national.id}/reporting?period={THIS_MONTH}"
    with count_queries() as counter:
        page = client.get(url).get_data(as_text=True)
    assert page.index("Aloe Youth Group") < page.index("Kanta Savings Group")
    assert "Verified: to be signed off" in page and "Ministry of Health" not in page
    for n in range(30):
        factories.make_organization(f"Zebu Group {n:02}", kind="community_group", area=world["group"].area)
    first, second = client.get(url).get_data(as_text=True), client.get(f"{url}&page=2").get_data(as_text=True)
    assert "Zebu Group 22" in first and "Zebu Group 23" not in first and "Zebu Group 23" in second
    with count_queries() as more:
        client.get(url)
    assert more.count == counter.count


def test_the_digest_chases_the_period_a_group_has_not_sent(app, group):  # noqa: F811
    from datetime import date, datetime

    from workspace.actions import reminders
    from workspace.models import OutboxMessage

    adopted_long_ago = datetime(2025, 1, 1)
    saved = make_indicator(group["group"], short_name="Weekly savers", created_at=adopted_long_ago)
    make_indicator(group["group"], short_name="Loans repaid", created_at=adopted_long_ago)
    returned = make_indicator(group["group"], short_name="Meetings held", created_at=adopted_long_ago)
    make_indicator(group["group"], short_name="Adopted in November", created_at=datetime(2026, 11, 2))
    make_indicator(group["group"], short_name="Still proposed", status="proposed", created_at=adopted_long_ago)
    make_indicator(group["group"], short_name="Every quarter", frequency="quarterly", created_at=adopted_long_ago)
    db.session.add_all([
        IndicatorValue(indicator=saved, period="2026-10", value=4, state="submitted", entered_by_id=group["member"].id),
        IndicatorValue(indicator=returned, period="2026-10", value=1, state="returned", return_reason="Count again",
                       entered_by_id=group["member"].id)])
    db.session.commit()
    with app.test_request_context():
        reminders.send_reminders(date(2026, 11, 10))
    messages = {m.recipient_id: m for m in db.session.scalars(db.select(OutboxMessage))}
    assert set(messages) == {group["coordinator"].id, group["member"].id}  # the group's people, not its verifier
    body = messages[group["member"].id].body
    assert "Data not yet sent:" in body and "Kanta Savings Group, October 2026: Loans repaid, Meetings held" in body
    assert f"/groups/{group['group'].id}/periods/2026-10" in body
    for not_chased in ("Weekly savers", "Adopted in November", "Still proposed", "Every quarter", "Q3"):
        assert not_chased not in body
    assert messages[group["member"].id].subject == "Workspace: data for October 2026 not yet sent"
    assert "Post an update" not in body  # no actions to update
    db.session.execute(db.delete(OutboxMessage))
    db.session.commit()
    # The quarter that ended on 1 October is chased in October; by 10 November it is the committee's to chase.
    with app.test_request_context():
        reminders.send_reminders(date(2026, 10, 20))
    assert "Q3 2026: Every quarter" in db.session.scalar(db.select(OutboxMessage.body).limit(1))


def test_the_chart_the_table_and_the_committee_say_which_figures_are_approved(client, world):
    indicator_url = f"/indicators/{world['value'].indicator_id}"
    committee_url = f"/committees/{world['committee'].id}/indicators"
    login(client, world["chair"])
    page = client.get(indicator_url).get_data(as_text=True)
    assert " approved" not in page and "Approved for the area" not in page
    record = signoff.take(world["group"], THIS_MONTH, "sign_off", world["coordinator"], None)
    assert "Signed off by the group" in client.get(indicator_url).get_data(as_text=True)
    assert "Signed off by the group" in client.get(committee_url).get_data(as_text=True)
    signoff.take(world["group"], THIS_MONTH, "approve", world["chair"], edits.Stated(record.version))
    page = client.get(indicator_url).get_data(as_text=True)
    assert 'class="point off_track verified approved"' in page  # 12 against a target of 20
    assert ", approved</title>" in page
    assert page.count("Approved for the area") == 2  # the legend and the period's row
    assert "Approved for the area" in client.get(committee_url).get_data(as_text=True)
