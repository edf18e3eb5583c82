"""Community indicators: periods, value rules, definition and wording versions, entry with
splits and jumps, verification (never by the one who entered), charts, CSV in and out, the
committee's view, raising to the agenda, and query counts."""
import io
from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from workspace.clock import utcnow
from workspace.extensions import db
from workspace import edits
from workspace.indicators import chart, periods, services, values
from workspace.indicators.owners import Owner
from workspace.models import AgendaItem, AuditEvent, GroupRole, Indicator, IndicatorValue, IndicatorWording
from tests import factories
from tests.conftest import login


@pytest.fixture
def group(app):
    """A savings group with a coordinator and a member, and an NGO verifier."""
    district = factories.make_area("Mapleton District", "district")
    village = factories.make_area("Kanta Village", "community", parent=district)
    group = factories.make_organization("Kanta Savings Group", kind="community_group", area=village)
    coordinator = factories.make_user(name="Mariam", organization=group)
    member = factories.make_user(name="Nasima", organization=group)
    verifier = factories.make_user(name="Grace", sector="ngo")
    db.session.add_all([GroupRole(organization=group, user=coordinator, role="coordinator"),
                        GroupRole(organization=group, user=verifier, role="verifier")])
    db.session.commit()
    return {"group": group, "coordinator": coordinator, "member": member, "verifier": verifier,
            "district": district}


def make_indicator(group, **fields):
    defaults = {"short_name": "Weekly savers", "question": "How many of us saved every week?", "unit": "count",
                "frequency": "monthly", "status": "adopted", "target": 20, "dimensions": []}
    indicator = Indicator(organization=group, **{**defaults, **fields})
    db.session.add(indicator)
    db.session.commit()
    return indicator


THIS_MONTH = periods.period_of(utcnow().date(), "monthly")
LAST_MONTH = periods.previous(THIS_MONTH)


# --- Periods and values --------------------------------------------------------------------------

def test_periods():
    assert periods.period_of(date(2026, 11, 23), "monthly") == "2026-11"
    assert periods.period_of(date(2026, 11, 23), "quarterly") == "2026-Q4"
    assert periods.period_of(date(2026, 11, 23), "yearly") == "2026"
    assert periods.previous("2026-01") == "2025-12" and periods.previous("2026-Q1") == "2025-Q4"
    assert [periods.last_month(p) for p in ("2026-11", "2026-Q3", "2026")] == [(2026, 11), (2026, 9), (2026, 12)]
    assert periods.last_periods("quarterly", date(2026, 2, 1), 3) == ["2025-Q3", "2025-Q4", "2026-Q1"]
    assert periods.belongs("2026-Q4", "quarterly") and not periods.belongs("2026-13", "monthly")
    assert not periods.belongs("2026-11", "yearly")


@pytest.mark.parametrize("unit, raw, message", [
    ("count", "many", "Type a number."),
    ("count", "2.5", "A count is a whole number"),
    ("count", "-1", "A count is a whole number"),
    ("percent", "140", "A percentage is between 0 and 100."),
    ("score", "7", "A score is 1, 2, 3, 4 or 5."),
    ("score", "2.5", "A score is 1, 2, 3, 4 or 5."),
    ("yes_no", "maybe", "Answer yes or no."),
])
def test_values_are_checked_by_unit(app, unit, raw, message):
    with pytest.raises(ValueError, match=message):
        values.parse(unit, raw)


def test_judging_by_direction_with_a_margin(app):
    higher = Indicator(target=100, direction="higher")
    lower = Indicator(target=10, direction="lower")
    assert values.judge(higher, 85).status == "on_track" and values.judge(higher, 84).status == "off_track"
    assert values.judge(lower, 11.5).status == "on_track" and values.judge(lower, 12).status == "off_track"
    assert values.judge(higher, None).status == "no_data"


# --- Defining together ---------------------------------------------------------------------------

def test_member_proposes_coordinator_adopts(client, app, group):
    login(client, group["member"])
    response = client.post(f"/groups/{group['group'].id}/indicators/new", data={
        "question": "How many of our children went to school every day?", "short_name": "Children in school",
        "unit": "count", "direction": "higher", "frequency": "monthly", "target": "40", "dimensions": ["sex"]})
    assert response.status_code == 302
    indicator = db.session.scalar(db.select(Indicator))
    assert indicator.status == "proposed" and indicator.dimensions == ["sex"]
    # Members cannot adopt; the coordinator can.
    assert client.post(f"/indicators/{indicator.id}/adopt").status_code == 403
    coordinator = app.test_client()
    login(coordinator, group["coordinator"])
    coordinator.post(f"/indicators/{indicator.id}/adopt")
    assert db.session.get(Indicator, indicator.id).status == "adopted"


