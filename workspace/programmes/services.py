"""Writes to the programme repository: a programme with its partners, groups and areas, its yearly
figures, a committee's verdict on an overlap and raising it to a meeting. Edits state the version
they were made from and go through workspace/edits.py."""
from sqlalchemy import func, select, update

from workspace import audit, edits
from workspace.committees import services as committee_services
from workspace.extensions import db
from workspace.i18n import gettext as _, in_language
from workspace.models import AgendaItem, Committee, FeedbackCase, OverlapReview, Programme, ProgrammeYear, User


def ensure_lists() -> None:
    """The strategy's lifecycle groups and clusters, where they are missing (the migration adds them
    to a new database; a database emptied since, as between tests, gets them here)."""
    from workspace.models import SEEDED_CLUSTERS, SEEDED_GROUPS, LifecycleGroup, ProgrammeCluster

    for model, seeded in ((LifecycleGroup, SEEDED_GROUPS), (ProgrammeCluster, SEEDED_CLUSTERS)):
        present = set(db.session.scalars(select(model.key)))
        with in_language("en"):  # the stored name is the source text; readers see their language's
            missing = [model(key=key, name=str(label), position=position)
                       for position, (key, label) in enumerate(seeded.items()) if key not in present]
        db.session.add_all(missing)
    db.session.commit()


class ProgrammeRuleError(Exception):
    """A change the rules refuse; the message says why."""


def _snapshot(programme: Programme) -> dict:
    """The audited fields, with who it works with, for whom and where."""
    return {**audit.snapshot(programme), "partners": sorted(o.id for o in programme.partners),
            "groups": sorted(g.id for g in programme.groups), "areas": sorted(a.id for a in programme.areas)}


def link_cases(programme: Programme) -> int:
    """Feedback cases that named this programme in words, before it was in the repository, now
    name it: the same name, whatever the case of its letters. Returns how many."""
    result = db.session.execute(update(FeedbackCase).where(
        FeedbackCase.programme_id.is_(None), FeedbackCase.programme != "",
        func.lower(FeedbackCase.programme) == programme.name.lower()).values(programme_id=programme.id)
        .execution_options(synchronize_session=False))
    return result.rowcount or 0


def create_programme(*, partners=(), groups=(), areas=(), commit: bool = True, **fields) -> Programme:
    programme = Programme(**fields)
    programme.partners, programme.groups, programme.areas = list(partners), list(groups), list(areas)
    db.session.add(programme)
    db.session.flush()
    audit.record("create", programme, after=_snapshot(programme))
    link_cases(programme)
    if commit:
        db.session.commit()
    return programme


def update_programme(programme: Programme, stated: edits.Stated, labels: dict | None = None, **fields) -> None:
    before = _snapshot(programme)
    edits.apply(programme, stated, fields, labels)
    after = _snapshot(programme)
    if after != before:
        audit.record("update", programme, before=before, after=after)
    if programme.name != before["name"]:
        link_cases(programme)
    db.session.commit()


def save_year(programme: Programme, stated: edits.Stated | None, labels: dict | None = None, *, year: int,
              **fields) -> ProgrammeYear:
    """Adds the year's figures, or corrects them (an edit, through the one conflict mechanism)."""
    record = db.session.scalar(select(ProgrammeYear).where(ProgrammeYear.programme_id == programme.id,
                                                           ProgrammeYear.year == year))
    if record is None:
        record = ProgrammeYear(programme=programme, year=year, **fields)
        db.session.add(record)
        audit.record("create", record, after=audit.snapshot(record))
    else:
        if stated is None or stated.version is None:
            # Someone added this year's figures while the form was open: theirs are not overwritten.
            raise edits.EditConflict(record=record)
        before = audit.snapshot(record)
        edits.apply(record, stated, fields, labels)
        if audit.snapshot(record) != before:
            audit.record("update", record, before=before, after=audit.snapshot(record))
    db.session.commit()
    return record


def review_overlap(committee: Committee, first: Programme, second: Programme, user: User, verdict: str, note: str,
                   stated: edits.Stated | None, labels: dict | None = None) -> OverlapReview:
    """Records or changes the committee's verdict on the pair (the lower id first)."""
    if first.id > second.id:
        first, second = second, first
    review = db.session.scalar(select(OverlapReview).where(
        OverlapReview.committee_id == committee.id, OverlapReview.first_id == first.id,
        OverlapReview.second_id == second.id))
    if review is None:
        review = OverlapReview(committee=committee, first=first, second=second, verdict=verdict, note=note,
                               reviewed_by=user)
        db.session.add(review)
        audit.record("create", review, after=audit.snapshot(review))
    else:
        if stated is None or stated.version is None:
            raise edits.EditConflict(record=review)
        before = audit.snapshot(review)
        edits.apply(review, stated, {"verdict": verdict, "note": note}, labels)
        if audit.snapshot(review) != before:
            review.reviewed_by = user
            audit.record("update", review, before=before, after=audit.snapshot(review))
    db.session.commit()
    return review


def raise_overlap(review: OverlapReview, user: User, first_url: str, second_url: str) -> AgendaItem:
    """Puts a reviewed overlap before its committee, once while it waits: on the next meeting's
    agenda when the chair or secretary raises it, otherwise as a proposal to them."""
    description = _("%(first)s (%(first_owner)s) and %(second)s (%(second_owner)s) overlap. The committee's view: "
                    "%(verdict)s. %(note)s\n\n%(first)s: %(first_url)s\n%(second)s: %(second_url)s",
                    first=review.first.name, first_owner=review.first.organization.name,
                    second=review.second.name, second_owner=review.second.organization.name,
                    verdict=review.verdict_label, note=review.note, first_url=first_url, second_url=second_url)
    try:
        return committee_services.raise_item(
            review.committee, user, origin=("overlap", review.id),
            title=_("Overlap: %(first)s and %(second)s", first=review.first.name, second=review.second.name)[:200],
            kind="discussion", minutes_allotted=15, description=description)
    except committee_services.AlreadyWaiting as error:
        raise ProgrammeRuleError(_("This overlap is already waiting for the committee.")) from error
