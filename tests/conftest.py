"""Fixtures shared by the tests: the app (pytest-flask gives `client`), a CLI runner, banks.

Every test that touches a database runs twice, on SQLite and on PostgreSQL (test ids end in
[sqlite] or [postgresql]): the `database_kind` fixture is the one parameter, and every fixture
that makes a database takes it. On PostgreSQL each database is a fresh schema of its own
(tests/services.py), dropped after the test; without a server those tests skip saying why.
"""

import datetime as dt
import functools
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask, g
from sqlalchemy import (
    Column,
    Engine,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    make_url,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlmodel import Session, SQLModel

from quizapp import create_app
from quizapp.core.database import make_engine
from quizapp.core.paths import resource_dir
from quizapp.db import get_engine
from tests.factories import make_playable_bank, make_small_bank, write_bank
from tests.faketime.sitecustomize import under_faketime
from tests.services import fresh_pg_schema, require_postgres

BUNDLED_BANK = resource_dir("question_bank")
TODAY = dt.date(2026, 11, 22)
# Hand-written forms put name before value, WTForms' csrf_token field puts type between.
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*? value="([^"]+)"')
DATABASE_KINDS = ["sqlite", "postgresql"]


if under_faketime():
    # Sleeping works again in this process (the import did it) and in every Python process the
    # tests start, which reads sitecustomize from the PYTHONPATH (tests/faketime/).
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(Path(__file__).parent / "faketime"), os.environ.get("PYTHONPATH")])
    )


@pytest.fixture(scope="session", autouse=True)
def session_instance_folder(tmp_path_factory) -> Iterator[Path]:
    """The instance folder (SQLite file, secret key, config.py) of the apps that session-wide
    fixtures make, in this process and its children: a temporary one, never the checkout's
    instance/, which holds the developer's own (`quizapp start` writes a key there)."""
    folder = tmp_path_factory.mktemp("instance")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("QUIZAPP_INSTANCE_PATH", str(folder))
        yield folder


@pytest.fixture(autouse=True)
def instance_folder(tmp_path: Path, monkeypatch) -> Path:
    """This test's own instance folder, for every app it makes (not created until one is)."""
    folder = tmp_path / "instance"
    monkeypatch.setenv("QUIZAPP_INSTANCE_PATH", str(folder))
    return folder


# A Wednesday noon, UTC: the day's mix and "this week" cannot turn during a test that sets it.
FIXED_NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def fixed_clock() -> Iterator[dt.datetime]:
    """Set the clock of this process (tests and app alike) to FIXED_NOW, still ticking, for a
    test about days or weeks; the instant it starts at."""
    import time_machine

    with time_machine.travel(FIXED_NOW, tick=True):
        yield FIXED_NOW


@pytest.fixture(scope="session", params=DATABASE_KINDS)
def database_kind(request) -> str:
    """Which engine this test's databases run on; a test that makes one runs on each.

    Session-scoped so that databases built once (the bundled bank) are built once per engine.
    PostgreSQL tests skip, or fail under QUIZAPP_REQUIRE_SERVICES=1, when it is not reachable.
    """
    if request.param == "postgresql":
        require_postgres()
    return request.param


