"""The review gate: what workspace saves would show players, and publishing it. No Flask.

A fact or a published template saved in the workspace (quizapp.workspace.edits) is marked
unreviewed (``Fact.reviewed``, ``Template.reviewed`` false): its questions exist, and the
question browser and the preview show them, but no automatic quiz asks them
(quizapp.game.quizzes reads only questions whose fact and template are both reviewed).
`pending_review` lists every such change with the questions it makes, grouped by article (facts)
and by template; `publish` marks the changes an editor has looked at as reviewed and rebuilds
the automatic quizzes in the same transaction. Played quizzes never change: building skips
them.

Each pending change carries a ``token``: a digest of the record and of every question it makes.
The review screen posts the tokens it showed, and `publish` refuses (and reports) a change
whose token no longer matches, so nobody publishes a newer save than the one they read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from quizapp.bank.sync import kinds_from_db
from quizapp.core.problems import Problem
from quizapp.core.settings import DEFAULT_QUIZ_SETTINGS, QuizSettings
from quizapp.game.quizzes import QuizBuildReport, build_quizzes
from quizapp.models import Article, Change, Editor, Entity, Fact, Question, Template
from quizapp.workspace.edits import EditError, lock_bank

Subject = Literal["fact", "template"]
# A template may make thousands of questions: the screen shows this many of each change (the
# token still covers them all, and the question browser lists the rest).
SHOWN_QUESTIONS = 40
REVIEW_ACTION = "review"  # change_log action of a published review


@dataclass(frozen=True)
class ReviewQuestion:
    """A question as the review screen shows it: what a player would be asked, and the proof."""

    id: str
    template_id: str
    fact_id: str
    style: str
    prompt: str
    choices: tuple[str, ...]
    answer: tuple[str, ...]
    evidence: str


@dataclass(frozen=True)
class PendingChange:
    """A fact or template saved since its last review, and the questions it now makes."""

    subject: Subject
    id: str
    summary: str  # the fact's kind and roles by name, or the template's prompt
    token: str  # "subject:id:digest": what `publish` takes
    questions: tuple[ReviewQuestion, ...]  # the first SHOWN_QUESTIONS
    total_questions: int
    saved_by: str | None  # who saved it last, and when
    saved_at: dt.datetime | None
    article_id: str | None = None  # a fact's


@dataclass
class ReviewGroup:
    """The pending changes of one article (its facts) or one template."""

    key: str  # "article-<id>" or "template-<id>": the page's anchor
    title: str
    article_id: str | None = None
    template_id: str | None = None
    changes: list[PendingChange] = field(default_factory=list)

    @property
    def tokens(self) -> list[str]:
        return [change.token for change in self.changes]


@dataclass
class PublishReport:
    """What publishing did: the changes now reviewed, those that changed since they were shown
    (left pending), and what rebuilding the quizzes changed."""

    published: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    quizzes: QuizBuildReport | None = None

    def messages(self) -> list[str]:
        """What happened, in sentences for the editor."""
        lines = []
        if self.published:
            count = len(self.published)
            built = f" {self.quizzes.line()}" if self.quizzes else ""
            lines.append(
                f"Published {count} {_plural(count, 'change')}: players see them now.{built}"
            )
        if self.stale:
            lines.append(
                "Saved again since the page was opened, so left for another look: "
                f"{', '.join(self.stale)}."
            )
        if not lines:
            lines.append("Nothing to publish: these changes were published already.")
        return lines


def _plural(count: int, noun: str) -> str:
    return noun if count == 1 else f"{noun}s"


def pending_count(session: Session) -> int:
    """How many facts and published templates wait for review (the front page's figure)."""
    facts = select(func.count()).select_from(Fact).where(~col(Fact.reviewed), ~col(Fact.retired))
    templates = (
        select(func.count())
        .select_from(Template)
        .where(~col(Template.reviewed), col(Template.status) == "published")
    )
    return session.exec(facts).one() + session.exec(templates).one()


def pending_for_article(session: Session, article_id: str) -> int:
    """How many of the article's facts wait for review (its page links to the review screen)."""
    query = (
        select(func.count())
        .select_from(Fact)
        .where(Fact.article_id == article_id, ~col(Fact.reviewed), ~col(Fact.retired))
    )
    return session.exec(query).one()


def pending_review(session: Session) -> list[ReviewGroup]:
    """Every pending change with its questions: articles first (by title), then templates."""
    facts = list(
        session.exec(
            select(Fact).where(~col(Fact.reviewed), ~col(Fact.retired)).order_by(col(Fact.id))
        )
    )
    templates = list(
        session.exec(
            select(Template)
            .where(~col(Template.reviewed), col(Template.status) == "published")
            .order_by(col(Template.id))
        )
    )
    questions = _questions(session, [f.id for f in facts], [t.id for t in templates])
    saves = _last_saves(
        session, [("fact", f.id) for f in facts] + [("template", t.id) for t in templates]
    )
    names = _entity_names(session, facts)
    kinds = kinds_from_db(session)

    groups: dict[str, ReviewGroup] = {}
    titles = dict(
        session.exec(
            select(Article.id, Article.title).where(
                col(Article.id).in_(sorted({f.article_id for f in facts}))
            )
        ).all()
    )
    for fact in facts:
        group = groups.setdefault(
            f"article-{fact.article_id}",
            ReviewGroup(
                f"article-{fact.article_id}", titles[fact.article_id], article_id=fact.article_id
            ),
        )
        own = questions["fact", fact.id]
        summary = _fact_summary(fact, names, kinds)
        group.changes.append(
            _change("fact", fact.id, summary, _fact_record(fact), own, saves, fact.article_id)
        )
    ordered = sorted(groups.values(), key=lambda g: g.title.casefold())
    for template in templates:
        own = questions["template", template.id]
        change = _change(
            "template", template.id, template.prompt, _template_record(template), own, saves
        )
        ordered.append(
            ReviewGroup(
                f"template-{template.id}",
                f"Template {template.id}",
                template_id=template.id,
                changes=[change],
            )
        )
    return ordered


def publish(
    session: Session,
    *,
    editor_id: int | None,
    tokens: Iterable[str],
    today: dt.date,
    settings: QuizSettings = DEFAULT_QUIZ_SETTINGS,
) -> PublishReport:
    """Mark the changes behind ``tokens`` (as `pending_review` gave them) reviewed and rebuild
    the automatic quizzes, in one transaction.

    A change saved again since its token was made is left pending and reported in ``stale``
    (its questions may differ from those the editor read); one no longer pending (published by
    someone else, retired) is skipped. A token that is not one raises EditError.
    """
    wanted: dict[tuple[str, str], str] = {}
    for token in tokens:
        subject, _, rest = token.partition(":")
        record_id, _, digest = rest.rpartition(":")
        if subject not in ("fact", "template") or not record_id or not digest:
            message = f"{token!r} is not a change from the review screen; reload it"
            raise EditError([Problem("bad_token", message)])
        wanted[subject, record_id] = token
    report = PublishReport()
    if not wanted:
        return report
    try:
        lock_bank(session)
        # Written first: on SQLite the first write takes the write lock (quizapp.db).
        batch = Change(editor_id=editor_id, subject="review", subject_id="", action="publish")
        session.add(batch)
        session.flush()
        current = {
            change.token: change for group in pending_review(session) for change in group.changes
        }
        facts: list[str] = []
        templates: list[str] = []
        for (subject, record_id), token in sorted(wanted.items()):
            change = current.get(token)
            if change is None:
                still_pending = any(
                    c.subject == subject and c.id == record_id for c in current.values()
                )
                if still_pending:
                    report.stale.append(f"{subject} {record_id}")
                continue
            (facts if subject == "fact" else templates).append(record_id)
            session.add(
                Change(
                    editor_id=editor_id,
                    subject=subject,
                    subject_id=record_id,
                    action=REVIEW_ACTION,
                    detail={"questions": change.total_questions},
                )
            )
            report.published.append(f"{subject} {record_id}")
        if not report.published:
            session.rollback()
            return report
        batch.subject_id = f"{len(report.published)} changes"
        batch.detail = {"published": report.published, "stale": report.stale}
        session.add(batch)
        for model, ids in ((Fact, facts), (Template, templates)):
            if ids:
                session.exec(update(model).where(col(model.id).in_(ids)).values(reviewed=True))
    except BaseException:
        session.rollback()
        raise
    # Commits the marks and the change log with the quizzes (or rolls all of them back).
    report.quizzes = build_quizzes(session, today=today, settings=settings)
    return report


# --- Reading ------------------------------------------------------------------------------------


def _questions(
    session: Session, fact_ids: Sequence[str], template_ids: Sequence[str]
) -> defaultdict[tuple[str, str], list[ReviewQuestion]]:
    found: defaultdict[tuple[str, str], list[ReviewQuestion]] = defaultdict(list)
    for column, subject, ids in (
        (col(Question.fact_id), "fact", fact_ids),
        (col(Question.template_id), "template", template_ids),
    ):
        for start in range(0, len(ids), 500):
            query = (
                select(Question)
                .where(column.in_(ids[start : start + 500]))
                .order_by(col(Question.template_id), col(Question.fact_id))
            )
            for q in session.exec(query):
                key = q.fact_id if subject == "fact" else q.template_id
                found[subject, key].append(
                    ReviewQuestion(
                        q.id,
                        q.template_id,
                        q.fact_id,
                        q.style,
                        q.prompt,
                        tuple(q.choices),
                        tuple(q.answer),
                        q.evidence,
                    )
                )
    return found


def _last_saves(
    session: Session, subjects: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], tuple[str | None, dt.datetime]]:
    wanted = set(subjects)
    saves: dict[tuple[str, str], tuple[str | None, dt.datetime]] = {}
    if not wanted:
        return saves
    query = (
        select(Change.subject, Change.subject_id, Change.at, Editor.name)
        .join(Editor, col(Editor.id) == Change.editor_id, isouter=True)
        .where(col(Change.subject).in_(("fact", "template")))
        .where(col(Change.subject_id).in_(sorted({i for _, i in wanted})))
        .where(col(Change.action) != REVIEW_ACTION)
        .order_by(col(Change.id))
    )
    for subject, subject_id, at, name in session.exec(query):
        if (subject, subject_id) in wanted:
            saves[subject, subject_id] = (name, at)
    return saves


