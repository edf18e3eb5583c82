"""A community's own words in another shipped language: an indicator's question as the group put
it, an action plan's title, a feedback case's response to the community.

The original always stays what its authors wrote (in the language they wrote it in, kept on the
record as `language`); a translation is added beside it by the people who look after the record,
one per language, and shown to readers of that language with the original one tap away.
"""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workspace.clock import utcnow
from workspace.extensions import db
from workspace.models.versioning import Versioned

# The longest translation of each kind of words: the original's own limit, with room for a
# language that needs more letters to say the same.
MAX_WORDS = {"indicator": 1000, "plan": 400, "case": 20000}


class WordsTranslation(Versioned, db.Model):
    __tablename__ = "words_translations"
    __table_args__ = (
        # Exactly one record is translated; one translation per record and language.
        CheckConstraint(" + ".join(f"(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)"
                                   for column in ("indicator_id", "plan_id", "case_id")) + " = 1",
                        name="one_record"),
        CheckConstraint("length(text) > 0", name="text_given"),
        UniqueConstraint("indicator_id", "language"),
        UniqueConstraint("plan_id", "language"),
        UniqueConstraint("case_id", "language"),
    )
    __audit_fields__ = ("language", "text")

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("action_plans.id", ondelete="CASCADE"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("feedback_cases.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(Text)
    translated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
