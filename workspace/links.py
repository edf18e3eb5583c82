"""Links for the rows of a long list, built with url_for once a page instead of once a row:
url_for costs more than the rest of a row."""
from flask import url_for

from workspace.inputs import MAX_ID

# Stands for a row's id while url_for builds the address: one more than any id, so no other part
# of an address holds it.
_MARKER = str(MAX_ID + 1)


def url_pattern(endpoint: str, key: str, anchor: str | None = None, **values) -> str:
    """The endpoint's address with `key` (and the end of the anchor, if any) left as {0}:
    `url_pattern(endpoint, key, **values).format(id)` is url_for(endpoint, key=id, **values)."""
    if anchor is not None:
        values["_anchor"] = anchor + _MARKER
    return url_for(endpoint, **values, **{key: _MARKER}).replace(_MARKER, "{0}")


def register(app) -> None:
    app.jinja_env.globals["url_pattern"] = url_pattern
