"""The programme repository: rules and bad input, edits without lost updates, overlaps scored in SQL
on crafted pairs, a committee's verdict and raising it, who does what where, spending, the 3W file
in and out, links from feedback, and query counts."""
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy.exc import IntegrityError

from tests import factories
from tests.conftest import login
from workspace import kept
from workspace.extensions import db
from workspace.models import (
    AgendaItem, Area, AuditEvent, FeedbackCase, GdpFigure, LifecycleGroup, OverlapReview, Programme, ProgrammeCluster,
    KEPT_LEVELS, ProgrammeYear, programme_overlaps,
)
from workspace.programmes import figures, overlaps, services


@pytest.fixture
def country(app):
    """A district with a sub-district and a community in it, another district, and an NGO and a
    ministry with a person each."""
    services.ensure_lists()
    district = factories.make_area("Mapleton", "district")
    subdistrict = factories.make_area("Eastbrook", "subdistrict", parent=district)
    village = factories.make_area("Kanta", "community", parent=subdistrict)
    elsewhere = factories.make_area("Seaview", "district")
    ngo = factories.make_organization("Community Action", kind="ngo", area=district)
    ministry = factories.make_organization("Ministry of Social Welfare", kind="government")
    return {"district": district, "subdistrict": subdistrict, "village": village, "elsewhere": elsewhere,
            "ngo": ngo, "ministry": ministry, "grace": factories.make_user("Grace", organization=ngo),
            "joseph": factories.make_user("Joseph", organization=ministry)}


def ids(model, *keys):
    return [db.session.scalar(db.select(model.id).where(model.key == key)) for key in keys]


def form(country, **changes):
    data = {"name": "Elderly cash support", "organization_id": country["ngo"].id,
            "cluster_id": ids(ProgrammeCluster, "social_allowances")[0],
            "group_ids": ids(LifecycleGroup, "elderly"), "support_kind": "cash",
            "area_ids": [country["district"].id], "starts_on": "2024-01-01", "ends_on": "", "status": "active"}
    data.update(changes)
    return data


# --- Adding, editing, bad input ----------------------------------------------------------------

def test_an_ngo_adds_its_programme_and_the_change_is_audited(client, country):
    login(client, country["grace"])
    response = client.post("/programmes/new", data=form(country))
    assert response.status_code == 302
    programme = db.session.scalar(db.select(Programme))
    assert programme.name == "Elderly cash support" and programme.areas == [country["district"]]
    assert [g.key for g in programme.groups] == ["elderly"]
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.entity_type == "Programme"))
    assert event.action == "create" and event.after["areas"] == [country["district"].id]
    page = client.get(f"/programmes/{programme.id}").get_data(as_text=True)
    assert "Elderly cash support" in page and "Mapleton" in page and "Elderly" in page


def test_someone_keeps_only_their_own_organisations_programmes(client, country):
    login(client, country["grace"])
    response = client.post("/programmes/new", data=form(country, organization_id=country["ministry"].id))
    assert response.status_code == 422
    assert "You keep the programmes of your own organisation." in response.get_data(as_text=True)
    programme = factories.make_programme(organization=country["ministry"])
    assert client.get(f"/programmes/{programme.id}/edit").status_code == 403
    assert client.post(f"/programmes/{programme.id}/years/new", data={"year": 2025}).status_code == 403


@pytest.mark.parametrize("changes, message", [
    ({"ends_on": "2023-12-31"}, "It ends before it starts."),
    ({"group_ids": []}, "Tick at least one group it serves."),
    ({"area_ids": []}, "Choose at least one area where it works."),
    ({"name": "x" * 201}, "Field cannot be longer than 200 characters."),
    ({"support_kind": "magic"}, "Not a valid choice."),
])
def test_bad_programmes_get_a_clear_message_and_nothing_is_saved(client, country, changes, message):
    login(client, country["grace"])
    response = client.post("/programmes/new", data=form(country, **changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Programme.id))) == 0


