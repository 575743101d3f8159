"""Turning templates and facts into questions (docs/generation.md). No Flask.

`generate` works on plain data (`BankSnapshot`) and is deterministic for a seed: the same
bank and seed always give the same questions, choices and order. `rebuild_questions` reads
the database into a snapshot, generates, and stores the result in one transaction.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, delete
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


@dataclass(frozen=True)
class Value:
    """A role's value: a set of entity ids, or one literal."""

    entities: frozenset[str] = frozenset()
    literal: str | int | None = None
    # Entity ids as the fact lists them, for display; two facts naming the same people in
    # another order state the same value.
    order: tuple[str, ...] = field(default=(), compare=False)


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


class _Context:
    """Indexes over the whole bank, built once per run."""

    def __init__(self, bank: BankSnapshot):
        self.bank = bank
        self.mentions: Counter[str] = Counter()
        self.by_type: dict[str, list[str]] = defaultdict(list)
        self.by_article: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.by_event: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.literals: dict[tuple[str, str], list[Any]] = defaultdict(list)
        self.literals_by_article: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
        self.facts_by_kind: dict[str, list[FactInfo]] = defaultdict(list)
        self.readings: dict[str, frozenset[str]] = {}

        entity: EntityInfo | None
        for entity in sorted(bank.entities.values(), key=lambda e: e.id):
            self.by_type[entity.type].append(entity.id)
        seen_article: set[tuple[str, str]] = set()
        seen_event: set[tuple[str, str]] = set()
        seen_literal: set[tuple[Any, ...]] = set()
        for fact in bank.facts:
            self.facts_by_kind[fact.kind].append(fact)
            specs = bank.kinds.get(fact.kind, {})
            event = self.event_of(fact)
            for role, raw in fact.roles.items():
                spec = specs.get(role)
                if spec is None:
                    continue
                if spec.literal:
                    if (fact.kind, role, raw) not in seen_literal:
                        seen_literal.add((fact.kind, role, raw))
                        self.literals[(fact.kind, role)].append(raw)
                    if (fact.article_id, fact.kind, role, raw) not in seen_literal:
                        seen_literal.add((fact.article_id, fact.kind, role, raw))
                        self.literals_by_article[(fact.article_id, fact.kind, role)].append(raw)
                    continue
                for entity_id in raw if isinstance(raw, list) else (raw,):
                    entity = bank.entities.get(entity_id)
                    if entity is None:
                        continue
                    self.mentions[entity_id] += 1
                    key = (fact.article_id, entity.type)
                    if (key[0], entity_id) not in seen_article:
                        seen_article.add((key[0], entity_id))
                        self.by_article[key].append(entity_id)
                    if event and (event, entity_id) not in seen_event:
                        seen_event.add((event, entity_id))
                        self.by_event[(event, entity.type)].append(entity_id)

    def event_of(self, fact: FactInfo) -> str | None:
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

    def entity_readings(self, entity_id: str) -> frozenset[str]:
        """Every way the entity's name reads once case, accents and punctuation are ignored."""
        readings = self.readings.get(entity_id)
        if readings is None:
            entity = self.bank.entities[entity_id]
            readings = frozenset(filter(None, (fold(form) for form in entity.forms)))
            self.readings[entity_id] = readings
        return readings

    def display_raw(self, raw: Any, spec: RoleInfo) -> str | int | list[str]:
        """How a role's value as the fact states it reads in a question."""
        if spec.literal:
            literal: str | int = raw
            return literal
        if isinstance(raw, list):
            return [self.bank.entities[i].name for i in raw]
        return self.bank.entities[raw].name

    def display(self, value: Value) -> str | int | list[str]:
        if value.literal is not None:
            return value.literal
        names = [self.bank.entities[i].name for i in value.order]
        return names[0] if len(names) == 1 else names

    def parts(self, value: Value) -> list[str]:
        if value.literal is not None:
            return [str(value.literal)]
        return [self.bank.entities[i].name for i in value.order]


# --- The generator ------------------------------------------------------------------------------


