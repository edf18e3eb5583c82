"""Records that people edit carry a version: see workspace/edits.py for how edits use it."""
from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


class Versioned:
    """A model whose rows carry a version, raised by every save that changes them. An UPDATE
    names the version it read, so a save racing another one fails instead of overwriting it."""

    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}
