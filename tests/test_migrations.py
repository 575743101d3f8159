"""Schema migrations (quizapp.core.migrate) on both engines, from an empty database.

The test that matters most is the first: upgrading an empty database to the head revision
gives exactly what the models describe, so the migrations and the models cannot drift apart
unnoticed. Each test runs on SQLite (a file) and on PostgreSQL (a schema of its own), through
the suite's `database_url` fixture: an empty database, no tables.
"""

import os
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, event, inspect, text
from sqlmodel import Session, SQLModel, select

from quizapp import create_app
from quizapp.core import migrate
from quizapp.core.database import create_schema, make_engine
from quizapp.core.text import lookalike_key
from quizapp.models import Editor, Entity, Fact, FactKind, Player, Template, draw_key

MODEL_TABLES = set(SQLModel.metadata.tables)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine as the app makes it, on the empty database."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def descending_columns(engine: Engine, table: str, index: str) -> list[str]:
    """The columns that ``index`` sorts in descending order."""
    if engine.dialect.name == "sqlite":
        # SQLAlchemy does not reflect the order of SQLite index columns; the pragma has it.
        with engine.connect() as conn:
            rows = conn.exec_driver_sql(f"PRAGMA index_xinfo({index})").all()
        return [name for _, _, name, desc, _, key in rows if key and desc]
    (found,) = [ix for ix in inspect(engine).get_indexes(table) if ix["name"] == index]
    sorting = found.get("column_sorting", {})
    return [name for name, order in sorting.items() if "desc" in order]


def test_upgrade_from_empty_gives_what_the_models_describe(engine):
    assert migrate.current_revision(engine) is None

    migrate.upgrade(engine)

    assert migrate.current_revision(engine) == migrate.head_revision()
    assert migrate.check(engine) == []
    inspector = inspect(engine)
    assert set(inspector.get_table_names()) == MODEL_TABLES | {"alembic_version"}
    # The leaderboard walks this index in ranking order; check() cannot see a lost DESC on
    # SQLite, so it is checked here.
    assert descending_columns(engine, "board_entry", "ix_board_entry_rank") == ["score"]
    subject = [ix for ix in inspector.get_indexes("change_log") if ix["name"].endswith("subject")]
    assert subject[0]["column_names"] == ["subject", "subject_id", "at"]
    unique = {tuple(u["column_names"]) for u in inspector.get_unique_constraints("player")}
    assert unique == {("nickname_key",), ("token_hash",)}


def test_migrated_json_columns_hold_structures(engine):
    migrate.upgrade(engine)
    roles = {"winner": {"types": ["person"], "many": False, "optional": False}}

    with Session(engine) as session:
        session.add(FactKind(name="award_win", roles=roles))
        session.commit()
    with Session(engine) as session:
        assert session.exec(select(FactKind.roles)).one() == roles


def test_0002_gives_existing_bank_rows_the_empty_new_fields(engine):
    # A database at 0001 holding a bank: its rows get no tags, no open roles, no
    # requirements and no unique roles, as bank files without those fields mean.
    migrate.upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO fact_kind (name, description, roles) VALUES ('k', '', '{}')")
        )
        conn.execute(
            text("INSERT INTO entity (id, name, type, aliases) VALUES ('e', 'E', 'person', '[]')")
        )
        conn.execute(
            text(
                "INSERT INTO article (id, title, date, source, text) "
                "VALUES ('a', 'A', '2011-08-29', 'S', 'T')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO fact (id, kind, article_id, roles, evidence, retired) "
                "VALUES ('f', 'k', 'a', '{}', 'T', false)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO template (id, kind, style, prompt, answer_role, status) "
                "VALUES ('t', 'k', 'typed', 'Who?', 'x', 'published')"
            )
        )

    migrate.upgrade(engine)

    assert migrate.check(engine) == []
    with Session(engine) as session:
        assert session.exec(select(FactKind.unique_given)).one() == {}
        assert session.exec(select(Entity.tags)).one() == []
        assert session.exec(select(Fact.open_roles)).one() == []
        assert session.exec(select(Template.requires)).one() == {}
    migrate.downgrade(engine, "0001")
    columns = {c["name"] for c in inspect(engine).get_columns("entity")}
    assert "tags" not in columns and "aliases" in columns


