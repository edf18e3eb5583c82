"""Page or fragment: the one place that decides what an htmx request gets back."""
import math
from dataclasses import dataclass
from typing import Callable

from flask import render_template, request
from sqlalchemy import Result, Select, Subquery, func, select

from workspace.extensions import db, htmx
from workspace.inputs import whole_number
from workspace.kept import Kept, key_of
from workspace.reading import fixed, fixed_parameter


def wants_fragment() -> bool:
    # A history restore needs the whole page, not the piece the original request swapped in.
    return bool(htmx) and not htmx.history_restore_request


def render_page(page_template: str, fragment_template: str, status: int = 200, **context):
    """The whole page normally; only the fragment for an htmx request.

    The page template includes the fragment, so each piece of markup has one source.
    (Vary: HX-Request is added to every response in security.py.)
    """
    template = fragment_template if wants_fragment() else page_template
    return render_template(template, **context), status


def render_form(template: str, form, **context):
    """A page with a form: 422 when the form was sent and refused, so nothing was saved."""
    return render_template(template, form=form, **context), 422 if form.is_submitted() else 200


# Lists count their rows up to this many: counting every row of a national list costs a scan of
# it on every page view, and nobody pages through thousands; past it, the page says "more than"
# and asks for a filter.
COUNT_UP_TO = 1000


@dataclass
class Page:
    """One page of a list, with what the pagination macro shows (as Flask-SQLAlchemy's pages)."""

    items: list
    page: int
    per_page: int
    total: int  # the rows counted, up to COUNT_UP_TO
    more: bool  # there are more rows than total

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def read(statement, parameters: dict | None = None) -> Result:
    """The rows of a statement of plain columns, run on the session's connection (its transaction):
    the session's own execute adds ORM work such rows do not need, about as much again as the
    query. For reading only: it does not flush the session's pending changes first."""
    return db.session.connection().execute(statement, parameters)


def requested_page() -> int:
    """The page number of ?page=, 1 if it says none."""
    return max(request.args.get("page", 1, type=whole_number) or 1, 1)


def page_asked(total: int, per_page: int, page_number: int | None = None) -> int:
    """The page to show of `total` rows: page_number, else ?page=, kept between the first and the last."""
    if page_number is None:
        page_number = requested_page()
    return min(max(page_number, 1), max(1, math.ceil(total / per_page)))


# A count that reached its bound ("more than 1,000") is remembered for FULL_COUNT_KEPT seconds,
# by list, bound and parameters (the person's, the filters'): it stays true while someone pages
# through a long list, and counting to the bound again cost more than the page itself (a chair's
# actions: 2 to 3 ms on PostgreSQL). A count under the bound is read every time, unless the list
# keeps it a few seconds (`within`, see remember_count): it changes as records are added and
# removed. Each process keeps its own; at most FULL_COUNTS_KEPT of them.
FULL_COUNT_KEPT = 60
FULL_COUNTS_KEPT = 4096
_counts = Kept(FULL_COUNTS_KEPT)


def kept_count(statement, up_to: int, parameters: dict) -> int | None:
    """This list's count (up to up_to + 1) as remember_count kept it, or None."""
    return _counts.get(key_of(id(statement), up_to, values=parameters))


def known_full(statement, up_to: int, parameters: dict) -> bool:
    """Whether this list's count reached up_to less than FULL_COUNT_KEPT seconds ago."""
    return (kept_count(statement, up_to, parameters) or 0) > up_to


def remember_count(statement, up_to: int, parameters: dict, counted: int, within: float = 0) -> None:
    """Remembers a count past its bound (see known_full), and one within it for `within` seconds
    (none by default)."""
    seconds = FULL_COUNT_KEPT if counted > up_to else within
    if seconds:
        _counts.put(key_of(id(statement), up_to, values=parameters), counted, seconds)


def forget_counts() -> None:
    """Every count kept: some of their lists changed in this process."""
    _counts.clear()


def bounded_count(query: Select, up_to: int | None = None) -> tuple[int, bool]:
    """How many rows the query has, counting no further than up_to (COUNT_UP_TO), and whether
    there are more: a cost that does not grow with the table."""
    up_to = up_to or COUNT_UP_TO
    # The bound stays a parameter (not reading.fixed): the count of cases no rule routed, planned
    # once for any values with its bound written in, took 3.3 ms instead of 0.9.
    counted = read(select(func.count()).select_from(query.order_by(None).limit(up_to + 1).subquery())).scalar()
    return min(counted, up_to), counted > up_to


# The statements paginate_built() derives from a list's statement, built once for each (the list's
# statement, how far it counts, its loader): SQLAlchemy then finds each compiled in its cache
# without working out again what it is, a cost that on a list page is as much as the queries'.
_DERIVED: dict[tuple, tuple] = {}
COUNTED = "counted_rows"  # the column that carries the count beside a page's rows


