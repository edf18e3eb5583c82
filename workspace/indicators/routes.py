"""Groups and their indicators: defining them together, results, charts, verification, the
committee's view of what is off track, and raising an indicator to the committee."""
from functools import cache

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from sqlalchemy import Integer, Select, String, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import aliased

from workspace import access
from workspace.clock import local_today
from workspace.committees import services as committee_services
from workspace.committees.loaders import get_committee_or_404
from workspace.extensions import db
from workspace.forms import EmptyForm
from workspace.formatting import as_number, escaped
from workspace.i18n import gettext as _, lazy_gettext as _l
from workspace.indicators import bp, chart, periods, queue, queue_items, services, signoff
from workspace.indicators import reporting as reporting_queries
from workspace.indicators.forms import (
    IndicatorEditForm, IndicatorForm, RaiseForm, ReturnForm, SignoffForm, TargetForm, VerifyAllForm, VerifyForm,
)
from workspace.indicators.loaders import get_indicator_or_404, get_owner_or_404, get_value_or_404
from workspace.indicators.owners import owner_of
from workspace.indicators.values import STANDING_LABELS, cell_labels, judge, standing, target_of
from workspace.links import url_pattern
from workspace.labels import translated
from workspace.models import (
    FREQUENCIES, SIGNOFF_STATES, UNITS, VALUE_STATES, Area, AreaLineage, Committee, GroupRole, Indicator,
    IndicatorTarget, IndicatorValue, IndicatorWording, Organization, PeriodSignoff, User,
)
from workspace.models.indicators import STANDINGS, IndicatorStanding, IndicatorTally
from workspace.pages import Page, page_asked, paginate, read, render_form
from workspace.reading import fixed

DUE_SHOWN = 3  # the periods a group sees as due: this one and the two before
CHART_PERIODS = 60  # five years of months
SHORT_PAGE = 25  # rows of the committee's indicators, and values waiting for verification, a page


@bp.route("/groups")
@login_required
def groups():
    """The community groups whose data a person may see: their own, those they verify, all for
    administrators."""
    query = select(Organization).where(Organization.kind == "community_group").order_by(Organization.name)
    if not access.is_admin(current_user):
        query = query.where(or_(Organization.id == current_user.organization_id, Organization.id.in_(
            select(GroupRole.organization_id).where(GroupRole.user_id == current_user.id))))
    page = paginate(query, per_page=current_app.config["PER_PAGE"])
    return render_template("indicators/groups.html", page=page)


def latest_values(indicators: list[Indicator]) -> tuple[dict[int, IndicatorValue], dict[tuple[int, str], float]]:
    """Each indicator's newest total, and the own target of that period where it has one ({(id,
    period): target}, for values.target_of()): one query, each total read from its index."""
    total = aliased(IndicatorValue)
    newest = (select(total.id).where(total.indicator_id == Indicator.id, total.cell == "")
              .order_by(total.period.desc()).limit(1).correlate(Indicator).scalar_subquery())
    ids = select(newest).where(Indicator.id.in_([i.id for i in indicators]))
    rows = db.session.execute(select(IndicatorValue, IndicatorTarget.target).outerjoin(IndicatorTarget, and_(
        IndicatorTarget.indicator_id == IndicatorValue.indicator_id, IndicatorTarget.period == IndicatorValue.period))
        .where(IndicatorValue.id.in_(ids))).all()
    return ({value.indicator_id: value for value, _target in rows},
            {(value.indicator_id, value.period): target for value, target in rows if target is not None})