@pytest.mark.parametrize("data, message", [
    ({"baseline_value": "12"}, "Give the date of the baseline."),
    ({"unit": "percent", "target": "140"}, "A percentage is between 0 and 100."),
    ({"unit": "score", "target": "7"}, "A score is 1, 2, 3, 4 or 5."),
    ({"unit": "percent", "dimensions": ["sex"]}, "Only a count can be split"),
    ({"question": ""}, "This field is required."),
])
def test_bad_definitions_save_nothing(client, group, data, message):
    login(client, group["member"])
    form = {"question": "How many?", "short_name": "Count", "unit": "count", "direction": "higher",
            "frequency": "monthly", **data}
    response = client.post(f"/groups/{group['group'].id}/indicators/new", data=form)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Indicator)) == 0


def test_new_wording_keeps_the_old_one_on_old_values(client, group):
    indicator = make_indicator(group["group"])
    db.session.add(IndicatorValue(indicator=indicator, period=LAST_MONTH, value=12, state="verified"))
    db.session.commit()
    services.update(indicator, edits.Stated(indicator.version), question="How many of us put money in the box every week?")
    indicator = db.session.get(Indicator, indicator.id)
    assert indicator.wording_version == 2
    old = db.session.scalar(db.select(IndicatorWording))
    assert old.version == 1 and old.question == "How many of us saved every week?"
    login(client, group["member"])
    text = client.get(f"/indicators/{indicator.id}").get_data(as_text=True)
    assert "Asked as" in text and "How many of us saved every week?" in text
    with pytest.raises(services.IndicatorRuleError, match="cannot change once data exists"):
        services.update(indicator, edits.Stated(indicator.version), unit="percent")


# --- Entering a period ---------------------------------------------------------------------------

def entry_url(group, period=THIS_MONTH):
    return f"/groups/{group['group'].id}/periods/{period}"


def test_split_values_and_their_total(client, group):
    indicator = make_indicator(group["group"], dimensions=["sex"], target=40)
    login(client, group["member"])
    response = client.post(entry_url(group), data={f"v_{indicator.id}_0": "18", f"v_{indicator.id}_1": "17",
                                                   "submit": "1"})
    assert response.status_code == 302
    saved = {v.cell: (v.value, v.state) for v in db.session.scalars(db.select(IndicatorValue))}
    assert saved == {"sex=female": (18, "submitted"), "sex=male": (17, "submitted"), "": (35, "submitted")}
    check = client.post(f"{entry_url(group)}/check/{indicator.id}",
                        data={f"v_{indicator.id}_0": "20", f"v_{indicator.id}_1": "22"})
    assert "Total" in check.get_data(as_text=True) and "42" in check.get_data(as_text=True)


def test_a_split_must_be_filled_whole(client, group):
    indicator = make_indicator(group["group"], dimensions=["sex"])
    login(client, group["member"])
    response = client.post(entry_url(group), data={f"v_{indicator.id}_0": "18", "submit": "1"})
    assert response.status_code == 422 and "Fill every box of the split" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(IndicatorValue)) == 0


@pytest.mark.parametrize("unit, raw, message", [
    ("count", "lots", "Type a number."),
    ("percent", "140", "A percentage is between 0 and 100."),
    ("score", "7", "A score is 1, 2, 3, 4 or 5."),
])
def test_bad_values_are_refused_as_typed_and_on_save(client, group, unit, raw, message):
    indicator = make_indicator(group["group"], unit=unit, target=None)
    login(client, group["member"])
    check = client.post(f"{entry_url(group)}/check/{indicator.id}", data={f"v_{indicator.id}_0": raw},
                        headers={"HX-Request": "true"})
    assert message in check.get_data(as_text=True) and "<html" not in check.get_data(as_text=True)
    response = client.post(entry_url(group), data={f"v_{indicator.id}_0": raw, "submit": "1"})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(IndicatorValue)) == 0


