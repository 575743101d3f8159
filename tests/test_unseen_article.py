"""An article the bundled bank has never seen (tests/data/unseen_bank, written for tests).

The bundled bank's kinds and templates, with one new article, its entities and facts: what
the generator, the quiz builder and the audit do must hold for it as for the seed articles.
"""

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from quizapp import create_app
from quizapp.bank.files import read_bank
from quizapp.db import get_engine
from tests.conftest import BUNDLED_BANK, empty_database

UNSEEN = Path(__file__).parent / "data" / "unseen_bank"
ARTICLE = "vma-2013-recap"


@pytest.fixture(scope="module")
def bank_path(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("unseen") / "bank"
    shutil.copytree(BUNDLED_BANK, root)
    for folder in ("articles", "entities", "facts"):
        for source in (UNSEEN / folder).iterdir():
            shutil.copy(source, root / folder / source.name)
    return root


@pytest.fixture(scope="module")
def built(database_kind: str, bank_path: Path, tmp_path_factory) -> Iterator[dict]:
    """The questions, the quizzes and the audit of the bundled bank plus the unseen article."""
    with empty_database(database_kind, tmp_path_factory.mktemp("db"), "unseen") as url:
        app = create_app({"TESTING": True, "DATABASE_URL": url})
        runner = app.test_cli_runner()
        for command in (["load-bank", str(bank_path)], ["generate"]):
            result = runner.invoke(args=command)
            assert result.exit_code == 0, result.output
        questions = runner.invoke(args=["export-questions"]).output
        quizzes = runner.invoke(args=["export-quizzes"]).output
        audit = runner.invoke(args=["audit"])
        get_engine(app).dispose()
        yield {
            "questions": [json.loads(line) for line in questions.splitlines()],
            "quizzes": [json.loads(line) for line in quizzes.splitlines()],
            "audit": audit,
        }


def _unseen(built: dict) -> list[dict]:
    return [q for q in built["questions"] if q["article"] == ARTICLE]


def test_the_unseen_article_reads_without_a_problem(bank_path):
    bank = read_bank(bank_path)
    assert ARTICLE in bank.articles
    for fact in bank.facts.values():
        if fact.article == ARTICLE:
            assert fact.evidence in bank.articles[ARTICLE].text, fact.id


def test_the_audit_passes_with_the_unseen_article(built):
    assert built["audit"].exit_code == 0, built["audit"].output


def test_the_unseen_article_makes_questions_of_every_style(built):
    styles = {q["style"] for q in _unseen(built)}
    assert styles == {"multiple_choice", "true_false", "typed"}


def test_its_open_list_is_never_asked_as_a_closed_set(built):
    # "well-wishers including Kanye West and Drake": the article leaves the list open.
    for question in _unseen(built):
        if question["fact"] == "vma-2013-well-wishers":
            assert question["answer"] != ["Kanye West", "Drake"], question["prompt"]
            assert "Kanye West" not in question["solution"], question["prompt"]


def test_wrong_winners_are_acts_that_won_something_or_share_the_winners_tags(built, bank_path):
    # Role first: for "Who won ...?" the wrong choices are other winners where the bank has
    # enough of them, then acts tagged like the winner: never an act of another kind.
    bank = read_bank(bank_path)
    name_of = {e.id: e.name for e in bank.entities.values()}
    tags_of = {e.name: set(e.tags) for e in bank.entities.values()}
    type_of = {e.name: e.type for e in bank.entities.values()}
    winners = {name_of[f.roles["winner"]] for f in bank.facts.values() if f.kind == "award_win"}
    asked = [q for q in _unseen(built) if q["template"] == "award-win-winner-mc"]
    assert asked
    for question in asked:
        [answer] = question["answer"]
        for choice in question["choices"]:
            assert choice in winners or tags_of[choice] & tags_of[answer], (
                question["prompt"],
                choice,
            )
        # Other winners of the same type and a tag in common come before anyone else.
        fitting = {
            w
            for w in winners - {answer}
            if type_of[w] == type_of[answer] and tags_of[w] & tags_of[answer]
        }
        wrong = set(question["choices"]) - {answer}
        assert len(wrong & winners) >= min(3, len(fitting)), question["prompt"]


def test_its_event_gets_a_quiz_that_never_repeats_a_fact(built):
    [quiz] = [q for q in built["quizzes"] if q["id"] == "event-vma-2013"]
    facts = [item["fact"] for item in quiz["items"]]
    assert len(facts) >= 5
    assert len(facts) == len(set(facts))
