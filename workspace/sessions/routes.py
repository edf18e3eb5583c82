"""Sessions: starting one, joining (with an account or with the code on the projector), the live
board, cards, votes, phases, turning the top ideas into actions, the projector and the summary."""
import secrets
from collections import Counter, OrderedDict
from functools import cache
from typing import NamedTuple

from flask import abort, current_app, flash, redirect, render_template, request, session as browser_session, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import Row, Select, bindparam, func, literal_column, or_, select, union_all
from sqlalchemy.orm import joinedload
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from workspace import access
from workspace.auth import attempts
from workspace.actions.forms import ActionForm
from workspace.actions.services import ActionRuleError
from workspace.edits import EditForm
from workspace.extensions import db
from workspace.forms import IntegerField, strip
from workspace.i18n import gettext as _, lazy_gettext as _l, ngettext
from workspace.inputs import whole_number
from workspace.labels import translated
from workspace.links import url_pattern
from workspace.models import (
    MAX_CARD, PHASE_ORDER, PHASES, Action, Card, Committee, GroupRole, Organization, Participant, PlanningSession,
    Vote,
)
from workspace.pages import paginate_built, render_form, wants_fragment
from workspace.pickers import contains
from workspace.sessions import bp, services
from workspace.sessions.loaders import TOKENS, current_participant, get_session_or_404, is_guest, load, may_read

POLL_SECONDS = 3
SESSIONS_PER_PAGE = 25
STARTABLE_SHOWN = 6  # committees, and groups, offered to start a session for; the others by searching


class SessionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)], filters=[strip])
    purpose = TextAreaField(_l("Purpose"), validators=[Length(max=5000)], render_kw={"rows": 3})
    held_on = DateField(_l("Date"), validators=[InputRequired(message=_l("Give the date."))])
    votes_per_participant = IntegerField(_l("Votes per participant"), default=3, validators=[
        InputRequired(), NumberRange(1, 20, message=_l("From 1 to 20 votes."))])
    votes_per_idea = IntegerField(_l("At most, votes on one idea"), default=2, validators=[
        InputRequired(), NumberRange(1, 20, message=_l("From 1 to 20 votes."))])

    def validate_votes_per_idea(self, field):
        if self.votes_per_participant.data and field.data and field.data > self.votes_per_participant.data:
            raise ValidationError(_l("No more than the votes each participant has."))


class JoinForm(FlaskForm):
    code = StringField(_l("Code on the screen"), validators=[DataRequired(), Length(max=8)],
                       filters=[lambda v: v.strip().upper() if v else v])
    display_name = StringField(_l("Your name, as the others will see it"),
                               validators=[DataRequired(), Length(max=60)], filters=[strip])


class CardForm(FlaskForm):
    text = TextAreaField(_l("Card"), filters=[strip], render_kw={"rows": 2, "maxlength": MAX_CARD})
    problem_id = IntegerField(validators=[Optional()])
    phase = StringField()

    def validate_text(self, field):
        if not field.data:
            raise ValidationError(_l("Write something on the card first."))
        if len(field.data) > MAX_CARD:
            raise ValidationError(_("A card holds %(max)s characters at most; this one has %(count)s.",
                                    max=MAX_CARD, count=len(field.data)))


class PhaseForm(FlaskForm):
    phase = StringField()
    card_id = IntegerField(validators=[Optional()])


class VoteForm(PhaseForm):
    """The board's one voting form: its "+" buttons send card_id, its "−" buttons take_back."""
    take_back = IntegerField(validators=[Optional()])


# --- Starting and listing -------------------------------------------------------------------------

@bp.route("/sessions")
@login_required
def sessions():
    user = current_user._get_current_object()  # asked about once per committee: not through the proxy
    committees = [cid for cid in access.committee_roles(user) if access.can_propose_item(user, cid)]
    page = paginate_built(_sessions_listed(), {"user": user.id, "committees": committees,
                                               "organization": user.organization_id},
                          SESSIONS_PER_PAGE, session_rows)
    search = request.args.get("start", "").strip()[:100]
    return render_template("sessions/list.html", page=page, phases=translated(PHASES), search=search,
                           session_url=url_pattern("sessions.session", "session_id"),
                           **startable_owners(user, committees, search))


