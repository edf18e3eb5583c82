"""Indicators at national scale: each adopted indicator's standing per committee, kept whole on
every write; the committee's page counted and paged from it, off track first; the group, chart,
verification and groups pages in a fixed number of queries whatever the data."""
import io
from pathlib import Path

import pytest
from sqlalchemy import select, text

from workspace import edits
from workspace.extensions import db
from workspace.indicators import services, values
from workspace.models import Committee, GroupRole, Indicator, IndicatorTarget, IndicatorValue
from workspace.models.indicators import IndicatorStanding, IndicatorTally, refresh_standings
from tests import factories
from tests.conftest import login
from tests.test_indicators import LAST_MONTH, THIS_MONTH, group, make_indicator  # noqa: F401  (a fixture)


def tallies() -> dict:
    return {(t.committee_id, t.rank): t.count for t in db.session.scalars(select(IndicatorTally)) if t.count}


def standings(committee=None) -> dict:
    """{(committee id, indicator id): (status, period, value, target)}, or of one committee; and
    the tallies agree with them."""
    counted = db.session.execute(select(IndicatorStanding.committee_id, IndicatorStanding.rank, db.func.count())
                                 .group_by(IndicatorStanding.committee_id, IndicatorStanding.rank)).all()
    assert tallies() == {(committee_id, rank): n for committee_id, rank, n in counted}
    query = select(IndicatorStanding)
    if committee is not None:
        query = query.where(IndicatorStanding.committee_id == committee.id)
    return {(s.committee_id, s.indicator_id): (s.status, s.period, s.value, s.target)
            for s in db.session.scalars(query)}


@pytest.fixture
def committees(group):
    """A district committee over the group, a national one above it, and one elsewhere."""
    district = factories.make_committee("Mapleton Committee", level="district", area=group["district"])
    national = factories.make_committee("National Committee", level="national")
    elsewhere = factories.make_committee("Seaview Committee", level="district",
                                         area=factories.make_area("Seaview District", "district"))
    return {"district": district, "national": national, "elsewhere": elsewhere}


def test_the_standing_follows_values_targets_and_words(group, committees):
    district, national = committees["district"], committees["national"]
    indicator = make_indicator(group["group"], target=20)
    # Adopted with no value: no data, for both committees over the group and not the other one.
    assert standings() == {(district.id, indicator.id): ("no_data", None, None, 20.0),
                           (national.id, indicator.id): ("no_data", None, None, 20.0)}
    db.session.add(IndicatorValue(indicator=indicator, period=LAST_MONTH, value=5, state="verified"))
    db.session.commit()
    assert standings(district)[district.id, indicator.id] == ("off_track", LAST_MONTH, 5.0, 20.0)
    # A newer total is the latest; a cell of a split is not a total.
    db.session.add_all([IndicatorValue(indicator=indicator, period=THIS_MONTH, value=19, state="draft")])
    db.session.commit()
    assert standings(district)[district.id, indicator.id] == ("on_track", THIS_MONTH, 19.0, 20.0)
    # The period's own target, then the usual one changed, then no target at all.
    services.set_target(indicator, THIS_MONTH, 40)
    assert standings(district)[district.id, indicator.id] == ("off_track", THIS_MONTH, 19.0, 40.0)
    services.set_target(indicator, THIS_MONTH, 19)
    assert standings(district)[district.id, indicator.id][0] == "on_track"
    db.session.execute(db.delete(IndicatorTarget))
    db.session.commit()
    indicator = db.session.get(Indicator, indicator.id)
    services.update(indicator, edits.Stated(indicator.version), target=None, short_name="Savers")
    assert standings(district)[district.id, indicator.id] == ("no_target", THIS_MONTH, 19.0, None)
    assert db.session.get(IndicatorStanding, (district.id, indicator.id)).short_name == "Savers"
    # Verifying and returning keep it; dropping the indicator takes it off every committee's page.
    value = db.session.scalar(select(IndicatorValue).where(IndicatorValue.period == THIS_MONTH))
    value.state = "submitted"
    db.session.commit()
    services.verify(value, group["verifier"])
    assert standings(district)[district.id, indicator.id][1:] == (THIS_MONTH, 19.0, None)
    services.decide(db.session.get(Indicator, indicator.id), "dropped")
    assert standings() == {}


def test_the_standing_follows_the_tree(group, committees):
    """A group moved, a committee placed elsewhere, an area moved: the rows follow."""
    district, national, elsewhere = committees["district"], committees["national"], committees["elsewhere"]
    indicator = make_indicator(group["group"])
    assert set(standings()) == {(district.id, indicator.id), (national.id, indicator.id)}
    organization = group["group"]
    village = organization.area
    organization.area = elsewhere.area
    db.session.commit()
    assert set(standings()) == {(elsewhere.id, indicator.id), (national.id, indicator.id)}
    organization.area = village
    db.session.commit()
    moved = db.session.get(Committee, elsewhere.id)
    moved.area = group["district"]
    db.session.commit()
    assert set(standings()) == {(district.id, indicator.id), (national.id, indicator.id), (moved.id, indicator.id)}
    # The group's village moves under another district.
    village.parent = factories.make_area("Far District", "district")
    db.session.commit()
    assert set(standings()) == {(national.id, indicator.id)}
    # A new committee over the group's new district reads it at once; a group that is no longer
    # a community group is read by none.
    newcomer = factories.make_committee("Far Committee", level="district", area=village.parent)
    assert (newcomer.id, indicator.id) in standings()
    organization.kind = "ngo"
    db.session.commit()
    assert standings() == {}


