"""The access table: every route × every role → the status that role gets.

A route that is not in the table fails the suite, so each new capability adds its rows here.
POSTs are sent empty (CSRF is off in this suite): an allowed role then meets the form's own
validation (422) or the action's redirect, a refused one meets 302 to log in, 403 or 404.
"""
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

import pytest
from flask import current_app
from sqlalchemy import inspect, text

from tests import factories
from tests.conftest import login
from workspace.extensions import db
from workspace.indicators import periods
from workspace.sessions import services as session_services
from workspace.models import (
    Card, Decision, FeedbackCase, GdpFigure, GroupRole, Indicator, IndicatorValue, Membership, OutboxMessage,
    ProgrammeYear, RoutingRule, User, ValueEvidence,
)

# The sectors (people outside the committee under test), administrators, and the four roles in
# the committee under test.
ROLES = ("anonymous", "community", "ngo", "government", "admin", "chair", "secretary", "member", "observer",
         "guest")
# "guest" joined the session under test with its code and a name, without an account. Everywhere
# else a guest is anonymous, so a row that does not name it expects what it expects of anonymous.
SECTORS = ("community", "ngo", "government")
COMMITTEE_ROLES = ("chair", "secretary", "member", "observer")


def everyone(status: int) -> dict:
    """Every role but the guest, who is anonymous outside their session (see ROLES)."""
    return dict.fromkeys((role for role in ROLES if role != "guest"), status)


def signed_in(status: int, anonymous: int = 302) -> dict:
    return {**everyone(status), "anonymous": anonymous}


def admin_only(status: int) -> dict:
    return {**everyone(403), "anonymous": 302, "admin": status}


def committee(admin: int, chair: int, secretary: int, member: int, observer: int) -> dict:
    """A committee's route: outsiders get 404 (they learn nothing), anonymous people log in."""
    return {**dict.fromkeys(SECTORS, 404), "anonymous": 302, "admin": admin, "chair": chair,
            "secretary": secretary, "member": member, "observer": observer}


def group_data(status: int) -> dict:
    """A community group's data: its people, its verifier, administrators, and the committee over
    its area read it; a government outsider does not even learn it exists."""
    return {**everyone(status), "anonymous": 302, "government": 404}


def group_members(status: int) -> dict:
    """Defining and entering: the group's own people (the coordinator for adopting and editing)."""
    return {**group_data(403), "community": status}


def verifiers(status: int) -> dict:
    return {**group_data(403), "ngo": status}


def staff(status: int) -> dict:
    """Government and NGO people (and administrators); not community members."""
    return {**everyone(status), "anonymous": 302, "community": 403, "observer": 403}


def handlers(status: int) -> dict:
    """A case's handlers: its organisation's people (the NGO user's) and administrators."""
    return {**everyone(404), "anonymous": 302, "ngo": status, "admin": status}


def starters(status: int) -> dict:
    """Who starts a committee's session: its NGO or government members (not observers, not admins)."""
    return committee(403, status, status, status, 403)


def owners(status: int) -> dict:
    """A programme's keepers: its organisation's people (the NGO outsider's) and administrators."""
    return {**everyone(403), "anonymous": 302, "ngo": status, "admin": status}


def session_people(status: int) -> dict:
    """An open session's participants: the member who runs it, the chair who joined, the guest."""
    return {**everyone(404), "member": status, "chair": status, "guest": status}


def members_read(status: int = 200) -> dict:
    return committee(status, status, status, status, status)


def managers(status: int) -> dict:
    """Committee details and membership: administrators, chair, secretary."""
    return committee(status, status, status, 403, 403)


def runners(status: int) -> dict:
    """Meetings, agendas, minutes, proposals: chair and secretary only."""
    return committee(403, status, status, 403, 403)


def proposers(status: int) -> dict:
    """Any member but an observer."""
    return committee(403, status, status, status, 403)


@dataclass
class World:
    """What the table's URLs point at, made fresh for each test."""

    users: dict
    area: object
    organization: object
    person: object
    committee: object
    meeting: object
    item: object
    proposal: object
    observer_membership: object
    feed_token: str
    plan: object
    action: object
    decision: object
    group: object
    message: object
    indicator: object
    proposed_indicator: object
    value: object
    evidence: object
    routing_rule: object
    period: str
    group_role: object
    committee_indicator: object
    case: object
    session: object
    card: object
    programme: object
    government_programme: object


@dataclass
class Row:
    endpoint: str
    method: str
    url: Callable[[World], str]
    expect: dict
    data: dict | Callable[[World], dict] = field(default_factory=dict)


# An empty POST would leave an edit form to its record's values: blank the name instead.
BLANK_NAME = {"name": ""}

