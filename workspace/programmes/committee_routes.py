"""A committee and the programmes in its area: the overlaps among them, its verdict on each, and
raising one to its next meeting."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from workspace import access
from workspace.committees.loaders import get_committee_or_404
from workspace.extensions import db
from workspace.i18n import gettext as _
from workspace.inputs import whole_number
from workspace.models import Area, Committee, OverlapReview, Programme
from workspace.programmes import bp, overlaps, services
from workspace.forms import EmptyForm
from workspace.programmes.forms import ReviewEditForm, ReviewForm


def _pair_or_404(first_id: int, second_id: int) -> tuple[Programme, Programme]:
    if first_id >= second_id:
        abort(404)
    first, second = db.session.get(Programme, first_id), db.session.get(Programme, second_id)
    if first is None or second is None:
        abort(404)
    return first, second


def _overlapping_here(committee, first: Programme, second: Programme) -> bool:
    """The pair overlaps in the committee's area: the rule the list applies, asked of one pair."""
    pairs = overlaps.in_committee_area(db.session.get(Area, committee.area_id)).subquery()
    return db.session.scalar(select(pairs.c.first_id).where(
        pairs.c.first_id == first.id, pairs.c.second_id == second.id)) is not None


# Cards on a page: each is a long one (two programmes, up to five reasons, the committee's view and
# its buttons), and the pages say how many there are.
OVERLAPS_ON_PAGE = 25
# Pairs counted, at most: twenty pages of them; past it the page says "more than" (as pages.COUNT_UP_TO).
COUNTED_UP_TO = 500


@bp.route("/committees/<int:committee_id>/overlaps")
@login_required
def committee_overlaps(committee_id: int):
    committee = get_committee_or_404(committee_id, options=(joinedload(Committee.area),))
    area = committee.area
    partial = request.args.get("partial") == "1"  # pairs that share place, time and people only
    statement, parameters = overlaps.committee_pairs(area, min_score=3 if partial else 4)
    page = overlaps.overlaps_page(statement, OVERLAPS_ON_PAGE, committee_id=committee.id, count_up_to=COUNTED_UP_TO,
                                  page_number=request.args.get("page", 1, type=whole_number), parameters=parameters)
    return render_template("programmes/committee_overlaps.html", committee=committee, area=area, page=page,
                           partial=partial, w=overlaps.card_words(),
                           may_review=access.can_run_committee(current_user, committee),
                           may_raise=access.can_propose_item(current_user, committee))


def _review_of(committee, first, second) -> OverlapReview | None:
    return db.session.scalar(select(OverlapReview).where(
        OverlapReview.committee_id == committee.id, OverlapReview.first_id == first.id,
        OverlapReview.second_id == second.id))


@bp.route("/committees/<int:committee_id>/overlaps/<int:first_id>/<int:second_id>", methods=["GET", "POST"])
@login_required
def review_overlap(committee_id: int, first_id: int, second_id: int):
    committee = get_committee_or_404(committee_id, "run")
    first, second = _pair_or_404(first_id, second_id)
    if not _overlapping_here(committee, first, second):
        abort(404)
    review = _review_of(committee, first, second)
    form = ReviewForm(obj=review) if review is None else ReviewEditForm(obj=review)
    if review is not None:
        form.stamp(review)
    if form.validate_on_submit():
        services.review_overlap(committee, first, second, current_user, form.verdict.data, form.note.data or "",
                                *((form.stated(), form.labels()) if review is not None else (None, None)))
        flash(_("Saved the committee's view."), "success")
        return redirect(url_for("programmes.committee_overlaps", committee_id=committee.id,
                                _anchor=f"pair-{first.id}-{second.id}"))
    status = 422 if form.is_submitted() else 200
    return render_template("programmes/review_form.html", form=form, committee=committee, first=first,
                           second=second, review=review), status


@bp.route("/committees/<int:committee_id>/overlaps/<int:first_id>/<int:second_id>/raise", methods=["POST"])
@login_required
def raise_overlap(committee_id: int, first_id: int, second_id: int):
    committee = get_committee_or_404(committee_id, "propose")
    first, second = _pair_or_404(first_id, second_id)
    review = _review_of(committee, first, second)
    back = url_for("programmes.committee_overlaps", committee_id=committee.id, _anchor=f"pair-{first.id}-{second.id}")
    if not EmptyForm().validate_on_submit():
        return redirect(back)
    if review is None:
        flash(_("The chair or secretary first records the committee's view of this overlap."), "error")
        return redirect(back)
    try:
        item = services.raise_overlap(
            review, current_user, url_for("programmes.programme", programme_id=first.id, _external=True),
            url_for("programmes.programme", programme_id=second.id, _external=True))
    except services.ProgrammeRuleError as error:
        flash(str(error), "error")
        return redirect(back)
    if item.meeting_id:
        flash(_("On the agenda of %(meeting)s.", meeting=item.meeting.title), "success")
        return redirect(url_for("committees.meeting", meeting_id=item.meeting_id, _anchor=f"item-{item.id}"))
    flash(_("Proposed to the committee's chair and secretary for the next meeting."), "success")
    return redirect(back)
