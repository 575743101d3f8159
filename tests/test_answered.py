"""The feedback read back from stored answers: the same as when answering, reload after reload."""

import dataclasses

import pytest

from quizapp.game import answered, play
from tests.test_play import QUIZ, at, right_answer, wrong_answer


@pytest.fixture
def player(game_session):
    return play.create_player(game_session, "Back Button")[0]


def test_the_feedback_read_back_is_what_answering_said(game_session, player):
    attempt = play.start_attempt(game_session, player, QUIZ)
    clock, outcomes = 0.0, []
    for step in ("right", "right", "wrong", "right"):
        served = play.current_question(game_session, attempt, now=at(clock))
        answer = (right_answer if step == "right" else wrong_answer)(game_session, served)
        outcomes.append(
            play.answer_question(
                game_session, attempt, question_id=served.id, answer=answer, now=at(clock + 2)
            )
        )
        clock += 5

    for outcome in outcomes:
        shown = answered.answered_feedback(game_session, attempt, outcome.position)
        same = {f.name for f in dataclasses.fields(play.AnswerOutcome)}
        assert {name: getattr(shown, name) for name in same} == dataclasses.asdict(outcome)
        assert shown.verdict == ("Right!" if outcome.correct else "Wrong")
    assert [o.streak for o in outcomes] == [1, 2, 0, 1]


def test_only_answered_questions_have_feedback(game_session, player):
    attempt = play.start_attempt(game_session, player, QUIZ)
    served = play.current_question(game_session, attempt, now=at(0))

    for position in (0, 1, -1, 10**20):
        with pytest.raises(play.NotFound):
            answered.answered_feedback(game_session, attempt, position)
    assert answered.answered_position(game_session, attempt, served.id) is None


@pytest.mark.parametrize(
    ("given", "seconds_after_limit"),
    [
        ("", 0.0),  # the countdown sent no answer as the time ran out (JavaScript)
        ("", 5.0),  # an empty answer sent late by hand (typed, no JavaScript)
        ("wrong", 5.0),  # a choice clicked after the time (no JavaScript)
        ("right", 5.0),  # even the right one
    ],
)
def test_no_answer_in_time_says_times_up_with_or_without_javascript(
    game_session, player, given, seconds_after_limit
):
    attempt = play.start_attempt(game_session, player, QUIZ)
    served = play.current_question(game_session, attempt, now=at(0))
    answer = {"": "", "wrong": wrong_answer, "right": right_answer}[given]
    text = answer if isinstance(answer, str) else answer(game_session, served)
    play.answer_question(
        game_session,
        attempt,
        question_id=served.id,
        answer=text,
        now=at(served.seconds + seconds_after_limit),
    )

    shown = answered.answered_feedback(game_session, attempt, 0)

    assert (shown.verdict, shown.message, shown.points) == ("Time’s up", answered.TOO_LATE, 0)
    assert shown.given == text and not shown.correct


def test_an_early_skip_is_a_wrong_answer_not_times_up(game_session, player):
    attempt = play.start_attempt(game_session, player, QUIZ)
    served = play.current_question(game_session, attempt, now=at(0))
    play.answer_question(game_session, attempt, question_id=served.id, answer="", now=at(3))

    shown = answered.answered_feedback(game_session, attempt, 0)

    assert (shown.verdict, shown.message) == ("Wrong", "No answer.")
    assert answered.answered_position(game_session, attempt, served.id) == 0
