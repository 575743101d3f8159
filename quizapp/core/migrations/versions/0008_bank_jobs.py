"""Background work on the bank (issue 15): ``bank_job``, one row per publish or refresh.

A publish of a template with many facts, or a correction that moves an entity into or out of
a pool of wrong answers, is queued here in the transaction of the save that asks for it and
done by a worker (quizapp.workspace.jobs), which writes its progress on the row.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 18:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "bank_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.String(length=120), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("editor_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["editor_id"], ["editor.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_bank_job_subject_id", "bank_job", ["subject_id"])
    op.create_index("ix_bank_job_state", "bank_job", ["state"])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_bank_job_state", table_name="bank_job")
    op.drop_index("ix_bank_job_subject_id", table_name="bank_job")
    op.drop_table("bank_job")
