"""What the articles-and-facts workspace shows, read from the database. No Flask here.

The web views (quizapp.web.editor_articles) parse requests and render; everything they need
to look up is here as plain functions over a session: the article list with its counts, the
entity search behind the role fields, an article laid out sentence by sentence with its
suggested mentions and recorded facts, a fact's history in words. Changes go through
quizapp.workspace.edits, never through this module.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from quizapp.bank.files import LITERAL_TYPES, KindIn, RoleSpec
from quizapp.bank.names import fast_fold, short_forms
from quizapp.bank.sync import kinds_from_db
from quizapp.core.problems import Problem
from quizapp.core.text import fold
from quizapp.models import Article, Change, Editor, Entity, Fact, FactEntity, Question
from quizapp.questions.preview import did_you_mean
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


def entities_by_id(session: Session, ids: Iterable[str]) -> dict[str, Entity]:
    """The entities ``ids``, by id; unknown ids are left out."""
    wanted = sorted(set(ids))
    found: dict[str, Entity] = {}
    for start in range(0, len(wanted), 500):
        query = select(Entity).where(col(Entity.id).in_(wanted[start : start + 500]))
        found.update((e.id, e) for e in session.exec(query))
    return found


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
    value: str = ""  # what the fact form's field shows for it (`shown_forms`); "" for the id

    def as_json(self) -> dict[str, Any]:
        """The entity as the search endpoint answers it."""
        found = {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "value": self.value or self.id,
        }
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

    Each hit's ``value`` is what the fact form shows for it among ``types`` (`shown_forms`).
    Matching ignores case, accents and punctuation (`fold`). Best first: the name starts with
    the query, then a word of the name or an alias does, then the query is anywhere in either;
    ties by name, then id. An empty query lists the first entities by name.
    """
    needle = fold(query)
    everyone = entities_of_types(session, types)
    shown = shown_forms(everyone)
    if not needle:
        return [EntityHit(e.id, e.name, e.type, value=shown[e.id]) for e in everyone[:limit]]
    ranked: list[tuple[int, str, str, EntityHit]] = []
    for entity in everyone:
        best: tuple[int, str | None] | None = None
        for position, form in enumerate([entity.name, *entity.aliases]):
            rank = _match_rank(fold(form), needle, is_name=position == 0)
            if rank is not None and (best is None or rank < best[0]):
                best = (rank, None if position == 0 else form)
        if best is not None:
            hit = EntityHit(entity.id, entity.name, entity.type, best[1], shown[entity.id])
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
    which, and one that is no entity's id, name or alias is "unknown_entity", with a "did you
    mean" among the role's entities. The id of an entity of another type is kept, for the
    bank's check to say which types the role takes.
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
            elif item.strip() and not fits and item not in known:
                problems.append(_not_for_role(session, role, item, spec, by_form))
            resolved[role].append(fits[0].id if len(fits) == 1 else item)
    return resolved, problems


def _not_for_role(
    session: Session, role: str, item: str, spec: RoleSpec, by_form: Mapping[str, list[Entity]]
) -> Problem:
    # What an entity role's value that fits none of its entities is: an entity of another
    # type (by id, name or alias: said by its name), or nothing the bank knows, guessed among
    # the names and aliases of the role's types by the template form's own rule.
    wanted = " or ".join(spec.types)
    other = next(iter(entities_named(session, item)), None)
    if other is not None:
        message = f"{other.name} is {_a(other.type)}, but this role takes {wanted}"
        return Problem.at(role, "wrong_entity_type", message)
    guess = did_you_mean(fold(item), by_form)
    if guess is not None:
        entity = by_form[guess][0]
        message = f"unknown entity (did you mean {entity.name!r}?)"
        return Problem.at(role, "unknown_entity", message, value=item, hint=entity.id)
    message = f"unknown entity: no {wanted} goes by that name; add it if it is new"
    return Problem.at(role, "unknown_entity", message, value=item)


