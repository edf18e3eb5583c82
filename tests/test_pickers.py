"""Pickers: choosing one of thousands of organisations, places or people without listing them all."""
import re

import pytest

from workspace import kept, pickers
from workspace.extensions import db
from workspace.models import Action, Organization
from tests import factories
from tests.conftest import login
from tests.test_actions import action_form, world  # noqa: F401 (a fixture)

HX = {"HX-Request": "true"}


def option_values(html: str, select_name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{re.escape(select_name)}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select named {select_name}"
    return re.findall(r'<option value="([^"]*)"', select.group(1))


@pytest.fixture
def many_organizations(app):
    return [factories.make_organization(f"Relief Partner {n:03}") for n in range(pickers.LIMIT + 20)]


def test_action_form_lists_a_bounded_number_of_organisations(client, world, many_organizations):
    login(client, world["chair"])
    html = client.get(f"/actions/{world['action'].id}/edit").get_data(as_text=True)
    chosen = option_values(html, "responsible_organization_id")
    assert str(world["ngo"].id) in chosen  # the chosen one is always there
    assert len(chosen) <= pickers.LIMIT + 1
    assert 'name="responsible_organization_id-q"' in html and 'name="responsible_organization_id-find"' in html
    assert 'data-hx-swap="innerHTML"' in html  # never the swap of a form around it
    # With nothing typed, the focal person list offers the responsible organisation's people.
    people = option_values(html, "focal_person_id")
    assert set(people) == {"", str(world["focal"].id), str(world["colleague"].id)}


def test_typing_narrows_the_list_with_htmx(client, world, many_organizations):
    login(client, world["chair"])
    response = client.get("/pick/organizations", headers=HX, query_string={
        "field": "responsible_organization_id", "responsible_organization_id-q": "partner 01",
        "responsible_organization_id": world["ngo"].id, "blank": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<select" not in html
    labels = re.findall(r">([^<]+)</option>", html)
    assert labels[0] == "Community Action"  # still chosen, kept first
    assert labels[1:] == [f"Relief Partner {n:03}" for n in range(10, 20)]


def test_without_javascript_search_narrows_and_saves_nothing(client, world, many_organizations):
    login(client, world["chair"])
    before = db.session.scalar(db.select(db.func.count()).select_from(Action))
    response = client.post(f"/plans/{world['plan'].id}/actions/new", data={
        **action_form(world), "responsible_organization_id-q": "Partner 04",
        "responsible_organization_id-find": "1"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Choose from the list" in html
    assert len(option_values(html, "responsible_organization_id")) == 1 + 10  # the chosen, 040–049
    assert db.session.scalar(db.select(db.func.count()).select_from(Action)) == before


def test_a_record_that_does_not_exist_is_refused(client, world):
    login(client, world["chair"])
    response = client.post(f"/plans/{world['plan'].id}/actions/new",
                           data=action_form(world, responsible_organization_id=2_000_000_000))
    assert response.status_code == 422 and "Not a valid choice" in response.get_data(as_text=True)
    response = client.post(f"/plans/{world['plan'].id}/actions/new",
                           data={**action_form(world), "supporter_ids": [world["ngo"].id, 1_999_999_999]})
    assert response.status_code == 422 and "Not a valid choice" in response.get_data(as_text=True)


def test_search_takes_percent_and_underscore_literally(client, world):
    factories.make_organization("100% Women Network")
    factories.make_organization("Women_Net Trust")
    login(client, world["chair"])
    html = client.get("/pick/organizations", query_string={"field": "o", "o-q": "100%"}).get_data(as_text=True)
    assert "100% Women Network" in html and "Women_Net" not in html
    html = client.get("/pick/organizations", query_string={"field": "o", "o-q": "men_"}).get_data(as_text=True)
    assert "Women_Net Trust" in html and "100% Women Network" not in html  # "_" is not "any one letter"


def test_places_are_named_with_the_area_they_lie_in(client, app):
    region = factories.make_area("Northern Region", "region")
    district = factories.make_area("Mapleton District", "district", parent=region)
    factories.make_area("Kanta Village", "community", parent=district)
    html = client.get("/pick/areas", query_string={"field": "area", "area-q": "kanta"}).get_data(as_text=True)
    assert "Kanta Village (Mapleton District)" in html
    # With nothing typed: the top levels only, national first.
    html = client.get("/pick/areas", query_string={"field": "area"}).get_data(as_text=True)
    labels = re.findall(r">([^<]+)</option>", html)
    assert labels == ["National", "Northern Region (National)", "Mapleton District (Northern Region)"]


def test_a_community_member_cannot_list_people(client, world):
    login(client, world["observer"])  # a community member who runs nothing
    assert client.get("/pick/people", query_string={"field": "p", "p-q": "a"}).status_code == 403
    client.post("/logout")
    assert client.get("/pick/organizations", query_string={"field": "o"}).status_code == 401


def test_picker_queries_do_not_grow_with_the_data(client, world, count_queries):
    login(client, world["chair"])

    def queries():
        with count_queries() as counter:
            assert client.get(f"/actions/{world['action'].id}/edit").status_code == 200
        return counter.count

    before = queries()
    for n in range(40):
        factories.make_organization(f"Another Partner {n}")
    kept.forget_all()  # the first lists are read again, from the larger tables
    assert queries() == before


def test_a_pickers_first_list_is_kept_a_minute_for_those_it_is_read_for(client, world, count_queries, monkeypatch):
    """With nothing typed, what a picker offers first is read once a minute (pickers.FIRST_LIST_KEPT),
    not on every view of a list whose filter box is open; a search reads at once; a list narrowed to
    the person's committees is kept for those committees only."""
    other = factories.make_committee("Riverside Local Committee", level="local")
    member = factories.add_member(other, role="member", sector="ngo")
    login(client, world["chair"])
    with count_queries() as first:
        html = client.get("/actions?status=open").get_data(as_text=True)
    assert '<details class="filter-box" open>' in html
    assert option_values(html, "committee") == ["", str(world["committee"].id)]
    assert str(world["ngo"].id) in option_values(html, "organization")
    with count_queries() as again:
        kept_html = client.get("/actions?status=open").get_data(as_text=True)
    for name in ("committee", "organization", "area"):
        assert option_values(kept_html, name) == option_values(html, name)
    def lists_read(counted):
        return sum(" AS label " in statement for statement in counted.statements)

    assert lists_read(first) == 3 and lists_read(again) == 0  # the three pickers' lists, kept
    # An organisation added by another process (a row this one did not save): the kept list, still.
    db.session.execute(Organization.__table__.insert().values(name="Aardvark Relief", kind="ngo",
                                                              area_id=world["ngo"].area_id))
    db.session.commit()
    newcomer = db.session.scalar(db.select(Organization).where(Organization.name == "Aardvark Relief"))
    html = client.get("/actions?status=open").get_data(as_text=True)
    assert str(newcomer.id) not in option_values(html, "organization")
    html = client.get("/actions?status=open&organization-q=Aardvark").get_data(as_text=True)
    assert option_values(html, "organization") == ["", str(newcomer.id)]  # a search reads at once
    # One this process saves: at once.
    saved = factories.make_organization("Aardwolf Aid", kind="ngo")
    html = client.get("/actions?status=open").get_data(as_text=True)
    assert str(saved.id) in option_values(html, "organization")
    # Someone of other committees gets their own first list, not the chair's.
    colleague = client.application.test_client()
    login(colleague, member)
    html = colleague.get("/actions?status=open").get_data(as_text=True)
    assert option_values(html, "committee") == ["", str(other.id)]
    # After the minute, the list is read again.
    monkeypatch.setattr(pickers, "FIRST_LIST_KEPT", 0)
    kept.forget_all()
    client.get("/actions?status=open")
    with count_queries() as later:
        html = client.get("/actions?status=open").get_data(as_text=True)
    assert lists_read(later) == 3 and str(newcomer.id) in option_values(html, "organization")


def test_a_closed_filter_box_reads_its_lists_when_opened(client, world, many_organizations, count_queries):
    login(client, world["chair"])
    with count_queries() as closed:
        html = client.get("/actions").get_data(as_text=True)
    assert '<details class="filter-box" >' in html  # closed: nothing filtered
    assert option_values(html, "organization") == [""]  # no list read for a box nobody opened
    assert "toggle once from:closest details" in html  # opening it fetches the list (htmx)
    assert not any("FROM organizations ORDER BY" in statement for statement in closed.statements)
    # What opening the box asks for: the first organisations, with nothing typed.
    listed = client.get("/pick/organizations", headers=HX, query_string={"field": "organization", "blank": "Any"})
    assert len(re.findall(r"<option value=\"\d+\"", listed.get_data(as_text=True))) == pickers.LIMIT
    # Without JavaScript, a search sends the form back with the box open and the matches listed.
    html = client.get("/actions", query_string={"organization-q": "Partner 01", "organization-find": "1"}
                      ).get_data(as_text=True)
    assert "<details class=\"filter-box\" open>" in html
    assert len(option_values(html, "organization")) == 1 + 10
    # A filter in use keeps the box open with the chosen record and the list beside it.
    html = client.get("/actions", query_string={"organization": world["ngo"].id}).get_data(as_text=True)
    chosen = option_values(html, "organization")
    assert chosen[:2] == ["", str(world["ngo"].id)] and len(chosen) > 2
