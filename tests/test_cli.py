"""The quizapp command line (quizapp/cli.py), driven through Flask's CLI runner (`runner`)."""

import json

import pytest
from sqlalchemy import func, select

from quizapp.bank.files import read_bank
from quizapp.models import Editor, Question
from tests.conftest import BUNDLED_BANK, EditorAuth

SECRET = "my secret passphrase"


def test_init_db_creates_the_database(runner, database_kind):
    result = runner.invoke(args=["init-db"])

    assert result.exit_code == 0 and f"Database ready: {database_kind}" in result.output


def test_load_bank_reports_what_it_loaded(runner, small_bank_path):
    result = runner.invoke(args=["load-bank", str(small_bank_path)])

    assert result.exit_code == 0, result.output
    assert "fact       4 added" in result.output
    again = runner.invoke(args=["load-bank", str(small_bank_path)])
    assert "(nothing changed)" in again.output


def test_load_bank_refuses_a_bad_bank_with_every_problem(runner, small_bank_path):
    facts = small_bank_path / "facts" / "all.yaml"
    text = facts.read_text()
    cut = text.index("id: f-edition")  # break one fact's event and another fact's id
    text = text[:cut].replace("f-video", "F Video", 1) + text[cut:].replace(
        "show-2011", "show-1999"
    )
    facts.write_text(text)

    result = runner.invoke(args=["load-bank", str(small_bank_path)])

    assert result.exit_code == 1
    assert "2 problem(s); nothing was loaded" in result.output
    assert "facts/all.yaml:" in result.output and "show-1999" in result.output


def test_generate_builds_and_rebuilds_the_same_questions(runner, session, small_bank_path):
    runner.invoke(args=["load-bank", str(small_bank_path)])

    first = runner.invoke(args=["generate"])
    ids = set(session.scalars(select(Question.id)))
    second = runner.invoke(args=["generate"])

    assert first.exit_code == 0 and "Generated 9 questions" in first.output
    assert "(4 multiple_choice, 2 true_false, 3 typed)" in first.output
    assert second.output.splitlines()[0] == first.output.splitlines()[0]
    # Four facts are too few for a quiz (MIN_FACTS): building makes none, twice.
    assert "Quizzes: 0 created, 0 updated, 0 unchanged" in second.output
    session.expire_all()
    assert set(session.scalars(select(Question.id))) == ids


def test_generate_removes_questions_of_a_retired_template(runner, session, small_bank, tmp_path):
    from tests.factories import write_bank

    root = write_bank(tmp_path / "bank", small_bank)
    runner.invoke(args=["load-bank", str(root)])
    runner.invoke(args=["generate"])
    small_bank["templates"][0]["status"] = "draft"
    write_bank(root, small_bank)
    runner.invoke(args=["load-bank", str(root)])

    result = runner.invoke(args=["generate"])

    assert result.exit_code == 0
    count = session.scalar(
        select(func.count()).where(Question.template_id == small_bank["templates"][0]["id"])
    )
    assert count == 0


def test_generate_says_which_pairs_it_left_out(runner, small_bank, tmp_path):
    from tests.factories import make_template, write_bank

    small_bank["entities"] = [
        e for e in small_bank["entities"] if e["id"] not in ("best-pop-video", "best-rock-video")
    ]
    small_bank["templates"].append(
        make_template(
            id="which-award-mc",
            prompt="Which award did {winner} win at the {event}?",
            answer="award",
        )
    )
    root = write_bank(tmp_path / "bank", small_bank)
    runner.invoke(args=["load-bank", str(root)])

    result = runner.invoke(args=["generate"])

    assert result.exit_code == 0
    assert "Left out 2 template/fact pairs:" in result.output
    assert "which-award-mc x f-video: only 1 wrong answer(s) of type award exist" in result.output


EXPORT_FIELDS = {
    "id",
    "template",
    "fact",
    "style",
    "prompt",
    "choices",
    "answer",
    "accepted",
    "difficulty",
    "article",
    "evidence",
}


def test_export_questions_prints_one_json_object_per_line(runner, small_bank_path):
    runner.invoke(args=["load-bank", str(small_bank_path)])
    runner.invoke(args=["generate"])

    result = runner.invoke(args=["export-questions"])

    records = [json.loads(line) for line in result.output.splitlines()]
    assert len(records) == 9
    assert all(EXPORT_FIELDS <= record.keys() for record in records)
    styles = {r["style"] for r in records}
    assert styles == {"multiple_choice", "true_false", "typed"}
    for record in records:
        if record["style"] == "true_false":
            assert record["answer"] in (["true"], ["false"])
        if record["style"] == "multiple_choice":
            assert len(record["choices"]) == 4


