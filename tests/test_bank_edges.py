"""The bank loader's edges: control characters in any string, and YAML the parser accepts but
the bank cannot use (a list as a mapping's key). Each is a problem in the problem list, with
its file, line and field, and nothing of the bank reaches the database."""

from pathlib import Path

import pytest
from sqlmodel import Session, select

from quizapp.bank.dump import dump_bank
from quizapp.bank.files import BankError, read_bank
from quizapp.bank.sync import load_bank
from quizapp.core.database import make_engine
from quizapp.models import Entity
from tests.conftest import create_tables, empty_database
from tests.factories import write_bank
from tests.services import require_postgres


def problems_of(root: Path) -> list:
    with pytest.raises(BankError) as caught:
        read_bank(root)
    return caught.value.problems


def test_a_nul_in_an_entity_name_is_a_problem_naming_file_line_and_field(tmp_path, small_bank):
    small_bank["entities"][1]["name"] = "Lady\x00Gaga"
    root = write_bank(tmp_path / "bank", small_bank)

    [problem] = problems_of(root)

    assert problem.code == "control_character"
    assert problem.location.file == "entities/all.yaml"
    assert problem.field == "[1].name"
    text = (root / "entities" / "all.yaml").read_text().splitlines()
    assert '"Lady\\0Gaga"' in text[problem.location.line - 1]
    assert "holds a control character ('\\x00')" in str(problem)


def test_line_breaks_pass_in_multi_line_fields_only(tmp_path, small_bank):
    small_bank["templates"][0]["explanation"] = "First line.\n\tSecond line."
    small_bank["entities"][0]["aliases"] = ["Two\nLines"]
    root = write_bank(tmp_path / "bank", small_bank)

    [problem] = problems_of(root)

    assert problem.field == "[0].aliases[0]"


def test_a_control_character_in_an_article_is_a_problem(tmp_path, small_bank):
    small_bank["articles"][0]["text"] += "a bell\x07"
    small_bank["articles"][0]["source"] = "Wire\x1b"
    root = write_bank(tmp_path / "bank", small_bank)

    problems = problems_of(root)

    assert {(p.location.file, p.field) for p in problems} == {
        (f"articles/{small_bank['articles'][0]['id']}.txt", "source"),
        (f"articles/{small_bank['articles'][0]['id']}.txt", None),
    }


def test_load_bank_refuses_a_nul_and_stores_nothing(runner, session, tmp_path, small_bank):
    small_bank["entities"][0]["name"] = "Nul\x00"
    root = write_bank(tmp_path / "bank", small_bank)

    result = runner.invoke(args=["load-bank", str(root)])

    assert result.exit_code == 1
    assert (
        "Traceback" not in result.output
        and result.exception is None
        or isinstance(result.exception, SystemExit)
    )
    assert "control character" in result.output and "nothing was loaded" in result.output
    assert session.exec(select(Entity)).all() == []


def test_a_list_as_a_key_is_a_problem_not_a_type_error(runner, session, small_bank_path):
    path = small_bank_path / "entities" / "all.yaml"
    lines = path.read_text().splitlines()
    lines.insert(2, "  ? [a, b]")
    lines.insert(3, "  : x")
    path.write_text("\n".join(lines) + "\n")

    [problem] = [p for p in problems_of(small_bank_path) if p.code == "bad_yaml"]
    assert problem.location.file == "entities/all.yaml" and problem.location.line == 3
    assert "a key must be a plain name" in problem.message

    result = runner.invoke(args=["load-bank", str(small_bank_path)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "entities/all.yaml" in result.output and "a key must be a plain name" in result.output
    assert session.exec(select(Entity)).all() == []


def test_a_bank_dumped_from_sqlite_loads_into_postgresql(tmp_path, small_bank_path):
    require_postgres()
    with empty_database("sqlite", tmp_path, "lite") as lite_url:
        create_tables(lite_url)
        lite = make_engine(lite_url)
        with Session(lite) as session:
            load_bank(session, small_bank_path)
            # A row written before the edges were guarded: the dump refuses it, saying where.
            session.add(Entity(id="nul-row", name="Bad\x00Row", type="person"))
            session.commit()
            with pytest.raises(BankError, match="control character"):
                dump_bank(session, tmp_path / "dumped")
            session.delete(session.get(Entity, "nul-row"))
            session.commit()
            dump_bank(session, tmp_path / "dumped")
        lite.dispose()
    with empty_database("postgresql", tmp_path, "pg") as pg_url:
        create_tables(pg_url)
        pg = make_engine(pg_url)
        with Session(pg) as session:
            load_bank(session, tmp_path / "dumped")
            names = sorted(e.name for e in session.exec(select(Entity)))
        pg.dispose()
    assert names == sorted(e.name for e in read_bank(small_bank_path).entities.values())