def test_0003_ranks_first_attempts_and_rebuilds_the_boards_from_them(engine):
    # At 0002 the boards kept each player's best: Ann's replay (9000) topped her first (1000).
    migrate.upgrade(engine, "0002")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO quiz (id, title, scope, scope_id, question_count,"
                " seconds_per_question, scoring_mode, status, created_at)"
                " VALUES ('q', 'Q', 'article', 'a', 10, 20, 'timed', 'published',"
                " '2026-11-20 10:00:00+00:00')"
            )
        )
        for number, name in ((1, "ann"), (2, "bob")):
            conn.execute(
                text(
                    "INSERT INTO player (id, nickname, nickname_key, token_hash, created_at)"
                    f" VALUES ({number}, '{name}', '{name}', 'h{number}',"
                    " '2026-11-20 10:00:00+00:00')"
                )
            )
        # (id, player, started, finished, score): Ann's first, her replay, then two open
        # attempts of Bob's beside his finished one.
        attempts = (
            (1, 1, "2026-11-24 09:00", "2026-11-24 09:05", 1000),
            (2, 1, "2026-11-24 10:00", "2026-11-24 10:05", 9000),
            (3, 2, "2026-11-24 08:00", "2026-11-24 08:05", 5000),
            (4, 2, "2026-11-24 11:00", None, 0),
            (5, 2, "2026-11-24 12:00", None, 0),
        )
        for id_, player, started, finished, score in attempts:
            conn.execute(
                text(
                    "INSERT INTO attempt (id, quiz_id, player_id, started_at, finished_at,"
                    " position, score, correct, streak, seed)"
                    " VALUES (:id, 'q', :player, :started, :finished, 0, :score, 0, 0, 0)"
                ),
                {
                    "id": id_,
                    "player": player,
                    "started": f"{started}:00+00:00",
                    "finished": f"{finished}:00+00:00" if finished else None,
                    "score": score,
                },
            )
        conn.execute(
            text(
                "INSERT INTO board_entry (board, period, player_id, score, finished_at,"
                " attempt_id) VALUES ('q', 'all', 1, 9000, '2026-11-24 10:05:00+00:00', 2)"
            )
        )

    migrate.upgrade(engine)

    assert migrate.check(engine) == []
    with engine.connect() as conn:
        ranked = conn.execute(text("SELECT id FROM attempt WHERE ranked ORDER BY id")).all()
        still_open = conn.execute(text("SELECT id FROM attempt WHERE finished_at IS NULL")).all()
        entries = conn.execute(
            text(
                "SELECT board, player_id, score, attempt_id FROM board_entry"
                " WHERE period = 'all' ORDER BY board, player_id"
            )
        ).all()
        bands = conn.execute(
            text("SELECT board, band, entries FROM board_band WHERE period = 'all'")
        ).all()
    assert [row.id for row in ranked] == [1, 3]
    assert [row.id for row in still_open] == [5]  # the newest open one; 4 closed as it stood
    assert [tuple(row) for row in entries] == [
        ("*", 1, 1000, 1),
        ("*", 2, 5000, 3),
        ("q", 1, 1000, 1),
        ("q", 2, 5000, 3),
    ]
    assert sorted(tuple(row) for row in bands) == [
        ("*", 10, 1),
        ("*", 50, 1),
        ("q", 10, 1),
        ("q", 50, 1),
    ]
    migrate.downgrade(engine, "0002")
    columns = {c["name"] for c in inspect(engine).get_columns("attempt")}
    assert "ranked" not in columns and "score" in columns


