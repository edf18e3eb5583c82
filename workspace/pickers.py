"""Choosing one of thousands (areas, organisations, people): a search field beside a short list.

A <select> of every organisation or area is hundreds of kilobytes at national scale. A picker
lists the chosen records and up to LIMIT matches of what was typed in its search field. As the
person types, htmx fetches the matches (GET /pick/<kind>); without JavaScript, the Search button
sends the form back with the list narrowed, and nothing is saved on that round (a form field
refuses to validate; a filter form simply shows the narrowed list).
"""
from dataclasses import dataclass, field as dataclass_field
from functools import cache
from typing import Callable

from flask import Blueprint, abort, current_app, request
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import Select, bindparam, case, func, select
from sqlalchemy.orm import aliased
from wtforms import SelectField, SelectMultipleField
from wtforms.validators import ValidationError

from workspace import access
from workspace.formatting import escaped
from workspace.forms import optional_id
from workspace.i18n import gettext as _, lazy_gettext as _l
from workspace.inputs import whole_number
from workspace.kept import Kept, forget_on_save, key_of
from workspace.pages import read
from workspace.reading import fixed
from workspace.models import AREA_DEPTH, Area, Committee, Organization, Programme, User

LIMIT = 30
MAX_SEARCH = 100
# The first list a picker offers, before anything is typed, is kept FIRST_LIST_KEPT seconds, by
# kind, suggestion and what narrows it (the person's committees, say): it is the same for most
# pages and people, and three pickers in an open filter box read it three times on every view of
# the list. A record added or renamed shows there within the minute (at once if this process saved
# it); searching reads it at once.
FIRST_LIST_KEPT = 60
_first_lists = Kept(1024)
forget_on_save(_first_lists.clear, Area, Committee, Organization, Programme, User)
# With nothing typed, an area picker offers the levels a few dozen areas make up.
TOP_AREA_LEVELS = ("national", "region", "district")

bp = Blueprint("pickers", __name__)


@dataclass(frozen=True)
class Kind:
    """What a picker chooses from: rows of (id, label), how to search them, who may."""

    rows: Callable[[], Select]  # select(id, label) of every record that may be chosen
    id_column: object
    name_column: object  # what a search matches
    order: Callable[[], list]
    suggested: Callable[[Select], Select] = lambda query: query  # with nothing typed
    may_search: Callable[[object], bool] = lambda user: user.is_authenticated
    search_hint: object = dataclass_field(default=_l("Type a name to search"))
    # The records of rows() this person may choose, as {"mine": [ids]}, or None for all of them.
    narrowing: Callable[[object], dict | None] = lambda user: None


def area_label(area, parent):
    """An area as the place picker labels it: its name and its parent's, "Kibera (Nairobi)"."""
    return func.coalesce(area.name + " (" + parent.name + ")", area.name)


# The statements are built once (a statement is immutable: each use adds to a copy); building
# them costs more than running them.
@cache
def _area_rows() -> Select:
    parent = aliased(Area)
    return select(Area.id, area_label(Area, parent).label("label")).outerjoin(parent, parent.id == Area.parent_id)


@cache
def _area_order() -> list:
    return [case(AREA_DEPTH, value=Area.level), Area.name, Area.id]


@cache
def _organization_rows() -> Select:
    return select(Organization.id, Organization.name.label("label"))


@cache
def _group_rows() -> Select:
    return _organization_rows().where(Organization.kind == "community_group")


@cache
def _all_committee_rows() -> Select:
    return select(Committee.id, Committee.name.label("label"))


def _committees_of(user) -> dict | None:
    """Committees the person may see: all of them for administrators, else their own."""
    return None if access.is_admin(user) else {"mine": list(access.committee_roles(user))}


@cache
def _people_rows() -> Select:
    return (select(User.id, (User.name + " — " + Organization.name).label("label"))
            .join(Organization, Organization.id == User.organization_id).where(User.active.is_(True)))


def person_label(user) -> str:
    """A person as the people picker labels them (_people_rows), from a record read with its organisation."""
    return f"{user.name} — {user.organization.name}"


@cache
def _programme_rows() -> Select:
    return (select(Programme.id, (Programme.name + " — " + Organization.name).label("label"))
            .join(Organization, Organization.id == Programme.organization_id))


def _by_name(model) -> Callable[[], list]:
    order = [model.name, model.id]
    return lambda: order


def _may_search_people(user) -> bool:
    """Staff and those who run a committee choose people; a community member has no list of
    everyone's names to browse."""
    return user.is_authenticated and (access.is_admin(user) or access.in_sector(user, "government")
                                      or access.in_sector(user, "ngo") or any(
        role in ("chair", "secretary") for role in access.committee_roles(user).values()))


