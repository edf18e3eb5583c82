"""Indicators that a community group defines in its own words, and the values it reports each
period, verified by staff assigned to the group."""
from collections import Counter
from datetime import date, datetime

from sqlalchemy import (
    JSON, CheckConstraint, Date, Float, ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint, and_, case,
    delete, event, func, inspect, or_, select, union_all,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from workspace.clock import utcnow
from workspace.extensions import db
from workspace.i18n import lazy_gettext as _l
from workspace.models.versioning import Versioned
from workspace.models.accounts import User
from workspace.models.committees import Committee
from workspace.models.directory import Area, AreaLineage, Organization, _in

UNITS = {"count": _l("A number (count)"), "percent": _l("A percentage"), "yes_no": _l("Yes or no"),
         "score": _l("A score from 1 to 5")}
DIRECTIONS = {"higher": _l("Higher is better"), "lower": _l("Lower is better")}
FREQUENCIES = {"monthly": _l("Every month"), "quarterly": _l("Every quarter"), "yearly": _l("Every year")}
INDICATOR_STATUSES = {"proposed": _l("Proposed"), "adopted": _l("Adopted"), "dropped": _l("Dropped")}
# The ways a value can be split, each with its cells.
DIMENSIONS = {
    "sex": (_l("Sex"), {"female": _l("Female"), "male": _l("Male")}),
    "age": (_l("Age"), {"child": _l("Under 18"), "adult": _l("18 to 59"), "older": _l("60 and over")}),
    "disability": (_l("Disability"), {"yes": _l("With a disability"), "no": _l("Without")}),
}
VALUE_STATES = {"draft": _l("Draft"), "submitted": _l("Submitted"), "verified": _l("Verified"),
                "returned": _l("Returned")}
GROUP_ROLES = {"coordinator": _l("Coordinator"), "verifier": _l("Verifier")}


class GroupRole(db.Model):
    """A group's coordinator (one of its people), or a verifier assigned to it (NGO or
    government staff)."""

    __tablename__ = "group_roles"
    __table_args__ = (
        UniqueConstraint("organization_id", "user_id", "role", name="uq_group_roles_once"),
        CheckConstraint(_in("role", GROUP_ROLES), name="role"),
    )
    __audit_fields__ = ("organization_id", "user_id", "role")

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    user: Mapped[User] = relationship()
    organization: Mapped[Organization] = relationship()

    @property
    def name(self) -> str:
        return f"{self.user.name} ({self.role})" if self.user else self.role


class Indicator(Versioned, db.Model):
    __tablename__ = "indicators"
    __table_args__ = (
        CheckConstraint(_in("unit", UNITS), name="unit"),
        CheckConstraint(_in("direction", DIRECTIONS), name="direction"),
        CheckConstraint(_in("frequency", FREQUENCIES), name="frequency"),
        CheckConstraint(_in("status", INDICATOR_STATUSES), name="status"),
        CheckConstraint("(baseline_value IS NULL) = (baseline_date IS NULL)", name="baseline_dated"),
        CheckConstraint("length(question) > 0 AND length(short_name) > 0", name="worded"),
        CheckConstraint("(organization_id IS NULL) <> (committee_id IS NULL)", name="one_owner"),
    )
    __audit_fields__ = ("short_name", "question", "why", "unit", "direction", "frequency", "baseline_value",
                        "baseline_date", "target", "dimensions", "verification", "programme_id", "status",
                        "wording_version")

    id: Mapped[int] = mapped_column(primary_key=True)
    # Owned by a community group, or by a committee.
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"), index=True)
    short_name: Mapped[str] = mapped_column(String(80))
    question: Mapped[str] = mapped_column(String(500))  # in the group's own words
    language: Mapped[str | None] = mapped_column(String(12))  # the language the question is written in (None: the default)
    why: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(20))
    score_labels: Mapped[list] = mapped_column(JSON, default=list)  # five labels, for scores
    direction: Mapped[str] = mapped_column(String(10), default="higher")
    frequency: Mapped[str] = mapped_column(String(10), default="monthly")
    baseline_value: Mapped[float | None] = mapped_column(Float)
    baseline_date: Mapped[date | None] = mapped_column(Date)
    target: Mapped[float | None] = mapped_column(Float)  # each period's target
    dimensions: Mapped[list] = mapped_column(JSON, default=list)  # chosen from DIMENSIONS
    verification: Mapped[str] = mapped_column(String(500), default="")  # means of verification
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id", ondelete="SET NULL"), index=True)
    programme_record: Mapped["Programme | None"] = relationship("Programme")  # the programme_id named
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    wording_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization: Mapped[Organization | None] = relationship()
    committee: Mapped["Committee | None"] = relationship()
    proposed_by: Mapped[User | None] = relationship()

    @property
    def name(self) -> str:
        return self.short_name

    @property
    def owner_name(self) -> str:
        return self.organization.name if self.organization else self.committee.name

    @property
    def unit_label(self) -> str:
        return str(UNITS[self.unit])