# The group page's statements are built once per kind of owner (building one costs more than
# running it); the owner and the periods due are bound on each use.
@cache
def _owner_indicators(is_group: bool) -> Select:
    """The owner's indicators with what the page shows of each; each one's newest total with that
    period's own target (for values.target_of()), read from its index; and, as entered_0, entered_1
    ..., whether its total of each period due (newest first, bound as monthly_0, quarterly_0 ...)
    was submitted or verified. (The view unpacks the columns in this order.)"""
    column = Indicator.organization_id if is_group else Indicator.committee_id
    total, latest = aliased(IndicatorValue), aliased(IndicatorValue)
    newest = (select(total.id).where(total.indicator_id == Indicator.id, total.cell == "")
              .order_by(total.period.desc()).limit(1).correlate(Indicator).scalar_subquery())
    entered = []
    for n in range(DUE_SHOWN):
        period = case({f: bindparam(f"{f}_{n}", type_=String) for f in FREQUENCIES}, value=Indicator.frequency)
        entered.append(select(total.id).where(total.indicator_id == Indicator.id, total.cell == "",
                                              total.period == period,
                                              or_(total.state == "submitted", total.state == "verified"))
                       .correlate(Indicator).exists().label(f"entered_{n}"))
    # The newest period's own target looked up for each indicator through its index: joined, the
    # targets of every indicator were read to match them (PostgreSQL, a thousand rows).
    own_target = (select(IndicatorTarget.target).where(IndicatorTarget.indicator_id == Indicator.id,
                                                       IndicatorTarget.period == latest.period)
                  .correlate(Indicator, latest).scalar_subquery())
    return (select(Indicator.id, Indicator.short_name, Indicator.question, Indicator.why, Indicator.status,
                   Indicator.unit, Indicator.frequency, Indicator.target, Indicator.direction,
                   User.name.label("proposed_by"), latest.period.label("latest_period"),
                   latest.value.label("latest_value"), own_target.label("latest_target"), *entered)
            .outerjoin(User, User.id == Indicator.proposed_by_id)
            .outerjoin(latest, and_(Indicator.status == "adopted", latest.id == newest))
            .where(column == bindparam("owner_id")).order_by(Indicator.short_name))


@cache
def _waiting(is_group: bool) -> Select:
    column = Indicator.organization_id if is_group else Indicator.committee_id
    return select(func.count()).select_from(IndicatorValue).join(Indicator).where(
        column == bindparam("owner_id"), IndicatorValue.state == "submitted", IndicatorValue.cell == "")


@cache
def _returned(is_group: bool) -> Select:
    column = Indicator.organization_id if is_group else Indicator.committee_id
    return (select(IndicatorValue.period, IndicatorValue.cell, IndicatorValue.return_reason, Indicator.short_name)
            .join(Indicator).where(column == bindparam("owner_id"), IndicatorValue.state == fixed("returned"))
            .limit(fixed(50)))


# The group page's rows as markup, the row's parts filled in ({0}: its address, then its name,
# question, latest value and target, each escaped) and the headings written once a page.
@cache
def _group_row(headings: tuple) -> str:
    # Translated words are markup, as in templates; braces kept from str.format.
    indicator, latest, target, status = (heading.replace("{", "{{").replace("}", "}}") for heading in headings)
    return (f'<tr>\n        <td data-label="{indicator}"><a href="{{0}}">{{1}}</a>'
            '<br><small class="hint">{2}</small></td>'
            f'\n        <td data-label="{latest}">{{3}}</td>\n        <td data-label="{target}">{{4}}</td>'
            f'\n        <td data-label="{status}">')


# An entry returned to the group: its address, name, period, cell (if any) and the reason, escaped.
_RETURNED = '<li><a href="{0}">{1}, {2}{3}</a>:\n      {4}</li>'

