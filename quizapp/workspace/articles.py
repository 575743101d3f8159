"""What the articles-and-facts workspace shows, read from the database. No Flask here.

The web views (quizapp.web.editor_articles) parse requests and render; everything they need
to look up is here as plain functions over a session: the article list with its counts, the
entity search behind the role fields, an article laid out sentence by sentence with its
suggested mentions and recorded facts, a fact's history in words. Changes go through
quizapp.workspace.edits, never through this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from quizapp.bank.files import LITERAL_TYPES, KindIn, RoleSpec
from quizapp.bank.sync import kinds_from_db
from quizapp.core.problems import Problem
from quizapp.core.text import fold
from quizapp.models import Article, Editor, Entity, Fact, Question
from quizapp.workspace.edits import history
from quizapp.workspace.suggest import (
    Category,
    EntityRef,
    Gazetteer,
    Mention,
    SentenceSuggestions,
    suggest_facts,
)

SEARCH_LIMIT = 20
# How many entities of a role's types a form offers before any search: enough for a small
# bank; with JavaScript the field searches the whole bank as the editor types.
OFFERED_LIMIT = 200
CATEGORY_LABELS = {
    Category.KNOWN: "known entity",
    Category.NEW_NAME: "new name",
    Category.TITLE: "title",
    Category.YEAR: "year",
}


# --- Articles -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleSummary:
    """One line of the article list."""

    id: str
    title: str
    date: dt.date
    event: str | None  # the event's name
    source: str
    facts: int  # facts in use, not retired
    questions: int


def list_articles(session: Session) -> list[ArticleSummary]:
    """Every article with its numbers of facts and questions, newest first, then by title."""
    facts = dict(
        session.exec(
            select(Fact.article_id, func.count())
            .where(col(Fact.retired).is_(False))
            .group_by(Fact.article_id)
        ).all()
    )
    questions = dict(
        session.exec(select(Question.article_id, func.count()).group_by(Question.article_id)).all()
    )
    articles = session.exec(
        select(Article).order_by(col(Article.date).desc(), Article.title, Article.id)
    ).all()
    events = entity_names(session, [a.event_id for a in articles if a.event_id])
    return [
        ArticleSummary(
            id=a.id,
            title=a.title,
            date=a.date,
            event=events.get(a.event_id) if a.event_id else None,
            source=a.source,
            facts=facts.get(a.id, 0),
            questions=questions.get(a.id, 0),
        )
        for a in articles
    ]


def entity_names(session: Session, ids: Iterable[str]) -> dict[str, str]:
    """The names of the entities ``ids``, by id; unknown ids are left out."""
    wanted = sorted(set(ids))
    names: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        query = select(Entity.id, Entity.name).where(col(Entity.id).in_(chunk))
        names.update(session.exec(query).all())
    return names


def entity_labels(session: Session, ids: Iterable[str]) -> dict[str, str]:
    """ "Name · type" of the entities ``ids``, by id, to show beside a field holding the id."""
    wanted = sorted(set(ids))
    labels: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        query = select(Entity).where(col(Entity.id).in_(wanted[start : start + 500]))
        labels.update((e.id, f"{e.name} · {e.type}") for e in session.exec(query))
    return labels


# --- Entities -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntityHit:
    """An entity found by a search; ``alias`` is the alias that matched, if not the name."""

    id: str
    name: str
    type: str
    alias: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The entity as the search endpoint answers it."""
        found = {"id": self.id, "name": self.name, "type": self.type}
        if self.alias:
            found["alias"] = self.alias
        return found


def entities_of_types(
    session: Session, types: Sequence[str] = (), *, limit: int | None = None
) -> list[Entity]:
    """Entities of ``types`` (all types if empty), by name then id."""
    query = select(Entity).order_by(Entity.name, Entity.id)
    if types:
        query = query.where(col(Entity.type).in_(list(types)))
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query))


def search_entities(
    session: Session, query: str, types: Sequence[str] = (), *, limit: int = SEARCH_LIMIT
) -> list[EntityHit]:
    """Up to ``limit`` entities of ``types`` whose name or an alias matches ``query``.

    Matching ignores case, accents and punctuation (`fold`). Best first: the name starts with
    the query, then a word of the name or an alias does, then the query is anywhere in either;
    ties by name, then id. An empty query lists the first entities by name.
    """
    needle = fold(query)
    if not needle:
        return [EntityHit(e.id, e.name, e.type) for e in entities_of_types(session, types)][:limit]
    ranked: list[tuple[int, str, str, EntityHit]] = []
    for entity in entities_of_types(session, types):
        best: tuple[int, str | None] | None = None
        for position, form in enumerate([entity.name, *entity.aliases]):
            rank = _match_rank(fold(form), needle, is_name=position == 0)
            if rank is not None and (best is None or rank < best[0]):
                best = (rank, None if position == 0 else form)
        if best is not None:
            hit = EntityHit(entity.id, entity.name, entity.type, best[1])
            ranked.append((best[0], fold(entity.name), entity.id, hit))
    ranked.sort(key=lambda r: r[:3])
    return [r[3] for r in ranked[:limit]]


