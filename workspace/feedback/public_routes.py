"""What anyone can do without an account: raise a case, follow it with its code, and read the
board of what was done. Nothing here shows who raised a case."""
from functools import cache

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import Select, bindparam, or_, select

from workspace.extensions import db
from workspace.feedback import bp, figures, services
from workspace.feedback.forms import FeedbackForm
from workspace.feedback.timing import translated
from workspace.i18n import gettext as _
from workspace.inputs import whole_number
from workspace.models import (
    CATEGORIES, Action, AgendaItem, Area, Decision, FeedbackCase,
)
from workspace.models.feedback import FeedbackClusterCase
from workspace.words import in_reader_language

PUBLIC_STATUSES = {"received": "received", "acknowledged": "acknowledged", "in_progress": "in_progress",
                   "resolved": "resolved", "closed": "resolved"}


@bp.route("/feedback", methods=["GET", "POST"])
def submit():
    form = FeedbackForm()
    status = 200
    if form.validate_on_submit():
        if form.website.data:  # a bot filled the trap: thank it, keep nothing
            return redirect(url_for("feedback.thanks"))
        try:
            case = services.create_case(address=request.remote_addr or "unknown", channel="web", **form.case_fields())
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
    their decisions: a join made the database scan every decision."""
    clusters = select(FeedbackClusterCase.cluster_id).where(FeedbackClusterCase.case_id == bindparam("case"))
    items = select(AgendaItem.id).where(AgendaItem.origin_type == "feedback_cluster",
                                        AgendaItem.origin_id.in_(clusters))
    decisions = select(Decision.id).where(Decision.agenda_item_id.in_(items))
    return select(Action).where(or_(
        (Action.origin_type == "feedback_case") & (Action.origin_id == bindparam("case")),
        (Action.origin_type == "decision") & Action.origin_id.in_(decisions)))


def linked_actions(case: FeedbackCase) -> list[Action]:
    """Actions made from the case, or from a cluster of cases it belongs to."""
    return list(db.session.scalars(_linked_actions(), {"case": case.id}))


@bp.route("/feedback/track/<code>")
def track(code: str):
    """A case's public status: what kind, when, where it stands, and the response. Nothing else."""
    case = db.one_or_404(select(FeedbackCase).where(FeedbackCase.code == code))
    actions = linked_actions(case)
    return render_template("feedback/track.html", case=case, actions=actions,
                           public_status=PUBLIC_STATUSES[case.status], new=request.args.get("new"))


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