def _entity_names(session: Session, facts: Sequence[Fact]) -> dict[str, str]:
    ids: set[str] = set()
    for fact in facts:
        for value in fact.roles.values():
            ids.update(
                value if isinstance(value, list) else [value] if isinstance(value, str) else []
            )
    rows = session.exec(select(Entity.id, Entity.name).where(col(Entity.id).in_(sorted(ids))))
    return dict(rows.all())


def _fact_summary(fact: Fact, names: dict[str, str], kinds: dict[str, Any]) -> str:
    kind = kinds.get(fact.kind)
    parts = []
    for role, value in fact.roles.items():
        literal = kind is not None and role in kind.roles and kind.roles[role].literal
        if isinstance(value, list):
            shown = ", ".join(names.get(v, v) for v in value if isinstance(v, str))
        elif isinstance(value, str) and not literal:
            shown = names.get(value, value)
        else:
            shown = f"“{value}”" if isinstance(value, str) else str(value)
        parts.append(f"{role}: {shown}")
    return f"{fact.kind.replace('_', ' ')} — {'; '.join(parts)}"


def _fact_record(fact: Fact) -> dict[str, Any]:
    return {
        "kind": fact.kind,
        "roles": fact.roles,
        "evidence": fact.evidence,
        "open": fact.open_roles,
    }


def _template_record(template: Template) -> dict[str, Any]:
    return {
        "kind": template.kind,
        "style": template.style,
        "prompt": template.prompt,
        "answer": template.answer_role,
        "explanation": template.explanation,
        "requires": template.requires,
    }


def _change(
    subject: Subject,
    record_id: str,
    summary: str,
    record: dict[str, Any],
    questions: list[ReviewQuestion],
    saves: dict[tuple[str, str], tuple[str | None, dt.datetime]],
    article_id: str | None = None,
) -> PendingChange:
    # What the editor reads: the record and every question it makes, to the letter.
    shown = [
        [q.id, q.style, q.prompt, list(q.choices), list(q.answer), q.evidence] for q in questions
    ]
    payload = json.dumps([record, shown], sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(payload.encode()).hexdigest()[:20]
    saved_by, saved_at = saves.get((subject, record_id), (None, None))
    return PendingChange(
        subject,
        record_id,
        summary,
        f"{subject}:{record_id}:{digest}",
        tuple(questions[:SHOWN_QUESTIONS]),
        len(questions),
        saved_by,
        saved_at,
        article_id,
    )