TABLE = [
    # Accounts
    Row("auth.login", "GET", lambda w: "/login", signed_in(302, anonymous=200)),
    Row("auth.login", "POST", lambda w: "/login", signed_in(302, anonymous=422)),
    Row("auth.logout", "POST", lambda w: "/logout", everyone(302)),
    Row("auth.logout_everywhere", "POST", lambda w: "/account/logout-everywhere", everyone(302)),
    Row("auth.choose_language", "POST", lambda w: "/language", everyone(302)),
    Row("auth.choose_language", "POST", lambda w: "/language", everyone(302), data={"language": "bn", "next": "/"}),
    Row("auth.change_own_password", "GET", lambda w: "/account/password", signed_in(200)),
    Row("auth.change_own_password", "POST", lambda w: "/account/password", signed_in(422)),
    Row("auth.set_password", "GET", lambda w: "/set-password/not-a-real-token", everyone(404)),
    Row("auth.set_password", "POST", lambda w: "/set-password/not-a-real-token", everyone(404)),
    Row("home.index", "GET", lambda w: "/", signed_in(200)),
    # People
    Row("admin.users", "GET", lambda w: "/admin/users", admin_only(200)),
    Row("admin.new_user", "GET", lambda w: "/admin/users/new", admin_only(200)),
    Row("admin.new_user", "POST", lambda w: "/admin/users/new", admin_only(422)),
    Row("admin.user", "GET", lambda w: f"/admin/users/{w.person.id}", admin_only(200)),
    Row("admin.user", "POST", lambda w: f"/admin/users/{w.person.id}", admin_only(422), data=BLANK_NAME),
    Row("admin.reset_password", "POST", lambda w: f"/admin/users/{w.person.id}/reset-password", admin_only(200)),
    Row("admin.deactivate_user", "POST", lambda w: f"/admin/users/{w.person.id}/deactivate", admin_only(302)),
    Row("admin.activate_user", "POST", lambda w: f"/admin/users/{w.person.id}/activate", admin_only(302)),
    # Organisations
    Row("admin.organizations", "GET", lambda w: "/admin/organizations", admin_only(200)),
    Row("admin.organizations", "POST", lambda w: "/admin/organizations", admin_only(422)),
    Row("admin.organization", "GET", lambda w: f"/admin/organizations/{w.organization.id}", admin_only(200)),
    Row("admin.edit_organization", "GET", lambda w: f"/admin/organizations/{w.organization.id}/edit", admin_only(200)),
    Row("admin.edit_organization", "POST", lambda w: f"/admin/organizations/{w.organization.id}/edit", admin_only(422), data=BLANK_NAME),
    Row("admin.delete_organization", "POST", lambda w: f"/admin/organizations/{w.organization.id}/delete", admin_only(302)),
    # Areas
    Row("admin.areas", "GET", lambda w: "/admin/areas", admin_only(200)),
    Row("admin.areas", "POST", lambda w: "/admin/areas", admin_only(422)),
    Row("admin.area", "GET", lambda w: f"/admin/areas/{w.area.id}", admin_only(200)),
    Row("admin.edit_area", "GET", lambda w: f"/admin/areas/{w.area.id}/edit", admin_only(200)),
    Row("admin.edit_area", "POST", lambda w: f"/admin/areas/{w.area.id}/edit", admin_only(422), data=BLANK_NAME),
    Row("admin.delete_area", "POST", lambda w: f"/admin/areas/{w.area.id}/delete", admin_only(302)),
    # Audit log
    Row("admin.audit_log", "GET", lambda w: "/admin/audit", admin_only(200)),
    # Committees
    Row("committees.committees", "GET", lambda w: "/committees", signed_in(200)),
    Row("committees.new_committee", "GET", lambda w: "/committees/new", admin_only(200)),
    Row("committees.new_committee", "POST", lambda w: "/committees/new", admin_only(422)),
    Row("committees.committee", "GET", lambda w: f"/committees/{w.committee.id}", members_read()),
    Row("committees.edit_committee", "GET", lambda w: f"/committees/{w.committee.id}/edit", managers(200)),
    Row("committees.edit_committee", "POST", lambda w: f"/committees/{w.committee.id}/edit", managers(422),
        data=BLANK_NAME),
    # A whole, valid edit that also names another area and parent: the managers' save goes through
    # (tests/test_committees.py checks that only an administrator's moves the committee).
    Row("committees.edit_committee", "POST", lambda w: f"/committees/{w.committee.id}/edit", managers(302),
        data=lambda w: {"name": w.committee.name, "level": "district", "area_id": w.area.id, "parent_id": "",
                        "required_meetings_per_year": 4, "quorum_percent": 50, "version": w.committee.version}),
    Row("committees.members", "GET", lambda w: f"/committees/{w.committee.id}/members", members_read()),
    Row("committees.members", "POST", lambda w: f"/committees/{w.committee.id}/members", managers(422)),
    Row("committees.change_role", "POST",
        lambda w: f"/committees/{w.committee.id}/members/{w.observer_membership.id}/role", managers(302)),
    Row("committees.remove_member", "POST",
        lambda w: f"/committees/{w.committee.id}/members/{w.observer_membership.id}/remove", managers(302)),
    Row("committees.meetings", "GET", lambda w: f"/committees/{w.committee.id}/meetings", members_read()),
    # The calendar feed: the address's token stands in for a login; a wrong one finds nothing.
    Row("committees.calendar_feed", "GET",
        lambda w: f"/committees/{w.committee.id}/calendar/{w.feed_token}.ics", everyone(200)),
    Row("committees.calendar_feed", "GET",
        lambda w: f"/committees/{w.committee.id}/calendar/guessed-token.ics", everyone(404)),
    # Meetings
    Row("committees.new_meeting", "GET", lambda w: f"/committees/{w.committee.id}/meetings/new", runners(200)),
    Row("committees.new_meeting", "POST", lambda w: f"/committees/{w.committee.id}/meetings/new", runners(422)),
    Row("committees.meeting", "GET", lambda w: f"/meetings/{w.meeting.id}", members_read()),
    Row("committees.edit_meeting", "GET", lambda w: f"/meetings/{w.meeting.id}/edit", runners(200)),
    Row("committees.edit_meeting", "POST", lambda w: f"/meetings/{w.meeting.id}/edit", runners(422),
        data={"title": ""}),
    Row("committees.cancel_meeting", "POST", lambda w: f"/meetings/{w.meeting.id}/cancel", runners(422)),
    Row("committees.add_item", "POST", lambda w: f"/meetings/{w.meeting.id}/items", runners(422)),
    Row("committees.edit_item", "GET", lambda w: f"/meetings/{w.meeting.id}/items/{w.item.id}/edit", runners(200)),
    Row("committees.edit_item", "POST", lambda w: f"/meetings/{w.meeting.id}/items/{w.item.id}/edit",
        runners(422), data={"title": ""}),
    Row("committees.move_item", "POST", lambda w: f"/meetings/{w.meeting.id}/items/{w.item.id}/move", runners(302)),
    Row("committees.remove_item", "POST", lambda w: f"/meetings/{w.meeting.id}/items/{w.item.id}/remove",
        runners(302)),
    Row("committees.escalate_item", "POST", lambda w: f"/meetings/{w.meeting.id}/items/{w.item.id}/escalate",
        runners(302)),
    Row("committees.record_meeting", "GET", lambda w: f"/meetings/{w.meeting.id}/record", runners(200)),
    Row("committees.record_meeting", "POST", lambda w: f"/meetings/{w.meeting.id}/record", runners(302)),
    Row("committees.print_meeting", "GET", lambda w: f"/meetings/{w.meeting.id}/print", members_read()),
    Row("committees.meeting_ics", "GET", lambda w: f"/meetings/{w.meeting.id}/meeting.ics", members_read()),
    # Proposals
    Row("committees.proposals", "GET", lambda w: f"/committees/{w.committee.id}/proposals", members_read()),
    Row("committees.propose", "GET", lambda w: f"/committees/{w.committee.id}/proposals/new", proposers(200)),
    Row("committees.propose", "POST", lambda w: f"/committees/{w.committee.id}/proposals/new", proposers(422)),
    Row("committees.accept_proposal", "POST",
        lambda w: f"/committees/{w.committee.id}/proposals/{w.proposal.id}/accept", runners(302)),
    Row("committees.decline_proposal", "POST",
        lambda w: f"/committees/{w.committee.id}/proposals/{w.proposal.id}/decline", runners(302)),
    # Actions: the action under test belongs to the committee's plan; the NGO outsider's
    # organisation is responsible for it, so they see and update it without seeing the plan.
    Row("actions.actions", "GET", lambda w: "/actions", signed_in(200)),
    Row("actions.action_timeline", "GET", lambda w: "/actions/timeline", signed_in(200)),
    Row("actions.export_actions", "GET", lambda w: "/actions/export.csv", signed_in(200)),
    Row("actions.export_actions", "GET", lambda w: "/actions/export.xlsx", signed_in(200)),
    Row("actions.action", "GET", lambda w: f"/actions/{w.action.id}", {**members_read(), "ngo": 200}),
    Row("actions.post_update", "POST", lambda w: f"/actions/{w.action.id}/updates", {**runners(422), "ngo": 422}),
    Row("actions.edit_action", "GET", lambda w: f"/actions/{w.action.id}/edit", {**runners(200), "ngo": 200}),
    Row("actions.edit_action", "POST", lambda w: f"/actions/{w.action.id}/edit", {**runners(422), "ngo": 422},
        data={"title": ""}),
    Row("actions.raise_action", "POST", lambda w: f"/actions/{w.action.id}/raise", {**proposers(302), "ngo": 403}),
    Row("actions.plans", "GET", lambda w: "/plans", signed_in(200)),
    Row("actions.plan", "GET", lambda w: f"/plans/{w.plan.id}", members_read()),
    Row("actions.edit_plan", "GET", lambda w: f"/plans/{w.plan.id}/edit", runners(200)),
    Row("actions.edit_plan", "POST", lambda w: f"/plans/{w.plan.id}/edit", runners(422), data={"title": ""}),
    Row("actions.new_action", "GET", lambda w: f"/plans/{w.plan.id}/actions/new", runners(200)),
    Row("actions.new_action", "POST", lambda w: f"/plans/{w.plan.id}/actions/new", runners(422)),
    Row("actions.new_committee_plan", "GET", lambda w: f"/committees/{w.committee.id}/plans/new", runners(200)),
    Row("actions.new_committee_plan", "POST", lambda w: f"/committees/{w.committee.id}/plans/new", runners(422)),
    Row("actions.action_from_decision", "GET", lambda w: f"/decisions/{w.decision.id}/actions/new", runners(200)),
    Row("actions.action_from_decision", "POST", lambda w: f"/decisions/{w.decision.id}/actions/new", runners(422)),
    # A community group's own plans: only its people start them.
    Row("actions.new_group_plan", "GET", lambda w: f"/groups/{w.group.id}/plans/new",
        {**everyone(404), "anonymous": 302, "community": 200}),
    Row("actions.new_group_plan", "POST", lambda w: f"/groups/{w.group.id}/plans/new",
        {**everyone(404), "anonymous": 302, "community": 422}),
    # Community indicators. The group is the community user's (they coordinate it); the NGO user
    # verifies it; the committee under test covers its area, so its members read the results.
    Row("indicators.groups", "GET", lambda w: "/groups", signed_in(200)),
    Row("indicators.group", "GET", lambda w: f"/groups/{w.group.id}", group_data(200)),
    Row("indicators.propose", "GET", lambda w: f"/groups/{w.group.id}/indicators/new", group_members(200)),
    Row("indicators.propose", "POST", lambda w: f"/groups/{w.group.id}/indicators/new", group_members(422)),
    Row("indicators.indicator", "GET", lambda w: f"/indicators/{w.indicator.id}", group_data(200)),
    Row("indicators.edit_indicator", "GET", lambda w: f"/indicators/{w.indicator.id}/edit", group_members(200)),
    Row("indicators.edit_indicator", "POST", lambda w: f"/indicators/{w.indicator.id}/edit", group_members(422),
        data={"question": ""}),
    Row("indicators.set_target", "POST", lambda w: f"/indicators/{w.indicator.id}/targets", group_members(302)),
    Row("indicators.decide", "POST", lambda w: f"/indicators/{w.proposed_indicator.id}/adopt", group_members(302)),
    Row("indicators.enter", "GET", lambda w: f"/groups/{w.group.id}/periods/{w.period}", group_data(200)),
    Row("indicators.enter", "POST", lambda w: f"/groups/{w.group.id}/periods/{w.period}", group_members(302)),
    Row("indicators.check_value", "POST",
        lambda w: f"/groups/{w.group.id}/periods/{w.period}/check/{w.indicator.id}", group_members(200)),
    Row("indicators.import_values", "GET", lambda w: f"/groups/{w.group.id}/periods/{w.period}/import",
        group_members(200)),
    Row("indicators.import_values", "POST", lambda w: f"/groups/{w.group.id}/periods/{w.period}/import",
        group_members(422)),
    Row("indicators.export_values", "GET", lambda w: f"/groups/{w.group.id}/values.csv", group_data(200)),
    # Evidence: the group's people keep it, whoever reads the group's data sees it. (No file sent:
    # back to the entry page with the reason.)
    Row("indicators.add_evidence", "POST", lambda w: f"/groups/{w.group.id}/periods/{w.period}/evidence",
        group_members(302)),
    # The service worker of offline data entry: a script like any static file, for anyone.
    Row("indicators.service_worker", "GET", lambda w: "/sw.js", everyone(200)),
    Row("indicators.evidence_file", "GET", lambda w: f"/evidence/{w.evidence.id}", group_data(200)),
    Row("indicators.remove_evidence", "POST", lambda w: f"/evidence/{w.evidence.id}/remove", group_members(302)),
    Row("indicators.verify_queue", "GET", lambda w: f"/groups/{w.group.id}/verify", verifiers(200)),
    Row("indicators.verify_value", "POST", lambda w: f"/values/{w.value.id}/verify", verifiers(302)),
    Row("indicators.return_value", "POST", lambda w: f"/values/{w.value.id}/return", verifiers(302)),
    Row("indicators.verify_all", "POST", lambda w: f"/groups/{w.group.id}/verify/all", verifiers(302)),
    # A step nobody may take from where the period stands is refused with a message (302); one the
    # person may never take, whatever the state, is forbidden.
    Row("indicators.sign_off", "POST", lambda w: f"/groups/{w.group.id}/periods/{w.period}/signoff/sign_off",
        group_members(302)),
    Row("indicators.sign_off", "POST", lambda w: f"/groups/{w.group.id}/periods/{w.period}/signoff/approve",
        {**group_data(403), "chair": 302, "secretary": 302}),
    Row("indicators.sign_off", "POST", lambda w: f"/groups/{w.group.id}/periods/{w.period}/signoff/reopen",
        {**group_data(403), "community": 302, "chair": 302, "secretary": 302}),
    Row("indicators.committee_indicators", "GET", lambda w: f"/committees/{w.committee.id}/indicators",
        members_read()),
    Row("indicators.reporting", "GET", lambda w: f"/committees/{w.committee.id}/reporting", members_read()),
    Row("indicators.raise_indicator", "POST", lambda w: f"/indicators/{w.indicator.id}/raise",
        {**group_data(403), "chair": 302, "secretary": 302, "member": 302}),
    # A committee's own indicators: its members define and enter, chair and secretary adopt and
    # verify, observers read.
    Row("indicators.group", "GET", lambda w: f"/committees/{w.committee.id}/own-indicators", members_read()),
    Row("indicators.propose", "GET", lambda w: f"/committees/{w.committee.id}/own-indicators/new", proposers(200)),
    Row("indicators.propose", "POST", lambda w: f"/committees/{w.committee.id}/own-indicators/new",
        proposers(422)),
    Row("indicators.enter", "GET", lambda w: f"/committees/{w.committee.id}/own-indicators/periods/{w.period}",
        members_read()),
    Row("indicators.enter", "POST", lambda w: f"/committees/{w.committee.id}/own-indicators/periods/{w.period}",
        proposers(302)),
    Row("indicators.check_value", "POST", lambda w: (
        f"/committees/{w.committee.id}/own-indicators/periods/{w.period}/check/{w.committee_indicator.id}"),
        proposers(200)),
    Row("indicators.import_values", "GET",
        lambda w: f"/committees/{w.committee.id}/own-indicators/periods/{w.period}/import", proposers(200)),
    Row("indicators.import_values", "POST",
        lambda w: f"/committees/{w.committee.id}/own-indicators/periods/{w.period}/import", proposers(422)),
    Row("indicators.export_values", "GET", lambda w: f"/committees/{w.committee.id}/own-indicators/values.csv",
        members_read()),
    Row("indicators.add_evidence", "POST",
        lambda w: f"/committees/{w.committee.id}/own-indicators/periods/{w.period}/evidence", proposers(302)),
    Row("indicators.verify_queue", "GET", lambda w: f"/committees/{w.committee.id}/own-indicators/verify",
        runners(200)),
    Row("indicators.verify_all", "POST", lambda w: f"/committees/{w.committee.id}/own-indicators/verify/all",
        runners(302)),
    Row("indicators.indicator", "GET", lambda w: f"/indicators/{w.committee_indicator.id}", members_read()),
    Row("admin.add_group_role", "POST", lambda w: f"/admin/organizations/{w.group.id}/roles", admin_only(302)),
    Row("admin.remove_group_role", "POST",
        lambda w: f"/admin/organizations/{w.group.id}/roles/{w.group_role.id}/remove", admin_only(302)),
    # Feedback: the public pages need no account; a case is seen only by its handlers (the NGO
    # user's organisation here, and administrators); staff of government and NGOs record cases.
    Row("feedback.submit", "GET", lambda w: "/feedback", everyone(200)),
    Row("feedback.submit", "POST", lambda w: "/feedback", everyone(422)),
    Row("feedback.thanks", "GET", lambda w: "/feedback/thanks", everyone(200)),
    Row("feedback.track_lookup", "GET", lambda w: "/feedback/track", everyone(200)),
    Row("feedback.track", "GET", lambda w: f"/feedback/track/{w.case.code}", everyone(200)),
    # The SMS gateway's webhook is off until a shared secret is set (tests/test_sms.py tries it with one).
    Row("feedback.sms_webhook", "POST", lambda w: "/feedback/sms", everyone(404)),
    # Anyone holding the code may appeal; an open case cannot be appealed yet (refused on its page).
    Row("feedback.appeal", "POST", lambda w: f"/feedback/track/{w.case.code}/appeal", everyone(422),
        data={"reason": "I disagree."}),
    Row("feedback.track", "GET", lambda w: "/feedback/track/AAAAA-22222", everyone(404)),
    Row("feedback.board", "GET", lambda w: "/feedback/board", everyone(200)),
    Row("feedback.cases", "GET", lambda w: "/cases", staff(200)),
    Row("feedback.new_case", "GET", lambda w: "/cases/new", staff(200)),
    Row("feedback.new_case", "POST", lambda w: "/cases/new", staff(422)),
    Row("feedback.case", "GET", lambda w: f"/cases/{w.case.id}", handlers(200)),
    Row("feedback.move_case", "POST", lambda w: f"/cases/{w.case.id}/status", handlers(422)),
    Row("feedback.assign_case", "POST", lambda w: f"/cases/{w.case.id}/assign", handlers(422)),
    Row("feedback.respond_case", "POST", lambda w: f"/cases/{w.case.id}/response", handlers(422)),
    Row("feedback.case_action", "GET", lambda w: f"/cases/{w.case.id}/action", handlers(302)),
    Row("feedback.case_action", "POST", lambda w: f"/cases/{w.case.id}/action", handlers(302)),
    Row("feedback.patterns", "GET", lambda w: f"/committees/{w.committee.id}/feedback", members_read()),
    Row("feedback.raise_cluster", "POST", lambda w: f"/committees/{w.committee.id}/feedback/raise", proposers(302)),
    Row("admin.answer_times_page", "GET", lambda w: "/admin/answer-times", admin_only(200)),
    Row("admin.answer_times_page", "POST", lambda w: "/admin/answer-times", admin_only(422)),
    Row("admin.routing_rules", "GET", lambda w: "/admin/routing", admin_only(200)),
    Row("admin.add_routing_rule", "POST", lambda w: "/admin/routing", admin_only(422)),
    Row("admin.remove_routing_rule", "POST", lambda w: f"/admin/routing/{w.routing_rule.id}/remove", admin_only(302)),
    # Action-planning sessions. The session under test belongs to the committee; the member runs
    # it, the chair has joined, the guest joined with the code; the secretary may join but has not.
    Row("sessions.sessions", "GET", lambda w: "/sessions", signed_in(200)),
    Row("sessions.new_session", "GET", lambda w: f"/committees/{w.committee.id}/sessions/new", starters(200)),
    Row("sessions.new_session", "POST", lambda w: f"/committees/{w.committee.id}/sessions/new", starters(422)),
    Row("sessions.new_session", "GET", lambda w: f"/groups/{w.group.id}/sessions/new",
        {**everyone(403), "anonymous": 302, "ngo": 200}),
    Row("sessions.join", "GET", lambda w: "/join", everyone(200)),
    Row("sessions.join", "POST", lambda w: "/join", everyone(422)),
    Row("sessions.join_member", "POST", lambda w: f"/sessions/{w.session.id}/join",
        {**everyone(404), "anonymous": 302, "guest": 302, "chair": 302, "secretary": 302, "member": 302}),
    Row("sessions.session", "GET", lambda w: f"/sessions/{w.session.id}",
        {**session_people(200), "secretary": 200, "anonymous": 302}),
    Row("sessions.board", "GET", lambda w: f"/sessions/{w.session.id}/board", session_people(200)),
    Row("sessions.projector", "GET", lambda w: f"/sessions/{w.session.id}/projector", session_people(200)),
    Row("sessions.print_summary", "GET", lambda w: f"/sessions/{w.session.id}/print", session_people(200)),
    Row("sessions.add_card", "POST", lambda w: f"/sessions/{w.session.id}/cards", session_people(422)),
    Row("sessions.vote", "POST", lambda w: f"/sessions/{w.session.id}/votes", session_people(422)),
    Row("sessions.tidy_card", "POST", lambda w: f"/sessions/{w.session.id}/cards/{w.card.id}/tidy",
        {**session_people(403), "member": 422, "anonymous": 302, "guest": 302}),
    Row("sessions.advance", "POST", lambda w: f"/sessions/{w.session.id}/phase",
        {**session_people(403), "member": 302, "anonymous": 302, "guest": 302}),
    Row("sessions.idea_action", "GET", lambda w: f"/sessions/{w.session.id}/ideas/{w.card.id}/action",
        {**session_people(403), "member": 302, "anonymous": 302, "guest": 302}),
    Row("sessions.idea_action", "POST", lambda w: f"/sessions/{w.session.id}/ideas/{w.card.id}/action",
        {**session_people(403), "member": 302, "anonymous": 302, "guest": 302}),
    # The outbox of reminders
    Row("admin.outbox", "GET", lambda w: "/admin/outbox", admin_only(200)),
    Row("admin.outbox_message", "GET", lambda w: f"/admin/outbox/{w.message.id}", admin_only(200)),
    # Pickers: places are public (the feedback form needs them); organisations for anyone signed
    # in; people only for staff and those who run a committee. A fragment answers 401, not a
    # redirect to the login page.
    Row("pickers.options", "GET", lambda w: "/pick/areas", everyone(200)),
    Row("pickers.options", "GET", lambda w: "/pick/organizations", signed_in(200, anonymous=401)),
    Row("pickers.options", "GET", lambda w: "/pick/groups", signed_in(200, anonymous=401)),
    Row("pickers.options", "GET", lambda w: "/pick/committees", signed_in(200, anonymous=401)),
    Row("pickers.options", "GET", lambda w: "/pick/people", {**staff(200), "anonymous": 401}),
    # Translations of a community's own words: whoever looks after the record
    Row("words.translations", "GET", lambda w: f"/words/indicator/{w.indicator.id}",
        {**group_data(403), "community": 200, "ngo": 200}),
    Row("words.translations", "GET", lambda w: f"/words/indicator/{w.committee_indicator.id}", proposers(200)),
    Row("words.translations", "GET", lambda w: f"/words/plan/{w.plan.id}", runners(200)),
    Row("words.translations", "GET", lambda w: f"/words/case/{w.case.id}", handlers(200)),
    Row("words.translations", "GET", lambda w: f"/words/meeting/{w.meeting.id}", signed_in(404)),
    Row("words.save_translation", "POST", lambda w: f"/words/indicator/{w.indicator.id}/fr",
        {**group_data(403), "community": 422, "ngo": 422}),
    Row("words.save_translation", "POST", lambda w: f"/words/plan/{w.plan.id}/bn", runners(422)),
    Row("words.save_translation", "POST", lambda w: f"/words/case/{w.case.id}/fr", handlers(422)),
    Row("words.save_translation", "POST", lambda w: f"/words/case/{w.case.id}/xx", {**handlers(404)}),
    Row("words.written_in_language", "POST", lambda w: f"/words/plan/{w.plan.id}/written-in", runners(422)),
    Row("words.written_in_language", "POST", lambda w: f"/words/case/{w.case.id}/written-in", handlers(422)),
    # Programmes: everyone signed in reads the repository; government and NGO people keep their
    # organisation's programmes (the NGO outsider's organisation owns the programme under test).
    Row("programmes.programmes", "GET", lambda w: "/programmes", signed_in(200)),
    Row("programmes.programme", "GET", lambda w: f"/programmes/{w.programme.id}", signed_in(200)),
    Row("programmes.new_programme", "GET", lambda w: "/programmes/new", staff(200)),
    Row("programmes.new_programme", "POST", lambda w: "/programmes/new", staff(422)),
    Row("programmes.edit_programme", "GET", lambda w: f"/programmes/{w.programme.id}/edit", owners(200)),
    Row("programmes.edit_programme", "POST", lambda w: f"/programmes/{w.programme.id}/edit", owners(422),
        data=BLANK_NAME),
    Row("programmes.new_year", "GET", lambda w: f"/programmes/{w.programme.id}/years/new", owners(200)),
    Row("programmes.new_year", "POST", lambda w: f"/programmes/{w.programme.id}/years/new", owners(422)),
    Row("programmes.edit_year", "GET", lambda w: f"/programmes/{w.programme.id}/years/2025", owners(200)),
    Row("programmes.edit_year", "POST", lambda w: f"/programmes/{w.programme.id}/years/2025", owners(422),
        data={"budget": "-1"}),
    Row("programmes.edit_year", "GET", lambda w: f"/programmes/{w.programme.id}/years/2031", owners(404)),
    Row("programmes.where", "GET", lambda w: "/programmes/where", signed_in(200)),
    Row("programmes.spending", "GET", lambda w: "/programmes/spending", signed_in(200)),
    Row("programmes.export", "GET", lambda w: "/programmes/export.csv", signed_in(200)),
    Row("programmes.export", "GET", lambda w: "/programmes/export.xlsx", signed_in(200)),
    Row("programmes.import_programmes", "GET", lambda w: "/programmes/import", staff(200)),
    Row("programmes.import_programmes", "POST", lambda w: "/programmes/import", staff(422)),
    Row("programmes.committee_overlaps", "GET", lambda w: f"/committees/{w.committee.id}/overlaps", members_read()),
    Row("programmes.review_overlap", "GET", lambda w: f"/committees/{w.committee.id}/overlaps/{w.programme.id}/"
        f"{w.government_programme.id}", runners(200)),
    Row("programmes.review_overlap", "POST", lambda w: f"/committees/{w.committee.id}/overlaps/{w.programme.id}/"
        f"{w.government_programme.id}", runners(422)),
    Row("programmes.raise_overlap", "POST", lambda w: f"/committees/{w.committee.id}/overlaps/{w.programme.id}/"
        f"{w.government_programme.id}/raise", proposers(302)),
    Row("programmes.settings", "GET", lambda w: "/admin/programme-settings", admin_only(200)),
    Row("programmes.add_list_entry", "POST", lambda w: "/admin/programme-settings/groups", admin_only(422)),
    Row("programmes.rename_list_entry", "POST", lambda w: "/admin/programme-settings/clusters/1", admin_only(422)),
    Row("programmes.add_gdp", "POST", lambda w: "/admin/programme-settings/gdp", admin_only(422)),
    Row("programmes.change_gdp", "POST", lambda w: "/admin/programme-settings/gdp/2025", admin_only(422)),
    Row("pickers.options", "GET", lambda w: "/pick/programmes", signed_in(200, anonymous=401)),
]

