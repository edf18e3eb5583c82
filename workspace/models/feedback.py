"""Feedback and grievances: cases anyone can raise, answered within a set time, reported back."""
import secrets
from collections import Counter
from datetime import datetime

from sqlalchemy import (
    JSON, CheckConstraint, ForeignKey, Index, SmallInteger, String, Text, event, false, inspect, text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from workspace.clock import to_local, utcnow
from workspace.extensions import db
from workspace.i18n import lazy_gettext as _l
from workspace.models.versioning import Versioned
from workspace.models.accounts import User
from workspace.models.committees import Committee
from workspace.models.directory import Area, Organization, _in

CHANNELS = {"web": _l("Web form"), "phone": _l("Phone call"), "walk_in": _l("Walk-in"),
            "community_meeting": _l("Community meeting"), "sms": _l("SMS"), "letter": _l("Letter")}
CATEGORIES = {"complaint": _l("Complaint"), "suggestion": _l("Suggestion"), "question": _l("Question"),
              "appreciation": _l("Appreciation")}
CASE_STATUSES = {"received": _l("Received"), "acknowledged": _l("Acknowledged"), "in_progress": _l("In progress"),
                 "resolved": _l("Resolved"), "closed": _l("Closed")}
# What resolving a complaint decided, told to the person with the reason (the response).
OUTCOMES = {"upheld": _l("Upheld"), "partly_upheld": _l("Partly upheld"), "not_upheld": _l("Not upheld"),
            "referred": _l("Referred to another organisation or programme")}
# Where a case may go next.
NEXT_STATUSES = {"received": ("acknowledged",), "acknowledged": ("in_progress", "resolved"),
                 "in_progress": ("resolved",), "resolved": ("closed", "in_progress"), "closed": ()}
# Hours to acknowledge, days to resolve, where an administrator has set nothing else.
DEFAULT_ANSWER_TIMES = {"complaint": (48, 14), "suggestion": (72, 30), "question": (48, 7), "appreciation": (72, 30)}
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L to misread
# Conditions of the lists that partial indexes hold, written out so that a query and its index
# read the same words (a planner matches an index's condition to the same terms, not to parameters).
# "NOT IN" rather than the statuses wanted: SQLite, without statistics, prefers any index it can
# look a status up in (and then sorts thousands of rows) to an index already in the list's order.
PUBLISHED_SQL = "publishable AND status NOT IN ('received', 'acknowledged', 'in_progress')"  # the board
OPEN_SQL = "status NOT IN ('resolved', 'closed')"  # a handler's open cases
UNASSIGNED_SQL = "assigned_organization_id IS NULL"


def new_tracking_code() -> str:
    """Random, not sequential: a code says nothing about any other case."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


class FeedbackCase(Versioned, db.Model):
    __tablename__ = "feedback_cases"
    __table_args__ = (
        CheckConstraint(_in("channel", CHANNELS), name="channel"),
        CheckConstraint(_in("category", CATEGORIES), name="category"),
        CheckConstraint(_in("status", CASE_STATUSES), name="status"),
        CheckConstraint("length(description) > 0", name="described"),
        CheckConstraint("NOT anonymous OR (contact_name = '' AND contact_phone = '')", name="anonymous_no_contact"),
        CheckConstraint("NOT publishable OR public_summary <> ''", name="published_has_summary"),
        CheckConstraint(f"outcome IS NULL OR {_in('outcome', OUTCOMES)}", name="outcome"),
        CheckConstraint("NOT (sensitive AND publishable)", name="sensitive_unpublished"),
        # A committee's cases in a month, raised as a cluster: by area, then time.
        Index("ix_feedback_cases_area_received", "area_id", "received_at"),
        # The board: published cases, newest answer first; of one kind; in an area (area_id in the
        # first two so that a large area is checked on the index while it is read in order).
        Index("ix_feedback_cases_published", "resolved_at", "id", "area_id",
              sqlite_where=text(PUBLISHED_SQL), postgresql_where=text(PUBLISHED_SQL)),
        Index("ix_feedback_cases_published_category", "category", "resolved_at", "id", "area_id",
              sqlite_where=text(PUBLISHED_SQL), postgresql_where=text(PUBLISHED_SQL)),
        Index("ix_feedback_cases_published_area", "area_id", "resolved_at", "id",
              sqlite_where=text(PUBLISHED_SQL), postgresql_where=text(PUBLISHED_SQL)),
    )
    __audit_fields__ = ("category", "channel", "area_id", "programme", "programme_id", "status", "sensitive",
                        "assigned_organization_id", "escalation_level",
                        "assigned_user_id", "response", "outcome", "publishable", "public_summary")

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(11), unique=True, default=new_tracking_code)
    channel: Mapped[str] = mapped_column(String(20), default="web")
    description: Mapped[str] = mapped_column(Text)
    # active_history: the figures kept on write (below) need the value a change replaces.
    category: Mapped[str] = mapped_column(String(20), active_history=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"), active_history=True)
    programme: Mapped[str] = mapped_column(String(200), default="", active_history=True)
    # The programme from the repository, when the case names one there (the words above are kept).
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id", ondelete="SET NULL"), index=True)
    programme_record: Mapped["Programme | None"] = relationship("Programme")  # the programme_id named
    anonymous: Mapped[bool] = mapped_column(default=False)
    # About abuse, exploitation, violence or fraud by staff: read in full only by the handling
    # organisation's named focal points, never published (workspace/access.py can_handle_case).
    sensitive: Mapped[bool] = mapped_column(default=False, server_default=false())
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(20), default="received")
    assigned_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"))
    assigned_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    response: Mapped[str] = mapped_column(Text, default="")  # for the person and the community
    outcome: Mapped[str | None] = mapped_column(String(20))  # of OUTCOMES, once decided
    language: Mapped[str | None] = mapped_column(String(12))  # the language the response is written in (None: the default)
    publishable: Mapped[bool] = mapped_column(default=False)
    public_summary: Mapped[str] = mapped_column(String(1000), default="")  # what was raised, fit to publish
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True, active_history=True)
    due_at: Mapped[datetime | None]  # the deadline that matters now
    acknowledged_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None] = mapped_column(active_history=True)
    closed_at: Mapped[datetime | None]
    # Past its time, a case goes up (workspace/feedback/escalation.py): 1, to the organisation that
    # handles the area above; 2, to the committee over the area.
    escalation_level: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    escalated_at: Mapped[datetime | None]

    area: Mapped[Area | None] = relationship()
    assigned_organization: Mapped[Organization | None] = relationship()
    assigned_user: Mapped[User | None] = relationship(foreign_keys=[assigned_user_id])
    notes: Mapped[list["CaseNote"]] = relationship(back_populates="case", order_by="desc(CaseNote.id)",
                                                   cascade="all, delete-orphan")

    @property
    def name(self) -> str:
        return self.code

    @property
    def category_label(self) -> str:
        return str(CATEGORIES[self.category])

    @property
    def status_label(self) -> str:
        return str(CASE_STATUSES[self.status])

    @property
    def outcome_label(self) -> str:
        return str(OUTCOMES[self.outcome]) if self.outcome else ""


# The case list, what is due soonest first (due_at NULLS LAST, then the newest): its open cases
# (the list as it opens), one status, any status. The last also finds what is past its time.
Index("ix_feedback_cases_open_due", FeedbackCase.due_at, FeedbackCase.received_at.desc(),
      sqlite_where=text(OPEN_SQL), postgresql_where=text(OPEN_SQL))
Index("ix_feedback_cases_status_due", FeedbackCase.status, FeedbackCase.due_at, FeedbackCase.received_at.desc())
Index("ix_feedback_cases_due", FeedbackCase.due_at, FeedbackCase.received_at.desc())
# An organisation's cases in that order; those assigned to no one (PostgreSQL does not read the
# first in order for "IS NULL").
Index("ix_feedback_cases_organization_due", FeedbackCase.assigned_organization_id, FeedbackCase.due_at,
      FeedbackCase.received_at.desc())
Index("ix_feedback_cases_unassigned_due", FeedbackCase.due_at, FeedbackCase.received_at.desc(),
      sqlite_where=text(UNASSIGNED_SQL), postgresql_where=text(UNASSIGNED_SQL))


class CaseAppeal(db.Model):
    """An appeal against a case's decision: a case of its own, handled by the next level, linked
    to the one it appeals. A case is appealed once."""

    __tablename__ = "case_appeals"
    __audit_fields__ = ("appeal_id", "original_id")

    appeal_id: Mapped[int] = mapped_column(ForeignKey("feedback_cases.id", ondelete="CASCADE"), primary_key=True,
                                           autoincrement=False)
    original_id: Mapped[int] = mapped_column(ForeignKey("feedback_cases.id", ondelete="CASCADE"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    appeal: Mapped["FeedbackCase"] = relationship(foreign_keys=[appeal_id])
    original: Mapped["FeedbackCase"] = relationship(foreign_keys=[original_id])

    @property
    def id(self) -> int:  # for the audit trail, which names records by number
        return self.appeal_id

    @property
    def name(self) -> str:
        return self.appeal.code if self.appeal else str(self.appeal_id)


class SmsMessage(db.Model):
    """A text message: one that came in through the SMS gateway's webhook (its id at the gateway
    keeps a message sent twice from making two cases), or one to send, waiting here until a
    gateway takes it (sent_at), as reminders wait in the outbox."""

    __tablename__ = "sms_messages"
    __table_args__ = (
        CheckConstraint("direction IN ('in', 'out')", name="direction"),
        CheckConstraint("length(text) > 0", name="text"),
        Index("ix_sms_messages_waiting", "direction", "sent_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(String(3))
    phone: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    gateway_id: Mapped[str | None] = mapped_column(String(100), unique=True)  # of a message that came in
    case_id: Mapped[int | None] = mapped_column(ForeignKey("feedback_cases.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    case: Mapped["FeedbackCase | None"] = relationship()


class CaseNote(db.Model):
    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("feedback_cases.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[FeedbackCase] = relationship(back_populates="notes")
    author: Mapped[User | None] = relationship()


class AnswerTime(Versioned, db.Model):
    """How soon a category of case must be acknowledged and resolved."""

    __tablename__ = "answer_times"
    __table_args__ = (
        CheckConstraint(_in("category", CATEGORIES), name="category"),
        CheckConstraint("acknowledge_hours BETWEEN 1 AND 720 AND resolve_days BETWEEN 1 AND 365", name="ranges"),
    )
    __audit_fields__ = ("category", "acknowledge_hours", "resolve_days")

    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    acknowledge_hours: Mapped[int]
    resolve_days: Mapped[int]

    @property
    def id(self) -> int:  # for the audit trail, which names records by number
        return list(CATEGORIES).index(self.category) + 1

    @property
    def name(self) -> str:
        return self.category


SCOPE_SQL = ("coalesce(CAST(area_id AS VARCHAR(20)), '') || ':' || coalesce(category, '') || ':' || "
             "coalesce(CAST(programme_id AS VARCHAR(20)), '')")


def rule_scope(area_id: int | None, category: str | None, programme_id: int | None) -> str:
    """A routing rule's scope as SCOPE_SQL writes it."""
    return f"{area_id if area_id is not None else ''}:{category or ''}:{programme_id if programme_id is not None else ''}"