def test_console_script_help_lists_the_commands():
    from click.testing import CliRunner

    from quizapp.__main__ import main

    result = CliRunner().invoke(main, ["--help"])

    assert result.exit_code == 0
    commands = (
        "init-db",
        "load-bank",
        "generate",
        "export-questions",
        "create-editor",
        "set-password",
        "start",
    )
    for command in commands:
        assert command in result.output


def test_version_names_quizapp_first():
    from importlib.metadata import version

    from click.testing import CliRunner

    from quizapp.__main__ import main

    result = CliRunner().invoke(main, ["--version"])

    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == f"quizapp {version('quizapp')}"
    assert any(line.startswith("Flask ") for line in lines[1:])


def run_development_server(monkeypatch, tmp_path, *args: str):
    """`quizapp run ARGS` on a database of its own, its server never started (a test of what
    happens before it serves); the result and the arguments run_simple got, if it got there."""
    from click.testing import CliRunner

    from quizapp.__main__ import main

    served = []
    monkeypatch.setattr("flask.cli.run_simple", lambda *a, **kw: served.append((a, kw)))
    monkeypatch.setenv("FLASK_DEBUG", "0")  # so that --debug's setting is undone afterwards
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'run.sqlite'}")
    return CliRunner().invoke(main, ["run", *args]), served


def test_run_without_a_secret_key_refuses_to_serve_saying_what_to_set(monkeypatch, tmp_path):
    monkeypatch.delenv("QUIZAPP_SECRET_KEY", raising=False)
    result, served = run_development_server(monkeypatch, tmp_path)

    assert result.exit_code == 1 and served == []
    assert "QUIZAPP_SECRET_KEY" in result.output and "Traceback" not in result.output


def test_run_serves_with_a_key_or_in_debug(monkeypatch, tmp_path):
    monkeypatch.setenv("QUIZAPP_SECRET_KEY", "run-test-key")
    result, served = run_development_server(monkeypatch, tmp_path, "--port", "5123")
    assert result.exit_code == 0, result.output
    assert served and served[0][0][:2] == ("127.0.0.1", 5123)

    monkeypatch.delenv("QUIZAPP_SECRET_KEY")
    result, served = run_development_server(monkeypatch, tmp_path, "--debug", "--no-reload")
    assert result.exit_code == 0, result.output
    assert served


def test_seed_demo_fills_the_boards_with_consistent_attempts(runner, session):
    from quizapp.game.play import clean_nickname
    from quizapp.models import Attempt, AttemptAnswer, BoardEntry, Player

    assert runner.invoke(args=["load-bank"]).exit_code == 0
    assert runner.invoke(args=["generate"]).exit_code == 0

    result = runner.invoke(args=["seed-demo", "--players", "25", "--seed", "3"])

    assert result.exit_code == 0, result.output
    assert "Added 25 players" in result.output
    players = session.scalars(select(Player)).all()
    assert len({p.nickname_key for p in players}) == 25
    assert all(clean_nickname(p.nickname) == p.nickname for p in players)
    for attempt in session.scalars(select(Attempt)):
        points = session.scalars(
            select(AttemptAnswer.points).where(AttemptAnswer.attempt_id == attempt.id)
        ).all()
        assert attempt.finished_at is not None and attempt.score == sum(points)
    assert session.scalar(select(func.count()).select_from(BoardEntry)) > 25


def test_seed_demo_without_quizzes_says_what_to_run(runner):
    result = runner.invoke(args=["seed-demo", "--players", "2"])

    assert result.exit_code != 0 and "quizapp generate" in result.output


# --- create-editor --------------------------------------------------------------------------------


def test_create_editor_asks_the_password_twice_without_echoing_it(runner, session):
    result = runner.invoke(
        args=["create-editor", "Ann", "--role", "admin"], input=f"{SECRET}\n" * 2
    )

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Password: ",
        "Repeat for confirmation: ",
        "Created admin Ann.",
    ]
    editor = session.scalars(select(Editor)).one()
    assert (editor.name, editor.role, editor.active) == ("Ann", "admin", True)
    assert SECRET not in editor.password_hash


def test_create_editor_makes_an_editor_by_default(runner, session):
    result = runner.invoke(args=["create-editor", "bob"], input=f"{SECRET}\n" * 2)

    assert result.exit_code == 0 and "Created editor bob." in result.output
    assert session.scalars(select(Editor.role)).one() == "editor"