def test_an_area_named_twice_is_refused(client, country):
    login(client, country["grace"])
    area = country["district"].id
    response = client.post("/programmes/new", data=form(country, area_ids=[area, area]))
    assert response.status_code == 422 and "An area is named twice." in response.get_data(as_text=True)


@pytest.mark.parametrize("data, message", [
    ({"beneficiaries_planned": "-5"}, "A number of people from 0 up."),
    ({"budget": "-1", "currency": "BDT"}, "A budget of 0 or more."),
    ({"beneficiaries_planned": "100", "beneficiaries_reached": "120"}, "More were reached than planned: say why."),
    ({"budget": "1000", "currency": "XYZ"}, "Not a currency code we know"),
    ({"budget": "1000"}, "Give the budget's currency."),
    ({"year": "1800"}, "A year from 1950 to 2200."),
])
def test_bad_yearly_figures_get_a_clear_message_and_nothing_is_saved(client, country, data, message):
    programme = factories.make_programme(organization=country["ngo"])
    login(client, country["grace"])
    response = client.post(f"/programmes/{programme.id}/years/new", data={"year": "2025", **data})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(ProgrammeYear.id))) == 0


def test_yearly_figures_are_added_then_corrected_through_the_conflict_mechanism(client, country):
    programme = factories.make_programme(organization=country["ngo"])
    login(client, country["grace"])
    data = {"year": "2025", "beneficiaries_planned": "100", "beneficiaries_reached": "130",
            "reached_note": "Flood top-up", "budget": "250000", "currency": "bdt", "funding_source": "Donor"}
    assert client.post(f"/programmes/{programme.id}/years/new", data=data).status_code == 302
    year = db.session.scalar(db.select(ProgrammeYear))
    assert (year.beneficiaries_reached, year.currency, year.budget) == (130, "BDT", Decimal("250000"))
    # The same year again is refused: its figures are corrected, not added twice.
    again = client.post(f"/programmes/{programme.id}/years/new", data=data)
    assert again.status_code == 422 and "figures for that year already" in again.get_data(as_text=True)
    # Two people correct the year from the same version: the second, who changed the same field, gets 409.
    page = client.get(f"/programmes/{programme.id}/years/2025").get_data(as_text=True)
    stamp = page.split('name="version" type="hidden" value="')[1].split('"')[0]
    first = {**data, "budget": "260000", "version": stamp}
    second = {**data, "budget": "270000", "version": stamp}
    assert client.post(f"/programmes/{programme.id}/years/2025", data=first).status_code == 302
    assert client.post(f"/programmes/{programme.id}/years/2025", data=second).status_code == 409
    db.session.refresh(year)
    assert year.budget == Decimal("260000")
    # Without a stated version, nothing is saved.
    assert client.post(f"/programmes/{programme.id}/years/2025", data=data).status_code == 422


def test_the_database_refuses_what_the_forms_refuse(app, country):
    programme = factories.make_programme(organization=country["ngo"])
    pid = programme.id
    for bad in (ProgrammeYear(programme_id=pid, year=2025, beneficiaries_planned=-1),
                ProgrammeYear(programme_id=pid, year=2025, budget=5, currency=""),
                ProgrammeYear(programme_id=pid, year=2025, beneficiaries_planned=10, beneficiaries_reached=11),
                GdpFigure(year=2025, amount=0, currency="BDT")):
        db.session.add(bad)
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
    programme = db.session.get(Programme, pid)
    programme.ends_on = date(2000, 1, 1)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_two_people_editing_one_programme_get_a_conflict_not_an_overwrite(client, country):
    programme = factories.make_programme("Savings groups", organization=country["ngo"], areas=[country["district"]])
    login(client, country["grace"])
    page = client.get(f"/programmes/{programme.id}/edit").get_data(as_text=True)
    stamp = page.split('name="version" type="hidden" value="')[1].split('"')[0]
    data = form(country, name="Savings groups", version=stamp)
    assert client.post(f"/programmes/{programme.id}/edit", data={**data, "name": "Savings groups for women"}).status_code == 302
    response = client.post(f"/programmes/{programme.id}/edit", data={**data, "name": "Savings circles"})
    assert response.status_code == 409
    db.session.refresh(programme)
    assert programme.name == "Savings groups for women"