class _TemplatePlan:
    """A parsed template with the index that answers "what else would be correct?"."""

    def __init__(self, template: TemplateInfo, ctx: _Context):
        self.template = template
        self.specs = ctx.bank.kinds[template.kind]
        self.prompt = slots.parse_template(template.prompt)
        self.explanation = (
            slots.parse_template(template.explanation) if template.explanation else None
        )
        self.answer_role = template.answer_role
        self.answer_spec = self.specs[self.answer_role]
        # The roles the question states; a fact agreeing on all of them answers it too.
        self.key_roles = tuple(sorted(self.prompt.roles - {self.answer_role}))
        self.needed = (
            self.prompt.roles
            | {self.answer_role}
            | (self.explanation.roles if self.explanation else set())
        )
        self.answers: dict[_Key, set[Value]] = defaultdict(set)
        # Facts that leave out some of the stated roles might answer it too: keep them apart,
        # keyed by which roles they do state.
        self.partial: dict[tuple[str, ...], dict[_Key, set[Value]]] = defaultdict(
            lambda: defaultdict(set)
        )
        # Each fact's answer and key, kept for when its own question is made.
        self.facts: dict[str, tuple[Value, _Key]] = {}
        for fact in ctx.facts_by_kind.get(template.kind, ()):
            answer = _value(fact, self.answer_role, self.answer_spec)
            if answer is None:
                continue
            present = tuple(r for r in self.key_roles if r in fact.roles)
            key = tuple(_value(fact, r, self.specs[r]) for r in present)
            if len(present) == len(self.key_roles):
                self.answers[key].add(answer)
                self.facts[fact.id] = (answer, key)
            else:
                self.partial[present][key].add(answer)

    def fits(self, fact: FactInfo) -> bool:
        return all(role in fact.roles for role in self.needed)

    def possibly_correct(self, key: _Key) -> set[Value]:
        found: set[Value] = set()
        for present, index in self.partial.items():
            projected = tuple(v for r, v in zip(self.key_roles, key, strict=True) if r in present)
            found |= index.get(projected, set())
        return found


