"""`flask seed-demo`: a demo workspace that looks like a real one. Running it again changes nothing."""
from datetime import datetime, time, timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from workspace import audit, edits
from workspace.extensions import db
from workspace.clock import local_today, to_utc
from workspace.actions import services as action_services
from workspace.committees import services
from workspace.feedback import routing, services as feedback_services
from workspace.feedback.timing import answer_times, current_due
from workspace.indicators import periods, signoff
from workspace.sessions import services as session_services
from workspace.indicators import services as indicator_services
from workspace.indicators.owners import Owner
from workspace.models import (
    AgendaItem, Area, Committee, FeedbackCase, GroupRole, Indicator, IndicatorValue, Meeting, Membership,
    Organization, PlanningSession, User, WordsTranslation,
)

DEMO_PASSWORD = "demo-workspace-2026"

# (name, level, parent name)
AREAS = [
    ("National", "national", None),
    ("Northern Region", "region", "National"),
    ("Coastal Region", "region", "National"),
    ("Mapleton District", "district", "Northern Region"),
    ("Seaview District", "district", "Coastal Region"),
    ("Mapleton Municipality", "subdistrict", "Mapleton District"),
    ("Eastbrook Sub-district", "subdistrict", "Mapleton District"),
    ("Seaview Municipality", "subdistrict", "Seaview District"),
    ("Kanta Village", "community", "Eastbrook Sub-district"),
    ("Greenhill Ward", "community", "Mapleton Municipality"),
    ("Dovepoint Village", "community", "Seaview Municipality"),
]

# (name, kind, area name)
ORGANIZATIONS = [
    ("Ministry of Social Welfare", "government", "National"),
    ("Ministry of Local Government", "government", "National"),
    ("Department of Disaster Management", "government", "National"),
    ("Ministry of Women and Children Affairs", "government", "National"),
    ("Ministry of Finance", "government", "National"),
    ("Ministry of Education", "government", "National"),
    ("Mapleton District Social Welfare Office", "government", "Mapleton District"),
    ("Seaview District Council", "government", "Seaview District"),
    ("Community Action for Social Protection", "ngo", "National"),
    ("Coastal Livelihoods Trust", "ngo", "Coastal Region"),
    ("Child Rights Forum", "ngo", "Northern Region"),
    ("Kanta Women's Savings Group", "community_group", "Kanta Village"),
    ("Greenhill Mothers' Group", "community_group", "Greenhill Ward"),
    ("Dovepoint Village Development Committee", "community_group", "Dovepoint Village"),
]

# (name, email, organisation, is_admin, what they do: printed with the logins)
USERS = [
    ("Amina Rahman", "admin@workspace.example", "Ministry of Social Welfare", True, "administrator"),
    ("Joseph Okello", "joseph.okello@workspace.example", "Ministry of Social Welfare", False,
     "government: national committee chair"),
    ("Farida Haque", "farida.haque@workspace.example", "Ministry of Local Government", False,
     "government: national committee secretary"),
    ("Daniel Mensah", "daniel.mensah@workspace.example", "Mapleton District Social Welfare Office", False,
     "government: district officer"),
    ("Grace Njeri", "grace.njeri@workspace.example", "Community Action for Social Protection", False,
     "NGO: programme manager and facilitator"),
    ("Samuel Tetteh", "samuel.tetteh@workspace.example", "Coastal Livelihoods Trust", False,
     "NGO: field officer"),
    ("Mariam Sultana", "mariam.sultana@workspace.example", "Kanta Women's Savings Group", False,
     "community: savings group coordinator (reads in Bengali)"),
    ("Ruth Achieng", "ruth.achieng@workspace.example", "Greenhill Mothers' Group", False,
     "community: mothers' group member"),
    ("Peter Banda", "peter.banda@workspace.example", "Dovepoint Village Development Committee", False,
     "community: village committee secretary"),
    ("Nasima Akter", "nasima.akter@workspace.example", "Kanta Women's Savings Group", False,
     "community: savings group member (reads in Bengali)"),
]


