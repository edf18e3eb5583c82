"""`flask seed-scale [--factor F]`: a national-scale workspace to measure pages against.

At factor 1 the command adds, on top of the demo workspace (seed_demo() completes it first):

- an area tree under the demo's national area: 8 regions, 64 districts, 500 sub-districts and
  5,000 communities; 3,000 organisations (400 government offices, 600 NGOs, 2,000 community
  groups) and 20,000 people;
- 500 committees over the tree (national, regional, district, local; each reports to the
  committee above it) with about 15 members each; 8,000 meetings over the last five years and a
  few weeks ahead, about 5 agenda items each, decisions, attendance at the ones held;
- 2,000 action plans, 50,000 actions (overdue ones among them), 150,000 action updates;
- 6,000 indicators, mostly of community groups, with 1,000,000 values over five years (mostly
  verified, the latest periods submitted or in draft, some returned; some indicators off track)
  and 1,000 period targets; a coordinator and verifiers for the groups;
- 200,000 feedback cases (about 185,000 resolved or closed, a share published) with about
  700,000 case notes;
- 200 planning sessions, one of them open and heavy (200 cards, 30 participants, votes);
- 100,000 audit events.

`--factor 0.1` makes a tenth of every count (at least one of each), the tree proportionally
smaller. Distributions are skewed (a few heavy committees, groups and organisations) and every
draw comes from one random.Random with a fixed seed: a factor gives the same world each time
(dates are counted back from today). The demo people get the heavy parts (DEMO_ROLES and the
quotas below); the command ends by printing who is what.

Everything is written in one transaction, with Core inserts in chunks (COPY on PostgreSQL) and
ids counted on from the largest one there; every column is given, none is left to a Python
default. A database holding anything but the demo is refused: the command is for a fresh one.
Scale people log in with the demo password (one hash, computed once): this world is for
measuring, never for a real deployment.
"""
import base64
import hashlib
import json
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from itertools import chain
from operator import itemgetter
from types import SimpleNamespace

import click
from flask.cli import with_appcontext
from sqlalchemy import JSON, func, insert, select, text
from werkzeug.security import generate_password_hash

from workspace.clock import local_today, to_utc, utcnow
from workspace.demo import (
    AREAS as DEMO_AREAS, COMMITTEES as DEMO_COMMITTEES, DEMO_PASSWORD, MAPLETON, NATIONAL,
    ORGANIZATIONS as DEMO_ORGANIZATIONS, SEAVIEW, USERS as DEMO_USERS, seed_demo,
)
from workspace.extensions import db
from workspace.feedback.timing import answer_times, current_due
from workspace.indicators import periods
from workspace.indicators.values import cells
from workspace.models import (
    AgendaItem, Area, AuditEvent, Attendance, Action, ActionPlan, ActionUpdate, Card, CaseNote, Committee, Decision,
    FeedbackCase, GroupRole, Indicator, IndicatorTarget, IndicatorValue, Meeting, Membership, Organization,
    SUPPORT_KINDS, Participant, PlanningSession, Programme, User, Vote, action_supporters,
)
from workspace.models.directory import AreaLineage, rebuild_area_lineage
from workspace.models.feedback import CODE_ALPHABET, FeedbackFigure, FeedbackMonth, rebuild_feedback_figures
from workspace.models.indicators import IndicatorStanding, refresh_standings
from workspace.models.sessions import JOIN_ALPHABET

SEED = 20261123
SCALE_DOMAIN = "scale.workspace.example"
YEARS_DAYS = 5 * 365  # the history spans five years

# What factor 1 adds.
COUNTS = {
    "regions": 8, "districts": 64, "subdistricts": 500, "communities": 5000,
    "government": 400, "ngos": 600, "community_groups": 2000,
    "users": 20000,
    "national_committees": 6, "regional_committees": 24, "district_committees": 120, "local_committees": 350,
    "meetings": 8000,
    "action_plans": 2000, "actions": 50000, "action_updates": 150000,
    "indicators": 6000, "indicator_values": 1_000_000, "indicator_targets": 1000,
    "feedback_cases": 200000, "case_notes": 700000,
    "planning_sessions": 200, "heavy_session_cards": 200, "heavy_session_participants": 30,
    "audit_events": 100000,
    "programmes": 5000, "programme_areas": 100000,
}


def planned(factor: float) -> dict[str, int]:
    """The counts the command adds at this factor: at least one of each."""
    return {key: max(1, round(count * factor)) for key, count in COUNTS.items()}


def _e(name: str) -> str:
    return f"{name}@workspace.example"


# The demo people in the scale world (factor 1; scaled, at least one).
# Committees: (email, how many, role, which levels), taken from the heaviest committees.
DEMO_ROLES = [
    (_e("joseph.okello"), 2, "chair", ("national",)),
    (_e("farida.haque"), 2, "secretary", ("national",)),
    (_e("joseph.okello"), 10, "member", ("region", "district")),
    (_e("farida.haque"), 8, "member", ("region", "district")),
    (_e("daniel.mensah"), 3, "chair", ("district",)),
    (_e("daniel.mensah"), 10, "member", ("district", "local")),
    (_e("grace.njeri"), 5, "secretary", ("region", "district")),
    (_e("grace.njeri"), 20, "member", ("national", "region", "district")),
    (_e("samuel.tetteh"), 2, "chair", ("district",)),
    (_e("samuel.tetteh"), 10, "member", ("district", "local")),
    (_e("mariam.sultana"), 8, "member", ("local",)),
    (_e("ruth.achieng"), 3, "member", ("local",)),
    (_e("peter.banda"), 3, "member", ("local",)),
    (_e("nasima.akter"), 3, "member", ("local",)),
]
# Shares of the heavy committees in meetings, plans, indicators and sessions; their sizes.
HEAVY_COMMITTEES = {NATIONAL: (0.02, 90), MAPLETON: (0.01, 50), SEAVIEW: (0.005, 30)}
HEAVY_SCALE_NATIONAL = [(0.01, 60), (0.006, 45)]  # the two national committees Joseph chairs
KANTA = "Kanta Women's Savings Group"  # the heavy group: Mariam coordinates it, Grace verifies
HEAVY_GROUP_SHARE, HEAVY_GROUP_PEOPLE = 0.01, 60
FOCAL_PERSONS = {_e("daniel.mensah"): 400, _e("grace.njeri"): 300, _e("farida.haque"): 200,
                 _e("samuel.tetteh"): 200, _e("joseph.okello"): 100, _e("mariam.sultana"): 100}
VERIFIERS = {_e("grace.njeri"): 150, _e("samuel.tetteh"): 60, _e("daniel.mensah"): 60}
# Organisations handling a share of the cases, and the share their named person handles.
CASE_HANDLERS = {"Coastal Livelihoods Trust": (0.05, _e("samuel.tetteh"), 0.6),
                 "Community Action for Social Protection": (0.03, _e("grace.njeri"), 0.4),
                 "Mapleton District Social Welfare Office": (0.03, _e("daniel.mensah"), 0.4)}
HEAVY_SESSION_FACILITATOR = _e("grace.njeri")

# --- Words -----------------------------------------------------------------------------------------

SYLLABLES = ["ka", "ma", "ba", "lo", "ni", "ra", "to", "su", "we", "ye", "zi", "mbe", "nga", "ko", "li", "da", "pe",
             "ru", "sa", "ti", "wa", "bo", "chi", "fu", "ha", "ja", "ke", "mo", "no", "ze"]
AREA_SUFFIXES = {"region": ["Region"], "district": ["District"], "subdistrict": ["Sub-district", "Municipality"],
                 "community": ["Village", "Ward"]}
FIRST_NAMES = ["Amina", "Joseph", "Farida", "Daniel", "Grace", "Samuel", "Mariam", "Ruth", "Peter", "Nasima", "Kwame",
               "Abena", "Kofi", "Ama", "Yaw", "Esi", "Chidi", "Ngozi", "Emeka", "Aisha", "Ibrahim", "Fatima", "Musa",
               "Halima", "John", "Mary", "James", "Sarah", "David", "Esther", "Moses", "Rose", "Paul", "Agnes",
               "Rahim", "Salma", "Karim", "Shirin", "Tanvir", "Nusrat", "Rafiq", "Wanjiru", "Otieno", "Akinyi",
               "Kamau", "Njoki", "Chileshe", "Mutale", "Thandiwe", "Sipho", "Tendai", "Rutendo", "Farai", "Nyasha"]
LAST_NAMES = ["Okello", "Haque", "Mensah", "Njeri", "Tetteh", "Sultana", "Achieng", "Banda", "Akter", "Rahman",
              "Boateng", "Owusu", "Asante", "Adeyemi", "Okafor", "Nwosu", "Bello", "Abubakar", "Mohammed", "Hossain",
              "Islam", "Chowdhury", "Begum", "Uddin", "Kamau", "Otieno", "Wafula", "Mutua", "Kiprop", "Phiri",
              "Mwale", "Zulu", "Dlamini", "Moyo", "Ncube", "Nkosi", "Mugisha", "Nakato", "Tembo", "Lungu", "Mulenga",
              "Sesay", "Kamara", "Conteh", "Diallo", "Traore"]
NATIONAL_OFFICES = ["Ministry of Health", "Ministry of Agriculture", "Ministry of Labour", "Ministry of Water",
                    "Ministry of Youth and Sports", "National Social Security Agency", "National Statistics Office",
                    "Civil Registration Authority", "National Disability Council", "National Food Security Agency",
                    "National Health Insurance Fund", "Public Works Programme Secretariat", "Ministry of Gender",
                    "National Nutrition Council", "Office of the Prime Minister"]
OFFICES = {"region": ["Regional Social Welfare Directorate", "Regional Health Directorate", "Regional Education Office"],
           "district": ["District Social Welfare Office", "District Council", "District Health Office",
                        "District Education Office", "District Agriculture Office"],
           "subdistrict": ["Municipal Office", "Health Centre", "Community Development Office"]}
NGO_WORDS = (["Hope", "Unity", "Bright Future", "Community", "Rural", "Women's", "Children's", "Green", "Highland",
              "Harvest", "Sunrise", "Open Hands", "Together", "Resilience", "Dignity", "Pathways", "Lifeline",
              "Mother and Child", "Youth", "River"],
             ["Development", "Livelihoods", "Welfare", "Empowerment", "Health", "Education", "Relief", "Action",
              "Support", "Rights"],
             ["Foundation", "Trust", "Initiative", "Network", "Association", "Alliance", "Society", "Forum"])