# --- Overlaps ----------------------------------------------------------------------------------

def pairs(scope) -> dict:
    return {(row.first_id, row.second_id): row.score for row in db.session.execute(overlaps.overlap_query(*scope))}


def test_overlaps_are_scored_on_crafted_pairs(app, country):
    make = factories.make_programme
    national = make("Old-age allowance", areas=[factories.national_area()], groups=("elderly",))
    same_district = make("Elderly cash", areas=[country["district"]], groups=("elderly",))
    # In a community inside the district, other support and cluster: place, time and people only.
    village = make("Elderly care", areas=[country["village"]], groups=("elderly", "disability"),
                   support="services", cluster="human_development")
    other_group = make("School stipend", areas=[country["district"]], groups=("school_age",))
    ended = make("Old scheme", areas=[country["district"]], groups=("elderly",), starts_on=date(2010, 1, 1),
                 ends_on=date(2015, 12, 31))
    other_district = make("Coastal elderly", areas=[country["elsewhere"]], groups=("elderly",))
    found = pairs([overlaps.in_area(country["district"].id)])
    assert found[(national.id, same_district.id)] == 5  # a parent area and a child area
    assert found[(same_district.id, village.id)] == 3
    assert found[(national.id, village.id)] == 3
    for outsider in (other_group, ended):
        assert not any(outsider.id in pair for pair in found), "different groups or disjoint dates"
    assert not any(other_district.id in pair for pair in found), "outside the committee's area"
    # The other district: the national programme meets the coastal one there, and nothing else.
    assert pairs([overlaps.in_area(country["elsewhere"].id)]) == {(national.id, other_district.id): 5}
    # One programme's overlaps, wherever they are.
    assert set(pairs(overlaps.of_programme(national.id))) == {
        (national.id, same_district.id), (national.id, village.id), (national.id, other_district.id)}
    # Two programmes in the same district (not one inside the other) overlap too.
    sibling = make("Elderly meals", areas=[country["district"]], groups=("elderly",), support="in_kind")
    assert pairs(overlaps.of_programme(sibling.id))[(same_district.id, sibling.id)] == 4


def seen_by_committees(areas) -> tuple[dict, dict]:
    """Per area: the pairs a committee there reads (kept pairs, or found as it asks) and the pairs
    found afresh in the coverage, with their scores and one place they share."""
    kept = {area.id: {(r.first_id, r.second_id, r.score) for r in db.session.execute(
        overlaps.in_committee_area(db.session.get(Area, area.id)))} for area in areas}
    found = {area.id: {(r.first_id, r.second_id, r.score) for r in db.session.execute(
        overlaps.overlap_query(overlaps.in_area(area.id)))} for area in areas}
    return kept, found


def present(areas) -> tuple[dict, dict]:
    """Per area of a district's level or above: the programmes the kept presence lists, and those
    found in the coverage."""
    def read(present):
        return {area.id: set(db.session.scalars(db.select(present.c.programme_id).where(present.c.area_id == area.id)))
                for area in areas}
    kept = [a for a in areas if a.level in KEPT_LEVELS]
    return read(figures.presence([a.id for a in kept], "district")), read(figures.presence([a.id for a in kept]))