NATIONAL = "National Social Protection Coordination Committee"
MAPLETON = "Mapleton District Social Protection Committee"
SEAVIEW = "Seaview District Social Protection Committee"

TERMS = """The committee brings together the ministries, NGOs and community representatives who deliver
social protection, so that programmes reach the people they are meant for without gaps or overlaps.

It:

- meets at least four times a year, and more often in an emergency;
- reviews coverage, targeting and grievance reports from the districts;
- agrees joint actions, names who is responsible, and follows them up at the next meeting;
- raises to the ministry what cannot be solved at this level.

Decisions are taken by consensus; where there is none, by a majority of voting members present."""

# (name, level, area, parent, meetings required a year, thematic focus)
COMMITTEES = [
    (NATIONAL, "national", "National", None, 4, "Coordination of all social protection programmes"),
    (MAPLETON, "district", "Mapleton District", NATIONAL, 4, "Cash transfers and school feeding"),
    (SEAVIEW, "district", "Seaview District", NATIONAL, 4, "Disaster response and livelihoods"),
    ("Eastbrook Local Coordination Committee", "local", "Eastbrook Sub-district", MAPLETON, 6, "Outreach to remote villages"),
    ("Greenhill Ward Social Protection Committee", "local", "Greenhill Ward", MAPLETON, 6, "Mothers and young children"),
    ("Dovepoint Village Social Protection Committee", "local", "Dovepoint Village", SEAVIEW, 6, "Fisherfolk and flood risk"),
]

# (committee, email, role)
MEMBERS = [
    (NATIONAL, "joseph.okello@workspace.example", "chair"),
    (NATIONAL, "farida.haque@workspace.example", "secretary"),
    (NATIONAL, "grace.njeri@workspace.example", "member"),
    (NATIONAL, "daniel.mensah@workspace.example", "member"),
    (NATIONAL, "mariam.sultana@workspace.example", "member"),
    (NATIONAL, "samuel.tetteh@workspace.example", "observer"),
    (MAPLETON, "daniel.mensah@workspace.example", "chair"),
    (MAPLETON, "grace.njeri@workspace.example", "secretary"),
    (MAPLETON, "ruth.achieng@workspace.example", "member"),
    (MAPLETON, "mariam.sultana@workspace.example", "member"),
    (SEAVIEW, "samuel.tetteh@workspace.example", "chair"),
    (SEAVIEW, "peter.banda@workspace.example", "member"),
    ("Eastbrook Local Coordination Committee", "mariam.sultana@workspace.example", "chair"),
    ("Greenhill Ward Social Protection Committee", "ruth.achieng@workspace.example", "chair"),
    ("Dovepoint Village Social Protection Committee", "peter.banda@workspace.example", "secretary"),
]


# The Kanta group works in Bengali: its indicators are in its own words, with the English that its
# verifier added for the committee.
# (short name, question in the group's words, its English, unit, frequency, target, split, why)
INDICATORS = [
    ("Weekly savers", "এই মাসে আমাদের কতজন প্রতি সপ্তাহে বাক্সে টাকা রেখেছেন?",
     "How many of us put money in the box every week this month?", "percent", "monthly", 80, [],
     "প্রতি সপ্তাহের সঞ্চয়ই দলের তহবিল টিকিয়ে রাখে।"),
    ("Children in school", "এই মাসে আমাদের কতজন শিশু প্রতিদিন স্কুলে গিয়েছে?",
     "How many of our children went to school every day this month?", "count", "monthly", 40, ["sex"],
     "আমরা চাই প্রতিটি শিশু প্রাথমিক বিদ্যালয় শেষ করুক, ছেলেদের মতো মেয়েরাও।"),
    ("Payment point", "ভাতা বিতরণ কেন্দ্র আমাদের কতটা ভালো সেবা দেয়?",
     "How well does the payment point serve us?", "score", "quarterly", 4, [],
     "লম্বা লাইন আর অস্পষ্ট তারিখের কারণে আমাদের একদিনের কাজ নষ্ট হয়।"),
]
GROUP_LANGUAGE = "bn"
BENGALI_GROUP = "Kanta Women's Savings Group"
SCORE_WORDS = ["খুব খারাপ", "খারাপ", "মোটামুটি", "ভালো", "খুব ভালো"]