GROUP_KINDS = ["Women's Savings Group", "Mothers' Group", "Youth Group", "Farmers' Cooperative",
               "Village Development Committee", "Elders' Council", "Fisherfolk Association",
               "Disability Self-help Group", "Parents' Association", "Burial Society"]
THEMES = ["Cash Transfer", "Disaster Response", "Child Protection", "Nutrition", "Livelihoods",
          "Disability Inclusion", "School Feeding", "Social Insurance"]
ITEM_TITLES = ["Opening and adoption of the agenda", "Follow-up of decisions from the last meeting",
               "Coverage of the child grant", "Grievance report", "Payment delays at the pay points",
               "Registration drive before the lean season", "Flood preparedness", "School feeding supplies",
               "Targeting review: households left out", "Update from the community groups",
               "Budget execution for the quarter", "Joint monitoring visits", "Disability grant enrolment",
               "Public works: wages and attendance", "Work plan for next year", "Any other business"]
DECISIONS = ["Hold joint registration days in the villages before the end of the quarter.",
             "Ask the ministry to release the delayed payments, with a letter from the chair.",
             "Set up a task team on the grievance backlog, reporting at the next meeting.",
             "Adopt the work plan with the changes agreed today.",
             "Visit the three worst-served communities with the district office."]
ACTION_TITLES = ["Registration days in the villages", "Radio announcements before payment rounds",
                 "Follow up delayed payments with the bank", "Train volunteers on the grievance process",
                 "Repair the school feeding stores", "Update the list of eligible households",
                 "Monitoring visit to the pay points", "Print and share the programme leaflets",
                 "Meet the civil registry on birth certificates", "Report on coverage to the committee"]
UPDATE_TEXTS = ["Started with the field team.", "Half of the villages done.", "Waiting for the ministry's letter.",
                "Met the partners; dates agreed.", "Finished; report shared with the committee.",
                "Delayed by the rains.", "Budget released this week."]
BLOCKED_REASONS = ["Waiting for the ministry's approval.", "Funds not released.", "Roads cut off by floods.",
                   "Kits held at customs."]
INDICATOR_THEMES = [  # (short name, question, unit, direction)
    ("Weekly savers", "How many of us saved every week this month?", "percent", "higher"),
    ("Children in school", "How many of our children went to school every day?", "count", "higher"),
    ("Payment point", "How well does the payment point serve us?", "score", "higher"),
    ("Households paid on time", "How many households were paid on the announced day?", "count", "higher"),
    ("Meals served", "How many school meals were served?", "count", "higher"),
    ("Clinic visits", "How many mothers visited the clinic this period?", "count", "higher"),
    ("Loans repaid on time", "What share of loans was paid back on the agreed day?", "percent", "higher"),
    ("Days without water", "How many days was the water point dry?", "count", "lower"),
    ("Complaints answered", "What share of our complaints got an answer?", "percent", "higher"),
    ("Meeting held", "Did the group meet this period?", "yes_no", "higher"),
    ("Children underweight", "How many children were underweight at weighing?", "count", "lower"),
    ("Members attending", "What share of members came to the meetings?", "percent", "higher"),
    ("Trust in the committee", "How much do we trust the committee to act on what we raise?", "score", "higher"),
    ("Work days on public works", "How many days of public works did we get?", "count", "higher"),
]
SCORE_LABELS = ["very bad", "bad", "fair", "good", "very good"]
PROGRAMMES = ["Child grant", "Old-age pension", "Disability grant", "School feeding", "Public works",
              "Emergency cash", "Health insurance", ""]
CASE_TEXTS = {
    "complaint": ["The {p} payment did not come this month.", "We waited all day at the pay point for the {p}.",
                  "My name was removed from the {p} list and nobody told me why.",
                  "The agent asked for money before paying the {p}."],
    "suggestion": ["Please pay the {p} on market day.", "Announce the {p} dates on the radio.",
                   "Let the savings group help with the {p} payment day."],
    "question": ["Can a widow with one child apply for the {p}?", "When is the next {p} payment?",
                 "How do I change the person who collects my {p}?"],
    "appreciation": ["Thank you: the {p} came on time this month.", "The new pay point for the {p} is much closer."],
}
RESPONSES = ["The payment was delayed by a bank error; it was paid on the next pay day, with the missed month.",
             "Your household was checked again and is back on the list from next month.",
             "The dates are now announced on the radio a week before each payment.",
             "The agent was reported and replaced; nobody may ask for money.",
             "Thank you: your suggestion was taken to the district committee."]
NOTE_TEXTS = ["Called the person back.", "Checked the payment list with the district office.",
              "Waiting for the bank's answer.", "Visited the household.", "Raised at the committee meeting."]
CARD_PROBLEMS = ["Families do not know they are eligible", "Birth certificates are missing", "Pay points are far away",
                 "Payment dates change without notice", "Older people cannot queue all day",
                 "Lists are out of date", "Agents ask for money", "No one answers complaints"]
CARD_IDEAS = ["Radio announcements before each payment", "Registration days with the civil registry",
              "Mothers' groups tell their members", "Mobile pay points on market day", "Priority queue for elders",
              "Yearly update of the lists with the villages", "A free phone line for complaints",
              "Volunteers help fill in the forms"]

# --- Rows in bulk ------------------------------------------------------------------------------------


class Loader:
    """Writes rows in bulk in the session's transaction: Core INSERTs in chunks (COPY on
    PostgreSQL). Hands out ids after the largest one already there, and prints each table's
    count with the seconds since the previous line (making the rows counts as much as writing)."""

    CHUNK = 5000

    def __init__(self):
        self.connection = db.session.connection()
        self.postgres = self.connection.dialect.name == "postgresql"
        self.written: Counter = Counter()
        self._next: dict[str, int] = {}
        self._lap = time.perf_counter()
        if not self.postgres:  # room in memory for the indexes of the big tables
            self.connection.exec_driver_sql("PRAGMA cache_size = -262144")

    def ids(self, table, count: int) -> range:
        if table.name not in self._next:
            self._next[table.name] = (self.connection.scalar(select(func.max(table.c.id))) or 0) + 1
        start = self._next[table.name]
        self._next[table.name] += count
        return range(start, start + count)

    def write(self, table, rows) -> int:
        """Writes the rows (dicts, or a generator of them) and says how many. Rows name every
        column; one with a constant default (a counter starting at 1, say) they may leave out."""
        rows = iter(rows)
        first = next(rows, None)
        count = 0 if first is None else self._write(table, chain([first], rows), first)
        self.written[table.name] += count
        self.say(table.name, count)
        return count

    def say(self, name: str, count: int) -> None:
        now = time.perf_counter()
        click.echo(f"  {name:<22} {count:>10,} rows {now - self._lap:7.1f} s")
        self._lap = now

    def _write(self, table, rows, first: dict) -> int:
        columns = list(table.c.keys())
        constants = {c.name: c.default.arg for c in table.c if c.default is not None and c.default.is_scalar}
        missing = {name: constants[name] for name in constants.keys() - first.keys()}
        # A column the world leaves empty (a person's language: they follow their browser).
        missing.update({c.name: None for c in table.c if c.nullable and c.name not in first and c.name not in missing
                        and c.default is None and c.server_default is None})
        if first.keys() | missing.keys() != set(columns):
            raise KeyError(f"{table.name}: rows must name {columns}, not {sorted(first)}")
        values = itemgetter(*columns)
        # Each value as the driver takes it: on SQLite as its column's type makes it ready (as a
        # Core execution would, but once per value instead of per row and column lookup);
        # PostgreSQL's COPY takes Python values, JSON written out.
        dialect = self.connection.dialect
        ready = [(n, json.dumps if isinstance(c.type, JSON) else None) if self.postgres
                 else (n, c.type.dialect_impl(dialect).bind_processor(dialect)) for n, c in enumerate(table.c)]
        ready = [(n, process) for n, process in ready if process]

        def tuples():
            for row in rows:
                value = list(values({**row, **missing} if missing else row))
                for n, process in ready:
                    if value[n] is not None:
                        value[n] = process(value[n])
                yield value

        return self._copy(table, columns, tuples()) if self.postgres else self._insert(table, columns, tuples())

    def _insert(self, table, columns, rows) -> int:
        """executemany of the INSERT compiled once, in chunks."""
        statement = str(insert(table).compile(dialect=self.connection.dialect, column_keys=columns))
        count, chunk = 0, []
        for row in rows:
            chunk.append(tuple(row))
            if len(chunk) == self.CHUNK:
                self.connection.exec_driver_sql(statement, chunk)
                count, chunk = count + len(chunk), []
        if chunk:
            self.connection.exec_driver_sql(statement, chunk)
        return count + len(chunk)

    def _copy(self, table, columns, rows) -> int:
        quoted = ", ".join(f'"{name}"' for name in columns)
        count = 0
        with self.connection.connection.driver_connection.cursor() as cursor, \
                cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count

    def finish(self) -> None:
        """PostgreSQL: each sequence continues after the ids written here."""
        if self.postgres:
            for name in self._next:
                self.connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM \"{name}\"))"))


# --- The world as it is built --------------------------------------------------------------------------


@dataclass(slots=True)
class Place:
    id: int
    level: str
    parent_id: int | None
    name: str
    base: str  # the name without its level: "Mapleton" for "Mapleton District"


@dataclass(slots=True)
class Org:
    id: int
    kind: str
    area_id: int
    name: str


@dataclass(slots=True)
class Com:
    id: int
    level: str
    area_id: int
    name: str
    weight: float = 1.0
    members: dict[int, str] = field(default_factory=dict)  # user id -> role
    new: bool = True


@dataclass(slots=True)
class Ind:
    id: int
    organization_id: int | None
    committee_id: int | None
    unit: str
    direction: str
    frequency: str
    target: float
    dimensions: list
    status: str
    created: date
    off_track: bool


