"""What the editors' templates pages show: the list, the kinds, the history, marked text. No Flask.

The writing itself goes through `quizapp.workspace.edits` (save, retire, the change log) and
the checking through `quizapp.questions.preview`; this module only reads, and shapes what it
read for a page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from quizapp.core.problems import ERROR, Problem
from quizapp.models import TEMPLATE_STATUSES, Change, Editor, FactKind, Question, Template
from quizapp.workspace.edits import history

__all__ = [
    "FieldChange",
    "HistoryEntry",
    "KindRoles",
    "MarkedPart",
    "RoleSummary",
    "TemplateRow",
    "kinds_with_roles",
    "list_templates",
    "mark_problems",
    "question_count",
    "status_counts",
    "template_history",
]

# How the change log names a template's fields (quizapp.bank.files.TemplateIn), for people.
FIELD_LABELS = {"answer": "answer role"}


# --- The list -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateRow:
    """One template in the list, with how many questions it makes and its last change."""

    id: str
    kind: str
    style: str
    status: str
    prompt: str
    answer_role: str
    questions: int
    changed_at: dt.datetime | None = None
    changed_by: str | None = None
    last_action: str | None = None


def list_templates(
    session: Session, *, kind: str | None = None, status: str | None = None
) -> list[TemplateRow]:
    """Every template (of ``kind``, with ``status``, when given), by kind then id.

    Three queries whatever the number of templates: the templates, their question counts in
    one GROUP BY, and the latest change_log row of each with its editor's name.
    """
    query = select(Template).order_by(Template.kind, Template.id)
    if kind:
        query = query.where(Template.kind == kind)
    if status:
        query = query.where(Template.status == status)
    templates = list(session.exec(query))
    counts = dict(
        session.exec(
            select(Question.template_id, func.count()).group_by(Question.template_id)
        ).all()
    )
    # Ids grow with time, so the highest id of a template's changes is its latest.
    latest = (
        select(func.max(Change.id)).where(Change.subject == "template").group_by(Change.subject_id)
    )
    last = {
        subject_id: (at, name, action)
        for subject_id, at, name, action in session.exec(
            select(Change.subject_id, Change.at, Editor.name, Change.action)
            .join(Editor, col(Change.editor_id) == Editor.id, isouter=True)
            .where(col(Change.id).in_(latest))
        )
    }
    rows = []
    for t in templates:
        changed_at, changed_by, last_action = last.get(t.id, (None, None, None))
        rows.append(
            TemplateRow(
                id=t.id,
                kind=t.kind,
                style=t.style,
                status=t.status,
                prompt=t.prompt,
                answer_role=t.answer_role,
                questions=counts.get(t.id, 0),
                changed_at=changed_at,
                changed_by=changed_by,
                last_action=last_action,
            )
        )
    return rows


def status_counts(session: Session) -> dict[str, int]:
    """How many templates have each status (every status named, zero included)."""
    found = dict(
        session.exec(select(Template.status, func.count()).group_by(Template.status)).all()
    )
    return {status: found.get(status, 0) for status in TEMPLATE_STATUSES}


def question_count(session: Session, template_id: str) -> int:
    """How many questions the template makes now."""
    return session.exec(
        select(func.count()).select_from(Question).where(Question.template_id == template_id)
    ).one()


# --- Kinds and their roles ----------------------------------------------------------------------


@dataclass(frozen=True)
class RoleSummary:
    """A role of a kind as an editor writes it in a slot: name, entity types, how it is filled."""

    name: str
    types: tuple[str, ...]
    many: bool = False
    optional: bool = False


@dataclass(frozen=True)
class KindRoles:
    """A fact kind, what it is for, and its roles in the kind's own order."""

    name: str
    description: str
    roles: tuple[RoleSummary, ...]

    @property
    def role_names(self) -> tuple[str, ...]:
        """The role names, which are the slot names a template of this kind can use."""
        return tuple(role.name for role in self.roles)


