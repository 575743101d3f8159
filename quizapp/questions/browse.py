"""Reading generated questions back: pages for people, records for export. No Flask."""

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from quizapp.models import STYLES, Article, Question
from quizapp.questions.generation import difficulty_label


@dataclass(frozen=True)
class QuestionPage:
    """One page of questions, each with its article."""

    items: list[tuple[Question, Article]]
    page: int
    pages: int
    total: int


def get_question_page(
    session: Session,
    *,
    page: int = 1,
    per_page: int = 50,
    style: str | None = None,
    article_id: str | None = None,
) -> QuestionPage:
    """Return page ``page`` of the questions, optionally of one style or one article.

    Raises ValueError for a style that does not exist or a page below 1.
    """
    if style is not None and style not in STYLES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}")
    if page < 1:
        raise ValueError("page must be 1 or more")
    query = select(Question, Article).join(Article, col(Question.article_id) == Article.id)
    count = select(func.count()).select_from(Question)
    if style:
        query = query.where(Question.style == style)
        count = count.where(Question.style == style)
    if article_id:
        query = query.where(Question.article_id == article_id)
        count = count.where(Question.article_id == article_id)
    total = session.exec(count).one()
    query = query.order_by(col(Article.date), Article.id, Question.template_id, Question.id)
    items = list(session.exec(query.offset((page - 1) * per_page).limit(per_page)).all())
    return QuestionPage(items, page, max(1, math.ceil(total / per_page)), total)


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
