"""Playing, on the domain alone: nicknames, server-timed scoring, one answer per question."""

import datetime as dt
from dataclasses import fields

import pytest
from sqlmodel import select

from quizapp.game import play
from quizapp.models import AttemptAnswer, BoardEntry, QuizItem

T0 = dt.datetime(2026, 11, 22, 20, 0, tzinfo=dt.UTC)
QUIZ = "event-vma-2010"


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def item_for(session, served: play.ServedQuestion) -> QuizItem:
    return session.exec(
        select(QuizItem).where(QuizItem.quiz_id == QUIZ, QuizItem.position == served.position)
    ).one()


def right_answer(session, served: play.ServedQuestion) -> str:
    item = item_for(session, served)
    if item.style == "true_false":
        return item.answer[0]
    return " and ".join(part[0] for part in item.accepted)


def wrong_answer(session, served: play.ServedQuestion) -> str:
    item = item_for(session, served)
    if item.style == "true_false":
        return "false" if item.answer == ["true"] else "true"
    if item.style == "multiple_choice":
        return next(c for c in served.choices if c != item.accepted[0][0])
    return "Nobody At All"


@pytest.fixture
def player(game_session):
    return play.create_player(game_session, "Little Monster")[0]


def test_create_player_gives_a_token_that_identifies_them(game_session):
    player, token = play.create_player(game_session, "  Lady   Fan ")

    assert player.nickname == "Lady Fan"
    assert play.player_for_token(game_session, token).id == player.id
    assert play.player_for_token(game_session, token + "x") is None
    assert token not in player.token_hash


@pytest.mark.parametrize(
    ("nickname", "message"),
    [
        ("a", "2 to 24 characters"),
        ("x" * 25, "2 to 24 characters"),
        ("<script>", "only letters, digits, spaces and . _ -"),
        ("Bob'); DROP TABLE x;--", "only letters"),
        (42, "must be a text"),
        ("   ", "2 to 24 characters"),
    ],
)
def test_bad_nicknames_are_refused_with_what_to_fix(game_session, nickname, message):
    with pytest.raises(play.InvalidInput, match=message):
        play.create_player(game_session, nickname)


def test_a_taken_nickname_ignoring_case_gets_a_suggestion(game_session, player):
    with pytest.raises(play.Conflict) as caught:
        play.create_player(game_session, "LITTLE MONSTER")

    assert caught.value.details["suggestion"] == "LITTLE MONSTER2"


def test_scoring_follows_the_rules_over_a_whole_quiz(game_session, player):
    attempt = play.start_attempt(game_session, player, QUIZ)
    clock, points = 0.0, []
    plan = ["right", "right", "wrong", "late", "right", "right"]
    while (served := play.current_question(game_session, attempt, now=at(clock))) is not None:
        step = plan[served.position] if served.position < len(plan) else "right"
        answer = (
            wrong_answer(game_session, served)
            if step == "wrong"
            else right_answer(game_session, served)
        )
        delay = served.seconds + 1.5 if step == "late" else 0.2
        outcome = play.answer_question(
            game_session, attempt, question_id=served.id, answer=answer, now=at(clock + delay)
        )
        points.append(outcome.points)
        clock += delay + 1

    assert points[:6] == [1000, 1100, 0, 0, 1000, 1100]
    assert points[6:] == [1200, 1300, 1400, 1500][: len(points) - 6]
    summary = play.summarize_attempt(game_session, attempt)
    assert summary.finished and summary.score == sum(points) and summary.rank == 1
    stored = game_session.exec(
        select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id)
    ).all()
    assert sum(a.points for a in stored) == summary.score
    assert [a.late for a in stored][3] is True
    assert all(r.evidence and r.article_title for r in summary.review)
    board = game_session.get(BoardEntry, (QUIZ, "all", player.id))
    assert board.score == summary.score


