"""Each person reads in their own language: how it is chosen, and what follows it (pages, emails,
exports, period names, charts), and a community's own words shown beside their translation."""
import csv
import io
from datetime import datetime

import pytest
from babel.support import Translations
from openpyxl import load_workbook

from tests import factories
from tests.conftest import login
from workspace.actions import reminders
from workspace.extensions import db
from workspace.i18n import CATALOGS, LANGUAGE_COOKIE
from workspace.indicators import chart, periods
from workspace.models import GroupRole, Indicator, IndicatorValue, OutboxMessage, User, WordsTranslation


def translated(code: str, text: str) -> str:
    """`text` as the shipped catalog of `code` says it (the tests follow the catalog's words)."""
    catalog = Translations.load(str(CATALOGS), [code])
    assert text in catalog._catalog, f"{text!r} is not in the {code} catalog"
    return catalog.gettext(text)


def reading(app, language: str):
    """A request in `language`, in an app context of its own (as each request has when served)."""
    return app.test_request_context(headers={"Accept-Language": language})


def html_lang(response) -> str:
    text = response.get_data(as_text=True)
    return text[text.index("<html lang=\"") + 12:].split('"', 1)[0]


# --- Which language -----------------------------------------------------------------------------

def test_the_browser_then_the_default(client, app):
    assert html_lang(client.get("/login", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})) == "fr"
    assert html_lang(client.get("/login", headers={"Accept-Language": "bn-BD"})) == "bn"
    assert html_lang(client.get("/login", headers={"Accept-Language": "de-DE"})) == "en"
    response = client.get("/login")
    assert html_lang(response) == "en" and "Accept-Language" in response.headers["Vary"]
    app.config["BABEL_DEFAULT_LOCALE"] = "fr"
    assert html_lang(client.get("/login", headers={"Accept-Language": "de-DE"})) == "fr"


def test_the_switch_keeps_the_choice_in_a_cookie_over_the_browser(client):
    response = client.post("/language", data={"language": "bn", "next": "/feedback"})
    assert response.status_code == 302 and response.headers["Location"] == "/feedback"
    cookie = client.get_cookie(LANGUAGE_COOKIE)
    assert cookie.value == "bn" and cookie.http_only
    page = client.get("/feedback", headers={"Accept-Language": "fr"})
    assert html_lang(page) == "bn" and translated("bn", "Give feedback") in page.get_data(as_text=True)


def test_the_switch_refuses_other_languages_and_other_sites(client):
    assert client.post("/language", data={"language": "xx", "next": "/feedback"}).status_code == 302
    assert client.get_cookie(LANGUAGE_COOKIE) is None
    response = client.post("/language", data={"language": "fr", "next": "https://elsewhere.example/"})
    assert response.headers["Location"] == "/"  # never an address elsewhere


def test_an_account_s_language_comes_before_the_cookie_and_follows_the_person(client, app):
    user = factories.make_user()
    client.set_cookie(LANGUAGE_COOKIE, "fr")
    login(client, user)
    assert html_lang(client.get("/")) == "fr"  # nothing chosen on the account yet: the cookie
    client.post("/language", data={"language": "bn", "next": "/"})
    db.session.expire_all()
    assert db.session.get(User, user.id).language == "bn"
    other_device = app.test_client()
    other_device.set_cookie(LANGUAGE_COOKIE, "fr")
    login(other_device, user)
    assert html_lang(other_device.get("/", headers={"Accept-Language": "fr"})) == "bn"


def test_the_account_page_sets_the_language(client):
    user = factories.make_user()
    login(client, user)
    page = client.get("/account/password").get_data(as_text=True)
    assert 'name="language"' in page and "বাংলা" in page and "Français" in page
    client.post("/language", data={"language": "fr", "next": "/account/password"})
    assert html_lang(client.get("/account/password")) == "fr"


def test_a_right_to_left_language_would_lay_out_from_the_right(app):
    from workspace.i18n import in_language, text_direction

    with app.test_request_context():
        assert text_direction() == "ltr"
        app.config["LANGUAGES"] = [*app.config["LANGUAGES"], "ar"]
        with in_language("ar"):
            assert text_direction() == "rtl"


