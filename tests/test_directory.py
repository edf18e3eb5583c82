"""Areas and organisations: rules, inline editing with htmx and without, audit, query counts."""
import pytest

from workspace.extensions import db
from workspace.models import Area, AuditEvent, Organization
from tests import factories
from tests.conftest import login

HX = {"HX-Request": "true"}


@pytest.fixture
def admin(client):
    admin = factories.make_admin()
    login(client, admin)
    return admin


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_add_organization_with_htmx_returns_the_section(client, admin):
    area = factories.make_area("Mapleton District")
    response = client.post("/admin/organizations", headers=HX,
                           data={"name": "  Coastal Livelihoods Trust ", "kind": "ngo", "area_id": area.id})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in text and 'id="organizations-section"' in text
    assert "Added Coastal Livelihoods Trust." in text
    organization = db.session.scalar(db.select(Organization).where(Organization.name == "Coastal Livelihoods Trust"))
    assert organization.area_id == area.id
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.entity_type == "Organization",
                                                          AuditEvent.entity_id == organization.id))
    assert event.action == "create" and event.after["kind"] == "ngo"
    assert "HX-Request" in response.headers["Vary"]


def test_add_organization_without_javascript_redirects(client, admin):
    response = client.post("/admin/organizations", data={"name": "Child Rights Forum", "kind": "ngo",
                                                         "area_id": factories.national_area().id})
    assert response.status_code == 302
    assert "Added Child Rights Forum." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_closed_add_form_reads_its_places_when_opened(client, admin):
    import re

    region = factories.make_area("Northern Region", "region")
    html = client.get("/admin/organizations").get_data(as_text=True)
    area_select = re.search(r'<select id="area_id"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert "<option" not in area_select  # nothing read for a box nobody opened
    assert "toggle once from:closest details" in html
    # Refused, the form comes back open with the places listed beside it.
    html = client.post("/admin/organizations", data={"name": "", "kind": "ngo", "area_id": region.id}
                       ).get_data(as_text=True)
    assert '<details class="add" open>' in html
    area_select = re.search(r'<select id="area_id"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert f'value="{region.id}" selected' in area_select and "National" in area_select


@pytest.mark.parametrize("data, message", [
    ({"name": "", "kind": "ngo"}, "This field is required."),
    ({"name": "x" * 161, "kind": "ngo"}, "Field cannot be longer than 160 characters."),
    ({"name": "Valid", "kind": "militia"}, "Not a valid choice."),
    ({"name": "taken ngo", "kind": "ngo"}, "There is already an organisation of that name."),
])
def test_bad_organization_input_is_refused_whole(client, admin, data, message):
    factories.make_organization("Taken NGO")
    before = count(Organization)
    response = client.post("/admin/organizations", headers=HX, data={"area_id": factories.national_area().id, **data})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(Organization) == before


def test_inline_edit_round_trip(client, admin):
    organization = factories.make_organization("Old Name", kind="ngo")
    edit = client.get(f"/admin/organizations/{organization.id}/edit", headers=HX)
    assert edit.get_data(as_text=True).strip().startswith("<tr")
    assert "<html" not in edit.get_data(as_text=True) and 'value="Old Name"' in edit.get_data(as_text=True)

    bad = client.post(f"/admin/organizations/{organization.id}/edit", headers=HX,
                      data={"name": "", "kind": "ngo", "area_id": organization.area_id,
                            "version": organization.version})
    assert bad.status_code == 422 and 'class="editing"' in bad.get_data(as_text=True)

    saved = client.post(f"/admin/organizations/{organization.id}/edit", headers=HX,
                        data={"name": "New Name", "kind": "government", "area_id": organization.area_id,
                              "version": organization.version})
    text = saved.get_data(as_text=True)
    assert saved.status_code == 200 and "New Name" in text and 'class="editing"' not in text
    organization = db.session.get(Organization, organization.id)
    assert (organization.name, organization.kind) == ("New Name", "government")
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "update"))
    assert dict((k, (a, b)) for k, a, b in event.changes()) == {
        "name": ("Old Name", "New Name"), "kind": ("ngo", "government")}

    cancel = client.get(f"/admin/organizations/{organization.id}", headers=HX)
    assert "<html" not in cancel.get_data(as_text=True) and "New Name" in cancel.get_data(as_text=True)


def test_edit_without_javascript_is_a_page(client, admin):
    organization = factories.make_organization("Plain")
    page = client.get(f"/admin/organizations/{organization.id}/edit")
    assert "<html" in page.get_data(as_text=True)
    response = client.post(f"/admin/organizations/{organization.id}/edit",
                           data={"name": "Plainer", "kind": "other", "area_id": organization.area_id,
                                 "version": organization.version})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/organizations"


def test_organization_with_people_cannot_be_removed(client, admin):
    busy = factories.make_organization("Busy")
    factories.make_user(organization=busy)
    empty = factories.make_organization("Empty")
    busy_id, empty_id = busy.id, empty.id
    response = client.post(f"/admin/organizations/{busy.id}/delete", follow_redirects=True)
    assert "Busy still has people." in response.get_data(as_text=True)
    client.post(f"/admin/organizations/{empty_id}/delete")
    assert db.session.get(Organization, busy_id) is not None
    assert db.session.get(Organization, empty_id) is None
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "delete")).before["name"] == "Empty"


