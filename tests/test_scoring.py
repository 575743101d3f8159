"""Tests for quizapp.game.scoring: points for an answer from its timing and the player's streak."""

import dataclasses
import math

import pytest

from quizapp.game.scoring import (
    GRACE_SECONDS,
    MAX_POINTS,
    MAX_STREAK_BONUS,
    SCORING_MODES,
    STREAK_STEP,
    AnswerScore,
    is_late,
    score_answer,
    streak_bonus,
)

LIMIT = 20.0


def test_constants_are_the_contract():
    assert SCORING_MODES == ("timed", "plain")
    assert GRACE_SECONDS == 1.0
    assert (MAX_POINTS, STREAK_STEP, MAX_STREAK_BONUS) == (1000, 100, 500)


# (elapsed, base, late) for a right first answer (no streak bonus) with a 20 s limit.
TIMED_CASES = [
    (0.0, 1000, False),
    (0.5, 1000, False),  # the formula would give 988: the first half second is full points
    (0.51, 987, False),  # round(1000 * (1 - 0.51/20/2)) = round(987.25)
    (3.0, 925, False),  # round(1000 * (1 - 3/20/2))
    (LIMIT / 2, 750, False),
    (LIMIT, 500, False),
    (LIMIT + 0.5, 500, False),  # grace window: scored as at the limit
    (LIMIT + 1.0, 500, False),  # last instant of the grace window
    (LIMIT + 1.01, 0, True),
    (1e9, 0, True),
    (math.inf, 0, True),
    (-2.0, 1000, False),  # clock skew: counts as instant
]


@pytest.mark.parametrize(("elapsed", "base", "late"), TIMED_CASES)
def test_timed_right_answer(elapsed, base, late):
    score = score_answer(correct=True, elapsed=elapsed, limit=LIMIT, streak_before=0)

    streak = 0 if late else 1
    assert score == AnswerScore(points=base, base=base, bonus=0, streak=streak, late=late)


@pytest.mark.parametrize(("elapsed", "base", "late"), TIMED_CASES)
def test_timed_wrong_answer_scores_nothing_and_resets_streak(elapsed, base, late):
    score = score_answer(correct=False, elapsed=elapsed, limit=LIMIT, streak_before=4)

    assert score == AnswerScore(points=0, base=0, bonus=0, streak=0, late=late)


def test_late_right_answer_loses_its_streak():
    score = score_answer(correct=True, elapsed=LIMIT + 2, limit=LIMIT, streak_before=5)

    assert score == AnswerScore(points=0, base=0, bonus=0, streak=0, late=True)


@pytest.mark.parametrize(
    ("limit", "elapsed", "base"),
    [
        (10, 7, 650),
        (15, 4.5, 850),
        (30, 12, 800),
        (0.3, 0.2, 1000),
        # A limit under half a second: the grace window still scores as at the limit.
        (0.3, 0.4, 500),
        (0.3, 1.3, 500),
    ],
)
def test_other_limits(limit, elapsed, base):
    score = score_answer(correct=True, elapsed=elapsed, limit=limit, streak_before=0)

    assert (score.base, score.late) == (base, False)


