"""Alembic's environment for quizapp: the models' metadata, and how to reach the database.

Not run directly: `quizapp.core.migrate` builds the Alembic config in code (there is no
alembic.ini, so this works from an installed wheel) and passes the connection to use, in a
transaction it owns, in ``config.attributes["connection"]``. Only a config made with a URL and
no connection (``--sql``, which writes the SQL out instead of running it) gets here without one.
"""

from collections.abc import Iterable
from typing import TypedDict

from alembic import context
from alembic.operations.ops import MigrationScript
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, create_engine, pool
from sqlmodel import SQLModel

from quizapp import models  # noqa: F401  (registers the tables on SQLModel.metadata)

config = context.config
target_metadata = SQLModel.metadata


class Options(TypedDict):
    """The options every run passes to ``context.configure``."""

    target_metadata: MetaData
    compare_type: bool
    render_as_batch: bool


OPTIONS: Options = {
    "target_metadata": target_metadata,
    # A changed column type (a longer VARCHAR, say) is a schema change worth a migration.
    "compare_type": True,
    # SQLite cannot ALTER most things in place; batch operations rebuild the table there and
    # are plain ALTERs on PostgreSQL. Migrations are shared by both engines, so they are always
    # written in batch form, whichever database autogenerate compared against.
    "render_as_batch": True,
}


def skip_empty_revisions(
    _context: MigrationContext,
    _revision: str | Iterable[str | None] | Iterable[str],
    directives: list[MigrationScript],
) -> None:
    """Write no file when autogenerate finds nothing to change (Alembic's cookbook recipe)."""
    cmd_opts = config.cmd_opts
    if cmd_opts is not None and getattr(cmd_opts, "autogenerate", False):
        upgrade_ops = directives[0].upgrade_ops
        if upgrade_ops is not None and upgrade_ops.is_empty():
            directives[:] = []
            print("The database matches the models: no migration written.")


def run_migrations_offline() -> None:
    """Write the migrations' SQL out (``--sql``) instead of running it."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        process_revision_directives=skip_empty_revisions,
        **OPTIONS,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on the given connection, or on one opened from the URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        # The caller (quizapp.core.migrate) owns the transaction, the locks and the connection.
        context.configure(
            connection=connection, process_revision_directives=skip_empty_revisions, **OPTIONS
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("the migrations need a connection or a URL (migrate.make_config)")
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection, process_revision_directives=skip_empty_revisions, **OPTIONS
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
