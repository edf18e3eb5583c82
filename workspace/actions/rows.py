"""The rows of the action table and of the timeline as markup, written here rather than row by row
in the templates: a list draws fifty of each, and a template spends on every value of every row
what a format string does once (the table's fifty rows took 2 ms to draw, most of a list's own
work). The templates keep the rest of the page; what a row says and how it looks are the same.

Every value from the database is escaped here (escaped()); the translated words and the badges
are written into the row's format once a page.
"""
from functools import cache

from markupsafe import Markup

from workspace.actions import STATUS_BADGES
from workspace.formatting import badge, braced, escaped
from workspace.i18n import gettext as _
from workspace.labels import translated
from workspace.links import url_pattern
from workspace.models import ACTION_STATUSES


@cache
def _table_row(action: str, responsible: str, due: str, status: str, progress: str) -> str:
    """A table row's format, the column names written in: {0} the row's class, {1} the action's
    address, {2} its title, {3} its plan's owner, {4} the plan, {5} the responsible organisation,
    {6} the focal person's line (or nothing), {7} the due date, {8} the overdue badge (or nothing),
    {9} the status badge, {10} the progress."""
    action, responsible, due, status, progress = map(braced, (action, responsible, due, status, progress))
    return (f'<tr class="{{0}}">\n      <td data-label="{action}"><a href="{{1}}">{{2}}</a><br>\n'
            f'        <small class="hint">{{3}} · {{4}}</small></td>\n'
            f'      <td data-label="{responsible}"><span>{{5}}{{6}}</span></td>\n'
            f'      <td data-label="{due}"><span>{{7}}{{8}}</span></td>\n'
            f'      <td data-label="{status}">{{9}}</td>\n'
            f'      <td data-label="{progress}" class="num"><span><meter min="0" max="100" value="{{10}}" '
            f'title="{{10}}%"></meter> {{10}}%</span></td>\n    </tr>\n')


def table_rows(actions, date_texts) -> Markup:
    """The <tr>s of the action table for these ListedActions (queries.py); date_texts: the page's
    dates as shown (routes.DateTexts)."""
    row = _table_row(_("Action"), _("Responsible"), _("Due"), _("Status"), _("Progress"))
    focal, overdue = escaped(_("Focal person")), " " + badge(_("overdue"), "bad")
    names = translated(ACTION_STATUSES)
    badges = {status: badge(name, STATUS_BADGES[status]) for status, name in names.items()}
    href = url_pattern("actions.action", "action_id")
    return Markup("".join(row.format(
        "overdue" if action.overdue else "", href.format(action.id), escaped(action.title),
        escaped(action.owner_name), escaped(action.plan_title), escaped(action.responsible_name),
        f"<br><small>{focal}: {escaped(action.focal_name)}</small>" if action.focal_name else "",
        escaped(date_texts[action.due_date]), overdue if action.overdue else "", badges[action.status],
        action.progress) for action in actions))


# A timeline bar: {0} its class, {1} the action's address, {2} its title, {3} start, {4} due,
# {5} status, {6} progress, {7} the overdue badge (or nothing), {8} x, {9} width, {10} progress width.
_BAR = ('<li class="{0}">\n      <a href="{1}">{2}</a>\n      <small>{3} → {4} · {5} · {6}%\n        {7}</small>\n'
        '      <svg viewBox="0 0 1000 16" preserveAspectRatio="none" class="timeline-bar" aria-hidden="true" '
        'focusable="false">\n        <use href="#timeline-grid" width="1000" height="16"></use>\n'
        '        <rect x="{8}" y="2" width="{9}" height="12" class="bar {0}"></rect>\n'
        '        <rect x="{8}" y="2" width="{10}" height="12" class="progress"></rect>\n      </svg>\n    </li>\n')


def timeline_rows(bars, date_texts) -> Markup:
    """The <li>s of the timeline for these bars (timeline.Bar)."""
    overdue = badge(_("overdue"), "bad")
    names = {status: escaped(name) for status, name in translated(ACTION_STATUSES).items()}
    href = url_pattern("actions.action", "action_id")
    return Markup("".join(_BAR.format(
        bar.css, href.format(bar.id), escaped(bar.title), escaped(date_texts[bar.start_date]),
        escaped(date_texts[bar.due_date]), names[bar.status], bar.progress, overdue if bar.css == "overdue" else "",
        bar.x, bar.width, bar.progress_width) for bar in bars))
