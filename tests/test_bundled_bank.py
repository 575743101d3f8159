"""The bundled question bank: valid, rich, and every generated question fair."""

import json
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from quizapp import create_app
from quizapp.bank.files import read_bank
from quizapp.bank.slots import parse_template, render
from quizapp.core.text import fold
from quizapp.db import get_engine
from quizapp.game.grading import match_answer
from tests.conftest import BUNDLED_BANK, empty_database


@pytest.fixture(scope="module")
def bank():
    """The bundled bank, read and validated."""
    return read_bank(BUNDLED_BANK)


@pytest.fixture(scope="module")
def exported(database_kind: str, tmp_path_factory) -> Iterator[list[dict]]:
    """Every question the bundled bank makes, as `quizapp export-questions` prints them."""
    with empty_database(database_kind, tmp_path_factory.mktemp("bundled"), "quiz") as url:
        app = create_app({"TESTING": True, "DATABASE_URL": url})
        runner = app.test_cli_runner()
        for command in (["load-bank"], ["generate"]):
            result = runner.invoke(args=command)
            assert result.exit_code == 0, result.output
        output = runner.invoke(args=["export-questions"]).output
        get_engine(app).dispose()
        yield [json.loads(line) for line in output.splitlines()]


def test_bank_is_rich_enough(bank):
    assert len(bank.articles) == 2
    assert len(bank.facts) > 25
    kinds_with_templates = {t.kind for t in bank.templates.values()}
    assert set(bank.kinds) <= kinds_with_templates, "every fact kind has a template"
    styles = {t.style for t in bank.templates.values()}
    assert styles == {"multiple_choice", "true_false", "typed"}


def test_every_fact_has_verbatim_evidence(bank):
    for fact in bank.facts.values():
        assert fact.evidence in bank.articles[fact.article].text, fact.id


def test_articles_are_the_shared_sources_byte_for_byte(bank):
    from pathlib import Path

    sources = Path(__file__).resolve().parents[2] / "shared" / "articles"
    if not sources.is_dir():
        pytest.skip(f"the shared articles are not beside this checkout ({sources})")
    originals = {p.read_bytes().decode("utf-8") for p in sources.glob("*.txt")}
    assert {a.text for a in bank.articles.values()} == originals


@pytest.mark.parametrize(
    ("entity_id", "typed"),
    [
        ("jay-z", "Jay Z"),
        ("jay-z", "JAY Z"),
        ("beyonce", "Beyonce"),
        ("tyler-the-creator", "Tyler"),
        ("tyler-the-creator", "tyler the creator"),
        ("30-seconds-to-mars", "Thirty Seconds to Mars"),
        ("lady-gaga", "Gaga"),
        ("lady-gaga", "Lady Gag"),
    ],
)
def test_players_can_type_the_names_fans_use(bank, entity_id, typed):
    entity = bank.entities[entity_id]

    assert match_answer([[entity.name, *entity.aliases]], typed).correct


def test_at_least_80_questions_each_with_its_evidence(exported, bank):
    assert len(exported) >= 80
    for q in exported:
        assert q["evidence"] and q["evidence"] in bank.articles[q["article"]].text
        assert q["prompt"] and q["answer"]


def test_no_duplicate_choices_and_the_answer_is_among_them(exported):
    for q in exported:
        if q["style"] == "multiple_choice":
            assert len(q["choices"]) == 4, q["id"]
            assert len({fold(c) for c in q["choices"]}) == 4, q
            assert q["accepted"][0][0] in q["choices"]
        elif q["style"] == "true_false":
            assert q["choices"] == ["true", "false"] and q["answer"] in (["true"], ["false"])


def _same(a, b) -> bool:
    return (set(a) if isinstance(a, list) else a) == (set(b) if isinstance(b, list) else b)


def _display(bank, value) -> str:
    if isinstance(value, list):
        return " and ".join(sorted(bank.entities[v].name for v in value))
    if isinstance(value, str) and value in bank.entities:
        return bank.entities[value].name
    return str(value)


def test_no_wrong_answer_is_actually_right(exported, bank):
    """Brute force, independent of the generator: for each question, every fact of the kind that
    agrees on what the prompt states is a right answer, and may never be offered as wrong."""
    for q in exported:
        template, fact = bank.templates[q["template"]], bank.facts[q["fact"]]
        stated = parse_template(template.prompt).roles - {template.answer}
        also_right = [
            g
            for g in bank.facts.values()
            if g.kind == fact.kind
            and template.answer in g.roles
            and all(_same(g.roles.get(r), fact.roles.get(r)) for r in stated)
        ]
        right_texts = {_display(bank, g.roles[template.answer]) for g in also_right}
        if q["style"] == "multiple_choice":
            wrong = set(q["choices"]) - {q["accepted"][0][0]}
            assert not wrong & right_texts, (q["id"], wrong & right_texts)
        elif q["style"] == "true_false" and q["answer"] == ["false"]:
            for g in also_right:
                values = {
                    r: _render_value(bank, g.roles[r] if r == template.answer else fact.roles[r])
                    for r in parse_template(template.prompt).roles
                }
                assert render(parse_template(template.prompt), values) != q["prompt"], q["id"]


def _render_value(bank, value):
    if isinstance(value, list):
        return [bank.entities[v].name for v in value]
    if isinstance(value, str) and value in bank.entities:
        return bank.entities[value].name
    return value


def test_typed_answers_accept_every_alias(exported, bank):
    for q in exported:
        if q["style"] != "typed":
            continue
        result = match_answer(q["accepted"], " and ".join(q["answer"]))
        assert result.correct, (q["id"], q["answer"], result.message)


def test_export_from_the_console_script_matches_help(database_url, monkeypatch):
    from quizapp import db
    from quizapp.__main__ import main

    # Each command makes an app and an engine that nothing disposes (the process would end):
    # keep them, to close their connections before the test's database goes.
    engines = []
    make_engine = db.make_engine

    def kept_engine(url: str):
        engines.append(make_engine(url))
        return engines[-1]

    monkeypatch.setattr(db, "make_engine", kept_engine)
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()

    assert runner.invoke(main, ["load-bank"]).exit_code == 0
    assert runner.invoke(main, ["generate"]).exit_code == 0
    result = runner.invoke(main, ["export-questions"])

    for engine in engines:
        engine.dispose()
    assert result.exit_code == 0 and len(result.output.splitlines()) >= 80