@contextmanager
def empty_database(kind: str, folder: Path, name: str = "test") -> Iterator[str]:
    """Yield the URL of a new, empty database of ``kind``: a file ``name``.sqlite in
    ``folder``, or a PostgreSQL schema of its own, dropped when the block ends (dispose the
    engines on it first)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / f'{name}.sqlite'}"
    else:
        with fresh_pg_schema() as url:
            yield url


def create_tables(url: str) -> None:
    """Make every table of the app in the empty database at ``url``, at the newest migration.

    The tables are the models' (create_all's statements) and the database is stamped at the
    head revision, as `quizapp init-db` leaves it; tests/test_migrations.py proves the two
    agree. The CLI commands, which migrate first, then find nothing to do, instead of comparing
    an unstamped database with the models every time (a quarter second per command on
    PostgreSQL). On PostgreSQL it all goes to the server in one round trip: tests make a
    schema of their own hundreds of times, and 37 separate CREATE statements doubled that.
    """
    engine = make_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            SQLModel.metadata.create_all(conn)
            ALEMBIC_VERSION.create(conn)
            conn.execute(ALEMBIC_VERSION.insert().values(version_num=_head_revision()))
        else:
            conn.exec_driver_sql(_postgresql_ddl())
    engine.dispose()


# Alembic's version table as `alembic stamp` makes it (alembic.ddl.impl.version_table_impl).
ALEMBIC_VERSION = Table(
    "alembic_version",
    MetaData(),
    Column("version_num", String(32), nullable=False),
    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)


@functools.cache
def _head_revision() -> str:
    """The newest migration (read once: the scripts do not change during a run)."""
    from quizapp.core.migrate import head_revision

    return head_revision()


@functools.cache
def _postgresql_ddl() -> str:
    """create_all's statements for PostgreSQL and the stamp at the head revision, as one
    script."""
    dialect = postgresql.psycopg.dialect()
    statements = []
    for table in [*SQLModel.metadata.sorted_tables, ALEMBIC_VERSION]:
        statements.append(str(CreateTable(table).compile(dialect=dialect)))
        statements += [str(CreateIndex(index).compile(dialect=dialect)) for index in table.indexes]
    stamp = ALEMBIC_VERSION.insert().values(version_num=_head_revision())
    statements.append(str(stamp.compile(dialect=dialect, compile_kwargs={"literal_binds": True})))
    return ";\n".join(statements)


def copy_database(source_url: str, target_url: str) -> None:
    """Make the database at ``target_url``, which has the tables and no rows, hold exactly
    the rows of the one at ``source_url``.

    Both must be of one kind, with no open connections. SQLite copies the file (10x faster
    than loading and generating again). PostgreSQL cannot copy a schema: the rows are copied
    table by table with INSERT ... SELECT (in one round trip), and the id sequences moved past
    the copied ids, as they would be had the rows been inserted here.
    """
    if source_url.startswith("sqlite"):
        shutil.copyfile(make_url(source_url).database, make_url(target_url).database)
        return
    engine = make_engine(target_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(_postgresql_copy(_search_path(source_url)))
    engine.dispose()


@functools.cache
def _postgresql_copy(source_schema: str) -> str:
    """The statements that copy every table's rows from ``source_schema``, as one script."""
    quote = postgresql.dialect().identifier_preparer.quote
    statements = []
    for table in SQLModel.metadata.sorted_tables:
        name = quote(table.name)
        statements.append(f"INSERT INTO {name} SELECT * FROM {quote(source_schema)}.{name}")
        column = table.autoincrement_column
        if column is not None:
            statements.append(
                f"SELECT setval(pg_get_serial_sequence('{name}', '{column.name}'),"
                f" COALESCE(MAX({quote(column.name)}), 0) + 1, false) FROM {name}"
            )
    return ";\n".join(statements)


def _search_path(url: str) -> str:
    """The schema a URL made by fresh_pg_schema() binds its connections to."""
    options = make_url(url).query["options"]
    return options.removeprefix("-csearch_path=")


@pytest.fixture
def database_url(database_kind: str, tmp_path: Path) -> Iterator[str]:
    """The URL of this test's own empty database, on each engine in turn (no tables yet)."""
    with empty_database(database_kind, tmp_path) as url:
        yield url


@pytest.fixture
def faker_seed() -> int:
    """Seed the Faker plugin's `faker` fixture so every run sees the same data."""
    return 2026


def make_test_app(database_url: str, **config) -> Flask:
    """An app for tests on the database at ``database_url``; ``config`` adds or overrides."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE_URL": database_url,
            "BANK_PATH": str(BUNDLED_BANK),
            **config,
        }
    )


@pytest.fixture
def app(database_url: str):
    """An app on this test's own fresh database, its tables made (SQLite, then PostgreSQL)."""
    create_tables(database_url)
    app = make_test_app(database_url)
    yield app
    get_engine(app).dispose()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "job_worker: the app may start its job worker and read ahead (quizapp.web.editor_jobs)",
    )


