"""The one database module: an engine from config, a SQLModel session per request.

Shaped like flaskr's get_db/close_db/init_app (STYLE.md 5).
"""

import sqlite3
import time

from flask import Flask, current_app, g
from sqlalchemy import Engine, event
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlmodel import Session, SQLModel, create_engine

from quizapp import models  # noqa: F401  (registers the tables on SQLModel.metadata)

# How long a connection waits for another's write lock before giving up with "database is
# locked". Write transactions here last milliseconds; this only has to outlast a queue of them.
SQLITE_BUSY_TIMEOUT_S = 15

# The database failed, not the request: a connection dropped or refused (a restart, an
# operator's pg_terminate_backend), a lock or a pool slot waited for too long. The same request
# is likely to work a moment later, so the web and API layers answer 503 "try again" for these
# rather than 500; IntegrityError, DataError and the like stay 500, since they are bugs.
OUTAGE_ERRORS = (OperationalError, InterfaceError, PoolTimeoutError)


def make_engine(url: str) -> Engine:
    """Create an engine for ``url``; SQLite gets configured for a few concurrent workers.

    On SQLite: foreign keys enforced; the WAL journal, so that readers never wait for a writer
    and a commit appends to the log instead of rewriting pages; ``synchronous=NORMAL``, which
    in WAL mode is still safe against corruption and loses at most the last commits on power
    loss, not on a crash of the app; a busy timeout; and write transactions that take the
    write lock up front. The driver runs reads outside a transaction and opens one just before
    the first write, here with ``BEGIN IMMEDIATE``: a transaction that began as a reader and
    then writes would fail at once with "database is locked" whenever another worker had
    committed meanwhile, whatever the busy timeout, whereas one that starts with the lock
    simply queues. Django (``transaction_mode``) and Rails make the same choice for SQLite.
    """
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(
        url,
        connect_args={
            "check_same_thread": False,
            "timeout": SQLITE_BUSY_TIMEOUT_S,
            "isolation_level": "IMMEDIATE",
        },
    )
    in_memory = ":memory:" in url or url.rstrip("/") == "sqlite:"

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not in_memory:
            _switch_to_wal(cursor)
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def _switch_to_wal(cursor: sqlite3.Cursor) -> None:
    """Put the database in WAL mode, waiting out other connections doing the same.

    On a new database (still in rollback-journal mode) two connections switching at once can
    each hold a read lock and want the write lock; SQLite then answers "database is locked"
    at once, without the busy handler, because waiting would deadlock (sqlite3_busy_handler's
    documentation). One of them gets the switch a moment later, so retry until the timeout,
    as the busy handler would have. Two app hosts upgrading one new database on start hit this.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_S
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


def get_engine(app: Flask | None = None) -> Engine:
    """Return the app's engine, creating it from DATABASE_URL on first use."""
    app = app or current_app
    engine = app.extensions.get("quizapp.engine")
    if engine is None:
        engine = make_engine(app.config["DATABASE_URL"])
        app.extensions["quizapp.engine"] = engine
    return engine


def get_session() -> Session:
    """Return this request's (or CLI command's) session, opening it on first use."""
    if "db_session" not in g:
        # Objects stay loaded after a commit: a view that commits and then renders what it
        # wrote does not need to read every row back (the session lives for one request).
        g.db_session = Session(get_engine(), expire_on_commit=False)
    return g.db_session


def close_session(_exc: BaseException | None = None) -> None:
    """Close the session at the end of the app context.

    Closing rolls back whatever is still open. If the connection died after the request's last
    statement, that rollback fails, but there is nothing left to undo (the server ends the
    transaction of a dead connection) and the response is made: the connection is discarded
    instead of failing a request that succeeded.
    """
    session = g.pop("db_session", None)
    if session is not None:
        try:
            session.close()
        except OUTAGE_ERRORS:
            session.invalidate()


def create_schema(engine: Engine) -> None:
    """Create any missing tables straight from the models, with no migration history.

    The tests' fast path for a fresh database (and the benchmarks'): a few milliseconds,
    where running the migrations takes longer. The app itself never uses it: the CLI calls
    :func:`upgrade_schema`, which also adopts a database made here (see quizapp.migrate).
    """
    SQLModel.metadata.create_all(engine)


def upgrade_schema(engine: Engine) -> None:
    """Bring the database's schema to the newest migration (docs/migrations.md).

    Creates every table in an empty database, runs the migrations a database has not had
    yet, and does nothing to one that is up to date.
    """
    from quizapp.migrate import upgrade  # Alembic is loaded only by the commands that migrate

    upgrade(engine)


def init_app(app: Flask) -> None:
    """Close sessions at teardown and register the CLI commands."""
    from quizapp.cli import register_commands

    app.teardown_appcontext(close_session)
    register_commands(app)
