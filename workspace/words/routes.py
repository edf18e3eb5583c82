"""The translations page of one record's words: the original, and a translation per language."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from workspace import audit, edits
from workspace.extensions import db
from workspace.i18n import gettext as _, shipped_languages
from workspace.models import MAX_WORDS, WordsTranslation
from workspace.words import bp
from workspace.words.forms import TranslationForm, WrittenInForm
from workspace.words.shown import written_in
from workspace.words.subjects import SUBJECTS


def _record_or_404(subject_name: str, record_id: int):
    subject = SUBJECTS.get(subject_name)
    if subject is None:
        abort(404)
    record = subject.load(record_id)
    if not subject.may_translate(current_user, record):
        abort(403)
    return subject, record


def _translations(subject, record) -> dict[str, WordsTranslation]:
    column = getattr(WordsTranslation, subject.column)
    return {t.language: t for t in db.session.scalars(db.select(WordsTranslation).where(column == record.id))}


def _page(subject_name, subject, record, forms=None, written_form=None, status=200):
    languages = shipped_languages()
    original = written_in(record)
    saved = _translations(subject, record)
    forms = forms or {}
    for code in languages:
        if code != original and code not in forms:
            form = TranslationForm(formdata=None, obj=saved.get(code), max_length=MAX_WORDS[subject_name],
                                   prefix=code)
            form.version.data = edits.stamp(saved[code], ("text",)) if code in saved else "0:"
            forms[code] = form
    if written_form is None:
        written_form = WrittenInForm(formdata=None, obj=record)
        written_form.stamp(record)
    written_form.language.choices = list(languages.items())
    written_form.language.data = original
    return render_template("words/translations.html", subject=subject, subject_name=subject_name,
                           record=record, original=getattr(record, subject.field) or "", original_language=original,
                           languages=languages, forms=forms, written_form=written_form, back=subject.url(record)), status


@bp.route("/words/<subject_name>/<int:record_id>")
@login_required
def translations(subject_name: str, record_id: int):
    subject, record = _record_or_404(subject_name, record_id)
    return _page(subject_name, subject, record)


@bp.route("/words/<subject_name>/<int:record_id>/<language>", methods=["POST"])
@login_required
def save_translation(subject_name: str, record_id: int, language: str):
    subject, record = _record_or_404(subject_name, record_id)
    if language not in shipped_languages() or language == written_in(record):
        abort(404)
    form = TranslationForm(max_length=MAX_WORDS[subject_name], prefix=language)
    if not form.validate_on_submit():
        return _page(subject_name, subject, record, forms={language: form}, status=422)
    translation = _translations(subject, record).get(language)
    stated = form.stated()
    if translation is None:
        if stated.version != 0:
            raise edits.EditConflict()  # someone removed it since the page was made
        if form.text.data:
            translation = WordsTranslation(language=language, text=form.text.data, translated_by_id=current_user.id,
                                           **{subject.column: record.id})
            db.session.add(translation)
            audit.record("create", translation, after=audit.snapshot(translation))
    elif not form.text.data:
        edits.check_unchanged(translation, stated)
        audit.record("delete", translation, before=audit.snapshot(translation))
        db.session.delete(translation)
    else:
        before = audit.snapshot(translation)
        if edits.apply(translation, stated, {"text": form.text.data}, form.labels()):
            translation.translated_by_id = current_user.id
            audit.record("update", translation, before=before, after=audit.snapshot(translation))
    db.session.commit()
    flash(_("The %(language)s translation is saved.", language=shipped_languages()[language]), "success")
    return redirect(url_for("words.translations", subject_name=subject_name, record_id=record.id))


@bp.route("/words/<subject_name>/<int:record_id>/written-in", methods=["POST"])
@login_required
def written_in_language(subject_name: str, record_id: int):
    subject, record = _record_or_404(subject_name, record_id)
    form = WrittenInForm()
    form.language.choices = list(shipped_languages().items())
    if not form.validate_on_submit():
        return _page(subject_name, subject, record, written_form=form, status=422)
    before = {"language": record.language}
    if edits.apply(record, form.stated(), {"language": form.language.data}, form.labels()):
        audit.record("update", record, before=before, after={"language": record.language})
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("words.translations", subject_name=subject_name, record_id=record.id))
