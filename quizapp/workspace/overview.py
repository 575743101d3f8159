"""What the editors' workspace holds right now, for its front page.

No Flask. The front page is opened often, so every figure is a COUNT in the database
(grouped where one table gives several figures), except the audit's: its errors and warnings
are the fairness audit run on the spot (quizapp/workspace/audit.py), which reads every
question and quiz item. That takes about 50 ms for the bundled bank's 177 questions but
seconds for tens of thousands, so above AUDIT_QUESTION_LIMIT questions the front page leaves
the audit to its own page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import func
from sqlalchemy.orm import Mapped
from sqlmodel import Session, SQLModel, col, select

from quizapp.game.feedback import count_open_reports
from quizapp.models import (
    QUIZ_STATUSES,
    TEMPLATE_STATUSES,
    Article,
    Entity,
    Fact,
    Question,
    Quiz,
    Template,
)
from quizapp.workspace.audit import audit_database
from quizapp.workspace.edits import unsaved_changes
from quizapp.workspace.review import pending_count

_Value = TypeVar("_Value", str, bool)

# Up to this many questions the audit runs with the front page (a few hundred milliseconds
# at most on a busy 2-core machine); above it only /editor/audit runs it, when asked.
AUDIT_QUESTION_LIMIT = 2000


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
    pending_review: int  # facts and templates saved but not yet reviewed (the review gate)
    unsaved_changes: int  # since the bank was last loaded from or dumped to files
    # The fairness audit's findings (/editor/audit); None above AUDIT_QUESTION_LIMIT questions.
    audit_errors: int | None
    audit_warnings: int | None


def _count(session: Session, model: type[SQLModel]) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def _by_value(
    session: Session, column: Mapped[_Value], values: Iterable[_Value]
) -> dict[_Value, int]:
    """How many rows hold each of ``values`` in ``column`` (0 for those none hold)."""
    rows = session.exec(select(column, func.count()).group_by(column)).all()
    return dict.fromkeys(values, 0) | dict(rows)


def overview(session: Session) -> Overview:
    """Count what the workspace holds and what waits: drafts, open reports, undumped changes,
    the audit's findings."""
    retired = _by_value(session, col(Fact.retired), (False, True))
    questions = _count(session, Question)
    audit = audit_database(session) if questions <= AUDIT_QUESTION_LIMIT else None
    return Overview(
        articles=_count(session, Article),
        entities=_count(session, Entity),
        facts=retired[False],
        retired_facts=retired[True],
        templates=_by_value(session, col(Template.status), TEMPLATE_STATUSES),
        questions=questions,
        quizzes=_by_value(session, col(Quiz.status), QUIZ_STATUSES),
        open_reports=count_open_reports(session),
        pending_review=pending_count(session),
        unsaved_changes=unsaved_changes(session),
        audit_errors=audit.errors if audit else None,
        audit_warnings=audit.warnings if audit else None,
    )