class World:
    """The random source, the dates, and what earlier steps made that later ones refer to."""

    def __init__(self, factor: float, loader: Loader):
        self.rng = random.Random(SEED)
        self.factor = factor
        self.plan = planned(factor)
        self.loader = loader
        self.now = utcnow().replace(microsecond=0)
        self.today = local_today()
        self.areas: dict[int, Place] = {}
        self.orgs: dict[int, Org] = {}
        self.user_org: dict[int, int] = {}
        self.user_name: dict[int, str] = {}
        self.users_by_org: dict[int, list[int]] = defaultdict(list)
        self.email_id: dict[str, int] = {}
        self.committees: dict[int, Com] = {}
        self.org_ids: dict[str, int] = {}
        self.committee_ids: dict[str, int] = {}
        self.group_people: dict[int, list[int]] = {}
        self.group_weight: dict[int, float] = {}
        self.verifiers: dict[int, list[int]] = defaultdict(list)
        self.decisions: dict[int, list[int]] = defaultdict(list)  # committee -> decision ids
        self.plans: list[tuple[int, int | None, int | None, date, date]] = []  # id, committee, group, start, end
        self.actions: list[dict] = []
        self.indicators: list[Ind] = []
        self.labels: dict[str, list[tuple[int, str]]] = defaultdict(list)  # for the audit trail
        self.budgets: dict[int, int] = {}  # indicator -> values
        self.update_times: dict[int, list[datetime]] = {}  # action -> its updates' times
        self.cases: list[tuple] = []
        self.heavy_session_id = None

    def scaled(self, count: int) -> int:
        return max(1, round(count * self.factor))

    def ago(self, days: float) -> datetime:
        return self.now - timedelta(days=days)

    def day_ago(self, days: float) -> date:
        return self.today - timedelta(days=int(days))

    def token(self, size: int = 24) -> str:
        return base64.urlsafe_b64encode(self.rng.getrandbits(size * 8).to_bytes(size, "big")).decode()

    def person_name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def staff(self, user_id: int) -> bool:
        return self.orgs[self.user_org[user_id]].kind in ("government", "ngo")


def _weights(rng: random.Random, keys, sigma: float = 1.0) -> dict:
    """Skewed weights: log-normal, so a few keys carry much of the total."""
    return {key: rng.lognormvariate(0, sigma) for key in keys}


def _with_heavy(weights: dict, heavy: dict) -> dict:
    """The weights, with each heavy key taking the given share of the total."""
    rest = sum(v for k, v in weights.items() if k not in heavy)
    share = sum(heavy.values())
    return {**weights, **{k: s * rest / (1 - share) for k, s in heavy.items()}}


def _draw(rng: random.Random, weights: dict, k: int) -> list:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[key] for key in keys], k=k)


def _spread(rng: random.Random, weights: dict, k: int) -> list:
    """k keys: each key once while there are enough (in random order), the rest by weight."""
    keys = list(weights)
    rng.shuffle(keys)
    return keys[:k] + (_draw(rng, weights, k - len(keys)) if k > len(keys) else [])


# --- Refusing what is not empty or the demo -----------------------------------------------------------

DEMO_ROW_LIMIT = 1000  # the demo, even clicked through for a while, stays far below this in every table


def refusal() -> str | None:
    """Why this database may not be filled, or None: it must be empty or hold just the demo."""
    fresh = ("seed-scale fills a fresh database: make a new one (a new SQLite file, or `createdb` on "
             "PostgreSQL), point DATABASE_URL at it, run `flask db upgrade`, then `flask seed-scale`.")
    scale_people = db.session.scalar(select(func.count()).where(User.email.like(f"%@{SCALE_DOMAIN}")))
    if scale_people:
        return f"This database already holds a scale world ({scale_people:,} of its people). {fresh}"
    names = {Area: (Area.name, {name for name, *_ in DEMO_AREAS}),
             Organization: (Organization.name, {name for name, *_ in DEMO_ORGANIZATIONS}),
             User: (User.email, {email for _, email, *_ in DEMO_USERS}),
             Committee: (Committee.name, {name for name, *_ in DEMO_COMMITTEES})}
    for model, (column, demo) in names.items():
        other = db.session.scalar(select(column).where(column.not_in(demo)).limit(1))
        if other is not None:
            return f"This database holds more than the demo workspace ({model.__tablename__}: {other!r}). {fresh}"
    for table in db.metadata.sorted_tables:
        rows = db.session.scalar(select(func.count()).select_from(table))
        if rows > DEMO_ROW_LIMIT:
            return f"This database holds more than the demo workspace ({rows:,} rows in {table.name}). {fresh}"
    return None


# --- The directory: areas, organisations, people ------------------------------------------------------

def _load_demo(w: World) -> None:
    for area in db.session.scalars(select(Area)):
        base = area.name.rsplit(" ", 1)[0] if " " in area.name else area.name
        w.areas[area.id] = Place(area.id, area.level, area.parent_id, area.name, base)
    for org in db.session.scalars(select(Organization)):
        w.orgs[org.id] = Org(org.id, org.kind, org.area_id, org.name)
        w.org_ids[org.name] = org.id
    for user in db.session.scalars(select(User)):
        _add_user(w, user.id, user.organization_id, user.name)
        w.email_id[user.email] = user.id
    for committee in db.session.scalars(select(Committee)):
        w.committees[committee.id] = Com(committee.id, committee.level, committee.area_id, committee.name, new=False)
        w.committee_ids[committee.name] = committee.id
    for membership in db.session.scalars(select(Membership)):
        w.committees[membership.committee_id].members[membership.user_id] = membership.role
    for role in db.session.scalars(select(GroupRole).where(GroupRole.role == "verifier")):
        w.verifiers[role.organization_id].append(role.user_id)


def _add_user(w: World, user_id: int, org_id: int, name: str) -> None:
    w.user_org[user_id], w.user_name[user_id] = org_id, name
    w.users_by_org[org_id].append(user_id)


def _place_name(w: World, used: set) -> str:
    tries = 0
    while True:
        length = 2 if tries < 5 else 3 if tries < 20 else 4
        name = "".join(w.rng.choice(SYLLABLES) for _ in range(length)).capitalize()
        if name not in used:
            used.add(name)
            return name
        tries += 1


def _areas(w: World) -> None:
    used = {place.base for place in w.areas.values()}
    rows = []
    for level, above, key in (("region", "national", "regions"), ("district", "region", "districts"),
                              ("subdistrict", "district", "subdistricts"), ("community", "subdistrict", "communities")):
        parents = _weights(w.rng, [p.id for p in w.areas.values() if p.level == above], 0.5)
        ids = w.loader.ids(Area.__table__, w.plan[key])
        for area_id, parent_id in zip(ids, _spread(w.rng, parents, len(ids))):
            base = _place_name(w, used)
            place = Place(area_id, level, parent_id, f"{base} {w.rng.choice(AREA_SUFFIXES[level])}", base)
            w.areas[area_id] = place
            rows.append({"id": area_id, "name": place.name, "level": level, "parent_id": parent_id,
                         "created_at": w.ago(2000 + w.rng.random() * 300), "version": 1})
    w.loader.write(Area.__table__, rows)
    rebuild_area_lineage(w.loader.connection)
    w.loader.say("area_lineage (rebuilt)", w.loader.connection.scalar(select(func.count()).select_from(AreaLineage)))


def _organisation_names(w: World) -> list[tuple[str, str, int]]:
    """(name, kind, area id) of the new organisations, every name new."""
    rng, used = w.rng, set(w.org_ids)
    by_level = defaultdict(list)
    for place in w.areas.values():
        by_level[place.level].append(place)
    national = by_level["national"][0]
    offices = [(name, national.id) for name in NATIONAL_OFFICES]
    for level in ("region", "district", "subdistrict"):
        combos = [(f"{place.base} {office}", place.id) for place in by_level[level] for office in OFFICES[level]]
        rng.shuffle(combos)
        offices += combos
    found = []

    def add(name, kind, area_id):
        plain, number = name, 1
        while name in used:
            number += 1
            name = f"{plain} No. {number}"
        used.add(name)
        found.append((name, kind, area_id))

    for n in range(w.plan["government"]):  # round the list again (numbered) if it runs out
        name, area_id = offices[n % len(offices)]
        add(name, "government", area_id)
    higher = by_level["national"] + by_level["region"] + by_level["district"]
    for _ in range(w.plan["ngos"]):
        place = rng.choice(higher)
        add(" ".join(rng.choice(words) for words in NGO_WORDS), "ngo", place.id)
    communities = _weights(rng, [p.id for p in by_level["community"]], 0.6)
    for area_id in _spread(rng, communities, w.plan["community_groups"]):
        add(f"{w.areas[area_id].base} {rng.choice(GROUP_KINDS)}", "community_group", area_id)
    return found


def _organisations(w: World) -> None:
    rows = []
    found = _organisation_names(w)
    for org_id, (name, kind, area_id) in zip(w.loader.ids(Organization.__table__, len(found)), found):
        w.orgs[org_id] = Org(org_id, kind, area_id, name)
        w.org_ids[name] = org_id
        rows.append({"id": org_id, "name": name, "kind": kind, "area_id": area_id,
                     "created_at": w.ago(1900 + w.rng.random() * 300), "version": 1})
    w.loader.write(Organization.__table__, rows)


def _staff_weight(w: World, org: Org) -> float:
    level = w.areas[org.area_id].level
    if org.kind == "government":
        return {"national": 60, "region": 20, "district": 10}.get(level, 4) * w.rng.lognormvariate(0, 0.5)
    if org.kind == "ngo":
        return 8 * w.rng.lognormvariate(0, 1.0)
    return 3 * w.rng.lognormvariate(0, 0.5)


def _users(w: World) -> None:
    weights = {org.id: _staff_weight(w, org) for org in w.orgs.values()}
    heavy = {w.org_ids[KANTA]: HEAVY_GROUP_PEOPLE / COUNTS["users"],
             w.org_ids["Ministry of Social Welfare"]: 0.01, w.org_ids["Community Action for Social Protection"]: 0.005,
             w.org_ids["Coastal Livelihoods Trust"]: 0.004, w.org_ids["Mapleton District Social Welfare Office"]: 0.003}
    weights = _with_heavy(weights, heavy)
    password_hash = generate_password_hash(DEMO_PASSWORD)  # once, for everyone
    ids = w.loader.ids(User.__table__, w.plan["users"])
    rows = []
    for user_id, org_id in zip(ids, _spread(w.rng, weights, len(ids))):
        first, last = w.rng.choice(FIRST_NAMES), w.rng.choice(LAST_NAMES)
        _add_user(w, user_id, org_id, f"{first} {last}")
        recent = w.rng.random() < 0.7
        rows.append({"id": user_id, "email": f"{first}.{last}.{user_id}@{SCALE_DOMAIN}".lower(),
                     "name": f"{first} {last}", "organization_id": org_id, "is_admin": False,
                     "active": w.rng.random() > 0.02, "password_hash": password_hash,
                     "created_at": w.ago(100 + w.rng.random() * 1700),
                     "last_login_at": w.ago(w.rng.random() * 90) if recent else None, "version": 1})
    w.loader.write(User.__table__, rows)
    w.labels["User"] = [(row["id"], row["email"]) for row in rows[:5000]]
    for org in w.orgs.values():
        if org.kind == "community_group" and w.users_by_org[org.id]:
            w.group_people[org.id] = w.users_by_org[org.id]