@bp.route("/groups/<int:group_id>")
@bp.route("/committees/<int:committee_id>/own-indicators")
@login_required
def group(group_id: int | None = None, committee_id: int | None = None):
    """A group's (or a committee's own) indicators: what is due, what came back, where each stands."""
    owner = get_owner_or_404(group_id, committee_id)
    key = {"owner_id": owner.id}
    today = local_today()
    due = {f: periods.last_periods(f, today, DUE_SHOWN)[::-1] for f in FREQUENCIES}  # newest first
    indicators = read(_owner_indicators(owner.is_group), {
        **key, **{f"{f}_{n}": period for f, period_list in due.items() for n, period in enumerate(period_list)}}).all()
    adopted = [i for i in indicators if i.status == "adopted"]
    due = {f: period_list for f, period_list in due.items() if any(i.frequency == f for i in adopted)}
    # What only some people see is read only for them: the count waiting for those who verify,
    # what came back for those who enter.
    user = current_user._get_current_object()  # the proxy looked up once, not once a rule
    may_verify, may_enter = owner.can(user, "verify"), owner.can(user, "enter")
    waiting = read(_waiting(owner.is_group), key).scalar() if may_verify else 0
    returned = read(_returned(owner.is_group), key).all() if may_enter else []
    # The rows as shown, worked out here rather than once a row in the template: addresses filled
    # in from one url_for, numbers formatted, each indicator judged against its latest period's
    # target; and the indicators not entered for each period due. Each row's columns are unpacked
    # once (by name, each costs more to look up than the rest of the row).
    indicator_url, enter_url = url_pattern("indicators.indicator", "indicator_id"), \
        url_pattern("indicators.enter", "period", **owner.args)
    missing = {(f, period): 0 for f, period_list in due.items() for period in period_list}
    # Numbers and periods formatted once a request each: the rows share a few periods and targets.
    number, period_label = cache(as_number), cache(periods.label)
    # Each row is written here up to its status badge, its parts escaped once; the template makes
    # the four badges and writes the rows with them in one output (table_rows), not a dozen a row.
    headings = tuple(map(Markup, (_("Indicator"), _("Latest"), _("Target"), _("Status"))))
    row_markup = _group_row(headings)
    # The rows' numbers and periods come formatted and escaped, once each a request.
    shown_number = cache(lambda value: escaped(number(value)))
    shown_period = cache(lambda period: escaped(period_label(period)))
    rows = []
    for (indicator_id, short_name, question, _why, _status, _unit, frequency, usual, direction, _proposed_by,
         latest_period, latest_value, latest_target, *entered_due) in adopted:
        for period, entered in zip(due[frequency], entered_due):
            if not entered:
                missing[frequency, period] += 1
        value = latest_value if latest_period is not None else None
        target = latest_target if latest_target is not None else usual
        rows.append((row_markup.format(
            indicator_url.format(indicator_id), escaped(short_name), escaped(question),
            "—" if value is None else f"{shown_number(value)} <small>{shown_period(latest_period)}</small>",
            "—" if target is None else shown_number(target)), standing(direction == "higher", value, target)))
    cells = cell_labels(v.cell for v in returned if v.cell)
    returned = [Markup(_RETURNED.format(enter_url.format(period), escaped(short_name), shown_period(period),
                                        f" ({escaped(cells[cell])})" if cell else "", escaped(reason)))
                for period, cell, reason, short_name in returned]
    # Each proposal as shown, its words and (for the coordinator) its buttons' addresses worked out
    # here, as the rows are.
    may_coordinate, proposed = owner.can(user, "coordinate"), []
    frequencies = translated(FREQUENCIES)
    if any(i.status == "proposed" for i in indicators):
        units, proposed_by = translated(UNITS), _("proposed by %(name)s")
        adopt_url, drop_url, edit_url = (
            url_pattern("indicators.decide", "indicator_id", decision="adopt"),
            url_pattern("indicators.decide", "indicator_id", decision="drop"),
            url_pattern("indicators.edit_indicator", "indicator_id")) if may_coordinate else (None, None, None)
        for (indicator_id, short_name, question, why, status, unit, frequency, _usual, _direction, name,
             *_latest) in indicators:
            if status == "proposed":
                proposed.append((indicator_id, short_name, question, units[unit], frequencies[frequency],
                                 None if name is None else proposed_by % {"name": name}, why,
                                 *((adopt_url.format(indicator_id), drop_url.format(indicator_id),
                                    edit_url.format(indicator_id)) if may_coordinate else (None, None, None))))
    # A group's periods due, each with where its sign-off stands and the steps this person may take.
    signoffs = []
    if owner.is_group:
        # Newest first; of periods ending the same month, the longest first (year, quarter, month),
        # whatever order the set gives: a quarter's name sorts after its last month's.
        shown = sorted({period for period_list in due.values() for period in period_list},
                       key=lambda period: (periods.last_month(period), -len(period), period), reverse=True)
        standings = signoff.standings(owner.record, shown)
        who = signoff.actors(user, owner.record, locked=any(s.state in signoff.LOCKED for s in standings))
        signoffs = [(standing_, [step for step in signoff.steps_for(standing_.state, who)
                                 if step != "approve" or standing_.signoff.signed_by_id != user.id])
                    for standing_ in standings]
    return render_template("indicators/group.html", owner=owner, rows=rows, due=due, missing=missing,
                           signoffs=signoffs, table_rows=lambda badges: Markup("".join(
                               f"{row}{badges[status]}</td>\n      </tr>\n" for row, status in rows)),
                           signoff_urls={step: url_pattern(
                               "indicators.sign_off", "period", step=step, **owner.args)
                               for _state, step in signoff.STEPS} if signoffs else {},
                           waiting=waiting, returned=returned, may_enter=may_enter, proposed=proposed,
                           may_define=owner.can(user, "define"), may_verify=may_verify,
                           may_coordinate=may_coordinate, enter_url=enter_url, frequencies=frequencies,
                           period_label=period_label, labels=STANDING_LABELS, headings=headings)


