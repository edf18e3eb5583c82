"""Links for the rows of a long list, built with url_for once a page instead of once a row:
url_for costs more than the rest of a row. And the addresses templates ask for again and again
(the header's, a page's buttons), built once a process."""
from flask import request, url_for

from workspace.inputs import MAX_ID

# Stands for a row's id while url_for builds the address: one more than any id, so no other part
# of an address holds it.
_MARKER = str(MAX_ID + 1)


def url_pattern(endpoint: str, key: str, anchor: str | None = None, **values) -> str:
    """The endpoint's address with `key` (and the end of the anchor, if any) left as {0}:
    `url_pattern(endpoint, key, **values).format(id)` is url_for(endpoint, key=id, **values)."""
    if anchor is not None:
        values["_anchor"] = anchor + _MARKER
    return cached_url_for(endpoint, **values, **{key: _MARKER}).replace(_MARKER, "{0}")


# At most this many addresses are kept; past it the cache starts again, so that addresses with
# ids in them cannot make it grow without end.
_MOST_KEPT = 4096
_BUILT: dict[tuple, str] = {}


def cached_url_for(endpoint: str, **values) -> str:
    """url_for for templates: the same address for the same endpoint, values and mount point is
    built once. An external address, or one relative to the current blueprint, is built anew."""
    if endpoint[0] == "." or "_external" in values or "_scheme" in values:
        return url_for(endpoint, **values)
    try:
        key = (request.script_root, endpoint, *sorted(values.items()))
        return _BUILT[key]
    except KeyError:
        pass
    except TypeError:  # a value that cannot be a key (a list of values for one name)
        return url_for(endpoint, **values)
    if len(_BUILT) >= _MOST_KEPT:
        _BUILT.clear()
    address = _BUILT[key] = url_for(endpoint, **values)
    return address


def register(app) -> None:
    app.jinja_env.globals["url_pattern"] = url_pattern
    if not app.debug:  # in debug mode a static file's address changes with its content
        app.jinja_env.globals["url_for"] = cached_url_for
