"""Fact kinds edited in the browser (issue 15): each kind keeps its cue phrases.

``fact_kind.cues`` (JSON list of strings, NOT NULL, server default ``[]``): plain phrases
such as "{winner} won {award}" that the fact proposer (quizapp.workspace.propose) reads as
patterns; kinds.yaml's ``cues``. The kinds a database already holds get none, which is what
a kinds.yaml without the field means.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 14:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("fact_kind") as batch_op:
        batch_op.add_column(sa.Column("cues", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("fact_kind") as batch_op:
        batch_op.drop_column("cues")
