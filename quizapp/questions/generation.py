"""Turning templates and facts into questions (docs/generation.md). No Flask.

`generate` works on plain data (`BankSnapshot`) and is deterministic for a seed: the same
bank and seed always give the same questions, choices and order. `rebuild_questions` reads
the database into a snapshot, generates, and stores the result in one transaction.
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import functools
import hashlib
import json
import math
import operator
import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, Table, delete
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from quizapp.bank import names, slots
from quizapp.bank.files import Bank, collector_paused
from quizapp.core.text import fold
from quizapp.models import Article, Entity, Fact, FactKind, Question, Template, table_of

CHOICES = 4
TRUE_FALSE_CHOICES = ["true", "false"]
# Lists this short are shuffled whole; longer ones (a type across a big bank) are sampled.
_SHUFFLE_LIMIT = 64
# Editorial notes in a text value ("[as Jo Calderone]"): for editors, never shown to players.
_BRACKETS = re.compile(r"\s*\[[^\]]*\]")
# Words too common to give an answer away when a prompt holds them ("the", "of"); words of
# fewer letters than this never do either.
_COMMON_WORDS = frozenset(
    "the and for with from that this was were are his her its their our your him she they "
    "who what which when where how not but all".split()
)
_SHORT_WORD = 3
# A word in this many entity names of the bank or more says nothing about which one is meant
# ("Best" in every award, a common first name).
_COMMON_IN_NAMES = 3
# A quote with fewer words than this ("Aah?") is not quiz material.
_QUOTE_MIN_WORDS = 3


# --- Input: a snapshot of the bank as plain data ----------------------------------------------


@dataclass(frozen=True)
class RoleInfo:
    """What fills a role: entity types, or one literal type ('text', 'number')."""

    types: tuple[str, ...]
    many: bool = False
    optional: bool = False

    @property
    def literal(self) -> str | None:
        return self.types[0] if self.types and self.types[0] in ("text", "number") else None


@dataclass(frozen=True)
class EntityInfo:
    """An entity as the generator needs it."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # finer than the type: what a template's requires matches

    @property
    def forms(self) -> list[str]:
        return [self.name, *self.aliases]


@dataclass(frozen=True)
class ArticleInfo:
    """An article as the generator needs it."""

    id: str
    title: str
    event_id: str | None = None


@dataclass(frozen=True)
class FactInfo:
    """A fact as the generator needs it."""

    id: str
    kind: str
    article_id: str
    roles: Mapping[str, Any]
    evidence: str
    open_roles: tuple[str, ...] = ()  # many roles whose list the article leaves open


@dataclass(frozen=True)
class TemplateInfo:
    """A template as the generator needs it."""

    id: str
    kind: str
    style: str
    prompt: str
    answer_role: str
    explanation: str | None = None
    status: str = "published"
    # {role: types or tags}: only facts whose entities in the role have one of them. Left out
    # of the hash (a dict has none), as a template is known by its other fields anyway.
    requires: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)


@dataclass
class BankSnapshot:
    """Everything generation reads, decoupled from the database."""

    kinds: dict[str, dict[str, RoleInfo]]
    entities: dict[str, EntityInfo]
    articles: dict[str, ArticleInfo]
    facts: list[FactInfo]
    templates: list[TemplateInfo]
    # {kind: {role: the roles that, once fixed, make the role's value unique}}
    unique_given: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    # Retired facts make no questions, but their entities stay wrong answers as plausible as
    # any (they filled the role in some article): retiring a fact then changes no pool.
    retired: list[FactInfo] = field(default_factory=list)


# --- Output -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionDraft:
    """A generated question, ready to store or export (fields as in models.Question)."""

    id: str
    template_id: str
    fact_id: str
    article_id: str
    style: str
    prompt: str
    choices: list[str]
    answer: list[str]
    accepted: list[list[str]]
    solution: str
    explanation: str | None
    difficulty: float
    evidence: str

    def as_row(self) -> dict[str, Any]:
        # A shallow copy: dataclasses.asdict deep-copies every list, per question.
        return dict(self.__dict__)


@dataclass(frozen=True)
class Skipped:
    """A (template, fact) pair that made no question, and why."""

    template_id: str
    fact_id: str | None
    reason: str


@dataclass
class GenerationReport:
    """What a generation run made and what it left out."""

    made: Counter[str] = field(default_factory=Counter)
    skipped: list[Skipped] = field(default_factory=list)
    removed: int = 0

    @property
    def total(self) -> int:
        return sum(self.made.values())


def question_id(template_id: str, fact_id: str) -> str:
    """The stable id of the question a template makes from a fact."""
    digest = hashlib.sha1(f"{template_id}\x1f{fact_id}".encode()).hexdigest()
    return "q-" + digest[:12]


# --- Values: what fills a role, compared and shown ----------------------------------------------


class Value:
    """A role's value: a set of entity ids, or one literal.

    A plain class with slots and its hash computed once, not a frozen dataclass: a big bank
    makes millions of them and hashes each many times (as keys of the answer indexes). Equal
    and hashed as the dataclass was, on (entities, literal), so sets of values keep their
    order."""

    __slots__ = ("entities", "literal", "order", "_hash")

    entities: frozenset[str]
    literal: str | int | None
    # Entity ids as the fact lists them, for display; two facts naming the same people in
    # another order state the same value.
    order: tuple[str, ...]

    def __init__(
        self,
        entities: frozenset[str] = frozenset(),
        literal: str | int | None = None,
        order: tuple[str, ...] = (),
    ) -> None:
        self.entities = entities
        self.literal = literal
        self.order = order
        self._hash = hash((entities, literal))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Value):
            return NotImplemented
        return self.entities == other.entities and self.literal == other.literal

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        return f"Value(entities={self.entities!r}, literal={self.literal!r}, order={self.order!r})"


# A fact's values for a template's key roles, in the template's order.
_Key = tuple[Value | None, ...]


def _value(fact: FactInfo, role: str, spec: RoleInfo) -> Value | None:
    raw = fact.roles.get(role)
    if raw is None:
        return None
    if spec.literal:
        return Value(literal=raw)
    ids = tuple(raw) if isinstance(raw, list) else (raw,)
    return Value(entities=frozenset(ids), order=ids)