@bp.route("/groups/<int:group_id>/indicators/new", methods=["GET", "POST"])
@bp.route("/committees/<int:committee_id>/own-indicators/new", methods=["GET", "POST"])
@login_required
def propose(group_id: int | None = None, committee_id: int | None = None):
    owner = get_owner_or_404(group_id, committee_id, need="define")
    form = IndicatorForm()
    if form.validate_on_submit():
        services.propose(owner, current_user, **form.indicator_fields())
        flash(_("Proposed. The others see it now; your coordinator adopts it or drops it.") if owner.is_group
              else _("Proposed. The chair or the secretary adopts it or drops it."), "success")
        return redirect(owner.home)
    return render_form("indicators/indicator_form.html", form, owner=owner, indicator=None)


@cache
def _series() -> Select:
    """An indicator's newest totals, with what the table shows of each and whether its group has
    signed off or approved the period (the view unpacks the columns in this order; chart.build()
    reads the first three by place)."""
    return (select(IndicatorValue.period, IndicatorValue.value, IndicatorValue.state, IndicatorValue.return_reason,
                   IndicatorValue.comment, IndicatorValue.explanation, IndicatorValue.story,
                   IndicatorValue.wording_version, PeriodSignoff.state)
            .outerjoin(PeriodSignoff, and_(PeriodSignoff.organization_id == bindparam("organization_id"),
                                           PeriodSignoff.period == IndicatorValue.period))
            .where(IndicatorValue.indicator_id == bindparam("indicator_id"), IndicatorValue.cell == "")
            .order_by(IndicatorValue.period.desc()).limit(CHART_PERIODS))


@cache
def _own_targets() -> Select:
    return select(IndicatorTarget.period, IndicatorTarget.target, IndicatorTarget.version).where(
        IndicatorTarget.indicator_id == bindparam("indicator_id"))