@cache
def _sessions_listed() -> Select:
    """The sessions a person sees, newest first: those they take part in or facilitate, their
    committees' (where they may propose items) and their organisation's."""
    mine = select(Participant.session_id).where(Participant.user_id == bindparam("user"))
    return (select(PlanningSession.id)
            .where(or_(PlanningSession.id.in_(mine), PlanningSession.facilitator_id == bindparam("user"),
                       PlanningSession.committee_id.in_(bindparam("committees", expanding=True)),
                       PlanningSession.organization_id == bindparam("organization")))
            .order_by(PlanningSession.held_on.desc(), PlanningSession.id.desc()))


def session_rows(page_ids) -> Select:
    """A page of the list as the columns it shows, each with its committee's or group's name: one
    query for the page's rows only."""
    return (select(PlanningSession.id, PlanningSession.title, PlanningSession.held_on, PlanningSession.phase,
                   func.coalesce(Committee.name, Organization.name).label("owner_name"))
            .join(page_ids, page_ids.c.id == PlanningSession.id)
            .outerjoin(Committee, Committee.id == PlanningSession.committee_id)
            .outerjoin(Organization, Organization.id == PlanningSession.organization_id)
            .order_by(PlanningSession.held_on.desc(), PlanningSession.id.desc()))


class Startable(NamedTuple):
    """A committee offered to start a session for (no `kind`: access.can_start_session tells the
    two apart by it)."""
    id: int
    name: str


class StartableGroup(NamedTuple):
    id: int
    name: str
    kind: str


def startable_owners(user, committees: list[int], search: str) -> dict:
    """The committees and community groups the person may start a session for: the first few by
    name, those whose name holds `search` when one is given. A verifier may have a hundred groups:
    `more` says there are others, to find by searching. One query reads both, as the columns shown."""
    if not (access.in_sector(user, "ngo") or access.in_sector(user, "government")):
        return {"startable": [], "groups": [], "more": False}
    query = _startable_query(search) if search else _startable_unsearched()
    rows = db.session.execute(query, {"committees": committees, "user": user.id,
                                      "organization": user.organization_id}).all()
    startable = [owner for owner in (Startable(row.id, row.name) for row in rows if not row.kind)
                 if access.can_start_session(user, owner)]
    groups = [group for group in (StartableGroup(*row) for row in rows if row.kind)
              if access.can_start_session(user, group)]
    return {"startable": startable[:STARTABLE_SHOWN], "groups": groups[:STARTABLE_SHOWN],
            "more": len(startable) > STARTABLE_SHOWN or len(groups) > STARTABLE_SHOWN}


def _startable_query(search: str) -> Select:
    """The first few committees (of those given) and community groups (the person's own, those they
    verify) by name, with `search` in their name if given; who is bound on each use."""
    # The person's own group and the groups they verify (the rule decides on each one shown).
    verified = select(GroupRole.organization_id).where(GroupRole.user_id == bindparam("user"),
                                                       GroupRole.role == "verifier")
    committee_query = select(Committee.id, Committee.name, literal_column("''").label("kind")).where(
        Committee.id.in_(bindparam("committees", expanding=True)))
    group_query = select(Organization.id, Organization.name, Organization.kind).where(
        or_(Organization.id == bindparam("organization"), Organization.id.in_(verified)),
        Organization.kind == "community_group")
    if search:
        committee_query = committee_query.where(contains(Committee.name, search))
        group_query = group_query.where(contains(Organization.name, search))
    # Each side limited on its own (a subquery each: a compound select's parts take no LIMIT).
    first_committees = committee_query.order_by(Committee.name, Committee.id).limit(STARTABLE_SHOWN + 1).subquery()
    first_groups = group_query.order_by(Organization.name, Organization.id).limit(STARTABLE_SHOWN + 1).subquery()
    both = union_all(select(first_committees), select(first_groups)).subquery()
    # A committee's kind is "" (an organisation has one): committees first, each side by name.
    return select(both).order_by(both.c.kind, both.c.name, both.c.id)


@cache
def _startable_unsearched() -> Select:
    """Without a search, as on every view of the list: built once (building it costs more than
    running it)."""
    return _startable_query("")