def _seed_indicators(group: Organization) -> None:
    """Only for a group with no indicators: a later run adds nothing."""
    if db.session.scalar(select(Indicator.id).where(Indicator.organization_id == group.id)):
        return
    users = {user.email: user for user in db.session.scalars(select(User))}
    coordinator, member = users["mariam.sultana@workspace.example"], users["nasima.akter@workspace.example"]
    verifier = users["grace.njeri@workspace.example"]
    for user, role in ((coordinator, "coordinator"), (verifier, "verifier")):
        _get_or_create(GroupRole, {"organization_id": group.id, "user_id": user.id, "role": role})
    today = local_today()
    made = []
    for short, question, english, unit, frequency, target, split, why in INDICATORS:
        indicator = indicator_services.propose(
            Owner(group), member, short_name=short, question=question, unit=unit, frequency=frequency, target=target,
            dimensions=split, why=why, baseline_value=None, baseline_date=None,
            score_labels=SCORE_WORDS if unit == "score" else [],
            verification="দলের হিসাবের খাতা" if unit != "score" else "সদস্যদের হাত তুলে মত")
        indicator.language = GROUP_LANGUAGE
        indicator_services.decide(indicator, "adopted")
        db.session.add(WordsTranslation(indicator_id=indicator.id, language="en", text=english,
                                        translated_by_id=verifier.id))
        made.append(indicator)
    savers, school, _payment = made
    loans = indicator_services.propose(Owner(group), member, short_name="Loans repaid on time",
                                       question="কতগুলো ঋণ নির্ধারিত দিনে শোধ হয়েছে?", unit="count",
                                       frequency="monthly", target=None, dimensions=[], why="", baseline_value=None,
                                       baseline_date=None, score_labels=[], verification="")
    loans.language = GROUP_LANGUAGE
    # Eight months of history: verified, except one returned and the current month as a draft.
    months = periods.last_periods("monthly", today, 9)
    for n, period in enumerate(months[:-1]):
        saved = [65, 70, 72, 58, 75, 78, 81, 84][n]
        girls, boys = 15 + n, 16 + n // 2
        indicator_services.save_period(Owner(group), period, member, [
            indicator_services.Entry(savers, {"": float(saved)}, comment="হিসাবের খাতা থেকে",
                                     explanation="ফসল বিক্রির টাকা এসেছে" if n == 4 else ""),
            indicator_services.Entry(school, {"sex=female": float(girls), "sex=male": float(boys),
                                              "": float(girls + boys)}),
        ], submit=True)
    # One decision per indicator and period (its total and split together): through the totals.
    for value in db.session.scalars(select(IndicatorValue).where(IndicatorValue.state == "submitted",
                                                                 IndicatorValue.cell == "")
                                    .order_by(IndicatorValue.period.desc(), IndicatorValue.id)).all():
        if value.period == months[-2] and value.indicator_id == savers.id:
            indicator_services.return_value(value, verifier, "The book shows 21 of 26 members: please check.")
        else:
            indicator_services.verify(value, verifier)
    # The older months signed off by the coordinator and approved for the area by the chair of a
    # committee over the village; the newest of them still waits for approval.
    chairs = db.session.scalars(select(User).join(Membership, Membership.user_id == User.id)
                                .where(Membership.role == "chair").order_by(User.id)).all()
    approver = next((chair for chair in chairs if signoff.approving_committee(chair, group)), None)
    for period in months[:-3]:
        record = signoff.take(group, period, "sign_off", coordinator, None)
        if approver is not None and period != months[-4]:
            signoff.take(group, period, "approve", approver, edits.Stated(record.version))