def paginate_built(query: Select, parameters: dict, per_page: int, rows: Callable[[Subquery], Select] | None = None,
                   count_up_to: int | None = None, records: bool = False, whole_rows: bool = False) -> Page:
    """paginate() for a list statement built once (bindparams for what varies, given in
    `parameters`): rows(the page's ids) is the statement that reads the page's rows, also built
    once, sorted as the list is. Without `rows`, the page's items are the query's first column:
    records (with what its options load) when `records` is true, the query's whole rows when
    `whole_rows` is.

    One statement for the rows: they carry the count as one more column (the database counts once,
    ahead of the rows), and a second statement runs only when the page asked for is empty (an empty
    list, or a page past the last one, which then shows the last). Records take two."""
    up_to = count_up_to or COUNT_UP_TO
    key = (id(query), up_to, rows)
    derived = _DERIVED.get(key)
    if derived is None:
        # Numbers written into the SQL (reading.fixed): PostgreSQL keeps one plan for each page.
        page_rows = query.limit(fixed_parameter("page_size")).offset(fixed_parameter("page_start"))
        counted = select(func.count()).select_from(query.order_by(None).limit(fixed(up_to + 1)).subquery())
        listed = rows(page_rows.subquery()) if rows else page_rows
        with_count = listed.add_columns(counted.scalar_subquery().label(COUNTED))
        # The query kept with them, so that its id stays its own.
        derived = _DERIVED[key] = (query, counted, listed, with_count)
    _query, counted_statement, listed, with_count = derived

    def at(number: int) -> dict:
        return {**parameters, "page_size": per_page, "page_start": (number - 1) * per_page}

    if records:
        counted = read(counted_statement, parameters).scalar()
        number = page_asked(min(counted, up_to), per_page)
        return Page(db.session.scalars(listed, at(number)).unique().all(), number, per_page, min(counted, up_to),
                    counted > up_to)
    result, number, counted = read_counted(with_count, counted_statement, parameters, at, per_page, up_to,
                                           listed=listed)
    items = result.all() if rows or whole_rows else result.scalars().all()
    return Page(items, number, per_page, min(counted, up_to), counted > up_to)


def read_counted(with_count: Select, counting: Select, counting_parameters: dict, at: Callable[[int], dict],
                 per_page: int, up_to: int, page_number: int | None = None,
                 listed: Select | None = None) -> tuple[Result, int, int]:
    """(the page's rows, its number, the rows counted up to up_to + 1) from a page's statement
    whose last column is the count (with_count): one statement. at(number) is its parameters for
    a page. The count alone (counting, with counting_parameters) is read only when the page asked
    for (page_number, else ?page=) is empty: an empty list, or a page past the last one, which
    then shows the last. The rows come without the count's column, by name and position as the
    page's statement gives them. listed: the page's statement without the count, read instead
    while the list's count is known to be past its bound (known_full)."""
    asked = min(page_number or requested_page(), max(1, math.ceil(up_to / per_page)))  # never past the count
    if listed is not None and known_full(with_count, up_to, counting_parameters):
        found = read(listed, at(asked)).freeze()
        if found().first() is not None:
            return found(), asked, up_to + 1
    found = read(with_count, at(asked)).freeze()
    fetched = found().all()
    if fetched:
        counted, number = fetched[0][-1], asked
        remember_count(with_count, up_to, counting_parameters, counted)
    else:
        counted = read(counting, counting_parameters).scalar()
        number = page_asked(min(counted, up_to), per_page, page_number)
        if number != asked:
            found = read(with_count, at(number)).freeze()
    return found().columns(*range(len(with_count.selected_columns) - 1)), number, counted


def paginate(query: Select, per_page: int, count_up_to: int | None = None, page_number: int | None = None,
             load: Callable[[Subquery], list] | None = None, many: Select | None = None) -> Page:
    """The page asked for (page_number, else ?page=), its rows, and a count that stops at
    count_up_to: two queries whose cost does not grow with the table.

    With `load`, the query selects ids only and load(the page's ids) reads the page's rows with
    what they show: the database sorts narrow rows and joins the other tables for one page only.
    With `many`, the same rows in a form the database reads faster when there are more than
    count_up_to of them: it is used for the page's rows then."""
    total, more = bounded_count(query, count_up_to)
    number = page_asked(total, per_page, page_number)
    rows = (many if more and many is not None else query).limit(fixed(per_page)).offset(fixed((number - 1) * per_page))
    items = load(rows.subquery()) if load else db.session.scalars(rows).unique().all()
    return Page(items, number, per_page, total, more)
