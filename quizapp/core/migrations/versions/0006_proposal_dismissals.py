"""Fact proposals an editor dismissed, remembered per article (issue 14).

``proposal_dismissal`` (article_id, key) is the primary key: a proposal is dismissed once per
article. ``key`` is the proposal's key (quizapp.workspace.proposals.Proposal.key), up to
1,000 characters (the kind, the sentence's offset and every role's ids or text).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 08:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "proposal_dismissal",
        sa.Column("article_id", sa.String(length=80), nullable=False),
        sa.Column("key", sa.String(length=1000), nullable=False),
        sa.Column("editor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"]),
        sa.ForeignKeyConstraint(["editor_id"], ["editor.id"]),
        sa.PrimaryKeyConstraint("article_id", "key"),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("proposal_dismissal")
