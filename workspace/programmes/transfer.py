"""The repository in and out as a 3W table (who, what, where): one row per programme and area, with
HXL hashtags on the second heading row so that humanitarian tools read the columns whatever the
language of the headings. An import is checked row by row and saved whole, or not at all."""
import csv
import io
from collections import defaultdict
from datetime import date, datetime

from flask_login import current_user
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from workspace import access
from workspace.exports import safe_row
from workspace.extensions import db
from workspace.i18n import gettext as _, in_language, lazy_gettext as _l, shipped_languages
from workspace.models import (
    AREA_LEVELS, ORGANIZATION_KINDS, PROGRAMME_STATUSES, SUPPORT_KINDS, Area, AreaLineage, LifecycleGroup,
    Organization, Programme, ProgrammeCluster, User, programme_areas, programme_groups, programme_partners,
)
from workspace.programmes import services

# (heading, HXL hashtag): the hashtags name the columns an import reads.
COLUMNS = [
    (_l("Organisation"), "#org+name"),
    (_l("Organisation type"), "#org+type"),
    (_l("Programme"), "#activity+name"),
    (_l("Cluster"), "#sector"),
    (_l("Who it serves"), "#beneficiary+type"),
    (_l("Kind of support"), "#activity+type"),
    (_l("Status"), "#status"),
    (_l("Starts"), "#date+start"),
    (_l("Ends"), "#date+end"),
    (_l("Region / division"), "#adm1+name"),
    (_l("District"), "#adm2+name"),
    (_l("Sub-district / municipality"), "#adm3+name"),
    (_l("Community"), "#adm4+name"),
    (_l("Implementing partners"), "#org+impl"),
    (_l("Delivered on the government's behalf"), "#meta+contracted"),
    (_l("Focal person's email"), "#contact+email"),
    (_l("Objectives"), "#description+objectives"),
]
TAGS = [tag for _heading, tag in COLUMNS]
ADMIN_LEVELS = ("region", "district", "subdistrict", "community")  # #adm1 … #adm4
WIDTHS = (30, 14, 34, 28, 24, 16, 10, 11, 11, 18, 18, 22, 18, 28, 10, 24, 40)
BATCH = 500
MAX_ROWS = 5000


def headings() -> list[list[str]]:
    return [[str(heading) for heading, _tag in COLUMNS], TAGS]


def _paths(area_ids: set[int]) -> dict[int, dict[str, str]]:
    """Each area's names at the four levels below the national one (itself included): one query."""
    ancestor = aliased(Area)
    paths: dict[int, dict[str, str]] = defaultdict(dict)
    if area_ids:
        for area_id, level, name in db.session.execute(
                select(AreaLineage.area_id, ancestor.level, ancestor.name)
                .join(ancestor, ancestor.id == AreaLineage.ancestor_id).where(AreaLineage.area_id.in_(area_ids))):
            paths[area_id][level] = name
    return paths


def rows():
    """Every programme × coverage area as a safe row, BATCH programmes at a time."""
    supports = {k: str(v) for k, v in SUPPORT_KINDS.items()}
    statuses = {k: str(v) for k, v in PROGRAMME_STATUSES.items()}
    kinds = {k: str(v) for k, v in ORGANIZATION_KINDS.items()}
    clusters = {c.id: c.label for c in db.session.scalars(select(ProgrammeCluster))}
    group_names = {g.id: g.label for g in db.session.scalars(select(LifecycleGroup))}
    yes = _("yes")
    query = (select(Programme.id, Programme.name, Organization.name, Organization.kind, Programme.cluster_id,
                    Programme.support_kind, Programme.status, Programme.starts_on, Programme.ends_on,
                    Programme.for_government, User.email, Programme.objectives)
             .join(Organization, Organization.id == Programme.organization_id)
             .outerjoin(User, User.id == Programme.focal_person_id)
             .order_by(Organization.name, Programme.name, Programme.id).execution_options(yield_per=BATCH))
    for batch in db.session.execute(query).partitions():
        ids = [row[0] for row in batch]
        areas, groups, partners = defaultdict(list), defaultdict(list), defaultdict(list)
        for programme_id, area_id in db.session.execute(select(programme_areas).where(
                programme_areas.c.programme_id.in_(ids))):
            areas[programme_id].append(area_id)
        for programme_id, group_id in db.session.execute(select(programme_groups).where(
                programme_groups.c.programme_id.in_(ids))):
            groups[programme_id].append(group_names[group_id])
        for programme_id, name in db.session.execute(
                select(programme_partners.c.programme_id, Organization.name)
                .join(Organization, Organization.id == programme_partners.c.organization_id)
                .where(programme_partners.c.programme_id.in_(ids)).order_by(Organization.name)):
            partners[programme_id].append(name)
        paths = _paths({a for found in areas.values() for a in found})
        for (pid, name, owner, kind, cluster_id, support, status, starts, ends, for_government, email,
             objectives) in batch:
            for area_id in sorted(areas[pid], key=lambda a: [paths[a].get(level, "") for level in ADMIN_LEVELS]):
                path = paths[area_id]
                yield safe_row([owner, kinds[kind], name, clusters[cluster_id], "; ".join(groups[pid]),
                                supports[support], statuses[status], starts, ends,
                                *[path.get(level, "") for level in ADMIN_LEVELS], "; ".join(partners[pid]),
                                yes if for_government else "", email or "", objectives])


