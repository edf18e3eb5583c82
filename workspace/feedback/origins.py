"""Feedback cases and clusters of them as origins. A case shows as its category and code, never
its words or who raised it: an action page may be read by people who do not handle the case."""
from workspace import access, origins
from workspace.models import FeedbackCase, FeedbackCluster

origins.register("feedback_case", origins.OriginKind(
    model=FeedbackCase,
    label=lambda case: f"{case.category_label} {case.code}",
    endpoint=lambda case: ("feedback.case", {"case_id": case.id}),
    can_view=access.can_handle_case,
))

origins.register("feedback_cluster", origins.OriginKind(
    model=FeedbackCluster,
    label=lambda cluster: f"{len(cluster.case_ids)} {cluster.category} cases, {cluster.month}"
                          + (f", {cluster.programme}" if cluster.programme else ""),
    endpoint=lambda cluster: ("feedback.patterns", {"committee_id": cluster.committee_id}),
    can_view=lambda user, cluster: access.can_see_committee(user, cluster.committee_id),
))