def test_kept_pairs_follow_every_change_to_programmes_and_areas(app, country):
    make = factories.make_programme
    region = factories.make_area("Coast", "region")
    nation = factories.national_area()
    places = [nation, region, country["district"], country["subdistrict"], country["village"], country["elsewhere"]]
    national = make("Old-age allowance", areas=[nation], groups=("elderly",))
    widows = make("Widows' allowance", areas=[nation], groups=("elderly",), support="in_kind")
    district = make("Elderly cash", areas=[country["district"]], groups=("elderly",))
    village = make("Elderly care", areas=[country["village"]], groups=("elderly", "disability"), support="services")
    spread = make("Two districts", areas=[country["subdistrict"], country["elsewhere"]], groups=("elderly",))
    kept, found = seen_by_committees(places)
    assert kept == found
    assert (national.id, widows.id, 4) in kept[country["village"].id], "two national programmes meet everywhere"
    assert (district.id, spread.id, 5) in kept[country["subdistrict"].id]
    assert not any(village.id in pair[:2] for pair in kept[country["elsewhere"].id])

    # A programme's groups, dates and places change; an area moves; a programme goes.
    village.groups = [g for g in village.groups if g.key == "disability"]
    db.session.commit()
    assert not any(village.id in pair[:2] for pair in seen_by_committees(places)[0][country["district"].id])
    district.ends_on = date(2024, 6, 30)
    spread.starts_on = date(2024, 7, 1)
    db.session.commit()
    kept, found = seen_by_committees(places)
    assert kept == found and (district.id, spread.id, 5) not in kept[country["district"].id]
    country["subdistrict"].parent = country["elsewhere"]
    country["district"].parent = region
    db.session.commit()
    kept, found = seen_by_committees(places)
    assert kept == found
    present_kept, present_found = present(places)
    assert present_kept == present_found and spread.id in present_kept[country["elsewhere"].id]
    assert national.id in present_kept[region.id] and district.id in present_kept[region.id]
    db.session.delete(widows)
    db.session.commit()
    kept, found = seen_by_committees(places)
    assert kept == found and not any(widows.id in pair[:2] for pair in kept[nation.id])
    assert present(places)[0] == present(places)[1]
    total = db.session.scalar(db.select(db.func.count()).select_from(programme_overlaps))
    overlaps.refresh_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(programme_overlaps)) == total


def test_a_committee_marks_an_overlap_and_raises_it_to_its_next_meeting(client, country):
    committee = factories.make_committee("Mapleton Committee", level="district", area=country["district"])
    chair = factories.add_member(committee, role="chair", sector="government")
    member = factories.add_member(committee, role="member", sector="ngo")
    observer = factories.add_member(committee, role="observer", sector="community")
    meeting = factories.make_meeting(committee)
    government = factories.make_programme("Old-age allowance", organization=country["ministry"])
    ngo = factories.make_programme("Elderly cash support", organization=country["ngo"], areas=[country["district"]])
    url = f"/committees/{committee.id}/overlaps"
    login(client, observer)
    page = client.get(url).get_data(as_text=True)
    assert "Old-age allowance" in page and "Elderly cash support" in page and "Both work in Mapleton." in page
    assert client.post(f"{url}/{government.id}/{ngo.id}", data={"verdict": "consolidate"}).status_code == 403
    client.post("/logout")
    login(client, member)
    assert client.post(f"{url}/{government.id}/{ngo.id}/raise").status_code == 302  # nothing to raise yet
    assert db.session.scalar(db.select(AgendaItem.id).where(AgendaItem.origin_type == "overlap")) is None
    client.post("/logout")
    login(client, chair)
    assert client.post(f"{url}/{ngo.id}/{government.id}", data={"verdict": "consolidate"}).status_code == 404
    response = client.post(f"{url}/{government.id}/{ngo.id}",
                           data={"verdict": "consolidate", "note": "One could absorb the other."})
    assert response.status_code == 302
    review = db.session.scalar(db.select(OverlapReview))
    assert (review.verdict, review.first_id, review.second_id) == ("consolidate", government.id, ngo.id)
    listed = client.get(url).get_data(as_text=True)  # the committee's view, on the pair's card
    assert "To consolidate" in listed and "One could absorb the other." in listed
    other = factories.make_committee("Mapleton Health Committee", level="district", area=country["district"])
    factories.add_member(other, chair, role="member")
    assert "To consolidate" not in client.get(f"/committees/{other.id}/overlaps").get_data(as_text=True)
    raised = client.post(f"{url}/{government.id}/{ngo.id}/raise")
    item = db.session.scalar(db.select(AgendaItem).where(AgendaItem.origin_type == "overlap"))
    assert item.meeting_id == meeting.id and item.origin_id == review.id
    assert raised.headers["Location"].endswith(f"/meetings/{meeting.id}#item-{item.id}")
    assert f"/programmes/{government.id}" in item.description and f"/programmes/{ngo.id}" in item.description
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f"{url}#pair-{government.id}-{ngo.id}" in page  # the item links back to the overlap
    again = client.post(f"{url}/{government.id}/{ngo.id}/raise", follow_redirects=True)
    assert "already waiting for the committee" in again.get_data(as_text=True)
    # A pair that does not overlap in this committee's area is not the committee's to judge.
    far = factories.make_programme("Coastal", organization=country["ngo"], areas=[country["elsewhere"]])
    assert client.get(f"{url}/{government.id}/{far.id}").status_code == 404


