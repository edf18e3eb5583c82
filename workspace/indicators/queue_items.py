"""The verification queue's items as markup, written here rather than item by item in its template:
a page draws twenty-five, each with its values, its evidence and two forms, and a template spends on
every value of every item what a format string does once. verify.html keeps the rest of the page;
what an item says and how it looks are the same.

Every value from the database is escaped here (escaped()); the translated words, the addresses and
the CSRF token are written into the item's format once a page.
"""
from typing import Callable

from markupsafe import Markup

from workspace.formatting import braced, escaped
from workspace.i18n import gettext as _
from workspace.indicators.forms import REASON_LABEL, REASON_LENGTH
from workspace.links import url_pattern

# A value of the period: {0} its cell's label (or "Total"), {1} the value as shown.
_VALUE = "\n      <dt>{0}</dt><dd><strong>{1}</strong></dd>"


def _item_format() -> str:
    """An item's format: {0} the value's id the decision goes to, {1} the indicator's short name,
    {2} the line under it, {3} the values, {4} the last period's total, {5} the target, {6} the
    comment and explanation, {7} the evidence, {8} the decision (or the note that the verifier
    entered it)."""
    last, target = braced(_("Last period")), braced(_("Target"))
    return ('\n  <article class="proposal" id="value-{0}">\n    <h3>{1}</h3>\n    <p class="meta">{2}</p>\n'
            f'    <dl class="facts">{{3}}\n      <dt>{last}</dt><dd>{{4}}</dd>\n'
            f'      <dt>{target}</dt><dd>{{5}}</dd>\n    </dl>\n    {{6}}{{7}}{{8}}\n  </article>')


def _decision_format(csrf: str) -> str:
    """The two forms that decide an item: {0} the value's id, {1} the period as shown (its stamp)."""
    # The addresses keep their {0} for the value's id.
    verify_url = escaped(url_pattern("indicators.verify_value", "value_id"))
    return_url = escaped(url_pattern("indicators.return_value", "value_id"))
    token = f'<input type="hidden" name="csrf_token" value="{braced(csrf)}">'
    stamp = '<input type="hidden" name="version" value="{1}">'
    return (f'\n    <div class="decide">\n      <form method="post" action="{verify_url}" class="inline">\n'
            f'        {token}\n        {stamp}\n'
            f'        <button type="submit" class="primary">{braced(_("Verify"))}</button>\n      </form>\n'
            f'      <form method="post" action="{return_url}" class="inline-form">\n'
            f'        {token}\n        {stamp}\n'
            f'        <label for="reason-{{0}}">{braced(REASON_LABEL)}</label>\n'
            f'        <input type="text" id="reason-{{0}}" name="reason" maxlength="{REASON_LENGTH}" required>\n'
            f'        <button type="submit" class="danger">{braced(_("Return"))}</button>\n      </form>\n    </div>')


def _evidence(files, file_url: str, label: str) -> str:
    """The evidence of an item: a thumbnail of each photo, the name of each other file."""
    shown = []
    for file in files:
        href = file_url.format(file.id)
        inside = (f'<img src="{href}" alt="{escaped(file.filename)}" width="96" height="96" loading="lazy" class="thumb">'
                  if file.content_type.startswith("image/") else escaped(file.filename))
        shown.append(f'<li><a href="{href}">{inside}</a></li>')
    return f'\n    <ul class="files thumbs" aria-label="{label}">\n      {"".join(shown)}\n    </ul>'


def items_drawer(csrf: str) -> Callable[[list], Markup]:
    """What draws the <article>s of Waiting items (queue.py) under one period, with what every
    period's items share worked out once a page (a page lists up to twenty-five periods); csrf,
    the page's token."""
    item_format, decision = _item_format(), _decision_format(csrf)
    entered_by, check_against = _("entered by %(name)s"), _("check against: %(means)s")
    total, why_changed = escaped(_("Total")), escaped(_("Why it changed"))
    evidence_label, own_value = escaped(_("Evidence")), escaped(_("You entered this value: someone else verifies it."))
    file_url = escaped(url_pattern("indicators.evidence_file", "evidence_id"))

    def waiting_items(items) -> Markup:
        drawn = []
        for item in items:
            first, indicator = item.first, item.indicator
            entered = first.entered_by_name if first.entered_by_name is not None else "?"
            line = f"“{escaped(indicator.question)}” · {escaped(entered_by % {'name': entered})}"
            if indicator.verification:
                line += f"\n       · {escaped(check_against % {'means': indicator.verification})}"
            notes = ""
            if first.comment:
                notes += f'<p dir="auto">{escaped(first.comment)}</p>\n    '
            if first.explanation:
                notes += f'<p dir="auto"><strong>{why_changed}:</strong> {escaped(first.explanation)}</p>\n    '
            files = item.files
            drawn.append(item_format.format(
                item.decide_id, escaped(indicator.short_name), line,
                "".join(_VALUE.format(escaped(label) if label else total, escaped(value))
                        for label, value in item.values),
                escaped(item.last), escaped(item.target), notes,
                _evidence(files, file_url, evidence_label) if files else "",
                f'\n      <p class="hint">{own_value}</p>' if item.own
                else decision.format(item.decide_id, escaped(item.stamp))))
        return Markup("".join(drawn))

    return waiting_items
