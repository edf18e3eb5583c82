"""An overlap of two programmes as an origin: the agenda item raised from it names the committee's
review, which links to the overlap on the committee's page (and from there to both programmes)."""
from sqlalchemy.orm import joinedload

from workspace import access, origins
from workspace.models import OverlapReview

origins.register("overlap", origins.OriginKind(
    model=OverlapReview,
    label=lambda review: review.name,
    endpoint=lambda review: ("programmes.committee_overlaps",
                             {"committee_id": review.committee_id,
                              "_anchor": f"pair-{review.first_id}-{review.second_id}"}),
    can_view=lambda user, review: access.can_see_committee(user, review.committee_id),
    load_options=(joinedload(OverlapReview.first), joinedload(OverlapReview.second)),
))