@bp.route("/committees/<int:committee_id>/sessions/new", methods=["GET", "POST"])
@bp.route("/groups/<int:group_id>/sessions/new", methods=["GET", "POST"])
@login_required
def new_session(committee_id: int | None = None, group_id: int | None = None):
    owner = db.get_or_404(Committee, committee_id) if committee_id else db.get_or_404(Organization, group_id)
    if not access.can_start_session(current_user, owner):
        abort(404 if committee_id and not access.can_see_committee(current_user, owner) else 403)
    form = SessionForm()
    if form.validate_on_submit():
        owner_field = {"committee_id": owner.id} if committee_id else {"organization_id": owner.id}
        session = services.create_session(current_user, title=form.title.data, purpose=form.purpose.data or "",
                                          held_on=form.held_on.data, votes_per_participant=form.votes_per_participant.data,
                                          votes_per_idea=form.votes_per_idea.data, **owner_field)
        flash(_("Session ready. Show the join code on the projector: %(code)s", code=session.join_code), "success")
        return redirect(url_for("sessions.session", session_id=session.id))
    return render_form("sessions/new.html", form, owner=owner)


# --- Joining -------------------------------------------------------------------------------------

@bp.route("/join", methods=["GET", "POST"])
def join():
    """For people without an account: the code on the projector and a name."""
    form = JoinForm()
    if not form.is_submitted() and request.args.get("code"):
        form.code.data = request.args["code"].upper()
    if form.validate_on_submit():
        # Wrong codes are limited per address and per browser, or codes could be guessed.
        limits = _join_limits()
        try:
            attempts.check(limits)
            session, token = services.join_with_code(form.code.data, form.display_name.data)
        except attempts.TooManyAttempts:
            form.form_errors.append(_("Too many wrong codes. Wait %(minutes)s minutes and try again.",
                                      minutes=current_app.config["JOIN_FAILURE_WINDOW_MINUTES"]))
            return render_template("sessions/join.html", form=form), 429
        except services.SessionRuleError as error:
            attempts.record_failure(limits, current_app.config["JOIN_FAILURE_WINDOW_MINUTES"])
            form.code.errors.append(str(error))
        else:
            tokens = dict(browser_session.get(TOKENS, {}))
            tokens[str(session.id)] = token
            browser_session[TOKENS] = tokens
            return redirect(url_for("sessions.session", session_id=session.id))
    return render_form("sessions/join.html", form)


def _join_limits() -> dict[str, int]:
    config = current_app.config
    # A browser is known by a random id in its signed session cookie.
    browser = browser_session.setdefault("browser_id", secrets.token_urlsafe(16))
    return {f"join-address:{request.remote_addr}": config["JOIN_MAX_FAILURES_PER_ADDRESS"],
            f"join-browser:{browser}": config["JOIN_MAX_FAILURES_PER_BROWSER"]}


@bp.route("/sessions/<int:session_id>/join", methods=["POST"])
@login_required
def join_member(session_id: int):
    session = load(session_id)
    if not access.may_join_session(current_user, session):
        abort(404)
    try:
        services.join_member(session, current_user)
    except services.SessionRuleError as error:
        flash(str(error), "error")
    return redirect(url_for("sessions.session", session_id=session.id))


# --- The board ----------------------------------------------------------------------------------

BOARD_COLUMNS = (Card.id, Card.kind, Card.problem_id, Card.text, Card.hidden, Card.action_id, Card.version)


class IdeaRow(NamedTuple):
    card: Row  # BOARD_COLUMNS
    votes: int  # all votes on it
    mine: int  # the viewer's


# A board is read far more often than it changes: its statements are built once (and so compiled
# once), its cards read as rows, not loaded records.
BOARD_CARDS = select(*BOARD_COLUMNS).where(Card.session_id == bindparam("session")).order_by(Card.id)
# Every dot of the session, whose and on what: at most participants × their allowance.
BOARD_VOTES = select(Vote.card_id, Vote.participant_id).where(Vote.session_id == bindparam("session"))
BOARD_PEOPLE = select(func.count()).select_from(Participant).where(Participant.session_id == bindparam("session"))


