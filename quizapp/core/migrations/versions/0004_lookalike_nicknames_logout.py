"""Issue 13's hardened edges: nicknames unique by their lookalike key, logouts that end logins.

- ``player.nickname_key`` was the nickname casefolded; it becomes
  quizapp.core.text.lookalike_key (a digest of the UTS #39 skeleton), recomputed for every
  row. Players whose names already look alike keep their names: the oldest gets the key, each
  later one a key derived from its id, which no typed nickname can have (it holds a NUL), so
  the names stay shown as they are and nobody new can take a third lookalike.
- ``editor.login_epoch`` (NOT NULL, server default 0): a login cookie carries the epoch it
  was made at and logging out counts it up, so a copy of the cookie dies with the logout.


Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 17:00:00.000000
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

from quizapp.core.text import lookalike_key

# Revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PLAYER = sa.table(
    "player", sa.column("id", sa.Integer), sa.column("nickname"), sa.column("nickname_key")
)


def _rekey(key_of: Callable[[str, int, set[str]], str]) -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(PLAYER.c.id, PLAYER.c.nickname).order_by(PLAYER.c.id)).all()
    keys: dict[int, str] = {}
    taken: set[str] = set()
    for player_id, nickname in rows:
        keys[player_id] = key_of(nickname, player_id, taken)
        taken.add(keys[player_id])
    # Two passes, so that no row ever holds a key another row still has.
    for player_id in keys:
        conn.execute(
            PLAYER.update().where(PLAYER.c.id == player_id).values(nickname_key=f"~{player_id}")
        )
    for player_id, key in keys.items():
        conn.execute(PLAYER.update().where(PLAYER.c.id == player_id).values(nickname_key=key))


def _lookalike(nickname: str, player_id: int, taken: set[str]) -> str:
    key = lookalike_key(nickname)
    return key if key not in taken else lookalike_key(f"{nickname}\x00{player_id}")


def _casefolded(nickname: str, player_id: int, taken: set[str]) -> str:
    key = nickname.casefold()[:24]
    return key if key not in taken else f"{key[:16]}~{player_id}"[:24]


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("editor") as batch_op:
        batch_op.add_column(
            sa.Column("login_epoch", sa.Integer(), nullable=False, server_default="0")
        )
    _rekey(_lookalike)


def downgrade() -> None:
    """Downgrade schema."""
    _rekey(_casefolded)
    with op.batch_alter_table("editor") as batch_op:
        batch_op.drop_column("login_epoch")