def test_a_change_of_verdict_states_its_version(client, country):
    committee = factories.make_committee(level="district", area=country["district"])
    chair = factories.add_member(committee, role="chair", sector="government")
    first = factories.make_programme(organization=country["ministry"])
    second = factories.make_programme(organization=country["ngo"], areas=[country["district"]])
    login(client, chair)
    url = f"/committees/{committee.id}/overlaps/{first.id}/{second.id}"
    assert client.post(url, data={"verdict": "complementary"}).status_code == 302
    assert client.post(url, data={"verdict": "consolidate"}).status_code == 422  # no version: nothing saved
    assert db.session.scalar(db.select(OverlapReview.verdict)) == "complementary"


# --- Who does what where, spending -------------------------------------------------------------

def test_the_matrix_counts_programmes_per_area_and_cluster_and_shows_gaps(client, country):
    national = factories.make_programme("Old-age", organization=country["ministry"])
    factories.make_programme("Elderly cash", organization=country["ngo"], areas=[country["village"]])
    db.session.add(ProgrammeYear(programme=national, year=2025, beneficiaries_planned=1000, budget=500,
                                 currency="BDT"))
    db.session.commit()
    cells, served = figures.matrix([country["district"].id, country["elsewhere"].id], 2025)
    # Districts are read from the kept presence, smaller areas from the coverage: the same figures.
    assert figures.matrix([country["district"].id, country["elsewhere"].id], 2025, "district") == (cells, served)
    cluster = ids(ProgrammeCluster, "social_allowances")[0]
    elderly, children = ids(LifecycleGroup, "elderly", "children")
    mapleton = cells[(country["district"].id, cluster)]
    assert (mapleton.programmes, mapleton.organizations, mapleton.people) == (2, 2, 1000)
    assert mapleton.budgets == {"BDT": Decimal(500)}
    assert cells[(country["elsewhere"].id, cluster)].programmes == 1  # the national one only
    assert served[(country["district"].id, elderly)] == 2 and (country["district"].id, children) not in served
    login(client, country["grace"])
    page = client.get("/programmes/where?level=district&year=2025").get_data(as_text=True)
    assert "Gap" in page and "2 programmes" in page


