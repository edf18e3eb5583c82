"""The repository of social protection programmes: who runs what, where, for whom, with how much.

A programme is owned by one organisation (government or NGO), covers areas at any level, serves
lifecycle groups with a kind of support under a thematic cluster, and has yearly figures
(beneficiaries planned and reached, budget). Overlaps between programmes are found in SQL
(workspace/programmes/overlaps.py); a committee's verdict on one is an OverlapReview.
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean, CheckConstraint, Column, Date, ForeignKey, Index, Integer, Numeric, String, Table, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workspace.clock import utcnow
from workspace.extensions import db
from workspace.i18n import lazy_gettext as _l
from workspace.models.accounts import User
from workspace.models.committees import Committee
from workspace.models.directory import Area, Organization, _in
from workspace.models.versioning import Versioned

SUPPORT_KINDS = {
    "cash": _l("Cash"),
    "in_kind": _l("In kind"),
    "services": _l("Services"),
    "insurance": _l("Insurance"),
    "employment": _l("Employment or livelihood"),
}

PROGRAMME_STATUSES = {
    "planned": _l("Planned"),
    "active": _l("Running"),
    "suspended": _l("Suspended"),
    "ended": _l("Ended"),
}

# The lists administrators keep start with the strategy's words; a seeded entry keeps its key, so
# that it reads in every language until an administrator renames it.
SEEDED_GROUPS = {
    "children": _l("Children"),
    "school_age": _l("School age"),
    "working_age": _l("Working age"),
    "elderly": _l("Elderly"),
    "disability": _l("People with disabilities"),
}
SEEDED_CLUSTERS = {
    "social_allowances": _l("Social allowances"),
    "food_security": _l("Food security and disaster assistance"),
    "social_insurance": _l("Social insurance"),
    "labour": _l("Labour and livelihood"),
    "human_development": _l("Human development and social empowerment"),
}

VERDICTS = {
    "complementary": _l("Complementary"),
    "consolidate": _l("To consolidate"),
}

# The largest yearly budget and number of people a programme may state: beyond any country's.
MAX_BUDGET = Decimal(10) ** 15  # a yearly budget; a GDP may be larger
MAX_PEOPLE = 2_000_000_000


class _Named(Versioned):
    """A list entry administrators keep, shown in the reader's language while it keeps its seed key."""

    __audit_fields__ = ("name", "position")
    seeded: dict = {}

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    position: Mapped[int] = mapped_column(default=0)

    @property
    def label(self) -> str:
        return str(self.seeded[self.key]) if self.key in self.seeded else self.name


class LifecycleGroup(_Named, db.Model):
    __tablename__ = "lifecycle_groups"
    __table_args__ = (CheckConstraint("length(name) > 0", name="name_given"),)
    seeded = SEEDED_GROUPS


class ProgrammeCluster(_Named, db.Model):
    __tablename__ = "programme_clusters"
    __table_args__ = (CheckConstraint("length(name) > 0", name="name_given"),)
    seeded = SEEDED_CLUSTERS


programme_partners = Table(
    "programme_partners",
    db.metadata,
    Column("programme_id", ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True),
    Column("organization_id", ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True),
)

programme_groups = Table(
    "programme_groups",
    db.metadata,
    Column("programme_id", ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("lifecycle_groups.id", ondelete="RESTRICT"), primary_key=True, index=True),
)

# Coverage: the areas a programme works in, at any level (an area covers the areas inside it).
programme_areas = Table(
    "programme_areas",
    db.metadata,
    Column("programme_id", ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("areas.id", ondelete="RESTRICT"), primary_key=True, index=True),
)

