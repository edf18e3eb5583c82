"""All models, imported here so that Alembic and the app see one metadata.

Each capability keeps its models in its own module of this package.
"""
from workspace.models.directory import (
    AREA_DEPTH, AREA_LEVELS, ORGANIZATION_KINDS, SECTOR_OF_KIND, SECTORS, Area, AreaLineage, Organization,
    rebuild_area_lineage, tree_order, within_area,
)
from workspace.models.accounts import FailedAttempt, LoginSession, SetPasswordLink, User, hash_token, password_matches
from workspace.models.audit import AuditEvent

__all__ = [
    "AREA_DEPTH",
    "AREA_LEVELS",
    "SECTORS",
    "SECTOR_OF_KIND",
    "rebuild_area_lineage",
    "within_area",
    "AreaLineage",
    "tree_order",
    "ORGANIZATION_KINDS",
    "Area",
    "AuditEvent",
    "FailedAttempt",
    "LoginSession",
    "Organization",
    "SetPasswordLink",
    "User",
    "hash_token",
    "password_matches",
]
from workspace.models.committees import (  # noqa: E402
    ATTENDANCE, COMMITTEE_LEVELS, COMMITTEE_ROLES, ITEM_KINDS, ITEM_STATUSES, MAX_ITEM_MINUTES,
    MEETING_STATUSES, RUNNING_ROLES, AgendaItem, Attendance, Committee, Decision, Meeting, Membership,
)

__all__ += [
    "ATTENDANCE", "COMMITTEE_LEVELS", "COMMITTEE_ROLES", "ITEM_KINDS", "ITEM_STATUSES", "MAX_ITEM_MINUTES",
    "MEETING_STATUSES", "RUNNING_ROLES", "AgendaItem", "Attendance", "Committee", "Decision", "Meeting",
    "Membership",
]
from workspace.models.actions import (  # noqa: E402
    ACTION_STATUSES, OPEN_STATUSES, SOON_DAYS, Action, ActionPlan, ActionUpdate, OutboxMessage, action_supporters,
)

__all__ += ["ACTION_STATUSES", "OPEN_STATUSES", "SOON_DAYS", "Action", "ActionPlan", "ActionUpdate",
            "OutboxMessage", "action_supporters"]
from workspace.models.indicators import (  # noqa: E402
    DIMENSIONS, DIRECTIONS, FREQUENCIES, GROUP_ROLES, INDICATOR_STATUSES, UNITS, VALUE_STATES, GroupRole, Indicator,
    IndicatorTarget, IndicatorValue, IndicatorWording, PeriodSignoff, SIGNOFF_STATES, EVIDENCE_TYPES, ValueEvidence,
)

__all__ += ["DIMENSIONS", "DIRECTIONS", "FREQUENCIES", "GROUP_ROLES", "INDICATOR_STATUSES", "UNITS", "VALUE_STATES",
            "GroupRole", "Indicator", "IndicatorTarget", "IndicatorValue", "IndicatorWording", "PeriodSignoff",
            "EVIDENCE_TYPES", "ValueEvidence", "SIGNOFF_STATES"]
from workspace.models.feedback import (  # noqa: E402
    CASE_STATUSES, CATEGORIES, CHANNELS, DEFAULT_ANSWER_TIMES, NEXT_STATUSES, OUTCOMES, AnswerTime, CaseAppeal,
    CaseNote, FeedbackCase, FeedbackCluster, IntakeHit, RoutingRule, SmsMessage,
)

__all__ += ["CASE_STATUSES", "CATEGORIES", "CHANNELS", "DEFAULT_ANSWER_TIMES", "NEXT_STATUSES", "AnswerTime",
            "CaseNote", "FeedbackCase", "FeedbackCluster", "IntakeHit", "RoutingRule", "OUTCOMES", "CaseAppeal",
            "SmsMessage"]
from workspace.models.sessions import (  # noqa: E402
    CARD_KINDS, MAX_CARD, PHASE_ORDER, PHASES, Card, Participant, PlanningSession, Vote,
)

__all__ += ["CARD_KINDS", "MAX_CARD", "PHASE_ORDER", "PHASES", "Card", "Participant", "PlanningSession", "Vote"]
from workspace.models.words import MAX_WORDS, WordsTranslation  # noqa: E402

__all__ += ["MAX_WORDS", "WordsTranslation"]
from workspace.models.programmes import (  # noqa: E402
    MAX_BUDGET, MAX_PEOPLE, PROGRAMME_STATUSES, SEEDED_CLUSTERS, SEEDED_GROUPS, SUPPORT_KINDS, VERDICTS, GdpFigure, LifecycleGroup, OverlapReview,
    Programme, ProgrammeCluster, ProgrammeYear, programme_areas, programme_groups, programme_overlaps,
    programme_partners, programme_presence, KEPT_LEVELS, ZONE_LEVEL,
)

__all__ += ["MAX_BUDGET", "MAX_PEOPLE", "PROGRAMME_STATUSES", "SEEDED_CLUSTERS", "SEEDED_GROUPS", "SUPPORT_KINDS", "VERDICTS", "GdpFigure",
            "LifecycleGroup", "OverlapReview", "Programme", "ProgrammeCluster", "ProgrammeYear", "programme_areas",
            "programme_groups", "programme_overlaps", "programme_partners", "programme_presence", "KEPT_LEVELS", "ZONE_LEVEL"]