# --- Import ------------------------------------------------------------------------------------

def table_of(upload) -> tuple[list[list[str]], str | None]:
    """The uploaded file's rows as text cells (CSV in UTF-8, or the first sheet of an XLSX), or why not."""
    name = (upload.filename or "").lower()
    data = upload.read()
    if name.endswith(".xlsx"):
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a file that is not a workbook
            return [], _("This file cannot be read as an Excel workbook.")
        table = [[_text(cell) for cell in row] for row in book.worksheets[0].iter_rows(values_only=True)]
        book.close()
        return table, None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], _("This file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")
    try:
        return [row for row in csv.reader(io.StringIO(text))], None
    except csv.Error:
        return [], _("This file cannot be read as CSV: a cell is too long or a quote is left open.")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _labels(pairs: dict) -> dict[str, str]:
    """{label in any shipped language, or code: code}, lower-cased."""
    found = {}
    for language in shipped_languages():
        with in_language(language):
            found.update({str(label).lower(): code for code, label in pairs.items()})
    found.update({code.lower(): code for code in pairs})
    return found


def _entries(model) -> dict[str, object]:
    """{name or label in any language, lower-cased: entry} of a list administrators keep."""
    entries = db.session.scalars(select(model)).all()
    found = {}
    for language in shipped_languages():
        with in_language(language):
            found.update({entry.label.lower(): entry for entry in entries})
    found.update({entry.name.lower(): entry for entry in entries})
    return found


class Plan:
    """What an import will create: a programme's fields from its first row, and its areas."""

    def __init__(self, line: int, fields: dict):
        self.line, self.fields, self.areas = line, fields, []


def read(table: list[list[str]]):
    """(plans, report): report has (line, accepted, why) for every row; plans only if all are accepted."""
    tag_row = next((i for i, row in enumerate(table[:3]) if any(cell.startswith("#") for cell in row)), None)
    if tag_row is None:
        return [], [(0, False, _("The second heading row must hold the HXL hashtags (#org+name, #activity+name …), "
                                 "as in an export."))]
    where = {}
    for column, cell in enumerate(table[tag_row]):
        tag = cell.replace(" ", "").lower()
        if tag in TAGS:
            where[tag] = column
    missing = [tag for tag in ("#org+name", "#activity+name", "#sector", "#beneficiary+type", "#activity+type",
                               "#date+start") if tag not in where]
    if missing:
        return [], [(0, False, _("The file lacks the columns: %(columns)s.", columns=", ".join(missing)))]
    body = [(line, row) for line, row in enumerate(table[tag_row + 1:], start=tag_row + 2) if any(row)]
    if not body:
        return [], [(0, False, _("The file has no rows."))]
    if len(body) > MAX_ROWS:
        return [], [(0, False, _("This file has %(rows)s rows; an import takes at most %(max)s. Split it into "
                                 "smaller files. Nothing was imported.", rows=len(body), max=MAX_ROWS))]

    def cell(row, tag):
        column = where.get(tag)
        return row[column].strip() if column is not None and column < len(row) and row[column] else ""

    named = {cell(r, "#org+name").lower() for _l, r in body} | {
        p.strip().lower() for _l, r in body for p in cell(r, "#org+impl").split(";") if p.strip()}
    organizations = {o.name.lower(): o for o in db.session.scalars(select(Organization).where(
        func.lower(Organization.name).in_(named)))}
    names = {cell(r, f"#adm{n}+name") for _l, r in body for n in range(1, 5)} - {""}
    areas = defaultdict(list)
    for area in db.session.scalars(select(Area).where(Area.name.in_(names))):
        areas[(area.level, area.name.lower())].append(area)
    people = {u.email.lower(): u for u in db.session.scalars(select(User).where(
        func.lower(User.email).in_({cell(r, "#contact+email").lower() for _l, r in body} - {""})))}
    clusters, groups = _entries(ProgrammeCluster), _entries(LifecycleGroup)
    supports, statuses = _labels(SUPPORT_KINDS), _labels(PROGRAMME_STATUSES)
    existing = {(o, n.lower()) for o, n in db.session.execute(
        select(Programme.organization_id, Programme.name).where(
            func.lower(Programme.name).in_({cell(r, "#activity+name").lower() for _l, r in body})))}
    yes_words = {"yes", "oui", "হ্যাঁ", "y", "1", "true", "x"}
    plans: dict[tuple[int, str], Plan] = {}
    report = []
    for line, row in body:
        try:
            owner = organizations.get(cell(row, "#org+name").lower())
            if owner is None:
                raise ValueError(_("No organisation is called “%(name)s”.", name=cell(row, "#org+name")))
            if not (access.is_admin(current_user) or owner.id == current_user.organization_id):
                raise ValueError(_("You import the programmes of your own organisation only."))
            name = cell(row, "#activity+name")
            if not name or len(name) > 200:
                raise ValueError(_("Give the programme's name (at most 200 characters)."))
            area = _area(row, cell, areas)
            key = (owner.id, name.lower())
            if key in plans:
                plan = plans[key]
            else:
                if key in existing:
                    raise ValueError(_("%(owner)s already has “%(name)s” in the repository: change it there.",
                                       owner=owner.name, name=name))
                plan = plans[key] = Plan(line, _fields(row, cell, owner, name, clusters, groups, supports, statuses,
                                                       organizations, people, yes_words))
            if area.id in {a.id for a in plan.areas}:
                raise ValueError(_("%(area)s is named twice for this programme.", area=area.name))
            plan.areas.append(area)
            report.append((line, True, _("%(programme)s in %(area)s", programme=name, area=area.name)))
        except ValueError as error:
            report.append((line, False, str(error)))
    if not all(ok for _line, ok, _why in report):
        return [], report
    return list(plans.values()), report