# --- Committees, members, meetings ------------------------------------------------------------------------

def _ancestors(w: World, area_id: int) -> list[int]:
    """The area and those above it, nearest first."""
    found = []
    while area_id is not None:
        found.append(area_id)
        area_id = w.areas[area_id].parent_id
    return found


def _committees(w: World) -> None:
    rng, used = w.rng, set(w.committee_ids)
    by_level = defaultdict(list)
    for place in w.areas.values():
        by_level[place.level].append(place.id)
    plan = [("national", by_level["national"], "national_committees"),
            ("region", by_level["region"], "regional_committees"),
            ("district", by_level["district"], "district_committees"),
            ("local", by_level["subdistrict"] + by_level["community"], "local_committees")]
    first_of_area = {}
    for committee in sorted(w.committees.values(), key=lambda c: c.id):
        first_of_area.setdefault(committee.area_id, committee.id)
    main = w.committee_ids[NATIONAL]
    rows = []
    for level, areas, key in plan:
        ids = w.loader.ids(Committee.__table__, w.plan[key])
        for committee_id, area_id in zip(ids, _spread(rng, {a: 1 for a in areas}, len(ids))):
            place = w.areas[area_id]
            name = f"{place.name} Social Protection Committee"
            if level == "national" or name in used:
                base = "National" if level == "national" else place.name
                name = f"{base} {rng.choice(THEMES)} Committee"
                number = 1
                while name in used:
                    number += 1
                    name = f"{base} {rng.choice(THEMES)} Committee {number}"
            used.add(name)
            parent = next((first_of_area[a] for a in _ancestors(w, place.parent_id) if a in first_of_area), main) \
                if level != "national" else main
            first_of_area.setdefault(area_id, committee_id)
            w.committees[committee_id] = Com(committee_id, level, area_id, name)
            w.committee_ids[name] = committee_id
            rows.append({"id": committee_id, "name": name, "level": level, "area_id": area_id, "parent_id": parent,
                         "terms_of_reference": f"Coordinates social protection in {place.name}: meets regularly, "
                                               "follows up its decisions, raises what it cannot solve.",
                         "required_meetings_per_year": rng.choice((4, 4, 6)) if level != "local"
                         else rng.choice((6, 6, 12)), "quorum_percent": rng.choice((50, 50, 60)),
                         "thematic_focus": rng.choice(THEMES), "created_at": w.ago(1900 + rng.random() * 200),
                         "version": 1})
    w.loader.write(Committee.__table__, rows)
    w.labels["Committee"] = [(row["id"], row["name"]) for row in rows]
    _weigh_committees(w)


def _weigh_committees(w: World) -> None:
    base = {"national": 4, "region": 3, "district": 2, "local": 1}
    weights = {c.id: base[c.level] * w.rng.lognormvariate(0, 0.5) for c in w.committees.values()}
    heavy = {w.committee_ids[name]: share for name, (share, _) in HEAVY_COMMITTEES.items()}
    for committee, (share, _) in zip(_joseph_chairs(w), HEAVY_SCALE_NATIONAL):
        heavy[committee.id] = share
    for committee_id, weight in _with_heavy(weights, heavy).items():
        w.committees[committee_id].weight = weight


def _joseph_chairs(w: World) -> list[Com]:
    """The scale national committees the demo chair chairs: the first ones made."""
    return [c for c in w.committees.values() if c.new and c.level == "national"][:len(HEAVY_SCALE_NATIONAL)]


def _committee_size(w: World, committee: Com) -> int:
    sizes = {NATIONAL: HEAVY_COMMITTEES[NATIONAL][1], MAPLETON: HEAVY_COMMITTEES[MAPLETON][1],
             SEAVIEW: HEAVY_COMMITTEES[SEAVIEW][1]}
    if committee.name in sizes:
        return sizes[committee.name]
    for heavy, (_, size) in zip(_joseph_chairs(w), HEAVY_SCALE_NATIONAL):
        if heavy.id == committee.id:
            return size
    low, high = {"national": (25, 45), "region": (18, 30), "district": (14, 24), "local": (9, 16)}[committee.level]
    return w.rng.randint(low, high)


def _pools(w: World) -> tuple[dict, dict]:
    """{area: staff who may sit on its committees}, {area: group people}: an area's staff are
    those of the area, the areas above it and the level just below; its group people are those
    of the community groups inside it."""
    children = defaultdict(list)
    for place in w.areas.values():
        children[place.parent_id].append(place.id)
    staff_at, people_in = defaultdict(list), defaultdict(list)
    demo = set(w.email_id.values())  # the demo people sit where DEMO_ROLES puts them
    for user_id, org_id in w.user_org.items():
        if user_id in demo:
            continue
        org = w.orgs[org_id]
        if org.kind == "community_group":
            for area_id in _ancestors(w, org.area_id):
                people_in[area_id].append(user_id)
        else:
            staff_at[org.area_id].append(user_id)
    staff = {}
    for area_id in {c.area_id for c in w.committees.values()}:
        below = [user for child in children[area_id] for user in staff_at[child]]
        staff[area_id] = [user for a in _ancestors(w, area_id) for user in staff_at[a]] + below
    return staff, people_in


def _memberships(w: World) -> None:
    rng = w.rng
    staff, people_in = _pools(w)
    for committee in w.committees.values():
        size = _committee_size(w, committee) - len(committee.members)
        community_share = 0.5 if committee.level == "local" else 0.25
        officials = [u for u in staff[committee.area_id] if u not in committee.members]
        people = [u for u in people_in[committee.area_id] if u not in committee.members]
        n_people = min(len(people), round(size * community_share))
        chosen = rng.sample(officials, min(len(officials), size - n_people)) + rng.sample(people, n_people)
        roles = [] if committee.members else ["chair", "secretary"]
        for n, user_id in enumerate(chosen):
            role = roles[n] if n < len(roles) else "observer" if rng.random() < 0.1 else "member"
            committee.members[user_id] = role
    _demo_memberships(w)
    existing = set(db.session.execute(select(Membership.committee_id, Membership.user_id)).all())
    rows = [{"id": None, "committee_id": committee.id, "user_id": user_id, "role": role, "feed_token": w.token(),
             "created_at": w.ago(1800 * rng.random()), "version": 1}
            for committee in w.committees.values() for user_id, role in committee.members.items()
            if (committee.id, user_id) not in existing]
    _write_numbered(w, Membership.__table__, rows)


def _write_numbered(w: World, table, rows: list[dict]) -> None:
    """Rows made before their number was known: numbered now, then written."""
    for row, row_id in zip(rows, w.loader.ids(table, len(rows))):
        row["id"] = row_id
    w.loader.write(table, rows)


def _demo_memberships(w: World) -> None:
    """The demo people sit where the weight is: chairs and secretaries of heavy committees."""
    joseph, placed = _joseph_chairs(w), set()  # (committee, role) given to a demo person
    for email, count, role, levels in DEMO_ROLES:
        user_id = w.email_id[email]
        if role in ("chair", "secretary") and levels == ("national",):
            targets = joseph
        else:
            candidates = sorted((c for c in w.committees.values() if c.new and c.level in levels
                                 and user_id not in c.members and (c.id, role) not in placed),
                                key=lambda c: -c.weight)
            targets = candidates[:w.scaled(count)]
        for committee in targets:
            if role in ("chair", "secretary"):
                placed.add((committee.id, role))
                for other, other_role in list(committee.members.items()):
                    if other_role == role:
                        committee.members[other] = "member"
            committee.members[user_id] = role


def _meeting_time(w: World, days_from_today: int) -> datetime:
    day = w.today + timedelta(days=days_from_today)
    return to_utc(datetime.combine(day, clock(w.rng.choice((9, 10, 10, 14)), 0)))


def _meetings(w: World) -> None:
    rng = w.rng
    counts = Counter(_draw(rng, {c.id: c.weight for c in w.committees.values()}, w.plan["meetings"]))
    meetings, items, decisions, attendance = [], [], [], []
    meeting_ids = iter(w.loader.ids(Meeting.__table__, w.plan["meetings"]))
    for committee_id, count in sorted(counts.items()):
        committee = w.committees[committee_id]
        runners = [u for u, r in committee.members.items() if r in ("chair", "secretary")] or list(committee.members)
        for _ in range(count):
            days = rng.randint(1, 60) if rng.random() < 0.03 else -rng.randint(0, YEARS_DAYS)
            meeting = _meeting_row(w, next(meeting_ids), committee, days)
            meetings.append(meeting)
            held = meeting["status"] == "held"
            _agenda(w, committee, meeting, held, runners, items, decisions)
            if held:
                for user_id in committee.members:
                    attendance.append({"meeting_id": meeting["id"], "user_id": user_id, "version": 1,
                                       "status": rng.choices(("present", "apologies", "absent"), (75, 15, 10))[0]})
    _proposals(w, items)
    w.loader.write(Meeting.__table__, meetings)
    _write_numbered(w, AgendaItem.__table__, items)
    decision_rows = []
    for (item, committee_id, author, held_at), decision_id in zip(
            decisions, w.loader.ids(Decision.__table__, len(decisions))):
        w.decisions[committee_id].append(decision_id)
        decision_rows.append({"id": decision_id, "agenda_item_id": item["id"], "text": rng.choice(DECISIONS),
                              "created_by_id": author, "created_at": held_at, "version": 1})
    w.loader.write(Decision.__table__, decision_rows)
    _write_numbered(w, Attendance.__table__, attendance)
    w.labels["Meeting"] = [(row["id"], row["title"]) for row in meetings[:5000]]