class BankContext:
    """Indexes over the whole bank, built once and then kept up to date fact by fact.

    Every pool of wrong answers is kept sorted (entity ids, literal values), never in the order
    facts happened to be read: a question's draw from a pool then depends on who is in it, not
    on which fact came first, so a fact's change touches only the questions that
    ``apply_fact`` names (quizapp.questions.live keeps one context per database).
    """

    def __init__(self, bank: BankSnapshot):
        self.bank = bank
        self.mentions: Counter[str] = Counter()
        self.by_type: dict[str, list[str]] = defaultdict(list)
        self.by_article: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.by_event: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.literals: dict[tuple[str, str], list[Any]] = defaultdict(list)
        self.literals_by_article: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
        # {kind: {fact id: fact}}, live facts only; the retired ones by id.
        self.facts_by_kind: dict[str, dict[str, FactInfo]] = defaultdict(dict)
        self.retired_facts: dict[str, FactInfo] = {f.id: f for f in bank.retired}
        self.fact_kind: dict[str, str] = {}
        self.readings: dict[str, frozenset[str]] = {}
        self.distinctive: dict[str, frozenset[str]] = {}
        self.folded: dict[str, str] = {}
        self.all_tags: dict[tuple[str, str, str, tuple[str, ...]], list[str]] = {}
        self.events: dict[str, str | None] = {}
        self.shown_kind: str | None = None
        self.padded: dict[str, tuple[str, ...]] = {}
        self.typed: dict[str, tuple[str, ...]] = {}
        self.shown: dict[str, dict[str, str | int | list[str]]] = {}
        self.values: dict[str, dict[str, dict[str, Value]]] = {}
        self.plans: dict[str, _TemplatePlan] = {}
        self.indexes: dict[tuple[str, str, tuple[str, ...]], _Answers] = {}
        # {(kind, a role's value folded): live facts holding it}: the facts a new or changed
        # one could repeat or contradict (quizapp.workspace.edits).
        self.by_value: dict[tuple[str, str], set[str]] = defaultdict(set)
        # Who filled each role of each kind, by type, and the same split by tags: the wrong
        # answers that fit the role best ("other winners", "other drummers").
        self.by_role: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        self.by_role_tag: dict[tuple[str, str, str, str], list[str]] = defaultdict(list)
        self.by_tag: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.members_of_article: dict[str, set[str]] = defaultdict(set)
        self.members_of_event: dict[str, set[str]] = defaultdict(set)
        # Which live facts name each entity, are in each article, are of each event: what a
        # change to a pool or a count reaches.
        self.facts_of_entity: dict[str, set[str]] = defaultdict(set)
        self.facts_of_article: dict[str, set[str]] = defaultdict(set)
        self.facts_of_event: dict[str, set[str]] = defaultdict(set)
        # How many facts put each member in each pool: a member leaves when its last one goes.
        self.refs: Counter[tuple[str, Any, Any]] = Counter()
        # How many entities' names hold each folded word (for what counts as distinctive).
        self.name_words: Counter[str] = Counter()

        entity: EntityInfo | None
        for entity in sorted(bank.entities.values(), key=lambda e: e.id):
            self.by_type[entity.type].append(entity.id)
            for tag in entity.tags:
                self.by_tag[(entity.type, tag)].append(entity.id)
            self.name_words.update({w for form in entity.forms for w in self.fold(form).split()})
        self._building = True
        self._before: dict[tuple[str, Any, Any], int] = {}
        for fact in bank.facts:
            self._count(fact, 1)
            self._live(fact, 1)
        for fact in bank.retired:
            self._count(fact, 1)
        self._building = False
        for pools in (self.by_article, self.by_event, self.by_role, self.by_role_tag):
            for pool in pools.values():
                pool.sort()
        for literal_pools in (self.literals, self.literals_by_article):
            for literal_pool in literal_pools.values():
                literal_pool.sort(key=_literal_order)

    def _pool(self, name: str) -> dict[Any, list[Any]]:
        pool: dict[Any, list[Any]] = getattr(self, name)
        return pool

    def _ref(self, name: str, key: Any, member: Any, sign: int) -> None:
        """Count one more (``sign`` 1) or one fewer (-1) fact putting ``member`` in a pool."""
        ref = (name, key, member)
        before = self.refs[ref]
        if not self._building:
            self._before.setdefault(ref, before)
        count = before + sign
        if count > 0:
            self.refs[ref] = count
            if count > 1 or sign < 0:
                return
        else:
            del self.refs[ref]
        if name.startswith("members_of_"):
            members: dict[Any, set[str]] = getattr(self, name)
            (members[key].add if sign > 0 else members[key].discard)(member)
            return
        pool = self._pool(name)[key]
        order = _literal_order if name.startswith("literals") else None
        if sign < 0:
            pool.remove(member)
        elif self._building:
            pool.append(member)  # sorted once, at the end
        else:
            bisect.insort(pool, member, key=order)

    def _live(self, fact: FactInfo, sign: int) -> None:
        """Add (``sign`` 1) or take away (-1) a live fact: the facts that make questions."""
        if sign > 0:
            self.facts_by_kind[fact.kind][fact.id] = fact
            self.fact_kind[fact.id] = fact.kind
        else:
            self.facts_by_kind[fact.kind].pop(fact.id, None)
            self.fact_kind.pop(fact.id, None)
        self.events.pop(fact.id, None)
        self.shown.pop(fact.id, None)
        event = self.event_of(fact)
        own = (self.facts_of_article[fact.article_id],) + (
            (self.facts_of_event[event],) if event else ()
        )
        for index in own:
            (index.add if sign > 0 else index.discard)(fact.id)
        for entity_id in set(self.entities_of(fact)):
            if entity_id in self.bank.entities:
                facts = self.facts_of_entity[entity_id]
                (facts.add if sign > 0 else facts.discard)(fact.id)
        for atom in value_atoms(fact.roles):
            holding = self.by_value[(fact.kind, atom)]
            (holding.add if sign > 0 else holding.discard)(fact.id)
        self.events.pop(fact.id, None)

    def _count(self, fact: FactInfo, sign: int) -> None:
        """Count a fact, live or retired, in (``sign`` 1) or out (-1) of the pools of wrong
        answers and the counts of mentions."""
        event = self._event_of(fact)
        specs = self.bank.kinds.get(fact.kind, {})
        for role, raw in fact.roles.items():
            spec = specs.get(role)
            if spec is None:
                continue
            if spec.literal:
                self._ref("literals", (fact.kind, role), raw, sign)
                self._ref("literals_by_article", (fact.article_id, fact.kind, role), raw, sign)
                continue
            for entity_id in raw if isinstance(raw, list) else (raw,):
                entity = self.bank.entities.get(entity_id)
                if entity is None:
                    continue
                self.mentions[entity_id] += sign
                self._ref("by_article", (fact.article_id, entity.type), entity_id, sign)
                self._ref("members_of_article", fact.article_id, entity_id, sign)
                if event:
                    self._ref("by_event", (event, entity.type), entity_id, sign)
                    self._ref("members_of_event", event, entity_id, sign)
                self._ref("by_role", (fact.kind, role, entity.type), entity_id, sign)
                for tag in entity.tags:
                    self._ref("by_role_tag", (fact.kind, role, entity.type, tag), entity_id, sign)

    def answers_for(self, kind: str, answer_role: str, key_roles: tuple[str, ...]) -> _Answers:
        """The kind's index of right answers for the role given those roles, kept."""
        found = self.indexes.get((kind, answer_role, key_roles))
        if found is None:
            found = self.indexes[(kind, answer_role, key_roles)] = _Answers(answer_role, key_roles)
            for fact_id, of_fact in self.values_of(kind).items():
                found.index(fact_id, of_fact, 1)
        return found

    def sharing_a_value(self, kind: str, roles: Mapping[str, Any]) -> set[str]:
        """The live facts of ``kind`` holding any of these role values (folded)."""
        found: set[str] = set()
        for atom in value_atoms(roles):
            found |= self.by_value.get((kind, atom), set())
        return found

    def plan(self, template: TemplateInfo) -> _TemplatePlan:
        """The template's plan, kept while the template stays as it is."""
        plan = self.plans.get(template.id)
        if plan is None or plan.template != template:
            plan = _TemplatePlan(template, self)
            # A preview's draft is planned afresh each time, never kept in a saved one's place.
            if template in self.bank.templates:
                self.plans[template.id] = plan
        return plan

    def plan_published(self) -> None:
        """Plan every published template now: its kind's index of right answers and each
        fact's values, which the first save reaching the kind would otherwise build (seconds
        at 100,000 facts); and work out the entities' short forms, which the first typed
        question (a preview of a typed draft, say) would otherwise wait for (1.5 s at 100k)."""
        for template in self.bank.templates:
            if template.status == "published":
                self.plan(template)
        _ = self.short_forms

    def templates_of(self, kinds: Iterable[str]) -> list[TemplateInfo]:
        wanted = set(kinds)
        return [t for t in self.bank.templates if t.kind in wanted and t.status == "published"]

    def set_template(self, template: TemplateInfo | None, template_id: str) -> None:
        """Put a new, changed or (None) removed template in the context."""
        kept = [t for t in self.bank.templates if t.id != template_id]
        if template is not None:
            kept.append(template)
        self.bank.templates = sorted(kept, key=lambda t: t.id)
        self.plans.pop(template_id, None)

    def apply_fact(
        self,
        old: FactInfo | None,
        new: FactInfo | None,
        *,
        was_live: bool,
        is_live: bool,
        later: set[tuple[str, str]] | None = None,
    ) -> set[tuple[str, str]]:
        """Replace fact ``old`` by ``new`` (None: there was none, or is none now) in every
        index, each live (making questions) or retired as the flags say; return the (template
        id, fact id) pairs whose question may now differ.

        A question reads its own fact and template, the facts that answer it too (same key),
        its answer's count of mentions (its difficulty), and the pools its wrong answers come
        from; the pairs are all of those that the change reaches. With ``later``, a pool of a
        kind's role (every question of that role, possibly the whole kind) is not expanded:
        its (kind, role) is added to ``later`` instead, for ``pool_pairs`` (only their wrong
        answers may differ; each stays right).
        """
        pairs: set[tuple[str, str]] = set()
        self._before = {}
        before = Counter(self.entities_of(old))
        if old is not None and not was_live:
            self.retired_facts.pop(old.id, None)
        if new is not None and not is_live:
            self.retired_facts[new.id] = new
        if old is not None:
            if was_live:
                pairs |= self._sharing_a_key(old)
                for found in self._indexes_of(old.kind):
                    found.index(old.id, self.values_of(old.kind).get(old.id, {}), -1)
                self.values.get(old.kind, {}).pop(old.id, None)
                self._live(old, -1)
            self._count(old, -1)
        if new is not None:
            self._count(new, 1)
            if is_live:
                self._live(new, 1)
                if new.kind in self.values:
                    self.values[new.kind][new.id] = self._values(new)
                for found in self._indexes_of(new.kind):
                    found.index(new.id, self.values_of(new.kind)[new.id], 1)
                pairs |= self._sharing_a_key(new)
        for fact in (old, new):
            if fact is not None:
                pairs |= {(t.id, fact.id) for t in self.templates_of([fact.kind])}
        after = Counter(self.entities_of(new))
        recounted = {e for e in before.keys() | after.keys() if before[e] != after[e]}
        # The pools whose members changed, once the fact's old values left and its new came.
        changed = {
            (name, key)
            for (name, key, _), count in self._before.items()
            if (count > 0) != (self.refs.get((name, key, _), 0) > 0)
        }
        self._before = {}
        if changed:
            self.all_tags.clear()
        facts: set[str] = set()
        for entity_id in recounted:
            facts |= self.facts_of_entity.get(entity_id, set())
        whole: set[tuple[str, str]] = set()  # (kind, answer role): every question of them
        for name, key in changed:
            if name in ("literals", "by_role", "by_role_tag"):
                whole.add((key[0], key[1]))
            elif name in ("by_article", "literals_by_article"):
                facts |= self.facts_of_article.get(key[0], set())
            elif name == "members_of_article":
                facts |= self.facts_of_article.get(key, set())
            elif name == "by_event":
                facts |= self.facts_of_event.get(key[0], set())
            else:  # members_of_event
                facts |= self.facts_of_event.get(key, set())
        for fact_id in facts:
            kind = self.fact_kind.get(fact_id)
            if kind is not None:
                pairs |= {(t.id, fact_id) for t in self.templates_of([kind])}
        if later is not None:
            later |= whole
        else:
            pairs |= self.pool_pairs(whole)
        return pairs

    def known_fact(self, fact_id: str) -> tuple[FactInfo, bool] | None:
        """The fact as this context holds it, and whether it is live; None if unknown."""
        kind = self.fact_kind.get(fact_id)
        if kind is not None:
            return self.facts_by_kind[kind][fact_id], True
        retired = self.retired_facts.get(fact_id)
        return (retired, False) if retired is not None else None

    def pool_pairs(self, pools: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        """The (template id, fact id) pairs of every question answering role ``role`` of kind
        ``kind``, for each (kind, role) of ``pools``: those drawing wrong answers from it."""
        pairs: set[tuple[str, str]] = set()
        for kind, role in pools:
            for template in self.templates_of([kind]):
                if template.answer_role == role:
                    pairs |= {(template.id, f) for f in self.facts_by_kind.get(kind, {})}
        return pairs

    def entities_of(self, fact: FactInfo | None) -> list[str]:
        if fact is None:
            return []
        specs = self.bank.kinds.get(fact.kind, {})
        found: list[str] = []
        for role, raw in fact.roles.items():
            spec = specs.get(role)
            if spec is not None and not spec.literal:
                found.extend(raw if isinstance(raw, list) else (raw,))
        return found

    def _indexes_of(self, kind: str) -> list[_Answers]:
        return [index for (of_kind, _, _), index in self.indexes.items() if of_kind == kind]

    def _sharing_a_key(self, fact: FactInfo) -> set[tuple[str, str]]:
        """The questions whose right answers ``fact`` adds to or takes from: those of the facts
        that agree with it on a template's key roles."""
        pairs: set[tuple[str, str]] = set()
        of_fact = self._values(fact)
        for template in self.templates_of([fact.kind]):
            plan = self.plan(template)
            if template.answer_role not in of_fact:
                continue
            present = tuple(r for r in plan.key_roles if r in of_fact)
            key = tuple(of_fact[r] for r in present)
            if len(present) == len(plan.key_roles):
                sharers: Iterable[str] = plan.key_facts.get(key, ())
            else:
                positions = [plan.key_roles.index(r) for r in present]
                sharers = [
                    f
                    for f, (_, full) in plan.facts.items()
                    if tuple(full[i] for i in positions) == key
                ]
            pairs |= {(template.id, f) for f in sharers}
        return pairs

    def event_of(self, fact: FactInfo) -> str | None:
        if fact.id in self.events:
            return self.events[fact.id]
        event = self.events[fact.id] = self._event_of(fact)
        return event

    def _event_of(self, fact: FactInfo) -> str | None:
        article = self.bank.articles.get(fact.article_id)
        if article and article.event_id:
            return article.event_id
        for role, spec in self.bank.kinds.get(fact.kind, {}).items():
            raw = fact.roles.get(role)
            if isinstance(raw, str) and "event" in spec.types:
                return raw
        return None

    @functools.cached_property
    def short_forms(self) -> dict[str, tuple[str, ...]]:
        """Each entity's short forms no other entity shares (quizapp.bank.names), computed
        once per run and only if a question needs them."""
        return names.short_forms(self.bank.entities.values())

    def values_of(self, kind: str) -> dict[str, dict[str, Value]]:
        """Each live fact of ``kind``'s role values, by fact id, kept for the kind's templates."""
        values = self.values.get(kind)
        if values is None:
            values = self.values[kind] = {
                fact.id: self._values(fact) for fact in self.facts_by_kind.get(kind, {}).values()
            }
        return values

    def _values(self, fact: FactInfo) -> dict[str, Value]:
        specs = self.bank.kinds.get(fact.kind, {})
        return {
            role: value
            for role in fact.roles
            if role in specs and (value := _value(fact, role, specs[role])) is not None
        }

    def shown_of(self, fact: FactInfo) -> dict[str, str | int | list[str]]:
        """How each role of ``fact`` reads in a question; kept for the kind's other templates
        (``values_of``'s kind only)."""
        shown = self.shown.get(fact.id)
        if shown is None:
            if self.shown_kind != fact.kind:
                self.shown, self.shown_kind = {}, fact.kind
            specs = self.bank.kinds[fact.kind]
            shown = self.shown[fact.id] = {
                role: self.display_raw(raw, specs[role])
                for role, raw in fact.roles.items()
                if role in specs
            }
        return shown

    def sharing_all(self, kind: str, role: str, entity_type: str, tags: list[str]) -> list[str]:
        """The role's fillers of the type that carry every one of ``tags``, remembered."""
        key = (kind, role, entity_type, tuple(tags))
        found = self.all_tags.get(key)
        if found is None:
            wanted = set(tags)
            pool = self.by_role_tag.get((kind, role, entity_type, tags[0]), [])
            found = [i for i in pool if wanted <= set(self.bank.entities[i].tags)]
            self.all_tags[key] = found
        return found

    def fold(self, text: str) -> str:
        """``fold(text)``, remembered: the same names and template texts come back often."""
        folded = self.folded.get(text)
        if folded is None:
            folded = self.folded[text] = _fold(text)
        return folded

    def distinctive_words(self, entity_id: str) -> frozenset[str]:
        """The words of an entity's names that point at it: "dave" and "grohl" for Dave Grohl,
        not "the", nor a word many names of the bank share."""
        found = self.distinctive.get(entity_id)
        if found is None:
            found = frozenset(
                word
                for reading in self.entity_readings(entity_id)
                for word in reading.split()
                if len(word) >= _SHORT_WORD
                and word not in _COMMON_WORDS
                and self.name_words[word] < _COMMON_IN_NAMES
            )
            self.distinctive[entity_id] = found
        return found

    def padded_readings(self, entity_id: str) -> tuple[str, ...]:
        """The entity's readings as " reading ", to find as whole words in a folded prompt."""
        padded = self.padded.get(entity_id)
        if padded is None:
            padded = self.padded[entity_id] = tuple(
                f" {r} " for r in self.entity_readings(entity_id)
            )
        return padded

    def entity_readings(self, entity_id: str) -> frozenset[str]:
        """Every way the entity's name reads once case, accents and punctuation are ignored."""
        readings = self.readings.get(entity_id)
        if readings is None:
            entity = self.bank.entities[entity_id]
            readings = frozenset(filter(None, (self.fold(form) for form in entity.forms)))
            self.readings[entity_id] = readings
        return readings

    def display_raw(self, raw: Any, spec: RoleInfo) -> str | int | list[str]:
        """How a role's value as the fact states it reads in a question."""
        if spec.literal:
            literal: str | int = raw
            return _shown(literal)
        if isinstance(raw, list):
            return [self.bank.entities[i].name for i in raw]
        return self.bank.entities[raw].name

    def display(self, value: Value) -> str | int | list[str]:
        if value.literal is not None:
            return _shown(value.literal)
        names = [self.bank.entities[i].name for i in value.order]
        return names[0] if len(names) == 1 else names

    def parts(self, value: Value) -> list[str]:
        if value.literal is not None:
            return [str(_shown(value.literal))]
        return [self.bank.entities[i].name for i in value.order]


_ASCII_WORD = re.compile(r"[a-z0-9]+")


def _fold(text: str) -> str:
    """``core.text.fold``, with a fast way for plain ASCII text (most names and quotes)."""
    if text.isascii():
        # What fold does to ASCII: apostrophes vanish, "&" is "and", other non-alphanumerics
        # split words.
        plain = text.lower().replace("'", "").replace("`", "").replace("&", " and ")
        return " ".join(_ASCII_WORD.findall(plain))
    return fold(text)


def _shown(value: str | int) -> str | int:
    """A value as players see it: editorial brackets ("[as Jo Calderone]") left out."""
    if isinstance(value, str) and "[" in value:
        return " ".join(_BRACKETS.sub("", value).split())
    return value


# --- The generator ------------------------------------------------------------------------------


class _Answers:
    """What answers a question of a kind's role given some of its other roles: for each key
    (the values of those roles), the right answers and how many live facts give each."""

    def __init__(self, answer_role: str, key_roles: tuple[str, ...]):
        self.answer_role = answer_role
        self.key_roles = key_roles
        # {key: {answer: how many facts give it}}: what answers a question with that key.
        self.answers: dict[_Key, dict[Value, int]] = {}
        # Facts that leave out some of the stated roles might answer it too: keep them apart,
        # keyed by which roles they do state.
        self.partial: dict[tuple[str, ...], dict[_Key, dict[Value, int]]] = defaultdict(dict)
        # Each fact's answer and key, kept for when its own question is made, and the facts
        # of each key.
        self.facts: dict[str, tuple[Value, _Key]] = {}
        self.key_facts: dict[_Key, set[str]] = defaultdict(set)

    def index(self, fact_id: str, of_fact: Mapping[str, Value], sign: int) -> None:
        """Count a fact's answer in (``sign`` 1) or out (-1) of the plan's indexes."""
        answer = of_fact.get(self.answer_role)
        if answer is None:
            return
        present = tuple(r for r in self.key_roles if r in of_fact)
        key = tuple(of_fact[r] for r in present)
        if len(present) == len(self.key_roles):
            counts = self.answers
            if sign > 0:
                self.facts[fact_id] = (answer, key)
                self.key_facts[key].add(fact_id)
            else:
                self.facts.pop(fact_id, None)
                self.key_facts[key].discard(fact_id)
                if not self.key_facts[key]:
                    del self.key_facts[key]
        else:
            counts = self.partial[present]
        given = counts.setdefault(key, {})
        left = given.get(answer, 0) + sign
        if left > 0:
            given[answer] = left
        else:
            given.pop(answer, None)
            if not given:
                del counts[key]


class _TemplatePlan:
    """A parsed template with the index that answers "what else would be correct?"."""

    def __init__(self, template: TemplateInfo, ctx: BankContext):
        self.template = template
        self.specs = ctx.bank.kinds[template.kind]
        self.prompt = slots.parse_template(template.prompt)
        self.explanation = (
            slots.parse_template(template.explanation) if template.explanation else None
        )
        self.prompt_steps = _steps(self.prompt)
        self.explanation_steps = _steps(self.explanation) if self.explanation else None
        self.answer_role = template.answer_role
        self.answer_spec = self.specs[self.answer_role]
        # The roles the question states; a fact agreeing on all of them answers it too.
        self.key_roles = tuple(sorted(self.prompt.roles - {self.answer_role}))
        self.needed = (
            self.prompt.roles
            | {self.answer_role}
            | (self.explanation.roles if self.explanation else set())
        )
        # Shared by every template (and draft) of the kind asking the same role given the
        # same roles: typing a prompt's words changes no index.
        found = ctx.answers_for(template.kind, self.answer_role, self.key_roles)
        self.answers = found.answers
        self.partial = found.partial
        self.facts = found.facts
        self.key_facts = found.key_facts

        self.stated = self.prompt.roles - {self.answer_role}
        # A false statement is provable only by swapping a role that is unique once roles the
        # prompt states are fixed (the winner of one award at one event).
        given = ctx.bank.unique_given.get(template.kind, {}).get(self.answer_role)
        self.provable = given is not None and set(given) <= self.stated
        self.requires = {role: frozenset(wanted) for role, wanted in template.requires.items()}
        self.answer_requires = self.requires.get(self.answer_role)
        asked = self.prompt.roles | {self.answer_role}
        self.quote_roles = tuple(
            sorted(r for r in asked if "quote" in r and self.specs[r].literal == "text")
        )
        self.speaker_role = _speaker_role(self.specs) if self.quote_roles else None
        # The prompt for give-away checks: folded literal text, or a role's slot (None for
        # the answer's, a gap no match crosses).
        self.folded_parts: tuple[tuple[str, str | None], ...] = tuple(
            (ctx.fold(part), "")
            if isinstance(part, str)
            else ("|", None)
            if part.role == self.answer_role
            else ("", part.role)
            for part in self.prompt.parts
        )

    def fits(self, fact: FactInfo) -> bool:
        return all(role in fact.roles for role in self.needed)

    def possibly_correct(self, key: _Key) -> set[Value]:
        found: set[Value] = set()
        for present, index in self.partial.items():
            projected = tuple(v for r, v in zip(self.key_roles, key, strict=True) if r in present)
            found.update(index.get(projected, ()))
        return found


def _turn(qid: str) -> int:
    """A number fixed by the question alone: where its right choice goes (A-D, each about a
    quarter of the time) and whether a statement is meant false (about half). The question's
    own id, not its place among the template's others, so a change elsewhere never moves it;
    not the seed either, so that a statement's truth is no coin flip per run."""
    return int(hashlib.sha1(f"{qid}:turn".encode()).hexdigest()[:8], 16)


def value_atoms(roles: Mapping[str, Any]) -> set[str]:
    """A fact's role values as compared for duplicates and contradictions: folded, one per
    item of a list."""
    found: set[str] = set()
    for value in roles.values():
        found.update(_fold(str(v)) for v in (value if isinstance(value, list) else [value]))
    return found


def _literal_order(value: Any) -> tuple[bool, Any]:
    """Literal pools sort numbers before texts, each in their own order."""
    return (isinstance(value, str), value)


def _speaker_role(specs: Mapping[str, RoleInfo]) -> str | None:
    """Who says a quote: the role named speaker, else the kind's first person or group role."""
    if "speaker" in specs:
        return "speaker"
    for role, spec in specs.items():
        if not spec.literal and {"person", "group"} & set(spec.types):
            return role
    return None


def generate(
    bank: BankSnapshot,
    seed: int,
    report: GenerationReport | None = None,
    on_progress: Callable[[int], None] | None = None,
    *,
    context: BankContext | None = None,
    templates: Iterable[TemplateInfo] | None = None,
) -> Iterator[QuestionDraft]:
    """Yield a question for every published template and every fact that fits it.

    Pairs that cannot make a good question are left out and recorded in ``report`` with the
    reason: an answer that is not unique, too few wrong answers, a prompt too long.
    """
    report = report if report is not None else GenerationReport()
    ctx = context if context is not None else BankContext(bank)
    for template in sorted(templates if templates is not None else bank.templates, key=_by_id):
        if template.status != "published":
            continue
        facts = ctx.facts_by_kind.get(template.kind, {})
        plan = _plan_or_skip(template, ctx, report)
        if plan is None:
            if on_progress:
                on_progress(len(facts))
            continue
        for fact in facts.values():
            if plan.fits(fact):
                outcome = _make_question(plan, fact, ctx, seed)
                if isinstance(outcome, Skipped):
                    report.skipped.append(outcome)
                else:
                    report.made[outcome.style] += 1
                    yield outcome
            if on_progress:
                on_progress(1)


def _by_id(template: TemplateInfo) -> str:
    return template.id


def _plan_or_skip(
    template: TemplateInfo, ctx: BankContext, report: GenerationReport
) -> _TemplatePlan | None:
    """The template's plan, or None once the report says why it makes no questions."""
    try:
        if template.kind not in ctx.bank.kinds:
            raise ValueError(f"unknown kind {template.kind!r}")
        if template.answer_role not in ctx.bank.kinds[template.kind]:
            raise ValueError(f"kind has no role {template.answer_role!r}")
        return ctx.plan(template)
    except (slots.TemplateSyntaxError, ValueError) as exc:
        report.skipped.append(Skipped(template.id, None, f"template is invalid: {exc}"))
        return None


def generate_pairs(
    ctx: BankContext,
    seed: int,
    pairs: Iterable[tuple[str, str]],
    report: GenerationReport,
    templates: Iterable[TemplateInfo] | None = None,
) -> Iterator[QuestionDraft]:
    """The questions of just these (template id, fact id) pairs, as ``generate`` makes them
    from the same bank: a pair whose template is not published, or whose fact is gone or does
    not fit, makes none. ``templates``: those to use instead of the bank's (a draft's)."""
    by_id = {
        t.id: t
        for t in (templates if templates is not None else ctx.bank.templates)
        if t.status == "published"
    }
    plans: dict[str, _TemplatePlan | None] = {}
    for template_id, fact_id in sorted(pairs):
        template = by_id.get(template_id)
        kind = ctx.fact_kind.get(fact_id)
        if template is None or kind != template.kind:
            continue
        if template_id not in plans:
            plans[template_id] = _plan_or_skip(template, ctx, report)
        plan = plans[template_id]
        fact = ctx.facts_by_kind[kind][fact_id]
        if plan is None or not plan.fits(fact):
            continue
        outcome = _make_question(plan, fact, ctx, seed)
        if isinstance(outcome, Skipped):
            report.skipped.append(outcome)
        else:
            report.made[outcome.style] += 1
            yield outcome


def count_pairs(bank: BankSnapshot) -> int:
    """How many (template, fact) pairs a run looks at, for a progress bar."""
    per_kind = Counter(f.kind for f in bank.facts)
    return sum(per_kind[t.kind] for t in bank.templates if t.status == "published")


def _make_question(
    plan: _TemplatePlan, fact: FactInfo, ctx: BankContext, seed: int
) -> QuestionDraft | Skipped:
    template = plan.template
    refusal = _refusal(plan, fact, ctx)
    if refusal:
        return Skipped(template.id, fact.id, refusal)
    qid = question_id(template.id, fact.id)
    answer, key = plan.facts[fact.id]  # fits() made sure the fact states every key role
    correct = set(plan.answers.get(key) or (answer,))
    multi_part = len(answer.entities) > 1 or plan.answer_spec.many

    if len(correct) > 1 and multi_part:
        others = [ctx.display(v) for v in correct if v != answer]
        return Skipped(
            template.id, fact.id, f"answer is not unique: {_names(others)} also fit the question"
        )

    shown = ctx.shown_of(fact)
    values = {role: shown[role] for role in plan.needed}
    # The prompt as compared for give-aways, without the answer's own slot (a true/false
    # statement names a value there by design).
    said = _folded_prompt(plan, values, ctx)
    give_away = _give_away(answer, said, ctx)
    if give_away:
        return Skipped(template.id, fact.id, give_away)
    parts = ctx.parts(answer)
    solution = slots.join_names(parts)
    accepted = _accepted_forms(answer, correct, ctx)
    wrong: list[tuple[Value, bool]] = []
    if template.style == "multiple_choice":
        excluded = _excluded(plan, key, correct)
        # Drawn only where something is random: a typed or true statement needs none.
        rng = random.Random(f"{seed}:{qid}")
        wrong = _pick_wrong(plan, fact, answer, excluded, ctx, rng, CHOICES - 1, said)
        if len(wrong) < CHOICES - 1:
            return Skipped(
                template.id,
                fact.id,
                f"only {len(wrong)} wrong answer(s) of {_pool_name(plan, answer, ctx)} "
                f"exist; multiple choice needs {CHOICES - 1}",
            )
        right = _choice_text(answer, ctx)
        choices = [_choice_text(v, ctx) for v, _ in wrong]
        rng.shuffle(choices)
        choices.insert(_turn(qid) % CHOICES, right)
        answer_parts, accepted = parts, [[right]]
    elif template.style == "true_false":
        choices = list(TRUE_FALSE_CHOICES)
        # Half the statements are meant false, by the question's own id; only a provably
        # false one is made false, else it stays true.
        want_false = _turn(qid) // CHOICES % 2 == 1
        truth = True
        if want_false and plan.provable and plan.answer_role not in fact.open_roles:
            excluded = _excluded(plan, key, correct)
            rng = random.Random(f"{seed}:{qid}")
            wrong = _pick_wrong(plan, fact, answer, excluded, ctx, rng, 1, said)
            truth = not wrong  # with no checked wrong answer to swap in, the statement stays true
        if not truth:
            values[plan.answer_role] = ctx.display(wrong[0][0])
        answer_parts = ["true" if truth else "false"]
        accepted = [answer_parts[:]]
    else:
        choices = []
        answer_parts = parts

    try:
        prompt = _render(plan.prompt, plan.prompt_steps, values)
        true_values = dict(values, **{plan.answer_role: ctx.display(answer)})
        explanation = (
            _render(plan.explanation, plan.explanation_steps, true_values)
            if plan.explanation
            else None
        )
    except (slots.RenderError, KeyError) as exc:
        return Skipped(template.id, fact.id, f"cannot fill the template: {exc}")

    return QuestionDraft(
        id=qid,
        template_id=template.id,
        fact_id=fact.id,
        article_id=fact.article_id,
        style=template.style,
        prompt=prompt,
        choices=choices,
        answer=answer_parts,
        accepted=accepted,
        solution=solution,
        explanation=explanation,
        difficulty=estimate_difficulty(
            template.style,
            answer_mentions=_mentions(answer, ctx),
            parts=len(parts),
            wrong_from_context=[near for _, near in wrong],
        ),
        evidence=fact.evidence,
    )


# A parsed template as the generator fills it: literal text, or a role and its filters.
_Step = tuple[str | None, str, tuple[Callable[[str], str], ...]]


def _steps(parsed: slots.ParsedTemplate) -> tuple[_Step, ...] | None:
    """``parsed`` with each slot's filters looked up once per template rather than once per
    question; None if a filter is unknown (``slots.render`` then says so)."""
    steps: list[_Step] = []
    for part in parsed.parts:
        if isinstance(part, str):
            steps.append((part, "", ()))
            continue
        functions = [slots.FILTERS.get(name) for name in part.filters]
        if None in functions:
            return None
        steps.append((None, part.role, tuple(f for f in functions if f is not None)))
    return tuple(steps)


def _render(
    parsed: slots.ParsedTemplate,
    steps: tuple[_Step, ...] | None,
    values: Mapping[str, str | int | list[str]],
) -> str:
    """``slots.render`` for the values the generator makes (texts, numbers, lists of names),
    without its checks; anything else, and every error, is left to it."""
    if steps is None:
        return slots.render(parsed, values)
    pieces: list[str] = []
    for text, role, functions in steps:
        if text is not None:
            pieces.append(text)
            continue
        value = values.get(role)
        if isinstance(value, str):
            filled = value
        elif isinstance(value, list) and value:
            filled = slots.join_names(value)
        elif type(value) is int:
            filled = str(value)
        else:
            return slots.render(parsed, values)
        for function in functions:
            filled = function(filled)
        pieces.append(filled)
    result = "".join(pieces)
    if len(result) > slots.MAX_OUTPUT_LENGTH:
        return slots.render(parsed, values)  # raises, saying by how much
    return result


def _excluded(plan: _TemplatePlan, key: _Key, correct: set[Value]) -> set[Value]:
    """What no wrong answer may be: a right one, one that may be right, or one the question
    already names ("Who caught Tyler?" never offers Tyler)."""
    stated = {Value(frozenset([i]), order=(i,)) for v in key if v for i in v.entities}
    return correct | plan.possibly_correct(key) | stated


def _refusal(plan: _TemplatePlan, fact: FactInfo, ctx: BankContext) -> str | None:
    """Why this fact must not make this template's question at all, if it must not."""
    if plan.answer_role in fact.open_roles:
        return (
            f"the article leaves the list open: {plan.answer_role} names only some of them, "
            "so it cannot be asked as a closed set"
        )
    for role, wanted in plan.requires.items():
        raw = fact.roles.get(role)
        spec = plan.specs.get(role)
        if raw is None or spec is None:
            continue
        if spec.literal:
            if spec.literal not in wanted:
                return f"the template requires {role} to be {_either(wanted)}, not {spec.literal}"
            continue
        for entity_id in raw if isinstance(raw, list) else (raw,):
            entity = ctx.bank.entities[entity_id]
            if not _has_type_or_tag(entity, wanted):
                tagged = f" tagged {', '.join(entity.tags)}" if entity.tags else " with no tags"
                return (
                    f"the template requires {role} to be {_either(wanted)}: "
                    f"{entity.name} is a {entity.type}{tagged}"
                )
    for role in plan.quote_roles:
        text = fact.roles.get(role)
        if isinstance(text, str) and (
            len(ctx.fold(text).split()) < _QUOTE_MIN_WORDS or not any(c.isalpha() for c in text)
        ):
            return (
                f"the quote {text!r} says too little to ask about (fewer than "
                f"{_QUOTE_MIN_WORDS} words)"
            )
    if plan.quote_roles:
        speaker = plan.speaker_role
        if speaker is None:
            return f"a quote needs its speaker named: kind {plan.template.kind} has no speaker role"
        if speaker not in plan.prompt.roles and speaker != plan.answer_role:
            return f"a quote needs its speaker named: the prompt does not state {{{speaker}}}"
    return None


def _either(wanted: Iterable[str]) -> str:
    return " or ".join(sorted(wanted))


def _has_type_or_tag(entity: EntityInfo, wanted: frozenset[str]) -> bool:
    return entity.type in wanted or not wanted.isdisjoint(entity.tags)


def _folded_prompt(plan: _TemplatePlan, values: Mapping[str, Any], ctx: BankContext) -> str:
    """The prompt's words folded, one space apart and padded with spaces so that " word "
    finds a whole word; the answer's slot is a gap no match crosses."""
    pieces: list[str] = [""]
    for text, role in plan.folded_parts:
        if not role:
            pieces.append(text)
            continue
        value = values[role]
        if isinstance(value, list):
            pieces.extend(ctx.fold(v) for v in value)
        else:
            pieces.append(ctx.fold(str(value)))
    pieces.append("")
    return " ".join(pieces)


def _give_away(answer: Value, said: str, ctx: BankContext) -> str | None:
    """Why the prompt (``_folded_prompt``) gives the answer away, if it does."""
    if answer.literal is not None:
        reading = ctx.fold(str(_shown(answer.literal)))
        if reading and f" {reading} " in said:
            return f"the prompt gives the answer away: it contains {answer.literal!r}"
        return None
    for entity_id in answer.order:
        name = ctx.bank.entities[entity_id].name
        words = ctx.distinctive_words(entity_id)
        for reading in ctx.entity_readings(entity_id):
            # A one-word alias many names share ("West") names no one in particular.
            if (" " in reading or reading in words) and f" {reading} " in said:
                return f"the prompt gives the answer away: it names {name}"
        for word in sorted(words):
            if f" {word} " in said:
                return f"the prompt gives the answer away: {word!r} in it points at {name}"
    return None


def _names(displays: Sequence[Any]) -> str:
    flat = [slots.join_names(d) if isinstance(d, list) else str(d) for d in displays]
    return slots.join_names(sorted(flat))


def _choice_text(value: Value, ctx: BankContext) -> str:
    if value.literal is not None:
        return str(_shown(value.literal))
    # Parts in a fixed order, so the right choice is not the only one in the fact's order.
    return slots.join_names(sorted(ctx.bank.entities[i].name for i in value.entities))


def _accepted_forms(answer: Value, correct: set[Value], ctx: BankContext) -> list[list[str]]:
    if answer.literal is not None:
        forms = [str(answer.literal)] + sorted(
            str(v.literal) for v in correct if v != answer and v.literal is not None
        )
        return [forms]
    if len(answer.entities) > 1:
        return [_typed_forms(i, ctx) for i in answer.order]
    # One-part answer that several facts support: every supported entity is accepted.
    forms = _typed_forms(answer.order[0], ctx)
    for other in sorted(correct - {answer}, key=lambda v: sorted(v.entities)):
        for entity_id in sorted(other.entities):
            forms.extend(f for f in _typed_forms(entity_id, ctx) if f not in forms)
    return [forms]


def _typed_forms(entity_id: str, ctx: BankContext) -> list[str]:
    """The entity's name, its aliases, then the short forms no other entity shares ("May" for
    Brian May): what a typed answer may be. A new list each time, from one kept per entity."""
    forms = ctx.typed.get(entity_id)
    if forms is None:
        found = list(ctx.bank.entities[entity_id].forms)
        found.extend(f for f in ctx.short_forms.get(entity_id, ()) if f not in found)
        forms = ctx.typed[entity_id] = tuple(found)
    return list(forms)


def _mentions(answer: Value, ctx: BankContext) -> int:
    if answer.literal is not None:
        return 0
    return min(ctx.mentions[i] for i in answer.entities)


def _pool_name(plan: _TemplatePlan, answer: Value, ctx: BankContext) -> str:
    if answer.literal is not None:
        return f"{plan.answer_role} values"
    types = sorted({ctx.bank.entities[i].type for i in answer.entities})
    return "type " + "/".join(types)


# --- Wrong answers ------------------------------------------------------------------------------


def _pick_wrong(
    plan: _TemplatePlan,
    fact: FactInfo,
    answer: Value,
    excluded: set[Value],
    ctx: BankContext,
    rng: random.Random,
    needed: int,
    said: str,
) -> list[tuple[Value, bool]]:
    """Pick ``needed`` wrong answers: (value, whether it came from the same article or event).

    Never a value the fact base says is, or may be, correct; never one that reads like the
    answer or like another wrong answer, nor one the prompt (``said``, folded) names; ranked
    by how well they fit the role (``_candidates``).
    """
    if answer.literal is not None:
        return _pick_wrong_literals(plan, fact, answer, excluded, ctx, rng, needed, said)
    if len(answer.entities) > 1:
        return _pick_wrong_groups(plan, fact, answer, excluded, ctx, rng, needed, said)

    (answer_id,) = answer.entities
    taken_readings: set[str] = set()
    for value in excluded:
        for entity_id in value.entities:
            taken_readings |= ctx.entity_readings(entity_id)
    excluded_ids = {i for v in excluded for i in v.entities}
    picked: list[tuple[Value, bool]] = []
    for candidate in _candidates(plan, fact, [answer_id], excluded_ids, ctx, rng, said):
        readings = ctx.entity_readings(candidate)
        if readings & taken_readings:
            continue
        taken_readings |= readings
        picked.append(
            (
                Value(entities=frozenset([candidate]), order=(candidate,)),
                _near(fact, candidate, ctx),
            )
        )
        if len(picked) == needed:
            break
    return picked


def _near(fact: FactInfo, entity_id: str, ctx: BankContext) -> bool:
    if entity_id in ctx.members_of_article.get(fact.article_id, ()):
        return True
    event = ctx.event_of(fact)
    return event is not None and entity_id in ctx.members_of_event.get(event, ())


def _candidates(
    plan: _TemplatePlan,
    fact: FactInfo,
    reference: Sequence[str],
    excluded_ids: set[str],
    ctx: BankContext,
    rng: random.Random,
    said: str,
) -> Iterator[str]:
    """Wrong answers for the role ``reference`` (the right entities) fills, best first.

    Ranked: entities that filled the same role of the same kind elsewhere, then those sharing
    the answer's tags, then the fact's article, its event, the bank. Never offered: one the
    template's ``requires`` refuses for the role, one that shares none of the answer's tags
    when it has some (the odd one out), one the prompt names. Each is yielded once and added
    to ``excluded_ids``.
    """
    entity_type = ctx.bank.entities[reference[0]].type
    kind, role = plan.template.kind, plan.answer_role
    tags = sorted({t for i in reference for t in ctx.bank.entities[i].tags})
    required = plan.answer_requires
    pools: list[Sequence[str]]
    if tags:
        # Every choice shares a tag with the answer: the pools by tag hold all of them.
        pools = [ctx.by_role_tag.get((kind, role, entity_type, t), ()) for t in tags]
        if len(tags) > 1:
            pools.insert(0, ctx.sharing_all(kind, role, entity_type, tags))
        pools += [ctx.by_tag.get((entity_type, t), ()) for t in tags]
    else:
        pools = [ctx.by_role.get((kind, role, entity_type), ())]
        pools += [pool for _, pool in _entity_tiers(fact, entity_type, ctx)]
    for pool in pools:
        for candidate in _draw(pool, rng):
            if candidate in excluded_ids:
                continue
            excluded_ids.add(candidate)
            if required and not _has_type_or_tag(ctx.bank.entities[candidate], required):
                continue
            # Every pool holds only entities sharing a tag with the answer, when it has tags.
            if any(r in said for r in ctx.padded_readings(candidate)):
                continue
            yield candidate


def _entity_tiers(
    fact: FactInfo, entity_type: str, ctx: BankContext
) -> list[tuple[bool, Sequence[str]]]:
    event = ctx.event_of(fact)
    tiers: list[tuple[bool, Sequence[str]]] = [
        (True, ctx.by_article.get((fact.article_id, entity_type), []))
    ]
    if event:
        tiers.append((True, ctx.by_event.get((event, entity_type), [])))
    tiers.append((False, ctx.by_type.get(entity_type, [])))
    return tiers


def _draw(pool: Sequence[Any], rng: random.Random) -> Iterator[Any]:
    """Yield the pool's items in a seeded random order, cheaply even for a huge pool."""
    if len(pool) <= _SHUFFLE_LIMIT:
        order = list(pool)
        rng.shuffle(order)
        yield from order
        return
    # A big pool (a type across the bank): a few random draws nearly always suffice, so avoid
    # shuffling thousands of ids per question; fall back to a full pass if they do not.
    seen: set[int] = set()
    for _ in range(24):
        index = rng.randrange(len(pool))
        if index not in seen:
            seen.add(index)
            yield pool[index]
    rest = [i for i in range(len(pool)) if i not in seen]
    rng.shuffle(rest)
    for index in rest:
        yield pool[index]


def _pick_wrong_groups(
    plan: _TemplatePlan,
    fact: FactInfo,
    answer: Value,
    excluded: set[Value],
    ctx: BankContext,
    rng: random.Random,
    needed: int,
    said: str,
) -> list[tuple[Value, bool]]:
    """Wrong answers for a k-part answer, balanced so that elimination gives nothing away.

    With k wrong names (ranked as for one-part answers): one choice holds all of them, and two
    mix half of the right names with the other half of the wrong ones. Every name then stands
    in exactly two of the four choices and none is in every wrong one.
    """
    members = sorted(answer.entities)
    rng.shuffle(members)
    answer_readings = set().union(*(ctx.entity_readings(i) for i in members))
    excluded_ids = {i for v in excluded for i in v.entities}
    names: list[str] = []
    taken = set(answer_readings)
    reference = sorted(members)  # the first part's type, whatever order the draw gave them
    for candidate in _candidates(plan, fact, reference, excluded_ids, ctx, rng, said):
        readings = ctx.entity_readings(candidate)
        if readings & taken:
            continue
        taken |= readings
        names.append(candidate)
        if len(names) == len(members):
            break
    if len(names) < len(members):
        return []
    half = len(members) // 2
    groups = [
        frozenset(names),
        frozenset(members[:half] + names[half:]),
        frozenset(members[half:] + names[:half]),
    ]
    rng.shuffle(groups)
    seen = {answer.entities} | {v.entities for v in excluded}
    picked: list[tuple[Value, bool]] = []
    for group in groups[:needed]:
        if group in seen:
            continue  # another fact's right answer: the caller sees too few and says so
        near = all(_near(fact, i, ctx) for i in group)
        picked.append((Value(entities=group, order=tuple(sorted(group))), near))
    return picked


def _pick_wrong_literals(
    plan: _TemplatePlan,
    fact: FactInfo,
    answer: Value,
    excluded: set[Value],
    ctx: BankContext,
    rng: random.Random,
    needed: int,
    said: str,
) -> list[tuple[Value, bool]]:
    kind, role = plan.template.kind, plan.answer_role
    taken = {v.literal for v in excluded}
    taken_readings = {fold(str(v)) for v in taken}
    tiers: list[tuple[bool, Sequence[Any]]] = []
    if isinstance(answer.literal, int):
        # Numbers next to the right one are the plausible wrong answers ("27th", "29th").
        n = answer.literal
        tiers.append((True, [m for m in (n - 1, n + 1, n - 2, n + 2, n - 3, n + 3) if m > 0]))
    tiers.append((True, ctx.literals_by_article.get((fact.article_id, kind, role), [])))
    tiers.append((False, ctx.literals.get((kind, role), [])))
    picked: list[tuple[Value, bool]] = []
    for near, pool in tiers:
        for candidate in _draw(pool, rng):
            if len(picked) == needed:
                return picked
            reading = ctx.fold(str(_shown(candidate)))
            if candidate in taken or reading in taken_readings or f" {reading} " in said:
                continue
            taken.add(candidate)
            taken_readings.add(reading)
            picked.append((Value(literal=candidate), near))
    return picked


# --- Difficulty ---------------------------------------------------------------------------------

BASE_DIFFICULTY = {"true_false": 0.25, "multiple_choice": 0.40, "typed": 0.60}


def estimate_difficulty(
    style: str, *, answer_mentions: int, parts: int, wrong_from_context: Sequence[bool]
) -> float:
    """Estimate how hard a question is, from 0 (trivial) to 1 (very hard).

    - the style sets the base: true/false 0.25, multiple choice 0.40, typed 0.60;
    - an obscure answer is harder: up to +0.20 for an entity the bank mentions once, less the
      more facts name it (a literal answer counts as mentioned once);
    - wrong answers from the same article or event are closer, so harder: up to +0.20 when
      all of them are;
    - each extra part of a several-part answer adds 0.10.
    The result is clamped to 0.05..0.95 and rounded to two places. Play data will calibrate it.
    """
    near = sum(wrong_from_context)
    return _difficulty(style, answer_mentions, parts, near, len(wrong_from_context))


@functools.lru_cache(maxsize=1024)
def _difficulty(style: str, answer_mentions: int, parts: int, near: int, wrong: int) -> float:
    # Few distinct inputs recur across a bank: computed once each.
    difficulty = BASE_DIFFICULTY[style]
    mentions = max(answer_mentions, 1)
    difficulty += 0.20 * (1 - min(math.log2(mentions) / 3, 1))
    if wrong:
        difficulty += 0.20 * near / wrong
    difficulty += 0.10 * (parts - 1)
    return round(min(max(difficulty, 0.05), 0.95), 2)


def difficulty_label(difficulty: float) -> str:
    """easy, medium or hard, for people."""
    return "easy" if difficulty < 0.4 else "medium" if difficulty < 0.65 else "hard"


# --- The database side --------------------------------------------------------------------------


_FACT_COLUMNS = ("id", "kind", "article_id", "roles", "evidence", "open_roles")


def snapshot(session: Session) -> BankSnapshot:
    """Read the loaded bank from the database into plain data."""
    kinds = {
        k.name: {
            role: RoleInfo(tuple(s["types"]), s.get("many", False), s.get("optional", False))
            for role, s in k.roles.items()
        }
        for k in session.scalars(select(FactKind))
    }
    unique_given = {
        k.name: {role: tuple(given) for role, given in k.unique_given.items()}
        for k in session.scalars(select(FactKind))
    }
    # Columns rather than ORM objects: a big bank has 100,000s of rows to read. A plain
    # connection does not flush the session's pending edits as its queries do: flush first.
    session.flush()
    fact_table = table_of(Fact)
    entities = {
        entity_id: EntityInfo(entity_id, name, entity_type, tuple(aliases), tuple(tags))
        for entity_id, name, entity_type, aliases, tags in session.connection().execute(
            sa_select(*(table_of(Entity).c[c] for c in ("id", "name", "type", "aliases", "tags")))
        )
    }
    articles = {
        article_id: ArticleInfo(article_id, title, event_id)
        for article_id, title, event_id in session.exec(
            select(Article.id, Article.title, Article.event_id)
        )
    }
    facts: list[FactInfo] = []
    retired: list[FactInfo] = []
    rows = session.connection().execute(
        sa_select(*(fact_table.c[c] for c in (*_FACT_COLUMNS, "retired"))).order_by(fact_table.c.id)
    )
    for fact_id, kind, article_id, roles, evidence, open_roles, gone in rows:
        info = FactInfo(fact_id, kind, article_id, roles, evidence, tuple(open_roles))
        (retired if gone else facts).append(info)
    templates = [template_info(t) for t in session.scalars(select(Template).order_by(Template.id))]
    return BankSnapshot(kinds, entities, articles, facts, templates, unique_given, retired)


def template_info(template: Template) -> TemplateInfo:
    """A template row as the generator needs it."""
    return TemplateInfo(
        template.id,
        template.kind,
        template.style,
        template.prompt,
        template.answer_role,
        template.explanation,
        template.status,
        {role: tuple(wanted) for role, wanted in template.requires.items()},
    )


def fact_info(fact: Fact) -> FactInfo:
    """A fact row as the generator needs it (live or retired: ``fact.retired`` says)."""
    roles = dict(fact.roles)
    return FactInfo(
        fact.id, fact.kind, fact.article_id, roles, fact.evidence, tuple(fact.open_roles)
    )


def snapshot_of_bank(bank: Bank) -> BankSnapshot:
    """The snapshot of a validated bank as read from files, with no database involved."""
    kinds = {
        name: {
            role: RoleInfo(spec.types, spec.many, spec.optional)
            for role, spec in kind.roles.items()
        }
        for name, kind in bank.kinds.items()
    }
    unique_given = {
        name: {role: tuple(given) for role, given in kind.unique_given.items()}
        for name, kind in bank.kinds.items()
    }
    entities = {
        e.id: EntityInfo(e.id, e.name, e.type, tuple(e.aliases), tuple(e.tags))
        for e in bank.entities.values()
    }
    articles = {
        a.header.id: ArticleInfo(a.header.id, a.header.title, a.header.event)
        for a in bank.articles.values()
    }
    every = [
        (f.retired, FactInfo(f.id, f.kind, f.article, dict(f.roles), f.evidence, tuple(f.open)))
        for f in sorted(bank.facts.values(), key=lambda f: f.id)
    ]
    facts = [info for gone, info in every if not gone]
    retired = [info for gone, info in every if gone]
    templates = [
        TemplateInfo(
            t.id,
            t.kind,
            t.style,
            t.prompt,
            t.answer,
            t.explanation,
            t.status,
            {role: tuple(wanted) for role, wanted in t.requires.items()},
        )
        for t in sorted(bank.templates.values(), key=lambda t: t.id)
    ]
    return BankSnapshot(kinds, entities, articles, facts, templates, unique_given, retired)


def _upsert(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows``, replacing those whose primary key exists.

    Questions are rebuilt in place rather than deleted and re-inserted so that anything that
    points at a question id keeps pointing at it. One statement run for many parameter sets:
    a multi-row VALUES statement costs far more to compile than the driver's executemany.
    """
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        _upsert_sqlite(session, table, rows)
        return
    inserts: dict[str, Callable[[Table], sqlite.Insert | postgresql.Insert]] = {
        "sqlite": sqlite.insert,
        "postgresql": postgresql.insert,
    }
    keys = [c.name for c in table.primary_key.columns]
    statement = inserts[dialect](table)
    updates = {c.name: statement.excluded[c.name] for c in table.columns if c.name not in keys}
    session.exec(
        statement.on_conflict_do_update(index_elements=keys, set_=updates), params=list(rows)
    )


def _upsert_sqlite(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """``_upsert`` on SQLite, on the driver's executemany: SQLAlchemy's processing of every
    parameter of every row cost as much as the database's work. The JSON columns get the
    text SQLAlchemy's JSON type would write (json.dumps), so reading them back is the same."""
    columns = [c.name for c in table.columns]
    keys = [c.name for c in table.primary_key.columns]
    as_json = {c.name for c in table.columns if isinstance(c.type, JSON)}
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c not in keys)
    names = ", ".join(f'"{c}"' for c in columns)
    statement = (
        f'INSERT INTO "{table.name}" ({names}) '
        f"VALUES ({', '.join('?' for _ in columns)}) "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
    )
    encode = _json_text
    values_of = operator.itemgetter(*columns)
    json_at = [i for i, c in enumerate(columns) if c in as_json]
    params = []
    for row in rows:
        values = list(values_of(row))
        for i in json_at:
            if values[i] is not None:
                values[i] = encode(values[i])
        params.append(tuple(values))
    session.connection().exec_driver_sql(statement, params)


def _make_json_text() -> Callable[[Any], str]:
    """``json.dumps`` with its default options, minus its per-call set-up: it builds a new
    encoder for every value, a third of its time on a question's short lists. The C encoder
    made once with the same options writes the same text; without it, plain ``json.dumps``."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return json.dumps
    encoder = make(
        None,  # no cycle check: a question's values are lists of strings, never circular
        json.JSONEncoder().default,
        json.encoder.encode_basestring_ascii,
        None,
        ": ",
        ", ",
        False,
        False,
        True,
    )
    return lambda value: "".join(encoder(value, 0))


_json_text = _make_json_text()


def store_pairs(
    session: Session,
    context: BankContext,
    seed: int,
    pairs: Collection[tuple[str, str]],
    made: Iterable[QuestionDraft] = (),
) -> GenerationReport:
    """Regenerate the questions of just these (template id, fact id) pairs from ``context``
    (the bank as it now is), without committing: each pair's question is written, or removed
    if the pair makes none now. ``made``: some of them, already made from this very bank (a
    publish's preview), which are stored as they are."""
    report = GenerationReport()
    with collector_paused():
        rows = [d.as_row() for d in made]
        done = {(row["template_id"], row["fact_id"]) for row in rows}
        rest = [pair for pair in pairs if pair not in done]
        rows += [d.as_row() for d in generate_pairs(context, seed, rest, report)]
        _upsert(session, table_of(Question), rows)
        made = {row["id"] for row in rows}
        gone = sorted({question_id(t, f) for t, f in pairs} - made)
        table = table_of(Question)
        for start in range(0, len(gone), 500):
            result = session.exec(delete(table).where(table.c.id.in_(gone[start : start + 500])))
            report.removed += result.rowcount or 0
    return report


def rebuild_questions(
    session: Session,
    seed: int,
    on_progress: Callable[[int], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    *,
    kinds: Iterable[str] | None = None,
    templates: Iterable[str] | None = None,
    commit: bool = True,
) -> GenerationReport:
    """Regenerate the questions from the database's bank, in one transaction.

    Questions keep their ids; questions whose template or fact no longer makes one are removed.
    The workspace's edits regenerate only what they can change, against the whole bank all
    the same: with ``kinds``, the templates of those kinds (a fact can only change what
    questions of its own kind may ask or offer as wrong answers); with ``templates``, those
    templates by id (a template's questions depend on no other template). Each question draws
    from a generator seeded by its own id, so a partial rebuild makes exactly the questions a
    full one would. With ``commit=False`` the caller commits.
    """
    with collector_paused(), _bigger_page_cache(session):
        return _rebuild(session, seed, on_progress, on_start, kinds, templates, commit)


# SQLite's page cache while questions are stored, in KiB (negative, as the pragma takes it).
# Question ids are hashes, so rows land all over the table: with SQLite's default 2 MB cache
# most inserts of a big rebuild read their page back from the file.
_REBUILD_CACHE_KIB = 32_000


@contextlib.contextmanager
def _bigger_page_cache(session: Session) -> Iterator[None]:
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    connection = session.connection()
    before = int(connection.exec_driver_sql("PRAGMA cache_size").scalar() or -2000)
    connection.exec_driver_sql(f"PRAGMA cache_size = -{_REBUILD_CACHE_KIB}")
    try:
        yield
    finally:
        # The connection goes back to the pool: leave it as it was (if it is still usable).
        with contextlib.suppress(Exception):
            session.connection().exec_driver_sql(f"PRAGMA cache_size = {before}")


def _rebuild(
    session: Session,
    seed: int,
    on_progress: Callable[[int], None] | None,
    on_start: Callable[[int], None] | None,
    kinds: Iterable[str] | None,
    templates: Iterable[str] | None,
    commit: bool,
) -> GenerationReport:
    bank = snapshot(session)
    table = table_of(Question)
    existing = select(table.c.id)
    if kinds is not None:
        kinds = set(kinds)
        bank = dataclasses.replace(bank, templates=[t for t in bank.templates if t.kind in kinds])
        existing = existing.where(
            table.c.template_id.in_(select(Template.id).where(col(Template.kind).in_(kinds)))
        )
    if templates is not None:
        templates = set(templates)
        bank = dataclasses.replace(bank, templates=[t for t in bank.templates if t.id in templates])
        existing = existing.where(table.c.template_id.in_(templates))
    if on_start:
        on_start(count_pairs(bank))
    report = GenerationReport()
    made: set[str] = set()
    batch: list[dict[str, Any]] = []
    try:
        for draft in generate(bank, seed, report, on_progress):
            made.add(draft.id)
            batch.append(draft.as_row())
            if len(batch) >= 2000:
                _upsert(session, table, batch)
                batch = []
        _upsert(session, table, batch)
        stale = [qid for qid in session.exec(existing) if qid not in made]
        for start in range(0, len(stale), 500):
            session.exec(delete(table).where(table.c.id.in_(stale[start : start + 500])))
        report.removed = len(stale)
        if commit:
            session.commit()
    except BaseException:
        session.rollback()
        raise
    return report
