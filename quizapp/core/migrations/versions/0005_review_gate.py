"""Issue 14's review gate: workspace saves wait for an editor's review before players see them.

- ``fact.reviewed`` and ``template.reviewed`` (NOT NULL, server default true): a workspace
  save of a fact or of a published template sets it false, and the review screen
  (quizapp.workspace.review) sets it true again; automatic quizzes are built only from
  questions whose fact and template are both reviewed. Existing rows were loaded from the
  files or saved before the gate existed, so they count as reviewed.
- ``fact_kind.same_fact`` (JSON list, NOT NULL, server default ``[]``): the roles that make two
  facts of the kind the same fact (kinds.yaml's ``same_fact``); empty means every role. The
  loader and the workspace refuse a second live fact with the same roles.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 08:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("fact", "template")


def upgrade() -> None:
    """Upgrade schema."""
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(
                sa.Column("reviewed", sa.Boolean(), nullable=False, server_default=sa.true())
            )
    with op.batch_alter_table("fact_kind") as batch_op:
        batch_op.add_column(sa.Column("same_fact", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("fact_kind") as batch_op:
        batch_op.drop_column("same_fact")
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("reviewed")