def test_a_big_jump_asks_for_an_explanation(client, group):
    indicator = make_indicator(group["group"])
    db.session.add(IndicatorValue(indicator=indicator, period=LAST_MONTH, value=20, state="verified"))
    db.session.commit()
    login(client, group["member"])
    check = client.post(f"{entry_url(group)}/check/{indicator.id}", data={f"v_{indicator.id}_0": "45"})
    assert "big change from last period (20)" in check.get_data(as_text=True)
    response = client.post(entry_url(group), data={f"v_{indicator.id}_0": "45", "submit": "1"})
    assert response.status_code == 422 and "Say in a few words why" in response.get_data(as_text=True)
    response = client.post(entry_url(group), data={f"v_{indicator.id}_0": "45", "submit": "1",
                                                   f"explanation_{indicator.id}": "Harvest money"})
    assert response.status_code == 302
    value = db.session.scalar(db.select(IndicatorValue).where(IndicatorValue.period == THIS_MONTH))
    assert (value.value, value.explanation, value.state) == (45, "Harvest money", "submitted")


def test_drafts_then_submit_and_submitted_values_are_locked(client, group):
    indicator = make_indicator(group["group"])
    login(client, group["member"])
    client.post(entry_url(group), data={f"v_{indicator.id}_0": "12", "draft": "1"})
    assert db.session.scalar(db.select(IndicatorValue)).state == "draft"
    client.post(entry_url(group), data={f"v_{indicator.id}_0": "13", "submit": "1"})
    value = db.session.scalar(db.select(IndicatorValue))
    assert (value.value, value.state) == (13, "submitted")
    # Only an entry kept offline posts a value for a locked indicator: it is told, not dropped.
    refused = client.post(entry_url(group), data={f"v_{indicator.id}_0": "99", "submit": "1"})
    assert refused.status_code == 422 and "submitted meanwhile" in refused.get_data(as_text=True)
    assert db.session.scalar(db.select(IndicatorValue)).value == 13
    # The same value sent twice (an answer lost on the way) is no change.
    assert client.post(entry_url(group), data={f"v_{indicator.id}_0": "13", "submit": "1"}).status_code == 302


def test_a_period_of_another_frequency_is_refused(app, group):
    indicator = make_indicator(group["group"], frequency="quarterly")
    with pytest.raises(services.IndicatorRuleError, match="is not a period of"):
        services.save_period(Owner(group["group"]), THIS_MONTH, group["member"],
                             [services.Entry(indicator, {"": 3.0})], submit=False)
    assert db.session.scalar(db.select(db.func.count()).select_from(IndicatorValue)) == 0


def test_one_value_per_cell_in_the_database(app, group):
    indicator = make_indicator(group["group"])
    db.session.add_all([IndicatorValue(indicator=indicator, period=THIS_MONTH, value=1),
                        IndicatorValue(indicator=indicator, period=THIS_MONTH, value=2)])
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_two_people_entering_the_same_cell(app, client, group):
    """The second save, made from a page loaded before the first, is told and changes nothing."""
    indicator = make_indicator(group["group"])
    coordinator = app.test_client()
    login(client, group["member"])
    login(coordinator, group["coordinator"])
    client.get(entry_url(group))
    coordinator.get(entry_url(group))
    assert client.post(entry_url(group), data={f"v_{indicator.id}_0": "12", "draft": "1",
                                               f"version_{indicator.id}_0": ""}).status_code == 302
    # The coordinator's page knew no value yet: theirs and the saved one are shown, nothing overwritten.
    response = coordinator.post(entry_url(group), data={f"v_{indicator.id}_0": "15", "draft": "1",
                                                        f"version_{indicator.id}_0": ""})
    assert response.status_code == 409 and "15" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(IndicatorValue)).value == 12
    # A page that saw version 1 of the value, after someone saved version 2, is refused.
    client.post(entry_url(group), data={f"v_{indicator.id}_0": "14", "draft": "1", f"version_{indicator.id}_0": "1"})
    current = db.session.scalar(db.select(IndicatorValue))
    stale = client.post(entry_url(group), data={f"v_{indicator.id}_0": "99", "draft": "1",
                                                f"version_{indicator.id}_0": "1"})
    assert stale.status_code == 409 and "Not saved" in stale.get_data(as_text=True)
    assert db.session.scalar(db.select(IndicatorValue)).value == current.value


# --- Verification ---------------------------------------------------------------------------------

def shown(value) -> str:
    """The stamp the verify queue gives a value's period."""
    return services.period_stamp(services.period_values(value.indicator_id, value.period))


def test_a_period_stamp_is_the_fingerprint_of_its_values_and_versions():
    """period_stamp() writes out the text edits.digest() makes of (id, version) pairs: a stamp is
    the same whichever of the two made it, so a page shown before a release is still decided."""
    from types import SimpleNamespace

    for pairs in ([], [(7, 1)], [(12, 3), (5, 100), (1_000_000, 2)]):
        rows = [SimpleNamespace(id=value_id, version=version) for value_id, version in pairs]
        seen = sorted(pairs)
        assert services.period_stamp(rows) == f"{sum(v for _i, v in seen)}:values={edits.digest(seen)}"


