"""The services some tests need, and what happens when one is missing.

On this project's machines PostgreSQL listens on 127.0.0.1:5432 (user postgres, database test,
trust auth) and Redis on 127.0.0.1:6379. A plain local run without one skips the tests that
need it, with a reason that names the address and the error, never silently; with
QUIZAPP_REQUIRE_SERVICES=1 (.ci/run sets it) a missing service fails those tests instead, so
that CI cannot pass on SQLite alone.

For a test: ``require_postgres()`` / ``require_redis()`` return the URL or skip (or fail);
``fresh_pg_schema()`` gives a URL on an empty schema of its own, dropped afterwards.
"""

import functools
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import make_url

# QUIZAPP_TEST_POSTGRES_URL and QUIZAPP_TEST_REDIS_URL point the tests at other servers; the
# defaults are the machines'.
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
# Long enough for a loaded local server, short enough that a run without one is not held up.
CONNECT_TIMEOUT_S = 3


def services_required() -> bool:
    """Whether a missing service fails the tests that need it instead of skipping them."""
    return os.environ.get("QUIZAPP_REQUIRE_SERVICES") == "1"


def postgres_url() -> str:
    """The SQLAlchemy URL of the PostgreSQL server the tests use."""
    return os.environ.get("QUIZAPP_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def _libpq_conninfo(url: str) -> str:
    """``url`` as psycopg takes it: without SQLAlchemy's ``+psycopg`` driver suffix."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@functools.cache
def _postgres_error(url: str) -> str | None:
    """Why PostgreSQL at ``url`` cannot be used, or None; asked once per run and URL."""
    import psycopg

    try:
        with psycopg.connect(_libpq_conninfo(url), connect_timeout=CONNECT_TIMEOUT_S) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as error:
        return str(error).strip() or type(error).__name__
    return None


def require_postgres() -> str:
    """Return postgres_url() if the server answers; otherwise skip the test, or fail it when
    QUIZAPP_REQUIRE_SERVICES=1."""
    url = postgres_url()
    _require("PostgreSQL", make_url(url).render_as_string(hide_password=True), _postgres_error(url))
    return url


def redis_url() -> str:
    """The URL of the Redis server the tests use (RATELIMIT_STORAGE_URI takes it as it is)."""
    return os.environ.get("QUIZAPP_TEST_REDIS_URL", DEFAULT_REDIS_URL)


@functools.cache
def _redis_error(url: str) -> str | None:
    """Why Redis at ``url`` cannot be used, or None; asked once per run and URL."""
    import redis

    client = redis.Redis.from_url(
        url, socket_connect_timeout=CONNECT_TIMEOUT_S, socket_timeout=CONNECT_TIMEOUT_S
    )
    try:
        client.ping()
    except redis.RedisError as error:
        return str(error).strip() or type(error).__name__
    finally:
        client.close()
    return None


def require_redis() -> str:
    """Return redis_url() if the server answers; otherwise skip the test, or fail it when
    QUIZAPP_REQUIRE_SERVICES=1."""
    url = redis_url()
    _require("Redis", make_url(url).render_as_string(hide_password=True), _redis_error(url))
    return url


def _require(service: str, shown_url: str, error: str | None) -> None:
    """Skip (or fail, when services are required) with the one message format for every
    service: "<service> is not reachable at <url>: <error>"."""
    if error is None:
        return
    message = f"{service} is not reachable at {shown_url}: {error}"
    if services_required():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@contextmanager
def fresh_pg_schema() -> Iterator[str]:
    """Create an empty schema ``t_<random>`` and yield a URL whose connections use only it.

    The URL sets ``search_path`` to the schema, so that the app's unqualified table names land
    there and tests never see each other's rows. Dispose every engine made from the URL before
    the block ends: the schema is dropped then, and connections that linger (a leaked engine)
    are ended first, because their locks would hold the DROP forever. Skips or fails as
    require_postgres() does when the server is not there.
    """
    import psycopg

    base = make_url(require_postgres())
    schema = f"t_{secrets.token_hex(6)}"
    # application_name lets the clean-up find this schema's connections in pg_stat_activity.
    url = base.update_query_dict(
        {"options": f"-csearch_path={schema}", "application_name": schema}
    ).render_as_string(hide_password=False)
    admin = _libpq_conninfo(base.render_as_string(hide_password=False))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = %s AND pid <> pg_backend_pid()",
                (schema,),
            )
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