def _match_rank(form: str, needle: str, *, is_name: bool) -> int | None:
    if form.startswith(needle):
        return 0 if is_name else 1
    if f" {needle}" in f" {form}":
        return 1
    if needle in form:
        return 2
    return None


def entity_types(session: Session) -> list[str]:
    """The entity types an editor may pick: those in use, and those fact kinds' roles take."""
    types = set(session.exec(select(Entity.type).distinct()))
    for spec in fact_kinds(session).values():
        for role in spec.roles.values():
            types.update(t for t in role.types if t not in LITERAL_TYPES)
    return sorted(types)


def resolve_entities(
    session: Session, kind: KindIn, values: Mapping[str, list[str]]
) -> tuple[dict[str, list[str]], list[Problem]]:
    """Entity role values as ids: an id is kept; an exact name or alias becomes its id.

    An editor without the search may type "Queen Bey" rather than "beyonce"; a name that fits
    several entities of the role's types is a problem of that role ("ambiguous_name"), saying
    which. Anything else is kept as typed, and the bank's check then says it is unknown (with
    a "did you mean").
    """
    resolved: dict[str, list[str]] = {}
    problems: list[Problem] = []
    for role, items in values.items():
        spec = kind.roles.get(role)
        if spec is None or spec.literal is not None:
            resolved[role] = items
            continue
        known = {e.id: e for e in entities_of_types(session, spec.types)}
        by_form: dict[str, list[Entity]] = {}
        for entity in known.values():
            for form in {fold(f) for f in [entity.name, *entity.aliases]}:
                by_form.setdefault(form, []).append(entity)
        resolved[role] = []
        for item in items:
            fits = by_form.get(fold(item), []) if item not in known else []
            if len(fits) > 1:
                names = ", ".join(f"{e.id} ({e.type})" for e in fits)
                message = f"{item!r} could be {names}; pick one"
                problems.append(Problem.at(role, "ambiguous_name", message))
            resolved[role].append(fits[0].id if len(fits) == 1 else item)
    return resolved, problems


# --- Kinds --------------------------------------------------------------------------------------


def fact_kinds(session: Session) -> dict[str, KindIn]:
    """Every fact kind and its roles, by name, as the loader reads them (the bank's own
    reading of the rows, quizapp.bank.sync.kinds_from_db)."""
    return kinds_from_db(session)


def role_hint(spec: RoleSpec) -> str:
    """What a role takes, in words: "a person or group", "one or more persons", "a number"."""
    if spec.literal == "number":
        hint = "a whole number"
    elif spec.literal == "text":
        hint = "a short text"
    elif spec.many:
        hint = "one or more: " + " or ".join(spec.types)
    else:
        hint = ("an " if spec.types[0][0] in "aeiou" else "a ") + " or ".join(spec.types)
    return hint + (" (optional)" if spec.optional else "")


# --- Facts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleValue:
    """One filled role of a fact, for display: the role and its values' names."""

    role: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class FactSummary:
    """A recorded fact as the article page lists it."""

    id: str
    kind: str
    roles: tuple[RoleValue, ...]
    evidence: str
    retired: bool
    questions: int
    pending: bool = False  # saved since its last review: players do not see it yet


def summarize_facts(session: Session, facts: Sequence[Fact]) -> list[FactSummary]:
    """``facts`` with their roles named and their numbers of questions."""
    ids = [f.id for f in facts]
    counts: dict[str, int] = {}
    for start in range(0, len(ids), 500):
        counts.update(
            session.exec(
                select(Question.fact_id, func.count())
                .where(col(Question.fact_id).in_(ids[start : start + 500]))
                .group_by(Question.fact_id)
            ).all()
        )
    kinds = fact_kinds(session)
    entity_ids = [
        value
        for fact in facts
        for role, raw in fact.roles.items()
        for value in (raw if isinstance(raw, list) else [raw])
        if isinstance(value, str) and not _is_literal(kinds, fact.kind, role)
    ]
    names = entity_names(session, entity_ids)
    summaries = []
    for fact in facts:
        roles = []
        for role, raw in fact.roles.items():
            values = raw if isinstance(raw, list) else [raw]
            literal = _is_literal(kinds, fact.kind, role)
            roles.append(
                RoleValue(role, tuple(str(v) if literal else names.get(v, str(v)) for v in values))
            )
        summaries.append(
            FactSummary(
                fact.id,
                fact.kind,
                tuple(roles),
                fact.evidence,
                fact.retired,
                counts.get(fact.id, 0),
                not fact.reviewed and not fact.retired,
            )
        )
    return summaries


