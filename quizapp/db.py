"""The one database module: an engine from config, a SQLModel session per request.

Shaped like flaskr's get_db/close_db/init_app (STYLE.md 5).
"""

from flask import Flask, current_app, g
from sqlalchemy import Engine, event
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


def init_app(app: Flask) -> None:
    """Close sessions at teardown and register the CLI commands."""
    from quizapp.cli import register_commands

    app.teardown_appcontext(close_session)
    register_commands(app)
