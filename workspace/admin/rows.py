"""The rows of the area tree, the organisation list and the list of people as markup, written here
rather than row by row in their templates: the top of the tree draws a hundred rows or more, a list
fifty, and a template spends on every value of every row what a format string does once (the area
rows were about a third of the page's time). The templates keep the rest of the page; what a row says and how it looks are
the same, and the inline edits swap back the same row.

Every value from the database is escaped here (escaped()); the translated words are written into
the row's format once a page.
"""
from markupsafe import Markup

from workspace.formatting import as_datetime, as_number, badge, braced, escaped
from workspace.i18n import gettext as _
from workspace.labels import translated
from workspace.links import url_pattern
from workspace.models import AREA_LEVELS, ORGANIZATION_KINDS, SECTOR_OF_KIND, SECTORS

# The link to a row's edit form, which htmx swaps in for the row: {0} its address, {1} "Edit",
# {2} the area's or organisation's name (for a screen reader: which one).
_EDIT_LINK = ('<a href="{0}"\n       data-hx-get="{0}"\n       data-hx-target="closest tr" data-hx-swap="outerHTML">'
              '{1}<span class="visually-hidden"> {2}</span></a>')


def area_rows(rows) -> Markup:
    """The <tr>s of the area tree for rows of (id, name, level, depth, the parent's name or None)."""
    name_word, level_word = braced(_("Name")), braced(_("Level"))
    row = (f'<tr id="area-{{0}}">\n  <td data-label="{name_word}" class="depth-{{1}}"><a href="{{2}}">{{3}}</a>{{4}}</td>\n'
           f'  <td data-label="{level_word}">{{5}}</td>\n  <td class="actions">\n    {{6}}\n    {{7}}\n  </td>\n</tr>\n')
    levels = {level: escaped(name) for level, name in translated(AREA_LEVELS).items()}
    inside_word, edit_word = escaped(_("Areas inside")), escaped(_("Edit"))
    area_href, inside_href = url_pattern("admin.area", "area_id"), url_pattern("admin.areas", "within")
    edit_href = url_pattern("admin.edit_area", "area_id")
    drawn = []
    for id_, name, level, depth, parent_name in rows:
        name = escaped(name)
        inside = (f'<a href="{inside_href.format(id_)}">{inside_word}<span class="visually-hidden"> {name}</span></a>'
                  if level != "community" else "")
        drawn.append(row.format(id_, min(depth, 5), area_href.format(id_), name,
                                f" <small>({escaped(parent_name)})</small>" if parent_name else "",
                                levels[level], inside, _EDIT_LINK.format(edit_href.format(id_), edit_word, name)))
    return Markup("".join(drawn))


def organization_rows(rows) -> Markup:
    """The <tr>s of the organisation list for rows of (id, name, kind, area's name, people)."""
    words = [braced(_(word)) for word in ("Name", "Kind", "Area", "People")]
    row = (f'<tr id="organization-{{0}}">\n  <td data-label="{words[0]}"><a href="{{1}}">{{2}}</a></td>\n'
           f'  <td data-label="{words[1]}">{{3}}</td>\n  <td data-label="{words[2]}">{{4}}</td>\n'
           f'  <td data-label="{words[3]}" class="num">{{5}}</td>\n  <td class="actions">\n    {{6}}\n  </td>\n</tr>\n')
    kinds = {kind: escaped(name) for kind, name in translated(ORGANIZATION_KINDS).items()}
    edit_word = escaped(_("Edit"))
    organization_href = url_pattern("admin.organization", "organization_id")
    edit_href = url_pattern("admin.edit_organization", "organization_id")
    drawn = []
    for id_, name, kind, area, people in rows:
        name = escaped(name)
        drawn.append(row.format(id_, organization_href.format(id_), name, kinds[kind], escaped(area),
                                escaped(as_number(people)), _EDIT_LINK.format(edit_href.format(id_), edit_word, name)))
    return Markup("".join(drawn))


def user_rows(rows) -> Markup:
    """The <tr>s of the list of people for rows of (id, name, email, is_admin, active, has_password,
    last_login_at, organisation's name, its kind)."""
    words = [braced(_(word)) for word in ("Name", "Email", "Organisation", "Sector", "Status", "Last login")]
    row = (f'<tr>\n      <td data-label="{words[0]}"><a href="{{0}}">{{1}}</a>\n        {{2}}</td>\n'
           f'      <td data-label="{words[1]}">{{3}}</td>\n      <td data-label="{words[2]}">{{4}}</td>\n'
           f'      <td data-label="{words[3]}">{{5}}</td>\n      <td data-label="{words[4]}">\n        {{6}}\n      </td>\n'
           f'      <td data-label="{words[5]}">{{7}}</td>\n    </tr>\n')
    sectors = {kind: escaped(name) for kind, name in translated(
        {kind: SECTORS[sector] for kind, sector in SECTOR_OF_KIND.items()}).items()}
    admin, deactivated = badge(_("administrator"), "info"), badge(_("deactivated"), "muted")
    awaiting, active_badge = badge(_("awaiting password"), "warn"), badge(_("active"), "ok")
    never = escaped(_("never"))
    user_href = url_pattern("admin.user", "user_id")
    return Markup("".join(row.format(
        user_href.format(id_), escaped(name), admin if is_admin else "", escaped(email), escaped(organization),
        sectors[kind], deactivated if not active else awaiting if not has_password else active_badge,
        escaped(as_datetime(last_login_at)) if last_login_at else never)
        for id_, name, email, is_admin, active, has_password, last_login_at, organization, kind in rows))