# (category, what happened, area, programme, days ago, how far it got)
CASES = [
    ("complaint", "The cash transfer for my grandchildren did not come this month.", "Dovepoint Village",
     "Child grant", 20, "resolved"),
    ("complaint", "At the pay point we waited from morning to evening and some went home without being paid.",
     "Dovepoint Village", "Child grant", 9, "in_progress"),
    ("complaint", "My name was removed from the list but nobody told me why.", "Seaview Municipality",
     "Child grant", 4, "acknowledged"),
    ("suggestion", "Please pay at the school on market day so mothers do not lose a day's work.",
     "Dovepoint Village", "Child grant", 3, "received"),
    ("question", "Can a widow with one child apply for the grant?", "Seaview District", "", 1, "received"),
]


def _seed_feedback(areas: dict[str, Area], organizations: dict[str, Organization]) -> None:
    """Only where there are no cases yet: a later run adds nothing."""
    if db.session.scalar(select(FeedbackCase.id)):
        return
    users = {user.email: user for user in db.session.scalars(select(User))}
    handler = users["samuel.tetteh@workspace.example"]
    trust = organizations["Coastal Livelihoods Trust"]
    # The trust handles what comes from Seaview District; elsewhere, cases wait to be routed by hand.
    routing.add_rule(users["admin@workspace.example"], trust.id, areas["Seaview District"].id, None, None)
    for category, text, area, programme, days_ago, reached in CASES:
        case = feedback_services.create_case(recorded_by=handler, category=category, description=text,
                                             channel="community_meeting", area_id=areas[area].id, programme=programme)
        case.received_at = case.received_at - timedelta(days=days_ago)
        case.assigned_organization_id, case.assigned_user_id = trust.id, handler.id
        case.due_at = current_due(case, answer_times())
        db.session.commit()
        for step in ("acknowledged", "in_progress", "resolved"):
            if ["received", "acknowledged", "in_progress", "resolved"].index(reached) < \
                    ["received", "acknowledged", "in_progress", "resolved"].index(step):
                break
            if step == "resolved":
                feedback_services.respond(case, edits.Stated(case.version), "The payment was delayed by a bank error; it was paid on the "
                                                "next pay day, with the missed month.", True,
                                          "A child grant payment did not arrive in Dovepoint.", outcome="upheld")
            feedback_services.move(case, handler, edits.Stated(case.version), step, "")


def _seed_session() -> None:
    """An open workshop of the Mapleton committee, in its voting phase. Only if there is none yet."""
    if db.session.scalar(select(PlanningSession.id)):
        return
    committee = db.session.scalar(select(Committee).where(Committee.name == MAPLETON))
    users = {user.email: user for user in db.session.scalars(select(User))}
    grace, ruth = users["grace.njeri@workspace.example"], users["ruth.achieng@workspace.example"]
    session = session_services.create_session(grace, title="Reaching the families we miss", held_on=local_today(),
                                              committee_id=committee.id, votes_per_participant=3, votes_per_idea=2,
                                              purpose="Why do eligible families in Eastbrook not receive the child "
                                                      "grant, and what can we do about it this quarter?")
    facilitator = session_services.join_member(session, grace)
    member = session_services.join_member(session, ruth)
    late = session_services.add_card(session, member, "Families do not know they are eligible", "problems")
    papers = session_services.add_card(session, facilitator, "Birth certificates are missing", "problems")
    session_services.advance(session, "problems")
    session_services.add_card(session, member, "Mothers' groups tell their members at every meeting", "ideas",
                              late.id)
    session_services.add_card(session, facilitator, "Radio announcements before each payment round", "ideas",
                              late.id)
    session_services.add_card(session, member, "Registration days with the civil registry in the villages",
                              "ideas", papers.id)
    session_services.advance(session, "ideas")


def _get_or_create(model, lookup: dict, **values):
    record = db.session.scalar(select(model).filter_by(**lookup))
    if record is None:
        record = model(**lookup, **values)
        db.session.add(record)
        db.session.flush()
        audit.record("create", record, after=audit.snapshot(record))
    return record


