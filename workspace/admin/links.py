"""Links for the rows of a long list, built with url_for once a page instead of once a row."""
from flask import url_for

# Stands for a row's id while url_for builds the link; no other part of a link contains it.
_PLACEHOLDER = 918273645


class RowLink:
    """A link to each row's record: `RowLink("admin.area", "area_id")(7)` is url_for("admin.area",
    area_id=7). url_for costs more than the rest of a row, and the area tree draws a hundred rows
    with three links each."""

    def __init__(self, endpoint: str, key: str, **values):
        self.head, self.tail = url_for(endpoint, **values, **{key: _PLACEHOLDER}).split(str(_PLACEHOLDER))

    def __call__(self, record_id: int) -> str:
        return f"{self.head}{int(record_id)}{self.tail}"
