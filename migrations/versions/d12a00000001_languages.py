"""Languages: each person's language, the language of a community's own words, and translations
of those words

Revision ID: d12a00000001
Revises: d11a00000006
Create Date: 2026-11-23 23:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd12a00000001'
down_revision = 'd11a00000006'
branch_labels = None
depends_on = None

ORIGINALS = ("users", "indicators", "action_plans", "feedback_cases")


def upgrade():
    for table in ORIGINALS:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("language", sa.String(length=12), nullable=True))
    one_record = " + ".join(f"(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)"
                            for column in ("indicator_id", "plan_id", "case_id")) + " = 1"
    op.create_table(
        "words_translations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=True),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=12), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("translated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(one_record, name=op.f("ck_words_translations_one_record")),
        sa.CheckConstraint("length(text) > 0", name=op.f("ck_words_translations_text_given")),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicators.id"], ondelete="CASCADE",
                                name=op.f("fk_words_translations_indicator_id_indicators")),
        sa.ForeignKeyConstraint(["plan_id"], ["action_plans.id"], ondelete="CASCADE",
                                name=op.f("fk_words_translations_plan_id_action_plans")),
        sa.ForeignKeyConstraint(["case_id"], ["feedback_cases.id"], ondelete="CASCADE",
                                name=op.f("fk_words_translations_case_id_feedback_cases")),
        sa.ForeignKeyConstraint(["translated_by_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_words_translations_translated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_words_translations")),
        sa.UniqueConstraint("indicator_id", "language", name=op.f("uq_words_translations_indicator_id")),
        sa.UniqueConstraint("plan_id", "language", name=op.f("uq_words_translations_plan_id")),
        sa.UniqueConstraint("case_id", "language", name=op.f("uq_words_translations_case_id")),
    )


def downgrade():
    op.drop_table("words_translations")
    for table in reversed(ORIGINALS):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("language")