def submitted(group, indicator, entered_by, value=12):
    row = IndicatorValue(indicator=indicator, period=THIS_MONTH, value=value, state="submitted",
                         entered_by_id=entered_by.id)
    db.session.add(row)
    db.session.commit()
    return row


def test_verifier_returns_and_verifies(client, app, group):
    indicator = make_indicator(group["group"])
    value = submitted(group, indicator, group["member"])
    login(client, group["verifier"])
    client.post(f"/values/{value.id}/return", data={"reason": "The book shows 11", "version": shown(value)})
    value = db.session.get(IndicatorValue, value.id)
    assert (value.state, value.return_reason) == ("returned", "The book shows 11")
    member = app.test_client()
    login(member, group["member"])
    assert "The book shows 11" in member.get(entry_url(group)).get_data(as_text=True)
    member.post(entry_url(group), data={f"v_{indicator.id}_0": "11", "submit": "1",
                                        f"version_{indicator.id}_0": str(value.version)})
    value = db.session.get(IndicatorValue, value.id)
    assert (value.value, value.state, value.return_reason) == (11, "submitted", "")
    client.post(f"/values/{value.id}/verify", data={"version": shown(value)})
    value = db.session.get(IndicatorValue, value.id)
    assert value.state == "verified" and value.verified_by_id == group["verifier"].id
    actions = [e.action for e in db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.entity_type == "IndicatorValue").order_by(AuditEvent.id))]
    assert actions == ["return", "submit", "verify"]


def test_nobody_verifies_their_own_value(app, group):
    indicator = make_indicator(group["group"])
    value = submitted(group, indicator, group["verifier"])  # say the verifier typed it in
    with pytest.raises(services.IndicatorRuleError, match="someone else must verify"):
        services.verify(value, group["verifier"])
    # And the database says the same.
    value.state, value.verified_by_id = "verified", group["verifier"].id
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_return_needs_a_reason(client, group):
    value = submitted(group, make_indicator(group["group"]), group["member"])
    login(client, group["verifier"])
    client.post(f"/values/{value.id}/return", data={"reason": "", "version": shown(value)})
    assert db.session.get(IndicatorValue, value.id).state == "submitted"


def test_the_queue_shows_the_last_total_and_the_period_s_own_target(client, group):
    from workspace.models import IndicatorTarget

    indicator = make_indicator(group["group"], target=40)
    db.session.add_all([IndicatorValue(indicator=indicator, period=LAST_MONTH, value=31, state="verified"),
                        IndicatorTarget(indicator_id=indicator.id, period=THIS_MONTH, target=45)])
    db.session.commit()
    submitted(group, indicator, group["member"], value=33)
    login(client, group["verifier"])
    queue = client.get(f"/groups/{group['group'].id}/verify").get_data(as_text=True)
    assert "<dd>31</dd>" in queue and "<dd>45</dd>" in queue and "<dd>40</dd>" not in queue
    db.session.execute(db.delete(IndicatorTarget))
    db.session.commit()
    assert "<dd>40</dd>" in client.get(f"/groups/{group['group'].id}/verify").get_data(as_text=True)


def test_the_queue_shows_what_came_with_a_value_and_no_decision_on_ones_own(client, group):
    """An item shows who entered it, the means of verification, the comment and why it changed;
    a value the verifier entered shows a note instead of the forms that decide it."""
    theirs = make_indicator(group["group"], short_name="Savers", verification="The <record> book")
    own = make_indicator(group["group"], short_name="Loans")
    value = submitted(group, theirs, group["member"])
    value.comment, value.explanation = "Two were ill", "More joined & saved"
    submitted(group, own, group["verifier"])
    db.session.commit()
    login(client, group["verifier"])
    queue = client.get(f"/groups/{group['group'].id}/verify").get_data(as_text=True)
    assert "entered by Nasima" in queue and "check against: The &lt;record&gt; book" in queue
    assert '<p dir="auto">Two were ill</p>' in queue and "Why it changed:</strong> More joined &amp; saved" in queue
    assert queue.count('name="reason"') == 1 and "someone else verifies it" in queue