@bp.route("/indicators/<int:indicator_id>")
@login_required
def indicator(indicator_id: int):
    indicator = get_indicator_or_404(indicator_id)
    owner = owner_of(indicator)
    key = {"indicator_id": indicator.id}
    series = read(_series(), {**key, "organization_id": indicator.organization_id}).all()[::-1]
    # Older words exist only once the indicator has been reworded.
    wordings = dict(read(select(IndicatorWording.version, IndicatorWording.question).where(
        IndicatorWording.indicator_id == indicator.id)).all()) if indicator.wording_version > 1 else {}
    own_targets = read(_own_targets(), key).all()
    drawn = chart.build(indicator, series, {(indicator.id, t.period): t.target for t in own_targets},
                        approved={row[0] for row in series if row[8] == "approved"})
    # Each value's row as the table shows it, newest first, worked out here rather than once a row
    # in the template; its target and status are those of its point on the chart.
    # (The point has the value formatted already; the periods share a few targets, each formatted once.)
    states, wording_version = translated({**VALUE_STATES, **SIGNOFF_STATES}), indicator.wording_version
    targets = {target: as_number(target) for target in {point.target for point in drawn.points}} if drawn else {}
    targets[None] = "—"
    # Each row is written here as markup up to its status badge and from it on, its parts escaped
    # once; the template makes the badges and writes all the rows with them in one output.
    headings = tuple(map(Markup, (_("Period"), _("Value"), _("Target"), _("Status"), _("State"), _("Comment"))))
    asked_as, why_changed, story_label = (Markup(_("Asked as")), Markup(_("Why it changed")),
                                          Markup(_("Story of change")))
    rows = [(f'<tr>\n      <td data-label="{headings[0]}">{escaped(periods.label(period))}\n        '
             + (f'<br><small class="hint">{asked_as}: “{escaped(wordings[version])}”</small>'
                if version != wording_version and wordings.get(version) else "")
             + f'</td>\n      <td data-label="{headings[1]}" class="num">{escaped(point.shown)}</td>'
             f'\n      <td data-label="{headings[2]}" class="num">{escaped(targets[point.target])}</td>'
             f'\n      <td data-label="{headings[3]}">',
             point.status,
             f'</td>\n      <td data-label="{headings[4]}">{escaped(states[signed or state])}'
             + (f": {escaped(reason)}" if state == "returned" and reason is not None else "")
             + f'</td>\n      <td data-label="{headings[5]}">{escaped(comment)}'
             + (f"<br><small>{why_changed}: {escaped(explanation)}</small>" if explanation else "")
             + "\n        "
             + (f"<details><summary>{story_label}</summary>{escaped(story)}</details>" if story else "")
             + "</td>\n    </tr>\n")
            for (period, _number, state, reason, comment, explanation, story, version, signed), point
            in zip(reversed(series), reversed(drawn.points))] if drawn else []
    # Only an off-track indicator is raised: the committees to raise it to are looked up for one.
    off_track = bool(drawn) and drawn.points[-1].status == "off_track"
    committees = raise_targets(indicator) if off_track else []
    return render_template("indicators/indicator.html", indicator=indicator, owner=owner, rows=rows, chart=drawn,
                           committees=committees,
                           may_coordinate=owner.can(current_user, "coordinate"),
                           seen_targets=TargetForm.seen_of(own_targets), labels=STANDING_LABELS,
                           headings=headings, table_rows=lambda badges: Markup("".join(
                               f"{start}{badges[status]}{end}" for start, status, end in rows)))


@bp.route("/indicators/<int:indicator_id>/edit", methods=["GET", "POST"])
@login_required
def edit_indicator(indicator_id: int):
    indicator = get_indicator_or_404(indicator_id, need="coordinate")
    form = IndicatorEditForm(obj=indicator)
    form.stamp(indicator)
    if not form.is_submitted():
        form.score_labels.data = "; ".join(indicator.score_labels or [])
    if form.validate_on_submit():
        try:
            services.update(indicator, form.stated(), form.labels(), **form.indicator_fields())
        except services.IndicatorRuleError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("indicators.indicator", indicator_id=indicator.id))
    return render_form("indicators/indicator_form.html", form, owner=owner_of(indicator), indicator=indicator)


@bp.route("/indicators/<int:indicator_id>/<any(adopt, drop):decision>", methods=["POST"])
@login_required
def decide(indicator_id: int, decision: str):
    indicator = get_indicator_or_404(indicator_id, need="coordinate")
    if EmptyForm().validate_on_submit():
        try:
            services.decide(indicator, "adopted" if decision == "adopt" else "dropped")
            flash(_("Adopted: the group reports on it from now on.") if decision == "adopt" else _("Dropped."),
                  "success")
        except services.IndicatorRuleError as error:
            flash(str(error), "error")
    return redirect(owner_of(indicator).home)


@bp.route("/indicators/<int:indicator_id>/targets", methods=["POST"])
@login_required
def set_target(indicator_id: int):
    """The coordinator sets the target of one period, where it differs from the usual one."""
    indicator = get_indicator_or_404(indicator_id, need="coordinate")
    form = TargetForm(indicator=indicator)
    if form.validate_on_submit():
        services.set_target(indicator, form.period.data, form.target_value(), form.seen_versions())
        flash(_("Target for %(period)s saved.", period=periods.label(form.period.data)), "success")
    else:
        flash(" ".join(str(error) for errors in form.errors.values() for error in errors), "error")
    return redirect(url_for("indicators.indicator", indicator_id=indicator.id))


# --- Verification ------------------------------------------------------------------------------

