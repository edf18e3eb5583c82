"""What can be translated, whose it is to translate, and where its page is. Each subject loads
its record through its capability's own loader, so the same 404 and 403 rules apply."""
from dataclasses import dataclass
from typing import Callable

from flask import url_for
from flask_login import current_user

from workspace import access
from workspace.i18n import lazy_gettext as _l
from workspace.models import ActionPlan, FeedbackCase, Indicator


@dataclass(frozen=True)
class Subject:
    model: type
    column: str  # WordsTranslation's column naming the record
    field: str  # the record's attribute that holds the original words
    what: object  # the words, named for the translator
    original_label: object  # the switch that shows the original to a reader
    load: Callable[[int], object]  # the record, or 404 for whoever may not see it
    may_translate: Callable[[object, object], bool]  # (user, record)
    url: Callable[[object], str]  # the record's own page


def _indicator(record_id: int):
    from workspace.indicators.loaders import get_indicator_or_404

    return get_indicator_or_404(record_id, need="see")


def _may_translate_indicator(user, indicator) -> bool:
    from workspace.indicators.owners import owner_of

    owner = owner_of(indicator)
    return owner.can(user, "define") or owner.can(user, "verify")


def _plan(record_id: int):
    from workspace.actions.plan_routes import get_plan_or_404

    return get_plan_or_404(record_id)


def _case(record_id: int):
    from workspace.feedback.case_routes import get_case_or_404

    return get_case_or_404(record_id)


SUBJECTS: dict[str, Subject] = {
    "indicator": Subject(
        Indicator, "indicator_id", "question", _l("The question, in the group's words"),
        _l("In the group's words"), _indicator, _may_translate_indicator,
        lambda indicator: url_for("indicators.indicator", indicator_id=indicator.id)),
    "plan": Subject(
        ActionPlan, "plan_id", "title", _l("The plan's title"), _l("As it was written"), _plan,
        lambda user, plan: access.can_manage_plan(user, plan),
        lambda plan: url_for("actions.plan", plan_id=plan.id)),
    "case": Subject(
        FeedbackCase, "case_id", "response", _l("The response to the community"), _l("As it was written"), _case,
        lambda user, case: access.can_handle_case(user, case),
        lambda case: url_for("feedback.case", case_id=case.id)),
}


def subject_of(record) -> str:
    for name, subject in SUBJECTS.items():
        if isinstance(record, subject.model):
            return name
    raise LookupError(type(record).__name__)


def may_translate(record) -> bool:
    """For templates: whether to offer the link to the translations page."""
    return SUBJECTS[subject_of(record)].may_translate(current_user, record)
