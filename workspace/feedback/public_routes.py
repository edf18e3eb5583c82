"""What anyone can do without an account: raise a case, follow it with its code, and read the
board of what was done. Nothing here shows who raised a case."""
import statistics

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from workspace.extensions import db
from workspace.feedback import bp, services
from workspace.feedback.forms import FeedbackForm
from workspace.inputs import whole_number
from workspace.models import (
    CATEGORIES, Action, AgendaItem, Area, Decision, FeedbackCase, FeedbackCluster, tree_order,
)

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


def linked_actions(case: FeedbackCase) -> list[Action]:
    """Actions made from the case, or from a cluster of cases it belongs to."""
    clusters = [c.id for c in db.session.scalars(select(FeedbackCluster)) if case.id in (c.case_ids or [])]
    decisions = select(Decision.id).join(AgendaItem, AgendaItem.id == Decision.agenda_item_id).where(
        AgendaItem.origin_type == "feedback_cluster", AgendaItem.origin_id.in_(clusters))
    return list(db.session.scalars(select(Action).where(or_(
        (Action.origin_type == "feedback_case") & (Action.origin_id == case.id),
        (Action.origin_type == "decision") & Action.origin_id.in_(decisions)))))


@bp.route("/feedback/track/<code>")
def track(code: str):
    """A case's public status: what kind, when, where it stands, and the response. Nothing else."""
    case = db.one_or_404(select(FeedbackCase).where(FeedbackCase.code == code))
    actions = linked_actions(case)
    return render_template("feedback/track.html", case=case, actions=actions,
                           public_status=PUBLIC_STATUSES[case.status], new=request.args.get("new"))


@bp.route("/feedback/board")
def board():
    """“You said, we did”: cases their handlers chose to publish, with figures per area."""
    area_id = request.args.get("area", type=whole_number)
    category = request.args.get("category", "")
    query = (select(FeedbackCase).where(FeedbackCase.publishable.is_(True),
                                        FeedbackCase.status.in_(("resolved", "closed")))
             .options(joinedload(FeedbackCase.area)).order_by(FeedbackCase.resolved_at.desc()))
    if area_id:
        query = query.where(FeedbackCase.area_id == area_id)
    if category in CATEGORIES:
        query = query.where(FeedbackCase.category == category)
    page = db.paginate(query, per_page=current_app.config["PER_PAGE"], error_out=False)
    received = dict(db.session.execute(select(FeedbackCase.area_id, func.count()).group_by(FeedbackCase.area_id)).all())
    durations: dict[int | None, list[float]] = {}
    for area, received_at, resolved_at in db.session.execute(
            select(FeedbackCase.area_id, FeedbackCase.received_at, FeedbackCase.resolved_at)
            .where(FeedbackCase.resolved_at.is_not(None))):
        durations.setdefault(area, []).append((resolved_at - received_at).total_seconds() / 86400)
    areas = {a.id: a for a in db.session.scalars(select(Area))}
    figures = [(areas.get(area_id_), received.get(area_id_, 0), len(durations.get(area_id_, [])),
                round(statistics.median(durations[area_id_]), 1) if durations.get(area_id_) else None)
               for area_id_ in sorted(set(received) | set(durations), key=lambda a: (a is None, areas[a].name if a else ""))]
    return render_template("feedback/board.html", page=page, figures=figures, categories=CATEGORIES,
                           area_id=area_id, category=category,
                           area_options={a.id: "— " * d + a.name for a, d in tree_order(list(areas.values()))})
