"""Reading generated questions back: pages for people, records for export. No Flask.

`get_question_page` is the question browser's list (/editor/questions): questions filtered by
article, entity, kind, template, style and review status and searched by words of their
prompt or answer, a page at a time. It is built for a bank of a million questions: every
filter is an indexed column or an indexed sub-select, questions come in primary-key order,
and one query reads the ids of at most COUNT_CAP matches, which gives the count and the page
(the page's rows are then read by id).
"""

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_
from sqlmodel import Session, col, select

from quizapp.models import STYLES, Article, Entity, Fact, FactEntity, FactKind, Question, Template
from quizapp.questions.generation import difficulty_label

# Review statuses of a question: "live" once its fact and template are both reviewed (automatic
# quizzes ask it), "pending" while either waits on the review screen (quizapp.workspace.review).
# Retired facts and templates keep no questions, so no status names them.
STATUSES = ("live", "pending")
COUNT_CAP = 10_000  # counting further costs a scan of every match; "more than" says enough
MAX_SEARCH = 200


class BrowseError(ValueError):
    """A filter names something the bank does not have: the message says what to give."""


@dataclass(frozen=True)
class QuestionFilters:
    """What the browser is asked for; empty strings and None mean "any"."""

    article: str | None = None
    entity: str | None = None  # named in any role of the question's fact
    answer_entity: str | None = None  # the entity the question asks for
    kind: str | None = None
    template: str | None = None
    style: str | None = None
    status: str | None = None
    search: str | None = None  # words of the prompt or of the answer, any case


@dataclass(frozen=True)
class QuestionPage:
    """One page of questions, each with its article.

    ``total`` is exact when ``capped`` is false; otherwise there are more than ``total``
    matches and ``pages`` counts only the pages up to the cap.
    """

    items: list[tuple[Question, Article]]
    page: int
    pages: int
    total: int
    capped: bool = False


def get_question_page(
    session: Session,
    *,
    page: int = 1,
    per_page: int = 50,
    filters: QuestionFilters | None = None,
    style: str | None = None,
    article_id: str | None = None,
) -> QuestionPage:
    """Return page ``page`` of the questions that match ``filters``, in id order.

    ``style`` and ``article_id`` are shorthands for those filters. Raises BrowseError (a
    ValueError) for a page below 1 or past the last, a style or status that does not exist,
    or an article, entity, kind or template the bank does not have, each saying what to give.
    """
    filters = filters or QuestionFilters(style=style, article=article_id)
    if page < 1:
        raise BrowseError("page must be 1 or more")
    conditions = _conditions(session, filters)
    # One pass over the matches, ids only and at most COUNT_CAP + 1 of them, gives both the
    # count and the page: a search that matches little costs one scan of the prompts, not a
    # count's scan and then a page's.
    ids = list(
        session.exec(
            select(col(Question.id))
            .where(*conditions)
            .order_by(col(Question.id))
            .limit(COUNT_CAP + 1)
        )
    )
    capped = len(ids) > COUNT_CAP
    total = min(len(ids), COUNT_CAP)
    pages = max(1, math.ceil(total / per_page))
    if page > pages:
        raise BrowseError(f"page {page} is past the last page; there are {pages}")
    wanted = ids[(page - 1) * per_page : page * per_page]
    items = list(
        session.exec(
            select(Question, Article)
            .join(Article, col(Question.article_id) == Article.id)
            .where(col(Question.id).in_(wanted))
            .order_by(col(Question.id))
        )
    )
    return QuestionPage(items, page, pages, total, capped)


