"""The SQLite configuration: WAL, a busy timeout, and writers that queue instead of failing.

SQLite only, unlike the database tests elsewhere: these are SQLite's own settings (PRAGMAs, its
single write lock); PostgreSQL has neither, and its concurrency is its own business.
"""

import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session

from quizapp.core.database import create_schema, make_engine
from quizapp.models import Player


@pytest.fixture
def engine(tmp_path: Path):
    """An engine on a fresh SQLite file, as the app makes it."""
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    create_schema(engine)
    yield engine
    engine.dispose()


def test_sqlite_runs_in_wal_with_foreign_keys(engine):
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_concurrent_read_then_write_transactions_never_see_database_is_locked(engine):
    # Each worker reads, then writes from what it read, as a request does. A transaction that
    # began as a reader would fail with "database is locked" as soon as another committed.
    with Session(engine) as session:
        session.add(Player(id=1, nickname="counter", nickname_key="counter", token_hash="0"))
        session.commit()
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(25):
                with Session(engine) as session:
                    assert session.get(Player, 1) is not None
                    session.exec(text("UPDATE player SET token_hash = token_hash + 1 WHERE id = 1"))
                    session.commit()
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with Session(engine) as session:
        assert int(session.get(Player, 1).token_hash) == 6 * 25  # every write landed once


def test_connections_opening_a_new_database_at_once_all_get_in(tmp_path: Path):
    # Two app hosts starting on one new SQLite file each switch it to WAL as they connect. Two
    # switches at once made SQLite refuse one with "database is locked" without waiting (it
    # would deadlock), which failed one host's `quizapp upgrade-db` about once in twelve.
    failures: list[BaseException] = []
    for attempt in range(150):
        url = f"sqlite:///{tmp_path / f'new-{attempt}.sqlite'}"
        engines = [make_engine(url) for _ in range(4)]
        barrier = threading.Barrier(len(engines))

        def connect(engine, barrier=barrier) -> None:
            barrier.wait()
            try:
                with engine.connect() as conn:
                    assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            except BaseException as error:  # noqa: BLE001 - reported by the assertion below
                failures.append(error)

        threads = [threading.Thread(target=connect, args=(engine,)) for engine in engines]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for engine in engines:
            engine.dispose()

    assert failures == []