@bp.route("/groups/<int:group_id>/verify")
@bp.route("/committees/<int:committee_id>/own-indicators/verify")
@login_required
def verify_queue(group_id: int | None = None, committee_id: int | None = None):
    owner = get_owner_or_404(group_id, committee_id, need="verify")
    page = queue.waiting_page(owner, current_user.id, min(current_app.config["PER_PAGE"], SHORT_PAGE))
    csrf = generate_csrf()
    return render_template("indicators/verify.html", owner=owner, page=page, periods=queue.by_period(page.items),
                           period_label=periods.label, csrf=csrf,
                           waiting_items=queue_items.items_drawer(escape(csrf)))


@bp.route("/groups/<int:group_id>/verify/all", methods=["POST"])
@bp.route("/committees/<int:committee_id>/own-indicators/verify/all", methods=["POST"])
@login_required
def verify_all(group_id: int | None = None, committee_id: int | None = None):
    """Verifies every period listed in the form (those shown under one period): all or none."""
    owner = get_owner_or_404(group_id, committee_id, need="verify")
    form = VerifyAllForm()
    if not form.validate_on_submit():
        flash(" ".join(str(error) for errors in form.errors.values() for error in errors), "error")
        return redirect(owner.url("indicators.verify_queue"))
    decisions = []
    if not form.decisions():
        flash(_("Nothing is waiting."), "error")
        return redirect(owner.url("indicators.verify_queue"))
    for value_id, stated in form.decisions():
        value = get_value_or_404(value_id)
        if not owner.owns(value.indicator):
            abort(404)
        decisions.append((value, stated))
    try:
        services.verify_all(decisions, current_user)
        flash(_("Verified."), "success")
    except services.IndicatorRuleError as error:
        flash(str(error), "error")
    return redirect(owner.url("indicators.verify_queue"))


@bp.route("/groups/<int:group_id>/periods/<period>/signoff/<any(sign_off, approve, reopen):step>", methods=["POST"])
@login_required
def sign_off(group_id: int, period: str, step: str):
    """A step in the period's sign-off (workspace/indicators/signoff.py STEPS)."""
    owner = get_owner_or_404(group_id)
    if periods.frequency_of(period) is None:
        abort(404)
    form = SignoffForm()
    if not form.validate_on_submit():
        flash(" ".join(str(error) for errors in form.errors.values() for error in errors), "error")
        return redirect(owner.home)
    try:
        signoff.take(owner.record, period, step, current_user, form.stated(), form.reason.data or "")
    except PermissionError:
        abort(403)
    except services.IndicatorRuleError as error:
        flash(str(error), "error")
        return redirect(owner.home)
    flash({"sign_off": _("Signed off."), "approve": _("Approved for the area."),
           "reopen": _("Reopened.")}[step], "success")
    return redirect(owner.home)


REPORTING_LABELS = {
    "not_reported": _l("Not reported"), "returned": _l("Returned to the group"), "entering": _l("Being entered"),
    "waiting": _l("Waiting for verification"), "verified": _l("Verified: to be signed off"),
    "signed_off": _l("Signed off: to be approved"), "approved": _l("Approved"), "nothing_due": _l("Nothing due"),
}
REPORTING_BADGES = {"not_reported": "bad", "returned": "bad", "entering": "muted", "waiting": "info",
                    "verified": "info", "signed_off": "info", "approved": "ok", "nothing_due": "muted"}


# What the reporting page shows of its committee: its name, and its area's name and place.
COMMITTEE_AREA = (select(Committee.id, Committee.name, Committee.area_id, Area.name.label("area_name"),
                         (Area.parent_id.is_(None)).label("national"))
                  .join(Area, Area.id == Committee.area_id).where(Committee.id == bindparam("committee")))