def board_data(session: PlanningSession, participant: Participant | None) -> dict:
    """Everything the live board shows, in three queries whatever the number of cards or people.
    What is the same on every card (its words, its address) is made once here, not once per card."""
    key = {"session": session.id}
    cards = db.session.execute(BOARD_CARDS, key).all()
    votes = db.session.execute(BOARD_VOTES, key).all()
    people = db.session.scalar(BOARD_PEOPLE, key)
    totals = Counter(card_id for card_id, _voter in votes)
    me = participant.id if participant else None
    mine = Counter(card_id for card_id, voter in votes if voter == me)
    visible = [c for c in cards if not c.hidden]
    problems = [c for c in visible if c.kind == "problem"]
    ideas: dict[int, list[Row]] = {}
    for card in visible:
        if card.kind == "idea":
            ideas.setdefault(card.problem_id, []).append(card)
    show_totals = session.phase in ("actions", "closed")
    if show_totals:
        for group in ideas.values():
            group.sort(key=lambda c: -totals.get(c.id, 0))
    groups = [(problem, [IdeaRow(c, totals.get(c.id, 0), mine.get(c.id, 0)) for c in ideas.get(problem.id, ())])
              for problem in problems]
    ranked = sorted((c for c in visible if c.kind == "idea"), key=lambda c: -totals.get(c.id, 0))
    can_facilitate = access.can_facilitate(current_user, session)
    words = board_words(session, totals) | (tidy_words(session) if can_facilitate else {})
    return {"session": session, "participant": participant, "problems": problems, "ideas": ideas, "groups": groups,
            "totals": totals, "used": sum(mine.values()), "people": people,
            "show_totals": show_totals, "ranked": ranked, "hidden": [c for c in cards if c.hidden],
            "can_facilitate": can_facilitate, "words": words}


# A board is drawn once for each change and kind of viewer, and the drawing kept (in this process)
# for the screens that ask again: the projector, the facilitator, everyone between two changes. The
# board's stamp is part of the key, so a changed board is never served an old drawing; each kind
# of viewer sees different cards: their own dots in and after the vote, the facilitator's buttons.
DRAWINGS_KEPT = 64
_drawings: OrderedDict[tuple, tuple[Markup, int, int]] = OrderedDict()
OWN_DOTS_SHOWN = ("vote", "actions", "closed")


def board_view(session: PlanningSession, participant: Participant | None, projector: bool = False,
               data: dict | None = None) -> dict:
    """What _board.html shows: its cards drawn, or found drawn, with the counts beside them.
    `data`: the board_data a page has read already (it needs more of it than the board)."""
    can_facilitate = access.can_facilitate(current_user, session)
    viewer = participant.id if participant is not None and session.phase in OWN_DOTS_SHOWN else None
    # (When it was made, with its id: a session made after another was deleted may reuse its id.)
    key = (session.id, session.created_at, session.board_version, session.phase, viewer, can_facilitate, projector,
           str(get_locale()))
    drawing = _drawings.get(key)
    if drawing is None:
        data = data or board_data(session, participant)
        cards = Markup(render_template("sessions/_board_cards.html", projector=projector, **data))
        drawing = _drawings[key] = (cards, data["used"], data["people"])
        if len(_drawings) > DRAWINGS_KEPT:
            _drawings.popitem(last=False)
    else:
        _drawings.move_to_end(key)
    cards, used, people = drawing
    return {**(data or {}), "session": session, "participant": participant, "projector": projector,
            "cards": cards, "used": used, "people": people, "can_facilitate": can_facilitate,
            "poll": POLL_SECONDS, "phases": PHASES,
            "next_phase": PHASES[PHASE_ORDER[PHASE_ORDER.index(session.phase) + 1]] if session.is_open else None}


def board_words(session: PlanningSession, totals: dict[int, int]) -> dict:
    """The board's repeated words and addresses, each translated or built once per board."""
    return {
        "vote_for": _("Vote for %(idea)s"),  # filled in per idea by the template
        "take_back": _("Take a vote back from %(idea)s"),
        "votes": {n: ngettext("%(num)s vote", "%(num)s votes", n) for n in {0, *totals.values()}},
        "votes_title": _("votes"),
        "action": _("action"),
        "make_action": _("Make it an action"),
        "action_url": url_pattern("sessions.idea_action", "card_id", session_id=session.id),
    }


def tidy_words(session: PlanningSession) -> dict:
    """The same for the facilitator's list of cards to tidy."""
    return {
        "tidy_url": url_pattern("sessions.tidy_card", "card_id", session_id=session.id),
        "merge_url": url_pattern("sessions.session", "merge", anchor="tidy-", session_id=session.id),
        "new_words": _("New words for %(card)s"),
    }