def seed_demo() -> list[tuple[str, str]]:
    """Creates what is missing of the demo workspace; returns (email, role) of the demo logins."""
    areas: dict[str, Area] = {}
    for name, level, parent in AREAS:
        parent_id = areas[parent].id if parent else None
        areas[name] = _get_or_create(Area, {"name": name, "parent_id": parent_id}, level=level)
    organizations: dict[str, Organization] = {}
    for name, kind, area in ORGANIZATIONS:
        organizations[name] = _get_or_create(Organization, {"name": name}, kind=kind, area_id=areas[area].id)
    logins = []
    for name, email, organization, is_admin, role in USERS:
        user = _get_or_create(User, {"email": email}, name=name, is_admin=is_admin,
                              organization_id=organizations[organization].id)
        if organization == BENGALI_GROUP and user.language is None:
            user.language = GROUP_LANGUAGE  # the app opens in Bengali for them
        if user.password_hash is None:
            user.set_password(DEMO_PASSWORD)
        logins.append((email, role))
    db.session.commit()
    _seed_committees(areas)
    _seed_indicators(organizations[BENGALI_GROUP])
    _seed_feedback(areas, organizations)
    _seed_session()
    _seed_programmes(areas, organizations)
    return logins


# (name, owner, cluster, groups, support, areas, start year, delivered for the government,
#  {fiscal year: (people planned, people reached, budget in BDT)})
PROGRAMMES = [
    ("Old-age allowance", "Ministry of Social Welfare", "social_allowances", ["elderly"], "cash", ["National"],
     1998, False, {2025: (5_800_000, 5_750_000, 42_000_000_000), 2026: (6_000_000, None, 44_000_000_000)}),
    ("Allowance for widowed and deserted women", "Ministry of Social Welfare", "social_allowances",
     ["working_age"], "cash", ["National"], 1998, False, {2025: (2_550_000, 2_500_000, 16_300_000_000)}),
    ("Disability allowance", "Ministry of Social Welfare", "social_allowances", ["disability"], "cash",
     ["National"], 2005, False, {2025: (2_900_000, 2_880_000, 28_000_000_000)}),
    ("School stipends", "Ministry of Education", "human_development", ["school_age"], "cash", ["National"],
     2002, False, {2025: (13_000_000, 12_400_000, 19_000_000_000)}),
    ("Vulnerable group feeding", "Department of Disaster Management", "food_security",
     ["children", "working_age", "elderly"], "in_kind", ["Seaview District", "Mapleton District"], 2010, False,
     {2025: (120_000, 131_000, 2_100_000_000)}),
    ("Employment generation programme for the poorest", "Department of Disaster Management", "labour",
     ["working_age"], "employment", ["Seaview District"], 2009, False, {2025: (40_000, 38_500, 1_600_000_000)}),
    ("Child grant", "Ministry of Women and Children Affairs", "social_allowances", ["children"], "cash",
     ["Seaview District"], 2019, False, {2025: (65_000, 61_000, 950_000_000)}),
    ("Elderly cash support", "Community Action for Social Protection", "social_allowances", ["elderly"], "cash",
     ["Mapleton District"], 2024, True, {2025: (4_000, 3_900, 120_000_000)}),
    ("Flood relief food packs", "Coastal Livelihoods Trust", "food_security", ["children", "working_age"],
     "in_kind", ["Seaview Municipality"], 2023, False, {2025: (9_000, 9_400, 45_000_000)}),
    ("Savings groups for women", "Community Action for Social Protection", "labour", ["working_age"], "services",
     ["Eastbrook Sub-district"], 2021, False, {2025: (1_200, 1_150, 30_000_000)}),
    ("Child protection in Greenhill", "Child Rights Forum", "human_development", ["children"], "services",
     ["Greenhill Ward"], 2022, False, {2025: (800, 760, 12_000_000)}),
]
GDP_2025 = 50_000_000_000_000  # BDT: the demo country's GDP in fiscal year 2025