class IndicatorWording(db.Model):
    """The words an indicator had before a change: old values keep the question they answered."""

    __tablename__ = "indicator_wordings"
    __table_args__ = (UniqueConstraint("indicator_id", "version", name="uq_indicator_wordings_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    short_name: Mapped[str] = mapped_column(String(80))
    question: Mapped[str] = mapped_column(String(500))
    replaced_at: Mapped[datetime] = mapped_column(default=utcnow)


class IndicatorValue(Versioned, db.Model):
    """One value: an indicator, a period (2026-11, 2026-Q4, 2026) and a cell of its split
    ("" for an indicator that is not split; "sex=female" and the like otherwise)."""

    __tablename__ = "indicator_values"
    __table_args__ = (
        UniqueConstraint("indicator_id", "period", "cell", name="uq_indicator_values_cell"),
        # An indicator's totals newest first: its latest value, its chart.
        Index("ix_indicator_values_series", "indicator_id", "cell", "period"),
        # What waits for verification or came back, per indicator.
        Index("ix_indicator_values_state", "indicator_id", "state", "cell", "period"),
        Index("ix_indicator_values_period_state", "indicator_id", "period", "state"),
        CheckConstraint(_in("state", VALUE_STATES), name="state"),
        CheckConstraint("state <> 'returned' OR return_reason <> ''", name="returned_has_reason"),
        CheckConstraint("verified_by_id IS NULL OR entered_by_id IS NULL OR verified_by_id <> entered_by_id",
                        name="not_self_verified"),
    )
    __audit_fields__ = ("indicator_id", "period", "cell", "value", "state", "comment", "story", "explanation",
                        "return_reason", "version")

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(10))
    cell: Mapped[str] = mapped_column(String(120), default="")
    value: Mapped[float]
    state: Mapped[str] = mapped_column(String(20), default="draft")
    comment: Mapped[str] = mapped_column(String(1000), default="")
    story: Mapped[str] = mapped_column(Text, default="")  # a story of change, if the group tells one
    explanation: Mapped[str] = mapped_column(String(1000), default="")  # why a big jump
    return_reason: Mapped[str] = mapped_column(String(500), default="")
    wording_version: Mapped[int] = mapped_column(default=1)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    indicator: Mapped[Indicator] = relationship()
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])

    @property
    def name(self) -> str:
        return f"{self.period} {self.cell}".strip()


class IndicatorTarget(Versioned, db.Model):
    """A target for one period, where it differs from the indicator's usual target."""

    __tablename__ = "indicator_targets"
    __table_args__ = (UniqueConstraint("indicator_id", "period", name="uq_indicator_targets_period"),)
    __audit_fields__ = ("indicator_id", "period", "target")

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(10))
    target: Mapped[float] = mapped_column(Float)

    @property
    def name(self) -> str:
        return self.period


SIGNOFF_STATES = {"signed_off": _l("Signed off by the group"), "approved": _l("Approved for the area")}