# --- What follows the language ------------------------------------------------------------------

def test_a_reminder_is_written_in_its_recipient_s_language(app):
    organization = factories.make_organization(kind="ngo")
    reader_of_bengali = factories.make_user(organization=organization)
    reader_of_bengali.language = "bn"
    reader_of_english = factories.make_user(organization=organization)
    plan = factories.make_plan(factories.make_committee())
    factories.make_action(plan, organization=organization, focal_person=reader_of_bengali, title="Pay day lists",
                          start_days=-10, due_days=-2)
    factories.make_action(plan, organization=organization, focal_person=reader_of_english, title="Visit schools",
                          start_days=-10, due_days=-2)
    db.session.commit()
    with reading(app, "fr"):
        reminders.send_reminders()
    bodies = {m.recipient_id: m for m in db.session.scalars(db.select(OutboxMessage))}
    bengali, english = bodies[reader_of_bengali.id], bodies[reader_of_english.id]
    assert translated("bn", "This is your daily summary in Workspace.") in bengali.body
    assert "Pay day lists" in bengali.body and "This is your daily summary" not in bengali.body
    assert bengali.subject == translated("bn", "Workspace: %(overdue)s overdue, %(soon)s due soon") % {
        "overdue": 1, "soon": 0}
    assert "This is your daily summary in Workspace." in english.body
    assert english.subject == "Workspace: 1 overdue, 0 due soon"


def _export_world(client):
    organization = factories.make_organization(kind="ngo")
    user = factories.make_user(organization=organization)
    plan = factories.make_plan(factories.make_committee())
    factories.make_action(plan, organization=organization, focal_person=user, title="Pay day lists",
                          start_days=-10, due_days=-2)
    user.language = "fr"
    db.session.commit()
    login(client, user)


def test_an_export_s_headings_are_in_the_reader_s_language(client):
    _export_world(client)
    response = client.get("/actions/export.csv?scope=mine")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["ID", translated("fr", "Action"), translated("fr", "Plan")]
    assert translated("fr", "Responsible organisation") in rows[0]
    assert rows[1][11] == translated("fr", "yes")  # overdue
    book = load_workbook(io.BytesIO(client.get("/actions/export.xlsx?scope=mine").data))
    sheet = book.worksheets[0]
    assert sheet["E1"].value == translated("fr", "Responsible organisation")


def test_period_names_and_chart_in_bengali(app):
    with app.app_context(), reading(app, "bn"):
        assert periods.label("2026-03") == "মার্চ 2026"
        assert periods.label("2026") == "2026"
        assert "2026" in periods.label("2026-Q4") and "Q4" not in periods.label("2026-Q4")
        indicator = Indicator(direction="higher", target=40.0, baseline_value=None)
        drawn = chart.build(indicator, [("2026-02", 30.0, "verified"), ("2026-03", 1234.5, "verified")], {})
        assert [label for _x, label in drawn.labels] == ["ফেব 2026", "মার্চ 2026"]
        assert drawn.points[1].title.startswith("মার্চ 2026") and "1,234.5" in drawn.points[1].title
    with app.app_context(), reading(app, "fr"):
        assert periods.label("2026-03") == "mars 2026" and periods.label("2026-Q4") == "T4 2026"


def test_the_indicator_page_names_periods_in_the_reader_s_language(client):
    group = factories.make_organization(kind="community_group")
    member = factories.make_user(sector="community", organization=group)
    member.language = "fr"
    db.session.add(GroupRole(organization=group, user=member, role="coordinator"))
    indicator = Indicator(organization=group, short_name="Savers", question="How many saved?", unit="count",
                          status="adopted", target=10)
    db.session.add(indicator)
    db.session.add(IndicatorValue(indicator=indicator, period="2026-03", value=12, state="verified"))
    db.session.commit()
    login(client, member)
    text = client.get(f"/indicators/{indicator.id}").get_data(as_text=True)
    assert "mars 2026" in text and "March 2026" not in text


def test_yes_and_no_in_every_shipped_language(app):
    from workspace.indicators.values import parse

    for word in ("yes", "হ্যাঁ", "oui"):
        assert parse("yes_no", word) == 1.0
    for word in ("No", "না", "non"):
        assert parse("yes_no", word) == 0.0
    with pytest.raises(ValueError):
        parse("yes_no", "maybe")