def _seed_programmes(areas: dict[str, Area], organizations: dict[str, Organization]) -> None:
    """The strategy's programmes across the demo areas, with two real overlaps: the NGO's elderly
    cash support inside the national old-age allowance, and flood relief food packs inside the
    vulnerable group feeding. Only where there are no programmes yet."""
    from datetime import date

    from workspace.models import GdpFigure, LifecycleGroup, Programme, ProgrammeCluster, ProgrammeYear
    from workspace.programmes import services as programme_services

    if db.session.scalar(select(Programme.id)):
        return
    programme_services.ensure_lists()
    clusters = {c.key: c for c in db.session.scalars(select(ProgrammeCluster))}
    groups = {g.key: g for g in db.session.scalars(select(LifecycleGroup))}
    for name, owner, cluster, served, support, where, start, for_government, years in PROGRAMMES:
        programme = programme_services.create_programme(
            name=name, organization_id=organizations[owner].id, cluster_id=clusters[cluster].id,
            support_kind=support, starts_on=date(start, 7, 1), status="active", for_government=for_government,
            objectives="", groups=[groups[key] for key in served], areas=[areas[a] for a in where], commit=False)
        for year, (planned, reached, budget) in years.items():
            db.session.add(ProgrammeYear(programme=programme, year=year, beneficiaries_planned=planned,
                                         beneficiaries_reached=reached, budget=budget, currency="BDT",
                                         funding_source="Government revenue budget"
                                         if organizations[owner].kind == "government" else "Donor grant",
                                         reached_note="An emergency top-up after the floods."
                                         if reached and reached > planned else ""))
    if db.session.get(GdpFigure, 2025) is None:
        db.session.add(GdpFigure(year=2025, amount=GDP_2025, currency="BDT"))
    db.session.commit()


def _seed_committees(areas: dict[str, Area]) -> None:
    committees: dict[str, Committee] = {}
    for name, level, area, parent, required, focus in COMMITTEES:
        committees[name] = _get_or_create(
            Committee, {"name": name}, level=level, area_id=areas[area].id,
            parent_id=committees[parent].id if parent else None, required_meetings_per_year=required,
            thematic_focus=focus, terms_of_reference=TERMS if level == "national" else "", quorum_percent=50)
    users = {user.email: user for user in db.session.scalars(select(User))}
    for committee, email, role in MEMBERS:
        _get_or_create(Membership, {"committee_id": committees[committee].id, "user_id": users[email].id}, role=role)
    db.session.commit()
    # Meetings only for a committee that has none: a later run, on another day, adds nothing.
    national, mapleton = committees[NATIONAL], committees[MAPLETON]
    if not db.session.scalar(select(Meeting.id).where(Meeting.committee_id == national.id)):
        _seed_national_meetings(national, users)
    if not db.session.scalar(select(Meeting.id).where(Meeting.committee_id == mapleton.id)):
        _seed_district_meeting(mapleton, users)


def _at(days_from_today: int, hour: int):
    return to_utc(datetime.combine(local_today() + timedelta(days=days_from_today), time(hour, 0)))