def test_who_does_what_where_keeps_its_clusters_a_minute_and_follows_a_rename_at_once(client, country,
                                                                                     count_queries):
    """The clusters and lifecycle groups are read once a minute (figures.NAMED_KEPT), in the
    reader's language each time; a rename saved here shows on the next view."""
    factories.make_programme("Old-age", organization=country["ministry"])
    login(client, country["grace"])

    def lists_read(counted):
        return sum("FROM programme_clusters" in statement for statement in counted.statements)

    with count_queries() as first:
        assert client.get("/programmes/where").status_code == 200
    with count_queries() as again:
        page = client.get("/programmes/where").get_data(as_text=True)
    assert lists_read(first) == 1 and lists_read(again) == 0
    cluster = db.session.get(ProgrammeCluster, ids(ProgrammeCluster, "social_allowances")[0])
    cluster.name, cluster.key = "Cash for the poorest", None
    db.session.commit()
    with count_queries() as renamed:
        page = client.get("/programmes/where").get_data(as_text=True)
    assert lists_read(renamed) == 1 and "Cash for the poorest" in page


def test_a_committees_overlaps_keep_the_zones_it_sees_until_an_area_is_saved(client, country, count_queries):
    """The zones a committee's area sees are read once a minute (overlaps.ZONES_KEPT), and again
    at once when this process saves an area (a new or moved one changes them)."""
    committee = factories.make_committee("Mapleton Committee", level="district", area=country["district"])
    login(client, factories.add_member(committee, role="member", sector="ngo"))
    url = f"/committees/{committee.id}/overlaps"

    def zones_read():
        with count_queries() as counted:
            assert client.get(url).status_code == 200
        return sum("FROM area_lineage" in statement for statement in counted.statements)

    assert zones_read() == 1 and zones_read() == 0
    factories.make_area("New Village", "community", parent=country["district"])
    assert zones_read() == 1


def test_kept_figures_follow_every_change_to_programmes_years_and_areas(app, country):
    """The figures kept for districts and above are those found in the coverage, after each kind of
    change that moves them."""
    region = factories.make_area("Coast", "region")
    places = [factories.national_area(), region, country["district"], country["elsewhere"]]
    place_ids = [area.id for area in places]

    def same(year=2025):
        kept = figures.matrix(place_ids, year, "district")
        assert kept == figures.matrix(place_ids, year)
        return kept

    national = factories.make_programme("Old-age", organization=country["ministry"])
    local = factories.make_programme("Elderly cash", organization=country["ngo"], areas=[country["village"]],
                                     groups=("elderly", "children"))
    db.session.add_all([ProgrammeYear(programme=national, year=2025, beneficiaries_planned=1000, budget=500,
                                      currency="BDT"),
                        ProgrammeYear(programme=local, year=2025, beneficiaries_planned=30, budget=7, currency="USD")])
    db.session.commit()
    cells, _served = same()
    cluster = ids(ProgrammeCluster, "social_allowances")[0]
    assert cells[(country["district"].id, cluster)].budgets == {"BDT": Decimal(500), "USD": Decimal(7)}
    record = local.years[0]
    record.beneficiaries_planned, record.budget = 40, 9
    db.session.commit()
    assert same()[0][(country["district"].id, cluster)].people == 1040
    local.organization_id = country["ministry"].id
    db.session.commit()
    assert same()[0][(country["district"].id, cluster)].organizations == 1
    local.cluster_id = ids(ProgrammeCluster, "labour")[0]
    local.groups = [g for g in local.groups if g.key == "children"]
    db.session.commit()
    same()
    country["district"].parent = region
    db.session.commit()
    assert same()[0][(region.id, cluster)].programmes == 1
    local.areas = [country["elsewhere"]]
    db.session.commit()
    same()
    db.session.delete(local.years[0])
    db.session.commit()
    same()
    db.session.delete(national)
    db.session.commit()
    assert same() == same(2026)
    assert figures.matrix(place_ids, 2025, "district")[0].keys() == {(area_id, local.cluster_id) for area_id in (
        places[0].id, country["elsewhere"].id)}


