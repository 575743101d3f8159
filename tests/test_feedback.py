"""Problem reports, answer statistics and calibrated difficulty (quizapp.game.feedback), no app.

Answers are written as rows, as the game stores them, so every expected figure can be read
off the test itself; the play-through in the browser is tests/test_editor_quizzes_web.py.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlmodel import select

from quizapp.game import feedback, play
from quizapp.game.quizzes import build_quizzes
from quizapp.models import Attempt, AttemptAnswer, Change, Player, Question, QuizItem, Report
from tests.conftest import TODAY

QUIZ = "event-vma-2010"
T0 = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
_names = itertools.count(1)


def make_player(session, nickname: str | None = None) -> Player:
    """A player, committed."""
    nickname = nickname or f"Fan{next(_names)}"
    player = Player(nickname=nickname, nickname_key=nickname.casefold(), token_hash=nickname * 3)
    session.add(player)
    session.commit()
    return player


def make_attempt(session, player: Player, quiz_id: str = QUIZ) -> Attempt:
    """An attempt of ``player`` at the quiz, committed."""
    attempt = Attempt(quiz_id=quiz_id, player_id=player.id, seed=1)
    session.add(attempt)
    session.commit()
    return attempt


def answer(
    session,
    attempt: Attempt,
    position: int,
    *,
    given: str | None = "x",
    correct: bool = False,
    late: bool = False,
    ms: int | None = 1000,
    answered: bool = True,
) -> AttemptAnswer:
    """An answer row as quizapp.game.play writes it; ``answered=False`` is a serve only."""
    item = session.get(QuizItem, (attempt.quiz_id, position))
    row = AttemptAnswer(
        attempt_id=attempt.id,
        position=position,
        question_id=item.question_id,
        served_at=T0,
        answered_at=T0 + dt.timedelta(milliseconds=ms or 0) if answered else None,
        given=given if answered else None,
        correct=correct,
        late=late,
        elapsed_ms=ms if answered else None,
    )
    session.add(row)
    session.commit()
    return row


def item_at(session, position: int, quiz_id: str = QUIZ) -> QuizItem:
    return session.get(QuizItem, (quiz_id, position))


# --- Calibrated difficulty ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("estimate", "answers", "right", "min_answers", "expected"),
    [
        (0.4, 0, 0, 20, 0.4),  # nobody answered: the estimate
        (0.4, 19, 0, 20, 0.4),  # one short of the threshold: still the estimate
        (0.4, 20, 5, 20, 0.75),  # 15 of 20 missed
        (0.4, 40, 30, 20, 0.25),
        (0.4, 20, 20, 20, 0.05),  # nobody missed: the generator's floor
        (0.4, 20, 0, 20, 0.95),  # everybody missed: its ceiling
        (0.6, 3, 1, 3, 0.67),  # rounded to two places
        (0.6, 1, 1, 1, 0.05),
    ],
)
def test_calibrated_difficulty(estimate, answers, right, min_answers, expected):
    assert (
        feedback.calibrated_difficulty(estimate, answers, right, min_answers=min_answers)
        == expected
    )


@pytest.mark.parametrize(("answers", "right"), [(-1, 0), (5, 6), (5, -1)])
def test_calibrated_difficulty_refuses_impossible_counts(answers, right):
    with pytest.raises(ValueError, match="0 <= right <= answers"):
        feedback.calibrated_difficulty(0.5, answers, right)


def test_calibrating_sets_difficulty_from_enough_answers_only(game_session):
    session = game_session
    hard, fresh = item_at(session, 0), item_at(session, 1)
    for n in range(20):
        # A player of its own each: a player has one open attempt per quiz.
        attempt = make_attempt(session, make_player(session))
        answer(session, attempt, 0, correct=n < 5)  # 5 of 20 right
        if n < 19:
            answer(session, attempt, 1, correct=True)  # 19 answers: too few
    before = session.get(Question, fresh.question_id).difficulty

    changed = feedback.calibrate_questions(session)

    session.expire_all()
    assert changed == 1
    assert session.get(Question, hard.question_id).difficulty == 0.75
    assert session.get(Question, fresh.question_id).difficulty == before
    assert feedback.calibrate_questions(session) == 0  # the same however often it runs


def test_building_quizzes_calibrates_first(game_session):
    session = game_session
    item = item_at(session, 0)
    for _ in range(20):
        answer(session, make_attempt(session, make_player(session)), 0, given="", correct=False)

    build_quizzes(session, today=TODAY)

    session.expire_all()
    assert session.get(Question, item.question_id).difficulty == 0.95  # all skipped


# --- Answer statistics -------------------------------------------------------------------------


def test_quiz_stats_are_what_the_answers_say(game_session):
    session = game_session
    a, b, c = (make_attempt(session, make_player(session)) for _ in range(3))
    answer(session, a, 0, correct=True, ms=1000)
    answer(session, b, 0, correct=False, ms=3000)
    answer(session, c, 0, given="", ms=20000)  # a skip: a miss, no time
    answer(session, a, 1, correct=True, ms=4000)
    answer(session, b, 1, late=True, ms=25000)  # late: a miss that took its time
    answer(session, c, 1, answered=False)  # served, never answered: not counted

    stats = feedback.question_stats(session, quiz_id=QUIZ)

    items = session.exec(select(QuizItem).where(QuizItem.quiz_id == QUIZ)).all()
    assert [s.position for s in stats] == sorted(i.position for i in items)
    first, second = stats[0], stats[1]
    assert (first.answers, first.right, first.skipped, first.late) == (3, 1, 1, 0)
    assert first.right_rate == pytest.approx(1 / 3) and first.observed == pytest.approx(2 / 3)
    assert first.median_ms == 2000  # of 1000 and 3000; the skip has no time
    assert (second.answers, second.right, second.skipped, second.late) == (2, 1, 0, 1)
    assert second.median_ms == 14500
    assert first.estimate == item_at(session, 0).difficulty
    assert first.calibrated == first.estimate  # 3 answers are too few to judge
    assert first.verdict is None
    assert all(s.answers == 0 and s.median_ms is None for s in stats[2:])
    assert stats[0].prompt == item_at(session, 0).prompt


def test_the_median_of_an_odd_count_is_the_middle_one(game_session):
    session = game_session
    for ms in (9000, 1000, 5000):
        answer(session, make_attempt(session, make_player(session)), 0, ms=ms)

    assert feedback.question_stats(session, quiz_id=QUIZ)[0].median_ms == 5000


def test_template_stats_add_up_a_question_across_quizzes(game_session):
    session = game_session
    shared = session.exec(
        select(QuizItem)
        .where(QuizItem.quiz_id == QUIZ)
        .where(
            QuizItem.question_id.in_(select(QuizItem.question_id).where(QuizItem.quiz_id != QUIZ))
        )
    ).first()
    other = session.exec(
        select(QuizItem).where(QuizItem.question_id == shared.question_id, QuizItem.quiz_id != QUIZ)
    ).first()
    player = make_player(session)
    answer(session, make_attempt(session, player), shared.position, correct=True)
    answer(session, make_attempt(session, player, other.quiz_id), other.position, correct=False)

    stats = feedback.question_stats(session, template_id=shared.template_id)

    row = next(s for s in stats if s.question_id == shared.question_id)
    assert (row.answers, row.right) == (2, 1)
    assert stats[0] is row  # the most answered first
    assert {s.template_id for s in stats} == {shared.template_id}


def test_stats_call_a_question_too_easy_or_too_hard_only_with_enough_answers(game_session):
    session = game_session
    last = len(session.exec(select(QuizItem).where(QuizItem.quiz_id == QUIZ)).all()) - 1
    assert last >= 2
    easiest, hardest = item_at(session, 0), item_at(session, last)
    assert easiest.difficulty <= 0.7 and hardest.difficulty >= 0.3  # room for a verdict
    for n in range(20):
        attempt = make_attempt(session, make_player(session))
        answer(session, attempt, 0, correct=False)
        answer(session, attempt, last, correct=True)
        if n < 19:
            answer(session, attempt, 1, correct=False)

    stats = {s.position: s for s in feedback.question_stats(session, quiz_id=QUIZ)}

    assert (stats[0].observed, stats[0].calibrated, stats[0].verdict) == (1, 0.95, "too hard")
    high = stats[last]
    assert (high.observed, high.calibrated, high.verdict) == (0, 0.05, "too easy")
    assert stats[1].verdict is None and stats[1].calibrated == stats[1].estimate  # 19 answers


def test_stats_need_a_quiz_or_a_template(game_session):
    with pytest.raises(ValueError, match="quiz_id or a template_id"):
        feedback.question_stats(game_session)


# --- Reports -----------------------------------------------------------------------------------


@pytest.fixture
def answered(game_session):
    """A player whose attempt has answered the first question and been served the second."""
    player = make_player(game_session, "Tess")
    attempt = make_attempt(game_session, player)
    answer(game_session, attempt, 0)
    answer(game_session, attempt, 1, answered=False)
    return player, attempt


def test_a_player_reports_an_answered_question(game_session, answered):
    player, attempt = answered

    report = feedback.file_report(
        game_session,
        player=player,
        attempt_id=attempt.id,
        position=0,
        reason="typo",
        comment="  'Grammy' is misspelt  ",
    )

    item = item_at(game_session, 0)
    assert (report.template_id, report.fact_id, report.question_id) == (
        item.template_id,
        item.fact_id,
        item.question_id,
    )
    assert (report.quiz_id, report.position, report.player_id) == (QUIZ, 0, player.id)
    assert report.comment == "'Grammy' is misspelt" and not report.resolved


@pytest.mark.parametrize(
    ("position", "reason", "comment", "error", "says"),
    [
        (1, "typo", None, play.Conflict, "answer this question before reporting"),
        (2, "typo", None, play.Conflict, "answer this question before reporting"),
        (99, "typo", None, play.NotFound, "no such question"),
        ("0", "typo", None, play.NotFound, "no such question"),
        (0, "boring", None, play.InvalidInput, "reason must be one of wrong_answer, unclear"),
        (0, None, None, play.InvalidInput, "reason must be one of"),
        (0, "typo", "x" * 501, play.InvalidInput, r"at most 500 characters \(it is 501\)"),
        (0, "typo", 42, play.InvalidInput, "comment must be a text"),
    ],
)
def test_a_report_says_what_is_wrong(
    game_session, answered, position, reason, comment, error, says
):
    player, attempt = answered

    with pytest.raises(error, match=says):
        feedback.file_report(
            game_session,
            player=player,
            attempt_id=attempt.id,
            position=position,
            reason=reason,
            comment=comment,
        )
    assert game_session.exec(select(Report)).all() == []


def test_only_the_attempts_player_can_report_and_only_once(game_session, answered):
    player, attempt = answered
    other = make_player(game_session, "Rival")
    args = {"attempt_id": attempt.id, "position": 0, "reason": "unclear"}

    with pytest.raises(play.Forbidden):
        feedback.file_report(game_session, player=other, **args)
    feedback.file_report(game_session, player=player, **args)
    with pytest.raises(play.Conflict, match="already"):
        feedback.file_report(game_session, player=player, **args)


def test_reports_are_grouped_by_template_then_fact(game_session):
    session = game_session
    items = session.exec(
        select(QuizItem).where(QuizItem.quiz_id == QUIZ).order_by(QuizItem.position)
    ).all()
    # Two reports on the first question, one on a question of another template.
    other = next(i for i in items if i.template_id != items[0].template_id)
    for reason, item in (("typo", items[0]), ("unclear", items[0]), ("wrong_answer", other)):
        player = make_player(session)
        attempt = make_attempt(session, player)
        answer(session, attempt, item.position)
        feedback.file_report(
            session, player=player, attempt_id=attempt.id, position=item.position, reason=reason
        )

    groups = feedback.group_reports(feedback.list_reports(session))

    assert [(g.template_id, g.count) for g in groups] == [
        (items[0].template_id, 2),
        (other.template_id, 1),
    ]
    fact = groups[0].facts[0]
    assert (fact.fact_id, fact.article_id) == (items[0].fact_id, items[0].article_id)
    assert fact.reasons == [("Typo", 1), ("Unclear", 1)]
    assert fact.reports[0].prompt == items[0].prompt
    assert [r.reason for r in feedback.list_reports(session, fact_id=other.fact_id)] == [
        "wrong_answer"
    ]


def test_resolving_a_report_closes_it_and_logs_who(game_session, answered):
    player, attempt = answered
    report = feedback.file_report(
        game_session, player=player, attempt_id=attempt.id, position=0, reason="typo"
    )

    feedback.resolve_report(game_session, report_id=report.id, editor_id=None)
    feedback.resolve_report(game_session, report_id=report.id, editor_id=None)  # no-op

    assert feedback.list_reports(game_session) == []
    assert [r.id for r in feedback.list_reports(game_session, open_only=False)] == [report.id]
    assert feedback.count_open_reports(game_session) == 0
    changes = game_session.exec(select(Change).where(Change.subject == "report")).all()
    assert [(c.subject_id, c.action) for c in changes] == [(str(report.id), "resolve")]
    with pytest.raises(feedback.ReportNotFound):
        feedback.resolve_report(game_session, report_id=999, editor_id=None)