def entities_named(session: Session, text: str) -> list[Entity]:
    """The entity whose id is ``text``, else every entity with ``text`` as its name or an
    alias (folded: case, accents and punctuation aside), by name then id."""
    by_id = session.get(Entity, text)
    if by_id is not None:
        return [by_id]
    folded = fold(text)
    return [
        e for e in entities_of_types(session) if folded in {fold(f) for f in [e.name, *e.aliases]}
    ]


def _a(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


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
    # Each value's entity id, to link its page; None for a literal or an unknown id.
    entity_ids: tuple[str | None, ...] = ()

    @property
    def linked(self) -> list[tuple[str, str | None]]:
        """Each value's name with its entity id (None: no page to link)."""
        ids = self.entity_ids or (None,) * len(self.names)
        return list(zip(self.names, ids, strict=True))


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
                RoleValue(
                    role,
                    tuple(str(v) if literal else names.get(v, str(v)) for v in values),
                    tuple(None if literal or v not in names else v for v in values),
                )
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
    names_in_roles = entity_names(session, _entity_ids_in(changes))
    return [
        HistoryEntry(
            at=change.at,
            editor=names.get(change.editor_id, "a removed editor")
            if change.editor_id is not None
            else "no editor (a script)",
            action=change.action,
            changes=tuple(describe_change(_named(change.detail, names_in_roles))),
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


def _entity_ids_in(changes: Iterable[Change]) -> set[str]:
    # The values a change's roles and event held: the ids to name in its lines.
    ids: set[str] = set()
    for change in changes:
        for key, value in change.detail.items():
            if key not in ("roles", "event") or not isinstance(value, list):
                continue
            for side in value:
                items = side.values() if isinstance(side, dict) else [side]
                for item in items:
                    ids.update(v for v in (item if isinstance(item, list) else [item]) if v)
    return {i for i in ids if isinstance(i, str)}


def _named(detail: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    # A change's detail with the entity ids of its roles and event as names: an editor reads
    # "Beyoncé → Adele", not "beyonce → adele". Ids no longer in the bank stay ids.
    def name(value: Any) -> Any:
        if isinstance(value, list):
            return [name(v) for v in value]
        return names.get(value, value) if isinstance(value, str) else value

    named = dict(detail)
    for key in ("roles", "event"):
        value = detail.get(key)
        if isinstance(value, list) and len(value) == 2:
            named[key] = [
                {r: name(v) for r, v in side.items()} if isinstance(side, dict) else name(side)
                for side in value
            ]
    return named


# --- Entities' own pages ----------------------------------------------------------------------


def shown_forms(entities: Iterable[Entity]) -> dict[str, str]:
    """What the fact form shows for each of ``entities`` (those of a role's types): its name
    where the name picks it alone among them, by `resolve_entities`' reading, else its id."""
    listed = list(entities)
    counts: dict[str, int] = {}
    for entity in listed:
        for form in {fold(f) for f in [entity.name, *entity.aliases]}:
            counts[form] = counts.get(form, 0) + 1
    return {e.id: e.name if counts[fold(e.name)] == 1 else e.id for e in listed}


@dataclass(frozen=True)
class FormCounts:
    """How many entities of each type go by each name or alias (folded), read in one pass
    over the bank: what `shown_form` needs for any role's types without reading the bank
    again per role."""

    counts: Mapping[str, Mapping[str, int]]  # type -> folded form -> entities

    @classmethod
    def of(cls, session: Session) -> FormCounts:
        """The counts of the bank's entities."""
        counts: dict[str, dict[str, int]] = {}
        rows = session.exec(select(Entity.type, Entity.name, Entity.aliases))
        for type_, name, aliases in rows:
            per_type = counts.setdefault(type_, {})
            for form in {fast_fold(f) for f in [name, *aliases]}:
                per_type[form] = per_type.get(form, 0) + 1
        return cls(counts)

    def shown_form(self, entity_id: str, name: str, types: Sequence[str]) -> str:
        """`shown_forms` for one entity among the entities of ``types``: its name where
        that picks it alone, else its id."""
        form = fast_fold(name)
        fits = sum(self.counts.get(t, {}).get(form, 0) for t in types)
        return name if fits == 1 else entity_id


def offered_aliases(session: Session, entity: Entity) -> list[str]:
    """The short forms (the surname ...) that players could type for ``entity`` because no
    other entity shares them (quizapp.bank.names.short_forms), and that it lacks as aliases:
    what its form offers to add."""
    forms = short_forms(session.exec(select(Entity)).all()).get(entity.id, ())
    have = {fold(f) for f in [entity.name, *entity.aliases]}
    offered: list[str] = []
    for form in forms:
        if fold(form) not in have:
            have.add(fold(form))
            offered.append(form)
    return offered


@dataclass(frozen=True)
class _NewName:
    # A name the bank does not have yet, as `short_forms` reads an entity.
    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()


def new_name_aliases(session: Session, names: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    """For new names (text, guessed type) about to be added, the short forms (the surname
    ...) that neither the bank's entities nor the other new names share: what the new entity
    form offers as aliases, by text."""
    pending = [_NewName(f"new-name-{i}", text, type_) for i, (text, type_) in enumerate(names)]
    found = short_forms([*session.exec(select(Entity)).all(), *pending])
    return {p.name: list(found[p.id]) for p in pending if p.id in found}


@dataclass(frozen=True)
class EntityUse:
    """Where an entity is named: its facts (summarised, with their articles) and the
    articles whose event it is."""

    facts: list[tuple[FactSummary, Article]]
    events_of: list[Article]


def entity_use(session: Session, entity_id: str) -> EntityUse:
    """The facts naming ``entity_id`` in a role, by article then id, and the articles whose
    event it is."""
    # A subquery, not a join with DISTINCT: PostgreSQL cannot compare the JSON roles, and a
    # fact naming the entity in two roles is listed once.
    naming = select(FactEntity.fact_id).where(FactEntity.entity_id == entity_id)
    facts = list(
        session.exec(
            select(Fact).where(col(Fact.id).in_(naming)).order_by(Fact.article_id, Fact.id)
        )
    )
    articles = {
        a.id: a
        for a in session.exec(
            select(Article).where(col(Article.id).in_({f.article_id for f in facts}))
        )
    }
    events_of = list(
        session.exec(select(Article).where(Article.event_id == entity_id).order_by(Article.id))
    )
    summaries = summarize_facts(session, facts)
    pairs = [(s, articles[f.article_id]) for s, f in zip(summaries, facts, strict=True)]
    return EntityUse(pairs, events_of)


def fact_counts(session: Session, entity_ids: Sequence[str]) -> dict[str, int]:
    """How many facts name each of ``entity_ids``, by id (none: left out)."""
    counts: dict[str, int] = {}
    for start in range(0, len(entity_ids), 500):
        chunk = list(entity_ids[start : start + 500])
        query = (
            select(FactEntity.entity_id, func.count(func.distinct(FactEntity.fact_id)))
            .where(col(FactEntity.entity_id).in_(chunk))
            .group_by(FactEntity.entity_id)
        )
        counts.update(session.exec(query).all())
    return counts


def merged_into(session: Session, entity_id: str) -> str | None:
    """The id of the entity that ``entity_id`` was last merged into, if it was: read off the
    change log's "Name (id)" (quizapp.workspace.edits.merge_entities)."""
    changes = history(session, subject="entity", subject_id=entity_id)
    change = next((c for c in changes if c.action == "merged"), None)
    into = change.detail.get("into") if change is not None else None
    found = re.search(r"\(([a-z0-9-]+)\)$", into) if isinstance(into, str) else None
    return found.group(1) if found else None
