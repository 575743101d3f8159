"""What the editors' workspace holds right now, for its front page.

No Flask. One small query per figure: the front page is opened often and must stay cheap
whatever the bank's size (counts use the tables' own indexes, nothing is loaded whole).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from quizapp.editing import unsaved_changes
from quizapp.feedback import count_open_reports
from quizapp.models import TEMPLATE_STATUSES, Article, Entity, Fact, Question, Quiz, Template


@dataclass(frozen=True)
class Overview:
    """The workspace in figures: what there is, and what waits for an editor."""

    articles: int
    entities: int
    facts: int  # in use; retired facts are counted apart
    retired_facts: int
    templates: dict[str, int]  # by status: draft, published, retired
    questions: int
    quizzes: dict[str, int]  # by status: draft, published
    open_reports: int
    unsaved_changes: int  # since the bank was last loaded from or dumped to files


def _count(session: Session, model, *where) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def _by_status(session: Session, column) -> dict[str, int]:
    rows = session.exec(select(column, func.count()).group_by(column)).all()
    return {status: count for status, count in rows}


def overview(session: Session) -> Overview:
    """Count what the workspace holds and what waits: drafts, open reports, undumped changes."""
    templates = dict.fromkeys(TEMPLATE_STATUSES, 0) | _by_status(session, Template.status)
    quizzes = {"draft": 0, "published": 0} | _by_status(session, Quiz.status)
    return Overview(
        articles=_count(session, Article),
        entities=_count(session, Entity),
        facts=_count(session, Fact, Fact.retired.is_(False)),
        retired_facts=_count(session, Fact, Fact.retired.is_(True)),
        templates=templates,
        questions=_count(session, Question),
        quizzes=quizzes,
        open_reports=count_open_reports(session),
        unsaved_changes=unsaved_changes(session),
    )
