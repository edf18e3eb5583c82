"""Where people work: the tree of areas and the organisations in them."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, event, inspect, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from workspace.clock import utcnow
from workspace.extensions import db
from workspace.i18n import lazy_gettext as _l
from workspace.models.versioning import Versioned

# Levels from the top of the tree down; a child sits at a deeper level than its parent.
AREA_LEVELS = {
    "national": _l("National"),
    "region": _l("Region / division"),
    "district": _l("District"),
    "subdistrict": _l("Sub-district / municipality"),
    "community": _l("Community"),
}
AREA_DEPTH = {level: depth for depth, level in enumerate(AREA_LEVELS)}

ORGANIZATION_KINDS = {
    "government": _l("Government"),
    "ngo": _l("NGO"),
    "community_group": _l("Community group"),
    "other": _l("Other"),
}

# The sector a person speaks for follows from the kind of their organisation.
SECTOR_OF_KIND = {
    "government": "government",
    "ngo": "ngo",
    "community_group": "community",
    "other": "other",
}
SECTORS = {
    "government": _l("Government"),
    "ngo": _l("NGO"),
    "community": _l("Community"),
    "other": _l("Other"),
}


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Area(Versioned, db.Model):
    __tablename__ = "areas"
    __table_args__ = (
        UniqueConstraint("parent_id", "name", name="uq_areas_parent_name"),
        CheckConstraint(_in("level", AREA_LEVELS), name="level"),
        CheckConstraint("(level = 'national') = (parent_id IS NULL)", name="root_is_national"),
        # One national area: the root of the tree.
        Index("uq_areas_one_national", "level", unique=True,
              sqlite_where=text("level = 'national'"), postgresql_where=text("level = 'national'")),
        # A place picker with nothing typed offers the top levels, by level and name.
        Index("ix_areas_level_name", "level", "name"),
    )
    __audit_fields__ = ("name", "level", "parent_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    level: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped["Area | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Area"]] = relationship(back_populates="parent", order_by="Area.name")

    @property
    def depth(self) -> int:
        return AREA_DEPTH[self.level]

    @property
    def level_label(self) -> str:
        return str(AREA_LEVELS[self.level])

    def __repr__(self) -> str:
        return f"<Area {self.id} {self.name!r}>"


class AreaLineage(db.Model):
    """Every (ancestor, area) pair of the tree, an area being its own ancestor at depth 0.

    "Inside this district" is then one indexed join, whatever the size of the tree, instead of
    loading the tree to expand it into a list of ids. Kept whole by rebuild_area_lineage(), which
    the flush hook below runs whenever an area is added, moved or deleted.
    """

    __tablename__ = "area_lineage"

    ancestor_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True, index=True)
    depth: Mapped[int]


# One statement on SQLite and PostgreSQL alike: walk up from every area to the root.
LINEAGE_SQL = """
INSERT INTO area_lineage (ancestor_id, area_id, depth)
WITH RECURSIVE up(area_id, ancestor_id, depth) AS (
    SELECT id, id, 0 FROM areas
    UNION ALL
    SELECT up.area_id, areas.parent_id, up.depth + 1
    FROM up JOIN areas ON areas.id = up.ancestor_id
    WHERE areas.parent_id IS NOT NULL
)
SELECT ancestor_id, area_id, depth FROM up
"""


def rebuild_area_lineage(connection=None) -> None:
    """Recompute the whole lineage table (areas change rarely; the tree has thousands of rows,
    the table a few times that: one statement)."""
    connection = connection or db.session.connection()
    connection.execute(text("DELETE FROM area_lineage"))
    connection.execute(text(LINEAGE_SQL))


@event.listens_for(Session, "after_flush")
def _keep_lineage(session, _context) -> None:
    # The session still holds what this flush wrote: added, deleted and changed records.
    changed = any(isinstance(obj, Area) for obj in (*session.new, *session.deleted)) or any(
        isinstance(obj, Area) and inspect(obj).attrs.parent_id.history.has_changes() for obj in session.dirty)
    if changed:
        rebuild_area_lineage(session.connection())


def within_area(area_column, area_id: int):
    """SQL: area_column is area_id or an area inside it."""
    return area_column.in_(select(AreaLineage.area_id).where(AreaLineage.ancestor_id == area_id))


class Organization(Versioned, db.Model):
    __tablename__ = "organizations"
    __table_args__ = (CheckConstraint(_in("kind", ORGANIZATION_KINDS), name="kind"),)
    __audit_fields__ = ("name", "kind", "area_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    area: Mapped[Area] = relationship()

    @property
    def kind_label(self) -> str:
        return str(ORGANIZATION_KINDS[self.kind])

    @property
    def sector(self) -> str:
        return SECTOR_OF_KIND[self.kind]

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name!r}>"


def tree_order(areas: list[Area]) -> list[tuple[Area, int]]:
    """Areas in tree order (each parent followed by its children, by name), with their depth in
    the tree. Works on a list already loaded, so a page shows the tree in one query."""
    children: dict[int | None, list[Area]] = {}
    for area in areas:
        children.setdefault(area.parent_id, []).append(area)
    known = {area.id for area in areas}
    ordered: list[tuple[Area, int]] = []

    def visit(parent_id, depth):
        for area in sorted(children.get(parent_id, []), key=lambda a: a.name.lower()):
            ordered.append((area, depth))
            visit(area.id, depth + 1)

    # Roots: areas whose parent is not in the list (the national area, or a filtered subtree).
    for root_parent in [None, *sorted({a.parent_id for a in areas if a.parent_id not in known} - {None})]:
        visit(root_parent, 0)
    return ordered
