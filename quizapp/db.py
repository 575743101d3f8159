"""The app's database: an engine per app, a SQLModel session per request or CLI command.

Shaped like flaskr's get_db/close_db/init_app. The engine itself is made by
quizapp.core.database, which knows nothing of Flask. This module uses Flask, so it is not in
core/; the pages, the API, the commands and the limits all need a session, so it sits below
them at the top of the package (docs/architecture.md).
"""

from flask import Flask, current_app, g
from sqlalchemy import Engine
from sqlmodel import Session

from quizapp.core.database import OUTAGE_ERRORS, make_engine


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
    session: Session | None = g.get("db_session")
    if session is None:
        # Objects stay loaded after a commit: a view that commits and then renders what it
        # wrote does not need to read every row back (the session lives for one request).
        session = g.db_session = Session(get_engine(), expire_on_commit=False)
    return session


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


def init_app(app: Flask) -> None:
    """Close each request's (or command's) session when its app context ends."""
    app.teardown_appcontext(close_session)