def _is_literal(kinds: Mapping[str, KindIn], kind: str, role: str) -> bool:
    kind_in = kinds.get(kind)
    spec = kind_in.roles.get(role) if kind_in is not None else None
    return spec is not None and spec.literal is not None


def fact_questions(session: Session, fact_id: str) -> list[Question]:
    """The questions a fact makes now, by template then id."""
    return list(
        session.exec(
            select(Question)
            .where(Question.fact_id == fact_id)
            .order_by(Question.template_id, Question.id)
        )
    )


# --- The article, sentence by sentence ----------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """A stretch of a sentence: plain text, or (part of) a mention; maybe inside evidence.

    ``label`` marks the last piece of a mention, where its category is written out.
    """

    text: str
    mention: Mention | None = None
    evidence: bool = False
    label: bool = False

    @property
    def category_label(self) -> str:
        """The mention's category in words ("known entity"), or "" for plain text."""
        return CATEGORY_LABELS[self.mention.category] if self.mention else ""


@dataclass(frozen=True)
class SentenceView:
    """One sentence of the article page: numbered from 1, cut into pieces, with its facts."""

    number: int
    text: str
    pieces: tuple[Piece, ...]
    mentions: tuple[Mention, ...]
    facts: tuple[FactSummary, ...] = ()  # the facts whose evidence starts here
    evidence: bool = False  # some fact in use quotes (part of) this sentence


@dataclass
class ArticleLayout:
    """An article as the workspace shows it."""

    article: Article
    event: str | None
    sentences: list[SentenceView]
    unplaced: list[FactSummary] = field(default_factory=list)  # evidence not found in the text
    facts: int = 0
    questions: int = 0


def gazetteer(session: Session) -> Gazetteer:
    """The bank's entities as a gazetteer: every name and alias the suggestions look for."""
    return Gazetteer.from_entities(session.exec(select(Entity)).all())


def article_suggestions(session: Session, article: Article) -> list[SentenceSuggestions]:
    """Every sentence of the article with what it mentions (quizapp.workspace.suggest)."""
    return suggest_facts(article.text, gazetteer(session))


def article_layout(session: Session, article: Article) -> ArticleLayout:
    """The article's sentences with their mentions, and its facts under the sentence their
    evidence starts in, the evidence of facts in use marked in the text.

    Evidence is found by its first occurrence in the text; a retired fact is listed but not
    marked.
    """
    suggestions = article_suggestions(session, article)
    facts = list(session.exec(select(Fact).where(Fact.article_id == article.id).order_by(Fact.id)))
    summaries = {s.id: s for s in summarize_facts(session, facts)}
    spans: list[tuple[int, int]] = []
    placed: dict[int, list[FactSummary]] = {}
    unplaced = []
    for fact in facts:
        start = article.text.find(fact.evidence) if fact.evidence else -1
        at = _sentence_at(suggestions, start) if start >= 0 else None
        if at is None:
            unplaced.append(summaries[fact.id])
            continue
        placed.setdefault(at, []).append(summaries[fact.id])
        if not fact.retired:
            spans.append((start, start + len(fact.evidence)))
    sentences = []
    for index, item in enumerate(suggestions):
        sentence = item.sentence
        inside = [
            (max(a, sentence.start), min(b, sentence.end))
            for a, b in spans
            if a < sentence.end and b > sentence.start
        ]
        sentences.append(
            SentenceView(
                number=index + 1,
                text=sentence.text,
                pieces=sentence_pieces(article.text, item, inside),
                mentions=item.mentions,
                facts=tuple(placed.get(index, ())),
                evidence=bool(inside),
            )
        )
    in_use = [s for s in summaries.values() if not s.retired]
    event_id = article.event_id
    event = entity_names(session, [event_id]).get(event_id) if event_id else None
    return ArticleLayout(
        article=article,
        event=event,
        sentences=sentences,
        unplaced=unplaced,
        facts=len(in_use),
        questions=sum(s.questions for s in in_use),
    )


