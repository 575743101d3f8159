"""What players tell the editors: problem reports, answer statistics, calibrated difficulty.

No Flask. A player reports a problem with a question they have answered (`file_report`); the
report is filed on the question's template and fact, which is where an editor fixes it
(`list_reports`, `group_reports`, `resolve_report`). The answers players give say how hard a
question really is (`question_stats`), and `calibrate_questions` writes that back into
``Question.difficulty`` so that quizzes built afterwards order questions by what players did
rather than by the generator's guess (docs/game.md, "Difficulty, estimated and observed").
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, update
from sqlmodel import Session, col, select

from quizapp.game import play
from quizapp.models import (
    REPORT_REASONS,
    Attempt,
    AttemptAnswer,
    Change,
    Player,
    Question,
    QuizItem,
    Report,
    row_id,
)

# Any select, whatever its columns. (A string: SQLAlchemy 2.0's Select takes one type
# argument, 2.1's a variadic one.)
_Query = TypeVar("_Query", bound="Select[*tuple[Any, ...]]")

REASON_LABELS = {"wrong_answer": "Wrong answer", "unclear": "Unclear", "typo": "Typo"}
MAX_COMMENT = 500
MIN_ANSWERS = 20  # below this many answers a miss rate says little; the estimate stands
FLOOR, CEILING = 0.05, 0.95  # the generator's own range for a difficulty
DIFFERS_BY = 0.25  # observed this far from the estimate: "too easy" or "too hard"


class ReportNotFound(Exception):
    """No report has that id."""

    def __init__(self, report_id: object):
        self.message = f"there is no report {report_id!r}"
        super().__init__(self.message)


# --- Reports ------------------------------------------------------------------------------------


def file_report(
    session: Session,
    *,
    player: Player,
    attempt_id: object,
    position: object,
    reason: object,
    comment: object = None,
) -> Report:
    """File the player's report on a question of their attempt; commits.

    Only the attempt's own player (play.Forbidden otherwise), only a question the quiz has
    (play.NotFound) and that this attempt has answered (play.Conflict), once per question
    and attempt (play.Conflict). ``reason`` must be one of REPORT_REASONS and ``comment`` at
    most 500 characters (play.InvalidInput says what to fix). The report carries the
    question's template and fact from the quiz item, which outlive the question itself.
    """
    attempt = play.get_attempt(session, attempt_id, player)
    problems = []
    known_reason = reason if isinstance(reason, str) and reason in REPORT_REASONS else None
    if known_reason is None:
        problems.append(f"reason must be one of {', '.join(REPORT_REASONS)}")
    text = comment.strip() if isinstance(comment, str) else ""
    if comment is not None and not isinstance(comment, str):
        problems.append("comment must be a text")
    elif len(text) > MAX_COMMENT:
        problems.append(f"comment must be at most {MAX_COMMENT} characters (it is {len(text)})")
    else:
        try:
            play.refuse_control_characters(text, "comment", allowed="\t\n\r")
        except play.InvalidInput as error:
            problems.append(error.message)
    item = reportable_item(session, attempt=attempt, position=position)
    if problems or known_reason is None:
        raise play.InvalidInput("; ".join(problems))
    attempt_id = row_id(attempt)
    if find_report(session, player=player, attempt_id=attempt_id, position=item.position):
        raise play.Conflict("you have reported a problem with this question already")
    report = Report(
        player_id=row_id(player),
        attempt_id=attempt_id,
        position=item.position,
        quiz_id=attempt.quiz_id,
        question_id=item.question_id,
        template_id=item.template_id,
        fact_id=item.fact_id,
        reason=known_reason,
        comment=text or None,
    )
    session.add(report)
    session.commit()
    session.refresh(report)
    return report


def reportable_item(session: Session, *, attempt: Attempt, position: object) -> QuizItem:
    """The quiz item at ``position`` (0-based) if the attempt has answered it.

    play.NotFound for a position the quiz does not have, play.Conflict for a question not
    answered yet: a report is about a question the player has seen the answer of.
    """
    item = session.get(QuizItem, (attempt.quiz_id, position)) if isinstance(position, int) else None
    if item is None:
        raise play.NotFound("this quiz has no such question")
    served = session.get(AttemptAnswer, (attempt.id, position))
    if served is None or served.answered_at is None:
        raise play.Conflict("answer this question before reporting a problem with it")
    return item


def find_report(
    session: Session, *, player: Player, attempt_id: int, position: int
) -> Report | None:
    """The player's report on a question of an attempt, if they filed one."""
    return session.exec(
        select(Report).where(
            Report.player_id == player.id,
            Report.attempt_id == attempt_id,
            Report.position == position,
        )
    ).first()