@bp.route("/committees/<int:committee_id>/reporting")
@login_required
def reporting(committee_id: int):
    """How the community groups in the committee's area reported a period, a page of groups at a time."""
    # As get_committee_or_404(): the rule that hides it needs only its id, so outsiders cost no read.
    if not access.can_see_committee(current_user, committee_id):
        abort(404)
    committee = read(COMMITTEE_AREA, {"committee": committee_id}).one_or_none()
    if committee is None:
        abort(404)
    today = local_today()
    choices = ([periods.shift(periods.period_of(today, "monthly"), -n) for n in range(1, 13)]
               + [periods.shift(periods.period_of(today, "quarterly"), -n) for n in range(1, 5)]
               + [periods.shift(periods.period_of(today, "yearly"), -n) for n in range(1, 3)])
    period = request.args.get("period", "")
    if periods.frequency_of(period) is None:
        period = choices[0]  # the last month that has ended
    page = reporting_queries.groups_page(committee.area_id, committee.national, period,
                                         min(current_app.config["PER_PAGE"], SHORT_PAGE))
    return render_template("indicators/reporting.html", committee=committee, period=period, page=page,
                           choices=choices if period in choices else [period, *choices],
                           period_label=periods.label, labels=translated(REPORTING_LABELS), badges=REPORTING_BADGES,
                           group_url=url_pattern("indicators.group", "group_id", anchor="signoff-list"),
                           states={state: label.lower() for state, label in translated(VALUE_STATES).items()})


@bp.route("/values/<int:value_id>/verify", methods=["POST"])
@login_required
def verify_value(value_id: int):
    value = get_value_or_404(value_id)
    form = VerifyForm()
    if form.validate_on_submit():
        try:
            services.verify(value, current_user, form.stated())
            flash(_("Verified."), "success")
        except services.IndicatorRuleError as error:
            flash(str(error), "error")
    else:
        flash(" ".join(str(error) for errors in form.errors.values() for error in errors), "error")
    return redirect(owner_of(value.indicator).url("indicators.verify_queue"))


@bp.route("/values/<int:value_id>/return", methods=["POST"])
@login_required
def return_value(value_id: int):
    value = get_value_or_404(value_id)
    form = ReturnForm()
    if form.validate_on_submit():
        try:
            services.return_value(value, current_user, form.reason.data, form.stated())
            flash(_("Returned to the group with your reason."), "success")
        except services.IndicatorRuleError as error:
            flash(str(error), "error")
    else:
        flash(" ".join(str(error) for errors in form.errors.values() for error in errors), "error")
    return redirect(owner_of(value.indicator).url("indicators.verify_queue"))


# --- The committee's view ----------------------------------------------------------------------

@cache
def _tallies() -> Select:
    """The committee's area's name, with its count of standings per rank (none: no rows of counts)."""
    return (select(Area.name, IndicatorTally.rank, IndicatorTally.count).select_from(Area)
            .outerjoin(IndicatorTally, IndicatorTally.committee_id == bindparam("committee_id"))
            .where(Area.id == bindparam("area_id")))


@cache
def _standings(one_rank: bool) -> Select:
    """One page of the committee's standings (of one rank, bound as `rank`, or all), with the name
    of the group, or else the committee, owning each indicator."""
    owner = aliased(Committee)  # the committee that owns an indicator, if no group does
    standing = IndicatorStanding
    query = (select(standing.indicator_id, standing.short_name, standing.rank, standing.period, standing.value,
                    standing.target, func.coalesce(Organization.name, owner.name).label("owner_name"),
                    PeriodSignoff.state.label("signoff"))
             .join(Indicator, Indicator.id == standing.indicator_id)
             .outerjoin(Organization, Organization.id == Indicator.organization_id)
             .outerjoin(PeriodSignoff, and_(PeriodSignoff.organization_id == Indicator.organization_id,
                                            PeriodSignoff.period == standing.period))
             .outerjoin(owner, owner.id == Indicator.committee_id)
             .where(standing.committee_id == bindparam("committee_id"))
             .order_by(standing.rank, standing.short_name, standing.indicator_id)
             .limit(bindparam("limit", type_=Integer)).offset(bindparam("offset", type_=Integer)))
    return query.where(standing.rank == bindparam("rank")) if one_rank else query


