"""Links for the rows of a long list, built with url_for once a page instead of once a row."""
from flask import url_for

# Stands for a row's id while url_for builds the link; no other part of a link contains it.
_PLACEHOLDER = 918273645


def row_href(endpoint: str, key: str, **values) -> str:
    """The link to each row's record with %d where its id goes: in a template, `href % id` is
    url_for(endpoint, key=id, **values). url_for costs more than the rest of a row."""
    href = url_for(endpoint, **values, **{key: _PLACEHOLDER})
    return href.replace("%", "%%").replace(str(_PLACEHOLDER), "%d")


def register(app) -> None:
    app.jinja_env.globals["row_href"] = row_href