def test_area_rules(client, admin):
    national = factories.national_area()
    district = factories.make_area("Mapleton District", "district")
    community = factories.make_area("Kanta Village", "community", parent=district)
    cases = [
        ({"name": "Second Country", "level": "national", "parent_id": ""}, "There is already a national area"),
        ({"name": "Floating", "level": "district", "parent_id": ""}, "Choose the area this one lies inside."),
        ({"name": "Upside Down", "level": "region", "parent_id": community.id}, "must lie inside a larger area"),
        ({"name": "mapleton district", "level": "district", "parent_id": national.id}, "There is already an area of that name"),
    ]
    before = count(Area)
    for data, message in cases:
        response = client.post("/admin/areas", data=data)
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True), data
    assert count(Area) == before
    # Same name in another place is fine.
    other_district = factories.make_area("Seaview District", "district")
    assert client.post("/admin/areas", data={"name": "Kanta Village", "level": "community",
                                             "parent_id": other_district.id}).status_code == 302


def test_area_cannot_move_inside_itself(client, admin):
    region = factories.make_area("Northern Region", "region")
    district = factories.make_area("Mapleton District", "district", parent=region)
    response = client.post(f"/admin/areas/{region.id}/edit", headers=HX,
                           data={"name": "Northern Region", "level": "region", "parent_id": district.id,
                                 "version": region.version})
    assert response.status_code == 422
    assert "cannot lie inside itself" in response.get_data(as_text=True)
    response = client.post(f"/admin/areas/{region.id}/edit", headers=HX,
                           data={"name": "Northern Region", "level": "community",
                                 "parent_id": factories.national_area().id, "version": region.version})
    assert response.status_code == 422 and "not below this level" in response.get_data(as_text=True)


def test_area_tree_is_in_tree_order(client, admin):
    region = factories.make_area("B Region", "region")
    factories.make_area("A Region", "region")
    factories.make_area("Z District", "district", parent=region)
    text = client.get("/admin/areas").get_data(as_text=True)
    assert text.index("A Region") < text.index("B Region") < text.index("Z District")
    assert 'class="depth-2"' in text


def test_area_in_use_cannot_be_removed(client, admin):
    district = factories.make_area("Busy District", "district")
    factories.make_area("Child", "community", parent=district)
    client.post(f"/admin/areas/{district.id}/delete")
    assert db.session.get(Area, district.id) is not None


@pytest.mark.parametrize("url", ["/admin/organizations", "/admin/areas", "/admin/audit"])
def test_lists_run_a_fixed_number_of_queries(client, admin, count_queries, url):
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for n in range(25):
        area = factories.make_area(f"District {n}", "district")
        organization = factories.make_organization(area=area)
        factories.make_user(organization=organization)
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many.count == few.count


def lineage() -> set[tuple[int, int, int]]:
    from workspace.models import AreaLineage
    return set(db.session.execute(db.select(AreaLineage.ancestor_id, AreaLineage.area_id, AreaLineage.depth)))


def inside(area: Area) -> set[int]:
    from workspace.models import within_area
    return set(db.session.scalars(db.select(Area.id).where(within_area(Area.id, area.id))))


def test_area_lineage_follows_adds_moves_and_deletes(app):
    national = factories.national_area()
    north = factories.make_area("North", "region")
    south = factories.make_area("South", "region")
    district = factories.make_area("Hill District", "district", parent=north)
    village = factories.make_area("Hill Village", "community", parent=district)
    assert (national.id, village.id, 3) in lineage() and (village.id, village.id, 0) in lineage()
    assert inside(north) == {north.id, district.id, village.id}
    assert inside(south) == {south.id}

    district.parent = south  # the whole branch moves
    db.session.commit()
    assert inside(north) == {north.id}
    assert inside(south) == {south.id, district.id, village.id}
    assert (north.id, village.id, 2) not in lineage() and (south.id, village.id, 2) in lineage()

    district.name = "Renamed District"  # a change that is not a move leaves the lineage as it is
    db.session.commit()
    assert inside(south) == {south.id, district.id, village.id}

    db.session.delete(village)
    db.session.commit()
    assert all(village.id not in (ancestor, area) for ancestor, area, _ in lineage())
    assert inside(national) == {national.id, north.id, south.id, district.id}


def test_committee_lists_read_the_area_tree_by_join(client, admin, count_queries):
    """Pages that ask "inside this area" never load the tree: adding areas adds no query."""
    from workspace.models import Membership
    region = factories.make_area("Lineage Region", "region")
    committee = factories.make_committee(level="region", area=region)
    db.session.add(Membership(committee=committee, user=admin, role="member"))
    db.session.commit()
    urls = [f"/committees/{committee.id}/indicators", f"/committees/{committee.id}/feedback"]

    def counts():
        found = []
        for url in urls:
            with count_queries() as counter:
                assert client.get(url).status_code == 200
            found.append(counter.count)
        return found

    before = counts()
    for n in range(30):
        factories.make_area(f"Extra {n}", "district", parent=region)
    assert counts() == before


def test_areas_page_shows_part_of_the_tree_browses_down_and_searches(client, admin):
    region = factories.make_area("Hill Region", "region")
    district = factories.make_area("Hill District", "district", parent=region)
    sub = factories.make_area("Hill Municipality", "subdistrict", parent=district)
    factories.make_area("Far Village", "community", parent=sub)

    def table(url):  # the tree's rows (the add form's picker lists areas too)
        html = client.get(url).get_data(as_text=True)
        return html[html.index("<tbody>"):html.index("</tbody>")], html

    top, _ = table("/admin/areas")
    assert "Hill District" in top and "Hill Municipality" not in top and "Far Village" not in top
    inside, page = table(f"/admin/areas?within={district.id}")
    assert "Hill Municipality" in inside and "Far Village" in inside
    assert f'href="/admin/areas?within={region.id}">Hill Region</a>' in page  # the crumbs
    found, _ = table("/admin/areas?q=village")
    assert "Far Village" in found and "(Hill Municipality)" in found and "Hill District" not in found
