"""Feedback at national scale: the counts kept on write stay equal to counting the cases again, the
board and a committee's patterns read them (bounded lists, fixed query counts), and the case lists
page without counting everything."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from workspace import edits
from workspace.clock import utcnow
from workspace.extensions import db
from workspace.feedback import figures, services, timing
from workspace.models import AgendaItem, Area, FeedbackCase, FeedbackCluster
from workspace.models.feedback import ALL_PROGRAMMES, FeedbackFigure, FeedbackMonth, rebuild_feedback_figures
from tests import factories
from tests.conftest import login


@pytest.fixture
def tree(app):
    """A region with two districts, each with villages, and an NGO that handles cases."""
    region = factories.make_area("Coast Region", "region")
    north = factories.make_area("North District", "district", parent=region)
    south = factories.make_area("South District", "district", parent=region)
    villages = [factories.make_area(f"Village {n}", "community", parent=district)
                for n, district in enumerate((north, north, south))]
    ngo = factories.make_organization("Coastal Trust", kind="ngo", area=region)
    handler = factories.make_user(name="Samuel", organization=ngo)
    return {"region": region, "north": north, "south": south, "villages": villages, "ngo": ngo,
            "handler": handler}


def add_case(tree, area=None, **fields):
    defaults = {"category": "complaint", "status": "received", "description": "The payment was late.",
                "area_id": area.id if area else None, "programme": "Child grant",
                "assigned_organization_id": tree["ngo"].id, "received_at": utcnow()}
    case = FeedbackCase(**{**defaults, **fields})
    case.due_at = timing.current_due(case, timing.answer_times())
    db.session.add(case)
    db.session.commit()
    return case


def resolved(tree, area, days=3, **fields):
    received = utcnow() - timedelta(days=days, hours=1)
    return add_case(tree, area, **{"status": "resolved", "received_at": received,
                                   "resolved_at": received + timedelta(days=days), "response": "Paid.",
                                   "publishable": True, "public_summary": f"A late payment ({days} days).", **fields})


def kept():
    """The counts as kept, without the zeros a change leaves behind."""
    return (sorted((f.area_id, f.resolve_days, f.cases) for f in db.session.scalars(select(FeedbackFigure))
                   if f.cases),
            sorted((m.area_id, m.month, m.category, m.programme, m.cases)
                   for m in db.session.scalars(select(FeedbackMonth)) if m.cases))


def counted_again():
    rebuild_feedback_figures()
    db.session.commit()
    return kept()


# --- Counts kept on write ---------------------------------------------------------------------------

def test_counts_follow_every_change_of_a_case(app, tree):
    village = tree["villages"][0]
    case = add_case(tree, village)
    add_case(tree, None, category="question")  # no area: the board's "not given"
    resolved(tree, tree["villages"][2], days=5)
    with app.test_request_context():
        services.respond(case, edits.Stated(case.version), "Paid on 3 March.", False, "", outcome="upheld")
        for step in ("acknowledged", "resolved", "in_progress", "resolved", "closed"):
            services.move(case, tree["handler"], edits.Stated(case.version), step, "")
    case.area_id, case.programme, case.category = tree["south"].id, "Old age pension ", "suggestion"
    case.received_at = case.received_at - timedelta(days=40)  # another month, another answer time
    db.session.commit()
    before = kept()
    assert before == counted_again()
    by_area = {area_id: cases for area_id, days, cases in before[0] if days == -1}
    assert by_area.get(0) == 1  # the question names no area
    region_received = sum(cases for area_id, _, cases in before[0] if area_id == tree["region"].id)
    assert region_received == 2  # the region counts the cases of its districts' villages


def test_moving_or_deleting_an_area_moves_its_counts(app, tree):
    for n, village in enumerate(tree["villages"]):
        add_case(tree, village)
        resolved(tree, village, days=n + 1)
    add_case(tree, tree["north"], category="question")
    inland = factories.make_area("Inland Region", "region")
    north = db.session.get(Area, tree["north"].id)
    north.parent = inland  # a district, its villages and their cases go with it
    db.session.commit()
    inland_months = db.session.scalars(select(FeedbackMonth).where(FeedbackMonth.area_id == inland.id,
                                                                   FeedbackMonth.programme == ALL_PROGRAMMES))
    assert sum(m.cases for m in inland_months) == 5
    assert kept() == counted_again()
    db.session.delete(db.session.get(Area, tree["villages"][2].id))  # its cases then name no area
    db.session.commit()
    assert kept() == counted_again()
    # An area moved while a case changes: counted again whole.
    village = db.session.get(Area, tree["villages"][1].id)
    village.parent = tree["south"]
    case = db.session.scalar(select(FeedbackCase).where(FeedbackCase.area_id == village.id).limit(1))
    case.category = "suggestion"
    db.session.commit()
    assert kept() == counted_again()


def median(buckets: list[tuple[int, int]]) -> float | None:
    """The median of values given as (value, how many)."""
    values = [value for value, n in sorted(buckets) for _ in range(n)]
    if not values:
        return None
    return (values[(len(values) - 1) // 2] + values[len(values) // 2]) / 2


@pytest.mark.parametrize("buckets", [[], [(3, 1)], [(1, 1), (4, 1)], [(0, 2), (2, 1), (9, 4)], [(0, 2), (2, 2)],
                                     [(5, 3), (6, 1)], [(0, 1), (366, 2)]])
def test_median_of_counted_days(app, buckets):
    for days, cases in buckets:
        db.session.add(FeedbackFigure(area_id=7, resolve_days=days, cases=cases))
    db.session.add(FeedbackFigure(area_id=7, resolve_days=-1, cases=4))  # not resolved: not in the median
    db.session.add(FeedbackFigure(area_id=8, resolve_days=1, cases=100))  # another area
    db.session.commit()
    resolved = sum(n for _, n in buckets)
    assert figures._figures([7]) == {7: (resolved + 4, resolved, median(buckets))}


# --- The board --------------------------------------------------------------------------------------

def test_board_figures_by_area_and_its_inside(client, tree):
    for days in (1, 2, 9):
        resolved(tree, tree["villages"][0], days=days)
    resolved(tree, tree["villages"][2], days=4)
    add_case(tree, tree["villages"][2])
    add_case(tree, None, category="question")
    text = client.get("/feedback/board").get_data(as_text=True)
    assert "All of National" in text and "Coast Region" in text and "Not given" in text
    text = client.get(f"/feedback/board?area={tree['region'].id}").get_data(as_text=True)
    rows = figures.board(tree["region"].id).figures
    assert [(r.name, r.received, r.resolved, r.median) for r in rows] == [
        ("Coast Region", 5, 4, 3.0), ("North District", 3, 3, 2.0), ("South District", 2, 1, 4.0)]
    assert "All of Coast Region" in text and "North District" in text
    # The list is of the cases inside the chosen area, its villages included.
    north = client.get(f"/feedback/board?area={tree['north'].id}").get_data(as_text=True)
    assert "(9 days)" in north and "(4 days)" not in north
    # The filter offers the way down to the chosen area and what is just inside it, not every area.
    assert f'<option value="{tree["villages"][0].id}"' in north
    assert f'<option value="{tree["villages"][2].id}"' not in north


def test_board_shows_the_areas_with_most_cases(client, tree, monkeypatch):
    monkeypatch.setattr(figures, "FIGURE_AREAS", 1)
    resolved(tree, tree["villages"][2])
    resolved(tree, tree["villages"][2])
    resolved(tree, tree["villages"][0])
    text = client.get(f"/feedback/board?area={tree['region'].id}").get_data(as_text=True)
    assert ">South District</a>" in text and ">North District</a>" not in text
    assert "Only the 1 areas with most cases are shown" in text


def test_board_pages_by_position(client, tree, app):
    app.config["PER_PAGE"] = 2
    cases = [resolved(tree, tree["villages"][0], days=n + 1) for n in range(5)]
    newest_first = sorted(cases, key=lambda c: (c.resolved_at, c.id), reverse=True)
    seen, url = [], "/feedback/board"
    while url:
        response = client.get(url)
        text = response.get_data(as_text=True)
        seen += [c.id for c in newest_first if c.public_summary in text]
        older = re.findall(r'href="([^"]*after=[^"]*)"', text)
        url = older[0].replace("&amp;", "&") if older else None
    assert seen == [c.id for c in newest_first]
    assert client.get("/feedback/board?after=nonsense_1").status_code == 200
    assert client.get(f"/feedback/board?after=2020-01-01T00:00:00_{2**40}").status_code == 200


def test_board_lists_only_what_was_published(client, tree):
    resolved(tree, tree["villages"][0], public_summary="Published one.")
    add_case(tree, tree["villages"][0], publishable=True, public_summary="Not answered yet.",
             response="Working on it.")
    text = client.get("/feedback/board").get_data(as_text=True)
    assert "Published one." in text and "Not answered yet." not in text


@pytest.mark.parametrize("query", ["", "?category=complaint", "?area={region}", "?area={north}&category=question"])
def test_board_runs_fixed_queries(client, count_queries, tree, query):
    url = "/feedback/board" + query.format(region=tree["region"].id, north=tree["north"].id)

    def add(n):
        for i in range(n):
            resolved(tree, tree["villages"][i % 3], days=i % 7)
            add_case(tree, tree["villages"][i % 3], category="question")
    add(1)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    add(12)
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many.count == few.count, many.statements[few.count:]


# --- A committee's patterns -------------------------------------------------------------------------

def test_patterns_read_the_counts(client, app, tree, count_queries):
    committee = factories.make_committee("Coast Committee", level="region", area=tree["region"])
    member = factories.add_member(committee, role="member")
    login(client, member)
    url = f"/committees/{committee.id}/feedback"
    add_case(tree, tree["region"], programme="")  # in the region itself, not in a district
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for n in range(6):
        add_case(tree, tree["villages"][n % 2], programme="Child grant")
    add_case(tree, tree["villages"][2], category="suggestion", received_at=utcnow() - timedelta(days=400))
    with count_queries() as many:
        text = client.get(url).get_data(as_text=True)
    assert many.count == few.count, many.statements[few.count:]
    result = figures.patterns(tree["region"])
    month = figures.pattern_months()[-1]
    assert result.counts[("complaint", month)] == 7
    assert [(a.name if a else None, total) for a, _, total in result.by_area] == [("North District", 6),
                                                                                 (None, 1)]
    assert result.clusters == [(("complaint", "Child grant", month), 6)]
    assert "Coast Region itself" in text and "<strong>6</strong>" in text
    assert "suggestion" not in [c for (c, _), n in result.counts.items() if n]  # 400 days ago: outside


def test_patterns_bound_areas_and_clusters(app, tree, monkeypatch):
    monkeypatch.setattr(figures, "PATTERN_AREAS", 1)
    monkeypatch.setattr(figures, "PATTERN_CLUSTERS", 1)
    for n in range(5):
        add_case(tree, tree["villages"][0])
        add_case(tree, tree["villages"][2], category="question")
    add_case(tree, tree["villages"][2], category="question")
    result = figures.patterns(tree["region"])
    assert len(result.by_area) == 1 and result.more_areas and result.by_area[0][0].name == "South District"
    assert result.clusters == [(("question", "Child grant", figures.pattern_months()[-1]), 6)]
    assert result.more_clusters


def test_raising_a_cluster_names_its_cases(client, app, tree):
    committee = factories.make_committee("North Committee", level="district", area=tree["north"])
    chair = factories.add_member(committee, role="chair")
    cases = [add_case(tree, tree["villages"][n % 2], programme=" Child grant") for n in range(5)]
    elsewhere = add_case(tree, tree["villages"][2])
    old = add_case(tree, tree["villages"][0], received_at=utcnow() - timedelta(days=70))
    login(client, chair)
    month = figures.pattern_months()[-1]
    assert client.post(f"/committees/{committee.id}/feedback/raise", data={
        "category": "complaint", "programme": "Child grant", "month": month}).status_code == 302
    cluster = db.session.scalar(select(FeedbackCluster))
    assert cluster.case_ids == sorted(c.id for c in cases)
    assert elsewhere.id not in cluster.case_ids and old.id not in cluster.case_ids
    assert "5 cases (Complaint)" in db.session.scalar(select(AgendaItem)).title
    # A month outside the window, or made up, raises nothing.
    for bad in ("1999-01", "2026-13", "x"):
        refused = client.post(f"/committees/{committee.id}/feedback/raise", data={
            "category": "complaint", "programme": "Child grant", "month": bad}, follow_redirects=True)
        assert "no longer a cluster" in refused.get_data(as_text=True)


def test_months_are_the_deployments(app):
    with app.test_request_context():
        app.config["TIMEZONE"] = "Asia/Dhaka"  # UTC+6
        start, end = figures.month_span("2026-03")
        assert start.isoformat() == "2026-02-28T18:00:00" and end.isoformat() == "2026-03-31T18:00:00"
        assert figures.pattern_months(start) == ["2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]


# --- The case list ----------------------------------------------------------------------------------

def test_case_list_pages_without_counting(client, app, tree, count_queries):
    app.config["PER_PAGE"] = 2
    cases = [add_case(tree, tree["villages"][0], received_at=utcnow() - timedelta(hours=n)) for n in range(5)]
    closed = add_case(tree, tree["villages"][0], status="closed", resolved_at=utcnow())
    login(client, tree["handler"])
    due_first = sorted(cases, key=lambda c: (c.due_at, -c.received_at.timestamp()))
    seen = []
    for page in (1, 2, 3):
        text = client.get(f"/cases?page={page}").get_data(as_text=True)
        seen += [c.code for c in due_first if c.code in text]
        assert ("rel=\"next\"" in text) == (page < 3)
    assert seen == [c.code for c in due_first]
    everything = client.get("/cases?status=&page=3").get_data(as_text=True)
    assert closed.code in everything  # no deadline: last
    with count_queries() as counter:
        client.get("/cases?page=2")
    assert not any("count(" in statement.lower() for statement in counter.statements)


def test_a_case_shows_actions_decided_on_its_cluster(client, app, tree, count_queries):
    from workspace.models import Decision
    committee = factories.make_committee("North Committee", level="district", area=tree["north"])
    chair = factories.add_member(committee, role="chair")
    cases = [add_case(tree, tree["villages"][0]) for _ in range(5)]
    login(client, chair)
    client.post(f"/committees/{committee.id}/feedback/raise", data={
        "category": "complaint", "programme": "Child grant", "month": figures.pattern_months()[-1]})
    item = db.session.scalar(select(AgendaItem))
    decision = Decision(agenda_item_id=item.id, text="Pay the late grants this week.")
    db.session.add(decision)
    db.session.commit()
    factories.make_action(factories.make_plan(committee), title="Pay the late grants", origin_type="decision",
                          origin_id=decision.id)
    other = add_case(tree, tree["villages"][0])
    anonymous = app.test_client()
    assert "Pay the late grants" in anonymous.get(f"/feedback/track/{cases[2].code}").get_data(as_text=True)
    with count_queries() as counter:
        text = anonymous.get(f"/feedback/track/{other.code}").get_data(as_text=True)
    assert "Pay the late grants" not in text
    assert not any("FROM feedback_clusters" in statement for statement in counter.statements)


def test_board_figures_are_kept_a_short_time(client, app, tree, count_queries, monkeypatch):
    resolved(tree, tree["villages"][0])
    client.get("/feedback/board")
    with count_queries() as kept:
        assert client.get("/feedback/board").status_code == 200
    assert len(kept.statements) == 1  # the list only: the figures were read a moment ago
    resolved(tree, tree["villages"][0], public_summary="Another one.")  # a change made here shows at once
    assert ">2</td>" in client.get("/feedback/board").get_data(as_text=True).replace(" ", "")
    monkeypatch.setattr(figures, "BOARD_SECONDS", 0)  # and one made elsewhere, once they are that old
    with count_queries() as again:
        client.get("/feedback/board")
    assert len(again.statements) == 4


def test_clusters_are_of_one_programme(app, tree):
    for n in range(3):
        add_case(tree, tree["villages"][0], programme="Child grant")
        add_case(tree, tree["villages"][0], programme="Old age pension")
    result = figures.patterns(tree["region"])
    assert result.counts[("complaint", figures.pattern_months()[-1])] == 6
    assert result.clusters == []  # six complaints, but no five about one programme
