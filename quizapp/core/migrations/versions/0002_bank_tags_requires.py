"""The bank's data for issue 12: entity tags, open lists, template requirements, unique roles.

Written by hand after autogenerate's four add_column lines, for what it cannot know:
- each column is NOT NULL with a server default ('[]' or '{}'), so the rows a database
  already holds get the empty value, which is what a bank file without the field means;
  the models carry the same server default, so create_all and the migrations agree;
- batch form, as every migration here (docs/migrations.md): on SQLite adding a column is a
  plain ALTER, dropping one rebuilds the table.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 13:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, the empty value as the database's default)
COLUMNS = (
    ("fact_kind", "unique_given", "{}"),
    ("entity", "tags", "[]"),
    ("fact", "open_roles", "[]"),
    ("template", "requires", "{}"),
)


def upgrade() -> None:
    """Upgrade schema."""
    for table, column, empty in COLUMNS:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column(column, sa.JSON(), nullable=False, server_default=empty))


def downgrade() -> None:
    """Downgrade schema."""
    for table, column, _ in reversed(COLUMNS):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column(column)