def _meeting_row(w: World, meeting_id: int, committee: Com, days: int) -> dict:
    rng = w.rng
    starts = _meeting_time(w, days)
    if days > 0:
        status = "planned"
    elif days > -14:
        status = rng.choices(("held", "planned"), (60, 40))[0]
    else:
        status = rng.choices(("held", "cancelled", "planned"), (85, 10, 5))[0]
    quarter = f"Q{(starts.month - 1) // 3 + 1} {starts.year}"
    return {"id": meeting_id, "committee_id": committee.id,
            "title": f"{quarter} {rng.choice(('coordination', 'review', 'planning', 'extraordinary'))} meeting",
            "starts_at": starts, "place": f"{w.areas[committee.area_id].name} council hall",
            "call_link": "https://meet.example.org/" + committee.name.lower().replace(" ", "-")[:60]
            if rng.random() < 0.3 else "",
            "status": status, "cancel_reason": "Postponed: the members were at the flood response."
            if status == "cancelled" else "",
            "held_at": starts + timedelta(hours=3) if status == "held" else None,
            "created_at": starts - timedelta(days=rng.randint(7, 30)), "version": 1}


def _agenda(w: World, committee: Com, meeting: dict, held: bool, runners: list, items: list, decisions: list):
    rng = w.rng
    members = list(committee.members)
    for position in range(1, rng.choice((3, 4, 5, 5, 6, 6, 7)) + 1):
        kind = rng.choices(("information", "discussion", "decision"), (25, 50, 25))[0]
        presenter = rng.choice(members) if members else None
        item = {"id": None, "committee_id": committee.id, "meeting_id": meeting["id"], "position": position,
                "title": rng.choice(ITEM_TITLES), "description": "", "kind": kind,
                "presenter": w.user_name[presenter] if presenter else "", "minutes_allotted": rng.choice((10, 15, 20, 30)),
                "status": "accepted", "proposed_by_id": presenter if rng.random() < 0.2 else None,
                "decline_reason": "", "minutes": "Discussed; see the decisions." if held else "",
                "origin_type": None, "origin_id": None, "created_at": meeting["created_at"], "version": 1}
        items.append(item)
        if held and kind == "decision":
            decisions.append((item, committee.id, rng.choice(runners) if runners else None, meeting["held_at"]))


def _proposals(w: World, items: list) -> None:
    """Items proposed to committees and waiting for an agenda; a few declined."""
    rng = w.rng
    for committee in w.committees.values():
        members = [u for u, r in committee.members.items() if r != "observer"]
        for _ in range(rng.choice((0, 0, 1, 2, 3)) if members else 0):
            declined = rng.random() < 0.25
            items.append({"id": None, "committee_id": committee.id, "meeting_id": None, "position": 0,
                          "title": rng.choice(ITEM_TITLES), "description": "Proposed for the next meeting.",
                          "kind": "discussion", "presenter": "", "minutes_allotted": 15,
                          "status": "declined" if declined else "proposed", "proposed_by_id": rng.choice(members),
                          "decline_reason": "Already covered by the district committee." if declined else "",
                          "minutes": "", "origin_type": None, "origin_id": None,
                          "created_at": w.ago(rng.random() * 60), "version": 1})


# --- Action plans, actions, updates ---------------------------------------------------------------------

def _group_weights(w: World) -> dict[int, float]:
    if not w.group_weight:
        weights = {g: len(people) * w.rng.lognormvariate(0, 0.7) for g, people in w.group_people.items()}
        kanta = w.org_ids[KANTA]
        w.group_weight = _with_heavy(weights, {kanta: HEAVY_GROUP_SHARE}) if kanta in weights else weights
    return w.group_weight


def _plans(w: World) -> None:
    rng = w.rng
    committee_weights = {c.id: c.weight for c in w.committees.values()}
    group_weights = _group_weights(w)
    rows = []
    for plan_id in w.loader.ids(ActionPlan.__table__, w.plan["action_plans"]):
        by_group = group_weights and rng.random() < 0.4
        owner = _draw(rng, group_weights if by_group else committee_weights, 1)[0]
        start = w.day_ago(rng.randint(0, YEARS_DAYS))
        end = start + timedelta(days=rng.choice((180, 365, 365, 730)))
        committee_id, group_id = (None, owner) if by_group else (owner, None)
        w.plans.append((plan_id, committee_id, group_id, start, end))
        rows.append({"id": plan_id, "title": f"{rng.choice(THEMES)} plan {start.year}",
                     "purpose": "What we agreed to do, who does it, by when.", "committee_id": committee_id,
                     "organization_id": group_id, "period_start": start, "period_end": end,
                     "created_at": datetime.combine(start, clock(9)), "version": 1})
    w.loader.write(ActionPlan.__table__, rows)


def _action_status(w: World, start: date, due: date) -> tuple[str, int]:
    rng = w.rng
    if start > w.today:
        return "not_started", 0
    if due < w.today - timedelta(days=30):  # long past due: mostly done, some overdue still open
        status = rng.choices(("done", "cancelled", "in_progress", "not_started", "blocked"), (70, 8, 12, 5, 5))[0]
    else:
        status = rng.choices(("in_progress", "not_started", "blocked", "done"), (50, 30, 10, 10))[0]
    progress = {"done": 100, "not_started": 0}.get(status, rng.randint(1, 9) * 10)
    return status, progress


def _actions(w: World) -> None:
    rng = w.rng
    plan_weights = _weights(rng, range(len(w.plans)), 1.0)
    staff_orgs = [o.id for o in w.orgs.values() if o.kind != "community_group"]
    ids = w.loader.ids(Action.__table__, w.plan["actions"])
    for action_id, plan_index in zip(ids, _spread(rng, plan_weights, len(ids))):
        plan_id, committee_id, group_id, plan_start, plan_end = w.plans[plan_index]
        start = plan_start + timedelta(days=rng.randint(0, max(0, (min(plan_end, w.today) - plan_start).days)))
        if rng.random() < 0.03:  # planned ahead
            start = w.today + timedelta(days=rng.randint(1, 60))
        due = start + timedelta(days=rng.randint(14, 180))
        status, progress = _action_status(w, start, due)
        if group_id is not None and rng.random() < 0.8:
            org = group_id
        elif committee_id is not None and w.committees[committee_id].members:
            org = w.user_org[rng.choice(list(w.committees[committee_id].members))]
        else:
            org = rng.choice(staff_orgs)
        people = w.users_by_org[org]
        decisions = w.decisions.get(committee_id) if committee_id else None
        origin = ("decision", rng.choice(decisions)) if decisions and rng.random() < 0.15 else (None, None)
        created = datetime.combine(start, clock(9)) - timedelta(days=rng.randint(0, 10))
        w.actions.append({
            "id": action_id, "plan_id": plan_id, "title": rng.choice(ACTION_TITLES), "description": "",
            "responsible_organization_id": org, "focal_person_id": rng.choice(people) if people else None,
            "start_date": start, "due_date": due, "status": status, "progress": progress,
            "blocked_reason": rng.choice(BLOCKED_REASONS) if status == "blocked" else "",
            "origin_type": origin[0], "origin_id": origin[1], "created_at": created, "updated_at": created,
            "version": 1})
    _demo_focal_persons(w)
    _updates_planned(w)
    w.loader.write(Action.__table__, w.actions)
    w.labels["Action"] = [(a["id"], a["title"]) for a in w.actions[:5000]]
    supporters = []
    for action in w.actions:
        if rng.random() < 0.15:
            for org in set(rng.sample(staff_orgs, min(2, len(staff_orgs)))) - {action["responsible_organization_id"]}:
                supporters.append({"action_id": action["id"], "organization_id": org})
    w.loader.write(action_supporters, supporters)


def _demo_focal_persons(w: World) -> None:
    """Each demo person is the focal person of many actions, in plans of committees they sit on
    (or of their group) first."""
    plan_owner = {plan_id: (committee_id, group_id) for plan_id, committee_id, group_id, *_ in w.plans}
    taken = set()
    for email, count in FOCAL_PERSONS.items():
        user_id = w.email_id[email]
        org = w.user_org[user_id]

        def theirs(action):
            committee_id, group_id = plan_owner[action["plan_id"]]
            return (user_id in w.committees[committee_id].members) if committee_id else group_id == org

        own = [a for a in w.actions if a["id"] not in taken and theirs(a)]
        other = [a for a in w.actions if a["id"] not in taken and not theirs(a)]
        wanted = w.scaled(count)
        chosen = w.rng.sample(own, min(wanted, len(own)))
        chosen += w.rng.sample(other, min(wanted - len(chosen), len(other)))
        for action in chosen:
            taken.add(action["id"])
            action["focal_person_id"], action["responsible_organization_id"] = user_id, org


def _updates_planned(w: World) -> None:
    """When each action's updates were posted (the last one is the action's updated_at)."""
    rng = w.rng
    weights = {n: {"done": 4, "in_progress": 3, "blocked": 3, "cancelled": 2}.get(a["status"], 0.3)
               for n, a in enumerate(w.actions) if a["start_date"] <= w.today}
    for n, count in Counter(_draw(rng, weights, w.plan["action_updates"])).items():
        action = w.actions[n]
        begin = max(action["created_at"], datetime.combine(action["start_date"], clock(10)))
        end = min(w.now, datetime.combine(action["due_date"], clock(16)) + timedelta(days=20))
        span = max(60.0, (end - begin).total_seconds())
        w.update_times[action["id"]] = sorted(min(w.now, begin + timedelta(seconds=rng.random() * span))
                                              for _ in range(count))
        action["updated_at"] = w.update_times[action["id"]][-1]


