"""A community's own words in the reader's language: translations beside the original."""
from flask import Blueprint

bp = Blueprint("words", __name__, template_folder="templates")

from workspace.words import routes  # noqa: E402,F401  (the routes register themselves on bp)
from workspace.words.shown import in_reader_language, words  # noqa: E402
from workspace.words.subjects import may_translate  # noqa: E402


@bp.app_context_processor
def _words_helpers():
    return {"words_of": words, "words_of_many": in_reader_language, "may_translate": may_translate}