def generate(
    bank: BankSnapshot,
    seed: int,
    report: GenerationReport | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Iterator[QuestionDraft]:
    """Yield a question for every published template and every fact that fits it.

    Pairs that cannot make a good question are left out and recorded in ``report`` with the
    reason: an answer that is not unique, too few wrong answers, a prompt too long.
    """
    report = report if report is not None else GenerationReport()
    ctx = _Context(bank)
    for template in sorted(bank.templates, key=lambda t: t.id):
        if template.status != "published":
            continue
        facts = ctx.facts_by_kind.get(template.kind, [])
        try:
            if template.kind not in bank.kinds:
                raise ValueError(f"unknown kind {template.kind!r}")
            if template.answer_role not in bank.kinds[template.kind]:
                raise ValueError(f"kind has no role {template.answer_role!r}")
            plan = _TemplatePlan(template, ctx)
        except (slots.TemplateSyntaxError, ValueError) as exc:
            report.skipped.append(Skipped(template.id, None, f"template is invalid: {exc}"))
            if on_progress:
                on_progress(len(facts))
            continue
        for fact in facts:
            if plan.fits(fact):
                outcome = _make_question(plan, fact, ctx, seed)
                if isinstance(outcome, Skipped):
                    report.skipped.append(outcome)
                else:
                    report.made[outcome.style] += 1
                    yield outcome
            if on_progress:
                on_progress(1)


def count_pairs(bank: BankSnapshot) -> int:
    """How many (template, fact) pairs a run looks at, for a progress bar."""
    per_kind = Counter(f.kind for f in bank.facts)
    return sum(per_kind[t.kind] for t in bank.templates if t.status == "published")


def _make_question(
    plan: _TemplatePlan, fact: FactInfo, ctx: _Context, seed: int
) -> QuestionDraft | Skipped:
    template = plan.template
    qid = question_id(template.id, fact.id)
    rng = random.Random(f"{seed}:{qid}")
    answer, key = plan.facts[fact.id]  # fits() made sure the fact states every key role
    correct = plan.answers.get(key, {answer})
    # Whoever the question already names is no plausible wrong answer ("Who caught Tyler?").
    stated = {Value(frozenset([i]), order=(i,)) for v in key if v for i in v.entities}
    excluded = correct | plan.possibly_correct(key) | stated
    multi_part = len(answer.entities) > 1 or plan.answer_spec.many

    if len(correct) > 1 and multi_part:
        others = [ctx.display(v) for v in correct if v != answer]
        return Skipped(
            template.id, fact.id, f"answer is not unique: {_names(others)} also fit the question"
        )

    values = {role: ctx.display_raw(fact.roles[role], plan.specs[role]) for role in plan.needed}
    parts = ctx.parts(answer)
    solution = slots.join_names(parts)
    accepted = _accepted_forms(answer, correct, ctx)
    wrong: list[tuple[Value, bool]] = []
    if template.style == "multiple_choice":
        wrong = _pick_wrong(plan, fact, answer, excluded, ctx, rng, CHOICES - 1)
        if len(wrong) < CHOICES - 1:
            return Skipped(
                template.id,
                fact.id,
                f"only {len(wrong)} wrong answer(s) of {_pool_name(plan, answer, ctx)} "
                f"exist; multiple choice needs {CHOICES - 1}",
            )
        choices = [_choice_text(answer, ctx)] + [_choice_text(v, ctx) for v, _ in wrong]
        rng.shuffle(choices)
        answer_parts, accepted = parts, [[_choice_text(answer, ctx)]]
    elif template.style == "true_false":
        choices = list(TRUE_FALSE_CHOICES)
        truth = rng.random() < 0.5
        if not truth:
            wrong = _pick_wrong(plan, fact, answer, excluded, ctx, rng, 1)
            truth = not wrong  # with no checked wrong answer to swap in, the statement stays true
        if not truth:
            values[plan.answer_role] = ctx.display(wrong[0][0])
        answer_parts = ["true" if truth else "false"]
        accepted = [answer_parts[:]]
    else:
        choices = []
        answer_parts = parts

    try:
        prompt = slots.render(plan.prompt, values)
        true_values = dict(values, **{plan.answer_role: ctx.display(answer)})
        explanation = slots.render(plan.explanation, true_values) if plan.explanation else None
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


def _names(displays: Sequence[Any]) -> str:
    flat = [slots.join_names(d) if isinstance(d, list) else str(d) for d in displays]
    return slots.join_names(sorted(flat))


def _choice_text(value: Value, ctx: _Context) -> str:
    if value.literal is not None:
        return str(value.literal)
    # Parts in a fixed order, so the right choice is not the only one in the fact's order.
    return slots.join_names(sorted(ctx.bank.entities[i].name for i in value.entities))


def _accepted_forms(answer: Value, correct: set[Value], ctx: _Context) -> list[list[str]]:
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


def _typed_forms(entity_id: str, ctx: _Context) -> list[str]:
    """The entity's name, its aliases, then the short forms no other entity shares ("May" for
    Brian May): what a typed answer may be."""
    forms = list(ctx.bank.entities[entity_id].forms)
    forms.extend(f for f in ctx.short_forms.get(entity_id, ()) if f not in forms)
    return forms


def _mentions(answer: Value, ctx: _Context) -> int:
    if answer.literal is not None:
        return 0
    return min(ctx.mentions[i] for i in answer.entities)


def _pool_name(plan: _TemplatePlan, answer: Value, ctx: _Context) -> str:
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
    ctx: _Context,
    rng: random.Random,
    needed: int,
) -> list[tuple[Value, bool]]:
    """Pick ``needed`` wrong answers: (value, whether it came from the same article or event).

    Never a value the fact base says is, or may be, correct; never one that reads like the
    answer or like another wrong answer; preferring the fact's own article, then its event,
    then the whole bank.
    """
    if answer.literal is not None:
        return _pick_wrong_literals(plan, fact, answer, excluded, ctx, rng, needed)
    if len(answer.entities) > 1:
        return _pick_wrong_groups(fact, answer, excluded, ctx, rng, needed)

    (answer_id,) = answer.entities
    entity_type = ctx.bank.entities[answer_id].type
    taken_readings: set[str] = set()
    for value in excluded:
        for entity_id in value.entities:
            taken_readings |= ctx.entity_readings(entity_id)
    excluded_ids = {i for v in excluded for i in v.entities}
    picked: list[tuple[Value, bool]] = []
    for near, pool in _entity_tiers(fact, entity_type, ctx):
        for candidate in _draw(pool, rng):
            if len(picked) == needed:
                return picked
            if candidate in excluded_ids:
                continue
            readings = ctx.entity_readings(candidate)
            if readings & taken_readings:
                continue
            taken_readings |= readings
            excluded_ids.add(candidate)
            picked.append((Value(entities=frozenset([candidate]), order=(candidate,)), near))
    return picked