def _conditions(session: Session, filters: QuestionFilters) -> list[ColumnElement[bool]]:
    """The WHERE clauses for ``filters``, after checking every value names something real.

    Every problem is found before any is raised, so one 400 lists all there is to fix.
    """
    problems: list[str] = []
    where: list[ColumnElement[bool]] = []
    if filters.style:
        if filters.style not in STYLES:
            problems.append(f"no style {filters.style!r}; styles are: {', '.join(STYLES)}")
        where.append(col(Question.style) == filters.style)
    if filters.status:
        if filters.status not in STATUSES:
            problems.append(f"no status {filters.status!r}; statuses are: {', '.join(STATUSES)}")
        where.append(_status_condition(filters.status == "live"))
    if filters.article:
        if session.get(Article, filters.article) is None:
            problems.append(f"no article {filters.article!r}; give an article's id")
        where.append(col(Question.article_id) == filters.article)
    if filters.kind:
        kinds = kind_names(session)
        if filters.kind not in kinds:
            problems.append(f"no kind {filters.kind!r}; kinds are: {', '.join(kinds)}")
        where.append(
            col(Question.fact_id).in_(select(col(Fact.id)).where(col(Fact.kind) == filters.kind))
        )
    if filters.template:
        if session.get(Template, filters.template) is None:
            problems.append(f"no template {filters.template!r}; give a template's id")
        where.append(col(Question.template_id) == filters.template)
    for name, entity_id, answer_only in (
        ("entity", filters.entity, False),
        ("answer entity", filters.answer_entity, True),
    ):
        if entity_id:
            if session.get(Entity, entity_id) is None:
                problems.append(f"no {name} {entity_id!r}; give an entity's id")
            where.append(_names_entity(entity_id, answer_only=answer_only))
    if filters.search is not None and filters.search.strip():
        words = filters.search.strip()
        if len(words) > MAX_SEARCH:
            problems.append(f"the search must be at most {MAX_SEARCH} characters")
        # ILIKE on PostgreSQL; lower() LIKE lower() on SQLite, which folds ASCII letters only.
        where.append(
            or_(
                col(Question.prompt).icontains(words, autoescape=True),
                col(Question.solution).icontains(words, autoescape=True),
            )
        )
    if problems:
        raise BrowseError("; ".join(problems))
    return where


def _status_condition(live: bool) -> ColumnElement[bool]:
    """Questions whose fact and template are both reviewed, or (not ``live``) those that wait.

    Written as IN lists of the few unreviewed facts and templates, so that "pending" is a
    lookup in the questions' fact_id and template_id indexes, not a check of every question.
    """
    waiting = or_(
        col(Question.fact_id).in_(select(col(Fact.id)).where(~col(Fact.reviewed))),
        col(Question.template_id).in_(select(col(Template.id)).where(~col(Template.reviewed))),
    )
    return ~waiting if live else waiting


def _names_entity(entity_id: str, *, answer_only: bool) -> ColumnElement[bool]:
    """Questions whose fact names ``entity_id``, in any role or in the role the question's
    template asks for. The IN list of the entity's facts (fact_entity's entity index) comes
    first even for the answer: it lets the database read only those facts' questions (at a
    million questions it halved the time of the EXISTS alone)."""
    names = select(col(FactEntity.fact_id)).where(col(FactEntity.entity_id) == entity_id)
    in_names = col(Question.fact_id).in_(names)
    if not answer_only:
        return in_names
    asked = exists().where(
        col(FactEntity.fact_id) == Question.fact_id,
        col(FactEntity.entity_id) == entity_id,
        col(Template.id) == Question.template_id,
        col(FactEntity.role) == Template.answer_role,
    )
    return and_(in_names, asked)


def kind_names(session: Session) -> list[str]:
    """Every fact kind's name, in order: the browser's kind choices."""
    return list(session.exec(select(col(FactKind.name)).order_by(col(FactKind.name))))


def template_choices(session: Session) -> list[tuple[str, str]]:
    """(id, kind) of every template, by id: the browser's template choices."""
    query = select(col(Template.id), col(Template.kind)).order_by(col(Template.id))
    return [(tid, kind) for tid, kind in session.exec(query)]


def iter_question_exports(session: Session) -> Iterator[dict[str, Any]]:
    """Yield every question as the export record (`quizapp export-questions`), by id."""
    query = (
        select(Question, Article.title)
        .join(Article, col(Question.article_id) == Article.id)
        .order_by(Question.id)
        .execution_options(yield_per=1000)
    )
    for question, article_title in session.exec(query):
        yield {
            "id": question.id,
            "template": question.template_id,
            "fact": question.fact_id,
            "style": question.style,
            "prompt": question.prompt,
            "choices": question.choices,
            "answer": question.answer,
            "accepted": question.accepted,
            "solution": question.solution,
            "explanation": question.explanation,
            "difficulty": question.difficulty,
            "difficulty_label": difficulty_label(question.difficulty),
            "article": question.article_id,
            "article_title": article_title,
            "evidence": question.evidence,
        }
