"""Schema migrations: Alembic, configured in code so that an installed wheel can run them.

The migration scripts live in ``quizapp/core/migrations/versions``. `quizapp upgrade-db`,
`init-db`, `start` and every command that reads or writes the bank call :func:`upgrade`
(quizapp/cli.py); tests compare a migrated database with the models through :func:`check`.
For everything else Alembic's own command line is here with the configuration filled in
(docs/migrations.md)::

    python -m quizapp.core.migrate revision --autogenerate -m "add player country"
    python -m quizapp.core.migrate -x url=sqlite:///scratch.sqlite upgrade head
    python -m quizapp.core.migrate history

No Flask here: the functions take an engine, like the other domain modules.
"""

import contextlib
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import CommandLine, Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text
from sqlmodel import SQLModel

from quizapp import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from quizapp.core.database import make_engine
from quizapp.core.paths import default_database_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"  # Alembic's default, named for the check below
# Key of the PostgreSQL advisory lock held while migrating: app hosts that start at the same
# time then upgrade one after the other instead of racing to create the same tables. Any
# fixed number works; this one spells "quiz" in ASCII.
PG_MIGRATION_LOCK = 0x7175697A


class SchemaMismatchError(Exception):
    """The database has quizapp's tables but no migration history, and they differ from the
    models, so no revision can be assumed for it."""

    def __init__(self, url: str, differences: list[str]):
        self.differences = differences
        lines = "\n".join(f"  - {difference}" for difference in differences)
        super().__init__(
            f"The database at {url} has quizapp's tables but no migration history (it was made "
            "before migrations, by create_all), and its schema differs from the models:\n"
            f"{lines}\n"
            "Nothing was changed. Back the database up, then either change it by hand until "
            "it matches, or stamp the revision it does match "
            "(`python -m quizapp.core.migrate stamp REVISION`) and run `quizapp upgrade-db`; or "
            "start from an empty database (`quizapp dump-bank` first keeps the workspace's "
            "bank; players and attempts are lost)."
        )


def make_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """An Alembic config for quizapp's migrations, on ``connection`` or else on ``url``.

    Built in code rather than read from alembic.ini, whose location would depend on where the
    package is installed. The connection, when given, is used as it is: the caller owns its
    transaction.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # The file names sort in the order the migrations run: 0001_initial.py, 0002_....py.
    # (%% because the config parser interpolates; Alembic then fills in rev and slug.)
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision of the migration scripts."""
    head = ScriptDirectory.from_config(make_config()).get_current_head()
    assert head is not None, f"no migrations in {MIGRATIONS_DIR}"
    return head


def next_revision_id() -> str:
    """The id for a new migration: 0001, 0002, ..., so that the files sort in the order they
    run (Alembic's default is a random hex string)."""
    head = ScriptDirectory.from_config(make_config()).get_current_head()
    return f"{int(head or 0) + 1:04d}"


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None if it has no migration history."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database up to ``revision``: from empty, or from any earlier revision.

    A database made before migrations existed (by ``SQLModel.metadata.create_all``, so it has
    quizapp's tables but no ``alembic_version``) is stamped at the head revision if its schema
    matches the models, since create_all then made what the migrations would have; if it
    differs, :class:`SchemaMismatchError` says how, and nothing changes. Upgrading a database
    that is at ``revision`` already changes nothing.
    """
    with migrating(engine) as connection:
        if _made_before_migrations(connection):
            differences = _differences(connection)
            if differences:
                raise SchemaMismatchError(_safe_url(engine), differences)
            command.stamp(make_config(connection), "head")
        command.upgrade(make_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the database down to ``revision`` ("base" removes every table)."""
    with migrating(engine) as connection:
        command.downgrade(make_config(connection), revision)


def stamp(engine: Engine, revision: str) -> None:
    """Record ``revision`` as the database's revision without running any migration."""
    with migrating(engine) as connection:
        command.stamp(make_config(connection), revision)


def check(engine: Engine) -> list[str]:
    """The differences between the database's schema and the models, one line each.

    Empty when the database is what the models describe: after `upgrade` to head, that proves
    the migrations and the models agree. Tables, columns and their types and nullability,
    indexes, unique constraints and foreign keys are compared (Alembic's autogenerate). Not
    the order of an index's columns on SQLite, which SQLAlchemy does not reflect there.
    """
    with engine.connect() as connection:
        return _differences(connection)


@contextlib.contextmanager
def migrating(engine: Engine) -> Iterator[Connection]:
    """A connection in one transaction for running migrations: committed at the end, rolled
    back on any error, and held alone against other processes migrating the same database.

    On PostgreSQL DDL is transactional, and an advisory lock makes a second process wait and
    then find the work done. On SQLite the driver would run DDL outside any transaction,
    so the transaction is begun by hand, with IMMEDIATE taking the write lock at once;
    foreign keys are switched off meanwhile, as SQLite's documentation prescribes for
    rebuilding a table (what a batch migration does), since dropping the old copy of a table
    would otherwise delete or refuse rows that refer to it; they are checked before the
    commit instead.
    """
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            # PRAGMA foreign_keys is a no-op inside a transaction: set it before one begins.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                if sqlite:
                    connection.exec_driver_sql("BEGIN IMMEDIATE")
                elif engine.dialect.name == "postgresql":
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK}
                    )
                yield connection
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"the migration broke foreign keys: {broken[:10]}")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def _made_before_migrations(connection: Connection) -> bool:
    tables = set(inspect(connection).get_table_names())
    return VERSION_TABLE not in tables and bool(tables & set(SQLModel.metadata.tables))


