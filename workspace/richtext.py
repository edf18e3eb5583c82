"""Formatted text typed by people (terms of reference, descriptions): Markdown in, sanitised HTML
out. Whatever HTML a person types is cleaned to a short list of harmless tags.

The HTML depends on the text alone, so the last few hundred texts shown are kept: a committee's
terms of reference are read far more often than they change, and converting them costs more than
the rest of the page."""
from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4", "blockquote", "code", "pre", "hr"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def render(text: str | None) -> Markup:
    return Markup(_clean_html(text)) if text else Markup("")


@lru_cache(maxsize=256)
def _clean_html(text: str) -> str:
    html = markdown.markdown(text, extensions=["sane_lists"])
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow")


def register(app) -> None:
    app.jinja_env.filters["rich_text"] = render