# Routes that are not the application's pages: the static files.
NOT_PAGES = {"static"}


def make_world() -> World:
    district = factories.make_area("Test District", "district")
    leaf = factories.make_area("Empty Community", "community", parent=district)
    users = {
        "community": factories.make_user(
            sector="community", organization=factories.make_organization(kind="community_group", area=leaf)),
        "ngo": factories.make_user(sector="ngo"),
        "government": factories.make_user(sector="government"),
        "admin": factories.make_admin(),
    }
    empty_organization = factories.make_organization("Empty Organisation", kind="other", area=district)
    person = factories.make_user(sector="ngo")

    parent = factories.make_committee("Parent Committee", level="national")
    committee = factories.make_committee("Committee Under Test", level="district", area=district, parent=parent)
    for role, sector in (("chair", "government"), ("secretary", "government"), ("member", "ngo"),
                         ("observer", "community")):
        users[role] = factories.add_member(committee, role=role, sector=sector)
    meeting = factories.make_meeting(committee, items=2)
    memberships = {m.role: m for m in db.session.scalars(db.select(Membership).where(
        Membership.committee_id == committee.id))}
    decision = Decision(item=meeting.items[0], text="Hold registration days.")
    db.session.add(decision)
    plan = factories.make_plan(committee)
    action = factories.make_action(plan, organization=users["ngo"].organization, status="blocked",
                                   blocked_reason="Waiting for the kits")
    message = OutboxMessage(recipient=users["ngo"], to_address=users["ngo"].email, kind="action_digest",
                            day=date.today(), subject="Reminder", body="Your actions")
    db.session.add(message)
    group = users["community"].organization
    group_role = GroupRole(organization=group, user=users["community"], role="coordinator")
    db.session.add_all([group_role, GroupRole(organization=group, user=users["ngo"], role="verifier")])
    indicator = Indicator(organization=group, short_name="Weekly savers", question="How many of us saved?",
                          unit="count", frequency="monthly", status="adopted", target=10)
    proposed = Indicator(organization=group, short_name="Loans", question="How many loans were repaid?",
                         unit="count", frequency="monthly", status="proposed")
    period = periods.period_of(date.today(), "monthly")
    value = IndicatorValue(indicator=indicator, period=periods.previous(period), value=3, state="submitted",
                           entered_by_id=users["community"].id)
    committee_indicator = Indicator(committee=committee, short_name="Meetings held", question="Did we meet?",
                                    unit="yes_no", frequency="monthly", status="adopted")
    case = FeedbackCase(category="complaint", description="The payment came late.", contact_name="Amina",
                        contact_phone="0700 000 000", assigned_organization_id=users["ngo"].organization_id)
    evidence_file = ValueEvidence(indicator=indicator, period=value.period, filename="book.png",
                                  stored_name="access-table.png", content_type="image/png", size=8)
    routing_rule = RoutingRule(area=district, organization=users["ngo"].organization)
    db.session.add_all([indicator, proposed, value, evidence_file, committee_indicator, case, routing_rule])
    db.session.commit()
    _evidence_on_disk(evidence_file.stored_name)
    session = session_services.create_session(users["member"], title="Workshop", held_on=date.today(),
                                              committee_id=committee.id)
    session_services.join_member(session, users["chair"])
    card = Card(session_id=session.id, kind="problem", text="Payments come late")
    db.session.add(card)
    db.session.commit()
    programme = factories.make_programme("Elderly cash", organization=users["ngo"].organization, areas=[district])
    government_programme = factories.make_programme("Old-age allowance", organization=users["government"].organization)
    db.session.add_all([ProgrammeYear(programme=programme, year=2025, budget=10, currency="BDT"),
                        GdpFigure(year=2025, amount=1000, currency="BDT")])
    db.session.commit()
    return World(users=users, area=leaf, organization=empty_organization, person=person, committee=committee,
                 meeting=meeting, item=meeting.items[1],
                 proposal=factories.make_proposal(committee, users["member"]),
                 observer_membership=memberships["observer"], feed_token=memberships["member"].feed_token,
                 plan=plan, action=action, decision=decision, group=group, message=message, indicator=indicator,
                 proposed_indicator=proposed, value=value, evidence=evidence_file, routing_rule=routing_rule, period=period, group_role=group_role,
                 committee_indicator=committee_indicator, case=case, session=session, card=card,
                 programme=programme, government_programme=government_programme)