def test_a_form_s_own_messages_in_every_shipped_language(client):
    """WTForms' messages come from its catalog (French) or, where it has none (Bengali), from the
    app's; each catalog is read once per language, not on every request."""
    from wtforms.i18n import get_translations

    from workspace import form_messages, i18n

    wtforms_french = get_translations(["fr"]).gettext("This field is required.")
    expected = {"en": "This field is required.", "fr": wtforms_french, "bn": translated("bn", "This field is required.")}
    assert len(set(expected.values())) == 3
    for language, message in expected.items():
        page = client.post("/login", data={"email": "", "password": ""}, headers={"Accept-Language": language})
        assert page.status_code == 422 and message in page.get_data(as_text=True), language
    loaded = i18n._form_catalog.cache_info().currsize
    client.post("/login", data={"email": "", "password": ""}, headers={"Accept-Language": "bn"})
    assert i18n._form_catalog.cache_info().currsize == loaded
    with client.application.test_request_context(headers={"Accept-Language": "bn"}):
        for message in [*form_messages.MESSAGES, form_messages.too_long(3)]:
            assert not str(message).isascii(), message  # in Bengali script


@pytest.mark.parametrize("path", ["/feedback", "/feedback/board", "/feedback/track", "/login", "/join"])
def test_public_pages_describe_themselves_in_the_reader_s_language(client, path):
    text = client.get(path, headers={"Accept-Language": "bn"}).get_data(as_text=True)
    assert text.count('<meta name="description" content="') == 1
    description = text.split('<meta name="description" content="', 1)[1].split('"', 1)[0]
    assert len(description) > 40 and not description.isascii()  # in Bengali


# --- A community's own words ----------------------------------------------------------------------

@pytest.fixture
def bengali_group():
    group = factories.make_organization(kind="community_group")
    member = factories.make_user(sector="community", organization=group)
    verifier = factories.make_user(sector="ngo")
    db.session.add_all([GroupRole(organization=group, user=member, role="coordinator"),
                        GroupRole(organization=group, user=verifier, role="verifier")])
    indicator = Indicator(organization=group, short_name="Savers", question="আমাদের কতজন সঞ্চয় করেছেন?",
                          unit="count", status="adopted", target=10, language="bn")
    db.session.add(indicator)
    db.session.commit()
    return {"group": group, "member": member, "verifier": verifier, "indicator": indicator}


def test_a_translation_is_shown_with_the_original_one_tap_away(client, bengali_group):
    indicator, verifier = bengali_group["indicator"], bengali_group["verifier"]
    login(client, verifier)
    page = client.get(f"/words/indicator/{indicator.id}").get_data(as_text=True)
    assert "আমাদের কতজন সঞ্চয় করেছেন?" in page and 'name="en-text"' in page and 'name="bn-text"' not in page
    response = client.post(f"/words/indicator/{indicator.id}/en",
                           data={"en-text": "How many of us saved?", "en-version": "0:"})
    assert response.status_code == 302
    text = client.get(f"/indicators/{indicator.id}").get_data(as_text=True)
    assert '<p class="question" dir="auto" lang="en">How many of us saved?</p>' in text
    assert "In the group&#39;s words" in text and 'lang="bn">আমাদের কতজন সঞ্চয় করেছেন?' in text
    # A reader of the group's own language sees its words alone.
    login(client, bengali_group["member"])
    client.post("/language", data={"language": "bn", "next": "/"})
    text = client.get(f"/indicators/{indicator.id}").get_data(as_text=True)
    assert "How many of us saved?" not in text and 'lang="bn">আমাদের কতজন সঞ্চয় করেছেন?' in text