def _entity_tiers(fact: FactInfo, entity_type: str, ctx: _Context) -> list[tuple[bool, list[str]]]:
    event = ctx.event_of(fact)
    tiers = [(True, ctx.by_article.get((fact.article_id, entity_type), []))]
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
    fact: FactInfo,
    answer: Value,
    excluded: set[Value],
    ctx: _Context,
    rng: random.Random,
    needed: int,
) -> list[tuple[Value, bool]]:
    """Wrong answers for a several-part answer: as many parts, never the right set.

    Most swap one part (hard: they share a right name); the last swaps every part when the
    pool allows, so that knowing one name is not enough to pick the right choice.
    """
    members = sorted(answer.entities)
    answer_readings = set().union(*(ctx.entity_readings(i) for i in members))
    entity_type = ctx.bank.entities[members[0]].type
    excluded_ids = {i for v in excluded for i in v.entities}
    replacements: list[tuple[str, bool]] = []
    for near, pool in _entity_tiers(fact, entity_type, ctx):
        for candidate in _draw(pool, rng):
            if len(replacements) >= needed + len(members):
                break
            if candidate in excluded_ids or ctx.entity_readings(candidate) & answer_readings:
                continue
            excluded_ids.add(candidate)
            replacements.append((candidate, near))

    near_of = dict(replacements)
    single = [
        frozenset(members[:position] + [c] + members[position + 1 :])
        for c, _ in replacements
        for position in range(len(members))
    ]
    rng.shuffle(single)
    everyone_else = frozenset(c for c, _ in replacements[-len(members) :])
    full = [everyone_else] if len(everyone_else) == len(members) else []
    ordered = single[: needed - 1] + full + single[needed - 1 :]

    seen = {answer.entities} | {v.entities for v in excluded}
    picked: list[tuple[Value, bool]] = []
    for group in ordered:
        if len(picked) == needed:
            break
        if group in seen:
            continue
        seen.add(group)
        near = all(near_of.get(i, True) for i in group)
        picked.append((Value(entities=group, order=tuple(sorted(group))), near))
    return picked


def _pick_wrong_literals(
    plan: _TemplatePlan,
    fact: FactInfo,
    answer: Value,
    excluded: set[Value],
    ctx: _Context,
    rng: random.Random,
    needed: int,
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
            reading = fold(str(candidate))
            if candidate in taken or reading in taken_readings:
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
    difficulty = BASE_DIFFICULTY[style]
    mentions = max(answer_mentions, 1)
    difficulty += 0.20 * (1 - min(math.log2(mentions) / 3, 1))
    if wrong_from_context:
        difficulty += 0.20 * sum(wrong_from_context) / len(wrong_from_context)
    difficulty += 0.10 * (parts - 1)
    return round(min(max(difficulty, 0.05), 0.95), 2)


def difficulty_label(difficulty: float) -> str:
    """easy, medium or hard, for people."""
    return "easy" if difficulty < 0.4 else "medium" if difficulty < 0.65 else "hard"


# --- The database side --------------------------------------------------------------------------


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
    entities = {
        e.id: EntityInfo(e.id, e.name, e.type, tuple(e.aliases), tuple(e.tags))
        for e in session.scalars(select(Entity))
    }
    articles = {
        article_id: ArticleInfo(article_id, title, event_id)
        for article_id, title, event_id in session.exec(
            select(Article.id, Article.title, Article.event_id)
        )
    }
    facts = [
        FactInfo(f.id, f.kind, f.article_id, f.roles, f.evidence, tuple(f.open_roles))
        for f in session.scalars(select(Fact).where(~col(Fact.retired)).order_by(Fact.id))
    ]
    templates = [
        TemplateInfo(
            t.id,
            t.kind,
            t.style,
            t.prompt,
            t.answer_role,
            t.explanation,
            t.status,
            {role: tuple(wanted) for role, wanted in t.requires.items()},
        )
        for t in session.scalars(select(Template).order_by(Template.id))
    ]
    return BankSnapshot(kinds, entities, articles, facts, templates, unique_given)


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
    facts = [
        FactInfo(f.id, f.kind, f.article, dict(f.roles), f.evidence, tuple(f.open))
        for f in sorted(bank.facts.values(), key=lambda f: f.id)
        if not f.retired
    ]
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
    return BankSnapshot(kinds, entities, articles, facts, templates, unique_given)


def _upsert(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows``, replacing those whose primary key exists.

    Questions are rebuilt in place rather than deleted and re-inserted so that anything that
    points at a question id keeps pointing at it. One statement run for many parameter sets:
    a multi-row VALUES statement costs far more to compile than the driver's executemany.
    """
    if not rows:
        return
    dialect = session.get_bind().dialect.name
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
    with collector_paused():
        return _rebuild(session, seed, on_progress, on_start, kinds, templates, commit)


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