class RoutingRule(db.Model):
    """Which organisation handles the new cases of an area (and of the areas inside it), of a kind,
    about a programme; a rule that leaves one of them empty covers any. A case goes by the rule of
    the nearest area, then the one naming its programme, then the one naming its kind
    (workspace/feedback/routing.py)."""

    __tablename__ = "routing_rules"
    __table_args__ = (
        CheckConstraint(f"category IS NULL OR {_in('category', CATEGORIES)}", name="category"),
        # One rule for each area, kind and programme, an empty one counting as a value of its own:
        # the three written out in `scope`, which is unique (a unique key over NULLs would not be).
        CheckConstraint(f"scope = {SCOPE_SQL}", name="scope"),
        Index("ix_routing_rules_area", "area_id"),
    )
    __audit_fields__ = ("area_id", "category", "programme_id", "organization_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))
    category: Mapped[str | None] = mapped_column(String(20))
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(String(60), unique=True)  # "area:category:programme" (SCOPE_SQL)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    area: Mapped[Area | None] = relationship()
    organization: Mapped[Organization] = relationship()
    programme: Mapped["Programme | None"] = relationship("Programme")

    @property
    def name(self) -> str:
        return " · ".join(part for part in (self.area.name if self.area else "", self.category or "",
                                             self.organization.name if self.organization else "") if part)


@event.listens_for(RoutingRule, "before_insert")
def _write_scope(_mapper, _connection, rule: RoutingRule) -> None:
    # Here the ids of the area and programme it was given are known.
    rule.scope = rule_scope(rule.area_id, rule.category, rule.programme_id)


class IntakeHit(db.Model):
    """One public submission from an address (and the browser it came from, when it has one), for
    the rate limits."""

    __tablename__ = "intake_hits"
    __table_args__ = (Index("ix_intake_hits_device", "address", "device", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    device: Mapped[str | None] = mapped_column(String(32))  # the browser's token (its session); None: none
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class FeedbackCluster(db.Model):
    """Cases of one category (and programme) in one area and month, raised together to a committee."""

    __tablename__ = "feedback_clusters"
    __audit_fields__ = ("committee_id", "category", "programme", "month", "case_ids")

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(20))
    programme: Mapped[str] = mapped_column(String(200), default="")
    month: Mapped[str] = mapped_column(String(7))
    case_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    committee: Mapped[Committee] = relationship()

    @property
    def name(self) -> str:
        return f"{self.category} {self.programme} {self.month}".strip()


class FeedbackClusterCase(db.Model):
    """A case in a raised cluster (case_ids, as a table): a case's page finds its clusters by index
    instead of reading every cluster."""

    __tablename__ = "feedback_cluster_cases"

    cluster_id: Mapped[int] = mapped_column(ForeignKey("feedback_clusters.id", ondelete="CASCADE"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("feedback_cases.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)


# --- Figures kept on write ---------------------------------------------------------------------------
# The public board and a committee's patterns count cases by area (an area counting every case in
# the areas inside it), never by reading the cases: two tables hold the counts, and every
# change to a case written through the session moves them (the hook at the end of this module). A
# change made outside the session (a bulk load) is followed by rebuild_feedback_figures().

NO_AREA = 0  # the board's row of cases that name no area
MAX_RESOLVE_DAYS = 366  # a case answered later counts as this many days


class FeedbackFigure(db.Model):
    """How many cases an area received and, of those resolved, how long each took in whole days
    (resolve_days -1: not resolved). The board's received, resolved and median figures come from
    an area's few rows here, whatever the number of cases."""

    __tablename__ = "feedback_figures"

    area_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # NO_AREA: none given
    resolve_days: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    cases: Mapped[int] = mapped_column(default=0)


# The programme of a row of feedback_months that counts every programme of its kind, area and
# month (a programme named on a case is stripped of spaces, so it is never a tab).
ALL_PROGRAMMES = "\t"


class FeedbackMonth(db.Model):
    """Cases received in an area (with the areas inside it) in a month of the deployment's time
    zone, by kind and programme (and by kind alone, programme ALL_PROGRAMMES): a committee's
    patterns and clusters."""

    __tablename__ = "feedback_months"

    area_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM
    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    programme: Mapped[str] = mapped_column(String(200), primary_key=True)
    cases: Mapped[int] = mapped_column(default=0)


def resolve_days(received_at: datetime | None, resolved_at: datetime | None) -> int:
    if resolved_at is None or received_at is None:
        return -1
    return max(0, min(MAX_RESOLVE_DAYS, (resolved_at - received_at).days))


def case_month(received_at: datetime) -> str:
    return to_local(received_at).strftime("%Y-%m")


def _figure_key(area_id, received_at, resolved_at) -> tuple:
    return area_id or NO_AREA, resolve_days(received_at, resolved_at)


def _month_keys(area_id, received_at, category, programme) -> list[tuple]:
    if area_id is None or received_at is None:
        return []
    month = case_month(received_at)
    return [(area_id, month, category, (programme or "").strip()), (area_id, month, category, ALL_PROGRAMMES)]


# Every ancestor of the case's area (the area itself included) gains or loses the count. On
# SQLite and PostgreSQL alike; an INSERT ... SELECT needs its WHERE before ON CONFLICT on SQLite.
_ADD_FIGURE = text(
    "INSERT INTO feedback_figures (area_id, resolve_days, cases)"
    " SELECT ancestor_id, :resolve_days, :cases FROM area_lineage WHERE area_id = :area_id"
    " ON CONFLICT (area_id, resolve_days) DO UPDATE SET cases = feedback_figures.cases + excluded.cases")
_ADD_NO_AREA_FIGURE = text(
    "INSERT INTO feedback_figures (area_id, resolve_days, cases) VALUES (:area_id, :resolve_days, :cases)"
    " ON CONFLICT (area_id, resolve_days) DO UPDATE SET cases = feedback_figures.cases + excluded.cases")
_ADD_MONTH = text(
    "INSERT INTO feedback_months (area_id, month, category, programme, cases)"
    " SELECT ancestor_id, :month, :category, :programme, :cases FROM area_lineage WHERE area_id = :area_id"
    " ON CONFLICT (area_id, month, category, programme) DO UPDATE"
    " SET cases = feedback_months.cases + excluded.cases")


def _before(case, name):
    """The value the database held before this flush."""
    history = inspect(case).attrs[name].history
    return history.deleted[0] if history.deleted else getattr(case, name)


def _keys(case, before: bool) -> tuple:
    value = (lambda name: _before(case, name)) if before else (lambda name: getattr(case, name))
    area_id, received_at = value("area_id"), value("received_at")
    return (_figure_key(area_id, received_at, value("resolved_at")),
            _month_keys(area_id, received_at, value("category"), value("programme")))


def apply_feedback_changes(connection, cases_new, cases_changed, cases_deleted) -> None:
    """Moves the figures by what the given cases add, change and take away: a few statements."""
    figures, months = Counter(), Counter()

    def count(keys, step):
        figure, in_months = keys
        figures[figure] += step
        for month in in_months:
            months[month] += step

    for case in cases_new:
        count(_keys(case, before=False), 1)
    for case in cases_deleted:
        count(_keys(case, before=True), -1)
    for case in cases_changed:
        old, new = _keys(case, before=True), _keys(case, before=False)
        if old != new:
            count(old, -1)
            count(new, 1)
    rows = [{"area_id": area_id, "resolve_days": days, "cases": n}
            for (area_id, days), n in figures.items() if n]
    if [row for row in rows if row["area_id"] != NO_AREA]:
        connection.execute(_ADD_FIGURE, [row for row in rows if row["area_id"] != NO_AREA])
    if [row for row in rows if row["area_id"] == NO_AREA]:
        connection.execute(_ADD_NO_AREA_FIGURE, [row for row in rows if row["area_id"] == NO_AREA])
    rows = [{"area_id": area_id, "month": month, "category": category, "programme": programme, "cases": n}
            for (area_id, month, category, programme), n in months.items() if n]
    if rows:
        connection.execute(_ADD_MONTH, rows)


_REBUILD_FIGURES = {
    "sqlite": "CAST(julianday(resolved_at) - julianday(received_at) AS INTEGER)",
    "postgresql": "CAST(floor(EXTRACT(EPOCH FROM resolved_at - received_at) / 86400) AS INTEGER)",
}


def rebuild_feedback_figures(connection=None, batch: int = 20000) -> None:
    """Counts everything again from the cases: after a bulk load, a move of areas, a change of time
    zone. The board's figures are one statement; the months are read in batches (a month is a
    month of the deployment's time zone, which only Python knows on SQLite)."""
    connection = connection or db.session.connection()
    _written()
    days = _REBUILD_FIGURES[connection.dialect.name]
    days = (f"CASE WHEN resolved_at IS NULL THEN -1 WHEN {days} < 0 THEN 0"
            f" WHEN {days} > {MAX_RESOLVE_DAYS} THEN {MAX_RESOLVE_DAYS} ELSE {days} END")
    connection.execute(text("DELETE FROM feedback_figures"))
    connection.execute(text(
        "INSERT INTO feedback_figures (area_id, resolve_days, cases)"
        f" SELECT area_lineage.ancestor_id, days, count(*) FROM (SELECT area_id, {days} AS days FROM feedback_cases"
        " WHERE area_id IS NOT NULL) AS c JOIN area_lineage ON area_lineage.area_id = c.area_id"
        " GROUP BY area_lineage.ancestor_id, days"
        f" UNION ALL SELECT {NO_AREA}, days, count(*) FROM (SELECT {days} AS days FROM feedback_cases"
        " WHERE area_id IS NULL) AS n GROUP BY days"))
    connection.execute(text("DELETE FROM feedback_months"))
    # Per area of the case first, in Python (the local month), then spread to the ancestors in SQL.
    connection.execute(text(
        "CREATE TEMPORARY TABLE feedback_months_leaf (area_id INTEGER, month VARCHAR(7), category VARCHAR(20),"
        " programme VARCHAR(200), cases INTEGER)"))
    last = 0
    while True:
        rows = connection.execute(text(
            "SELECT id, area_id, received_at, category, programme FROM feedback_cases"
            " WHERE id > :last AND area_id IS NOT NULL ORDER BY id LIMIT :batch"),
            {"last": last, "batch": batch}).all()
        if not rows:
            break
        leaf: Counter = Counter()
        for row in rows:
            received_at = row.received_at
            if isinstance(received_at, str):  # SQLite, read through a plain statement
                received_at = datetime.fromisoformat(received_at)
            for key in _month_keys(row.area_id, received_at, row.category, row.programme):
                leaf[key] += 1
        connection.execute(text("INSERT INTO feedback_months_leaf VALUES (:area_id, :month, :category, :programme,"
                                " :cases)"), [{"area_id": area_id, "month": month, "category": category,
                                               "programme": programme, "cases": n}
                                              for (area_id, month, category, programme), n in leaf.items()])
        last = rows[-1].id
    connection.execute(text(
        "INSERT INTO feedback_months (area_id, month, category, programme, cases)"
        " SELECT area_lineage.ancestor_id, leaf.month, leaf.category, leaf.programme, sum(leaf.cases)"
        " FROM feedback_months_leaf AS leaf JOIN area_lineage ON area_lineage.area_id = leaf.area_id"
        " GROUP BY area_lineage.ancestor_id, leaf.month, leaf.category, leaf.programme"))
    connection.execute(text("DROP TABLE feedback_months_leaf"))


_writes = [0]


def writes_seen() -> int:
    """How many writes to cases or areas this process has made: what was read from the figures
    before the number last moved may be out of date."""
    return _writes[0]


def _written() -> None:
    _writes[0] += 1


_FIGURED_TABLES = {"feedback_cases", "feedback_figures", "feedback_months", "areas", "area_lineage"}


@event.listens_for(Session, "do_orm_execute")
def _statement_written(state) -> None:
    # A statement that writes rows of those tables itself (an UPDATE or DELETE of many).
    if (state.is_insert or state.is_update or state.is_delete) and \
            getattr(getattr(state.statement, "table", None), "name", None) in _FIGURED_TABLES:
        _written()


# Everything counted in an area (its rows sum the areas inside it) taken from, or added to, the
# counts of another area and the areas above it.
_SHIFT_FIGURES = text(
    "INSERT INTO feedback_figures (area_id, resolve_days, cases)"
    " SELECT area_lineage.ancestor_id, f.resolve_days, :sign * f.cases FROM feedback_figures AS f"
    " JOIN area_lineage ON area_lineage.area_id = :parent_id WHERE f.area_id = :area_id AND f.cases <> 0"
    " ON CONFLICT (area_id, resolve_days) DO UPDATE SET cases = feedback_figures.cases + excluded.cases")
_SHIFT_MONTHS = text(
    "INSERT INTO feedback_months (area_id, month, category, programme, cases)"
    " SELECT area_lineage.ancestor_id, m.month, m.category, m.programme, :sign * m.cases FROM feedback_months AS m"
    " JOIN area_lineage ON area_lineage.area_id = :parent_id WHERE m.area_id = :area_id AND m.cases <> 0"
    " ON CONFLICT (area_id, month, category, programme) DO UPDATE SET cases = feedback_months.cases + excluded.cases")


def _shift(connection, area_id: int, parent_id: int | None, sign: int) -> None:
    if parent_id is not None:
        values = {"area_id": area_id, "parent_id": parent_id, "sign": sign}
        connection.execute(_SHIFT_FIGURES, values)
        connection.execute(_SHIFT_MONTHS, values)


def _area_changes(session) -> tuple[list, list, bool]:
    """(area, parent before, parent now) of the areas moved, (area, parent before) of those deleted,
    and whether a parent before is unknown (then everything is counted again)."""
    moved, unknown = [], False
    for area in session.dirty:
        if isinstance(area, Area):
            history = inspect(area).attrs.parent_id.history
            if history.has_changes():
                unknown = unknown or not history.deleted
                moved.append((area.id, history.deleted[0] if history.deleted else None, area.parent_id))
    gone = [(area.id, _before(area, "parent_id")) for area in session.deleted if isinstance(area, Area)]
    return moved, gone, unknown


@event.listens_for(Session, "after_flush")
def _keep_feedback_figures(session, _context) -> None:
    # The lineage of the parents an area left or joined is the same before and after the move.
    moved, gone, unknown = _area_changes(session)
    if any(isinstance(obj, (Area, FeedbackCase)) for obj in (*session.new, *session.dirty, *session.deleted)):
        _written()
    new = [obj for obj in session.new if isinstance(obj, FeedbackCase)]
    changed = [obj for obj in session.dirty if isinstance(obj, FeedbackCase)]
    deleted = [obj for obj in session.deleted if isinstance(obj, FeedbackCase)]
    if not (moved or gone or new or changed or deleted):
        return
    connection = session.connection()
    if (moved or gone) and (new or changed or deleted or len(gone) > 1 or unknown):
        rebuild_feedback_figures(connection)  # rare: counting again is simplest and right
        return
    for area_id, old_parent, new_parent in moved:
        _shift(connection, area_id, old_parent, -1)
        _shift(connection, area_id, new_parent, 1)
    for area_id, old_parent in gone:
        # Its cases name no area now (the database set it so): off the areas above, onto "not given".
        _shift(connection, area_id, old_parent, -1)
        connection.execute(text(
            "INSERT INTO feedback_figures (area_id, resolve_days, cases) SELECT :none, resolve_days, cases"
            " FROM feedback_figures WHERE area_id = :area_id AND cases <> 0 ON CONFLICT (area_id, resolve_days)"
            " DO UPDATE SET cases = feedback_figures.cases + excluded.cases"), {"none": NO_AREA, "area_id": area_id})
        connection.execute(text("DELETE FROM feedback_figures WHERE area_id = :area_id"), {"area_id": area_id})
        connection.execute(text("DELETE FROM feedback_months WHERE area_id = :area_id"), {"area_id": area_id})
    if new or changed or deleted:
        apply_feedback_changes(connection, new, changed, deleted)