def _evidence_on_disk(stored_name: str) -> None:
    (Path(current_app.config["EVIDENCE_DIR"]) / stored_name).write_bytes(b"\x89PNG\r\n\x1a\n")


# The world is built once per database (per process) and its rows copied back into the emptied
# database for each later test: building it, forty commits each with its hooks, cost more than
# the rest of a test. Each role logs in (the guest joins) once, when it is built: the login session
# rows are copied with the world, and a later test's client is given that login's cookie.
@dataclass
class Copy:
    rows: list  # each table's rows (SQLite); on PostgreSQL, the tables are copied in the database
    identities: dict
    cookies: dict  # role → the session cookie of its login, or the guest's joining


_copies: dict[str, Copy] = {}


def fresh_world() -> World:
    """make_world()'s world, in a database the last test's teardown emptied. After the first, its
    records are loaded when a test first reads them."""
    key = str(db.engine.url)
    copy = _copies.get(key)
    if copy is None:
        world = make_world()
        cookies = {role: _cookie_of(world, role) for role in ROLES if role != "anonymous"}
        _copies[key] = Copy(_table_rows(), _identities(world), cookies)
        return world
    _put_rows(copy)
    world = _LoadedWhenRead(copy.identities)
    _evidence_on_disk(world.evidence.stored_name)  # a test may have removed the file
    return world