class PeriodSignoff(Versioned, db.Model):
    """A community group's period, signed off by its coordinator once every value in it is
    verified, then approved for the area by the chair or secretary of a committee over it. While
    it stands the period's values are locked; reopening it (with a reason, audited) removes it.
    The steps between these states are workspace/indicators/signoff.py STEPS."""

    __tablename__ = "period_signoffs"
    __table_args__ = (
        UniqueConstraint("organization_id", "period", name="uq_period_signoffs_period"),
        CheckConstraint(_in("state", SIGNOFF_STATES), name="state"),
    )
    __audit_fields__ = ("organization_id", "period", "state", "committee_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(20))
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None]
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committees.id", ondelete="SET NULL"))

    signed_by: Mapped[User | None] = relationship(foreign_keys=[signed_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    committee: Mapped[Committee | None] = relationship()

    @property
    def name(self) -> str:
        return self.period

    @property
    def state_label(self) -> str:
        return str(SIGNOFF_STATES[self.state])


# The groups list reads community groups by name.
Index("ix_organizations_kind_name", Organization.kind, Organization.name)

# How a committee reads its indicators, in this order: off track first.
STANDINGS = ("off_track", "no_data", "no_target", "on_track")
MARGIN = 0.15  # within 15% of the target still counts as on track


class IndicatorStanding(db.Model):
    """Where an adopted indicator stands (its latest total, that period's target, on or off
    track), once for every committee that reads it: the committees over its group's area, or
    the committee that owns it.

    A summary kept whole on every write (refresh_standings(), run by the flush hook below), so
    that a committee's page counts and pages its indicators from one index, whatever the size of
    its area, instead of judging thousands of indicators on each request.
    """

    __tablename__ = "indicator_standings"
    __table_args__ = (
        Index("ix_indicator_standings_order", "committee_id", "rank", "short_name", "indicator_id"),
        CheckConstraint(f"rank >= 0 AND rank < {len(STANDINGS)}", name="rank"),
    )

    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"), primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), primary_key=True,
                                              index=True)
    rank: Mapped[int] = mapped_column(SmallInteger)  # the index of its status in STANDINGS
    short_name: Mapped[str] = mapped_column(String(80))  # the indicator's, to page in name order
    period: Mapped[str | None] = mapped_column(String(10))  # of the latest total, if any
    value: Mapped[float | None] = mapped_column(Float)
    target: Mapped[float | None] = mapped_column(Float)  # that period's own target, or the usual one

    indicator: Mapped[Indicator] = relationship()

    @property
    def status(self) -> str:
        return STANDINGS[self.rank]


class IndicatorTally(db.Model):
    """How many of a committee's standings have each rank: the counts its page shows, kept with
    the standings (refresh_standings()), so they cost one short read however many there are."""

    __tablename__ = "indicator_tallies"

    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"), primary_key=True)
    rank: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    count: Mapped[int]


def _standing_rows(indicators, committees):
    """SELECT of the standing rows of the adopted indicators matching `indicators` (a condition on
    the indicators table, or None), for the committees with ids in `committees` (None: all)."""
    i, v, t = Indicator.__table__, IndicatorValue.__table__, IndicatorTarget.__table__
    latest = v.alias("latest")
    latest_id = (select(v.c.id).where(v.c.indicator_id == i.c.id, v.c.cell == "")
                 .order_by(v.c.period.desc()).limit(1).scalar_subquery())
    target = func.coalesce(t.c.target, i.c.target)
    margin = func.abs(target) * MARGIN
    # The same judgement as workspace.indicators.values.judge(), in SQL.
    rank = case((latest.c.value.is_(None), STANDINGS.index("no_data")),
                (target.is_(None), STANDINGS.index("no_target")),
                (or_(and_(i.c.direction == "higher", latest.c.value >= target - margin),
                     and_(i.c.direction != "higher", latest.c.value <= target + margin)), STANDINGS.index("on_track")),
                else_=STANDINGS.index("off_track"))
    judged = (select(i.c.id, i.c.organization_id, i.c.committee_id, rank.label("rank"), i.c.short_name,
                     latest.c.period, latest.c.value, target.label("target"))
              .select_from(i.outerjoin(latest, latest.c.id == latest_id)
                           .outerjoin(t, and_(t.c.indicator_id == i.c.id, t.c.period == latest.c.period)))
              .where(i.c.status == "adopted", *([indicators] if indicators is not None else []))).cte("judged")
    columns = (judged.c.id, judged.c.rank, judged.c.short_name, judged.c.period, judged.c.value, judged.c.target)
    o, lineage, c = Organization.__table__, AreaLineage.__table__, Committee.__table__
    over_groups = (select(c.c.id, *columns)
                   .select_from(judged.join(o, and_(o.c.id == judged.c.organization_id, o.c.kind == "community_group"))
                                .join(lineage, lineage.c.area_id == o.c.area_id)
                                .join(c, c.c.area_id == lineage.c.ancestor_id)))
    own = select(judged.c.committee_id, *columns).where(judged.c.committee_id.is_not(None))
    if committees is not None:
        over_groups = over_groups.where(c.c.id.in_(committees))
        own = own.where(judged.c.committee_id.in_(committees))
    return union_all(over_groups, own)


def refresh_standings(connection=None, *, indicators=None, committees=None) -> None:
    """Recompute standings, and their tallies, in a few statements whatever their number: those of
    the indicators matching `indicators` (a condition on the indicators table), or every row of
    the committees with ids in `committees` (a committee placed anew), or with neither, the whole
    table. Indicators are locked first (PostgreSQL), so that two saves touching one indicator
    recompute it one after the other; their tallies move by what was deleted and inserted."""
    connection = connection or db.session.connection()
    table, tallies, i = IndicatorStanding.__table__, IndicatorTally.__table__, Indicator.__table__
    stale, stale_tallies = delete(table), delete(tallies)
    if committees is not None:
        stale = stale.where(table.c.committee_id.in_(committees))
        stale_tallies = stale_tallies.where(tallies.c.committee_id.in_(committees))
        lineage, c = AreaLineage.__table__, Committee.__table__
        indicators = or_(i.c.committee_id.in_(committees), i.c.organization_id.in_(
            select(Organization.id).where(Organization.area_id.in_(
                select(lineage.c.area_id).join(c, c.c.area_id == lineage.c.ancestor_id).where(c.c.id.in_(committees))))))
    elif indicators is not None:
        connection.execute(select(i.c.id).where(indicators).order_by(i.c.id).with_for_update(key_share=True))
        stale = stale.where(table.c.indicator_id.in_(select(i.c.id).where(indicators)))
    fresh = table.insert().from_select(["committee_id", "indicator_id", "rank", "short_name", "period", "value",
                                        "target"], _standing_rows(indicators, committees))
    if committees is not None or indicators is None:  # a few committees, or all: count them anew
        connection.execute(stale)
        connection.execute(fresh)
        connection.execute(stale_tallies)
        counted = select(table.c.committee_id, table.c.rank, func.count()).group_by(table.c.committee_id, table.c.rank)
        if committees is not None:
            counted = counted.where(table.c.committee_id.in_(committees))
        connection.execute(tallies.insert().from_select(["committee_id", "rank", "count"], counted))
        return
    moves = Counter()
    moves.subtract(map(tuple, connection.execute(stale.returning(table.c.committee_id, table.c.rank))))
    moves.update(map(tuple, connection.execute(fresh.returning(table.c.committee_id, table.c.rank))))
    changes = [{"committee_id": committee_id, "rank": rank, "count": n}
               for (committee_id, rank), n in sorted(moves.items()) if n]  # in one order: no deadlock
    if changes:
        upsert = (postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert)(tallies)
        connection.execute(upsert.on_conflict_do_update(
            index_elements=[tallies.c.committee_id, tallies.c.rank],
            set_={"count": tallies.c.count + upsert.excluded["count"]}), changes)


def _changed(obj, *names) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


@event.listens_for(Session, "after_flush")
def _keep_standings(session, _context) -> None:
    """Whatever this flush wrote that moves a standing: a value or a period's target, an
    indicator (words, target, direction, adopted or dropped), a group moved or made another kind,
    a committee placed, an area moved (after directory.py's hook has rebuilt the lineage)."""
    new, dirty, deleted = set(session.new), set(session.dirty), set(session.deleted)
    indicator_ids, organization_ids, committee_ids, everything = set(), set(), set(), False
    for obj in (*new, *dirty, *deleted):
        if isinstance(obj, (IndicatorValue, IndicatorTarget)):
            indicator_ids.add(obj.indicator_id)
        elif isinstance(obj, Indicator):
            indicator_ids.add(obj.id)
        elif isinstance(obj, Organization) and obj in dirty and _changed(obj, "area_id", "area", "kind"):
            organization_ids.add(obj.id)
        elif isinstance(obj, Committee) and (obj in new or (obj in dirty and _changed(obj, "area_id", "area"))):
            committee_ids.add(obj.id)
        elif isinstance(obj, Area) and obj in dirty and _changed(obj, "parent_id", "parent"):
            everything = True
    if not (indicator_ids or organization_ids or committee_ids or everything):
        return
    connection = session.connection()
    if everything:
        refresh_standings(connection)
        return
    indicator_ids.discard(None)
    if indicator_ids:
        refresh_standings(connection, indicators=Indicator.__table__.c.id.in_(sorted(indicator_ids)))
    if organization_ids:
        refresh_standings(connection, indicators=Indicator.__table__.c.organization_id.in_(sorted(organization_ids)))
    if committee_ids:
        refresh_standings(connection, committees=sorted(committee_ids))


# What evidence may be, by the type its first bytes show (never the name or type it was sent with),
# with the ending it is stored under.
EVIDENCE_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "application/pdf": ".pdf"}


class ValueEvidence(db.Model):
    """A photo or file that backs an indicator's value for a period (its means of verification),
    shown to the verifier. The file is kept in EVIDENCE_DIR under a random name, not the one it was
    sent with; this row keeps that name to show."""

    __tablename__ = "value_evidence"
    __table_args__ = (
        Index("ix_value_evidence_period", "indicator_id", "period"),
        CheckConstraint(_in("content_type", EVIDENCE_TYPES), name="content_type"),
        CheckConstraint("size > 0 AND length(filename) > 0", name="file"),
    )
    __audit_fields__ = ("indicator_id", "period", "filename", "content_type", "size")

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(10))
    filename: Mapped[str] = mapped_column(String(200))  # as sent, to show
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)  # in EVIDENCE_DIR
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    indicator: Mapped[Indicator] = relationship()
    uploaded_by: Mapped[User | None] = relationship()