def test_two_translators_at_once_get_a_conflict_not_an_overwrite(client, bengali_group):
    indicator = bengali_group["indicator"]
    db.session.add(WordsTranslation(indicator_id=indicator.id, language="en", text="How many saved?"))
    db.session.commit()
    stamp = f"1:text={__import__('workspace.edits', fromlist=['digest']).digest('How many saved?')}"
    login(client, bengali_group["verifier"])
    first = client.post(f"/words/indicator/{indicator.id}/en", data={"en-text": "How many of us saved?",
                                                                     "en-version": stamp})
    second = client.post(f"/words/indicator/{indicator.id}/en", data={"en-text": "Who saved?", "en-version": stamp})
    assert first.status_code == 302 and second.status_code == 409
    db.session.expire_all()
    assert db.session.scalar(db.select(WordsTranslation.text)) == "How many of us saved?"


def test_a_translation_too_long_or_unstated_is_refused_with_nothing_saved(client, bengali_group):
    indicator = bengali_group["indicator"]
    login(client, bengali_group["verifier"])
    too_long = client.post(f"/words/indicator/{indicator.id}/en", data={"en-text": "x" * 1001, "en-version": "0:"})
    unstated = client.post(f"/words/indicator/{indicator.id}/en", data={"en-text": "How many?"})
    assert too_long.status_code == 422 and unstated.status_code == 422
    assert db.session.scalar(db.select(db.func.count()).select_from(WordsTranslation)) == 0


def test_an_empty_translation_removes_it_and_the_original_s_language_can_be_corrected(client, bengali_group):
    indicator = bengali_group["indicator"]
    db.session.add(WordsTranslation(indicator_id=indicator.id, language="en", text="How many saved?"))
    db.session.commit()
    from workspace.edits import digest

    login(client, bengali_group["verifier"])
    client.post(f"/words/indicator/{indicator.id}/en", data={"en-text": "", "en-version": f"1:text={digest('How many saved?')}"})
    assert db.session.scalar(db.select(db.func.count()).select_from(WordsTranslation)) == 0
    response = client.post(f"/words/indicator/{indicator.id}/written-in",
                           data={"language": "fr", "version": f"{indicator.version}:language={digest('bn')}"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Indicator, indicator.id).language == "fr"


def test_new_words_take_their_writer_s_language(client):
    group = factories.make_organization(kind="community_group")
    member = factories.make_user(sector="community", organization=group)
    member.language = "bn"
    db.session.commit()
    login(client, member)
    response = client.post(f"/groups/{group.id}/indicators/new", data={
        "question": "কতজন?", "short_name": "Savers", "unit": "count", "frequency": "monthly", "direction": "higher"})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert db.session.scalar(db.select(Indicator.language)) == "bn"


def test_the_public_board_and_tracking_page_show_a_response_in_the_reader_s_language(client, app):
    from workspace.models import FeedbackCase

    case = FeedbackCase(description="Late", category="complaint", status="resolved", response="Paid on Monday.",
                        language="en", publishable=True, public_summary="Late payment",
                        resolved_at=datetime(2026, 3, 1, 9))
    db.session.add(case)
    db.session.flush()
    db.session.add(WordsTranslation(case_id=case.id, language="bn", text="সোমবার টাকা দেওয়া হয়েছে।"))
    db.session.commit()
    bengali = {"Accept-Language": "bn"}
    board = client.get("/feedback/board", headers=bengali).get_data(as_text=True)
    assert "সোমবার টাকা দেওয়া হয়েছে।" in board and 'lang="en">Paid on Monday.' in board
    english = client.get("/feedback/board").get_data(as_text=True)
    assert "Paid on Monday." in english and "সোমবার" not in english
    track = client.get(f"/feedback/track/{case.code}", headers=bengali)
    assert "সোমবার টাকা দেওয়া হয়েছে।" in track.get_data(as_text=True)


def test_template_translations_read_as_jinja_s_own_would(app):
    """`_()` and `{% trans %}` go straight to the catalog, with Jinja's rules: the text is a format
    string, so "%%" reads "%", variables are escaped, and the words are in the reader's language."""
    source = ("{{ _('Log out') }}|{{ _('100%%') }}|{{ _('%(name)s left', name=who) }}|"
              "{% trans count=2 %}{{ count }} case{% pluralize %}{{ count }} cases{% endtrans %}")
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        rendered = app.jinja_env.from_string(source).render(who="<b>")
    assert rendered == "Se déconnecter|100%|&lt;b&gt; left|2 cases"