def test_a_committees_own_indicator_stands_for_that_committee_only(group, committees):
    own = Indicator(committee=committees["district"], short_name="Grant coverage", question="How many?",
                    unit="count", status="adopted", target=500, dimensions=[])
    db.session.add(own)
    db.session.commit()
    assert standings() == {(committees["district"].id, own.id): ("no_data", None, None, 500.0)}


def test_an_import_refreshes_the_standing(client, group, committees):
    indicator = make_indicator(group["group"], target=20)
    login(client, group["member"])
    response = client.post(f"/groups/{group['group'].id}/periods/{THIS_MONTH}/import",
                           data={"file": (io.BytesIO(f"indicator_id,cell,value\n{indicator.id},,3\n".encode()),
                                          "values.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert standings(committees["district"])[committees["district"].id, indicator.id] == (
        "off_track", THIS_MONTH, 3.0, 20.0)


@pytest.mark.parametrize("direction", ["higher", "lower"])
def test_sql_judges_as_python_does(group, committees, direction):
    """The standing's status is the page's judgement, at the margin's edges too."""
    district = committees["district"]
    cases = []
    for target in (None, 0, 20, -8, 0.1):
        for value in (None, 0, 17, 17.0000001, 16.9999, 23, 23.0000001, 20, -9.2, -6.8, 0.085, 0.115, 0.1151):
            indicator = make_indicator(group["group"], target=target, direction=direction,
                                       short_name=f"{target} {value}")
            if value is not None:
                db.session.add(IndicatorValue(indicator=indicator, period=THIS_MONTH, value=value, state="draft"))
            cases.append((indicator, value))
    db.session.commit()
    found = standings(district)
    for indicator, value in cases:
        assert found[district.id, indicator.id][0] == values.judge(indicator, value).status, (indicator.target, value)


def test_the_migration_fills_the_standings_as_the_app_keeps_them(group, committees):
    """The migration's own SQL (frozen there) and refresh_standings() agree."""
    make_indicator(group["group"], target=20, short_name="Late")
    fine = make_indicator(group["group"], target=10, short_name="Fine", direction="lower")
    make_indicator(group["group"], target=None, short_name="Open")
    db.session.add(Indicator(committee=committees["national"], short_name="Own", question="?", unit="count",
                             status="adopted", dimensions=[]))
    db.session.add_all([IndicatorValue(indicator=fine, period=LAST_MONTH, value=30, state="verified"),
                        IndicatorValue(indicator=fine, period=THIS_MONTH, value=11, state="draft"),
                        IndicatorTarget(indicator_id=fine.id, period=THIS_MONTH, target=12)])
    db.session.commit()
    kept, counted = standings(), tallies()
    migration = Path(__file__).parent.parent / "migrations/versions/d11a00000003_indicators_at_scale.py"
    namespace: dict = {}
    exec(compile(migration.read_text(), str(migration), "exec"), namespace)
    db.session.execute(db.delete(IndicatorStanding))
    db.session.execute(db.delete(IndicatorTally))
    db.session.execute(text(namespace["STANDINGS_SQL"]))
    db.session.execute(text(namespace["TALLIES_SQL"]))
    db.session.commit()
    assert standings() == kept and len(kept) == 7 and tallies() == counted
    db.session.execute(db.delete(IndicatorStanding))
    db.session.execute(db.delete(IndicatorTally))
    refresh_standings()
    db.session.commit()
    assert standings() == kept and tallies() == counted


# --- The committee's page ------------------------------------------------------------------------

def test_committee_page_counts_filters_and_pages_off_track_first(app, client, group, committees):
    app.config["PER_PAGE"] = 2
    district = committees["district"]
    chair = factories.add_member(district, role="chair")
    made = {}
    for name, target, value in (("A late", 20, 1), ("B late", 20, 2), ("C late", 20, 3), ("D fine", 10, 10),
                                ("E empty", 10, None), ("F open", None, 4)):
        made[name] = make_indicator(group["group"], short_name=name, target=target)
        if value is not None:
            db.session.add(IndicatorValue(indicator=made[name], period=THIS_MONTH, value=value, state="verified"))
    db.session.commit()
    login(client, chair)
    url = f"/committees/{district.id}/indicators"
    first = client.get(url).get_data(as_text=True)
    assert "All (6)" in first and "Off track (3)" in first and "No data (1)" in first and "On track (1)" in first
    assert first.index("A late") < first.index("B late") and "C late" not in first and "Page 1 of 3" in first
    second = client.get(f"{url}?page=2").get_data(as_text=True)
    assert "C late" in second and "E empty" in second and "A late" not in second
    assert "D fine" in client.get(f"{url}?page=3").get_data(as_text=True)
    late = client.get(f"{url}?status=off_track&page=2").get_data(as_text=True)
    assert "C late" in late and "E empty" not in late and "Page 2 of 2" in late
    assert "F open" in client.get(f"{url}?status=no_target").get_data(as_text=True)
    # A page beyond the last shows the last; a status that is none shows them all.
    assert "D fine" in client.get(f"{url}?page=99").get_data(as_text=True)
    assert "A late" in client.get(f"{url}?status=bogus").get_data(as_text=True)
    # The other committee's page does not list the group's indicators.
    outsider = factories.add_member(committees["elsewhere"], role="chair")
    login(client, outsider)
    assert "A late" not in client.get(f"/committees/{committees['elsewhere'].id}/indicators").get_data(as_text=True)


def many_groups(group, count: int, per_group: int = 3, periods: int = 12):
    """More groups in the district, each with adopted indicators and a year of values."""
    from workspace.indicators import periods as period_rules
    from workspace.clock import utcnow

    months = period_rules.last_periods("monthly", utcnow().date(), periods)
    for n in range(count):
        village = factories.make_area(f"Village {n}", "community", parent=group["district"])
        organization = factories.make_organization(f"Group {n}", kind="community_group", area=village)
        for k in range(per_group):
            indicator = Indicator(organization=organization, short_name=f"Indicator {n}.{k}", question="How many?",
                                  unit="count", status="adopted", target=10 + k, dimensions=[])
            db.session.add(indicator)
            db.session.add_all(IndicatorValue(indicator=indicator, period=month, value=k * 5 + i, state="verified")
                               for i, month in enumerate(months))
    db.session.commit()


def test_indicator_pages_run_fixed_queries_whatever_the_data(app, count_queries, group, committees):
    """The committee's page, an indicator's page (the committees it can be raised to), the group's
    page, its verification queue, its entry page and the list of groups: the same number of
    statements with one group or many, a few values or years of them."""
    district = committees["district"]
    chair = factories.add_member(district, role="chair")
    factories.add_member(committees["national"], user=chair, role="member")
    indicator = make_indicator(group["group"], target=20)
    db.session.add(IndicatorValue(indicator=indicator, period=THIS_MONTH, value=5, state="submitted",
                                  entered_by_id=group["member"].id))
    db.session.commit()
    pages = {chair: [f"/committees/{district.id}/indicators", f"/committees/{district.id}/indicators?status=off_track",
                     f"/indicators/{indicator.id}", f"/groups/{group['group'].id}"],
             group["verifier"]: [f"/groups/{group['group'].id}/verify", "/groups",
                                 f"/groups/{group['group'].id}/periods/{THIS_MONTH}"]}

    clients = {}
    for user in pages:
        clients[user] = app.test_client()
        login(clients[user], user)

    def count_all():
        found = {}
        for user, urls in pages.items():
            for url in urls:
                with count_queries() as counter:
                    response = clients[user].get(url)
                assert response.status_code == 200, url
                found[url] = counter.count
        return found

    few = count_all()
    many_groups(group, 8)
    for n in range(6):
        more = make_indicator(group["group"], short_name=f"More {n}")
        db.session.add(IndicatorValue(indicator=more, period=THIS_MONTH, value=1, state="submitted",
                                      entered_by_id=group["member"].id))
    for n in range(8):
        db.session.add(GroupRole(organization=factories.make_organization(kind="community_group"),
                                 user=group["verifier"], role="verifier"))
    db.session.commit()
    assert count_all() == few


def test_many_indicators_are_entered_a_page_at_a_time(client, group):
    made = [make_indicator(group["group"], short_name=f"Indicator {n:02d}") for n in range(12)]
    login(client, group["member"])
    url = f"/groups/{group['group'].id}/periods/{THIS_MONTH}"
    first = client.get(url).get_data(as_text=True)
    assert f"v_{made[9].id}_0" in first and f"v_{made[10].id}_0" not in first and "Page 1 of 2" in first
    second = client.get(f"{url}?page=2").get_data(as_text=True)
    assert f"v_{made[10].id}_0" in second and f"v_{made[0].id}_0" not in second
    # Saving the second page saves its indicators, and comes back to it.
    response = client.post(f"{url}?page=2", data={f"v_{made[10].id}_0": "3", f"v_{made[11].id}_0": "4", "draft": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{url}?page=2")
    assert {v.indicator_id: v.value for v in db.session.scalars(select(IndicatorValue))} == {
        made[10].id: 3.0, made[11].id: 4.0}
    # A page beyond the last shows the last; checking a value as typed reads only its indicator.
    assert f"v_{made[11].id}_0" in client.get(f"{url}?page=9").get_data(as_text=True)
    check = client.post(f"{url}/check/{made[0].id}", data={f"v_{made[0].id}_0": "many"})
    assert check.status_code == 200 and "Type a number." in check.get_data(as_text=True)
