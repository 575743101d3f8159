"""The daily mix's draw (issue 15): ``fact.draw``, each fact's place in every day's draw.

``fact.draw`` (BIGINT, NOT NULL, server default 0): 62 bits of a BLAKE2b hash of the fact's
id (quizapp.models.draw_key), which the app sets on every insert. The daily mix orders the
live facts by their key combined with the day's (quizapp.game.quizzes.plan_daily) and reads
the questions of the first few hundred only. The facts a database already holds get theirs
here; the function is copied so that this revision means the same whatever the app becomes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 17:00:00.000000
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 5_000  # rows per UPDATE batch


def _draw_key(fact_id: str) -> int:
    digest = hashlib.blake2b(fact_id.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 2


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("fact") as batch_op:
        batch_op.add_column(sa.Column("draw", sa.BigInteger(), nullable=False, server_default="0"))
    connection = op.get_bind()
    ids = [row[0] for row in connection.execute(sa.text("SELECT id FROM fact"))]
    update = sa.text("UPDATE fact SET draw = :draw WHERE id = :id")
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        connection.execute(update, [{"id": i, "draw": _draw_key(i)} for i in batch])


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("fact") as batch_op:
        batch_op.drop_column("draw")
