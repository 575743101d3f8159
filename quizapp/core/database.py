"""The database engine: SQLite set up for a few concurrent workers, PostgreSQL as it comes.

No Flask here: the app's engine and its session per request are quizapp.db's; the CLI, the
migrations, the tests and the benchmarks make engines here.
"""

import sqlite3
import time

from sqlalchemy import Engine, event
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import SQLModel, create_engine

from quizapp import models  # noqa: F401  (registers the tables on SQLModel.metadata)

# How long a connection waits for another's write lock before giving up with "database is
# locked". Write transactions here last milliseconds; this only has to outlast a queue of them.
SQLITE_BUSY_TIMEOUT_S = 15

# The database failed, not the request: a connection dropped or refused (a restart, an
# operator's pg_terminate_backend), a lock or a pool slot waited for too long. The same request
# is likely to work a moment later, so the web and API layers answer 503 "try again" for these
# rather than 500; IntegrityError, DataError and the like stay 500, since they are bugs.
OUTAGE_ERRORS = (OperationalError, InterfaceError, PoolTimeoutError)


def outage_cause(error: Exception) -> object:
    """What to log for an outage: the driver's own message (SQLAlchemy's would add the
    statement and its parameters)."""
    return getattr(error, "orig", None) or error


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
    def _configure(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
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


def create_schema(engine: Engine) -> None:
    """Create any missing tables straight from the models, with no migration history.

    The tests' fast path for a fresh database (and the benchmarks'): a few milliseconds,
    where running the migrations takes longer. The app itself never uses it: the CLI calls
    ``quizapp.core.migrate.upgrade``, which also adopts a database made here.
    """
    SQLModel.metadata.create_all(engine)