def enter_as(client, world: World, role: str) -> None:
    """The client as the role: with the cookie of the login made when the world was built (its login
    session is part of the copied world), as a browser that logged in then."""
    if role == "anonymous":
        return
    client.set_cookie("session", _copies[str(db.engine.url)].cookies[role])


def _cookie_of(world: World, role: str) -> str:
    client = current_app.test_client()
    if role == "guest":
        client.post("/join", data={"code": world.session.join_code, "display_name": "Halima"})
    else:
        login(client, world.users[role])
    return client.get_cookie("session").value


def _table_rows() -> list:
    """Every table that has rows, parents before children: on SQLite its rows, in the order of its
    key; on PostgreSQL the table is copied into the schema world_copy, and put back from there in
    one round trip (a statement per table took more than half of a test)."""
    tables = [table for table in db.metadata.sorted_tables if db.session.execute(table.select().limit(1)).first()]
    if db.engine.dialect.name == "postgresql":
        db.session.connection().exec_driver_sql("DROP SCHEMA IF EXISTS world_copy CASCADE; CREATE SCHEMA world_copy; "
                                                + "; ".join(f'CREATE TABLE world_copy."{table.name}" AS TABLE "{table.name}"'
                                                            for table in tables))
        db.session.commit()
        return tables
    return [(table, [dict(row) for row in db.session.execute(
        table.select().order_by(*table.primary_key.columns)).mappings()]) for table in tables]


