"""The initial schema: every table of quizapp.models as it stood when migrations began.

Generated with autogenerate against an empty database, then reviewed by hand:
- column types are SQLAlchemy's own (String, DateTime(timezone=True)) rather than
  SQLModel's AutoString and UTCDateTime, which are the same on the database but are
  library internals a migration should not depend on;
- constraints keep the names (or none) that SQLModel.metadata.create_all gives them, so that a
  database made by create_all before migrations is this revision exactly and can be stamped;
- ix_board_entry_rank keeps its "score DESC": it is the leaderboard's order (quizapp.game.ranking);
- indexes are created with the tables (no batch mode needed for a new table), and dropping a
  table drops its indexes.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 13:42:36.940003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "board_band",
        sa.Column("board", sa.String(length=120), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("band", sa.Integer(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("board", "period", "band"),
    )
    op.create_table(
        "editor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("name_key", sa.String(length=40), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name_key"),
    )
    op.create_table(
        "entity",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_entity_type"), "entity", ["type"], unique=False)

    op.create_table(
        "fact_kind",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "player",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nickname", sa.String(length=24), nullable=False),
        sa.Column("nickname_key", sa.String(length=24), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("nickname_key"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_table(
        "article",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("event_id", sa.String(), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["entity.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_article_event_id"), "article", ["event_id"], unique=False)

    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("editor_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["editor_id"], ["editor.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_change_log_at"), "change_log", ["at"], unique=False)
    op.create_index(
        "ix_change_log_subject", "change_log", ["subject", "subject_id", "at"], unique=False
    )

    op.create_table(
        "quiz",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("scope_id", sa.String(length=80), nullable=False),
        sa.Column("question_count", sa.Integer(), nullable=False),
        sa.Column("seconds_per_question", sa.Integer(), nullable=False),
        sa.Column("scoring_mode", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["editor.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "template",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("style", sa.String(length=20), nullable=False),
        sa.Column("prompt", sa.String(length=300), nullable=False),
        sa.Column("answer_role", sa.String(length=40), nullable=False),
        sa.Column("explanation", sa.String(length=300), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["kind"], ["fact_kind.name"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_template_kind"), "template", ["kind"], unique=False)

    op.create_table(
        "attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quiz_id", sa.String(), nullable=False),
        sa.Column("player_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.Column("streak", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["player_id"], ["player.id"]),
        sa.ForeignKeyConstraint(["quiz_id"], ["quiz.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_attempt_player_id"), "attempt", ["player_id"], unique=False)
    op.create_index(op.f("ix_attempt_quiz_id"), "attempt", ["quiz_id"], unique=False)

    op.create_table(
        "fact",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("article_id", sa.String(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"]),
        sa.ForeignKeyConstraint(["kind"], ["fact_kind.name"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_fact_article_id"), "fact", ["article_id"], unique=False)
    op.create_index(op.f("ix_fact_kind"), "fact", ["kind"], unique=False)

    op.create_table(
        "quiz_item",
        sa.Column("style", sa.String(length=20), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.Column("accepted", sa.JSON(), nullable=False),
        sa.Column("solution", sa.Text(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.Column("difficulty", sa.Float(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("quiz_id", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=20), nullable=False),
        sa.Column("template_id", sa.String(length=80), nullable=False),
        sa.Column("fact_id", sa.String(length=80), nullable=False),
        sa.Column("article_id", sa.String(length=80), nullable=False),
        sa.Column("article_title", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["quiz_id"], ["quiz.id"]),
        sa.PrimaryKeyConstraint("quiz_id", "position"),
    )
    op.create_index(op.f("ix_quiz_item_fact_id"), "quiz_item", ["fact_id"], unique=False)
    op.create_index(op.f("ix_quiz_item_question_id"), "quiz_item", ["question_id"], unique=False)
    op.create_index(op.f("ix_quiz_item_template_id"), "quiz_item", ["template_id"], unique=False)

    op.create_table(
        "attempt_answer",
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=20), nullable=False),
        sa.Column("served_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("given", sa.String(length=200), nullable=True),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("elapsed_ms", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["attempt_id"], ["attempt.id"]),
        sa.PrimaryKeyConstraint("attempt_id", "position"),
    )
    op.create_table(
        "board_entry",
        sa.Column("board", sa.String(length=120), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("player_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["attempt_id"], ["attempt.id"]),
        sa.ForeignKeyConstraint(["player_id"], ["player.id"]),
        sa.PrimaryKeyConstraint("board", "period", "player_id"),
    )
    op.create_index(
        "ix_board_entry_rank",
        "board_entry",
        ["board", "period", sa.text("score DESC"), "finished_at", "player_id"],
        unique=False,
    )

    op.create_table(
        "fact_entity",
        sa.Column("fact_id", sa.String(), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["entity_id"], ["entity.id"]),
        sa.ForeignKeyConstraint(["fact_id"], ["fact.id"]),
        sa.PrimaryKeyConstraint("fact_id", "role", "entity_id"),
    )
    op.create_index(op.f("ix_fact_entity_entity_id"), "fact_entity", ["entity_id"], unique=False)

    op.create_table(
        "problem_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("player_id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("quiz_id", sa.String(length=120), nullable=False),
        sa.Column("question_id", sa.String(length=20), nullable=False),
        sa.Column("template_id", sa.String(length=80), nullable=False),
        sa.Column("fact_id", sa.String(length=80), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.String(length=500), nullable=True),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["attempt_id"], ["attempt.id"]),
        sa.ForeignKeyConstraint(["player_id"], ["player.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_problem_report_fact_id"), "problem_report", ["fact_id"], unique=False)
    op.create_index(
        op.f("ix_problem_report_player_id"), "problem_report", ["player_id"], unique=False
    )
    op.create_index(
        op.f("ix_problem_report_template_id"), "problem_report", ["template_id"], unique=False
    )

    op.create_table(
        "question",
        sa.Column("style", sa.String(length=20), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.Column("accepted", sa.JSON(), nullable=False),
        sa.Column("solution", sa.Text(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.Column("difficulty", sa.Float(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("id", sa.String(length=20), nullable=False),
        sa.Column("template_id", sa.String(), nullable=False),
        sa.Column("fact_id", sa.String(), nullable=False),
        sa.Column("article_id", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"]),
        sa.ForeignKeyConstraint(["fact_id"], ["fact.id"]),
        sa.ForeignKeyConstraint(["template_id"], ["template.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_question_article_id"), "question", ["article_id"], unique=False)
    op.create_index(op.f("ix_question_fact_id"), "question", ["fact_id"], unique=False)
    op.create_index(op.f("ix_question_template_id"), "question", ["template_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("question")
    op.drop_table("problem_report")
    op.drop_table("fact_entity")
    op.drop_table("board_entry")
    op.drop_table("attempt_answer")
    op.drop_table("quiz_item")
    op.drop_table("fact")
    op.drop_table("attempt")
    op.drop_table("template")
    op.drop_table("quiz")
    op.drop_table("change_log")
    op.drop_table("article")
    op.drop_table("player")
    op.drop_table("fact_kind")
    op.drop_table("entity")
    op.drop_table("editor")
    op.drop_table("board_band")