def _area(row, cell, areas) -> Area:
    """The most precise area a row names (#adm4, else #adm3 …), inside the areas the row names above it."""
    path = [cell(row, f"#adm{n}+name") for n in range(1, 5)]
    deepest = max((n for n in range(4) if path[n]), default=None)
    if deepest is None:
        raise ValueError(_("Name the area: at least one of the region, district, sub-district or community."))
    candidates = areas.get((ADMIN_LEVELS[deepest], path[deepest].lower()), [])
    above = {p.lower() for p in path[:deepest] if p}
    if above and len(candidates) > 1:
        lineage = _paths({a.id for a in candidates})
        candidates = [a for a in candidates if above <= {n.lower() for n in lineage[a.id].values()}]
    if len(candidates) != 1:
        raise ValueError(_("No single %(level)s is called “%(name)s”.", level=AREA_LEVELS[ADMIN_LEVELS[deepest]],
                           name=path[deepest]) if not candidates else
                         _("Several areas are called “%(name)s”: name the areas above it too.", name=path[deepest]))
    return candidates[0]


def _date(text: str, what) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(_("%(what)s: “%(text)s” is not a date (write it as 2026-01-31).", what=what, text=text))


def _fields(row, cell, owner, name, clusters, groups, supports, statuses, organizations, people, yes_words) -> dict:
    cluster = clusters.get(cell(row, "#sector").lower())
    if cluster is None:
        raise ValueError(_("“%(name)s” is not a cluster in the list.", name=cell(row, "#sector")))
    served = []
    for word in filter(None, (w.strip() for w in cell(row, "#beneficiary+type").split(";"))):
        if word.lower() not in groups:
            raise ValueError(_("“%(name)s” is not a lifecycle group in the list.", name=word))
        served.append(groups[word.lower()])
    if not served:
        raise ValueError(_("Name at least one group it serves."))
    support = supports.get(cell(row, "#activity+type").lower())
    if support is None:
        raise ValueError(_("“%(name)s” is not a kind of support.", name=cell(row, "#activity+type")))
    status = statuses.get(cell(row, "#status").lower() or "active")
    if status is None:
        raise ValueError(_("“%(name)s” is not a status.", name=cell(row, "#status")))
    starts = _date(cell(row, "#date+start"), _("Starts"))
    if starts is None:
        raise ValueError(_("Give the start date."))
    ends = _date(cell(row, "#date+end"), _("Ends"))
    if ends is not None and ends < starts:
        raise ValueError(_("It ends before it starts."))
    partners = []
    for word in filter(None, (w.strip() for w in cell(row, "#org+impl").split(";"))):
        if word.lower() not in organizations:
            raise ValueError(_("No organisation is called “%(name)s”.", name=word))
        partners.append(organizations[word.lower()])
    focal = None
    if email := cell(row, "#contact+email").lower():
        focal = people.get(email)
        if focal is None or focal.organization_id != owner.id:
            raise ValueError(_("%(email)s is not a person of %(owner)s.", email=email, owner=owner.name))
    objectives = cell(row, "#description+objectives")
    if len(objectives) > 4000:
        raise ValueError(_("The objectives are longer than 4,000 characters."))
    return {"name": name, "organization_id": owner.id, "cluster_id": cluster.id, "groups": served,
            "support_kind": support, "status": status, "starts_on": starts, "ends_on": ends, "partners": partners,
            "for_government": cell(row, "#meta+contracted").lower() in yes_words,
            "focal_person_id": focal.id if focal else None, "objectives": objectives}


def save(plans: list[Plan]) -> int:
    """Creates every planned programme in one transaction: all of them, or none."""
    try:
        for plan in plans:
            services.create_programme(areas=plan.areas, commit=False, **plan.fields)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return len(plans)
