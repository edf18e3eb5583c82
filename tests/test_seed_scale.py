"""`flask seed-scale`: the national-scale world at a tiny factor, in proportion, within every rule
of the database, with the demo people where the weight is; and never over other data."""
import pytest
from sqlalchemy import func, select

from tests import factories
from workspace import scale
from workspace.demo import NATIONAL, seed_demo
from workspace.extensions import db
from workspace.indicators import periods
from workspace.indicators.values import cells
from workspace.models import (
    Action, ActionPlan, ActionUpdate, Area, AuditEvent, Attendance, CaseNote, Committee, FeedbackCase, GroupRole,
    Indicator, IndicatorTarget, IndicatorValue, Meeting, Membership, Organization, Participant, PlanningSession, Programme,
    User, Vote,
)
from workspace.models.directory import AreaLineage
from workspace.models.feedback import FeedbackFigure
from workspace.models.indicators import IndicatorStanding

FACTOR = 0.002
# Table and the planned counts it gains.
ADDS = {
    Area: ("regions", "districts", "subdistricts", "communities"),
    Organization: ("government", "ngos", "community_groups"),
    User: ("users",),
    Committee: ("national_committees", "regional_committees", "district_committees", "local_committees"),
    Meeting: ("meetings",),
    ActionPlan: ("action_plans",),
    Action: ("actions",),
    ActionUpdate: ("action_updates",),
    Indicator: ("indicators",),
    IndicatorValue: ("indicator_values",),
    FeedbackCase: ("feedback_cases",),
    CaseNote: ("case_notes",),
    PlanningSession: ("planning_sessions",),
    AuditEvent: ("audit_events",),
    Programme: ("programmes",),
}


@pytest.fixture
def fast_hashes(monkeypatch):
    """Passwords hashed cheaply: the test needs the rows, not the cost of real hashes."""
    monkeypatch.setattr("workspace.models.accounts.generate_password_hash", lambda _password: factories._FAST_HASH)
    monkeypatch.setattr("workspace.scale.generate_password_hash", lambda _password: factories._FAST_HASH)


def counts() -> dict:
    return {model: db.session.scalar(select(func.count()).select_from(model)) for model in ADDS}


def one(statement):
    return db.session.scalar(statement)


def test_planned_counts_scale_with_the_factor():
    assert scale.planned(1)["communities"] == 5000 and scale.planned(1)["indicator_values"] == 1_000_000
    tenth = scale.planned(0.1)
    assert tenth["users"] == 2000 and tenth["feedback_cases"] == 20000 and tenth["regions"] == 1
    assert min(scale.planned(0.0001).values()) == 1  # at least one of everything


def test_seed_scale_adds_the_world_in_proportion_and_refuses_to_run_again(app, runner, fast_hashes):
    seed_demo()
    before = counts()
    result = runner.invoke(args=["seed-scale", "--factor", str(FACTOR)])
    assert result.exit_code == 0, result.output
    planned, after = scale.planned(FACTOR), counts()
    assert {model: after[model] - before[model] for model in ADDS} == {
        model: sum(planned[key] for key in keys) for model, keys in ADDS.items()}
    assert "heavy session" in result.output and "joseph.okello@workspace.example" in result.output

    again = runner.invoke(args=["seed-scale", "--factor", str(FACTOR)])
    assert again.exit_code != 0
    assert "already holds a scale world" in again.output and "fresh database" in again.output
    assert counts() == after

    _demo_people_have_the_heavy_parts()
    _rows_keep_the_rules_the_database_cannot_state()


def _demo_people_have_the_heavy_parts():
    joseph = one(select(User.id).where(User.email == "joseph.okello@workspace.example"))
    chaired = select(Membership.committee_id).where(Membership.user_id == joseph, Membership.role == "chair")
    assert one(select(func.count()).select_from(Meeting).where(Meeting.committee_id.in_(chaired))) > 0
    assert one(select(func.count()).where(Committee.id.in_(chaired), Committee.name != NATIONAL)) >= 1
    grace = one(select(User.id).where(User.email == scale.HEAVY_SESSION_FACILITATOR))
    heavy = db.session.scalars(select(PlanningSession).where(PlanningSession.facilitator_id == grace,
                                                             PlanningSession.phase == "vote")).all()
    assert heavy and all(session.join_code for session in heavy)
    kanta = one(select(Organization.id).where(Organization.name == scale.KANTA))
    roles = set(db.session.execute(select(GroupRole.user_id, GroupRole.role)
                                   .where(GroupRole.organization_id == kanta)).all())
    assert (grace, "verifier") in roles and any(role == "coordinator" for _, role in roles)
    for email in scale.FOCAL_PERSONS:
        person = one(select(User.id).where(User.email == email))
        assert one(select(func.count()).select_from(Action).where(Action.focal_person_id == person)) >= 1


def _rows_keep_the_rules_the_database_cannot_state():
    # The lineage covers the whole tree: each area with itself and every area above it.
    depth = {"national": 0, "region": 1, "district": 2, "subdistrict": 3, "community": 4}
    assert one(select(func.count()).select_from(AreaLineage)) == sum(
        depth[level] + 1 for level in db.session.scalars(select(Area.level)))
    # The board's figures count every case with an area at the national area.
    national = one(select(Area.id).where(Area.level == "national"))
    assert one(select(func.sum(FeedbackFigure.cases)).where(FeedbackFigure.area_id == national)) == one(
        select(func.count()).select_from(FeedbackCase).where(FeedbackCase.area_id.is_not(None)))
    # Attendance only at meetings held; answered cases carry their answer and times in order.
    assert not one(select(func.count()).select_from(Attendance).join(Meeting).where(Meeting.status != "held"))
    for case in db.session.scalars(select(FeedbackCase).where(FeedbackCase.status.in_(("resolved", "closed")))):
        assert case.response and case.received_at <= case.acknowledged_at <= case.resolved_at
        assert case.due_at is None and (case.status == "resolved" or case.resolved_at <= case.closed_at)
    # Values: a period of the indicator's frequency, a cell of its split, only for adopted ones.
    indicators = {i.id: i for i in db.session.scalars(select(Indicator))}
    for value in db.session.scalars(select(IndicatorValue)):
        indicator = indicators[value.indicator_id]
        assert indicator.status == "adopted" and periods.belongs(value.period, indicator.frequency)
        assert value.cell in cells(indicator.dimensions) + [""]
    assert one(select(func.count()).select_from(IndicatorTarget)) <= scale.planned(FACTOR)["indicator_targets"]
    # Each adopted committee indicator stands on its committee's page.
    owned = select(Indicator.id).where(Indicator.committee_id.is_not(None), Indicator.status == "adopted")
    assert set(db.session.scalars(owned)) <= set(db.session.scalars(select(IndicatorStanding.indicator_id)))
    # Votes within each session's allowance, by people of that session.
    for session in db.session.scalars(select(PlanningSession)):
        used = db.session.execute(select(Vote.participant_id, func.count()).where(Vote.session_id == session.id)
                                  .group_by(Vote.participant_id)).all()
        assert all(n <= session.votes_per_participant for _, n in used)
        ours = set(db.session.scalars(select(Participant.id).where(Participant.session_id == session.id)))
        assert {participant for participant, _ in used} <= ours


def test_seed_scale_refuses_a_database_with_other_data(app, runner, fast_hashes):
    factories.make_organization(name="Ministry of Somewhere Else")
    result = runner.invoke(args=["seed-scale", "--factor", str(FACTOR)])
    assert result.exit_code != 0
    assert "more than the demo workspace" in result.output and "fresh database" in result.output
    assert one(select(func.count()).select_from(User)) == 0