@dataclass(frozen=True)
class ReportView:
    """A report as an editor reads it: with the question it is about and who sent it."""

    id: int
    created_at: dt.datetime
    reason: str
    comment: str | None
    resolved: bool
    nickname: str
    quiz_id: str
    position: int
    question_id: str
    template_id: str
    fact_id: str
    article_id: str
    prompt: str

    @property
    def reason_label(self) -> str:
        """The reason in words."""
        return REASON_LABELS.get(self.reason, self.reason)


def list_reports(
    session: Session,
    *,
    template_id: str | None = None,
    fact_id: str | None = None,
    open_only: bool = True,
) -> list[ReportView]:
    """Reports, newest first, optionally of one template or fact; open ones only by default."""
    query = (
        select(Report, QuizItem.article_id, QuizItem.prompt, Player.nickname)
        .join(
            QuizItem,
            and_(
                col(QuizItem.quiz_id) == Report.quiz_id,
                col(QuizItem.position) == Report.position,
            ),
        )
        .join(Player, col(Player.id) == Report.player_id)
    )
    if template_id is not None:
        query = query.where(Report.template_id == template_id)
    if fact_id is not None:
        query = query.where(Report.fact_id == fact_id)
    if open_only:
        query = query.where(col(Report.resolved).is_(False))
    rows = session.exec(query.order_by(col(Report.created_at).desc(), col(Report.id).desc()))
    return [
        ReportView(
            id=row_id(report),
            created_at=report.created_at,
            reason=report.reason,
            comment=report.comment,
            resolved=report.resolved,
            nickname=nickname,
            quiz_id=report.quiz_id,
            position=report.position,
            question_id=report.question_id,
            template_id=report.template_id,
            fact_id=report.fact_id,
            article_id=article_id,
            prompt=prompt,
        )
        for report, article_id, prompt, nickname in rows
    ]


def count_open_reports(session: Session) -> int:
    """How many reports wait for an editor."""
    return session.exec(
        select(func.count()).select_from(Report).where(col(Report.resolved).is_(False))
    ).one()


@dataclass
class FactReports:
    """The reports on one fact under one template."""

    fact_id: str
    article_id: str
    reports: list[ReportView] = field(default_factory=list)

    @property
    def reasons(self) -> list[tuple[str, int]]:
        """Each reason given, in words, with how often, most frequent first."""
        counts = Counter(r.reason_label for r in self.reports)
        return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))