def test_create_editor_asks_again_when_the_two_differ(runner, session):
    result = runner.invoke(
        args=["create-editor", "Ann"], input=f"{SECRET}\nsomething else\n{SECRET}\n{SECRET}\n"
    )

    assert result.exit_code == 0
    assert "The two entered values do not match." in result.output
    assert SECRET not in result.output and "something else" not in result.output


def test_create_editor_refuses_a_short_password_saying_why(runner, session):
    result = runner.invoke(args=["create-editor", "Ann"], input="short pw\n" * 2)

    assert result.exit_code == 1
    assert "the password must be at least 10 characters long" in result.output
    assert "short pw" not in result.output
    assert session.scalars(select(Editor)).all() == []


def test_create_editor_refuses_a_taken_name(runner):
    runner.invoke(args=["create-editor", "Ann"], input=f"{SECRET}\n" * 2)

    result = runner.invoke(args=["create-editor", "ANN"], input=f"{SECRET}\n" * 2)

    assert result.exit_code == 1 and "'ANN' is taken" in result.output


def test_create_editor_knows_only_the_two_roles(runner):
    result = runner.invoke(args=["create-editor", "Ann", "--role", "owner"])

    assert result.exit_code == 2 and "'owner' is not one of 'editor', 'admin'" in result.output


# --- set-password ---------------------------------------------------------------------------------

NEW_SECRET = "an entirely new passphrase"


def test_set_password_asks_twice_without_echoing_and_the_new_one_works(app, runner, session):
    runner.invoke(args=["create-editor", "Ann"], input=f"{SECRET}\n" * 2)
    before = session.scalars(select(Editor.password_hash)).one()

    result = runner.invoke(args=["set-password", "ann"], input=f"{NEW_SECRET}\n" * 2)

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "New password: ",
        "Repeat for confirmation: ",
        "Set a new password for Ann; their logins have ended.",
    ]
    session.expire_all()
    after = session.scalars(select(Editor.password_hash)).one()
    assert after != before and NEW_SECRET not in after
    login = EditorAuth(app.test_client())
    assert login.login("Ann", SECRET).status_code == 200  # the form again: refused
    assert login.login("Ann", NEW_SECRET).status_code == 302


def test_set_password_asks_again_when_the_two_differ(runner, session):
    runner.invoke(args=["create-editor", "Ann"], input=f"{SECRET}\n" * 2)

    result = runner.invoke(
        args=["set-password", "Ann"],
        input=f"{NEW_SECRET}\nsomething else\n{NEW_SECRET}\n{NEW_SECRET}\n",
    )

    assert result.exit_code == 0
    assert "The two entered values do not match." in result.output
    assert NEW_SECRET not in result.output and "something else" not in result.output


def test_set_password_names_an_unknown_editor_before_asking(runner, session):
    result = runner.invoke(args=["set-password", "nobody"], input=f"{NEW_SECRET}\n" * 2)

    assert result.exit_code == 1
    assert "password" not in result.output.lower()
    assert "there is no editor called 'nobody' (quizapp create-editor adds one)" in result.output


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("short pw", "the password must be at least 10 characters long"),
        ("x" * 201, "the password must be at most 200 characters long"),
        (" ANN-THE-1ST ", "the password must not be the name"),
    ],
)
def test_set_password_refuses_a_bad_password_saying_why(runner, session, password, says):
    runner.invoke(args=["create-editor", "ann-the-1st"], input=f"{SECRET}\n" * 2)
    before = session.scalars(select(Editor.password_hash)).one()

    result = runner.invoke(args=["set-password", "ann-the-1st"], input=f"{password}\n" * 2)

    assert result.exit_code == 1 and says in result.output
    assert password.strip() not in result.output
    session.expire_all()
    assert session.scalars(select(Editor.password_hash)).one() == before


def test_set_password_takes_no_password_option(runner):
    result = runner.invoke(args=["set-password", "Ann", "--password", NEW_SECRET])

    assert result.exit_code == 2
    assert "No such option" in result.output and "--password" in result.output


def test_start_loads_the_bundled_bank_on_the_first_start_only(runner, session, monkeypatch):
    from quizapp.models import Template
    from quizapp.workspace import edits

    monkeypatch.setattr("werkzeug.serving.run_simple", lambda *args, **kwargs: None)

    first = runner.invoke(args=["start"])

    assert first.exit_code == 0, first.output
    # The figures follow the bundled bank's content: every fact loaded, every question made.
    facts = len(read_bank(BUNDLED_BANK).facts)
    questions = session.execute(select(func.count()).select_from(Question)).scalar_one()
    assert f"fact       {facts} added" in first.output
    assert f"Generated {questions} questions" in first.output and questions >= 80
    # start generates at once: no reminder to run `quizapp generate` by hand.
    assert "quizapp generate" not in first.output
    draft = edits.save_template(
        session,
        editor_id=None,
        kind="award_win",
        style="typed",
        prompt="Which act collected {award} at the {event}?",
        answer_role="winner",
        seed=2026,
    )

    second = runner.invoke(args=["start"])

    assert second.exit_code == 0, second.output
    assert "holds a bank already; the files are not loaded again" in second.output
    session.expire_all()
    assert session.get(Template, draft.id).status == "draft"  # the editor's work survives


