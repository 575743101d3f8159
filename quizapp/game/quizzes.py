"""Building quizzes from the generated questions (docs/game.md). No Flask.

A quiz is a fixed list of questions from one scope: an article, an event, an entity (every
question whose fact names Lady Gaga), the daily mix, or a list an editor picked by hand.
Which of a scope's questions a quiz asks, and in what order, is `quizapp.game.selection`'s
(one per fact, no give-aways, topics, true and false); this module reads the scopes and writes
the quizzes. `build_quizzes` (re)builds the automatic ones after generation; a quiz that
anyone has played is never changed, because its items are frozen copies and it is skipped.
Quizzes made by editors (`create_quiz`) are theirs: building never touches them.
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import and_, delete, func, insert, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from quizapp.core.problems import Problem, ProblemsError
from quizapp.core.settings import (
    DEFAULT_QUIZ_SETTINGS,
    MAX_QUESTIONS,
    MAX_SECONDS,
    MIN_SECONDS,
    QUESTIONS_PER_QUIZ,
    SCORING_MODE,
    SCORING_MODES,
    SECONDS_PER_QUESTION,
    QuizSettings,
)
from quizapp.core.text import slugify, unique_id
from quizapp.game.feedback import calibrate_questions
from quizapp.game.selection import Candidate, Clues, ClueSource, make_clues, select_questions
from quizapp.models import (
    Article,
    Attempt,
    Change,
    Entity,
    Fact,
    FactEntity,
    Question,
    QuestionContent,
    Quiz,
    QuizItem,
    Template,
    draw_key,
)

MIN_FACTS = 5  # a scope with fewer facts is no quiz worth a leaderboard
DAILY_DRAW = 20  # facts a daily mix draws per question, for selection to pick among

Progress = Callable[[int, int], None]  # (done, total), for a long rebuild's progress bar


@dataclass(frozen=True)
class QuizPlan:
    """What a quiz should hold: its identity and its questions, in order."""

    id: str
    title: str
    scope: str
    scope_id: str
    question_ids: tuple[str, ...]


@dataclass
class QuizBuildReport:
    """What building changed."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    kept_played: int = 0
    removed: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"Quizzes: {len(self.created)} created, {len(self.updated)} updated, "
            f"{self.unchanged} unchanged, {self.kept_played} kept as played, "
            f"{len(self.removed)} removed."
        )


@dataclass(frozen=True)
class _Row:
    """A question as selection sees it, before a quiz's topic is known."""

    id: str
    fact_id: str
    style: str
    difficulty: float
    truth: bool | None
    answer_entities: frozenset[str]

    def candidate(self, topic: str | None = None) -> Candidate:
        return Candidate(
            self.id,
            self.fact_id,
            self.style,
            self.difficulty,
            truth=self.truth,
            answers_topic=topic is not None and topic in self.answer_entities,
        )


class _Scope(NamedTuple):
    """A quiz to plan: its scope, the questions it may ask, its topic (an entity's quiz)."""

    scope: str
    scope_id: str
    title: str
    rows: list[_Row]
    topic: str | None = None

    @property
    def quiz_id(self) -> str:
        return f"{self.scope}-{self.scope_id}"


_CHUNK = 500  # ids per IN (...) list


