"""The quiz writer's rules (docs/game.md, "How a quiz is built"), each on a small bank made in
the test: loaded, generated and built as `quizapp generate` does."""

import datetime as dt
import json

import pytest
from sqlmodel import Session, select

from quizapp.bank.sync import load_bank
from quizapp.core.database import make_engine
from quizapp.core.settings import QuizSettings
from quizapp.game.quizzes import (
    MIN_FACTS,
    QuizError,
    build_quizzes,
    create_quiz,
    ensure_daily_quiz,
)
from quizapp.models import Question, Quiz, QuizItem
from quizapp.questions.generation import rebuild_questions
from tests.conftest import create_tables
from tests.factories import (
    add_award_fact,
    entity_named,
    make_award_bank,
    make_entity,
    write_bank,
)

TODAY = dt.date(2026, 11, 22)
EVERY_STYLE = ("multiple_choice", "true_false", "typed")


@pytest.fixture
def engine(database_url):
    create_tables(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def load(engine, tmp_path):
    """Load a bank (as make_award_bank returns it) and generate its questions; a session."""
    sessions = []

    def load(bank: dict) -> Session:
        session = Session(engine)
        sessions.append(session)
        load_bank(session, write_bank(tmp_path / f"bank{len(sessions)}", bank))
        rebuild_questions(session, 2026)
        return session

    yield load
    for session in sessions:
        session.close()


def build(session: Session, count: int = 10) -> dict[str, list[QuizItem]]:
    """Build the automatic quizzes; each quiz's items in order."""
    build_quizzes(session, today=TODAY, settings=QuizSettings(count=count))
    return quiz_items(session)


def quiz_items(session: Session) -> dict[str, list[QuizItem]]:
    items: dict[str, list[QuizItem]] = {}
    for item in session.exec(select(QuizItem).order_by(QuizItem.quiz_id, QuizItem.position)):
        items.setdefault(item.quiz_id, []).append(item)
    return items


def add_person(bank: dict, faker, **overrides) -> dict:
    person = make_entity(faker, **overrides)
    bank["entities"].append(person)
    return person


def add_prize(bank: dict, faker) -> dict:
    prize = make_entity(faker, name=f"Best {faker.unique.word().title()} Cup", type="award")
    bank["entities"].append(prize)
    return prize


# --- One question per fact --------------------------------------------------------------------


def test_no_quiz_asks_about_one_fact_twice(faker, load):
    # Six facts, three questions each: ten questions per quiz would have to repeat facts.
    session = load(make_award_bank(faker, 6, styles=EVERY_STYLE))
    assert len(session.exec(select(Question)).all()) == 18

    built = build(session)
    daily = ensure_daily_quiz(session, TODAY + dt.timedelta(days=1))

    assert {"article-award-night", "event-show-2011", "daily-2026-11-22"} <= set(built)
    for items in [*built.values(), quiz_items(session)[daily.id]]:
        facts = [item.fact_id for item in items]
        assert len(facts) == len(set(facts)) >= MIN_FACTS


def test_an_editor_quiz_of_a_scope_asks_each_fact_once(faker, load):
    session = load(make_award_bank(faker, 6, styles=EVERY_STYLE))

    quiz = create_quiz(
        session, editor_id=None, title="Night", scope="article", scope_id="award-night"
    )

    facts = [item.fact_id for item in quiz_items(session)[quiz.id]]
    assert len(facts) == len(set(facts)) == quiz.question_count >= MIN_FACTS


def test_an_editor_who_picks_two_questions_on_one_fact_is_told_which(faker, load):
    session = load(make_award_bank(faker, 6, styles=EVERY_STYLE))
    same_fact = session.exec(
        select(Question.id).where(Question.fact_id == "f-award-2").order_by(Question.id)
    ).all()
    other = session.exec(select(Question.id).where(Question.fact_id == "f-award-0")).first()

    with pytest.raises(QuizError) as refused:
        create_quiz(
            session,
            editor_id=None,
            title="Mine",
            scope="list",
            question_ids=[other, same_fact[0], same_fact[1]],
        )

    [problem] = refused.value.problems
    assert (problem.code, problem.field) == ("same_fact", "question_ids")
    assert f"{same_fact[0]!r} and {same_fact[1]!r} are all about the fact 'f-award-2'" in (
        problem.message
    )
    assert session.exec(select(Quiz)).all() == []


# --- No give-away ------------------------------------------------------------------------------


def test_a_question_whose_answer_an_earlier_one_would_show_is_asked_first(faker, load):
    bank = make_award_bank(faker, 5, styles=("typed",))
    beaten = bank["entities"][0]  # the winner of f-award-0, known also by an alias
    beaten["aliases"] = ["Zed Zero"]
    champion = add_person(bank, faker)
    prize = add_prize(bank, faker)
    first_prize = entity_named(bank, bank["facts"][0]["roles"]["award"])
    sentence = (
        f"{champion['name']} won {prize['name']}, beating ZED ZERO, "
        f"who had taken {first_prize} earlier that night."
    )
    add_award_fact(bank, "f-beat", champion["id"], prize["id"], sentence)
    # The champion also hands over three prizes, so the generator rates "f-beat" easy: by
    # difficulty alone it would come before f-award-0, whose answer its sentence names.
    for n in range(3):
        winner, prize = add_person(bank, faker), add_prize(bank, faker)
        sentence = f"{champion['name']} handed {prize['name']} to {winner['name']}."
        add_award_fact(
            bank, f"f-handed-{n}", winner["id"], prize["id"], sentence, presenter=champion["id"]
        )
    session = load(bank)
    difficulty = dict(session.exec(select(Question.fact_id, Question.difficulty)).all())
    assert difficulty["f-beat"] < difficulty["f-award-0"]

    built = build(session)

    assert {"f-award-0", "f-beat"} <= {i.fact_id for i in built["article-award-night"]}
    for quiz_id, items in built.items():
        order = [item.fact_id for item in items]
        if {"f-award-0", "f-beat"} <= set(order):
            assert order.index("f-award-0") < order.index("f-beat"), quiz_id


def test_naming_an_answer_without_what_its_question_asks_gives_nothing_away(faker, load):
    # "Lady Gaga" in one feedback says nothing about who wore the meat dress: an earlier text
    # tells a later answer only if it also names what the later prompt names.
    bank = make_award_bank(faker, 5, styles=("typed",))
    beaten = bank["entities"][0]  # the winner of f-award-0
    champion, prize = add_person(bank, faker), add_prize(bank, faker)
    sentence = f"{champion['name']} won {prize['name']}, beating {beaten['name']}."
    add_award_fact(bank, "f-beat", champion["id"], prize["id"], sentence)
    session = load(bank)

    built = build(session)

    assert {"f-award-0", "f-beat"} <= {i.fact_id for i in built["article-award-night"]}


def test_two_questions_that_give_each_other_away_are_not_in_one_quiz(faker, load):
    bank = make_award_bank(faker, 6, styles=("typed",))
    ann, bob = add_person(bank, faker), add_person(bank, faker)
    first, second = add_prize(bank, faker), add_prize(bank, faker)
    # One sentence proves both facts: whichever is asked first, its feedback answers the other.
    sentence = f"{ann['name']} won {first['name']}, and {bob['name']} won {second['name']}."
    add_award_fact(bank, "f-ann", ann["id"], first["id"], sentence)
    add_award_fact(bank, "f-bob", bob["id"], second["id"], sentence)
    session = load(bank)

    built = build(session)

    assert len(built["article-award-night"]) == 7  # eight facts, one of the two left out
    for items in built.values():
        assert not {"f-ann", "f-bob"} <= {item.fact_id for item in items}


# --- Topic quizzes -----------------------------------------------------------------------------


def topic_bank(faker, *, presented: int, won: int) -> tuple[dict, str]:
    """Four award wins without the host, ``presented`` prizes the host handed over and ``won``
    the host won; the bank and the host's id."""
    bank = make_award_bank(faker, 4, styles=("typed",))
    host = add_person(bank, faker, name="Hana Host")
    for n in range(presented):
        winner, prize = add_person(bank, faker), add_prize(bank, faker)
        sentence = f"Hana Host handed {prize['name']} to {winner['name']}."
        add_award_fact(
            bank, f"f-handed-{n}", winner["id"], prize["id"], sentence, presenter=host["id"]
        )
    for n in range(won):
        prize = add_prize(bank, faker)
        add_award_fact(
            bank, f"f-won-{n}", host["id"], prize["id"], f"Hana Host won {prize['name']}."
        )
    return bank, host["id"]


def test_a_topic_quiz_asks_about_its_topic_without_it_as_the_answer(faker, load):
    bank, host = topic_bank(faker, presented=6, won=3)
    session = load(bank)

    items = build(session, count=6)[f"entity-{host}"]

    assert session.get(Quiz, f"entity-{host}").title == "All about Hana Host"
    assert len(items) == 6
    assert {item.fact_id for item in items} == {f"f-handed-{n}" for n in range(6)}


def test_a_short_topic_quiz_has_its_topic_as_the_answer_once_at_most(faker, load):
    bank, host = topic_bank(faker, presented=4, won=3)
    session = load(bank)

    items = build(session)[f"entity-{host}"]

    facts = [item.fact_id for item in items]
    assert len(facts) == 5 and sum(f.startswith("f-won-") for f in facts) == 1
    assert all(f.startswith(("f-won-", "f-handed-")) for f in facts)
    # Every other item's sentence names the host: the one the host answers comes first.
    assert facts[0].startswith("f-won-")


def test_an_editors_topic_quiz_follows_the_same_rules(faker, load):
    bank, host = topic_bank(faker, presented=6, won=3)
    session = load(bank)

    quiz = create_quiz(
        session, editor_id=None, title="Hana", scope="entity", scope_id=host, count=6
    )

    facts = {item.fact_id for item in quiz_items(session)[quiz.id]}
    assert facts == {f"f-handed-{n}" for n in range(6)}


# --- How many questions -----------------------------------------------------------------------


def test_a_scope_with_fewer_than_min_facts_facts_gets_no_quiz(faker, load):
    session = load(make_award_bank(faker, MIN_FACTS - 1, styles=EVERY_STYLE))
    assert len(session.exec(select(Question)).all()) == 3 * (MIN_FACTS - 1)

    assert build(session) == {}
    assert ensure_daily_quiz(session, TODAY) is None
    with pytest.raises(QuizError) as refused:
        create_quiz(session, editor_id=None, title="Few", scope="article", scope_id="award-night")
    assert refused.value.problems[0].message == (
        "the article 'Award night' has questions on 4 facts; a quiz asks about each fact once "
        "and needs at least 5"
    )


def test_a_scope_with_fewer_facts_than_questions_per_quiz_gets_a_shorter_quiz(faker, load):
    session = load(make_award_bank(faker, 7, styles=EVERY_STYLE))

    built = build(session, count=10)

    assert session.get(Quiz, "article-award-night").question_count == 7
    assert len({item.fact_id for item in built["article-award-night"]}) == 7


# --- True and false ------------------------------------------------------------------------------


def test_true_false_items_are_about_half_true_half_false(faker, load):
    session = load(make_award_bank(faker, 16, styles=("true_false",)))
    pool = session.exec(select(Question.answer)).all()
    trues, falses = pool.count(["true"]), pool.count(["false"])

    for title in ("One", "Two", "Three", "Four"):
        quiz = create_quiz(
            session, editor_id=None, title=title, scope="article", scope_id="award-night", count=8
        )
        truths = [item.answer == ["true"] for item in quiz_items(session)[quiz.id]]
        # Four each, unless the bank has fewer of one: then all of those.
        assert min(truths.count(True), truths.count(False)) == min(4, trues, falses)


def test_the_first_true_false_item_is_not_always_true(faker, load):
    session = load(make_award_bank(faker, 16, styles=("true_false",)))
    pool = session.exec(select(Question.answer)).all()
    assert ["true"] in pool and ["false"] in pool

    firsts = set()
    for n in range(8):
        quiz = create_quiz(
            session, editor_id=None, title=f"Quiz {n}", scope="article", scope_id="award-night"
        )
        firsts.add(quiz_items(session)[quiz.id][0].answer[0])

    assert firsts == {"true", "false"}


# --- Deterministic --------------------------------------------------------------------------------


def test_the_same_bank_and_seed_build_the_same_quizzes(faker, load, tmp_path):
    bank = make_award_bank(faker, 8, styles=EVERY_STYLE)
    session = load(bank)
    first = {q: [(i.position, i.question_id) for i in items] for q, items in build(session).items()}

    other = Session(make_engine(f"sqlite:///{tmp_path / 'other.sqlite'}"))
    create_tables(f"sqlite:///{tmp_path / 'other.sqlite'}")
    load_bank(other, write_bank(tmp_path / "again", bank))
    rebuild_questions(other, 2026)
    again = {q: [(i.position, i.question_id) for i in items] for q, items in build(other).items()}
    other.close()

    assert again == first and first


# --- quizapp export-quizzes ----------------------------------------------------------------------


def test_export_quizzes_prints_each_quiz_with_its_items_in_order(faker, runner, tmp_path):
    root = write_bank(tmp_path / "bank", make_award_bank(faker, 6, styles=EVERY_STYLE))
    assert runner.invoke(args=["load-bank", str(root)]).exit_code == 0
    assert runner.invoke(args=["generate"]).exit_code == 0

    result = runner.invoke(args=["export-quizzes"])

    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    by_id = {r["id"]: r for r in records}
    assert [r["id"] for r in records] == sorted(by_id)
    event = by_id["event-show-2011"]
    assert (event["title"], event["scope"], event["scope_id"], event["status"]) == (
        "2011 Music Awards",
        "event",
        "show-2011",
        "published",
    )
    items = event["items"]
    assert [i["position"] for i in items] == list(range(len(items))) and len(items) >= MIN_FACTS
    assert {i["style"] for i in items} <= set(EVERY_STYLE)
    assert len({i["fact"] for i in items}) == len(items)
    assert all(i["question"].startswith("q-") and i["template"] for i in items)