@bp.route("/sessions/<int:session_id>")
def session(session_id: int):
    session = load(session_id)
    participant = current_participant(session)
    if not session.is_open and is_guest(participant):
        return render_template("sessions/closed_for_guest.html", session=session)
    if session.is_open and participant is None and not access.can_facilitate(current_user, session):
        if current_user.is_authenticated and access.may_join_session(current_user, session):
            return render_template("sessions/join_prompt.html", session=session)
        if not current_user.is_authenticated:
            return redirect(url_for("sessions.join"))
        abort(404)
    if not may_read(session):
        abort(404)
    # The facilitator's list of cards to tidy is drawn when asked for (?tidy=1, or ?merge=<card>
    # with the cards to merge it into), not on every load of the page.
    merging = request.args.get("merge", type=whole_number)
    tidying = merging is not None or "tidy" in request.args
    # The cards are read for the page itself only where it lists them: the problems an idea may
    # answer, the cards to tidy. Otherwise the board's drawing serves.
    lists_cards = tidying or (participant is not None and session.phase in ("problems", "ideas"))
    return render_template("sessions/session.html", card_form=CardForm(formdata=None, data={"phase": session.phase}),
                           tidying=tidying, merging=merging, **board_view(
                               session, participant, data=board_data(session, participant) if lists_cards else None))


@bp.route("/sessions/<int:session_id>/board")
def board(session_id: int):
    """The board alone, polled by every screen every few seconds. When the phase has moved on
    since the page was drawn, the whole page reloads: its forms belong to the new phase. A poll
    that states the board's stamp it shows (v) and finds it unchanged gets 204, nothing to draw."""
    session = db.session.get(PlanningSession, session_id) or abort(404)
    seen = request.args.get("seen")
    if seen and seen != session.phase and (current_participant(session) or access.can_facilitate(
            current_user, session)):
        return "", 200, {"HX-Refresh": "true"}
    if not may_read(session):
        abort(404)
    if seen == session.phase and request.args.get("v") == str(session.board_version):
        return "", 204
    return render_template("sessions/_board.html", **board_view(
        session, current_participant(session), projector=request.args.get("view") == "projector"))


def after_write(session_id: int, message: str | None = None, category: str = "success", status: int = 200,
                card_form: CardForm | None = None, tidied: int | None = None):
    """The board again (htmx), or the session page: redirected after a change, shown again with
    the message and what was typed after a refusal, so nothing is lost. After tidying a card
    (`tidied`), the page opens on the list of cards at that card."""
    if message:
        flash(message, category)
    session, participant = get_session_or_404(session_id)
    if wants_fragment():
        # After a refusal the form comes back with what was typed; after a card, empty.
        form = card_form if status >= 400 and card_form is not None else CardForm(formdata=None, data={
            "phase": session.phase})
        return render_template("sessions/_board.html", oob_form=True, card_form=form,
                               **board_view(session, participant, data=board_data(session, participant))), status
    if status >= 400:
        return render_template("sessions/session.html", card_form=card_form or CardForm(formdata=None, data={
            "phase": session.phase}), tidying=tidied is not None,
            **board_view(session, participant, data=board_data(session, participant))), status
    if tidied is not None:
        return redirect(url_for("sessions.session", session_id=session_id, tidy=1, _anchor=f"tidy-{tidied}"))
    return redirect(url_for("sessions.session", session_id=session_id))


@bp.route("/sessions/<int:session_id>/cards", methods=["POST"])
def add_card(session_id: int):
    session, participant = get_session_or_404(session_id, need="take_part")
    form = CardForm()
    if not form.validate_on_submit():
        return after_write(session.id, " ".join(str(e) for e in form.text.errors) or _("Write something first."),
                           "error", 422, form)
    try:
        services.add_card(session, participant, form.text.data, form.phase.data, form.problem_id.data)
    except services.PhaseMoved as error:
        # The card's words come back with the message, to add again where they now belong.
        return after_write(session.id, _("%(message)s Your card: “%(text)s”", message=str(error), text=form.text.data),
                           "error", 409, form)
    except services.SessionRuleError as error:
        return after_write(session.id, str(error), "error", 422, form)
    return after_write(session.id)


def _card_or_404(session: PlanningSession, card_id: int | None) -> Card:
    card = db.session.get(Card, card_id) if card_id else None
    if card is None or card.session_id != session.id:
        abort(404)
    return card


class TidyForm(EditForm, FlaskForm):
    edit_fields = ("text", "hidden")
    action = StringField(validators=[DataRequired()])
    text = StringField(filters=[strip])
    merge_into = IntegerField(validators=[Optional()])

    def validate_action(self, field):
        if field.data not in ("reword", "toggle", "merge"):
            raise ValidationError(_("Reword, set aside or merge the card."))