KINDS: dict[str, Kind] = {
    "areas": Kind(_area_rows, Area.id, Area.name, _area_order, may_search=lambda user: True,
                  suggested=lambda query: query.where(Area.level.in_(fixed(TOP_AREA_LEVELS))),
                  search_hint=_l("Type a place name to search")),
    "organizations": Kind(_organization_rows, Organization.id, Organization.name, _by_name(Organization)),
    "groups": Kind(_group_rows, Organization.id, Organization.name, _by_name(Organization)),
    "committees": Kind(_all_committee_rows, Committee.id, Committee.name, _by_name(Committee),
                       narrowing=_committees_of),
    "people": Kind(_people_rows, User.id, User.name, _by_name(User), may_search=_may_search_people),
    "programmes": Kind(_programme_rows, Programme.id, Programme.name, _by_name(Programme),
                       search_hint=_l("Type a programme's name to search")),
}


@dataclass(frozen=True)
class Suggestion:
    """With nothing typed, what a form offers first: one of SUGGESTIONS and its values."""

    name: str
    values: tuple[tuple[str, object], ...]


# The narrowings a form may suggest, written with parameters so that each statement is built once.
SUGGESTIONS = {
    "people of an organisation": lambda: User.organization_id == bindparam("organization_id"),
    "people except": lambda: User.id.not_in(bindparam("ids", expanding=True)),
    "organisations among": lambda: Organization.id.in_(bindparam("ids", expanding=True)),
}


def people_of(organization_id: int | None) -> Suggestion | None:
    return Suggestion("people of an organisation", (("organization_id", organization_id),)) \
        if organization_id else None


def people_except(ids) -> Suggestion | None:
    return Suggestion("people except", (("ids", sorted(ids)),)) if ids else None


def organizations_among(ids) -> Suggestion:
    return Suggestion("organisations among", (("ids", sorted(ids)),))


@cache
def _statement(kind_name: str, purpose: str, suggestion: str | None = None, narrowed: bool = False) -> Select:
    """A picker's statement, the same for everyone and built once (building one costs more than
    running it): the chosen records (ids), the matches of what was typed (pattern), or what is
    offered with nothing typed; narrowed, among the records the person may choose (mine)."""
    kind = KINDS[kind_name]
    rows = kind.rows()
    if narrowed:
        rows = rows.where(kind.id_column.in_(bindparam("mine", expanding=True)))
    if purpose == "chosen":
        return rows.where(kind.id_column.in_(bindparam("chosen", expanding=True)))
    if purpose == "search":
        query = rows.where(kind.name_column.ilike(bindparam("pattern"), escape="\\"))
    elif suggestion:
        query = rows.where(SUGGESTIONS[suggestion]())
    else:
        query = kind.suggested(rows)
    return query.order_by(*kind.order()).limit(fixed(LIMIT))