def _put_rows(copy: Copy) -> None:
    if db.engine.dialect.name == "postgresql":
        statements = [f'INSERT INTO "{table.name}" SELECT * FROM world_copy."{table.name}"' for table in copy.rows]
        statements.append("SELECT " + ", ".join(  # the next id after the copied ones
            f"setval(pg_get_serial_sequence('{table.name}', 'id'), (SELECT max(id) FROM \"{table.name}\"))"
            for table in copy.rows if "id" in table.c and table.c.id.primary_key))
        db.session.connection().exec_driver_sql("; ".join(statements))
    else:
        db.session.execute(text("PRAGMA defer_foreign_keys = ON"))
        for table, table_rows in copy.rows:
            db.session.execute(table.insert(), table_rows)
    db.session.commit()


def _identities(world: World) -> dict:
    """Each record of the world as (its class, its key); other values as they are."""
    found = {}
    for name in World.__dataclass_fields__:
        value = getattr(world, name)
        if name == "users":
            found[name] = {role: (User, inspect(user).identity) for role, user in value.items()}
        elif isinstance(value, db.Model):
            found[name] = (type(value), inspect(value).identity)
        else:
            found[name] = value
    return found


class _LoadedWhenRead:
    """A World whose records are loaded on first reading (a test reads a few of its thirty)."""

    def __init__(self, identities: dict):
        self._identities = identities

    def __getattr__(self, name):
        try:
            value = self._identities[name]
        except KeyError:
            raise AttributeError(name) from None
        if name == "users":
            value = _UsersLoadedWhenRead(value)
        elif isinstance(value, tuple):
            value = db.session.get(*value)
        setattr(self, name, value)
        return value