def _differences(connection: Connection) -> list[str]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "target_metadata": SQLModel.metadata}
    )
    lines: list[str] = []
    for diff in compare_metadata(context, SQLModel.metadata):
        # Column changes come grouped in a list per column; everything else is one tuple.
        for change in diff if isinstance(diff, list) else [diff]:
            lines.append(describe(change))
    return lines


def describe(change: tuple[Any, ...]) -> str:
    """One autogenerate difference in words ("column player.country: not in the database")."""
    kind = change[0]
    if kind in ("add_table", "remove_table"):
        where = "not in the database" if kind == "add_table" else "not in the models"
        return f"table {change[1].name}: {where}"
    if kind in ("add_column", "remove_column"):
        where = "not in the database" if kind == "add_column" else "not in the models"
        return f"column {change[2]}.{change[3].name}: {where}"
    if kind in ("add_index", "remove_index", "add_constraint", "remove_constraint"):
        item = change[1]
        what = "index" if kind.endswith("index") else type(item).__name__
        where = "not in the database" if kind.startswith("add") else "not in the models"
        columns = ", ".join(str(c) for c in getattr(item, "expressions", None) or item.columns)
        return f"{what} {item.name or '(unnamed)'} on {item.table.name} ({columns}): {where}"
    if kind in ("add_fk", "remove_fk"):
        fk = change[1]
        where = "not in the database" if kind == "add_fk" else "not in the models"
        columns = ", ".join(fk.column_keys)
        return f"foreign key {fk.table.name}({columns}) -> {fk.referred_table.name}: {where}"
    if kind.startswith("modify_"):
        _, _schema, table, column, _kw, in_database, in_models = change
        what = kind.removeprefix("modify_")
        return (
            f"column {table}.{column}: {what} {in_database!r} in the database, "
            f"{in_models!r} in the models"
        )
    return repr(change)


def _safe_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


# Commands that read or write the database; the others only read or write the scripts.
_DATABASE_COMMANDS = {"upgrade", "downgrade", "stamp", "current", "check", "ensure_version"}


def main(argv: Sequence[str] | None = None) -> None:
    """Alembic's command line, on quizapp's migrations and the app's database.

    The database is ``-x url=...`` if given, else DATABASE_URL, else the app's default SQLite
    file in the instance folder (quizapp.core.paths). Commands that touch the
    database run on a connection from :func:`migrating`, as `quizapp upgrade-db` does.
    """
    logging.basicConfig(format="%(message)s", level=logging.INFO, stream=sys.stderr)
    cli = CommandLine(prog="python -m quizapp.core.migrate")
    options = cli.parser.parse_args(argv)
    if not hasattr(options, "cmd"):
        cli.parser.error("too few arguments")

    url = _database_url(options.x or [])
    name = options.cmd[0].__name__
    if name == "revision" and not options.rev_id:
        options.rev_id = next_revision_id()
    needs_database = name in _DATABASE_COMMANDS or getattr(options, "autogenerate", False)
    if getattr(options, "sql", False) or not needs_database:
        config = make_config(url=url)
        config.cmd_opts = options
        cli.run_cmd(config, options)
        return
    engine = make_engine(url)
    try:
        with migrating(engine) as connection:
            config = make_config(connection)
            config.cmd_opts = options
            cli.run_cmd(config, options)
    finally:
        engine.dispose()


def _database_url(x_arguments: list[str]) -> str:
    for argument in x_arguments:
        key, _, value = argument.partition("=")
        if key == "url":
            return value
    return os.environ.get("DATABASE_URL") or default_database_url()


if __name__ == "__main__":
    main()
