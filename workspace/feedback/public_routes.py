"""What anyone can do without an account: raise a case, follow it with its code, and read the
board of what was done. Nothing here shows who raised a case."""
import secrets
from functools import cache

from flask import flash, redirect, render_template, request, session, url_for
from sqlalchemy import Select, bindparam, or_, select, union_all
from sqlalchemy.orm import aliased

from workspace.extensions import db
from workspace.feedback import bp, figures, services
from workspace.feedback.forms import AppealForm, FeedbackForm
from workspace.feedback.timing import translated
from workspace.i18n import gettext as _
from workspace.inputs import whole_number
from workspace.models import (
    CATEGORIES, Action, AgendaItem, Area, CaseAppeal, Decision, FeedbackCase,
)
from workspace.models.feedback import FeedbackClusterCase
from workspace.words import in_reader_language

PUBLIC_STATUSES = {"received": "received", "acknowledged": "acknowledged", "in_progress": "in_progress",
                   "resolved": "resolved", "closed": "resolved"}


def browser_token() -> str | None:
    """The token this browser got with the form (kept in its session), for the per-browser limit;
    None for a client that never loaded the form or keeps no cookie (they share one limit)."""
    return session.get("feedback_device")


@bp.route("/feedback", methods=["GET", "POST"])
def submit():
    if request.method == "GET":  # given with the form: a client that posts without loading it has none
        session.setdefault("feedback_device", secrets.token_hex(8))
    form = FeedbackForm()
    status = 200
    if form.validate_on_submit():
        if form.website.data:  # a bot filled the trap: thank it, keep nothing
            return redirect(url_for("feedback.thanks"))
        try:
            case = services.create_case(address=request.remote_addr or "unknown", device=browser_token(),
                                        channel="web", **form.case_fields())
        except services.TooManySubmissions:
            form.form_errors.append(_("Too many messages from here in the last hour. Please try again later."))
            status = 429
        else:
            return redirect(url_for("feedback.track", code=case.code, new=1))
    elif form.is_submitted():
        status = 422
    return render_template("feedback/submit.html", form=form), status


@bp.route("/feedback/thanks")
def thanks():
    return render_template("feedback/thanks.html")


@bp.route("/feedback/track")
def track_lookup():
    code = request.args.get("code", "").strip().upper().replace(" ", "")
    if code:
        if len(code) == 10:
            code = f"{code[:5]}-{code[5:]}"
        if db.session.scalar(select(FeedbackCase.id).where(FeedbackCase.code == code)):
            return redirect(url_for("feedback.track", code=code))
        flash(_("No case has this code. Check it and try again."), "error")
    return render_template("feedback/track_lookup.html", code=code)


@cache
def _linked_actions() -> Select:
    """Actions made from the case, or from a decision on a cluster of cases it belongs to: built
    once (building it costs more than running it), the case bound on each use. Nested IN (not a
    join) so that each step reads its index, from the case's clusters to their agenda items to
    their decisions: a join made the database scan every decision. The two kinds of origin are
    looked up apart and their ids joined: as one OR, PostgreSQL read every action made from a decision."""
    clusters = select(FeedbackClusterCase.cluster_id).where(FeedbackClusterCase.case_id == bindparam("case"))
    items = select(AgendaItem.id).where(AgendaItem.origin_type == "feedback_cluster",
                                        AgendaItem.origin_id.in_(clusters))
    decisions = select(Decision.id).where(Decision.agenda_item_id.in_(items))
    return select(Action).where(Action.id.in_(union_all(
        select(Action.id).where(Action.origin_type == "feedback_case", Action.origin_id == bindparam("case")),
        select(Action.id).where(Action.origin_type == "decision", Action.origin_id.in_(decisions)))))


def linked_actions(case: FeedbackCase) -> list[Action]:
    """Actions made from the case, or from a cluster of cases it belongs to."""
    return list(db.session.scalars(_linked_actions(), {"case": case.id}))