@dataclass
class TemplateReports:
    """The reports on one template, fact by fact, the most reported fact first."""

    template_id: str
    facts: list[FactReports] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many reports in all."""
        return sum(len(f.reports) for f in self.facts)


def group_reports(reports: Iterable[ReportView]) -> list[TemplateReports]:
    """Reports grouped by template, then fact; the most reported first, ties by id."""
    by_template: dict[str, dict[str, FactReports]] = defaultdict(dict)
    for report in reports:
        facts = by_template[report.template_id]
        group = facts.setdefault(report.fact_id, FactReports(report.fact_id, report.article_id))
        group.reports.append(report)
    groups = [
        TemplateReports(
            template_id, sorted(facts.values(), key=lambda f: (-len(f.reports), f.fact_id))
        )
        for template_id, facts in by_template.items()
    ]
    return sorted(groups, key=lambda g: (-g.count, g.template_id))


def resolve_report(session: Session, *, report_id: int, editor_id: int | None) -> Report:
    """Mark a report as dealt with and log who did; commits. Resolving twice changes nothing.

    Raises ReportNotFound.
    """
    report = session.get(Report, report_id)
    if report is None:
        raise ReportNotFound(report_id)
    if report.resolved:
        return report
    report.resolved = True
    session.add(report)
    session.add(
        Change(
            editor_id=editor_id,
            subject="report",
            subject_id=str(report_id),
            action="resolve",
            detail={
                "template_id": report.template_id,
                "fact_id": report.fact_id,
                "reason": report.reason,
            },
        )
    )
    session.commit()
    session.refresh(report)
    return report


# --- Difficulty ---------------------------------------------------------------------------------


def calibrated_difficulty(
    estimate: float, answers: int, right: int, *, min_answers: int = MIN_ANSWERS
) -> float:
    """How hard a question is, on the generator's 0-1 scale, once players have answered it.

    - Below ``min_answers`` answers: the ``estimate``, unchanged; a handful of answers says
      more about who happened to play than about the question.
    - From ``min_answers`` on: the observed miss rate ``1 - right / answers``, clamped to the
      generator's range 0.05..0.95 and rounded to two places, like an estimate.

    An answer is any answered serve: skipped and late answers are misses (a question players
    cannot answer in time is a hard one); served but never answered ones do not count.

    Not blended with the estimate: `calibrate_questions` overwrites the stored difficulty,
    so after its first run the estimate is gone, and a blend would drift further towards the
    observation each time it ran. The plain miss rate gives the same value however often it
    runs; the threshold is what keeps a few answers from deciding. Raises ValueError unless
    ``0 <= right <= answers``.
    """
    if answers < 0 or not 0 <= right <= answers:
        raise ValueError(f"need 0 <= right <= answers, got right={right}, answers={answers}")
    if answers < min_answers or answers == 0:
        return estimate
    return round(min(max(1 - right / answers, FLOOR), CEILING), 2)


def calibrate_questions(
    session: Session, min_answers: int = MIN_ANSWERS, *, commit: bool = True
) -> int:
    """Set ``Question.difficulty`` to the calibrated difficulty of every question answered at
    least ``min_answers`` times, counting its answers in every quiz; return how many changed.

    Runs at the start of `quizapp.game.quizzes.build_quizzes` (generation writes the estimate
    back each time, and building is where difficulty orders questions) and as
    ``quizapp calibrate``. Quizzes already built keep their frozen copies. With
    ``commit=False`` the caller commits.
    """
    answered = func.count(col(AttemptAnswer.attempt_id))
    rows = session.exec(
        select(
            Question.id,
            Question.difficulty,
            answered,
            func.sum(case((col(AttemptAnswer.correct), 1), else_=0)),
        )
        .join(AttemptAnswer, col(AttemptAnswer.question_id) == Question.id)
        .where(col(AttemptAnswer.answered_at).is_not(None))
        .group_by(Question.id, col(Question.difficulty))
        .having(answered >= min_answers)
    ).all()
    changes = []
    for question_id, difficulty, answers, right in rows:
        new = calibrated_difficulty(difficulty, answers, right, min_answers=min_answers)
        if new != difficulty:
            changes.append({"id": question_id, "difficulty": new})
    if changes:
        # The ORM's bulk UPDATE by primary key: one statement, many parameter sets.
        session.exec(update(Question), params=changes)
    if commit:
        session.commit()
    return len(changes)


# --- Answer statistics --------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionStats:
    """How players fared with one question, over the quizzes asked about.

    ``estimate`` is the difficulty the quiz items were built with (the generator's estimate,
    unless calibrated before building; averaged if its quizzes differ); ``calibrated`` is
    `calibrated_difficulty` of it and the answers. ``median_ms`` is over answers given, skips
    left out; late answers count, they did take that long.
    """

    question_id: str
    prompt: str
    style: str
    template_id: str
    fact_id: str
    article_id: str
    position: int  # its first position in the quizzes counted
    answers: int
    right: int
    skipped: int
    late: int
    median_ms: float | None
    estimate: float
    calibrated: float

    @property
    def right_rate(self) -> float | None:
        """The share of answers that were right, or None before any."""
        return self.right / self.answers if self.answers else None

    @property
    def observed(self) -> float | None:
        """The miss rate, or None before any answer."""
        return 1 - self.right / self.answers if self.answers else None

    @property
    def verdict(self) -> str | None:
        """ "too easy" or "too hard" when, with enough answers, the miss rate is DIFFERS_BY or
        more below or above the estimate; else None."""
        if self.observed is None or self.answers < MIN_ANSWERS:
            return None
        if self.observed <= self.estimate - DIFFERS_BY:
            return "too easy"
        if self.observed >= self.estimate + DIFFERS_BY:
            return "too hard"
        return None


def question_stats(
    session: Session,
    *,
    quiz_id: str | None = None,
    template_id: str | None = None,
    min_answers: int = MIN_ANSWERS,
) -> list[QuestionStats]:
    """Answer statistics per question of one quiz (in quiz order) or of one template's
    questions across every quiz (most answered first); both filters may be combined.

    Three GROUP BY queries: the quiz items (every question, answered or not), the answers
    joined to their items, and the median time by window functions (no MEDIAN in SQLite).
    Raises ValueError when neither filter is given.
    """
    if quiz_id is None and template_id is None:
        raise ValueError("give a quiz_id or a template_id")

    only: list[ColumnElement[bool]] = []
    if quiz_id is not None:
        only.append(col(QuizItem.quiz_id) == quiz_id)
    if template_id is not None:
        only.append(col(QuizItem.template_id) == template_id)

    items = session.exec(
        select(  # type: ignore[call-overload]  # (see _answer_counts)
            QuizItem.question_id,
            func.min(QuizItem.prompt),
            func.min(QuizItem.style),
            func.min(QuizItem.template_id),
            func.min(QuizItem.fact_id),
            func.min(QuizItem.article_id),
            func.min(QuizItem.position),
            func.avg(QuizItem.difficulty),
        )
        .where(*only)
        .group_by(QuizItem.question_id)
    ).all()
    answers = _answer_counts(session, only)
    medians = _median_times(session, only)
    stats = []
    for qid, prompt, style, template, fact, article, position, estimate in items:
        n, right, skipped, late = answers.get(qid, (0, 0, 0, 0))
        estimate = round(estimate, 2)
        stats.append(
            QuestionStats(
                question_id=qid,
                prompt=prompt,
                style=style,
                template_id=template,
                fact_id=fact,
                article_id=article,
                position=position,
                answers=n,
                right=right,
                skipped=skipped,
                late=late,
                median_ms=medians.get(qid),
                estimate=estimate,
                calibrated=calibrated_difficulty(estimate, n, right, min_answers=min_answers),
            )
        )
    if quiz_id is not None:
        return sorted(stats, key=lambda s: (s.position, s.question_id))
    return sorted(stats, key=lambda s: (-s.answers, s.question_id))


@dataclass(frozen=True)
class AnswerSummary:
    """How players fared with one question over every quiz that asked it: the question
    browser's line. ``median_ms`` is over answers given (skips left out), None before any."""

    answers: int
    right: int
    median_ms: float | None

    @property
    def right_rate(self) -> float | None:
        """The share of answers that were right, or None before any."""
        return self.right / self.answers if self.answers else None