def test_a_split_period_is_decided_whole_and_listed_once(client, app, group):
    indicator = make_indicator(group["group"], dimensions=["sex"], target=40)
    member = app.test_client()
    login(member, group["member"])
    member.post(entry_url(group), data={f"v_{indicator.id}_0": "18", f"v_{indicator.id}_1": "17", "submit": "1"})
    login(client, group["verifier"])
    queue = client.get(f"/groups/{group['group'].id}/verify").get_data(as_text=True)
    assert queue.count('class="proposal"') == 1, "the total and its split are one decision"
    assert "1 indicator period waits" in queue and "Female" in queue and "35" in queue
    total = db.session.scalar(db.select(IndicatorValue).where(IndicatorValue.cell == ""))
    # Returned: all of it goes back, and the member corrects the split.
    client.post(f"/values/{total.id}/return", data={"reason": "Count the women again", "version": shown(total)})
    states = {v.cell: (v.state, v.return_reason) for v in db.session.scalars(db.select(IndicatorValue))}
    assert set(states.values()) == {("returned", "Count the women again")} and len(states) == 3
    assert "Count the women again" in member.get(entry_url(group)).get_data(as_text=True)
    versions = {v.cell: v.version for v in db.session.scalars(db.select(IndicatorValue))}
    response = member.post(entry_url(group), data={
        f"v_{indicator.id}_0": "16", f"v_{indicator.id}_1": "17", "submit": "1",
        f"version_{indicator.id}_0": versions["sex=female"], f"version_{indicator.id}_1": versions["sex=male"]})
    assert response.status_code == 302
    saved = {v.cell: (v.value, v.state) for v in db.session.scalars(db.select(IndicatorValue))}
    assert saved == {"sex=female": (16, "submitted"), "sex=male": (17, "submitted"), "": (33, "submitted")}
    # Verified: all of it, by one decision on the period as shown.
    total = db.session.scalar(db.select(IndicatorValue).where(IndicatorValue.cell == ""))
    client.post(f"/values/{total.id}/verify", data={"version": shown(total)})
    assert {v.state for v in db.session.scalars(db.select(IndicatorValue))} == {"verified"}


def test_a_period_corrected_after_it_was_shown_is_not_decided_unseen(client, group):
    indicator = make_indicator(group["group"], dimensions=["sex"])
    for cell, number in (("", 3), ("sex=female", 1), ("sex=male", 2)):
        db.session.add(IndicatorValue(indicator=indicator, period=THIS_MONTH, cell=cell, value=number,
                                      state="submitted", entered_by_id=group["member"].id))
    db.session.commit()
    total = db.session.scalar(db.select(IndicatorValue).where(IndicatorValue.cell == ""))
    stamp = shown(total)
    female = db.session.scalar(db.select(IndicatorValue).where(IndicatorValue.cell == "sex=female"))
    female.value = 5  # corrected by the group after the queue was shown (a new version)
    db.session.commit()
    login(client, group["verifier"])
    response = client.post(f"/values/{total.id}/verify", data={"version": stamp})
    assert response.status_code == 409
    refused = client.post(f"/values/{total.id}/verify", data={}, follow_redirects=True)  # no stamp: nothing decided
    assert "does not say which version" in refused.get_data(as_text=True)
    assert {v.state for v in db.session.scalars(db.select(IndicatorValue))} == {"submitted"}


def test_verify_all_of_a_period_is_all_or_none(client, group):
    first = submitted(group, make_indicator(group["group"]), group["member"])
    second = submitted(group, make_indicator(group["group"], short_name="Loans repaid"), group["member"])
    login(client, group["verifier"])
    queue = client.get(f"/groups/{group['group'].id}/verify").get_data(as_text=True)
    assert "Verify all 2 of" in queue
    url = f"/groups/{group['group'].id}/verify/all"
    stale = {f"decide-{first.id}": shown(first), f"decide-{second.id}": "1:values=0"}
    assert client.post(url, data=stale).status_code == 409
    assert {v.state for v in db.session.scalars(db.select(IndicatorValue))} == {"submitted"}
    assert client.post(url, data={"decide-99999999999": "1:values=0"}).status_code == 302  # no value: nothing
    response = client.post(url, data={f"decide-{first.id}": shown(first), f"decide-{second.id}": shown(second)})
    assert response.status_code == 302
    assert {v.state for v in db.session.scalars(db.select(IndicatorValue))} == {"verified"}
    # Another group's value cannot be slipped in.
    other = factories.make_organization(kind="community_group")
    outsider = submitted(group, make_indicator(other, short_name="Elsewhere"), group["member"])
    assert client.post(url, data={f"decide-{outsider.id}": shown(outsider)}).status_code in (403, 404)
    assert db.session.get(IndicatorValue, outsider.id).state == "submitted"