@cache
def _appeal_links() -> Select:
    """Built once (building it costs more than running it), the case bound on each use."""
    appeal, original = aliased(FeedbackCase), aliased(FeedbackCase)
    return (select(appeal.code, original.code, CaseAppeal.original_id)
            .join(appeal, appeal.id == CaseAppeal.appeal_id).join(original, original.id == CaseAppeal.original_id)
            .where(or_(CaseAppeal.original_id == bindparam("case"), CaseAppeal.appeal_id == bindparam("case"))))


def appeal_codes(case: FeedbackCase) -> tuple[str | None, str | None]:
    """The codes of the appeal against this case, and of the case this one appeals: one query."""
    row = db.session.execute(_appeal_links(), {"case": case.id}).all()
    appealed = next((a for a, _o, original_id in row if original_id == case.id), None)
    appeal_of = next((o for _a, o, original_id in row if original_id != case.id), None)
    return appealed, appeal_of


def track_page(case: FeedbackCase, form: AppealForm | None = None, status: int = 200):
    """A case's public status: what kind, when, where it stands, the decision and the response,
    the appeal it has or is, and the form to appeal while the person may. Nothing else."""
    appealed, appeal_of = appeal_codes(case)
    may_appeal = appealed is None and appeal_of is None and services.appeal_refusal(case) is None
    return render_template("feedback/track.html", case=case, actions=linked_actions(case),
                           public_status=PUBLIC_STATUSES[case.status], new=request.args.get("new"),
                           appealed=appealed, appeal_of=appeal_of,
                           appeal_form=(form or AppealForm(formdata=None)) if may_appeal else None), status


@bp.route("/feedback/track/<code>")
def track(code: str):
    return track_page(db.one_or_404(select(FeedbackCase).where(FeedbackCase.code == code)))


@bp.route("/feedback/track/<code>/appeal", methods=["POST"])
def appeal(code: str):
    """The person appeals the decision on their complaint, from its tracking page, without an account."""
    case = db.one_or_404(select(FeedbackCase).where(FeedbackCase.code == code))
    form = AppealForm()
    if not form.validate_on_submit():
        return track_page(case, form, 422)
    if form.website.data:  # a bot filled the trap: thank it, keep nothing
        return redirect(url_for("feedback.thanks"))
    try:
        appeal_case = services.appeal(case, form.reason.data, request.remote_addr or "unknown", browser_token())
    except services.TooManySubmissions:
        form.form_errors.append(_("Too many messages from here in the last hour. Please try again later."))
        return track_page(case, form, 429)
    except services.CannotAppeal as refusal:
        flash(str(refusal), "error")
        return track_page(case, status=422)
    return redirect(url_for("feedback.track", code=appeal_case.code, new=1))


@bp.route("/feedback/board")
def board():
    """“You said, we did”: cases their handlers chose to publish, newest answer first, with figures
    for an area and the areas inside it. Its cost does not grow with the number of cases."""
    shown = figures.board(request.args.get("area", type=whole_number))
    category = request.args.get("category", "")
    query = (select(FeedbackCase.id, FeedbackCase.category, FeedbackCase.programme, FeedbackCase.resolved_at,
                    FeedbackCase.public_summary, FeedbackCase.response, FeedbackCase.language,
                    Area.name.label("area_name"))
             .outerjoin(Area, Area.id == FeedbackCase.area_id).where(figures.PUBLISHED))
    if shown.area:
        query = query.where(figures.inside(shown.area[0], shown.figures[0].received, shown.everywhere))
    if category in CATEGORIES:
        query = query.where(FeedbackCase.category == category)
    page = figures.newest_answered_window(query, figures.page_size(), request.args.get("after", ""))
    return render_template("feedback/board.html", page=page, shown=shown, categories=translated(CATEGORIES),
                           category=category, dates=figures.local_dates(row.resolved_at for row in page.items),
                           responses=in_reader_language(page.items, "case"))
