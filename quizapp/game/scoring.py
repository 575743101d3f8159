"""Points for one answer in a game, from its correctness, its timing and the player's streak.

The server measures ``elapsed``, the seconds from showing the question to receiving the
answer, and knows the question's time ``limit``. The rules, in the order they are applied:

Validation
    ``limit`` must be a finite number above 0. ``elapsed`` must be a number; a negative one
    (clock skew between the server's own timestamps) counts as 0, an answer cannot be faster
    than instant; an infinite one is simply late. ``streak_before`` must be an int of 0 or
    more. ``mode`` must be one of ``SCORING_MODES``. Anything else raises ValueError naming the
    bad value.

In time or late (``is_late``)
    An answer is in time when ``elapsed <= limit + GRACE_SECONDS`` (1.0 s of grace for the
    network, edge included). Later answers are *late*: recorded as such, 0 points, streak
    reset to 0, whether right or not and in either mode, since the question has closed.

Wrong or skipped
    0 points and the streak resets to 0. A skipped question is a wrong answer
    (``correct=False``).

Timed mode (``"timed"``, the default)
    A right answer in time scores ``base + bonus``:

        base  = MAX_POINTS                              if elapsed <= FULL_POINTS_SECONDS (0.5)
              = round(MAX_POINTS * (1 - e / limit / 2)) otherwise, with e = min(elapsed, limit)
        bonus = min(STREAK_STEP * (streak - 1), MAX_STREAK_BONUS)

    So 1000 within half a second, falling linearly to 500 at the limit, and an answer in the
    grace window scores as if given at the limit (500). With limit 20, 3 s gives
    ``round(1000 * (1 - 3/20/2)) = 925``. ``round`` is Python's (halves to even); measured
    times rarely land on a half. ``streak`` is the streak after this answer, this one
    included: the first right answer has no bonus, the 2nd in a row +100, the 3rd +200, the
    6th and every later one +500 (``streak_bonus``). The half-second rule applies only up to
    the limit: with a limit under half a second, a grace-window answer still scores 500.

Plain mode (``"plain"``)
    A right answer in time scores a flat ``MAX_POINTS`` (1000), with no speed part and no
    streak bonus. The streak is still counted, so the game can show it, but it never adds
    points.

Results
    ``AnswerScore`` holds ``points`` (``base + bonus``), ``base``, ``bonus``, ``streak`` (after
    this answer) and ``late``. Wrong and late answers have all of points, base, bonus and
    streak at 0.
"""

import math
from dataclasses import dataclass

# The modes are a setting too (QUIZAPP_SCORING_MODE), checked where the settings are.
from quizapp.core.settings import SCORING_MODES

GRACE_SECONDS = 1.0
MAX_POINTS = 1000
STREAK_STEP = 100
MAX_STREAK_BONUS = 500
FULL_POINTS_SECONDS = 0.5


@dataclass(frozen=True)
class AnswerScore:
    """The points one answer earned and the streak it leaves the player with."""

    points: int  # base + bonus
    base: int  # from speed in timed mode, the flat MAX_POINTS in plain mode
    bonus: int  # streak bonus, 0 in plain mode
    streak: int  # consecutive right answers after this one, this one included
    late: bool  # answered after limit + GRACE_SECONDS


def _check_number(name: str, value: float) -> float:
    # bool is an int subclass; True as a time is a caller's mistake, not one second.
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise ValueError(f"{name} must be a number, got {value!r}")
    return float(value)


def _check_limit(limit: float) -> float:
    limit = _check_number("limit", limit)
    if not (0 < limit < math.inf):
        raise ValueError(f"limit must be a finite number of seconds above 0, got {limit!r}")
    return limit


def _check_elapsed(elapsed: float) -> float:
    # Negative only through clock skew; the answer was at worst instant.
    return max(_check_number("elapsed", elapsed), 0.0)


def _check_streak(name: str, streak: int) -> int:
    if isinstance(streak, bool) or not isinstance(streak, int) or streak < 0:
        raise ValueError(f"{name} must be an int of 0 or more, got {streak!r}")
    return streak


def is_late(elapsed: float, limit: float) -> bool:
    """Tell whether an answer ``elapsed`` seconds in is past ``limit`` plus the grace.

    ``elapsed == limit + GRACE_SECONDS`` is still in time. A negative ``elapsed`` counts as 0.
    Raises ValueError for a ``limit`` not above 0 or a non-numeric ``elapsed``.
    """
    limit = _check_limit(limit)
    return _check_elapsed(elapsed) > limit + GRACE_SECONDS


def streak_bonus(streak: int) -> int:
    """Return the timed-mode bonus for a right answer that makes the streak ``streak`` long.

    ``STREAK_STEP`` (100) per right answer in a row after the first, at most
    ``MAX_STREAK_BONUS`` (500): 0 for a streak of 0 or 1, 100 for 2, 500 for 6 and longer.
    Raises ValueError for a negative or non-int ``streak``.
    """
    streak = _check_streak("streak", streak)
    return min(STREAK_STEP * max(streak - 1, 0), MAX_STREAK_BONUS)


def _speed_points(elapsed: float, limit: float) -> int:
    # Only before the limit: a grace-window answer is never worth more than one at the limit,
    # even under a limit shorter than half a second.
    if elapsed <= min(FULL_POINTS_SECONDS, limit):
        return MAX_POINTS
    # Clamped so that the grace window scores like the limit: never under half.
    fraction = min(elapsed, limit) / limit
    return round(MAX_POINTS * (1 - fraction / 2))


def score_answer(
    *, correct: bool, elapsed: float, limit: float, streak_before: int, mode: str = "timed"
) -> AnswerScore:
    """Score one answer given ``elapsed`` seconds after a question with ``limit`` seconds.

    ``streak_before`` is the player's streak before this answer (0 for the first question).
    ``mode`` is one of ``SCORING_MODES``. Wrong, skipped (``correct=False``) and late answers
    score 0 and reset the streak. The formula is in the module docstring. Raises ValueError
    for an unknown mode, a ``limit`` not above 0, a non-numeric ``elapsed`` or a negative
    ``streak_before``.
    """
    if mode not in SCORING_MODES:
        raise ValueError(
            f"unknown scoring mode {mode!r}; expected one of {', '.join(SCORING_MODES)}"
        )
    limit = _check_limit(limit)
    elapsed = _check_elapsed(elapsed)
    streak_before = _check_streak("streak_before", streak_before)

    late = is_late(elapsed, limit)
    if late or not correct:
        return AnswerScore(points=0, base=0, bonus=0, streak=0, late=late)

    streak = streak_before + 1
    if mode == "plain":
        base, bonus = MAX_POINTS, 0
    else:
        base, bonus = _speed_points(elapsed, limit), streak_bonus(streak)
    return AnswerScore(points=base + bonus, base=base, bonus=bonus, streak=streak, late=False)