def _seed_national_meetings(committee: Committee, users: dict[str, User]) -> None:
    chair, secretary = users["joseph.okello@workspace.example"], users["farida.haque@workspace.example"]
    past = services.schedule_meeting(committee, title="Third quarter coordination meeting",
                                     starts_at=_at(-45, 10), place="Ministry of Social Welfare, Conference Room 2")
    for title, kind, presenter, minutes in [
        ("Opening and adoption of the agenda", "information", "Joseph Okello", 10),
        ("Coverage of the child grant in the districts", "discussion", "Daniel Mensah", 30),
        ("Joint registration drive before the lean season", "decision", "Grace Njeri", 25),
    ]:
        past.items.append(AgendaItem(committee_id=committee.id, title=title, kind=kind, presenter=presenter,
                                     minutes_allotted=minutes, status="accepted", position=len(past.items) + 1))
    db.session.commit()
    items = past.items
    services.record_meeting(
        past, secretary, mark_held=True,
        members=[],
        attendance={users[e].id: s for e, s in [
            ("joseph.okello@workspace.example", "present"), ("farida.haque@workspace.example", "present"),
            ("grace.njeri@workspace.example", "present"), ("daniel.mensah@workspace.example", "apologies"),
            ("mariam.sultana@workspace.example", "present"), ("samuel.tetteh@workspace.example", "absent")]},
        minutes={
            items[0].id: "The chair welcomed members. The agenda was adopted without changes.",
            items[1].id: "The district office reported that about one in five eligible households in "
                         "Eastbrook are not yet enrolled, mostly for lack of birth registration.",
            items[2].id: "Members agreed to combine birth registration with grant enrolment in the "
                         "villages, using the NGO field teams.",
        },
        decisions={},
        new_decisions={items[2].id: "Hold joint registration days in Eastbrook and Kanta before the end "
                                    "of the quarter, led by the district social welfare office with "
                                    "Community Action for Social Protection."},
    )
    _seed_actions(committee, past.items[2].decisions[0], users)
    upcoming = services.schedule_meeting(committee, title="Fourth quarter coordination meeting",
                                         starts_at=_at(21, 10), place="Ministry of Social Welfare, Conference Room 2",
                                         call_link="https://meet.example.org/national-sp-committee")
    for title, kind, presenter, minutes in [
        ("Follow-up of decisions from the last meeting", "discussion", "Farida Haque", 20),
        ("Grievance report: delays in payments", "discussion", "Grace Njeri", 25),
        ("Work plan for next year", "decision", "Joseph Okello", 30),
    ]:
        services.add_item(upcoming, title=title, kind=kind, presenter=presenter, minutes_allotted=minutes)
    services.propose_item(committee, users["mariam.sultana@workspace.example"],
                          title="Savings groups as a channel for cash transfers", kind="discussion",
                          minutes_allotted=15,
                          description="Several savings groups already keep records for their members and "
                                      "could help with payment days.")


def _seed_actions(committee: Committee, decision, users: dict[str, User]) -> None:
    today = local_today()
    organizations = {o.name: o for o in db.session.scalars(select(Organization))}
    plan = action_services.actions_from_decision(
        decision, None, "Actions from the third quarter meeting",
        title="Joint registration days in Eastbrook", description=decision.text,
        responsible_organization_id=organizations["Mapleton District Social Welfare Office"].id,
        focal_person=users["daniel.mensah@workspace.example"], start_date=today - timedelta(days=40),
        due_date=today - timedelta(days=5), status="in_progress", progress=60,
        supporters=[organizations["Community Action for Social Protection"]]).plan
    blocked = action_services.actions_from_decision(
        decision, plan, "", title="Birth registration kits for the field teams", description="",
        responsible_organization_id=organizations["Community Action for Social Protection"].id,
        focal_person=users["grace.njeri@workspace.example"], start_date=today - timedelta(days=30),
        due_date=today + timedelta(days=10), status="in_progress", progress=20)
    action_services.post_update(blocked, users["grace.njeri@workspace.example"], edits.Stated(blocked.version),
                                text="The kits are held at customs; the ministry's letter is needed to release them.",
                                status="blocked", progress=20)
    action_services.create_action(
        plan, title="Radio announcements of the registration days",
        responsible_organization_id=organizations["Ministry of Local Government"].id,
        focal_person=users["farida.haque@workspace.example"], start_date=today + timedelta(days=3),
        due_date=today + timedelta(days=30))


def _seed_district_meeting(committee: Committee, users: dict[str, User]) -> None:
    meeting = services.schedule_meeting(committee, title="District coordination meeting",
                                        starts_at=_at(10, 9), place="Mapleton District Council Hall")
    item = services.add_item(meeting, title="Flood damage to the Eastbrook school feeding stores",
                             kind="discussion", presenter="Ruth Achieng", minutes_allotted=20,
                             description="Stores in two schools were damaged; feeding has stopped there.")
    services.add_item(meeting, title="Update from the mothers' groups", kind="information",
                      presenter="Ruth Achieng", minutes_allotted=15)
    services.escalate_item(item, users["daniel.mensah@workspace.example"])


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Load the demo workspace (areas, organisations, people). Safe to run again."""
    logins = seed_demo()
    click.echo("Demo workspace ready. Log in at http://127.0.0.1:5000 with any of these")
    click.echo(f"(password for all: {DEMO_PASSWORD}):")
    for email, role in logins:
        click.echo(f"  {email:40} {role}")