def test_spending_sums_budgets_by_sector_and_measures_ngo_spending_against_gdp(client, country):
    for organization, amount in ((country["ngo"], 300), (country["ministry"], 7000)):
        programme = factories.make_programme(organization=organization)
        db.session.add(ProgrammeYear(programme=programme, year=2025, budget=amount, currency="BDT"))
    db.session.add(GdpFigure(year=2025, amount=100000, currency="BDT"))
    db.session.commit()
    spent = figures.spending()
    assert spent.by_sector[(2025, "ngo")] == {"BDT": Decimal(300)}
    assert spent.by_sector[(2025, "government")] == {"BDT": Decimal(7000)}
    assert spent.ngo_share[2025][2] == Decimal("0.003")
    login(client, country["grace"])
    assert "0.3000%" in client.get("/programmes/spending").get_data(as_text=True)


# --- The 3W file -------------------------------------------------------------------------------

def test_the_export_is_a_3w_table_with_hxl_tags_that_imports_back(client, country):
    admin = factories.make_admin()
    factories.make_programme("Elderly cash", organization=country["ngo"],
                             areas=[country["village"], country["elsewhere"]])
    login(client, admin)
    response = client.get("/programmes/export.xlsx")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[1][:3] == ("#org+name", "#org+type", "#activity+name")
    assert len(rows) == 4  # headings, hashtags, one row per area
    assert ("Mapleton", "Eastbrook", "Kanta") == rows[2][10:13] or ("Mapleton", "Eastbrook", "Kanta") == rows[3][10:13]
    csv_text = client.get("/programmes/export.csv").data.decode("utf-8-sig")
    assert csv_text.splitlines()[1].startswith("#org+name,#org+type,#activity+name")
    # Renamed, the same file imports as a new programme with both areas.
    renamed = csv_text.replace("Elderly cash", "Elderly cash (copy)")
    response = client.post("/programmes/import", data={"file": (io.BytesIO(renamed.encode()), "3w.csv")})
    assert response.status_code == 302
    copy = db.session.scalar(db.select(Programme).where(Programme.name == "Elderly cash (copy)"))
    assert sorted(a.name for a in copy.areas) == ["Kanta", "Seaview"]


def test_an_import_with_one_bad_row_saves_nothing_and_says_which(client, country):
    login(client, country["grace"])
    lines = ["Organisation,Programme,Cluster,Who it serves,Kind of support,Starts,District,Sub-district",
             "#org+name,#activity+name,#sector,#beneficiary+type,#activity+type,#date+start,#adm2+name,#adm3+name",
             "Community Action,Savings groups,Labour and livelihood,Working age,Services,2024-01-01,Mapleton,Eastbrook",
             "Community Action,Food packs,Food security and disaster assistance,Children,In kind,2024-13-01,Seaview,",
             "Ministry of Social Welfare,Pensions,Social allowances,Elderly,Cash,2024-01-01,Mapleton,"]
    response = client.post("/programmes/import", data={"file": (io.BytesIO("\n".join(lines).encode()), "3w.csv")})
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "is not a date" in text and "own organisation only" in text and "Savings groups in Eastbrook" in text
    assert db.session.scalar(db.select(db.func.count(Programme.id))) == 0


# --- Links ---------------------------------------------------------------------------------------

def test_cases_naming_a_programme_in_words_are_linked_when_it_enters_the_repository(client, country):
    case = FeedbackCase(category="complaint", description="Late.", programme="child grant")
    db.session.add(case)
    db.session.commit()
    programme = factories.make_programme("Child grant", organization=country["ministry"], groups=("children",))
    db.session.refresh(case)
    assert case.programme_id == programme.id
    login(client, country["grace"])
    assert "Complaint: 1" in client.get(f"/programmes/{programme.id}").get_data(as_text=True)


# --- Speed ---------------------------------------------------------------------------------------