# --- Results, the committee, the agenda ----------------------------------------------------------

def test_chart_shows_values_target_and_baseline(client, group):
    indicator = make_indicator(group["group"], baseline_value=10, baseline_date=date(2026, 1, 1))
    for n, period in enumerate(periods.last_periods("monthly", utcnow().date(), 3)):
        db.session.add(IndicatorValue(indicator=indicator, period=period, value=10 + n * 5, state="verified"))
    db.session.commit()
    login(client, group["member"])
    text = client.get(f"/indicators/{indicator.id}").get_data(as_text=True)
    assert text.count('class="point') == 3 and 'class="target"' in text and 'class="baseline"' in text
    year, month = map(int, THIS_MONTH.split("-"))
    assert f"{date(year, month, 1):%b %Y}: 20" in text  # the point's title: the month, short
    # The chart's text alternative: every figure in the table, one link away.
    assert '<a href="#values">Every figure in a table</a>' in text and '<h2 id="values">' in text


@pytest.mark.parametrize("unit, largest, top, tick", [
    ("count", 35.3625, 40, 10), ("count", 96, 100, 20), ("count", 1234.5, 1500, 500), ("count", 0.3, 1, 0.2),
    ("percent", 12, 100, 20), ("score", 3, 5, 1), ("yes_no", 1, 1, 1),
])
def test_chart_ticks_are_round_steps(unit, largest, top, tick):
    assert chart.axis(unit, largest) == (pytest.approx(top), pytest.approx(tick))


def test_chart_tick_labels_fit_beside_the_axis(app):
    with app.test_request_context():
        small = chart.build(Indicator(id=1, unit="count", direction="higher", target=None, baseline_value=None),
                            [("2026-01", 35.3625, "verified")], {})
        large = chart.build(Indicator(id=2, unit="count", direction="higher", target=None, baseline_value=None),
                            [("2026-01", 123456.0, "verified")], {})
    assert [label for _y, label in small.ticks] == ["0", "10", "20", "30", "40"]
    assert [label for _y, label in large.ticks][-1] == "150,000"
    assert large.left >= chart.CHAR_WIDTH * len("150,000") and large.left > small.left
    assert large.points[0].x > large.left  # the plot starts after the labels


@pytest.mark.parametrize("months", [2, 8, 13, 60])
def test_chart_period_names_do_not_run_into_each_other(app, months):
    series = [(periods.shift("2026-12", -n), 10.0, "verified") for n in range(months - 1, -1, -1)]
    with app.test_request_context():
        drawn = chart.build(Indicator(id=1, unit="count", direction="higher", target=None, baseline_value=None),
                            series, {})
    xs = [x for x, _name in drawn.labels]
    widest = max(len(name) for _x, name in drawn.labels) * chart.CHAR_WIDTH
    assert 1 <= len(drawn.labels) <= chart.MOST_LABELS and drawn.labels[-1][1] == "Dec 2026"
    assert all(later - earlier >= 1.5 * widest for earlier, later in zip(xs, xs[1:]))


def test_committee_sees_off_track_indicators_in_its_area_and_raises_one(client, group):
    committee = factories.make_committee("Mapleton Committee", level="district", area=group["district"])
    chair = factories.add_member(committee, role="chair")
    meeting = factories.make_meeting(committee)
    late = make_indicator(group["group"], short_name="Weekly savers", target=20)
    fine = make_indicator(group["group"], short_name="Children in school", target=10)
    db.session.add_all([IndicatorValue(indicator=late, period=THIS_MONTH, value=5, state="verified"),
                        IndicatorValue(indicator=fine, period=THIS_MONTH, value=10, state="verified")])
    db.session.commit()
    login(client, chair)
    text = client.get(f"/committees/{committee.id}/indicators").get_data(as_text=True)
    assert text.index("Weekly savers") < text.index("Children in school") and "Off track" in text
    assert client.get(f"/indicators/{late.id}").status_code == 200  # the committee reads the group's results
    response = client.post(f"/indicators/{late.id}/raise", data={"committee": committee.id})
    assert response.status_code == 302
    item = db.session.scalar(db.select(AgendaItem).where(AgendaItem.origin_type == "indicator"))
    assert item.origin_id == late.id and item.status == "proposed" and "Weekly savers" in item.title
    assert f"/indicators/{late.id}" in client.get(f"/committees/{committee.id}/proposals").get_data(as_text=True)
    assert meeting.id


def test_outsiders_do_not_see_a_group(client, group):
    outsider = factories.make_user(sector="government")
    login(client, outsider)
    assert client.get(f"/groups/{group['group'].id}").status_code == 404
    assert group["group"].name not in client.get("/groups").get_data(as_text=True)