def test_in_time_base_falls_from_full_to_half():
    elapsed_values = [i / 100 for i in range(0, int((LIMIT + GRACE_SECONDS) * 100) + 1)]
    bases = [
        score_answer(correct=True, elapsed=e, limit=LIMIT, streak_before=0).base
        for e in elapsed_values
    ]

    assert bases[0] == MAX_POINTS
    assert bases[-1] == MAX_POINTS // 2
    assert all(a >= b for a, b in zip(bases, bases[1:], strict=False))
    assert all(MAX_POINTS // 2 <= b <= MAX_POINTS for b in bases)


def _play(answers, mode="timed", elapsed=0.0):
    """Score a run of answers (True right, False wrong), carrying the streak along."""
    streak = 0
    scores = []
    for correct in answers:
        score = score_answer(
            correct=correct, elapsed=elapsed, limit=LIMIT, streak_before=streak, mode=mode
        )
        scores.append(score)
        streak = score.streak
    return scores


def test_timed_streak_progression_then_wrong():
    scores = _play([True] * 8 + [False] + [True, True])

    assert [s.points for s in scores] == [
        1000, 1100, 1200, 1300, 1400, 1500, 1500, 1500, 0, 1000, 1100,
    ]  # fmt: skip
    assert [s.bonus for s in scores] == [0, 100, 200, 300, 400, 500, 500, 500, 0, 0, 100]
    assert [s.streak for s in scores] == [1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 2]


def test_streak_bonus_adds_to_speed_points():
    score = score_answer(correct=True, elapsed=LIMIT / 2, limit=LIMIT, streak_before=2)

    assert score == AnswerScore(points=950, base=750, bonus=200, streak=3, late=False)


def test_grace_window_answer_keeps_the_streak_and_its_bonus():
    score = score_answer(correct=True, elapsed=LIMIT + 0.5, limit=LIMIT, streak_before=1)

    assert score == AnswerScore(points=600, base=500, bonus=100, streak=2, late=False)


@pytest.mark.parametrize(
    ("streak", "bonus"),
    [(0, 0), (1, 0), (2, 100), (3, 200), (5, 400), (6, 500), (7, 500), (100, 500)],
)
def test_streak_bonus(streak, bonus):
    assert streak_bonus(streak) == bonus


def test_long_streak_is_capped_in_score():
    score = score_answer(correct=True, elapsed=0, limit=LIMIT, streak_before=41)

    assert (score.points, score.bonus, score.streak) == (1500, MAX_STREAK_BONUS, 42)


@pytest.mark.parametrize("elapsed", [0.0, 3.0, LIMIT / 2, LIMIT, LIMIT + 1.0, -1.0])
def test_plain_mode_flat_points_in_time(elapsed):
    score = score_answer(correct=True, elapsed=elapsed, limit=LIMIT, streak_before=3, mode="plain")

    assert score == AnswerScore(points=1000, base=1000, bonus=0, streak=4, late=False)


def test_plain_mode_counts_streak_without_points():
    scores = _play([True] * 8 + [False, True], mode="plain", elapsed=LIMIT / 2)

    assert [s.points for s in scores] == [1000] * 8 + [0, 1000]
    assert all(s.bonus == 0 for s in scores)
    assert [s.streak for s in scores] == [1, 2, 3, 4, 5, 6, 7, 8, 0, 1]


def test_plain_mode_late_answer_scores_nothing():
    score = score_answer(
        correct=True, elapsed=LIMIT + 1.01, limit=LIMIT, streak_before=3, mode="plain"
    )

    assert score == AnswerScore(points=0, base=0, bonus=0, streak=0, late=True)


@pytest.mark.parametrize(
    ("elapsed", "limit", "late"),
    [
        (0.0, LIMIT, False),
        (LIMIT, LIMIT, False),
        (LIMIT + 1.0, LIMIT, False),
        (LIMIT + 1.01, LIMIT, True),
        (1.1, 0.1, False),
        (1.11, 0.1, True),
        (-5.0, LIMIT, False),
        (math.inf, LIMIT, True),
    ],
)
def test_is_late(elapsed, limit, late):
    assert is_late(elapsed, limit) is late


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": -5}, "limit"),
        ({"limit": math.nan}, "limit"),
        ({"limit": math.inf}, "limit"),
        ({"limit": "20"}, "limit"),
        ({"elapsed": math.nan}, "elapsed"),
        ({"elapsed": "3"}, "elapsed"),
        ({"elapsed": True}, "elapsed"),
        ({"streak_before": -1}, "streak_before"),
        ({"streak_before": 1.5}, "streak_before"),
        ({"mode": "turbo"}, "unknown scoring mode 'turbo'"),
        ({"mode": "Timed"}, "unknown scoring mode"),
        ({"mode": ""}, "unknown scoring mode"),
    ],
)
def test_score_answer_rejects_invalid_input(kwargs, message):
    args = {"correct": True, "elapsed": 3.0, "limit": LIMIT, "streak_before": 0} | kwargs

    with pytest.raises(ValueError, match=message):
        score_answer(**args)


def test_unknown_mode_message_lists_known_modes():
    with pytest.raises(ValueError, match="timed, plain"):
        score_answer(correct=True, elapsed=1, limit=LIMIT, streak_before=0, mode="turbo")


def test_wrong_answer_is_still_validated():
    with pytest.raises(ValueError, match="limit"):
        score_answer(correct=False, elapsed=1, limit=0, streak_before=0)


@pytest.mark.parametrize(("elapsed", "limit"), [(1, 0), (1, -1), (math.nan, 10)])
def test_is_late_rejects_invalid_input(elapsed, limit):
    with pytest.raises(ValueError):
        is_late(elapsed, limit)


@pytest.mark.parametrize("streak", [-1, 2.0, True])
def test_streak_bonus_rejects_invalid_input(streak):
    with pytest.raises(ValueError, match="streak"):
        streak_bonus(streak)


def test_integer_inputs_are_accepted():
    score = score_answer(correct=True, elapsed=3, limit=20, streak_before=0)

    assert score.base == 925
    assert isinstance(score.points, int)


def test_answer_score_is_frozen():
    score = score_answer(correct=True, elapsed=0, limit=LIMIT, streak_before=0)

    with pytest.raises(dataclasses.FrozenInstanceError):
        score.points = 5  # type: ignore[misc]