@bp.route("/committees/<int:committee_id>/indicators")
@login_required
def committee_indicators(committee_id: int):
    """The indicators of the groups in the committee's area and its own, off track first, a page
    at a time, from the standings and tallies kept on each save (workspace/models/indicators.py):
    a count per status and one page of rows, whatever the size of the area."""
    committee = get_committee_or_404(committee_id)
    status = request.args.get("status")
    rank = STANDINGS.index(status) if status in STANDINGS else None
    tallies = read(_tallies(), {"committee_id": committee.id, "area_id": committee.area_id}).all()
    area_name = tallies[0].name if tallies else ""
    counts = {row.rank: row.count for row in tallies if row.rank is not None}
    per_page = min(current_app.config["PER_PAGE"], SHORT_PAGE)
    total = counts.get(rank, 0) if rank is not None else sum(counts.values())
    number = page_asked(total, per_page)
    rows = read(_standings(rank is not None), {"committee_id": committee.id, "rank": rank, "limit": per_page,
                                               "offset": (number - 1) * per_page}).all()
    page = Page(rows, number, per_page, total, more=False)
    return render_template("indicators/committee.html", committee=committee, area_name=area_name, page=page,
                           status=status, counts={name: counts.get(n, 0) for n, name in enumerate(STANDINGS)},
                           labels=STANDING_LABELS, standings_order=STANDINGS, period_label=periods.label,
                           signoff_labels=translated(SIGNOFF_STATES))


@cache
def _raise_targets(own: bool) -> Select:
    """The person's committees (bound as `mine`) that may take the indicator: the one owning it
    (`committee_id`), or those over the group's area (`area_id`, read from the area lineage)."""
    query = (select(Committee.id, Committee.name).where(Committee.id.in_(bindparam("mine", expanding=True)))
             .order_by(Committee.id))
    if own:
        return query.where(Committee.id == bindparam("committee_id"))
    return query.where(Committee.area_id.in_(select(AreaLineage.ancestor_id).where(
        AreaLineage.area_id == bindparam("area_id"))))


def raise_targets(indicator: Indicator) -> list:
    """The committees (id, name) over the group's area, or the one owning a committee's own
    indicator, that the person may propose items to."""
    user = current_user._get_current_object()  # the proxy looked up once, not once a committee
    mine = [cid for cid in access.committee_roles(user) if access.can_propose_item(user, cid)]
    if not mine:
        return []
    if indicator.committee_id is not None:  # a committee's own indicator goes to that committee
        return read(_raise_targets(True), {"mine": mine, "committee_id": indicator.committee_id}).all()
    if indicator.organization.kind != "community_group":
        return []
    return read(_raise_targets(False), {"mine": mine, "area_id": indicator.organization.area_id}).all()


@bp.route("/indicators/<int:indicator_id>/raise", methods=["POST"])
@login_required
def raise_indicator(indicator_id: int):
    indicator = get_indicator_or_404(indicator_id)
    committees = {c.id: c for c in raise_targets(indicator)}
    if not committees:
        abort(403)
    form = RaiseForm(committees=committees.values())
    if form.validate_on_submit():
        latest, targets = latest_values([indicator])
        latest = latest.get(indicator.id)
        judgement = judge(indicator, latest.value if latest else None,
                          target_of(indicator, latest.period if latest else None, targets))
        if judgement.status != "off_track":
            flash(_("Only an off-track indicator is raised to the committee."), "error")
            return redirect(url_for("indicators.indicator", indicator_id=indicator.id))
        description = _("%(group)s asks: “%(question)s” In %(period)s the answer was %(value)s against a target of "
                        "%(target)s. The chart: %(link)s", group=indicator.owner_name,
                        question=indicator.question, period=periods.label(latest.period), value=as_number(latest.value),
                        target=as_number(target_of(indicator, latest.period, targets)),
                        link=url_for("indicators.indicator", indicator_id=indicator.id, _external=True))
        committee = db.session.get(Committee, form.committee.data)
        committee_services.propose_item(committee, current_user, origin=("indicator", indicator.id),
                                        title=_("Off track: %(name)s", name=indicator.short_name)[:200],
                                        kind="discussion", minutes_allotted=15, description=description)
        flash(_("Proposed to %(committee)s for its next meeting.", committee=committee.name), "success")
    else:
        flash(_("Choose one of your committees."), "error")
    return redirect(url_for("indicators.indicator", indicator_id=indicator.id))