# --- CSV ----------------------------------------------------------------------------------------

def upload(client, group, content: bytes):
    return client.post(f"{entry_url(group)}/import", data={"file": (io.BytesIO(content), "values.csv")},
                       content_type="multipart/form-data")


def test_csv_import_all_or_nothing_with_a_report(client, group):
    indicator = make_indicator(group["group"], dimensions=["sex"])
    login(client, group["member"])
    bad = f"indicator_id,cell,value\n{indicator.id},sex=female,12\n{indicator.id},sex=male,many\n".encode()
    response = upload(client, group, bad)
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and "Type a number." in text and "✓" in text
    assert db.session.scalar(db.select(db.func.count()).select_from(IndicatorValue)) == 0
    good = f"indicator_id,cell,value\n{indicator.id},sex=female,12\n{indicator.id},sex=male,10\n".encode()
    assert upload(client, group, good).status_code == 302
    totals = {v.cell: v.value for v in db.session.scalars(db.select(IndicatorValue))}
    assert totals[""] == 22 and all(v.state == "draft" for v in db.session.scalars(db.select(IndicatorValue)))


def test_csv_import_refuses_a_missing_column_and_a_wrong_encoding(client, group):
    indicator = make_indicator(group["group"])
    login(client, group["member"])
    response = upload(client, group, f"indicator_id,value\n{indicator.id},3\n".encode())
    assert response.status_code == 422 and "lacks the columns: cell" in response.get_data(as_text=True)
    response = upload(client, group, "indicator_id,cell,value\n1,,caf\xe9\n".encode("latin-1"))
    assert response.status_code == 422 and "not UTF-8" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(IndicatorValue)) == 0


def test_csv_export(client, group):
    indicator = make_indicator(group["group"])
    submitted(group, indicator, group["member"])
    login(client, group["verifier"])
    text = client.get(f"/groups/{group['group'].id}/values.csv").get_data(as_text=True)
    assert "indicator_id,indicator,period,cell" in text and f"{THIS_MONTH},,Total,12,submitted" in text


# --- Query counts --------------------------------------------------------------------------------

def test_entry_page_and_five_years_of_chart_run_fixed_queries(client, count_queries, group):
    first = make_indicator(group["group"], dimensions=["sex", "age"])
    login(client, group["member"])
    with count_queries() as few_entry:
        client.get(entry_url(group))
    with count_queries() as few_chart:
        client.get(f"/indicators/{first.id}")
    for n in range(8):
        make_indicator(group["group"], short_name=f"Indicator {n}")
    for period in periods.last_periods("monthly", utcnow().date(), 60):
        db.session.add(IndicatorValue(indicator=first, period=period, value=30, state="verified"))
    db.session.commit()
    with count_queries() as many_entry:
        assert client.get(entry_url(group)).status_code == 200
    with count_queries() as many_chart:
        text = client.get(f"/indicators/{first.id}").get_data(as_text=True)
    assert text.count('class="point') == 60
    assert many_entry.count == few_entry.count
    assert many_chart.count == few_chart.count


def test_an_action_from_a_raised_indicator_links_back_to_it(client, group):
    from workspace.models import Decision
    committee = factories.make_committee("Mapleton Committee", level="district", area=group["district"])
    chair = factories.add_member(committee, role="chair")
    indicator = make_indicator(group["group"])
    meeting = factories.make_meeting(committee, status="held", days_from_now=-1, items=1)
    item = meeting.items[0]
    item.origin_type, item.origin_id = "indicator", indicator.id
    decision = Decision(item=item, text="Visit the group with the savings officer.")
    db.session.add(decision)
    db.session.commit()
    action = factories.make_action(factories.make_plan(committee), origin_type="decision", origin_id=decision.id)
    login(client, chair)
    text = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert "raised from" in text and f"/indicators/{indicator.id}" in text