# The overlapping pairs, kept by workspace/programmes/overlaps.py whenever a programme (or the tree
# of areas) changes: reading a committee's overlaps is then an indexed read, not a search through
# millions of meeting places. A pair has a row per zone it meets in: the district holding the place
# where they meet, or that place itself when it lies above any district (a region, the country).
ZONE_LEVEL = "district"
KEPT_LEVELS = ("national", "region", "district")  # the areas the kept tables answer for
programme_overlaps = Table(
    "programme_overlaps",
    db.metadata,
    Column("first_id", ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True),
    Column("second_id", ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("zone_id", ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True),
    Column("meets_in_id", ForeignKey("areas.id", ondelete="CASCADE"), nullable=False),  # one place in the zone
    Column("score", Integer, nullable=False),
    Column("same_support", Boolean, nullable=False),
    Column("same_cluster", Boolean, nullable=False),
    CheckConstraint("first_id < second_id", name="pair_in_order"),
    CheckConstraint("score BETWEEN 3 AND 5", name="score"),
    Index("ix_programme_overlaps_zone", "zone_id", "score", "first_id", "second_id"),
)
# The programmes present in each area of a district's level or above (a coverage area lies in it,
# or it lies in a coverage area), kept with the pairs: who does what where reads districts and
# regions from here instead of walking the coverage of a whole country.
programme_presence = Table(
    "programme_presence",
    db.metadata,
    Column("area_id", ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True),
    Column("programme_id", ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True, index=True),
)
# Best first, as the lists read them.
Index("ix_programme_overlaps_score", programme_overlaps.c.score.desc(), programme_overlaps.c.first_id,
      programme_overlaps.c.second_id)


class Programme(Versioned, db.Model):
    __tablename__ = "programmes"
    __table_args__ = (
        CheckConstraint(_in("support_kind", SUPPORT_KINDS), name="support_kind"),
        CheckConstraint(_in("status", PROGRAMME_STATUSES), name="status"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates_in_order"),
        CheckConstraint("length(name) > 0", name="name_given"),
        UniqueConstraint("organization_id", "name", name="uq_programmes_owner_name"),
        Index("ix_programmes_name", "name", "id"),
    )
    __audit_fields__ = ("name", "organization_id", "objectives", "cluster_id", "support_kind", "starts_on",
                        "ends_on", "status", "for_government", "focal_person_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="RESTRICT"), index=True)
    objectives: Mapped[str] = mapped_column(Text, default="")
    cluster_id: Mapped[int] = mapped_column(ForeignKey("programme_clusters.id", ondelete="RESTRICT"), index=True)
    support_kind: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="active")
    # Delivered by an NGO on the government's behalf (a programme that could be contracted out).
    for_government: Mapped[bool] = mapped_column(Boolean, default=False)
    focal_person_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization: Mapped[Organization] = relationship()
    cluster: Mapped[ProgrammeCluster] = relationship()
    focal_person: Mapped[User | None] = relationship()
    partners: Mapped[list[Organization]] = relationship(secondary=programme_partners, order_by=Organization.name)
    groups: Mapped[list[LifecycleGroup]] = relationship(secondary=programme_groups, order_by=LifecycleGroup.position)
    areas: Mapped[list[Area]] = relationship(secondary=programme_areas, order_by=Area.name)
    years: Mapped[list["ProgrammeYear"]] = relationship(back_populates="programme", order_by="ProgrammeYear.year",
                                                        cascade="all, delete-orphan")

    @property
    def support_label(self) -> str:
        return str(SUPPORT_KINDS[self.support_kind])

    @property
    def status_label(self) -> str:
        return str(PROGRAMME_STATUSES[self.status])

    def __repr__(self) -> str:
        return f"<Programme {self.id} {self.name!r}>"


class ProgrammeYear(Versioned, db.Model):
    """A programme's figures for one fiscal year (named by the calendar year it starts in)."""

    __tablename__ = "programme_years"
    __table_args__ = (
        UniqueConstraint("programme_id", "year", name="uq_programme_years_once"),
        CheckConstraint("year BETWEEN 1950 AND 2200", name="year_range"),
        CheckConstraint("beneficiaries_planned IS NULL OR beneficiaries_planned >= 0", name="planned_not_negative"),
        CheckConstraint("beneficiaries_reached IS NULL OR beneficiaries_reached >= 0", name="reached_not_negative"),
        CheckConstraint("budget IS NULL OR budget >= 0", name="budget_not_negative"),
        # More people reached than planned is possible (an emergency top-up), but it is explained.
        CheckConstraint("beneficiaries_reached IS NULL OR beneficiaries_planned IS NULL "
                        "OR beneficiaries_reached <= beneficiaries_planned OR length(reached_note) > 0",
                        name="reached_above_planned_explained"),
        CheckConstraint("budget IS NULL OR length(currency) = 3", name="budget_has_currency"),
    )
    __audit_fields__ = ("year", "beneficiaries_planned", "beneficiaries_reached", "reached_note", "budget",
                        "currency", "funding_source")

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    year: Mapped[int]
    beneficiaries_planned: Mapped[int | None]
    beneficiaries_reached: Mapped[int | None]
    reached_note: Mapped[str] = mapped_column(String(500), default="")
    budget: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    currency: Mapped[str] = mapped_column(String(3), default="")
    funding_source: Mapped[str] = mapped_column(String(200), default="")

    programme: Mapped[Programme] = relationship(back_populates="years")

    @property
    def name(self) -> str:  # how the audit log names it
        return f"{self.programme.name} {self.year}"


class GdpFigure(Versioned, db.Model):
    """The country's GDP in a fiscal year: what NGO spending is measured against."""

    __tablename__ = "gdp_figures"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("length(currency) = 3", name="currency_code"),
        CheckConstraint("year BETWEEN 1950 AND 2200", name="year_range"),
    )
    __audit_fields__ = ("year", "amount", "currency")

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    amount: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    currency: Mapped[str] = mapped_column(String(3))

    @property
    def id(self) -> int:  # the audit log names a record by its id
        return self.year

    @property
    def name(self) -> str:
        return str(self.year)


class OverlapReview(Versioned, db.Model):
    """A committee's verdict on a pair of overlapping programmes (the lower id first)."""

    __tablename__ = "overlap_reviews"
    __table_args__ = (
        UniqueConstraint("committee_id", "first_id", "second_id", name="uq_overlap_reviews_once"),
        CheckConstraint("first_id < second_id", name="pair_in_order"),
        CheckConstraint(_in("verdict", VERDICTS), name="verdict"),
    )
    __audit_fields__ = ("committee_id", "first_id", "second_id", "verdict", "note")

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"), index=True)
    first_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    second_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    verdict: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    committee: Mapped[Committee] = relationship()
    first: Mapped[Programme] = relationship(foreign_keys=[first_id])
    second: Mapped[Programme] = relationship(foreign_keys=[second_id])
    reviewed_by: Mapped[User | None] = relationship()

    @property
    def verdict_label(self) -> str:
        return str(VERDICTS[self.verdict])

    @property
    def name(self) -> str:
        return f"{self.first.name} / {self.second.name}"