# --- propose-facts ------------------------------------------------------------------------------

UNSEEN_ARTICLE = """Mara Vance Takes Record Of The Year

The 2025 Northern Sound Awards took place at the Cobalt Arena in Toronto.

Mara Vance won Record of the Year for "Glass Houses." It was handed to her by Katy Perry.

Record of the Year was handed to her by Katy Perry.
"""


def test_propose_facts_prints_one_proposal_per_line_and_writes_nothing(bundled_app, tmp_path):
    from quizapp.db import get_session
    from quizapp.models import Entity, Fact

    article = tmp_path / "article.txt"
    article.write_text(UNSEEN_ARTICLE, encoding="utf-8")
    with bundled_app.app_context():
        session = get_session()
        before = (
            session.scalar(select(func.count()).select_from(Fact)),
            session.scalar(select(func.count()).select_from(Entity)),
        )

    result = bundled_app.test_cli_runner().invoke(args=["propose-facts", str(article)])

    assert result.exit_code == 0, result.output
    proposals = [json.loads(line) for line in result.output.splitlines()]
    by_kind = {p["kind"]: p for p in proposals}
    assert by_kind["held_at"]["roles"] == {
        "event": "2025 Northern Sound Awards",
        "venue": "Cobalt Arena",
    }
    win = by_kind["award_win"]
    assert win["roles"]["winner"] == "Mara Vance" and win["roles"]["award"] == "Record of the Year"
    assert win["evidence"] in UNSEEN_ARTICLE
    assert {"name": "Record of the Year", "type": "award"} in win["new_entities"]
    assert 0 < win["confidence"] <= 1
    # A known entity by its display name, and not listed as new.
    assert by_kind["presented"]["roles"]["presenter"] == "Katy Perry"
    assert all(e["name"] != "Katy Perry" for e in by_kind["presented"]["new_entities"])
    with bundled_app.app_context():
        session = get_session()
        after = (
            session.scalar(select(func.count()).select_from(Fact)),
            session.scalar(select(func.count()).select_from(Entity)),
        )
    assert after == before


def test_propose_facts_reads_the_banks_article_format_with_its_event(bundled_app):
    article = BUNDLED_BANK / "articles" / "vma-2011-backstage.txt"

    result = bundled_app.test_cli_runner().invoke(args=["propose-facts", str(article)])

    assert result.exit_code == 0, result.output
    proposals = [json.loads(line) for line in result.output.splitlines()]
    assert proposals
    # The header's event fills the event roles; a many-role is a list.
    assert all(
        p["roles"].get("event", "2011 MTV Video Music Awards") == "2011 MTV Video Music Awards"
        for p in proposals
    )
    said = [p for p in proposals if p["kind"] == "said" and p["roles"].get("to") == "Jared Leto"]
    assert said and said[0]["roles"]["speaker"] == "JWoww"
    star = [p for p in proposals if p["kind"] == "star_of"]
    assert {"kind": "star_of", "stars": ["Vanessa Hudgens"]}.items() <= {
        "kind": star[0]["kind"],
        "stars": star[0]["roles"]["stars"],
    }.items()


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "no such file"),
        ("", "is empty"),
        ("  \n\n", "is empty"),
        (b"\xff\xfe caf\xe9", "is not UTF-8"),
        ("---\nid: x\ntitle: T\n", "no closing '---' line"),
        ("---\nid: x\ntitle: T\n---\n\n", "no text after it"),
    ],
)
def test_propose_facts_refuses_a_file_it_cannot_read_saying_why(runner, tmp_path, content, says):
    article = tmp_path / "article.txt"
    if isinstance(content, bytes):
        article.write_bytes(content)
    elif content is not None:
        article.write_text(content, encoding="utf-8")

    result = runner.invoke(args=["propose-facts", str(article)])

    assert result.exit_code == 1
    assert str(article) in result.output and says in result.output
    assert "Traceback" not in result.output


def test_propose_facts_on_an_empty_database_says_to_load_the_bank(runner, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(UNSEEN_ARTICLE, encoding="utf-8")

    result = runner.invoke(args=["propose-facts", str(article)])

    assert result.exit_code == 1 and "quizapp load-bank" in result.output