@pytest.fixture(autouse=True)
def no_job_worker(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Apps made here as served (not TESTING) start no job worker and read no generator
    context ahead, unless a test is marked ``job_worker``: a thread left running would take
    jobs from, or leave a context to, later tests' databases (the PostgreSQL tests share one)."""
    if request.node.get_closest_marker("job_worker") is None:
        monkeypatch.setattr("quizapp.web.editor_jobs.start_worker", lambda app: None)
        monkeypatch.setattr("quizapp.web.editor_jobs.warm_up_for_editors", lambda app: None)


@pytest.fixture(autouse=True)
def no_kept_bank_context() -> Iterator[None]:
    """Each test's workspace starts without a generator context kept from another test's
    database (quizapp.questions.live): PostgreSQL tests share one database URL, and a test
    may write bank rows around the workspace (its factories)."""
    from quizapp.questions import live

    live.forget()
    yield
    live.forget()


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """Hash editor passwords cheaply: scrypt's tenth of a second per hash adds up in tests."""
    monkeypatch.setattr("quizapp.workspace.accounts.PASSWORD_HASH_METHOD", "pbkdf2:sha256:1000")


class EditorAuth:
    """Logs an editor in and out through the forms, CSRF token included, like flaskr's
    AuthActions."""

    def __init__(self, client):
        self.client = client
        self._token: str | None = None

    def token(self) -> str:
        """A CSRF token of this client's session, read from a page as a browser would."""
        if self._token is None:
            # Requests of one test share one app context, and Flask-WTF caches the token in
            # g: drop it so that the token belongs to this client's session.
            g.pop("csrf_token", None)
            response = self.client.get("/editor/login")
            if response.status_code == 302:  # logged in already: the workspace has a form
                response = self.client.get("/editor/")
            self._token = CSRF_FIELD.search(response.get_data(as_text=True)).group(1)
        return self._token

    def post(self, url: str, **data: str):
        """Submit a form to ``url`` with the token."""
        return self.client.post(url, data={"csrf_token": self.token(), **data})

    def login(self, name: str, password: str, **extra: str):
        """Submit the login form; ``extra`` may hold ``next``."""
        return self.post("/editor/login", name=name, password=password, **extra)

    def logout(self):
        """Submit the logout form."""
        return self.post("/editor/logout")


@pytest.fixture
def editor_auth(client) -> EditorAuth:
    """Log the test's `client` in and out as an editor."""
    return EditorAuth(client)


@pytest.fixture
def runner(app):
    """A click runner for the app's CLI commands."""
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    """A session of its own on the app's database, to check what commands and requests wrote."""
    with Session(get_engine(app)) as session:
        yield session


@pytest.fixture
def small_bank(faker) -> dict:
    """The data of a small valid bank, to mutate before writing."""
    return make_small_bank(faker)


@pytest.fixture
def small_bank_path(tmp_path: Path, small_bank: dict) -> Path:
    """A small valid bank written to disk."""
    return write_bank(tmp_path / "bank", small_bank)


@pytest.fixture
def playable_bank_path(tmp_path: Path, faker) -> Path:
    """A small bank with enough facts for quizzes (`make_playable_bank`), written to disk:
    generating it builds ``event-show-2011``, its article's quiz and the daily mix."""
    return write_bank(tmp_path / "playable-bank", make_playable_bank(faker))


@pytest.fixture(scope="session")
def bundled_database(database_kind: str, tmp_path_factory) -> Iterator[str]:
    """The URL of a database holding the bundled bank, its questions and quizzes, built once
    per engine; tests take a copy (`bundled_database_url`), never this one."""
    from quizapp.bank.sync import load_bank
    from quizapp.game.quizzes import build_quizzes
    from quizapp.questions.generation import rebuild_questions

    folder = tmp_path_factory.mktemp("bundled")
    with empty_database(database_kind, folder, "bundled") as url:
        create_tables(url)
        engine = make_engine(url)
        with Session(engine) as session:
            load_bank(session, BUNDLED_BANK)
            rebuild_questions(session, 2026)
            build_quizzes(session, today=TODAY)
        engine.dispose()
        yield url


@pytest.fixture
def bundled_database_url(bundled_database: str, database_url: str) -> str:
    """The URL of this test's own copy of the bundled database."""
    create_tables(database_url)
    copy_database(bundled_database, database_url)
    return database_url


@pytest.fixture
def bundled_app(bundled_database_url: str):
    """An app on this test's own copy of the bundled bank, its questions and quizzes."""
    app = make_test_app(bundled_database_url)
    yield app
    get_engine(app).dispose()


@pytest.fixture
def game_session(bundled_database_url: str) -> Iterator[Session]:
    """A session on this test's own copy of the bundled database: no app, no Flask."""
    engine: Engine = make_engine(bundled_database_url)
    with Session(engine) as session:
        yield session
    engine.dispose()