def test_0004_keys_nicknames_by_lookalike_and_gives_editors_an_epoch(engine):
    # Two players whose names look alike already exist (a Cyrillic о in the second): both
    # keep their names, the older one the name's key.
    migrate.upgrade(engine, "0003")
    players = [(1, "Top Player"), (2, "Tоp Player"), (3, "Ann")]
    with engine.begin() as conn:
        for player_id, nickname in players:
            conn.execute(
                text(
                    "INSERT INTO player (id, nickname, nickname_key, token_hash, created_at) "
                    "VALUES (:id, :nickname, :key, :token, '2026-01-01')"
                ),
                {
                    "id": player_id,
                    "nickname": nickname,
                    "key": nickname.casefold(),
                    "token": str(player_id),
                },
            )
        conn.execute(
            text(
                "INSERT INTO editor (name, name_key, password_hash, role, active, created_at) "
                "VALUES ('Ada', 'ada', 'x', 'admin', true, '2026-01-01')"
            )
        )

    migrate.upgrade(engine)

    assert migrate.check(engine) == []
    with Session(engine) as session:
        keys = dict(session.exec(select(Player.id, Player.nickname_key)).all())
        assert keys[1] == lookalike_key("Top Player") == lookalike_key("Tоp Player")
        assert keys[2] not in (keys[1], keys[3]) and keys[3] == lookalike_key("Ann")
        assert session.exec(select(Editor.login_epoch)).one() == 0
    migrate.downgrade(engine, "0003")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, nickname_key FROM player ORDER BY id")).all()
    assert [key for _, key in rows] == ["top player", "tоp player", "ann"]
    assert "login_epoch" not in {c["name"] for c in inspect(engine).get_columns("editor")}


def test_0007_gives_existing_kinds_no_cue_phrases_and_keeps_them_on_the_way_down(engine):
    # A database at 0006 holding a kind: after 0007 it has no cue phrases, as a kinds.yaml
    # without ``cues`` means; the kinds' editor can then give it some.
    migrate.upgrade(engine, "0006")
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO fact_kind (name, description, roles) VALUES ('k', 'K', '{}')")
        )

    migrate.upgrade(engine)

    assert migrate.check(engine) == []
    with Session(engine) as session:
        kind = session.get(FactKind, "k")
        assert (kind.description, kind.cues) == ("K", [])
        kind.cues = ["{a} won {b}"]
        session.commit()
    with Session(engine) as session:
        assert session.get(FactKind, "k").cues == ["{a} won {b}"]
    migrate.downgrade(engine, "0006")
    columns = {c["name"] for c in inspect(engine).get_columns("fact_kind")}
    assert "cues" not in columns and "same_fact" in columns
    with engine.connect() as conn:
        assert conn.execute(text("SELECT description FROM fact_kind")).scalar_one() == "K"


def test_0009_gives_existing_facts_their_draw_keys(engine):
    # A database at 0008 holding facts: after 0009 each has the key the app would give it,
    # so that the daily mix draws from them as from facts written since.
    migrate.upgrade(engine, "0008")
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO fact_kind (name, description, roles) VALUES ('k', '', '{}')")
        )
        conn.execute(
            text(
                "INSERT INTO article (id, title, date, source, text) "
                "VALUES ('a', 'A', '2011-08-29', 'S', 'T')"
            )
        )
        for fact_id in ("f1", "f2"):
            conn.execute(
                text(
                    "INSERT INTO fact (id, kind, article_id, roles, evidence, retired) "
                    "VALUES (:id, 'k', 'a', '{}', 'T', false)"
                ),
                {"id": fact_id},
            )

    migrate.upgrade(engine)

    assert migrate.check(engine) == []
    with Session(engine) as session:
        draws = dict(session.exec(select(Fact.id, Fact.draw)).all())
    assert draws == {"f1": draw_key("f1"), "f2": draw_key("f2")}
    assert all(0 < draw < 2**62 for draw in draws.values())
    migrate.downgrade(engine, "0008")
    assert "draw" not in {c["name"] for c in inspect(engine).get_columns("fact")}


def test_downgrade_to_base_leaves_no_tables(engine):
    migrate.upgrade(engine)

    migrate.downgrade(engine, "base")

    # Alembic keeps its (now empty) version table; every table of quizapp is gone.
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    assert migrate.current_revision(engine) is None
    migrate.upgrade(engine)
    assert migrate.check(engine) == []


