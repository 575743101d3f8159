"""The game grades a forgiven typed answer against the bank's names (quizapp/game/play.py)."""

import datetime as dt

import pytest
from sqlmodel import select

from quizapp.game import play
from quizapp.models import Attempt, Entity, QuizItem

T0 = dt.datetime(2026, 11, 22, 20, 0, tzinfo=dt.UTC)
QUIZ = "event-vma-2010"


def _first_typed(session, player) -> tuple[Attempt, play.ServedQuestion, QuizItem]:
    attempt = play.start_attempt(session, player, QUIZ)
    while (served := play.current_question(session, attempt, now=T0)).style != "typed":
        play.answer_question(session, attempt, question_id=served.id, answer="", now=T0)
    item = session.exec(
        select(QuizItem).where(QuizItem.quiz_id == QUIZ, QuizItem.position == served.position)
    ).one()
    return attempt, served, item


@pytest.mark.parametrize(
    ("given", "correct"),
    [
        ("Adele", True),
        ("Adelle", True),  # one typo, and no other person's name is as close
        ("Adela", False),  # a person of the bank: not a typo of Adele
        ("Adel", False),  # as close to Adela as to Adele
        ("Adele, Cher", False),  # another person is no qualifier
        ("Adele (singer)", True),
    ],
)
def test_a_forgiven_answer_is_checked_against_the_banks_people(game_session, given, correct):
    game_session.add(Entity(id="adela", name="Adela", type="person"))
    # Set before the quiz is played: once it is, its questions are frozen, and the game reads
    # them once per process (quizapp.game.play.frozen_item).
    item = game_session.exec(
        select(QuizItem)
        .where(QuizItem.quiz_id == QUIZ, QuizItem.style == "typed")
        .order_by(QuizItem.position)
    ).first()
    item.accepted = [["Adele", "Adele Adkins"]]  # a frozen copy: any typed answer will do
    game_session.commit()
    player, _ = play.create_player(game_session, "Fan")
    attempt, served, _ = _first_typed(game_session, player)
    assert served.position == item.position

    outcome = play.answer_question(
        game_session, attempt, question_id=served.id, answer=given, now=T0
    )

    assert outcome.correct is correct
