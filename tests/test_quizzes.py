"""Building quizzes from scopes: fixed lists, and played quizzes never change."""

import datetime as dt

import pytest
from sqlmodel import Session, select

from quizapp.db import create_schema, make_engine
from quizapp.models import Attempt, Player, Quiz, QuizItem
from quizapp.quizzes import (
    _Candidate,
    build_quizzes,
    ensure_daily_quiz,
    list_quizzes,
    select_questions,
)
from tests.conftest import BUNDLED_BANK

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def bundled_engine(tmp_path_factory):
    """A database holding the bundled bank and its questions."""
    from quizapp.bank import load_bank
    from quizapp.generation import rebuild_questions

    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('quiz') / 'q.sqlite'}")
    create_schema(engine)
    with Session(engine) as session:
        load_bank(session, BUNDLED_BANK)
        rebuild_questions(session, 2026)
    return engine


@pytest.fixture
def session(bundled_engine):
    """A session whose quiz tables start empty."""
    with Session(bundled_engine) as session:
        for model in (QuizItem, Attempt, Quiz, Player):
            for row in session.exec(select(model)):
                session.delete(row)
        session.commit()
        yield session


def test_every_scope_gets_a_quiz(session):
    build_quizzes(session, today=TODAY)

    ids = {q.id for q in session.exec(select(Quiz))}
    assert {"article-vma-2010-gaga-triumph", "article-vma-2011-backstage"} <= ids
    assert {"event-vma-2010", "event-vma-2011"} <= ids
    assert "entity-lady-gaga" in ids, "a Lady Gaga quiz"
    assert "daily-2026-11-22" in ids
    gaga = session.get(Quiz, "entity-lady-gaga")
    assert gaga.title == "All about Lady Gaga" and gaga.question_count == 10


def test_a_quiz_asks_each_fact_once_and_goes_from_easy_to_hard(session):
    build_quizzes(session, today=TODAY)

    for quiz in session.exec(select(Quiz)):
        items = session.exec(
            select(QuizItem).where(QuizItem.quiz_id == quiz.id).order_by(QuizItem.position)
        ).all()
        assert len(items) == quiz.question_count
        difficulties = [i.difficulty for i in items]
        assert difficulties == sorted(difficulties)
        assert len({i.style for i in items}) > 1, quiz.id


def test_building_twice_changes_nothing(session):
    build_quizzes(session, today=TODAY)
    before = [(i.quiz_id, i.position, i.question_id) for i in session.exec(select(QuizItem))]

    report = build_quizzes(session, today=TODAY)

    assert not report.created and not report.updated and not report.removed
    after = [(i.quiz_id, i.position, i.question_id) for i in session.exec(select(QuizItem))]
    assert sorted(after) == sorted(before)


def test_a_played_quiz_never_changes(session):
    build_quizzes(session, today=TODAY)
    player = Player(nickname="Fan", nickname_key="fan", token_hash="x" * 64)
    session.add(player)
    session.commit()
    session.add(Attempt(quiz_id="event-vma-2010", player_id=player.id, seed=1))
    session.commit()
    before = session.exec(select(QuizItem).where(QuizItem.quiz_id == "event-vma-2010")).all()
    frozen = [(i.question_id, i.prompt, i.choices) for i in before]

    report = build_quizzes(session, today=TODAY, count=6)

    assert report.kept_played == 1
    after = session.exec(select(QuizItem).where(QuizItem.quiz_id == "event-vma-2010")).all()
    assert [(i.question_id, i.prompt, i.choices) for i in after] == frozen
    assert session.get(Quiz, "article-vma-2011-backstage").question_count == 6


def test_the_daily_mix_is_the_same_all_day_and_differs_by_day(session):
    first = ensure_daily_quiz(session, TODAY)
    again = ensure_daily_quiz(session, TODAY)
    tomorrow = ensure_daily_quiz(session, TODAY + dt.timedelta(days=1))

    def ids(quiz):
        return [
            i.question_id
            for i in session.exec(
                select(QuizItem).where(QuizItem.quiz_id == quiz.id).order_by(QuizItem.position)
            )
        ]

    assert first.id == again.id == "daily-2026-11-22" and ids(first) == ids(again)
    assert ids(tomorrow) != ids(first)


def test_listing_puts_todays_mix_first_and_hides_older_mixes(session):
    build_quizzes(session, today=TODAY - dt.timedelta(days=1))
    build_quizzes(session, today=TODAY)

    quizzes = list_quizzes(session, today=TODAY)

    assert quizzes[0].id == "daily-2026-11-22"
    assert all(q.id != "daily-2026-11-21" for q in quizzes)


def test_select_questions_prefers_one_question_per_fact():
    candidates = [
        _Candidate(f"q{fact}{style}", f"f{fact}", style, 0.1 * fact)
        for fact in range(6)
        for style in ("multiple_choice", "true_false", "typed")
    ]

    chosen = select_questions(candidates, count=6, seed="s")

    facts = [next(c.fact_id for c in candidates if c.id == q) for q in chosen]
    assert len(set(facts)) == 6
    assert select_questions(candidates, count=6, seed="s") == chosen