def _sentence_at(suggestions: Sequence[SentenceSuggestions], offset: int) -> int | None:
    # The sentence holding ``offset``, or else the first one after it (evidence may begin in
    # the whitespace or punctuation between sentences).
    for index, item in enumerate(suggestions):
        if offset < item.sentence.end:
            return index
    return None


def sentence_pieces(
    text: str, item: SentenceSuggestions, evidence: Sequence[tuple[int, int]] = ()
) -> tuple[Piece, ...]:
    """A sentence of ``text`` cut where its mentions and the ``evidence`` spans begin and end.

    The pieces put together give the sentence back; a mention split by the edge of some
    evidence gives several pieces, the last one labelled.
    """
    start, end = item.sentence.start, item.sentence.end
    cuts = {start, end}
    for known in item.mentions:
        cuts.update((known.start, known.end))
    for a, b in evidence:
        cuts.update((a, b))
    points = sorted(c for c in cuts if start <= c <= end)
    pieces = []
    for a, b in zip(points, points[1:], strict=False):
        mention = next((m for m in item.mentions if m.start <= a and b <= m.end), None)
        pieces.append(
            Piece(
                text=text[a:b],
                mention=mention,
                evidence=any(x <= a and b <= y for x, y in evidence),
                label=mention is not None and b == mention.end,
            )
        )
    return tuple(pieces)


def sentence_number_of(
    suggestions: Sequence[SentenceSuggestions], text: str, evidence: str
) -> int | None:
    """The number (from 1) of the sentence where ``evidence`` starts in ``text``, if found."""
    start = text.find(evidence) if evidence else -1
    at = _sentence_at(suggestions, start) if start >= 0 else None
    return None if at is None else at + 1


def suggested_entities(mentions: Iterable[Mention]) -> list[EntityRef]:
    """The known entities ``mentions`` name, each once, in order; each mention's alternatives
    (another entity of the same name) follow it."""
    seen: dict[str, EntityRef] = {}
    for mention in mentions:
        if mention.category is Category.KNOWN and mention.entity is not None:
            for ref in (mention.entity, *mention.alternatives):
                seen.setdefault(ref.id, ref)
    return list(seen.values())


def new_names(mentions: Iterable[Mention]) -> list[Mention]:
    """The new names and titles of ``mentions``, each text once: what the bank may lack."""
    seen: dict[str, Mention] = {}
    for mention in mentions:
        if mention.category in (Category.NEW_NAME, Category.TITLE):
            seen.setdefault(mention.text, mention)
    return list(seen.values())


# --- History ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    """One change to a record, in words."""

    at: dt.datetime
    editor: str
    action: str
    changes: tuple[str, ...]


def record_history(session: Session, *, subject: str, subject_id: str) -> list[HistoryEntry]:
    """The changes to one record, newest first, with who made them and what they changed."""
    changes = history(session, subject=subject, subject_id=subject_id)
    editor_ids = sorted({c.editor_id for c in changes if c.editor_id is not None})
    names = dict(
        session.exec(select(Editor.id, Editor.name).where(col(Editor.id).in_(editor_ids))).all()
    )
    return [
        HistoryEntry(
            at=change.at,
            editor=names.get(change.editor_id, "a removed editor")
            if change.editor_id is not None
            else "no editor (a script)",
            action=change.action,
            changes=tuple(describe_change(change.detail)),
        )
        for change in changes
    ]


def describe_change(detail: Mapping[str, Any]) -> list[str]:
    """A change log's ``{field: [old, new]}`` as lines: "roles.partner: beyonce → rihanna"."""
    lines = []
    for key, value in detail.items():
        if not (isinstance(value, list) and len(value) == 2):
            lines.append(f"{key}: {_shown(value)}")
            continue
        old, new = value
        # A creation lists every field: its id is on the page already, and defaults say nothing.
        if key == "id" or (old is None and new in (None, False, "", [], {})):
            continue
        if key == "roles" and isinstance(new, dict):
            old = old if isinstance(old, dict) else {}
            for role in sorted(set(old) | set(new)):
                if old.get(role) != new.get(role):
                    lines.append(_before_after(f"roles.{role}", old.get(role), new.get(role)))
        else:
            lines.append(_before_after(key, old, new))
    return lines


def _before_after(key: str, old: Any, new: Any) -> str:
    if old is None:
        return f"{key}: {_shown(new)}"
    if new is None:
        return f"{key}: {_shown(old)} removed"
    return f"{key}: {_shown(old)} → {_shown(new)}"


def _shown(value: Any, limit: int = 90) -> str:
    if isinstance(value, list):
        text = ", ".join(str(v) for v in value)
    elif isinstance(value, str) and " " in value:
        text = f"“{value}”"
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
