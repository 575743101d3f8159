"""Ranked play on the domain alone: the first attempt is ranked, one open attempt per quiz,
stale attempts close as they stand (quizapp.game.play, quizapp.game.ranking)."""

import datetime as dt

import pytest
from sqlmodel import Session, select

from quizapp.game import play
from quizapp.models import Attempt, BoardEntry, QuizItem

T0 = dt.datetime(2026, 11, 22, 20, 0, tzinfo=dt.UTC)
QUIZ = "event-vma-2010"


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def right_answer(session: Session, served: play.ServedQuestion) -> str:
    item = session.exec(
        select(QuizItem).where(QuizItem.quiz_id == QUIZ, QuizItem.position == served.position)
    ).one()
    if item.style == "true_false":
        return item.answer[0]
    return " and ".join(part[0] for part in item.accepted)


def play_through(session: Session, attempt: Attempt, *, start: float, right: bool) -> None:
    """Answer every question 2 s after its serve, all right or all skipped."""
    moment = start
    while (served := play.current_question(session, attempt, now=at(moment))) is not None:
        answer = right_answer(session, served) if right else ""
        play.answer_question(
            session, attempt, question_id=served.id, answer=answer, now=at(moment + 2)
        )
        moment += 3


def board_scores(session: Session) -> dict[int, int]:
    session.expire_all()
    entries = session.exec(
        select(BoardEntry).where(BoardEntry.board == QUIZ, BoardEntry.period == "all")
    )
    return {e.player_id: e.score for e in entries}


@pytest.fixture
def player(game_session):
    return play.create_player(game_session, "Little Monster")[0]


def test_the_first_attempt_is_ranked_and_a_better_replay_is_practice(game_session, player):
    first = play.open_attempt(game_session, player, QUIZ, now=T0).attempt
    play_through(game_session, first, start=0, right=False)
    replay = play.open_attempt(game_session, player, QUIZ, now=at(600)).attempt
    play_through(game_session, replay, start=600, right=True)

    assert (first.ranked, replay.ranked) == (True, False)
    assert replay.score > first.score == 0
    assert board_scores(game_session) == {player.id: 0}
    ranked, practice = (play.summarize_attempt(game_session, a) for a in (first, replay))
    assert (ranked.board, ranked.rank) == ("ranked", 1)
    assert (practice.board, practice.rank, practice.score) == ("practice", None, replay.score)


def test_starting_again_resumes_the_open_attempt(game_session, player):
    opened = play.open_attempt(game_session, player, QUIZ, now=T0)
    served = play.current_question(game_session, opened.attempt, now=at(1))
    play.answer_question(
        game_session,
        opened.attempt,
        question_id=served.id,
        answer=right_answer(game_session, served),
        now=at(3),
    )

    again = play.open_attempt(game_session, player, QUIZ, now=at(10))
    status = play.play_status(game_session, player, play.get_quiz(game_session, QUIZ), now=at(11))

    assert opened.resumed is False and again.resumed is True
    assert again.attempt.id == opened.attempt.id and again.attempt.position == 1
    assert status.resume_label == f"Resume: question 2 of {status.count}"
    assert len(game_session.exec(select(Attempt)).all()) == 1


def test_a_start_that_loses_the_race_resumes_the_winner(game_session, player, monkeypatch):
    # The other start commits between this one's look for an open attempt and its insert:
    # the partial unique index refuses the second row, and the winner is resumed.
    looked_up = play._open_attempt
    calls = []

    def late_look(session, player_id, quiz_id):
        calls.append(quiz_id)
        if len(calls) == 1:
            with Session(game_session.get_bind()) as other:
                other.add(Attempt(quiz_id=quiz_id, player_id=player_id, seed=1, ranked=True))
                other.commit()
            return None
        return looked_up(session, player_id, quiz_id)

    monkeypatch.setattr(play, "_open_attempt", late_look)
    opened = play.open_attempt(game_session, player, QUIZ, now=T0)

    attempts = game_session.exec(select(Attempt)).all()
    assert opened.resumed is True and [a.id for a in attempts] == [opened.attempt.id]
    assert opened.attempt.seed == 1 and opened.attempt.ranked


