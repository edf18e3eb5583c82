"""Page or fragment: the one place that decides what an htmx request gets back."""
from flask import render_template

from workspace.extensions import htmx


def wants_fragment() -> bool:
    # A history restore needs the whole page, not the piece the original request swapped in.
    return bool(htmx) and not htmx.history_restore_request


def render_page(page_template: str, fragment_template: str, status: int = 200, **context):
    """The whole page normally; only the fragment for an htmx request.

    The page template includes the fragment, so each piece of markup has one source.
    (Vary: HX-Request is added to every response in security.py.)
    """
    template = fragment_template if wants_fragment() else page_template
    return render_template(template, **context), status


def render_form(template: str, form, **context):
    """A page with a form: 422 when the form was sent and refused, so nothing was saved."""
    return render_template(template, form=form, **context), 422 if form.is_submitted() else 200