def _action_updates(w: World) -> None:
    rng = w.rng
    ids = iter(w.loader.ids(ActionUpdate.__table__, sum(map(len, w.update_times.values()))))

    def rows():
        for action in w.actions:
            moments = w.update_times.get(action["id"], [])
            for n, moment in enumerate(moments, start=1):
                last = n == len(moments)
                progress = action["progress"] if last else min(90, action["progress"] * n // len(moments))
                status = action["status"] if last or action["status"] == "not_started" else "in_progress"
                yield {"id": next(ids), "action_id": action["id"], "author_id": action["focal_person_id"],
                       "text": rng.choice(UPDATE_TEXTS), "status": status, "progress": progress,
                       "created_at": moment}

    w.loader.write(ActionUpdate.__table__, rows())


# --- Groups and indicators ----------------------------------------------------------------------------------

def _group_roles(w: World) -> None:
    rng = w.rng
    existing = set(db.session.execute(select(GroupRole.organization_id, GroupRole.user_id, GroupRole.role)).all())
    staff_at = defaultdict(list)
    for user_id, org_id in w.user_org.items():
        if w.orgs[org_id].kind != "community_group":
            staff_at[w.orgs[org_id].area_id].append(user_id)
    wanted = []
    for group_id, people in w.group_people.items():
        if not any(g == group_id and r == "coordinator" for g, _, r in existing):
            wanted.append((group_id, rng.choice(people), "coordinator"))
        nearby = next((staff_at[a] for a in _ancestors(w, w.orgs[group_id].area_id)[1:] if staff_at[a]), [])
        for user_id in set(rng.sample(nearby, min(len(nearby), rng.choice((1, 1, 2))))):
            wanted.append((group_id, user_id, "verifier"))
    groups = sorted(_group_weights(w), key=lambda g: -_group_weights(w)[g])
    for email, count in VERIFIERS.items():
        for group_id in groups[:w.scaled(count)]:
            wanted.append((group_id, w.email_id[email], "verifier"))
    rows, seen = [], set(existing)
    for group_id, user_id, role in wanted:
        if (group_id, user_id, role) not in seen:
            seen.add((group_id, user_id, role))
            rows.append({"id": None, "organization_id": group_id, "user_id": user_id, "role": role})
            if role == "verifier":
                w.verifiers[group_id].append(user_id)
    _write_numbered(w, GroupRole.__table__, rows)


def _indicators(w: World) -> None:
    rng = w.rng
    group_weights = {g: v for g, v in _group_weights(w).items() if w.verifiers.get(g)}
    committee_weights = {c.id: c.weight for c in w.committees.values() if len(c.members) >= 2}
    wording = {}
    for indicator_id in w.loader.ids(Indicator.__table__, w.plan["indicators"]):
        by_group = group_weights and (rng.random() < 0.85 or not committee_weights)
        owner = _draw(rng, group_weights if by_group else committee_weights, 1)[0]
        short, question, unit, direction = rng.choice(INDICATOR_THEMES)
        dimensions = rng.choices(([], ["sex"], ["age"], ["sex", "age"], ["sex", "disability"]),
                                 (15, 30, 20, 30, 5))[0] if unit in ("count", "percent") else []
        target = {"count": float(rng.randint(20, 200)), "percent": float(rng.choice((60, 70, 80, 90))),
                  "score": 4.0, "yes_no": 1.0}[unit]
        created = w.day_ago(YEARS_DAYS - rng.randint(0, 30) if rng.random() < 0.75 else rng.randint(60, YEARS_DAYS))
        w.indicators.append(Ind(indicator_id, owner if by_group else None, None if by_group else owner, unit,
                                direction, rng.choices(("monthly", "quarterly"), (85, 15))[0], target, dimensions,
                                rng.choices(("adopted", "proposed", "dropped"), (90, 7, 3))[0], created,
                                rng.random() < 0.3))
        people = w.group_people[owner] if by_group else list(w.committees[owner].members)
        wording[indicator_id] = (short, question, rng.choice(people), rng.random() < 0.4)
    w.budgets = _value_budgets(w)  # may split some indicators further: before they are written
    rows = []
    for indicator in w.indicators:
        short, question, proposer, has_baseline = wording[indicator.id]
        rows.append({"id": indicator.id, "organization_id": indicator.organization_id,
                     "committee_id": indicator.committee_id, "short_name": short, "question": question,
                     "why": "So that we see whether things get better for us.", "unit": indicator.unit,
                     "score_labels": SCORE_LABELS if indicator.unit == "score" else [],
                     "direction": indicator.direction, "frequency": indicator.frequency,
                     "baseline_value": round(indicator.target * 0.6) if has_baseline else None,
                     "baseline_date": indicator.created if has_baseline else None, "target": indicator.target,
                     "dimensions": indicator.dimensions, "verification": "The group's record book",
                     "status": indicator.status, "proposed_by_id": proposer, "wording_version": 1,
                     "created_at": datetime.combine(indicator.created, clock(11)), "version": 1})
    w.loader.write(Indicator.__table__, rows)
    w.labels["Indicator"] = [(row["id"], row["short_name"]) for row in rows[:5000]]


def _history(w: World, indicator: Ind) -> list[str]:
    """The indicator's periods from its start to today's, newest first."""
    first = periods.period_of(indicator.created, indicator.frequency)
    return list(reversed(periods.between(first, periods.period_of(w.today, indicator.frequency))))


def _cells(indicator: Ind) -> list[str]:
    """The total first, then the cells of its split (a partial old period keeps the total)."""
    return [""] + cells(indicator.dimensions) if indicator.dimensions else [""]


def _value_budgets(w: World) -> dict[int, int]:
    """How many values each adopted indicator gets, newest periods first, to make the total."""
    adopted = [i for i in w.indicators if i.status == "adopted"]
    total = w.plan["indicator_values"]
    capacity = {i.id: len(_history(w, i)) * len(_cells(i)) for i in adopted}
    upgrade = [i for i in adopted if i.unit in ("count", "percent")]
    w.rng.shuffle(upgrade)
    room = sum(capacity.values())
    while room < total and upgrade:  # fuller splits and histories until it fits
        indicator = upgrade.pop()
        indicator.dimensions, indicator.created = ["sex", "age"], w.day_ago(YEARS_DAYS)
        room -= capacity[indicator.id]
        capacity[indicator.id] = len(_history(w, indicator)) * len(_cells(indicator))
        room += capacity[indicator.id]
    if not room:
        return {}
    share = min(1.0, total / room)
    budgets = {key: int(c * share) for key, c in capacity.items()}
    short = min(total, room) - sum(budgets.values())
    for key in sorted(capacity, key=lambda k: capacity[k] * share - budgets[k], reverse=True)[:short]:
        budgets[key] += 1
    return budgets


def _period_end(period: str) -> datetime:
    """A moment just after the period: when its values were entered."""
    year, quarterly = int(period[:4]), "Q" in period
    month = (int(period[-1]) - 1) * 3 + 1 if quarterly else int(period[5:7])
    return datetime.combine(date(year, month, 1), clock(12)) + timedelta(days=95 if quarterly else 33)


def _point(w: World, indicator: Ind, cell: str) -> float:
    """A value near the target (on track) or well off it, in the indicator's unit."""
    rng = w.rng
    level = rng.uniform(0.45, 0.8) if indicator.off_track else rng.uniform(0.9, 1.2)
    if indicator.direction == "lower":
        level = 2 - level
    if indicator.unit == "yes_no":
        return 1.0 if rng.random() < (0.5 if indicator.off_track else 0.95) else 0.0
    if indicator.unit == "score":
        return float(min(5, max(1, round(indicator.target * level))))
    if indicator.unit == "percent":
        return float(min(100, max(0, round(indicator.target * level))))
    parts = cell.count("|") + 1 if cell else 0
    share = {0: 1, 1: 0.45, 2: 0.17}[min(parts, 2)]
    return float(max(0, round(indicator.target * level * share)))


def _indicator_values(w: World) -> None:
    rng = w.rng
    budgets = w.budgets
    ids = iter(w.loader.ids(IndicatorValue.__table__, sum(budgets.values())))

    def who(indicator: Ind) -> tuple[list, list]:
        if indicator.organization_id:
            return w.group_people[indicator.organization_id], w.verifiers[indicator.organization_id]
        members = w.committees[indicator.committee_id].members
        return list(members), [u for u, r in members.items() if r in ("chair", "secretary")]

    def rows():
        for indicator in w.indicators:
            left = budgets.get(indicator.id, 0)
            enterers, verifiers = who(indicator)
            for age, period in enumerate(_history(w, indicator)):
                if left <= 0:
                    break
                state = _value_state(w, age)
                verifier = rng.choice(verifiers) if verifiers and state in ("verified", "returned") else None
                if verifier is None and state in ("verified", "returned"):
                    state = "submitted"
                entered = [u for u in enterers if u != verifier]
                entered_by = rng.choice(entered) if entered else None
                updated = min(w.now, _period_end(period) + timedelta(days=rng.randint(0, 10)))
                for cell in _cells(indicator)[:left]:
                    left -= 1
                    yield {"id": next(ids), "indicator_id": indicator.id, "period": period, "cell": cell,
                           "value": _point(w, indicator, cell), "state": state, "comment": "", "story": "",
                           "explanation": "", "wording_version": 1, "entered_by_id": entered_by,
                           "return_reason": "Please check the record book for this period." if state == "returned"
                           else "", "verified_by_id": verifier, "version": 1, "updated_at": updated}

    w.loader.write(IndicatorValue.__table__, rows())


def _value_state(w: World, age: int) -> str:
    """Newer periods are drafts or waiting; older ones verified, a few returned or never checked."""
    if age == 0:
        return w.rng.choice(("draft", "submitted"))
    if age == 1:
        return w.rng.choices(("submitted", "verified", "returned"), (50, 40, 10))[0]
    return w.rng.choices(("verified", "submitted", "returned"), (985, 10, 5))[0]


def _targets(w: World) -> None:
    wanted = w.plan["indicator_targets"]
    with_targets = [i for i in w.indicators if i.status == "adopted"]
    w.rng.shuffle(with_targets)
    rows = []
    for indicator in with_targets:
        current = periods.period_of(w.today, indicator.frequency)
        for step in range(4):
            if len(rows) < wanted:
                rows.append({"id": None, "indicator_id": indicator.id, "period": periods.shift(current, step),
                             "target": indicator.target * (1 + 0.05 * step), "version": 1})
    _write_numbered(w, IndicatorTarget.__table__, rows)
    refresh_standings(w.loader.connection)  # where each indicator stands, for every committee reading it
    w.loader.say("indicator_standings (rebuilt)",
                 w.loader.connection.scalar(select(func.count()).select_from(IndicatorStanding)))


# --- Feedback ------------------------------------------------------------------------------------------------

def _tracking_code(w: World, used: set) -> str:
    while True:
        raw = "".join(w.rng.choices(CODE_ALPHABET, k=10))
        code = f"{raw[:5]}-{raw[5:]}"
        if code not in used:
            used.add(code)
            return code


def _case_status(w: World, age_days: float) -> str:
    rng = w.rng
    if age_days > 60:
        return rng.choices(("closed", "resolved", "in_progress", "acknowledged"), (55, 42, 2, 1))[0]
    if age_days > 7:
        return rng.choices(("closed", "resolved", "in_progress", "acknowledged", "received"), (10, 35, 35, 12, 8))[0]
    return rng.choices(("resolved", "in_progress", "acknowledged", "received"), (10, 15, 30, 45))[0]


def _case_times(w: World, received: datetime, status: str, resolve_days: int) -> dict:
    """acknowledged_at, resolved_at, closed_at as far as the case got; none later than now."""
    rng, reached = w.rng, ["received", "acknowledged", "in_progress", "resolved", "closed"].index(status)
    times, moment = {"acknowledged_at": None, "resolved_at": None, "closed_at": None, "in_progress_at": None}, received
    steps = [("acknowledged_at", timedelta(hours=rng.expovariate(1 / 30))),
             ("in_progress_at", timedelta(days=rng.uniform(0, 3))),
             ("resolved_at", timedelta(days=rng.uniform(0, resolve_days * (1.6 if rng.random() < 0.2 else 0.8)))),
             ("closed_at", timedelta(days=rng.uniform(1, 20)))]
    for n, (name, gap) in enumerate(steps, start=1):
        if n > reached:
            break
        moment = min(moment + gap, w.now - timedelta(minutes=reached - n + 1))
        times[name] = max(moment, received)
    return times


def _feedback(w: World) -> None:
    rng = w.rng
    times = answer_times()
    used = set(db.session.scalars(select(FeedbackCase.code)))
    communities = [p.id for p in w.areas.values() if p.level == "community"]
    others = [p.id for p in w.areas.values() if p.level != "community"]
    area_weights = _weights(rng, communities, 1.0)
    handlers = {o.id: rng.lognormvariate(0, 1.2) for o in w.orgs.values()
                if o.kind != "community_group" and w.users_by_org[o.id]}
    handlers = _with_heavy(handlers, {w.org_ids[name]: share for name, (share, *_) in CASE_HANDLERS.items()})
    named = {w.org_ids[name]: (w.email_id[email], share) for name, (_, email, share) in CASE_HANDLERS.items()}
    count = w.plan["feedback_cases"]
    areas = _draw(rng, area_weights, count)
    assigned = _draw(rng, handlers, count)
    w.cases = []
    rows = []
    for n, case_id in enumerate(w.loader.ids(FeedbackCase.__table__, count)):
        age = YEARS_DAYS * (1 - rng.random() ** 0.5)  # more recent cases: use grows
        received = w.ago(age)
        category = rng.choices(("complaint", "question", "suggestion", "appreciation"), (55, 20, 15, 10))[0]
        status = _case_status(w, age)
        programme = rng.choice(PROGRAMMES)
        channel = rng.choices(("web", "phone", "walk_in", "community_meeting", "sms", "letter"),
                              (30, 25, 15, 20, 8, 2))[0]
        org = assigned[n] if status != "received" or rng.random() < 0.5 else None
        user = None
        if org is not None:
            person, share = named.get(org, (None, 0))
            user = person if person and rng.random() < share else rng.choice(w.users_by_org[org])
        anonymous = rng.random() < 0.2
        stamps = _case_times(w, received, status, times[category][1])
        done = status in ("resolved", "closed")
        publishable = done and rng.random() < 0.3
        case = {"id": case_id, "code": _tracking_code(w, used), "channel": channel, "category": category,
                "description": rng.choice(CASE_TEXTS[category]).format(p=programme or "programme"),
                "area_id": areas[n] if rng.random() < 0.9 else rng.choice(others) if rng.random() < 0.8 else None,
                "programme": programme, "anonymous": anonymous,
                "contact_name": "" if anonymous else w.person_name(),
                "contact_phone": "" if anonymous else f"07{rng.randint(10000000, 99999999)}", "status": status,
                "assigned_organization_id": org, "assigned_user_id": user,
                "response": rng.choice(RESPONSES) if done else "", "publishable": publishable,
                "public_summary": f"A {category} about the {programme or 'programme'}." if publishable else "",
                "recorded_by_id": user if channel != "web" else None, "received_at": received,
                "due_at": current_due(SimpleNamespace(status=status, received_at=received, category=category), times),
                "acknowledged_at": stamps["acknowledged_at"], "resolved_at": stamps["resolved_at"],
                "closed_at": stamps["closed_at"], "version": 1}
        rows.append(case)
        w.cases.append((case_id, category, status, user, received, stamps))
    w.loader.write(FeedbackCase.__table__, rows)
    w.labels["FeedbackCase"] = [(row["id"], row["code"]) for row in rows[:5000]]
    rebuild_feedback_figures(w.loader.connection)  # the counts the board and the patterns read
    for table in (FeedbackFigure.__table__, FeedbackMonth.__table__):
        w.loader.say(f"{table.name} (rebuilt)", w.loader.connection.scalar(select(func.count()).select_from(table)))


def _case_notes(w: World) -> None:
    rng = w.rng
    transitions = [("received", "acknowledged", "acknowledged_at"), ("acknowledged", "in_progress", "in_progress_at"),
                   ("in_progress", "resolved", "resolved_at"), ("resolved", "closed", "closed_at")]
    plans = []
    for case_id, category, status, user, received, stamps in w.cases:
        steps, previous = [], "received"
        for source, target, stamp in transitions:
            if stamps[stamp] is None:
                continue
            if target == "in_progress" and rng.random() < 0.5 and stamps["resolved_at"]:
                continue  # acknowledged, then resolved straight away
            steps.append((previous, target, stamps[stamp], ""))
            previous = target
        plans.append((case_id, category, status, user, received, steps))
    required = sum(len(p[-1]) for p in plans)
    extra = Counter(_draw(rng, {n: 2 if p[1] == "complaint" else 1 for n, p in enumerate(plans)},
                          max(0, w.plan["case_notes"] - required))) if plans else Counter()
    ids = iter(w.loader.ids(CaseNote.__table__, required + sum(extra.values())))

    def rows():
        for n, (case_id, _, status, user, received, steps) in enumerate(plans):
            last = max([moment for _, _, moment, _ in steps], default=received)
            notes = list(steps)
            for _ in range(extra.get(n, 0)):  # a note on the way, at the status the case had then
                moment = received + (last - received) * rng.random()
                then = next((target for _, target, at, _ in reversed(steps) if at <= moment), "received")
                notes.append((then, then, moment, rng.choice(NOTE_TEXTS)))
            notes.sort(key=lambda note: note[2])
            for source, target, moment, text_ in notes:
                yield {"id": next(ids), "case_id": case_id, "author_id": user, "from_status": source,
                       "to_status": target, "text": text_, "created_at": moment}

    w.loader.write(CaseNote.__table__, rows())


# --- Planning sessions ----------------------------------------------------------------------------------------

def _join_code(w: World, used: set) -> str:
    while True:
        code = "".join(w.rng.choice(JOIN_ALPHABET) for _ in range(6))
        if code not in used:
            used.add(code)
            return code


def _sessions(w: World) -> None:
    rng = w.rng
    used_codes = set(db.session.scalars(select(PlanningSession.join_code).where(PlanningSession.join_code.is_not(None))))
    committees = {c.id: c.weight for c in w.committees.values() if any(r != "observer" for r in c.members.values())}
    groups = {g: v for g, v in _group_weights(w).items() if w.verifiers.get(g)}
    plans_of = defaultdict(list)
    for plan_id, committee_id, group_id, *_ in w.plans:
        plans_of[(committee_id, group_id)].append(plan_id)
    sessions, board = [], {"participants": [], "cards": [], "votes": []}
    for n, session_id in enumerate(w.loader.ids(PlanningSession.__table__, w.plan["planning_sessions"])):
        heavy = n == 0
        by_group = not heavy and groups and rng.random() < 0.4
        if heavy:
            owner, facilitator = w.committee_ids[NATIONAL], w.email_id[HEAVY_SESSION_FACILITATOR]
            w.heavy_session_id = session_id
        else:
            owner = _draw(rng, groups if by_group else committees, 1)[0]
            staff = w.verifiers[owner] if by_group else [u for u in w.committees[owner].members if w.staff(u)]
            facilitator = rng.choice(staff or list(w.user_org))
        phase = "vote" if heavy else rng.choices(("closed", "problems", "ideas", "vote", "actions"), (90, 3, 3, 2, 2))[0]
        held = w.today if heavy else w.day_ago(rng.randint(1, YEARS_DAYS) if phase == "closed" else rng.randint(0, 7))
        committee_id, group_id = (None, owner) if by_group else (owner, None)
        own_plans = plans_of[(committee_id, group_id)]
        session = {"id": session_id, "title": f"{rng.choice(THEMES)} workshop {held.year}",
                   "purpose": "What keeps families from the support they are entitled to, and what we do about it.",
                   "held_on": held, "committee_id": committee_id, "organization_id": group_id,
                   "facilitator_id": facilitator, "votes_per_participant": 10 if heavy else 3,
                   "votes_per_idea": 3 if heavy else 2, "phase": phase,
                   "join_code": None if phase == "closed" else _join_code(w, used_codes),
                   "plan_id": rng.choice(own_plans) if own_plans and phase in ("actions", "closed")
                   and rng.random() < 0.6 else None,
                   "created_at": datetime.combine(held, clock(8)),
                   "closed_at": datetime.combine(held, clock(17)) if phase == "closed" else None, "version": 1,
                   "board_version": 1}
        sessions.append(session)
        people = w.group_people.get(owner, []) if by_group else \
            [u for u, r in w.committees[owner].members.items() if r != "observer"]
        _board(w, session, facilitator, people, heavy, board)
    w.loader.write(PlanningSession.__table__, sessions)
    w.loader.write(Participant.__table__, board["participants"])
    w.loader.write(Card.__table__, [card for card in board["cards"] if card["kind"] == "problem"])
    w.loader.write(Card.__table__, [card for card in board["cards"] if card["kind"] == "idea"])
    w.loader.write(Vote.__table__, board["votes"])


def _board(w: World, session: dict, facilitator: int, people: list, heavy: bool, board: dict) -> None:
    """A session's participants, problem and idea cards, and votes (in and after the vote)."""
    rng = w.rng
    started = session["created_at"]
    if heavy:
        n_people, n_guests = w.plan["heavy_session_participants"] * 2 // 3, w.plan["heavy_session_participants"] // 3
        n_cards = w.plan["heavy_session_cards"]
    else:
        n_people, n_guests, n_cards = rng.randint(3, 12), rng.randint(0, 4), rng.randint(6, 24)
    members = [u for u in people if u != facilitator]
    users = [facilitator] + rng.sample(members, min(len(members), max(0, n_people - 1)))
    participants = []
    for user_id in users:
        participants.append({"id": None, "session_id": session["id"], "user_id": user_id,
                             "display_name": w.user_name[user_id][:60], "token_hash": None, "joined_at": started})
    for _ in range(n_guests if session["phase"] != "problems" or heavy else 0):
        participants.append({"id": None, "session_id": session["id"], "user_id": None,
                             "display_name": rng.choice(FIRST_NAMES),
                             "token_hash": hashlib.sha256(w.token(16).encode()).hexdigest(), "joined_at": started})
    for row, participant_id in zip(participants, w.loader.ids(Participant.__table__, len(participants))):
        row["id"] = participant_id  # the cards name their authors: numbered before they are written
    board["participants"] += participants
    phase = session["phase"]
    n_problems = max(1, n_cards // 5) if phase != "problems" else n_cards
    card_ids = iter(w.loader.ids(Card.__table__, n_cards))
    problems, ideas = [], []
    for n in range(n_cards):
        kind = "problem" if n < n_problems else "idea"
        problem = None if kind == "problem" else rng.choice(problems)
        merged = kind == "idea" and ideas and rng.random() < 0.05
        card = {"id": next(card_ids), "session_id": session["id"], "kind": kind,
                "problem_id": problem["id"] if problem else None,
                "text": rng.choice(CARD_PROBLEMS if kind == "problem" else CARD_IDEAS),
                "author_id": rng.choice(participants)["id"], "hidden": bool(merged) or rng.random() < 0.03,
                "merged_into_id": rng.choice(ideas)["id"] if merged else None, "action_id": None,
                "created_at": started + timedelta(minutes=n), "version": 1}
        (problems if kind == "problem" else ideas).append(card)
    board["cards"] += problems + ideas
    if phase in ("vote", "actions", "closed"):
        _votes(w, session, participants, [c for c in ideas if not c["hidden"]], board["votes"])


def _votes(w: World, session: dict, participants: list, ideas: list, votes: list) -> None:
    rng = w.rng
    if not ideas:
        return
    per_person, per_idea = session["votes_per_participant"], session["votes_per_idea"]
    rows = []
    for participant in participants:
        on_card = Counter()
        for slot in range(1, rng.randint(per_person // 2, per_person) + 1):
            open_ideas = [c for c in ideas if on_card[c["id"]] < per_idea]
            if not open_ideas:
                break
            card = rng.choice(open_ideas)
            on_card[card["id"]] += 1
            rows.append({"id": None, "session_id": session["id"], "card_id": card["id"],
                         "participant_id": participant["id"], "slot": slot, "card_slot": on_card[card["id"]],
                         "created_at": session["created_at"] + timedelta(hours=1, seconds=len(rows))})
    for row, vote_id in zip(rows, w.loader.ids(Vote.__table__, len(rows))):
        row["id"] = vote_id
    votes += rows


# --- The audit trail ------------------------------------------------------------------------------------------

def _audit(w: World) -> None:
    rng = w.rng
    kinds = [kind for kind in ("Committee", "Meeting", "Action", "Indicator", "FeedbackCase", "User")
             if w.labels[kind]]
    actors = list(w.user_org)
    demo = list(w.email_id.values())
    ids = w.loader.ids(AuditEvent.__table__, w.plan["audit_events"])

    def rows():
        for event_id in ids:
            kind = rng.choice(kinds)
            entity_id, label = rng.choice(w.labels[kind])
            action, before, after = rng.choice((("create", None, {"name": label}),
                                                ("update", {"status": "in_progress"}, {"status": "done"}),
                                                ("update", {"title": label + " (draft)"}, {"title": label})))
            yield {"id": event_id, "at": w.ago(YEARS_DAYS * (1 - rng.random() ** 0.5)),
                   "actor_id": rng.choice(demo) if rng.random() < 0.1 else rng.choice(actors), "action": action,
                   "entity_type": kind, "entity_id": entity_id, "label": label[:300], "before": before,
                   "after": after}

    w.loader.write(AuditEvent.__table__, rows())


# --- Programmes ----------------------------------------------------------------------------------------------

PROGRAMME_KINDS = ["Cash transfer", "School stipend", "Food assistance", "Public works", "Savings groups",
                   "Child protection", "Old-age support", "Disability support", "Health cards", "Skills training"]


def _programmes(w: World) -> None:
    """Programmes of government offices and NGOs, each covering about 20 areas of one district (a
    few cover the whole country), with two years of figures and one to three lifecycle groups."""
    from workspace.models import LifecycleGroup, ProgrammeCluster, ProgrammeYear, programme_areas, programme_groups

    rng, wanted, coverage = w.rng, w.plan["programmes"], w.plan["programme_areas"]
    # The lists the demo (seeded first) made sure of.
    clusters = list(w.loader.connection.scalars(select(ProgrammeCluster.id)))
    groups = list(w.loader.connection.scalars(select(LifecycleGroup.id)))
    owners = [org for org in w.orgs.values() if org.kind in ("government", "ngo")]
    national = next(a.id for a in w.areas.values() if a.level == "national")
    inside: dict[int, list[int]] = defaultdict(list)  # district -> the areas below it
    district_of = {}
    for area in w.areas.values():
        if area.level == "district":
            district_of[area.id] = area.id
    for area in sorted(w.areas.values(), key=lambda a: ("national", "region", "district", "subdistrict",
                                                         "community").index(a.level)):
        if area.parent_id in district_of:
            district_of[area.id] = district_of[area.parent_id]
            inside[district_of[area.id]].append(area.id)
    districts = list(inside) or [national]
    per_programme = max(1, round(coverage / wanted))
    programme_ids = w.loader.ids(Programme.__table__, wanted)
    rows, areas, served, years = [], [], [], []
    for programme_id in programme_ids:
        owner = rng.choice(owners)
        start = w.day_ago(rng.uniform(30, YEARS_DAYS * 2))
        rows.append({"id": programme_id, "name": f"{rng.choice(PROGRAMME_KINDS)} {programme_id}",
                     "organization_id": owner.id, "objectives": "", "cluster_id": rng.choice(clusters),
                     "support_kind": rng.choice(list(SUPPORT_KINDS)), "starts_on": start,
                     "ends_on": None if rng.random() < 0.7 else start + timedelta(days=rng.randint(365, 3000)),
                     "status": "active", "for_government": owner.kind == "ngo" and rng.random() < 0.1,
                     "focal_person_id": None, "created_at": w.ago(rng.uniform(0, 1000)), "version": 1})
        if rng.random() < 0.02:
            chosen = [national]
        else:
            district = rng.choice(districts)
            below = inside.get(district, [])
            chosen = [district] if not below else rng.sample(below, min(len(below), per_programme))
        areas.extend({"programme_id": programme_id, "area_id": area_id} for area_id in chosen)
        served.extend({"programme_id": programme_id, "group_id": group_id}
                      for group_id in rng.sample(groups, rng.randint(1, min(3, len(groups)))))
        for year in (w.today.year - 1, w.today.year):
            planned = rng.randint(100, 100000)
            years.append({"id": None, "programme_id": programme_id, "year": year, "beneficiaries_planned": planned,
                          "beneficiaries_reached": rng.randint(0, planned), "reached_note": "",
                          "budget": rng.randint(10, 5000) * 100000, "currency": "BDT",
                          "funding_source": "", "version": 1})
    w.loader.write(Programme.__table__, rows)
    w.loader.write(programme_areas, areas)
    w.loader.write(programme_groups, served)
    _write_numbered(w, ProgrammeYear.__table__, years)
    from workspace.models import programme_overlaps
    from workspace.programmes.overlaps import refresh_all

    refresh_all(w.loader.connection)  # rows written here pass no flush hook
    w.loader.say("programme_overlaps", w.loader.connection.scalar(select(func.count()).select_from(programme_overlaps)))


# --- The command ---------------------------------------------------------------------------------------------

def seed_scale(factor: float) -> World:
    """Fills the database (empty, or the demo) with the scale world in one transaction."""
    seed_demo()
    loader = Loader()
    w = World(factor, loader)
    try:
        _load_demo(w)
        for step in (_areas, _organisations, _users, _committees, _memberships, _meetings, _plans, _actions,
                     _action_updates, _group_roles, _indicators, _indicator_values, _targets, _feedback,
                     _case_notes, _sessions, _programmes, _audit):
            step(w)
        loader.finish()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    # The planner's statistics now: PostgreSQL's autovacuum would gather them later, SQLite never
    # does by itself, and without them it reads an action list through the wrong index.
    if loader.postgres:
        db.session.execute(text("ANALYZE " + ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)))
    else:
        db.session.execute(text("ANALYZE"))
    db.session.commit()
    loader.say("(tables analyzed)", len(db.metadata.sorted_tables))
    return w


def who_is_who(w: World) -> list[str]:
    """Lines that tell the benchmark whom to log in as."""
    meetings = dict(db.session.execute(select(Meeting.committee_id, func.count()).group_by(Meeting.committee_id)).all())
    lines = []
    for _, email, *_ in DEMO_USERS:
        user_id = w.email_id[email]
        runs = [f"{role} of #{c.id} {c.name} ({meetings.get(c.id, 0)} meetings)"
                for c in sorted(w.committees.values(), key=lambda c: c.id)
                for role in [c.members.get(user_id)] if role in ("chair", "secretary")]
        sits = sum(1 for c in w.committees.values() if user_id in c.members)
        lines.append(f"{email}: member of {sits} committees" + ("; " + "; ".join(runs) if runs else ""))
    kanta = w.org_ids[KANTA]
    lines.append(f"heavy group: #{kanta} {KANTA} ({len(w.users_by_org[kanta])} people; "
                 f"coordinator mariam.sultana, verifier grace.njeri)")
    lines.append(f"heavy session: #{w.heavy_session_id} (open, voting; facilitator {HEAVY_SESSION_FACILITATOR})")
    return lines


@click.command("seed-scale")
@click.option("--factor", type=click.FloatRange(0, 20, min_open=True), default=1.0, show_default=True,
              help="Share of the national-scale counts to make (0.1: a tenth).")
@with_appcontext
def seed_scale_command(factor: float):
    """Fill a fresh database with a national-scale workspace, to measure pages against."""
    reason = refusal()
    if reason:
        raise click.ClickException(reason)
    started = time.perf_counter()
    click.echo(f"Making the scale world at factor {factor:g} (seed {SEED}):")
    w = seed_scale(factor)
    total = sum(w.loader.written.values())
    click.echo(f"Done: {total:,} rows in {time.perf_counter() - started:.1f} s. Who is who "
               f"(password for all: {DEMO_PASSWORD}):")
    for line in who_is_who(w):
        click.echo(f"  {line}")