def like_pattern(text: str) -> str:
    """The pattern of a case-insensitive "contains", the same on SQLite and PostgreSQL; % and _
    typed are literal (escaped with a backslash)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains(column, text: str):
    return column.ilike(like_pattern(text), escape="\\")


@dataclass
class Picker:
    """One picker as shown: its field name, what is chosen, what was typed, the blank option."""

    kind_name: str
    name: str
    chosen: list[int]
    search: str = ""
    blank: str | None = None
    multiple: bool = False
    # With nothing typed: what this form suggests first (one organisation's people, say).
    suggest: Suggestion | None = None
    # The labels of chosen records the page has read already ({id: label}, as the kind's rows
    # label them): not read again.
    known: dict | None = None

    @property
    def kind(self) -> Kind:
        return KINDS[self.kind_name]

    def options(self, on_demand: bool = False) -> list[tuple[int, str, bool]]:
        """(id, label, chosen): the chosen records first, then up to LIMIT matches. Two queries.
        on_demand: with nothing typed, only the chosen records (the rest come when asked for)."""
        narrowing = self.kind.narrowing(current_user)
        narrowed, mine = narrowing is not None, narrowing or {}
        if self.known and all(id_ in self.known for id_ in self.chosen):
            found = [(id_, self.known[id_]) for id_ in self.chosen]
        elif self.chosen:
            found = read(_statement(self.kind_name, "chosen", narrowed=narrowed), {"chosen": self.chosen, **mine}).all()
        else:
            found = []
        if on_demand and not self.search:
            return [(id_, label, True) for id_, label in found]
        if self.search:
            matches = read(_statement(self.kind_name, "search", narrowed=narrowed),
                           {"pattern": like_pattern(self.search), **mine}).all()
        else:
            suggestion = self.suggest.name if self.suggest else None
            values = {**dict(self.suggest.values if self.suggest else ()), **mine}
            key = key_of(self.kind_name, suggestion, values=values)
            matches = _first_lists.fetch(key, FIRST_LIST_KEPT, lambda: read(
                _statement(self.kind_name, "suggested", suggestion, narrowed), values).all())
        seen = {id_ for id_, _label in found}
        return ([(id_, label, True) for id_, label in found] +
                [(row.id, row.label, False) for row in matches if row.id not in seen])

    def options_html(self, on_demand: bool = False) -> Markup:
        """The <option>s of the picker's <select>: the blank one, then options(on_demand). Written
        with a format string rather than a template: a page with three pickers draws ninety."""
        blank = f'<option value="">{escaped(self.blank)}</option>' if self.blank is not None else ""
        return Markup(blank + "".join(
            f'<option value="{id_}"{" selected" if chosen else ""}>{escaped(label)}</option>\n'
            for id_, label, chosen in self.options(on_demand)))

    def existing(self, ids: list[int]) -> set[int]:
        """Which of these ids may be chosen (a record gone, or outside the kind, is not)."""
        if not ids:
            return set()
        narrowing = self.kind.narrowing(current_user)
        return {row.id for row in read(_statement(self.kind_name, "chosen", narrowed=narrowing is not None),
                                       {"chosen": ids, **(narrowing or {})})}

    def render(self, field_id: str, on_demand: bool = False, **attributes) -> Markup:
        """on_demand: for a picker in a closed filter box, the list is read when the box is opened
        (htmx), or after a search without JavaScript, not on every view of the page."""
        # As wtforms writes them: aria_invalid is aria-invalid, class_ is class.
        attributes = {name.rstrip("_").replace("_", "-"): value for name, value in attributes.items()}
        # Drawn straight from the template, inside the page being drawn: render_template would run
        # every context processor again for each picker.
        return Markup(current_app.jinja_env.get_template("_picker.html").render(
            picker=self, field_id=field_id, attributes=attributes, on_demand=on_demand))


def search_term(name: str) -> str:
    """What was typed in a picker's search field, from the query string or the posted form."""
    return (request.values.get(f"{name}-q") or "").strip()[:MAX_SEARCH]


def searching() -> bool:
    """Whether something was typed in a picker's search field of this request (a filter box with
    one stays open, to show what it found)."""
    return any(name.endswith("-q") and value for name, value in request.args.items())


def find_pressed(name: str) -> bool:
    return f"{name}-find" in request.values


class PickerField(SelectField):
    """One record of a kind, chosen with a picker; `narrow` limits what may be chosen."""

    multiple = False

    def __init__(self, label=None, validators=None, kind: str = "organizations", blank=None, **kwargs):
        super().__init__(label, validators, coerce=optional_id, validate_choice=False, **kwargs)
        self.kind_name, self.blank, self.suggest = kind, blank, None
        self.known = None  # Picker.known

    def chosen_ids(self) -> list[int]:
        return [self.data] if self.data else []

    def picker(self) -> Picker:
        return Picker(self.kind_name, self.name, self.chosen_ids(), search_term(self.name),
                      str(self.blank) if self.blank is not None else None, self.multiple, self.suggest, self.known)

    def pre_validate(self, form):
        if find_pressed(self.name):
            raise ValidationError(_("Choose from the list (it shows what matches your search), then save."))
        missing = set(self.chosen_ids()) - self.picker().existing(self.chosen_ids())
        if missing:
            raise ValidationError(_("Not a valid choice."))

    def __call__(self, on_demand: bool = False, **attributes):
        """on_demand: the field is in a closed box (Picker.render)."""
        return self.picker().render(self.id, on_demand=on_demand, **attributes)


class MultiPickerField(PickerField, SelectMultipleField):
    multiple = True

    def chosen_ids(self) -> list[int]:
        return list(self.data or [])

    def process_formdata(self, valuelist):
        try:
            self.data = [optional_id(value) for value in valuelist if value not in ("", None)]
        except ValueError as error:
            self.data = []
            raise ValueError(self.gettext("Not a valid choice.")) from error

    def process_data(self, value):
        self.data = [getattr(v, "id", v) for v in value] if value else []


@bp.route("/pick/<any(areas, organizations, groups, committees, people, programmes):kind_name>")
def options(kind_name: str):
    """The options of a picker for what was typed: the fragment htmx swaps into its <select>."""
    kind = KINDS[kind_name]
    if not kind.may_search(current_user):
        abort(403 if current_user.is_authenticated else 401)
    name = request.args.get("field", "")[:60] or "id"
    chosen = request.args.getlist(name, type=whole_number)[:LIMIT]  # what is not an id is left out
    picker = Picker(kind_name, name, chosen, search_term(name), request.args.get("blank", "")[:80] or None,
                    multiple=request.args.get("multiple") == "1")
    return picker.options_html()