@bp.route("/sessions/<int:session_id>/cards/<int:card_id>/tidy", methods=["POST"])
@login_required
def tidy_card(session_id: int, card_id: int):
    """The facilitator rewords, hides or shows a card, or merges it into another."""
    session, _participant = get_session_or_404(session_id, need="facilitate")
    card = _card_or_404(session, card_id)
    form = TidyForm()
    if not form.validate_on_submit():
        return after_write(session.id, _("Nothing to change."), "error", 422, tidied=card.id)
    try:
        if form.action.data == "merge":
            services.edit_card(session, card, form.stated(), merge_into=_card_or_404(session, form.merge_into.data))
        elif form.action.data == "reword":
            services.edit_card(session, card, form.stated(), text=form.text.data or "")
        else:
            services.edit_card(session, card, form.stated(), hidden=not card.hidden)
    except services.SessionRuleError as error:
        return after_write(session.id, str(error), "error", 422, tidied=card.id)
    return after_write(session.id, tidied=card.id)


@bp.route("/sessions/<int:session_id>/votes", methods=["POST"])
def vote(session_id: int):
    session, participant = get_session_or_404(session_id, need="take_part")
    form = VoteForm()
    if not form.validate_on_submit() or not (form.card_id.data or form.take_back.data):
        return after_write(session.id, _("Choose an idea."), "error", 422)
    card = _card_or_404(session, form.card_id.data or form.take_back.data)
    try:
        if form.take_back.data or request.form.get("remove"):
            services.unvote(session, participant, card, form.phase.data)
        else:
            services.vote(session, participant, card, form.phase.data)
    except services.SessionRuleError as error:
        return after_write(session.id, str(error), "error", 409)
    return after_write(session.id)


@bp.route("/sessions/<int:session_id>/phase", methods=["POST"])
@login_required
def advance(session_id: int):
    session, _participant = get_session_or_404(session_id, need="facilitate")
    form = PhaseForm()
    if form.validate_on_submit():
        try:
            services.advance(session, form.phase.data)
        except services.SessionRuleError as error:
            flash(str(error), "error")
        else:
            flash(_("Now: %(phase)s.", phase=session.phase_label), "success")
    return redirect(url_for("sessions.session", session_id=session.id))


@bp.route("/sessions/<int:session_id>/ideas/<int:card_id>/action", methods=["GET", "POST"])
@login_required
def idea_action(session_id: int, card_id: int):
    """The facilitator turns an idea into an owned, dated action of the session's plan."""
    session, _participant = get_session_or_404(session_id, need="facilitate")
    card = _card_or_404(session, card_id)
    if session.phase != "actions":
        flash(_("Ideas become actions in the “Actions” phase."), "error")
        return redirect(url_for("sessions.session", session_id=session.id))
    form = ActionForm()
    if not form.is_submitted():
        form.title.data = card.text[:200]
        form.start_date.data = session.held_on
    if form.validate_on_submit():
        supporters = list(db.session.scalars(select(Organization).where(
            Organization.id.in_(form.supporter_ids.data or []))))
        try:
            services.make_action(session, card, supporters=supporters, **form.action_fields())
        except (services.SessionRuleError, ActionRuleError) as error:
            form.form_errors.append(str(error))
        else:
            flash(_("“%(idea)s” is now an action.", idea=card.text[:60]), "success")
            return redirect(url_for("sessions.session", session_id=session.id))
    return render_form("sessions/idea_action.html", form, session=session, card=card)


@bp.route("/sessions/<int:session_id>/projector")
def projector(session_id: int):
    session, participant = get_session_or_404(session_id)
    return render_template("sessions/projector.html", **board_view(session, participant, projector=True))


@bp.route("/sessions/<int:session_id>/print")
def print_summary(session_id: int):
    session, participant = get_session_or_404(session_id)
    data = board_data(session, participant)
    data["show_totals"] = True  # the summary shows the counts whatever the phase
    actions = {c.action_id for c in data["ranked"] if c.action_id}
    data["actions"] = {a.id: a for a in db.session.scalars(select(Action).where(Action.id.in_(actions))
                                                        .options(joinedload(Action.responsible_organization),
                                                                 joinedload(Action.focal_person)))}
    return render_template("sessions/print.html", **data)