def answer_summaries(session: Session, question_ids: Iterable[str]) -> dict[str, AnswerSummary]:
    """Answers, right ones and the median time of each of ``question_ids`` (a page's worth)
    that players have answered, in ONE grouped query; unanswered questions are left out.

    The answers are found through quiz_item's question_id index and each quiz's attempts, so
    the cost follows the page's questions, not the table of answers. The median is the
    middle row (or the mean of the two middle rows) by window functions: no MEDIAN in SQLite.
    """
    ids = sorted(set(question_ids))
    if not ids:
        return {}
    elapsed_ms = col(AttemptAnswer.elapsed_ms)
    # Timed answers are ranked apart from skips and untimed ones, which have no time to rank.
    timed = and_(elapsed_ms.is_not(None), ~_SKIPPED)
    partition = (QuizItem.question_id, timed)
    ranked = (
        _answered_items(
            select(  # type: ignore[call-overload]  # (see _answer_counts)
                col(QuizItem.question_id).label("qid"),
                col(AttemptAnswer.correct).label("correct"),
                case((timed, elapsed_ms), else_=None).label("ms"),
                func.row_number().over(partition_by=partition, order_by=elapsed_ms).label("n"),
                func.count().over(partition_by=partition).label("total"),
            )
        )
        .where(col(QuizItem.question_id).in_(ids))
        .subquery()
    )
    middle = and_(
        ranked.c.ms.is_not(None),
        or_(ranked.c.n == (ranked.c.total + 1) // 2, ranked.c.n == ranked.c.total // 2 + 1),
    )
    rows = session.exec(
        select(
            ranked.c.qid,
            func.count(),
            func.sum(case((ranked.c.correct, 1), else_=0)),
            func.avg(case((middle, ranked.c.ms), else_=None)),
        ).group_by(ranked.c.qid)
    )
    return {
        qid: AnswerSummary(n, int(right), None if ms is None else float(ms))
        for qid, n, right, ms in rows
    }


def _answered_items(query: _Query) -> _Query:
    """``query`` over answered serves joined to the quiz item they served."""
    return (
        query.select_from(AttemptAnswer)
        .join(Attempt, col(Attempt.id) == AttemptAnswer.attempt_id)
        .join(
            QuizItem,
            and_(
                col(QuizItem.quiz_id) == Attempt.quiz_id,
                col(QuizItem.position) == AttemptAnswer.position,
            ),
        )
        .where(col(AttemptAnswer.answered_at).is_not(None))
    )


_SKIPPED = func.coalesce(func.trim(AttemptAnswer.given), "") == ""


def _answer_counts(
    session: Session, only: list[ColumnElement[bool]]
) -> dict[str, tuple[int, int, int, int]]:
    """Per question: answers, right ones, skipped ones, late ones."""
    query = _answered_items(
        # sqlmodel's select is typed for at most four columns; it takes any number.
        select(  # type: ignore[call-overload]
            QuizItem.question_id,
            func.count(),
            func.sum(case((col(AttemptAnswer.correct), 1), else_=0)),
            func.sum(case((_SKIPPED, 1), else_=0)),
            func.sum(case((col(AttemptAnswer.late), 1), else_=0)),
        )
    )
    rows = session.exec(query.where(*only).group_by(QuizItem.question_id))
    return {qid: (n, right, skipped, late) for qid, n, right, skipped, late in rows}


def _median_times(session: Session, only: list[ColumnElement[bool]]) -> dict[str, float]:
    """Per question: the median elapsed_ms of the answers given (skips left out)."""
    elapsed_ms = col(AttemptAnswer.elapsed_ms)
    rank = func.row_number().over(partition_by=QuizItem.question_id, order_by=elapsed_ms)
    total = func.count().over(partition_by=QuizItem.question_id)
    ranked = (
        _answered_items(
            select(
                col(QuizItem.question_id).label("qid"),
                elapsed_ms.label("ms"),
                rank.label("n"),
                total.label("total"),
            )
        )
        .where(elapsed_ms.is_not(None), ~_SKIPPED)
        .where(*only)
        .subquery()
    )
    # The middle row of an odd count, the two middle rows of an even one.
    middle = or_(ranked.c.n == (ranked.c.total + 1) // 2, ranked.c.n == ranked.c.total // 2 + 1)
    rows = session.exec(
        select(ranked.c.qid, func.avg(ranked.c.ms)).where(middle).group_by(ranked.c.qid)
    )
    return {qid: float(ms) for qid, ms in rows}