def test_lists_run_a_fixed_number_of_queries(client, country, count_queries):
    committee = factories.make_committee(level="district", area=country["district"])
    member = factories.add_member(committee, role="member", sector="ngo")
    login(client, member)
    urls = ["/programmes", "/programmes/where", f"/committees/{committee.id}/overlaps", "/programmes/spending"]

    def counts():
        found = []
        for url in urls:
            with count_queries() as counter:
                assert client.get(url).status_code == 200
            found.append(counter.count)
        return found

    factories.make_programme(organization=country["ministry"])
    factories.make_programme(organization=country["ngo"], areas=[country["district"]])  # one overlap to list
    few = counts()
    for n in range(12):
        programme = factories.make_programme(organization=country["ngo"], areas=[country["village"]],
                                             groups=("elderly", "children"))
        db.session.add(ProgrammeYear(programme=programme, year=2025, budget=n, currency="BDT"))
    db.session.commit()
    kept.forget_all()  # the pickers' first lists are read again, as on the first views
    assert counts() == few


def test_a_programme_page_runs_a_fixed_number_of_queries(client, country, count_queries):
    programme = factories.make_programme("Elderly cash", organization=country["ngo"], areas=[country["village"]],
                                         groups=("elderly", "children"))
    factories.make_programme(organization=country["ministry"], areas=[country["district"]])  # one overlap to list
    login(client, country["grace"])

    def count():
        with count_queries() as counter:
            assert client.get(f"/programmes/{programme.id}").status_code == 200
        return counter.count

    few = count()
    programme.areas = [country["village"], country["subdistrict"], country["elsewhere"]]
    programme.partners = [country["ministry"], factories.make_organization(kind="ngo")]
    db.session.add_all([ProgrammeYear(programme=programme, year=year, budget=year, currency="BDT")
                        for year in (2024, 2025, 2026)])
    for n in range(3):
        factories.make_programme(organization=country["ministry"], areas=[country["district"]],
                                 groups=("elderly",))  # overlaps to list
    db.session.commit()
    assert count() == few



def test_a_programme_page_lists_its_open_actions_seen_and_adopted_indicators(client, country):
    """The programme's open actions the reader may see (by plan, organisation or as focal person),
    soonest due first, and its adopted indicators with whose they are."""
    from workspace.models import Indicator

    programme = factories.make_programme("Old age allowance", organization=country["ngo"], areas=[country["district"]])
    committee = factories.make_committee("Mapleton Committee", level="district", area=country["district"])
    factories.add_member(committee, user=country["grace"])
    seen_plan, unseen_plan = factories.make_plan(committee), factories.make_plan(factories.make_committee("Elsewhere"))
    factories.make_action(seen_plan, title="Register the elderly", due_days=9, programme_id=programme.id)
    factories.make_action(unseen_plan, organization=country["ngo"], title="Our organisation's", due_days=3,
                          programme_id=programme.id)
    factories.make_action(unseen_plan, title="Not ours", due_days=1, programme_id=programme.id)
    factories.make_action(seen_plan, title="Finished", due_days=2, status="done", progress=100,
                          programme_id=programme.id)
    group = factories.make_organization("Kanta Savings Group", kind="community_group", area=country["village"])
    for name, status in [("Allowances received", "adopted"), ("Proposed only", "proposed")]:
        db.session.add(Indicator(organization=group, short_name=name, question="How many?", unit="count",
                                 status=status, programme_id=programme.id))
    db.session.add(Indicator(committee=committee, short_name="Meetings on the allowance", question="How many?",
                             unit="count", status="adopted", programme_id=programme.id))
    db.session.commit()
    login(client, country["grace"])
    text = client.get(f"/programmes/{programme.id}").get_data(as_text=True)
    assert text.index("Our organisation&#39;s") < text.index("Register the elderly")
    assert "Not ours" not in text and "Finished" not in text
    assert "Allowances received" in text and "Kanta Savings Group" in text and "Proposed only" not in text
    assert "Meetings on the allowance" in text and "Mapleton Committee" in text