def test_fetching_again_does_not_restart_the_clock(game_session, player):
    attempt = play.start_attempt(game_session, player, QUIZ)
    first = play.current_question(game_session, attempt, now=at(0))

    again = play.current_question(game_session, attempt, now=at(10))
    outcome = play.answer_question(
        game_session,
        attempt,
        question_id=first.id,
        answer=right_answer(game_session, first),
        now=at(10),
    )

    assert again.id == first.id and again.remaining == pytest.approx(first.seconds - 10)
    assert outcome.points == round(1000 * (1 - 10 / first.seconds / 2))


def test_one_answer_per_question(game_session, player):
    attempt = play.start_attempt(game_session, player, QUIZ)
    served = play.current_question(game_session, attempt, now=at(0))
    answer = right_answer(game_session, served)
    play.answer_question(game_session, attempt, question_id=served.id, answer=answer, now=at(1))

    with pytest.raises(play.Conflict):
        play.answer_question(game_session, attempt, question_id=served.id, answer=answer, now=at(2))

    game_session.refresh(attempt)
    assert attempt.position == 1 and attempt.score == 1000 - round(1000 / served.seconds / 2)


def test_answering_another_question_or_before_fetching_is_a_conflict(game_session, player):
    attempt = play.start_attempt(game_session, player, QUIZ)
    first_id = game_session.get(QuizItem, (QUIZ, 0)).question_id
    second_id = game_session.get(QuizItem, (QUIZ, 1)).question_id

    with pytest.raises(play.Conflict, match="fetch the question"):
        play.answer_question(game_session, attempt, question_id=first_id, answer="x", now=at(0))
    play.current_question(game_session, attempt, now=at(0))
    with pytest.raises(play.Conflict, match="not the current question"):
        play.answer_question(game_session, attempt, question_id=second_id, answer="x", now=at(1))


def test_a_choice_not_offered_is_refused(game_session, player):
    attempt = play.start_attempt(game_session, player, QUIZ)
    served = None
    while (served := play.current_question(game_session, attempt, now=at(0))).style != (
        "multiple_choice"
    ):
        play.answer_question(
            game_session,
            attempt,
            question_id=served.id,
            answer=right_answer(game_session, served),
            now=at(0.1),
        )

    with pytest.raises(play.InvalidInput, match="one of the choices"):
        play.answer_question(
            game_session, attempt, question_id=served.id, answer="Someone Else", now=at(1)
        )


def test_served_questions_carry_no_answer_and_order_differs_per_attempt(game_session, player):
    assert {f.name for f in fields(play.ServedQuestion)} == {
        "id",
        "position",
        "count",
        "prompt",
        "style",
        "choices",
        "seconds",
        "remaining",
        "served_at",
    }
    items = game_session.exec(
        select(QuizItem).where(QuizItem.quiz_id == QUIZ, QuizItem.style == "multiple_choice")
    ).all()
    orders = set()
    for number in range(6):
        # One attempt per player: a player's second start would resume their first.
        someone, _ = play.create_player(game_session, f"Shuffler {number}")
        attempt = play.start_attempt(game_session, someone, QUIZ)
        orders.add(tuple(tuple(play.shuffled_choices(i, attempt)) for i in items))
    assert len(orders) > 1


def test_another_players_attempt_is_forbidden(game_session, player):
    other, _ = play.create_player(game_session, "Someone Else")
    attempt = play.start_attempt(game_session, player, QUIZ)

    with pytest.raises(play.Forbidden):
        play.get_attempt(game_session, attempt.id, other)
    with pytest.raises(play.NotFound):
        play.get_attempt(game_session, 999_999, player)


@pytest.mark.parametrize("style", ["multiple_choice", "true_false", "typed"])
def test_an_empty_answer_is_a_skip_in_every_style(game_session, player, style):
    attempt = play.start_attempt(game_session, player, QUIZ)
    while (served := play.current_question(game_session, attempt, now=at(0))).style != style:
        play.answer_question(
            game_session,
            attempt,
            question_id=served.id,
            answer=right_answer(game_session, served),
            now=at(0.1),
        )

    outcome = play.answer_question(
        game_session, attempt, question_id=served.id, answer="", now=at(21)
    )

    assert not outcome.correct and outcome.points == 0 and outcome.streak == 0