def test_a_period_can_have_its_own_target(client, group):
    indicator = make_indicator(group["group"], target=20)
    db.session.add_all([IndicatorValue(indicator=indicator, period=LAST_MONTH, value=15, state="verified"),
                        IndicatorValue(indicator=indicator, period=THIS_MONTH, value=15, state="verified")])
    db.session.commit()
    login(client, group["coordinator"])
    refused = client.post(f"/indicators/{indicator.id}/targets", data={"period": "2026-Q4", "target": "12"},
                          follow_redirects=True)
    assert "is not a period of this indicator" in refused.get_data(as_text=True)
    client.post(f"/indicators/{indicator.id}/targets", data={"period": THIS_MONTH, "target": "15"})
    text = client.get(f"/indicators/{indicator.id}").get_data(as_text=True)
    # Last month 15 against 20 is off track; this month 15 against its own 15 is on track.
    assert text.count("Off track</span>") == 1 and text.count("On track</span>") == 1
    assert text.count('class="point') == 2 and "M" in text.split('class="target"')[0].rsplit("<path d=\"", 1)[1]
    # A change of a period's target says which version of it the page showed.
    client.post(f"/indicators/{indicator.id}/targets", data={"period": THIS_MONTH, "target": "18",
                                                             "seen": f"{THIS_MONTH}=1"})
    from workspace.models import IndicatorTarget
    assert [t.target for t in db.session.scalars(db.select(IndicatorTarget))] == [18]


# --- A committee's own indicators ----------------------------------------------------------------

def test_a_committee_tracks_its_own_indicator(client, app, group):
    committee = factories.make_committee("Mapleton Committee", level="district", area=group["district"])
    chair = factories.add_member(committee, role="chair")
    secretary = factories.add_member(committee, role="secretary")
    member = factories.add_member(committee, role="member")
    observer = factories.add_member(committee, role="observer")
    login(client, member)
    response = client.post(f"/committees/{committee.id}/own-indicators/new", data={
        "question": "How many households in the district receive the child grant?", "short_name": "Grant coverage",
        "unit": "count", "direction": "higher", "frequency": "quarterly", "target": "500"})
    assert response.status_code == 302
    indicator = db.session.scalar(db.select(Indicator))
    assert indicator.committee_id == committee.id and indicator.organization_id is None
    assert client.post(f"/indicators/{indicator.id}/adopt").status_code == 403  # members propose, not adopt
    chair_client = app.test_client()
    login(chair_client, chair)
    chair_client.post(f"/indicators/{indicator.id}/adopt")
    quarter = periods.period_of(utcnow().date(), "quarterly")
    response = chair_client.post(f"/committees/{committee.id}/own-indicators/periods/{quarter}",
                                 data={f"v_{indicator.id}_0": "420", "submit": "1"})
    assert response.status_code == 302
    value = db.session.scalar(db.select(IndicatorValue))
    # The chair entered it: the chair may not verify it; the secretary may.
    assert chair_client.post(f"/values/{value.id}/verify", data={"version": shown(value)}, follow_redirects=True).status_code == 200
    assert db.session.get(IndicatorValue, value.id).state == "submitted"
    secretary_client = app.test_client()
    login(secretary_client, secretary)
    secretary_client.post(f"/values/{value.id}/verify", data={"version": shown(value)})
    assert db.session.get(IndicatorValue, value.id).state == "verified"
    # Observers read; outsiders see nothing.
    observer_client = app.test_client()
    login(observer_client, observer)
    assert observer_client.get(f"/indicators/{indicator.id}").status_code == 200
    assert observer_client.post(f"/committees/{committee.id}/own-indicators/periods/{quarter}",
                                data={f"v_{indicator.id}_0": "1"}).status_code == 403
    outsider = app.test_client()
    login(outsider, factories.make_user(sector="government"))
    assert outsider.get(f"/indicators/{indicator.id}").status_code == 404
    # It shows on the committee's page of indicators, and the database wants exactly one owner.
    assert "Grant coverage" in chair_client.get(f"/committees/{committee.id}/indicators").get_data(as_text=True)
    both = Indicator(organization=group["group"], committee=committee, short_name="x", question="x?", unit="count")
    db.session.add(both)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_administrators_name_coordinators_and_verifiers(client, group):
    admin = factories.make_admin()
    newcomer = factories.make_user(name="Joy", organization=group["group"])
    login(client, admin)
    page = client.get(f"/admin/organizations/{group['group'].id}").get_data(as_text=True)
    assert "<title>Kanta Savings Group · Workspace</title>" in page and "Coordinators and verifiers" in page
    client.post(f"/admin/organizations/{group['group'].id}/roles", data={"user_id": newcomer.id, "role": "verifier"})
    refused = client.get(f"/admin/organizations/{group['group'].id}").get_data(as_text=True)
    assert "A verifier is NGO or government staff from outside the group." in refused
    client.post(f"/admin/organizations/{group['group'].id}/roles", data={"user_id": newcomer.id, "role": "coordinator"})
    assert db.session.scalar(db.select(GroupRole).where(GroupRole.user_id == newcomer.id)).role == "coordinator"
