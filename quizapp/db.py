"""The one database module: an engine from config, a SQLModel session per request.

Shaped like flaskr's get_db/close_db/init_app (STYLE.md 5).
"""

from collections.abc import Iterable, Sequence
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, Table, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, create_engine

from quizapp import models  # noqa: F401  (registers the tables on SQLModel.metadata)


def make_engine(url: str) -> Engine:
    """Create an engine for ``url``; SQLite gets foreign keys enforced."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _enable_foreign_keys(dbapi_connection, _record):  # pragma: no cover - trivial
            # SQLite ignores REFERENCES clauses unless asked, per connection.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


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
        g.db_session = Session(get_engine())
    return g.db_session


def close_session(_exc: BaseException | None = None) -> None:
    """Close the session at the end of the app context."""
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def create_schema(engine: Engine) -> None:
    """Create any missing tables."""
    SQLModel.metadata.create_all(engine)


def upsert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` into ``table``, replacing rows whose primary key already exists.

    One statement per batch, on SQLite and PostgreSQL alike; used where rebuilding derived
    rows must keep their ids (questions that games point at).
    """
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[dialect]
    keys = [c.name for c in table.primary_key.columns]
    for batch in _batches(rows, 2000):
        statement = insert(table).values(batch)
        updates = {c: statement.excluded[c] for c in batch[0] if c not in keys}
        session.exec(statement.on_conflict_do_update(index_elements=keys, set_=updates))


def _batches(rows: Sequence[dict[str, Any]], size: int) -> Iterable[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def init_app(app: Flask) -> None:
    """Close sessions at teardown and register the CLI commands."""
    from quizapp.cli import register_commands

    app.teardown_appcontext(close_session)
    register_commands(app)
