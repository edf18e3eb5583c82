"""Read a form out of a page as a browser would send it back: every field with its value."""
from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[MultiDict] = []
        self.current: MultiDict | None = None
        self.select: str | None = None
        self.select_first: str | None = None
        self.select_chosen = False
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = MultiDict()
        elif self.current is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file"):
                self.current.add(attrs["name"], attrs.get("value", "" if kind != "checkbox" else "y"))
        elif tag == "select":
            # A list that takes several choices sends none when none is chosen; a menu sends its first.
            self.select, self.select_first = attrs.get("name"), None
            self.select_chosen = "multiple" in attrs
        elif tag == "option" and self.select:
            value = attrs.get("value", "")
            if self.select_first is None:
                self.select_first = value
            if "selected" in attrs:
                self.current.add(self.select, value)
                self.select_chosen = True
        elif tag == "textarea":
            self.textarea, self.text = attrs.get("name"), ""

    def handle_data(self, data):
        if self.textarea is not None:
            self.text += data

    def handle_endtag(self, tag):
        if self.current is None:
            return
        if tag == "select" and self.select:
            if not self.select_chosen and self.select_first is not None:
                self.current.add(self.select, self.select_first)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            # A browser drops the line break that opens a textarea's content.
            self.current.add(self.textarea, self.text.removeprefix("\r\n").removeprefix("\n"))
            self.textarea = None
        elif tag == "form":
            self.forms.append(self.current)
            self.current = None


def form_values(html: str, having: str = "version") -> MultiDict:
    """The first form on the page with a field named `having`, filled as the page shows it."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if having in form:
            return form
    raise AssertionError(f"no form with a field {having!r} on the page")
