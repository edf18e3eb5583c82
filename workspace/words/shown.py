"""The words a reader is shown: the original, or its translation into the reader's language with
the original beside it. A page asks for all its records at once: one query, however many."""
from dataclasses import dataclass
from functools import cache

from flask import current_app, has_request_context
from flask_babel import get_locale
from sqlalchemy import Select, bindparam, event, inspect, select

from workspace.models import WordsTranslation
from workspace.pages import read
from workspace.words.subjects import SUBJECTS, subject_of


@dataclass(frozen=True)
class Words:
    text: str
    language: str
    original: str | None = None  # given when `text` is a translation
    original_language: str | None = None
    original_label: str = ""


def written_in(record) -> str:
    return record.language or current_app.config["BABEL_DEFAULT_LOCALE"]


@cache
def _translations_of(column_name: str) -> Select:
    """(record id, translated words) of the records `ids` in `language`: built once for each kind
    of record (most pages with a community's words ask)."""
    column = getattr(WordsTranslation, column_name)
    return select(column, WordsTranslation.text).where(column.in_(bindparam("ids", expanding=True)),
                                                       WordsTranslation.language == bindparam("language"))


def in_reader_language(records, subject_name: str | None = None) -> dict[int, Words]:
    """Each record's words as the reader reads them, by record id: records of one subject, as
    models or as rows with the model's id, language and words columns (then name the subject)."""
    records = [record for record in records if record is not None]
    if not records:
        return {}
    subject = SUBJECTS[subject_name or subject_of(records[0])]
    reader = str(get_locale())
    foreign = [record.id for record in records if written_in(record) != reader]
    translated = {}
    if foreign:
        translated = dict(read(_translations_of(subject.column), {"ids": foreign, "language": reader}).all())
    shown = {}
    for record in records:
        original = getattr(record, subject.field) or ""
        if record.id in translated:
            shown[record.id] = Words(translated[record.id], reader, original, written_in(record),
                                     str(subject.original_label))
        else:
            shown[record.id] = Words(original, written_in(record))
    return shown


def words(record) -> Words | None:
    """One record's words as the reader reads them (for a page about that record)."""
    return in_reader_language([record]).get(record.id) if record is not None else None


def _note_language(_mapper, _connection, record) -> None:
    """Words written for the first time (a new indicator or plan, a case's first response) get
    the writer's language. A later correction by someone reading in another language leaves it;
    the translations page corrects it when it is wrong."""
    if record.language is not None or not has_request_context():
        return
    field = SUBJECT_FIELDS[type(record)]
    if not getattr(record, field):
        return
    history = inspect(record).attrs[field].history
    first_written = not inspect(record).persistent or (history.deleted and not any(history.deleted))
    if first_written:
        record.language = str(get_locale())


SUBJECT_FIELDS = {subject.model: subject.field for subject in SUBJECTS.values()}
for _model in SUBJECT_FIELDS:
    event.listen(_model, "before_insert", _note_language)
    event.listen(_model, "before_update", _note_language)