def _chunks(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _answer_entities_query() -> Any:
    """(question id, entity id) for every entity in the role a question asks for."""
    return (
        select(Question.id, FactEntity.entity_id)
        .join(Template, col(Template.id) == Question.template_id)
        .join(
            FactEntity,
            and_(
                col(FactEntity.fact_id) == Question.fact_id,
                col(FactEntity.role) == Template.answer_role,
            ),
        )
    )


def _reviewed(query: Any) -> Any:
    """``query`` on Question kept to the questions automatic quizzes may ask: a fact or
    template saved in the workspace waits for an editor's review (quizapp.workspace.review)."""
    return (
        query.join(Fact, col(Fact.id) == Question.fact_id)
        .join(Template, col(Template.id) == Question.template_id)
        .where(col(Fact.reviewed), col(Template.reviewed))
    )


def _load_rows(
    session: Session, where: Any = None, *, topics: bool = True, reviewed: bool = True
) -> list[tuple[_Row, str]]:
    """Every question (or those ``where`` selects) as a selection row, with its article.

    ``topics=False`` leaves out who answers each question, which only topic quizzes ask.
    ``reviewed=False`` also reads questions whose fact or template waits for review.
    """
    # sqlmodel's select is typed for at most four columns; it takes any number.
    query = select(  # type: ignore[call-overload]
        Question.id, Question.fact_id, Question.style, Question.difficulty, Question.article_id
    )
    if reviewed:
        query = _reviewed(query)
    statements = select(Question.id, Question.answer).where(Question.style == "true_false")
    if where is not None:
        query, statements = query.where(where), statements.where(where)
    rows = session.exec(query).all()
    truth = {qid: answer == ["true"] for qid, answer in session.exec(statements)}
    answers: dict[str, set[str]] = defaultdict(set)
    if topics and where is None:
        for question_id, entity_id in session.exec(_answer_entities_query()):
            answers[question_id].add(entity_id)
    elif topics:
        for chunk in _chunks([r[0] for r in rows]):
            query = _answer_entities_query().where(col(Question.id).in_(chunk))
            for question_id, entity_id in session.exec(query):
                answers[question_id].add(entity_id)
    return [
        (
            _Row(
                qid,
                fact_id,
                style,
                difficulty,
                truth.get(qid),
                frozenset(answers.get(qid, ())),
            ),
            article_id,
        )
        for qid, fact_id, style, difficulty, article_id in rows
    ]


class _QuestionClues:
    """Clues (`quizapp.game.selection.make_clues`) read from the questions on demand, kept
    for every quiz built in one run: most questions are in several scopes."""

    def __init__(self, session: Session):
        self.session = session
        self.known: dict[str, Clues] = {}

    def __call__(self, ids: Sequence[str]) -> Mapping[str, Clues]:
        missing = [qid for qid in ids if qid not in self.known]
        for chunk in _chunks(missing):
            names: dict[str, list[str]] = defaultdict(list)
            query = (
                _answer_entities_query()
                .join(Entity, col(Entity.id) == FactEntity.entity_id)
                .where(col(Question.id).in_(chunk))
                .with_only_columns(
                    col(Question.id), col(Entity.id), col(Entity.name), col(Entity.aliases)
                )
            )
            answer_ids: dict[str, set[str]] = defaultdict(set)
            for question_id, entity_id, name, aliases in self.session.exec(query):
                names[question_id].extend([name, *aliases])
                answer_ids[question_id].add(entity_id)
            # Every entity of each question's fact, for what its prompt names besides the answer.
            context: dict[str, list[list[str]]] = defaultdict(list)
            fact_entities = (
                select(Question.id, Entity.id, Entity.name, Entity.aliases)
                .join(FactEntity, col(FactEntity.fact_id) == Question.fact_id)
                .join(Entity, col(Entity.id) == FactEntity.entity_id)
                .where(col(Question.id).in_(chunk))
            )
            # No DISTINCT: PostgreSQL cannot compare JSON (the aliases); a fact naming an
            # entity in two roles gives it twice, which changes nothing.
            for question_id, entity_id, name, aliases in self.session.exec(fact_entities):
                if entity_id not in answer_ids[question_id]:
                    context[question_id].append([name, *aliases])
            for question in self.session.exec(select(Question).where(col(Question.id).in_(chunk))):
                forms = [form for part in question.accepted for form in part]
                self.known[question.id] = make_clues(
                    style=question.style,
                    prompt=question.prompt,
                    choices=question.choices,
                    solution=question.solution,
                    explanation=question.explanation,
                    evidence=question.evidence,
                    answer_forms=forms + names.get(question.id, []),
                    context_entities=context.get(question.id, []),
                )
        return self.known


def plan_quizzes(
    session: Session,
    *,
    today: dt.date,
    count: int = QUESTIONS_PER_QUIZ,
    only: Collection[str] | None = None,
    on_progress: Progress | None = None,
) -> list[QuizPlan]:
    """Plan every scope quiz the current questions allow, and today's daily mix.

    Every article, event and entity (but events, which have their own quizzes) whose questions
    cover MIN_FACTS facts or more gets a quiz; `quizapp.game.selection` picks and orders it.
    ``only``: plan just the quizzes with these ids (selection is the costly part).
    ``on_progress(done, total)``: called after each scope is planned.
    """
    loaded = _load_scopes_rows(session, only, today)
    by_article: dict[str, list[_Row]] = defaultdict(list)
    by_fact: dict[str, list[_Row]] = defaultdict(list)
    for row, article_id in loaded:
        by_article[article_id].append(row)
        by_fact[row.fact_id].append(row)

    # Every scope to plan, first, so that the progress has its total.
    scopes: list[_Scope] = []
    of_articles = select(Article.id, Article.title, Article.event_id)
    if only is not None:
        of_articles = of_articles.where(
            or_(
                col(Article.id).in_(sorted(_scope_ids(only, "article"))),
                col(Article.event_id).in_(sorted(_scope_ids(only, "event"))),
            )
        )
    by_event: dict[str, list[_Row]] = defaultdict(list)
    for article_id, title, event_id in sorted(session.exec(of_articles).all()):
        if event_id:
            by_event[event_id].extend(by_article.get(article_id, ()))
        scopes.append(_Scope("article", article_id, title, by_article.get(article_id, [])))

    # Names and types only, and with ``only`` only its scopes' (a bank has many entities).
    named_entities = select(Entity.id, Entity.name, Entity.type)
    if only is not None:
        wanted = _scope_ids(only, "entity") | _scope_ids(only, "event")
        named_entities = named_entities.where(col(Entity.id).in_(sorted(wanted)))
    entities = {id_: (name, type_) for id_, name, type_ in session.exec(named_entities)}
    for event_id, rows in sorted(by_event.items()):
        if event_id in entities:  # with ``only``, just its events' names were read
            scopes.append(_Scope("event", event_id, entities[event_id][0], rows))

    by_entity: dict[str, list[_Row]] = defaultdict(list)
    named = select(FactEntity.fact_id, FactEntity.entity_id).distinct()
    if only is not None:
        named = named.where(col(FactEntity.entity_id).in_(sorted(_scope_ids(only, "entity"))))
    for fact_id, entity_id in session.exec(named):
        by_entity[entity_id].extend(by_fact.get(fact_id, ()))
    for entity_id, rows in sorted(by_entity.items()):
        name, type_ = entities[entity_id]
        if type_ != "event":
            scopes.append(_Scope("entity", entity_id, f"All about {name}", rows, entity_id))

    if only is None or f"daily-{today.isoformat()}" in only:
        scopes.append(_Scope("daily", today.isoformat(), _daily_title(today), []))
    if only is not None:
        scopes = [scope for scope in scopes if scope.quiz_id in only]

    clues = _QuestionClues(session)
    plans: list[QuizPlan | None] = []
    for done, it in enumerate(scopes, start=1):
        if it.scope == "daily":  # the whole bank was read: drawn and planned from memory
            plan = plan_daily(
                lambda ids: [r for f in ids for r in by_fact.get(f, ())],
                functools.partial(daily_order, _daily_facts(session), today),
                today,
                count,
                clues,
            )
        else:
            plan = _plan(it.scope, it.scope_id, it.title, it.rows, count, clues, topic=it.topic)
        plans.append(plan)
        if on_progress is not None:
            on_progress(done, len(scopes))
    return [plan for plan in plans if plan is not None]


def _scope_ids(only: Collection[str], scope: str) -> set[str]:
    return {
        quiz_id.removeprefix(f"{scope}-") for quiz_id in only if quiz_id.startswith(f"{scope}-")
    }


def _load_scopes_rows(
    session: Session, only: Collection[str] | None, today: dt.date
) -> list[tuple[_Row, str]]:
    """Every question the quizzes ``only`` could ask (all of them when ``only`` is None or
    holds the day's mix, which is planned from what is read here): a scope's quiz is planned
    from its own questions alone, so planning from these gives the same plans.

    One query per kind of scope, not one query with OR: PostgreSQL answers an OR of these
    conditions by reading every question, but each alone through its index."""
    if only is None or f"daily-{today.isoformat()}" in only:
        return _load_rows(session)
    conditions = []
    if articles := _scope_ids(only, "article"):
        conditions.append(col(Question.article_id).in_(sorted(articles)))
    if events := _scope_ids(only, "event"):
        of_events = select(Article.id).where(col(Article.event_id).in_(sorted(events)))
        conditions.append(col(Question.article_id).in_(of_events))
    if entities := _scope_ids(only, "entity"):
        named = select(FactEntity.fact_id).where(col(FactEntity.entity_id).in_(sorted(entities)))
        conditions.append(col(Question.fact_id).in_(named))
    found: dict[str, tuple[_Row, str]] = {}
    for condition in conditions:
        for row, article_id in _load_rows(session, condition):
            found.setdefault(row.id, (row, article_id))
    return list(found.values())


def _plan(
    scope: str,
    scope_id: str,
    title: str,
    rows: Iterable[_Row],
    count: int,
    clues: ClueSource,
    topic: str | None = None,
) -> QuizPlan | None:
    """The scope's quiz, or None if its questions cover fewer than MIN_FACTS facts, or fewer
    questions than that (or ``count`` if smaller) can be asked together."""
    unique = list({row.id: row for row in rows}.values())
    if len({row.fact_id for row in unique}) < MIN_FACTS:
        return None
    quiz_id = f"{scope}-{scope_id}"
    candidates = [row.candidate(topic) for row in unique]
    question_ids = select_questions(candidates, count=count, seed=quiz_id, clues=clues)
    if len(question_ids) < min(MIN_FACTS, count):
        return None
    return QuizPlan(quiz_id, title, scope, scope_id, question_ids)


def plan_daily(
    rows_of: Callable[[Sequence[str]], Sequence[_Row]],
    drawn: Callable[[int], Sequence[str]],
    day: dt.date,
    count: int,
    clues: ClueSource,
) -> QuizPlan | None:
    """The daily mix: the same questions for everyone on ``day``, different each day.

    The day draws DAILY_DRAW facts per question (``drawn(n)``: the first n of the live,
    reviewed facts in the day's order, `daily_order`) and selection picks among their
    questions (``rows_of(fact ids)``), drawing more only if those cannot fill the quiz. A
    fact that comes or goes moves no other fact in the order: a retirement or the first
    player of the day reads the questions of a few hundred facts, not of the whole bank.
    """
    size = max(DAILY_DRAW * count, 1)
    while True:
        facts = drawn(size)
        plan = _plan("daily", day.isoformat(), _daily_title(day), rows_of(facts), count, clues)
        if len(facts) < size or (plan is not None and len(plan.question_ids) >= count):
            return plan
        size *= 4


def daily_order(
    facts: Iterable[tuple[str, int]], day: dt.date, first: int | None = None
) -> list[str]:
    """The ids of ``facts`` (id, draw key: `quizapp.models.draw_key`) in ``day``'s order, only
    the ``first`` ones if given: by each key turned and combined with the day's (`_day_key`),
    so the order of two facts never depends on which others there are. As
    `_drawn_from_database`."""
    mask, turn = _day_key(day)
    low = 2 ** (_DRAW_BITS - turn)
    keyed = [(((draw % low) * 2**turn + draw // low) ^ mask, fact) for fact, draw in facts]
    ordered = (
        sorted(keyed) if first is None or first >= len(keyed) else heapq.nsmallest(first, keyed)
    )
    return [fact for _, fact in ordered]


_DRAW_BITS = 62  # draw keys are below 2**62 (quizapp.models.draw_key)


def _day_key(day: dt.date) -> tuple[int, int]:
    """The day's mask and turn. Facts nearest a mask (exclusive or) share its first bits, so
    two days with alike masks would draw alike facts: each day first turns (rotates) every key
    by its own number of bits, which other days' nearness then does not follow."""
    return draw_key(day.isoformat()), draw_key(f"turn {day.isoformat()}") % _DRAW_BITS


def _daily_facts(session: Session) -> list[tuple[str, int]]:
    """Every fact a daily mix may draw, with its draw key: live and reviewed (a fact without a
    reviewed template's question gives no rows and is passed over)."""
    query = select(Fact.id, Fact.draw).where(col(Fact.reviewed), ~col(Fact.retired))
    return [(fact, draw or 0) for fact, draw in session.exec(query)]


def _drawn_from_database(session: Session, day: dt.date) -> Callable[[int], list[str]]:
    """The daily mix's ``drawn``, ordered by the database: a bank's ids are never all read."""
    mask, turn = _day_key(day)
    low = 2 ** (_DRAW_BITS - turn)
    draw = col(Fact.draw)
    # The turn and a XOR b (SQLite has no operator for it) in arithmetic that stays below
    # 2**62: nothing overflows a signed 64-bit integer on either database.
    turned = (draw % low) * 2**turn + draw // low
    order = turned.bitwise_or(mask) - turned.bitwise_and(mask)
    # Ties (only keys written by hand, 0) go by id as Python orders strings: by code point.
    by_id: Any = col(Fact.id)
    if session.get_bind().dialect.name == "postgresql":
        by_id = col(Fact.id).collate("C")

    def drawn(count: int) -> list[str]:
        query = (
            select(Fact.id)
            .where(col(Fact.reviewed), ~col(Fact.retired))
            .order_by(order, by_id)
            .limit(count)
        )
        return list(session.exec(query))

    return drawn


def _daily_rows(session: Session) -> Callable[[Sequence[str]], Sequence[_Row]]:
    """The daily mix's ``rows_of``, read from the database."""

    def rows_of(fact_ids: Sequence[str]) -> list[_Row]:
        return [
            row
            for chunk in _chunks(fact_ids)
            for row, _ in _load_rows(session, col(Question.fact_id).in_(chunk), topics=False)
        ]

    return rows_of


def _daily_title(day: dt.date) -> str:
    return f"Daily mix, {day.day} {day:%B %Y}"


def build_quizzes(
    session: Session,
    *,
    today: dt.date,
    settings: QuizSettings = DEFAULT_QUIZ_SETTINGS,
    on_progress: Progress | None = None,
) -> QuizBuildReport:
    """Create or refresh every automatic quiz the questions allow, in one transaction.

    New quizzes take ``settings`` (questions per quiz, seconds per question, scoring mode).

    First the questions' difficulties are calibrated from the answers players gave
    (`quizapp.game.feedback.calibrate_questions`): generation writes the generator's estimate
    each time, and this is where quizzes are ordered, so this is where observation replaces
    it. A quiz with attempts is left exactly as it is. An unplayed quiz gets fresh copies of
    its questions; one whose scope no longer makes a quiz (MIN_FACTS) is removed. Quizzes made
    by editors (``created_by`` set) are never touched: their ids start with ``ed-``, which
    no automatic quiz id does. ``on_progress(done, total)``: scopes planned so far.
    """
    report = QuizBuildReport()
    calibrate_questions(session, commit=False)
    planned = plan_quizzes(session, today=today, count=settings.count, on_progress=on_progress)
    plans = {p.id: p for p in planned}
    played = set(session.exec(select(Attempt.quiz_id).distinct()))
    existing = {q.id: q for q in session.exec(select(Quiz).where(col(Quiz.created_by).is_(None)))}
    current_items: dict[str, list[str]] = defaultdict(list)
    for quiz_id, question_id in session.exec(
        select(QuizItem.quiz_id, QuizItem.question_id).order_by(
            QuizItem.quiz_id, col(QuizItem.position)
        )
    ):
        current_items[quiz_id].append(question_id)
    try:
        for quiz_id in sorted(set(existing) - set(plans) - played):
            session.exec(delete(QuizItem).where(col(QuizItem.quiz_id) == quiz_id))
            session.exec(delete(Quiz).where(col(Quiz.id) == quiz_id))
            report.removed.append(quiz_id)
        for quiz_id, plan in plans.items():
            if quiz_id in played:
                report.kept_played += 1
                continue
            quiz = existing.get(quiz_id)
            if quiz is None:
                session.add(
                    Quiz(
                        id=quiz_id,
                        title=plan.title,
                        scope=plan.scope,
                        scope_id=plan.scope_id,
                        question_count=len(plan.question_ids),
                        seconds_per_question=settings.seconds,
                        scoring_mode=settings.mode,
                    )
                )
                session.flush()
                report.created.append(quiz_id)
                _write_items(session, quiz_id, plan.question_ids)
            else:
                _refresh(session, quiz, plan, current_items.get(quiz_id, ()), report)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return report


def _refresh(
    session: Session, quiz: Quiz, plan: QuizPlan, current: Sequence[str], report: QuizBuildReport
) -> None:
    """Give an existing unplayed quiz the questions ``plan`` holds."""
    changed = tuple(current) != plan.question_ids
    quiz.title, quiz.question_count = plan.title, len(plan.question_ids)
    session.add(quiz)
    (report.updated.append(quiz.id) if changed else None)
    report.unchanged += 0 if changed else 1
    session.exec(delete(QuizItem).where(col(QuizItem.quiz_id) == quiz.id))
    _write_items(session, quiz.id, plan.question_ids)


def rebuild_quizzes_holding(
    session: Session, *, fact_ids: Collection[str] = (), template_ids: Collection[str] = ()
) -> QuizBuildReport:
    """Rebuild now the unplayed automatic quizzes that hold a question of these facts or
    templates, without committing: for a retirement, whose questions must stop reaching
    players at once rather than at the next `build_quizzes`.

    Each such quiz is planned again from today's questions (its scope's rule, its own day
    for a daily mix) and keeps its settings; one whose scope no longer makes a quiz is
    removed. Played quizzes and editors' quizzes are left as they are, as `build_quizzes`
    leaves them.
    """
    report = QuizBuildReport()
    # Only the lists given: an empty one would still make PostgreSQL read every item.
    holding = [
        *([col(QuizItem.fact_id).in_(sorted(fact_ids))] if fact_ids else []),
        *([col(QuizItem.template_id).in_(sorted(template_ids))] if template_ids else []),
    ]
    if not holding:
        return report
    # The few quizzes holding them first, then those among them: as one query, PostgreSQL
    # without fresh statistics (right after a rebuild of the quizzes) probes every quiz.
    held = sorted(session.exec(select(QuizItem.quiz_id).where(or_(*holding)).distinct()))
    played = select(Attempt.id).where(col(Attempt.quiz_id) == Quiz.id)
    # In chunks: a template's retirement may reach more quizzes than a statement takes ids.
    quizzes = [
        quiz
        for chunk in _chunks(held)
        for quiz in session.exec(
            select(Quiz)
            .where(col(Quiz.id).in_(chunk), ~played.exists(), col(Quiz.created_by).is_(None))
            .order_by(col(Quiz.id))
        )
    ]
    if not quizzes:
        return report
    calibrate_questions(session, commit=False)  # the order build_quizzes would give them
    clues = _QuestionClues(session)
    plans: dict[str, QuizPlan | None] = {}
    # Each keeps its length; a daily mix is planned for its own day.
    scoped = [quiz for quiz in quizzes if quiz.scope != "daily"]
    for count in {quiz.question_count for quiz in scoped}:
        only = {quiz.id for quiz in scoped if quiz.question_count == count}
        plans.update(
            (p.id, p) for p in plan_quizzes(session, today=dt.date.min, count=count, only=only)
        )
    days = [quiz for quiz in quizzes if quiz.scope == "daily"]
    if days:
        rows_of = _daily_rows(session)
        for quiz in days:
            day = dt.date.fromisoformat(quiz.scope_id)
            drawn = _drawn_from_database(session, day)
            plans[quiz.id] = plan_daily(rows_of, drawn, day, quiz.question_count, clues)
    for quiz in quizzes:
        plan = plans.get(quiz.id)
        if plan is None:
            session.exec(delete(QuizItem).where(col(QuizItem.quiz_id) == quiz.id))
            session.exec(delete(Quiz).where(col(Quiz.id) == quiz.id))
            report.removed.append(quiz.id)
            continue
        current = session.exec(
            select(QuizItem.question_id)
            .where(QuizItem.quiz_id == quiz.id)
            .order_by(col(QuizItem.position))
        ).all()
        _refresh(session, quiz, plan, current, report)
    return report


def _write_items(session: Session, quiz_id: str, question_ids: Sequence[str]) -> None:
    """Copy the questions into the quiz, in order."""
    items = item_rows(session, quiz_id, question_ids)
    if items:
        session.exec(insert(QuizItem), params=items)


def item_rows(session: Session, quiz_id: str, question_ids: Sequence[str]) -> list[dict[str, Any]]:
    """The quiz items copying these questions, positioned 0.. in order, as insert rows."""
    rows = session.exec(
        select(Question, Article.title)
        .join(Article, col(Question.article_id) == Article.id)
        .where(col(Question.id).in_(question_ids))
    ).all()
    by_id = {question.id: (question, title) for question, title in rows}
    items = []
    for position, question_id in enumerate(question_ids):
        question, article_title = by_id[question_id]
        content = question.model_dump(include=set(QuestionContent.model_fields))
        items.append(
            content
            | {
                "quiz_id": quiz_id,
                "position": position,
                "question_id": question.id,
                "template_id": question.template_id,
                "fact_id": question.fact_id,
                "article_id": question.article_id,
                "article_title": article_title,
            }
        )
    return items


def ensure_daily_quiz(
    session: Session, day: dt.date, settings: QuizSettings = DEFAULT_QUIZ_SETTINGS
) -> Quiz | None:
    """Return the daily mix for ``day``, building it on the first request of the day.

    A new daily mix takes ``settings`` (questions per quiz, seconds per question, scoring mode).

    Several processes may race to build it; the loser's insert fails on the primary key and
    it reads the winner's quiz, which holds the same questions anyway.
    """
    quiz_id = f"daily-{day.isoformat()}"
    quiz = session.get(Quiz, quiz_id)
    if quiz is not None:
        return quiz
    drawn = _drawn_from_database(session, day)
    plan = plan_daily(_daily_rows(session), drawn, day, settings.count, _QuestionClues(session))
    if plan is None:
        return None
    try:
        session.add(
            Quiz(
                id=quiz_id,
                title=plan.title,
                scope="daily",
                scope_id=plan.scope_id,
                question_count=len(plan.question_ids),
                seconds_per_question=settings.seconds,
                scoring_mode=settings.mode,
            )
        )
        session.flush()
        _write_items(session, quiz_id, plan.question_ids)
        session.commit()
    except IntegrityError:
        session.rollback()
    return session.get(Quiz, quiz_id)


def list_quizzes(session: Session, *, today: dt.date) -> list[Quiz]:
    """The published quizzes to offer: today's daily mix first, then events, topics, editors'
    picks and articles.

    Daily mixes of other days stay playable by link but are not listed; drafts are neither.
    """
    order = {"daily": 0, "event": 1, "entity": 2, "list": 3, "article": 4}
    quizzes = [
        q
        for q in session.exec(select(Quiz).where(Quiz.status == "published"))
        if q.scope != "daily" or q.scope_id == today.isoformat()
    ]
    return sorted(quizzes, key=lambda q: (order.get(q.scope, 9), q.title.casefold(), q.id))


# --- Quizzes made by editors ------------------------------------------------------------------

EDITOR_SCOPES = ("article", "event", "entity", "list")
EDITOR_QUIZ_PREFIX = "ed-"  # no automatic quiz id starts so: building never meets these
# MAX_QUESTIONS, MIN_SECONDS and MAX_SECONDS bound the app's own quiz settings too
# (quizapp.core.settings).
MAX_TITLE = 300


class QuizError(ProblemsError):
    """A quiz the editor asked for cannot be made; ``problems`` says what to fix, each with the
    form field it is about (its message names the field in words)."""


class QuizNotFound(QuizError):
    """No quiz has that id."""

    def __init__(self, quiz_id: str):
        super().__init__([Problem("not_found", f"there is no quiz {quiz_id!r}", "quiz")])


def _whole_number(value: object, name: str, low: int, high: int, problems: list[Problem]) -> int:
    # Form fields arrive as text: "12" is 12, "12.5", "" or "ten" are not.
    number = value if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is None or not low <= number <= high:
        message = f"{name} must be a whole number from {low} to {high}"
        problems.append(Problem("out_of_range", message, name))
        return 0
    return number


def scope_where(scope: str, scope_id: str) -> Any:
    """The condition on Question that selects a scope's questions: an article's, an event's
    articles', or those whose facts name an entity."""
    if scope == "article":
        return col(Question.article_id) == scope_id
    if scope == "event":
        articles = select(Article.id).where(Article.event_id == scope_id)
        return col(Question.article_id).in_(articles)
    entity_facts = select(FactEntity.fact_id).where(FactEntity.entity_id == scope_id)
    return col(Question.fact_id).in_(entity_facts)


def _scope_rows(session: Session, scope: str, scope_id: str) -> list[_Row]:
    """The questions a scope offers (`scope_where`)."""
    # An editor building a quiz is an editor looking at its questions (its draft lists them):
    # the review gate is for the automatic quizzes.
    where = scope_where(scope, scope_id)
    return [row for row, _ in _load_rows(session, where, reviewed=False)]


def _scope_name(session: Session, scope: str, scope_id: str) -> str | None:
    """The article's title or the entity's name, or None if there is no such one."""
    if scope == "article":
        article = session.get(Article, scope_id)
        return article.title if article else None
    entity = session.get(Entity, scope_id)
    if entity is None or (scope == "event") != (entity.type == "event"):
        return None
    return entity.name


def _pick_questions(
    session: Session,
    scope: str,
    scope_id: str | None,
    question_ids: Sequence[str] | None,
    count: int,
    seed: str,
    problems: list[Problem],
) -> tuple[str, ...]:
    """The questions of the quiz in order, or () with what is wrong in ``problems``."""
    if scope == "list":
        picked = list(dict.fromkeys(question_ids or ()))  # a double pick counts once
        if not 1 <= len(picked) <= MAX_QUESTIONS:
            message = f"pick 1 to {MAX_QUESTIONS} questions (you picked {len(picked)})"
            problems.append(Problem("pick_count", message, "question_ids"))
            return ()
        fact_of = dict(
            session.exec(
                select(Question.id, Question.fact_id).where(col(Question.id).in_(picked))
            ).all()
        )
        unknown = [qid for qid in picked if qid not in fact_of]
        if unknown:
            message = f"there is no question {', '.join(map(repr, unknown))}"
            problems.append(Problem("unknown_question", message, "question_ids"))
            return ()
        by_fact: dict[str, list[str]] = defaultdict(list)
        for qid in picked:
            by_fact[fact_of[qid]].append(qid)
        for fact_id, same in by_fact.items():
            if len(same) > 1:
                message = (
                    f"{_and(same)} are all about the fact {fact_id!r}: "
                    "a quiz asks about each fact once, so keep one of them"
                )
                problems.append(Problem("same_fact", message, "question_ids"))
        return () if problems else tuple(picked)
    if not scope_id:
        message = f"choose the {scope} the quiz is about"
        problems.append(Problem("required", message, "scope_id"))
        return ()
    name = _scope_name(session, scope, scope_id)
    if name is None:
        message = f"there is no {scope} {scope_id!r}"
        problems.append(Problem("unknown_scope_id", message, "scope_id"))
        return ()
    rows = _scope_rows(session, scope, scope_id)
    facts = len({row.fact_id for row in rows})
    if facts < MIN_FACTS:
        message = (
            f"the {scope} {name!r} has questions on {facts} fact{'' if facts == 1 else 's'}; "
            f"a quiz asks about each fact once and needs at least {MIN_FACTS}"
        )
        problems.append(Problem("too_few_questions", message, "scope_id"))
        return ()
    if not count:
        return ()
    topic = scope_id if scope == "entity" else None
    chosen = select_questions(
        [row.candidate(topic) for row in rows],
        count=count,
        seed=seed,
        clues=_QuestionClues(session),
    )
    if len(chosen) < min(MIN_FACTS, count):
        message = (
            f"only {len(chosen)} questions of the {scope} {name!r} can be asked together "
            f"without one giving another's answer away; a quiz needs at least {MIN_FACTS}"
        )
        problems.append(Problem("too_few_questions", message, "scope_id"))
        return ()
    return chosen


def _and(ids: Sequence[str]) -> str:
    quoted = [repr(i) for i in ids]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def create_quiz(
    session: Session,
    *,
    editor_id: int | None,
    title: str,
    scope: str,
    scope_id: str | None = None,
    question_ids: Sequence[str] | None = None,
    count: object = QUESTIONS_PER_QUIZ,
    seconds: object = SECONDS_PER_QUESTION,
    mode: str = SCORING_MODE,
    publish: bool = False,
) -> Quiz:
    """Make a quiz for an editor, as a draft or published, and log it; commits.

    ``scope`` is "article", "event" or "entity" with ``scope_id``, whose questions are
    chosen as for automatic quizzes (`quizapp.game.selection.select_questions`: one per
    fact, no give-aways, an entity as a topic; up to ``count``, fewer if the scope has fewer
    facts), or "list" with ``question_ids`` kept in the given order (``count`` is then how
    many were picked). Raises QuizError naming every field that is wrong: the title (1-300
    characters), an unknown scope or scope id, a scope whose questions cover fewer than
    MIN_FACTS facts, picked ids that do not exist or two picked questions on one fact,
    ``count`` outside 1-50, ``seconds`` outside 5-120, a mode other than timed or plain. The
    quiz's id is ``ed-`` and its title as a slug.
    """
    problems: list[Problem] = []
    title = " ".join(title.split()) if isinstance(title, str) else ""
    if not 1 <= len(title) <= MAX_TITLE:
        message = f"title must be 1 to {MAX_TITLE} characters (it is {len(title)})"
        problems.append(Problem("title_length", message, "title"))
    if scope not in EDITOR_SCOPES:
        message = f"scope must be one of {', '.join(EDITOR_SCOPES)}"
        problems.append(Problem("unknown_scope", message, "scope"))
    wanted = 0 if scope == "list" else _whole_number(count, "count", 1, MAX_QUESTIONS, problems)
    seconds = _whole_number(seconds, "seconds", MIN_SECONDS, MAX_SECONDS, problems)
    if mode not in SCORING_MODES:
        message = f"mode must be one of {', '.join(SCORING_MODES)}"
        problems.append(Problem("unknown_mode", message, "mode"))
    base = EDITOR_QUIZ_PREFIX + slugify(title or "quiz")
    taken = set(session.exec(select(Quiz.id).where(col(Quiz.id).startswith(base))))
    quiz_id = unique_id(base, taken)
    question_ids = (
        _pick_questions(session, scope, scope_id, question_ids, wanted, quiz_id, problems)
        if scope in EDITOR_SCOPES
        else ()
    )
    if problems:
        raise QuizError(problems)
    quiz = Quiz(
        id=quiz_id,
        title=title,
        scope=scope,
        scope_id="" if scope == "list" else (scope_id or ""),  # (checked: not empty)
        question_count=len(question_ids),
        seconds_per_question=seconds,
        scoring_mode=mode,
        status="published" if publish else "draft",
        created_by=editor_id,
    )
    detail: dict[str, Any] = {
        "title": title,
        "scope": scope,
        "scope_id": quiz.scope_id,
        "questions": list(question_ids),
        "seconds": seconds,
        "mode": mode,
        "status": quiz.status,
    }
    try:
        session.add(quiz)
        session.flush()
        _write_items(session, quiz_id, question_ids)
        session.add(
            Change(
                editor_id=editor_id,
                subject="quiz",
                subject_id=quiz_id,
                action="create",
                detail=detail,
            )
        )
        session.commit()
    except IntegrityError:
        session.rollback()
        if session.get(Quiz, quiz_id) is None:
            raise
        # Another editor took the same id a moment ago; the next try gets the next one.
        message = "a quiz with this title was just made; try again"
        raise QuizError([Problem("title_taken", message, "title")]) from None
    except BaseException:
        session.rollback()
        raise
    session.refresh(quiz)
    return quiz


def publish_quiz(session: Session, *, quiz_id: str, editor_id: int | None) -> Quiz:
    """Make a draft quiz visible and playable, and log it; commits.

    Raises QuizNotFound, or QuizError if it is published already.
    """
    quiz = session.get(Quiz, quiz_id)
    if quiz is None:
        raise QuizNotFound(quiz_id)
    if quiz.status == "published":
        message = f"the quiz {quiz.title!r} is published already"
        raise QuizError([Problem("already_published", message, "status")])
    quiz.status = "published"
    session.add(quiz)
    session.add(
        Change(
            editor_id=editor_id,
            subject="quiz",
            subject_id=quiz_id,
            action="publish",
            detail={"status": ["draft", "published"]},
        )
    )
    session.commit()
    session.refresh(quiz)
    return quiz


@dataclass(frozen=True)
class QuizRow:
    """A quiz in the editors' list, with how often it was played."""

    quiz: Quiz
    attempts: int


def list_all_quizzes(session: Session) -> list[QuizRow]:
    """Every quiz, drafts and old daily mixes included, newest first, with its attempts."""
    attempts = dict(
        session.exec(select(Attempt.quiz_id, func.count()).group_by(Attempt.quiz_id)).all()
    )
    quizzes = session.exec(select(Quiz).order_by(col(Quiz.created_at).desc(), Quiz.id)).all()
    return [QuizRow(quiz, attempts.get(quiz.id, 0)) for quiz in quizzes]


def count_attempts(session: Session, quiz_id: str) -> int:
    """How many attempts a quiz has had, finished or not."""
    return session.exec(
        select(func.count()).select_from(Attempt).where(Attempt.quiz_id == quiz_id)
    ).one()


def quiz_items(session: Session, quiz_id: str) -> list[QuizItem]:
    """The quiz's questions in order."""
    return list(
        session.exec(
            select(QuizItem).where(QuizItem.quiz_id == quiz_id).order_by(col(QuizItem.position))
        )
    )


@dataclass(frozen=True)
class ScopeOption:
    """An article, event or entity an editor can make a quiz of, with its question count and
    how many facts those questions cover (a quiz asks about each fact once)."""

    id: str
    name: str
    questions: int
    facts: int


def scope_options(session: Session) -> dict[str, list[ScopeOption]]:
    """For each scope, every article, event or entity with a question, by name.

    Only those whose questions cover MIN_FACTS facts or more can be a quiz's scope; the rest
    still help to find questions to pick by hand.
    """
    counts = (func.count(func.distinct(Question.id)), func.count(func.distinct(Question.fact_id)))
    by_article = select(Question.article_id, *counts).group_by(Question.article_id)
    by_event = (
        select(Article.event_id, *counts)
        .join(Question, col(Question.article_id) == Article.id)
        .where(col(Article.event_id).is_not(None))
        .group_by(Article.event_id)
    )
    by_entity = (
        select(FactEntity.entity_id, *counts)
        .join(Question, col(Question.fact_id) == FactEntity.fact_id)
        .group_by(FactEntity.entity_id)
    )
    titles = dict(session.exec(select(Article.id, Article.title)).all())
    entities = {e.id: e for e in session.exec(select(Entity))}
    options: dict[str, list[ScopeOption]] = {}
    for scope, query, names in (
        ("article", by_article, titles),
        ("event", by_event, {k: e.name for k, e in entities.items() if e.type == "event"}),
        ("entity", by_entity, {k: e.name for k, e in entities.items() if e.type != "event"}),
    ):
        options[scope] = sorted(
            (
                ScopeOption(scope_id, names[scope_id], questions, facts)
                for scope_id, questions, facts in session.exec(query)
                if scope_id in names
            ),
            key=lambda o: (o.name.casefold(), o.id),
        )
    return options


@dataclass(frozen=True)
class QuestionChoice:
    """A question in the editors' hand-picking list, with its answer: two questions may share
    a prompt ("Who won Video of the Year?") and differ in the fact they ask."""

    id: str
    prompt: str
    style: str
    difficulty: float
    article_title: str
    answer: str


def find_questions(
    session: Session,
    *,
    article_id: str | None = None,
    text: str | None = None,
    picked: Sequence[str] = (),
    limit: int = 100,
) -> list[QuestionChoice]:
    """The picked questions in their order, then up to ``limit`` others of one article and/or
    whose prompt holds ``text`` (any case), by article and prompt."""
    # sqlmodel's select is typed for at most four columns; it takes any number.
    query = select(  # type: ignore[call-overload]
        Question.id,
        Question.prompt,
        Question.style,
        Question.difficulty,
        Article.title,
        Question.solution,
        Question.answer,
    )
    query = query.join(Article, col(Question.article_id) == Article.id)

    def choice(row: Sequence[Any]) -> QuestionChoice:
        qid, prompt, style, difficulty, title, solution, answer = row
        shown = answer_text(style, answer, solution)
        return QuestionChoice(qid, prompt, style, difficulty, title, shown)

    chosen = {
        row[0]: choice(row) for row in session.exec(query.where(col(Question.id).in_(list(picked))))
    }
    if article_id:
        query = query.where(Question.article_id == article_id)
    if text and text.strip():
        needle = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(col(Question.prompt).ilike(f"%{needle}%", escape="\\"))
    others = session.exec(
        query.where(col(Question.id).not_in(list(picked)))
        .order_by(col(Article.date).desc(), Article.id, Question.prompt, Question.id)
        .limit(limit)
    )
    return [chosen[qid] for qid in picked if qid in chosen] + [choice(row) for row in others]


def answer_text(style: str, answer: Sequence[str], solution: str) -> str:
    """A question's answer for an editor: the solution, or for a true/false statement whether
    it is true and the true value ("false (Lady Gaga)")."""
    if style == "true_false" and answer:
        return f"{answer[0]} ({solution})"
    return solution


def iter_quiz_exports(session: Session) -> Iterator[dict[str, Any]]:
    """Yield every quiz as the export record (`quizapp export-quizzes`), by id: its id,
    title, scope, scope id, status, who made it (an editor's id, or None if built) and its
    items in order, each with its position, question, template, fact and style."""
    quizzes = {q.id: q for q in session.exec(select(Quiz))}
    items: dict[str, list[dict[str, Any]]] = defaultdict(list)
    # sqlmodel's select is typed for at most four columns; it takes any number.
    query = select(  # type: ignore[call-overload]
        QuizItem.quiz_id,
        QuizItem.position,
        QuizItem.question_id,
        QuizItem.template_id,
        QuizItem.fact_id,
        QuizItem.style,
    ).order_by(col(QuizItem.quiz_id), col(QuizItem.position))
    for quiz_id, position, question_id, template_id, fact_id, style in session.exec(query):
        items[quiz_id].append(
            {
                "position": position,
                "question": question_id,
                "template": template_id,
                "fact": fact_id,
                "style": style,
            }
        )
    for quiz_id in sorted(quizzes):
        quiz = quizzes[quiz_id]
        yield {
            "id": quiz.id,
            "title": quiz.title,
            "scope": quiz.scope,
            "scope_id": quiz.scope_id,
            "status": quiz.status,
            "created_by": quiz.created_by,
            "items": items.get(quiz_id, []),
        }