def test_a_stale_attempt_is_closed_on_the_next_read(game_session, player):
    quiz = play.get_quiz(game_session, QUIZ)
    attempt = play.open_attempt(game_session, player, QUIZ, now=T0).attempt
    served = play.current_question(game_session, attempt, now=at(1))
    play.answer_question(
        game_session,
        attempt,
        question_id=served.id,
        answer=right_answer(game_session, served),
        now=at(2),
    )
    deadline = play.attempt_deadline(attempt, quiz)
    scored = attempt.score

    still_open = play.current_question(game_session, attempt, now=deadline)
    closed = play.current_question(game_session, attempt, now=deadline + dt.timedelta(seconds=1))

    assert still_open is not None and closed is None
    # Counted from the last answer (at 2 s), not from the start.
    assert deadline == at(2 + quiz.question_count * quiz.seconds_per_question) + play.STALE_GRACE
    game_session.refresh(attempt)
    assert attempt.expired and attempt.position == 1 and attempt.score == scored > 0
    assert board_scores(game_session) == {player.id: scored}
    summary = play.summarize_attempt(game_session, attempt)
    assert summary.finished and summary.expired and summary.board == "ranked"
    # A start after the close is a new attempt, practice: the closed one was the ranked one.
    after = play.open_attempt(game_session, player, QUIZ, now=deadline + dt.timedelta(hours=1))
    assert after.resumed is False and after.attempt.ranked is False


def test_a_slow_reader_keeps_the_attempt_open_past_the_quizs_total_time(game_session, player):
    # Each answer comes just before the previous deadline: the attempt has been open far
    # longer than the quiz's whole window, but never idle that long, so it stays open.
    quiz = play.get_quiz(game_session, QUIZ)
    attempt = play.open_attempt(game_session, player, QUIZ, now=T0).attempt
    window = play.attempt_deadline(attempt, quiz) - T0
    now = T0
    for _ in range(3):
        now = play.attempt_deadline(attempt, quiz) - dt.timedelta(seconds=5)
        served = play.current_question(game_session, attempt, now=now)
        assert served is not None
        play.answer_question(
            game_session,
            attempt,
            question_id=served.id,
            answer=right_answer(game_session, served),
            now=now,
        )

    assert now - T0 > 2 * window
    assert play.current_question(game_session, attempt, now=now + window) is not None
    game_session.refresh(attempt)
    assert attempt.finished_at is None and attempt.position == 3 and not attempt.expired


def test_an_answer_after_the_close_is_refused_and_moves_nothing(game_session, player):
    quiz = play.get_quiz(game_session, QUIZ)
    attempt = play.open_attempt(game_session, player, QUIZ, now=T0).attempt
    served = play.current_question(game_session, attempt, now=at(1))
    # Another request closes it (the CLI, say) while this one holds the question.
    with Session(game_session.get_bind()) as other:
        stale = other.get(Attempt, attempt.id)
        late = play.attempt_deadline(stale, quiz) + dt.timedelta(seconds=1)
        assert play.close_if_stale(other, stale, quiz, now=late)

    with pytest.raises(play.Conflict):
        play.answer_question(
            game_session,
            attempt,
            question_id=served.id,
            answer=right_answer(game_session, served),
            now=at(3),
        )
    game_session.refresh(attempt)
    assert attempt.finished_at is not None and attempt.position == 0 and attempt.score == 0


def test_close_stale_attempts_closes_only_those_past_their_window(game_session):
    quiz = play.get_quiz(game_session, QUIZ)
    old, fresh = (play.create_player(game_session, name)[0] for name in ("Old One", "New One"))
    stale = play.open_attempt(game_session, old, QUIZ, now=T0).attempt
    window = play.attempt_deadline(stale, quiz) - T0
    recent = play.open_attempt(game_session, fresh, QUIZ, now=T0 + window).attempt

    closed = play.close_stale_attempts(game_session, now=T0 + window + dt.timedelta(seconds=1))

    game_session.refresh(stale)
    game_session.refresh(recent)
    assert closed == 1 and stale.expired and recent.finished_at is None
    assert board_scores(game_session) == {old.id: 0}


def test_close_stale_attempts_command(bundled_app):
    with bundled_app.app_context():
        from quizapp.db import get_session

        session = get_session()
        player = play.create_player(session, "Gone Away")[0]
        play.open_attempt(session, player, QUIZ, now=T0)

    result = bundled_app.test_cli_runner().invoke(args=["close-stale-attempts"])

    assert result.exit_code == 0, result.output
    assert result.output == "Closed 1 stale attempt(s).\n"