def kinds_with_roles(session: Session) -> list[KindRoles]:
    """Every fact kind with its roles, by name."""
    return [
        KindRoles(
            name=kind.name,
            description=kind.description,
            roles=tuple(
                RoleSummary(
                    name=role,
                    types=tuple(spec.get("types", ())),
                    many=bool(spec.get("many", False)),
                    optional=bool(spec.get("optional", False)),
                )
                for role, spec in kind.roles.items()
            ),
        )
        for kind in session.exec(select(FactKind).order_by(FactKind.name))
    ]


# --- History ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    """One field of a change: its name for people, and the values before and after."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class HistoryEntry:
    """One saved change to a template: when, by whom, what kind of change, which fields."""

    at: dt.datetime
    editor: str | None
    action: str
    changes: tuple[FieldChange, ...]


def template_history(session: Session, template_id: str, *, limit: int = 50) -> list[HistoryEntry]:
    """The template's latest changes, newest first, with editor names and changed fields.

    ``editor`` is None for a change made without an editor (the command line).
    """
    changes = history(session, subject="template", subject_id=template_id, limit=limit)
    ids = {c.editor_id for c in changes if c.editor_id is not None}
    names = (
        dict(session.exec(select(Editor.id, Editor.name).where(col(Editor.id).in_(ids))).all())
        if ids
        else {}
    )
    return [
        HistoryEntry(
            at=change.at,
            editor=names.get(change.editor_id) if change.editor_id is not None else None,
            action=change.action,
            changes=tuple(_field_changes(change.detail)),
        )
        for change in changes
    ]


def _field_changes(detail: dict[str, Any]) -> Iterable[FieldChange]:
    for field, value in detail.items():
        if field == "id":  # the template itself, named by the page already
            continue
        pair = isinstance(value, list | tuple) and len(value) == 2
        old, new = value if pair else (None, value)
        yield FieldChange(FIELD_LABELS.get(field, field), old, new)


# --- Problems marked in the text ----------------------------------------------------------------


@dataclass(frozen=True)
class MarkedPart:
    """A piece of a prompt or explanation; ``severity`` set where a problem points at it."""

    text: str
    severity: str | None = None
    note: str | None = None


def mark_problems(text: str, problems: Sequence[Problem], field: str) -> list[MarkedPart]:
    """``text`` cut into parts, the places ``problems`` point at in ``field`` marked.

    A problem marks the ``text`` of its location where it starts at its ``column``; when the
    text there is not the problem's (a shortened quote), only the character at the column;
    past the end, a single space after the text (where something is missing, such as the
    closing "?").
    Overlapping places merge into one, an error if any of them is one.
    """
    spans: list[tuple[int, int, str, str]] = []
    for problem in problems:
        column = problem.location.column
        if problem.field != field or column is None:
            continue
        start = column - 1
        if start >= len(text):
            spans.append((len(text), len(text) + 1, problem.severity, problem.message))
            continue
        end = start + _marked_length(text, start, problem.location.text)
        spans.append((start, end, problem.severity, problem.message))
    spans.sort()
    merged: list[list[Any]] = []
    for start, end, severity, note in spans:
        if merged and start < merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], end)
            last[2] = ERROR if ERROR in (last[2], severity) else severity
            last[3] = f"{last[3]}; {note}"
        else:
            merged.append([start, end, severity, note])
    parts: list[MarkedPart] = []
    position = 0
    for start, end, severity, note in merged:
        if start > position:
            parts.append(MarkedPart(text[position:start]))
        # A place past the end is shown as a marked space: there is no character to mark.
        parts.append(MarkedPart(text[start:end] or " ", severity, note))
        position = end
    if position < len(text):
        parts.append(MarkedPart(text[position:]))
    return parts


def _marked_length(text: str, start: int, quoted: str | None) -> int:
    if quoted:
        if text.startswith(quoted, start):
            return len(quoted)
        # Long quotes end in "..." (slots and preview shorten them).
        if quoted.endswith("...") and text.startswith(quoted[:-3], start):
            return len(quoted) - 3
    return 1