def test_upgrading_an_up_to_date_database_changes_nothing(engine):
    migrate.upgrade(engine)
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement.strip().split()[0].upper())

    event.listen(engine, "before_cursor_execute", record)
    try:
        migrate.upgrade(engine)
    finally:
        event.remove(engine, "before_cursor_execute", record)

    writes = {"CREATE", "ALTER", "DROP", "INSERT", "UPDATE", "DELETE"}
    assert statements and not writes & set(statements)
    assert migrate.current_revision(engine) == migrate.head_revision()


def test_a_database_made_by_create_all_is_stamped_and_keeps_its_rows(engine):
    create_schema(engine)
    with Session(engine) as session:
        session.add(FactKind(name="caught"))
        session.commit()

    migrate.upgrade(engine)

    assert migrate.current_revision(engine) == migrate.head_revision()
    assert migrate.check(engine) == []
    with Session(engine) as session:
        assert session.exec(select(FactKind.name)).all() == ["caught"]


def test_a_create_all_database_that_differs_is_left_alone_with_the_reason(engine):
    create_schema(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_fact_kind"))

    with pytest.raises(migrate.SchemaMismatchError) as raised:
        migrate.upgrade(engine)

    assert raised.value.differences == [
        "index ix_fact_kind on fact (fact.kind): not in the database"
    ]
    assert "quizapp upgrade-db" in str(raised.value)
    assert migrate.current_revision(engine) is None
    assert "alembic_version" not in inspect(engine).get_table_names()


def test_two_processes_upgrading_at_once_both_succeed(database_url):
    # App hosts started together each upgrade on start: one migrates, the other waits for it
    # (an advisory lock on PostgreSQL, the write lock on SQLite) and then finds nothing to do.
    engines = [make_engine(database_url) for _ in range(2)]
    errors: list[BaseException] = []

    def run(engine: Engine) -> None:
        try:
            migrate.upgrade(engine)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(engine,)) for engine in engines]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert migrate.check(engines[0]) == []
    finally:
        for engine in engines:
            engine.dispose()


def test_sqlite_foreign_keys_are_on_again_after_migrating(tmp_path):
    # Migrations run with foreign keys off (a batch migration rebuilds tables); the pooled
    # connection must not go back to the app that way.
    engine = make_engine(f"sqlite:///{tmp_path / 'fk.sqlite'}")
    try:
        migrate.upgrade(engine)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


@pytest.fixture
def empty_app(database_url: str):
    """An app on the empty database, no tables made."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": database_url})
    yield app
    from quizapp.db import get_engine

    get_engine(app).dispose()


def test_upgrade_db_command_reports_the_revision_before_and_after(empty_app):
    runner = empty_app.test_cli_runner()
    head = migrate.head_revision()

    first = runner.invoke(args=["upgrade-db"])
    second = runner.invoke(args=["upgrade-db"])

    assert first.exit_code == 0, first.output
    assert f"revision none -> {head}\n" in first.output
    assert second.exit_code == 0 and f"revision {head} -> {head} (up to date)" in second.output


def test_init_db_command_runs_the_migrations(empty_app):
    result = empty_app.test_cli_runner().invoke(args=["init-db"])

    assert result.exit_code == 0, result.output
    from quizapp.db import get_engine

    engine = get_engine(empty_app)
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert migrate.check(engine) == []


def test_upgrade_db_command_explains_a_database_it_cannot_adopt(empty_app):
    from quizapp.db import get_engine

    engine = get_engine(empty_app)
    create_schema(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_fact_kind"))

    result = empty_app.test_cli_runner().invoke(args=["upgrade-db"])

    assert result.exit_code == 1
    assert "index ix_fact_kind on fact (fact.kind): not in the database" in result.output
    assert "Traceback" not in result.output


def test_alembic_command_line_runs_on_the_apps_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()

    result = subprocess.run(
        [sys.executable, "-m", "quizapp.core.migrate", "current"],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": url},
        cwd=tmp_path,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert f"{migrate.head_revision()} (head)" in result.stdout