class _UsersLoadedWhenRead(dict):
    def __init__(self, identities: dict):
        super().__init__()
        self._identities = identities

    def __missing__(self, role):
        self[role] = user = db.session.get(*self._identities[role])
        return user


def test_every_route_has_a_row(app):
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in NOT_PAGES
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    in_table = {(row.endpoint, row.method) for row in TABLE}
    assert routes - in_table == set(), "routes with no row in the access table"
    assert in_table - routes == set(), "rows for routes that do not exist"
    assert all(set(row.expect) | {"guest"} == set(ROLES) for row in TABLE), "every row names every role"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", TABLE, ids=lambda row: f"{row.method} {row.endpoint}")
def test_access(app, client, row, role):
    world = fresh_world()
    enter_as(client, world, role)
    expected = row.expect.get(role, row.expect["anonymous"])
    response = client.open(row.url(world), method=row.method,
                           data=row.data(world) if callable(row.data) else row.data)
    assert response.status_code == expected, response.get_data(as_text=True)[:500]
    if response.status_code == 302 and role == "anonymous" and row.expect["anonymous"] == 302 \
            and not row.endpoint.startswith("sessions.") \
            and row.endpoint not in {"auth.logout", "auth.choose_language"}:
        assert "/login" in response.headers["Location"]
