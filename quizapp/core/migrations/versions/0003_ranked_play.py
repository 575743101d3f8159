"""Ranked play (issue 13): first attempts only on the boards, one open attempt, voids, hides.

Written by hand:
- ``attempt.ranked`` and ``attempt.expired`` are NOT NULL with a false server default, so the
  rows a database holds get a value; the models carry the same default;
- ``attempt.active_at`` (nullable: when it was last answered; the stale close counts from it,
  or from the start before any answer);
- the void and hide columns (when, by which editor, why) are nullable: nothing is voided yet;
- two partial unique indexes on (player_id, quiz_id): one WHERE finished_at IS NULL (one open
  attempt per player and quiz) and one WHERE ranked (one ranked attempt). Both engines
  support partial indexes;
- the data step, before the indexes: each player's earliest attempt per quiz (by started_at,
  then id) becomes the ranked one; of several open attempts per player and quiz all but the
  newest are closed as expired (scored as they stand), so the open index can be created; the
  boards are then rebuilt from the ranked attempts (quizapp.game.ranking.rebuild_boards).
- batch form, as every migration here (docs/migrations.md).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 16:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("attempt") as batch_op:
        batch_op.add_column(
            sa.Column("ranked", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("expired", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("active_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("voided_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("void_reason", sa.String(length=500), nullable=True))
        batch_op.create_foreign_key("fk_attempt_voided_by_editor", "editor", ["voided_by"], ["id"])
    with op.batch_alter_table("player") as batch_op:
        batch_op.add_column(sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("hidden_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("hidden_reason", sa.String(length=500), nullable=True))
        batch_op.create_foreign_key("fk_player_hidden_by_editor", "editor", ["hidden_by"], ["id"])
    _mark_first_attempts_ranked()
    _close_extra_open_attempts()
    op.create_index(
        "ux_attempt_open",
        "attempt",
        ["player_id", "quiz_id"],
        unique=True,
        sqlite_where=sa.text("finished_at IS NULL"),
        postgresql_where=sa.text("finished_at IS NULL"),
    )
    op.create_index(
        "ux_attempt_ranked",
        "attempt",
        ["player_id", "quiz_id"],
        unique=True,
        sqlite_where=sa.text("ranked"),
        postgresql_where=sa.text("ranked"),
    )
    _rebuild_boards()


def _mark_first_attempts_ranked() -> None:
    # The earliest attempt of each (player, quiz): no other attempt of theirs started before
    # it, or at the same moment with a smaller id.
    op.execute(
        """
        UPDATE attempt SET ranked = true
        WHERE NOT EXISTS (
            SELECT 1 FROM attempt AS other
            WHERE other.player_id = attempt.player_id AND other.quiz_id = attempt.quiz_id
              AND (other.started_at < attempt.started_at
                   OR (other.started_at = attempt.started_at AND other.id < attempt.id))
        )
        """
    )


def _close_extra_open_attempts() -> None:
    # Every open attempt but the newest of its (player, quiz) closes as it stands.
    op.execute(
        """
        UPDATE attempt SET finished_at = started_at, expired = true
        WHERE finished_at IS NULL AND EXISTS (
            SELECT 1 FROM attempt AS other
            WHERE other.player_id = attempt.player_id AND other.quiz_id = attempt.quiz_id
              AND other.finished_at IS NULL AND other.id > attempt.id
        )
        """
    )


def _rebuild_boards() -> None:
    # In plain SQL on the tables as this revision leaves them (the models may have moved on);
    # only the pure rule that turns counted attempts into entries is the app's.
    from quizapp.game.ranking import compute_boards

    bind = op.get_bind()
    counted = bind.execute(
        sa.text(
            "SELECT attempt.player_id, attempt.quiz_id, attempt.score, attempt.finished_at,"
            " attempt.id FROM attempt JOIN player ON player.id = attempt.player_id"
            " WHERE attempt.ranked AND attempt.finished_at IS NOT NULL"
            " AND attempt.voided_at IS NULL AND player.hidden_at IS NULL"
        ).columns(
            sa.column("player_id", sa.Integer()),
            sa.column("quiz_id", sa.String()),
            sa.column("score", sa.Integer()),
            sa.column("finished_at", sa.DateTime(timezone=True)),
            sa.column("id", sa.Integer()),
        )
    ).all()
    entries = sa.table(
        "board_entry",
        sa.column("board"),
        sa.column("period"),
        sa.column("player_id"),
        sa.column("score"),
        sa.column("finished_at", sa.DateTime(timezone=True)),
        sa.column("attempt_id"),
    )
    bind.execute(sa.delete(entries))
    rows = [
        {"board": board, "period": key, "player_id": player, **row._asdict()}
        for (board, key, player), row in sorted(compute_boards(counted).items())
    ]
    if rows:
        bind.execute(entries.insert(), rows)
    bind.execute(sa.text("DELETE FROM board_band"))
    bind.execute(
        sa.text(
            "INSERT INTO board_band (board, period, band, entries)"
            " SELECT board, period, score / 100, count(*) FROM board_entry"
            " GROUP BY board, period, score / 100"
        )
    )


def downgrade() -> None:
    """Downgrade schema. The boards keep what they were rebuilt to (first attempts only)."""
    op.drop_index("ux_attempt_ranked", table_name="attempt")
    op.drop_index("ux_attempt_open", table_name="attempt")
    with op.batch_alter_table("player") as batch_op:
        batch_op.drop_constraint("fk_player_hidden_by_editor", type_="foreignkey")
        batch_op.drop_column("hidden_reason")
        batch_op.drop_column("hidden_by")
        batch_op.drop_column("hidden_at")
    with op.batch_alter_table("attempt") as batch_op:
        batch_op.drop_constraint("fk_attempt_voided_by_editor", type_="foreignkey")
        batch_op.drop_column("void_reason")
        batch_op.drop_column("voided_by")
        batch_op.drop_column("voided_at")
        batch_op.drop_column("expired")
        batch_op.drop_column("active_at")
        batch_op.drop_column("ranked")
