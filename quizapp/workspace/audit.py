"""The fairness audit: the bank's questions and the quizzes checked as a strict quiz editor
would check them (`quizapp audit`, the workspace's /editor/audit). No Flask.

Every check is derived again here from the stored questions, the facts, the entities and the
templates, without calling the generator's or the quiz builder's own decisions: if those had
a bug, asking them whether they were right would never show it. Each finding is an ``error``
(a question or quiz a player should not see) or a ``warning`` (worth an editor's look), with
a code, the question, template, fact and quiz it concerns, and a message saying what to fix.

The checks, by code (docs/editing.md, "The audit"):

give-away
    A multiple-choice or typed prompt that contains the answer (any accepted form, or an
    answer entity's name or alias; folded, whole words) or a distinctive word of it; a
    wrong choice named in the prompt. True/false statements state a value by design.
near-duplicate
    Two questions of one fact with the same style and answer role from different templates
    (warning); a quiz holding both (error).
unprovable-false
    A false true/false statement whose answer role is not unique given other roles
    (the kind's ``unique_given``), or whose prompt does not state those roles.
open-list-closed
    A question whose answer role is one the fact leaves open.
odd-one-out
    A wrong choice of another type than the answer, one that breaks the template's
    ``requires``, one sharing none of the answer's tags; a right name of a several-part
    answer that is in every wrong choice.
answer-not-offered
    A multiple-choice question whose accepted answer is not one of its choices.
repeated-fact
    A quiz holding two questions of one fact.
quiz-give-away
    A quiz item whose prompt, answer, explanation or evidence names a later item's answer
    (any accepted form, or an answer entity's name or alias, with whatever else of its fact
    the later prompt names), or states the sentence that decides a later true/false item.
answer-positions
    The bank's right answers over A-D: a position holding more than 35% or under 15%.
true-false-balance
    A quiz whose true/false items all say the same; the bank's split beyond 65/35.
quote-without-speaker
    A question on a quote (a role named ``quote``) whose fact names no ``speaker``, or
    whose quote is under three words.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from quizapp.bank import slots
from quizapp.core.text import drop_possessives, fold, name_readings
from quizapp.models import (
    Entity,
    Fact,
    FactEntity,
    FactKind,
    Question,
    QuizItem,
    Template,
    table_of,
)

ERROR = "error"
WARNING = "warning"

# The bank's right-answer positions are judged once it has this many multiple-choice
# questions, and so is its true/false split: fewer are too few to call a spread uneven.
MIN_FOR_SPREAD = 20
POSITION_SHARE = (0.15, 0.35)  # each of A-D holds between these shares of the right answers
# ... unless a fair draw could give the spread: chi-square with 3 degrees of freedom at
# p = 0.001. Each question's own id places its right choice (quizapp.questions.generation),
# so a small bank's shares wander by chance; only a spread no fair draw makes is a bias.
POSITION_CHI_SQUARE = 16.27
TRUE_FALSE_SHARE = 0.65  # neither true nor false above this share of the bank's statements
MIN_QUIZ_TRUE_FALSE = 3  # a quiz's statements all alike counts from this many
MIN_QUOTE_WORDS = 3
SPEAKER_ROLE, QUOTE_ROLE = "speaker", "quote"

# Words too common to point at an answer: "Best Video of the Year" and a prompt sharing
# "of the" give nothing away. Words under three letters are never distinctive either.
_COMMON_WORDS = frozenset(
    "the and for with from that this was were are his her its their who what which whom "
    "whose into onto out off over after before about than then them they she him has had "
    "have not but all any one two new".split()
)
# A word of the answer held by more than this share of the entities of its type is common
# within the type ("video" among award names) and points at no answer in a typed question.
_DISTINCTIVE_SHARE = 1 / 3
_SEPARATOR = re.compile(r", | and ")


# Names, choices and prompts recur across thousands of questions: fold each once.
@lru_cache(maxsize=1 << 16)
def _fold(text: str) -> str:
    return fold(text)


@lru_cache(maxsize=1 << 16)
def _words(text: str) -> tuple[str, ...]:
    return tuple(_fold(text).split())


@lru_cache(maxsize=1 << 16)
def _shown_words(text: str) -> tuple[tuple[str, ...], ...]:
    """``text``'s words in each of its readings (`name_readings`), for finding names in what
    a player was shown: "Grohl's" names Grohl."""
    return tuple(tuple(reading.split()) for reading in name_readings(text))


def _form_readings(forms: Iterable[str]) -> dict[str, str]:
    """Each form's readings as `_named` takes them (as written, and without possessives when
    `name_readings` keeps that), each mapped to its form, so a finding quotes the name as
    written."""
    readings: dict[str, str] = {}
    for form in forms:
        readings.setdefault(form, form)
        if len(name_readings(form)) > 1:
            readings.setdefault(drop_possessives(form), form)
    return readings


# --- Input: what the audit reads, as plain data --------------------------------------------------


@dataclass(frozen=True)
class KindRecord:
    name: str
    roles: Mapping[str, Mapping[str, Any]]  # {role: {"types": [...], "many": bool, ...}}
    unique_given: Mapping[str, Sequence[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class EntityRecord:
    id: str
    name: str
    type: str
    aliases: Sequence[str] = ()
    tags: Sequence[str] = ()

    @property
    def forms(self) -> list[str]:
        return [self.name, *self.aliases]


@dataclass(frozen=True)
class FactRecord:
    id: str
    kind: str
    roles: Mapping[str, Any]
    open_roles: Sequence[str] = ()
    article_id: str | None = None


@dataclass(frozen=True)
class TemplateRecord:
    id: str
    kind: str
    style: str
    prompt: str
    answer_role: str
    requires: Mapping[str, Sequence[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class QuestionRecord:
    id: str
    template_id: str
    fact_id: str
    style: str
    prompt: str
    choices: Sequence[str]
    answer: Sequence[str]
    accepted: Sequence[Sequence[str]]


@dataclass(frozen=True)
class QuizItemRecord:
    quiz_id: str
    position: int
    question_id: str
    template_id: str
    fact_id: str
    style: str
    answer: Sequence[str]
    # What a player reads of it, for whether it gives a later item's answer away.
    prompt: str = ""
    accepted: Sequence[Sequence[str]] = ()
    solution: str = ""
    explanation: str | None = None
    evidence: str = ""


@dataclass
class AuditInput:
    """Everything the audit reads; ``read_input`` fills it from the database."""

    kinds: dict[str, KindRecord]
    entities: dict[str, EntityRecord]
    facts: dict[str, FactRecord]
    templates: dict[str, TemplateRecord]
    questions: list[QuestionRecord]
    quiz_items: list[QuizItemRecord] = field(default_factory=list)


# --- Output ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One thing an editor should fix (error) or look at (warning)."""

    severity: str
    code: str
    message: str
    question_id: str | None = None
    template_id: str | None = None
    fact_id: str | None = None
    quiz_id: str | None = None
    article_id: str | None = None  # the fact's, for a link to it

    @property
    def subject(self) -> str:
        """What the finding is about: ``quiz=... q-... template=... fact=...``, or ``bank``."""
        parts = [f"quiz={self.quiz_id}"] if self.quiz_id else []
        parts += [self.question_id] if self.question_id else []
        parts += [f"template={self.template_id}"] if self.template_id else []
        parts += [f"fact={self.fact_id}"] if self.fact_id else []
        return " ".join(parts) or "bank"

    def line(self) -> str:
        return f"{self.severity} {self.code} {self.subject}: {self.message}"

    def as_dict(self) -> dict[str, str | None]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class AuditReport:
    findings: list[Finding]
    questions: int
    quizzes: int

    @property
    def errors(self) -> int:
        return sum(f.severity == ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == WARNING for f in self.findings)

    def summary(self) -> str:
        return (
            f"Audit: {_count(self.errors, 'error')}, {_count(self.warnings, 'warning')} "
            f"({_count(self.questions, 'question')} and {_count(self.quizzes, 'quiz')} checked)"
        )


def _count(n: int, noun: str) -> str:
    plural = noun + ("zes" if noun == "quiz" else "s")
    return f"{n} {noun if n == 1 else plural}"


# --- Reading the database ----------------------------------------------------------------------


def read_input(session: Session) -> AuditInput:
    """The bank, its questions and every quiz's items, as the audit reads them."""
    kinds = {
        k.name: KindRecord(k.name, k.roles, k.unique_given)
        for k in session.scalars(select(FactKind))
    }
    entities = {
        e.id: EntityRecord(e.id, e.name, e.type, tuple(e.aliases), tuple(e.tags))
        for e in session.scalars(select(Entity))
    }
    facts = {
        f.id: FactRecord(f.id, f.kind, f.roles, tuple(f.open_roles), f.article_id)
        for f in session.scalars(select(Fact))
    }
    templates = {
        t.id: TemplateRecord(t.id, t.kind, t.style, t.prompt, t.answer_role, t.requires)
        for t in session.scalars(select(Template))
    }
    # Only the columns checked: evidence and explanations are the bulk of a question row.
    q = table_of(Question).c
    questions = [
        QuestionRecord(*row)
        for row in session.execute(
            sa.select(
                q.id, q.template_id, q.fact_id, q.style, q.prompt, q.choices, q.answer, q.accepted
            ).order_by(q.id)
        )
    ]
    items = _read_items(session)
    return AuditInput(kinds, entities, facts, templates, questions, items)


def _read_items(session: Session, quiz_id: str | None = None) -> list[QuizItemRecord]:
    """Every quiz's items (or ``quiz_id``'s), in order."""
    i = table_of(QuizItem).c
    query = sa.select(
        i.quiz_id,
        i.position,
        i.question_id,
        i.template_id,
        i.fact_id,
        i.style,
        i.answer,
        i.prompt,
        i.accepted,
        i.solution,
        i.explanation,
        i.evidence,
    ).order_by(i.quiz_id, i.position)
    if quiz_id is not None:
        query = query.where(i.quiz_id == quiz_id)
    return [QuizItemRecord(*row) for row in session.execute(query)]


def read_quiz_input(session: Session, quiz_id: str) -> AuditInput:
    """One quiz's items and only what they refer to: their templates, their facts, those
    facts' kinds and the entities the facts name (no questions: the quiz's checks read none)."""
    items = _read_items(session, quiz_id)
    fact_ids = sorted({item.fact_id for item in items})
    facts = {
        f.id: FactRecord(f.id, f.kind, f.roles, tuple(f.open_roles), f.article_id)
        for f in session.scalars(select(Fact).where(table_of(Fact).c.id.in_(fact_ids)))
    }
    kind_names = sorted({fact.kind for fact in facts.values()})
    kinds = {
        k.name: KindRecord(k.name, k.roles, k.unique_given)
        for k in session.scalars(select(FactKind).where(table_of(FactKind).c.name.in_(kind_names)))
    }
    template_ids = sorted({item.template_id for item in items})
    templates = {
        t.id: TemplateRecord(t.id, t.kind, t.style, t.prompt, t.answer_role, t.requires)
        for t in session.scalars(select(Template).where(table_of(Template).c.id.in_(template_ids)))
    }
    named = sa.select(table_of(FactEntity).c.entity_id).where(
        table_of(FactEntity).c.fact_id.in_(fact_ids)
    )
    entities = {
        e.id: EntityRecord(e.id, e.name, e.type, tuple(e.aliases), tuple(e.tags))
        for e in session.scalars(select(Entity).where(table_of(Entity).c.id.in_(named)))
    }
    return AuditInput(kinds, entities, facts, templates, [], items)


def audit_quiz(session: Session, quiz_id: str) -> list[Finding]:
    """The quiz checks (repeated facts, near-duplicates, give-aways between its items, its
    true/false split) on one quiz, reading only that quiz and what it refers to: cheap enough
    for every view of a quiz's page. Errors first, in the order of `audit`."""
    data = read_quiz_input(session, quiz_id)
    if not data.quiz_items:
        return []
    return _sorted(list(_quiz_findings(_Bank(data), data.quiz_items)))


def audit_database(session: Session) -> AuditReport:
    """Audit the database's bank, questions and quizzes."""
    return audit(read_input(session))


# --- The checks --------------------------------------------------------------------------------


def audit(data: AuditInput) -> AuditReport:
    """Every finding on ``data``: errors first, then warnings, each group in a stable order."""
    bank = _Bank(data)
    findings: list[Finding] = []
    for question in data.questions:
        findings.extend(_question_findings(bank, question))
    findings.extend(_near_duplicates(bank))
    findings.extend(_answer_positions(data.questions))
    findings.extend(_bank_true_false(data.questions))
    quizzes: dict[str, list[QuizItemRecord]] = defaultdict(list)
    for item in data.quiz_items:
        quizzes[item.quiz_id].append(item)
    for items in quizzes.values():
        findings.extend(_quiz_findings(bank, items))
    return AuditReport(_sorted(findings), questions=len(data.questions), quizzes=len(quizzes))


def _sorted(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, each group in a stable order."""
    order = {ERROR: 0, WARNING: 1}
    return sorted(
        findings,
        key=lambda f: (order[f.severity], f.code, f.quiz_id or "", f.question_id or "", f.message),
    )


class _Bank:
    """Indexes over the input, built once per audit."""

    def __init__(self, data: AuditInput):
        self.data = data
        self.by_name: dict[str, list[str]] = defaultdict(list)
        # How many entities of each type have a given word in one of their forms.
        self.word_counts: dict[str, Counter[str]] = defaultdict(Counter)
        self.type_sizes: Counter[str] = Counter()
        for entity in sorted(data.entities.values(), key=lambda e: e.id):
            self.by_name[_fold(entity.name)].append(entity.id)
            self.type_sizes[entity.type] += 1
            self.word_counts[entity.type].update({w for form in entity.forms for w in _words(form)})
        self.entity_roles = {
            (kind.name, role)
            for kind in data.kinds.values()
            for role, spec in kind.roles.items()
            if not set(spec.get("types", ())) & {"text", "number"}
        }
        self.prompt_roles: dict[str, frozenset[str] | None] = {}
        for template in data.templates.values():
            try:
                self.prompt_roles[template.id] = slots.parse_template(template.prompt).roles
            except slots.TemplateSyntaxError:
                self.prompt_roles[template.id] = None

    def finding(
        self, severity: str, code: str, message: str, question: QuestionRecord | QuizItemRecord
    ) -> Finding:
        """A finding on a question (of a quiz, for a quiz item), naming its template and fact."""
        if isinstance(question, QuizItemRecord):
            question_id, quiz_id = question.question_id, question.quiz_id
        else:
            question_id, quiz_id = question.id, None
        fact = self.data.facts.get(question.fact_id)
        return Finding(
            severity,
            code,
            message,
            question_id=question_id,
            template_id=question.template_id,
            fact_id=question.fact_id,
            quiz_id=quiz_id,
            article_id=fact.article_id if fact else None,
        )

    def entity_ids(self, fact: FactRecord, role: str) -> list[str]:
        """The entities a fact names in ``role`` (none for a literal or a missing role)."""
        raw = fact.roles.get(role)
        if raw is None or (fact.kind, role) not in self.entity_roles:
            return []
        ids = raw if isinstance(raw, list) else [raw]
        return [i for i in ids if i in self.data.entities]

    def parse_choice(self, text: str, parts: int) -> list[list[str]] | None:
        """The entities a choice may name, part by part: each part a list of the entities of
        that name. Several parts read "A, B and C"; a name may itself hold a comma or "and"
        ("Tyler, the Creator"), so every split is tried and one of ``parts`` parts preferred."""
        whole = self.by_name.get(_fold(text))
        if whole and parts == 1:
            return [whole]
        parses = list(self._parses(text, 0, limit=8))
        if not parses:
            return [whole] if whole else None
        best = next((p for p in parses if len(p) == parts), parses[0])
        return [self.by_name[_fold(name)] for name in best]

    def _parses(self, text: str, start: int, limit: int) -> Iterator[list[str]]:
        ends = [m.start() for m in _SEPARATOR.finditer(text, start)] + [len(text)]
        found = 0
        for end in ends:
            name = text[start:end]
            if _fold(name) not in self.by_name:
                continue
            if end == len(text):
                yield [name]
                found += 1
            else:
                separator = _SEPARATOR.match(text, end)
                assert separator is not None
                for rest in self._parses(text, separator.end(), limit):
                    yield [name, *rest]
                    found += 1
                    if found >= limit:
                        return
            if found >= limit:
                return

    def distinctive(self, word: str, entity_type: str | None) -> bool:
        """Whether ``word`` of an answer would point at it: not a common word, and (for an
        entity) held by at most a third of the entities of its type."""
        if len(word) < 3 or word in _COMMON_WORDS:
            return False
        if entity_type is None:
            return True
        holders = self.word_counts[entity_type][word]
        return holders <= max(1, self.type_sizes[entity_type] * _DISTINCTIVE_SHARE)


def _question_findings(bank: _Bank, question: QuestionRecord) -> Iterator[Finding]:
    template = bank.data.templates.get(question.template_id)
    fact = bank.data.facts.get(question.fact_id)
    if template is None or fact is None:
        yield bank.finding(
            ERROR,
            "orphan",
            f"its {'template' if template is None else 'fact'} is gone from the bank: "
            "run `quizapp generate` to remove it",
            question,
        )
        return
    role = template.answer_role
    if role in fact.open_roles:
        yield bank.finding(
            ERROR,
            "open-list-closed",
            f"asks for the {role} of a fact that leaves its {role} open (the article names "
            "only some): no answer is the complete one; ask another role of this fact, or "
            f"make the template skip facts whose {role} is open",
            question,
        )
    if question.style == "multiple_choice":
        yield from _choice_findings(bank, question, template, fact)
    if question.style in ("multiple_choice", "typed"):
        yield from _give_aways(bank, question, template, fact)
    if question.style == "true_false" and list(question.answer) == ["false"]:
        yield from _unprovable(bank, question, template, fact)
    yield from _quote_findings(bank, question, template, fact)


# --- give-away ---


def _spans(haystack: tuple[str, ...], needle: tuple[str, ...]) -> Iterator[tuple[int, int]]:
    """Where ``needle``'s words stand together in ``haystack`` (both folded words)."""
    n = len(needle)
    if not n or needle[0] not in haystack:
        return
    for i in range(len(haystack) - n + 1):
        if haystack[i] == needle[0] and haystack[i : i + n] == needle:
            yield (i, i + n)


def _named(prompt: tuple[str, ...], forms: Iterable[str], stated: Sequence[tuple[int, int]]) -> str:
    """The first of ``forms`` that the prompt names as a whole, or "".

    A form found only inside another name the prompt states is not named: "Jay" inside
    "Jay-Z" is no mention of someone called Jay.
    """
    for form in forms:
        needle = _words(form)
        if all(w in _COMMON_WORDS for w in needle):
            continue  # a song called "The" is not named by every "the"
        for start, end in _spans(prompt, needle):
            inside = any(a <= start and end <= b and (a, b) != (start, end) for a, b in stated)
            if not inside:
                return form
    return ""


def _give_aways(
    bank: _Bank, question: QuestionRecord, template: TemplateRecord, fact: FactRecord
) -> Iterator[Finding]:
    prompt = _words(question.prompt)
    answer_ids = bank.entity_ids(fact, template.answer_role)
    stated_ids = {
        i
        for role in fact.roles
        if role != template.answer_role
        for i in bank.entity_ids(fact, role)
    }
    stated = [
        span
        for i in stated_ids - set(answer_ids)
        for form in bank.data.entities[i].forms
        for span in _spans(prompt, _words(form))
    ]
    answer_forms = [f for i in answer_ids for f in bank.data.entities[i].forms]
    literal = fact.roles.get(template.answer_role) if not answer_ids else None
    if literal is not None and not isinstance(literal, (list, dict)):
        answer_forms.append(str(literal))
    answer_forms += [form for part in question.accepted for form in part]
    named = _named(prompt, answer_forms, stated)
    if named:
        yield bank.finding(
            ERROR,
            "give-away",
            f"the prompt names the answer ({named!r}): reword the template so that it does "
            "not state it, or ask another role",
            question,
        )
        return

    wrong = [c for c in question.choices if not _is_right(question, c)]
    parts = max(1, len(answer_ids))
    wrong_words = {w for choice in wrong for w in _words(choice)} | {
        word
        for choice in wrong
        for ids in bank.parse_choice(choice, parts) or []
        for other in ids
        for form in bank.data.entities[other].forms
        for word in _words(form)
    }
    for entity_id in answer_ids:
        entity = bank.data.entities[entity_id]
        words = {w for form in entity.forms for w in _words(form)}
        hints = sorted(
            w
            for w in words & set(prompt)
            if w not in wrong_words
            and (question.style == "multiple_choice" or bank.distinctive(w, entity.type))
            and bank.distinctive(w, None)
        )
        if hints:
            yield bank.finding(
                ERROR,
                "give-away",
                f"the prompt shares the word {hints[0]!r} with the answer {entity.name!r}"
                + (" and with no wrong choice" if wrong else "")
                + ": reword the template, or ask another role",
                question,
            )
            return
    if literal is not None and isinstance(literal, str):
        hints = sorted(
            w
            for w in set(_words(literal)) & set(prompt)
            if w not in wrong_words and bank.distinctive(w, None)
        )
        if hints:
            yield bank.finding(
                ERROR,
                "give-away",
                f"the prompt shares the word {hints[0]!r} with the answer: reword the "
                "template, or ask another role",
                question,
            )
            return

    for choice in wrong:
        parsed = bank.parse_choice(choice, parts) or []
        forms = [choice] + [
            form for ids in parsed for other in ids for form in bank.data.entities[other].forms
        ]
        named = _named(prompt, forms, stated)
        if named:
            yield bank.finding(
                ERROR,
                "give-away",
                f"the wrong choice {choice!r} is named in the prompt ({named!r}): players "
                "rule it out at once; a choice must never be someone the question names",
                question,
            )


def _is_right(question: QuestionRecord, choice: str) -> bool:
    return any(choice in part for part in question.accepted)


# --- multiple choice: the answer offered, no odd one out ---


def _choice_findings(
    bank: _Bank, question: QuestionRecord, template: TemplateRecord, fact: FactRecord
) -> Iterator[Finding]:
    right = [c for c in question.choices if _is_right(question, c)]
    if len(right) != 1:
        yield bank.finding(
            ERROR,
            "answer-not-offered",
            f"{len(right)} of its {len(question.choices)} choices are accepted as right; "
            "exactly one must be: run `quizapp generate` again and report it if it stays",
            question,
        )
        return
    answer_ids = bank.entity_ids(fact, template.answer_role)
    if not answer_ids:
        return  # a literal answer: numbers and texts have no type or tags to compare
    entities = bank.data.entities
    types = {entities[i].type for i in answer_ids}
    tags = {t for i in answer_ids for t in entities[i].tags}
    required = set(template.requires.get(template.answer_role, ()))
    wrong_parts: list[set[str]] = []
    for choice in question.choices:
        if choice == right[0]:
            continue
        parsed = bank.parse_choice(choice, len(answer_ids))
        if parsed is None:
            yield bank.finding(
                ERROR,
                "odd-one-out",
                f"the choice {choice!r} names no entity of the bank",
                question,
            )
            continue
        wrong_parts.append({i for ids in parsed for i in ids})
        for ids in parsed:
            typed = [i for i in ids if entities[i].type in types]
            name = entities[ids[0]].name
            if not typed:
                yield bank.finding(
                    ERROR,
                    "odd-one-out",
                    f"the choice {name!r} is {_a(entities[ids[0]].type)}, the answer "
                    f"{_a('/'.join(sorted(types)))}: fix the entity's type",
                    question,
                )
                continue
            if required and not any(
                required & {entities[i].type, *entities[i].tags} for i in typed
            ):
                yield bank.finding(
                    ERROR,
                    "odd-one-out",
                    f"the choice {name!r} has none of {', '.join(sorted(required))} that the "
                    f"template requires of its {template.answer_role}: tag the entity if it "
                    "is one, or report the generator",
                    question,
                )
            elif tags and not any(tags & set(entities[i].tags) for i in typed):
                yield bank.finding(
                    ERROR,
                    "odd-one-out",
                    f"the choice {name!r} shares none of the answer's tags "
                    f"({', '.join(sorted(tags))}): give it its tags, or the answer fewer",
                    question,
                )
    if len(answer_ids) > 1 and wrong_parts:
        for entity_id in answer_ids:
            if all(entity_id in parts for parts in wrong_parts):
                yield bank.finding(
                    ERROR,
                    "odd-one-out",
                    f"{entities[entity_id].name!r}, a right name, is in every wrong choice: "
                    "knowing it alone does not narrow the choices, and the one choice without "
                    "it stands out",
                    question,
                )


def _a(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


# --- true/false: false only where provably so ---


def _unprovable(
    bank: _Bank, question: QuestionRecord, template: TemplateRecord, fact: FactRecord
) -> Iterator[Finding]:
    role = template.answer_role
    kind = bank.data.kinds.get(fact.kind)
    given = kind.unique_given.get(role) if kind else None
    if given is None:
        yield bank.finding(
            ERROR,
            "unprovable-false",
            f"a false statement made by swapping the {role}, which kind {fact.kind} does not "
            f"declare unique (unique_given): the article cannot show it false; declare "
            f"{role}'s determining roles in kinds.yaml if it is unique, or make the template "
            "typed or multiple choice",
            question,
        )
        return
    stated = bank.prompt_roles.get(template.id) or frozenset()
    missing = [r for r in given if r not in stated]
    if missing:
        yield bank.finding(
            ERROR,
            "unprovable-false",
            f"the {role} is unique only given {', '.join(given)}, and the statement does not "
            f"say {', '.join(missing)}: add {', '.join('{' + r + '}' for r in missing)} to the "
            "template's prompt",
            question,
        )


# --- quotes ---


def _quote_findings(
    bank: _Bank, question: QuestionRecord, template: TemplateRecord, fact: FactRecord
) -> Iterator[Finding]:
    roles = bank.prompt_roles.get(template.id) or frozenset()
    if QUOTE_ROLE not in roles and template.answer_role != QUOTE_ROLE:
        return
    quote = fact.roles.get(QUOTE_ROLE)
    if quote is None:
        return
    if fact.roles.get(SPEAKER_ROLE) is None:
        yield bank.finding(
            ERROR,
            "quote-without-speaker",
            "asks about a quote whose fact names no speaker: name who said it, or retire "
            "the fact's quote questions",
            question,
        )
    if len(_words(str(quote))) < MIN_QUOTE_WORDS:
        yield bank.finding(
            ERROR,
            "quote-without-speaker",
            f"asks about the quote {str(quote)!r}, under {MIN_QUOTE_WORDS} words: too little "
            "to be quiz material; quote more of the sentence or retire the fact",
            question,
        )


# --- across the bank ---


def _near_duplicates(bank: _Bank) -> Iterator[Finding]:
    groups: dict[tuple[str, str, str], list[QuestionRecord]] = defaultdict(list)
    for question in bank.data.questions:
        template = bank.data.templates.get(question.template_id)
        if template is not None:
            groups[(question.fact_id, question.style, template.answer_role)].append(question)
    for (_, style, role), questions in groups.items():
        first = questions[0]
        for question in questions[1:]:
            if question.template_id == first.template_id:
                continue
            yield bank.finding(
                WARNING,
                "near-duplicate",
                f"asks the same fact's {role}, {style.replace('_', ' ')}, as {first.id} "
                f"(template {first.template_id}): a quiz may hold only one of them; retire or "
                "rewrite one template if they read alike",
                question,
            )


def _right_position(question: QuestionRecord) -> int | None:
    for index, choice in enumerate(question.choices):
        if _is_right(question, choice):
            return index
    return None


def _answer_positions(questions: Sequence[QuestionRecord]) -> Iterator[Finding]:
    positions = Counter(
        p
        for q in questions
        if q.style == "multiple_choice" and (p := _right_position(q)) is not None
    )
    total = sum(positions.values())
    if total < MIN_FOR_SPREAD:
        return
    expected = total / 4
    if sum((positions[p] - expected) ** 2 / expected for p in range(4)) < POSITION_CHI_SQUARE:
        return
    low, high = POSITION_SHARE
    spread = ", ".join(f"{'ABCD'[p]} {positions[p]}" for p in range(4))
    for position in range(4):
        share = positions[position] / total
        if share > high or share < low:
            yield Finding(
                WARNING,
                "answer-positions",
                f"{share:.0%} of the {total} multiple-choice questions have their right answer "
                f"at {'ABCD'[position]} ({spread}); each position should hold "
                f"{low:.0%}-{high:.0%}: the generator's choice order needs fixing",
            )


def _bank_true_false(questions: Sequence[QuestionRecord]) -> Iterator[Finding]:
    statements = [q for q in questions if q.style == "true_false"]
    truths = Counter(q.answer[0] for q in statements if list(q.answer) in (["true"], ["false"]))
    total = truths["true"] + truths["false"]
    if total < MIN_FOR_SPREAD:
        return
    value, most = max(truths.items(), key=lambda kv: (kv[1], kv[0]))
    if most / total > TRUE_FALSE_SHARE:
        yield Finding(
            WARNING,
            "true-false-balance",
            f"{most} of the bank's {total} true/false statements ({most / total:.0%}) are "
            f"{value}; keep the split within {TRUE_FALSE_SHARE:.0%}/{1 - TRUE_FALSE_SHARE:.0%}, "
            "or players learn to guess",
        )


# --- quizzes ---


def _quiz_findings(bank: _Bank, items: Sequence[QuizItemRecord]) -> Iterator[Finding]:
    quiz_id = items[0].quiz_id
    by_fact: dict[str, list[QuizItemRecord]] = defaultdict(list)
    for item in items:
        by_fact[item.fact_id].append(item)
    for same_fact in by_fact.values():
        for index, item in enumerate(same_fact[1:], start=1):
            twin = next(
                (e for e in same_fact[:index] if _near_duplicate(bank, e, item)),
                None,
            )
            if twin is not None:
                yield bank.finding(
                    ERROR,
                    "near-duplicate",
                    f"item {item.position + 1} asks what item {twin.position + 1} "
                    f"({twin.question_id}) asks, from another template: take one out",
                    item,
                )
            else:
                earlier = same_fact[0]
                yield bank.finding(
                    ERROR,
                    "repeated-fact",
                    f"item {item.position + 1} is on the same fact as item "
                    f"{earlier.position + 1} ({earlier.question_id}): one fact, one question "
                    "per quiz; take one out",
                    item,
                )
    yield from _quiz_give_aways(bank, items)
    statements = [i for i in items if i.style == "true_false" and i.answer]
    values = {i.answer[0] for i in statements}
    if len(statements) >= MIN_QUIZ_TRUE_FALSE and len(values) == 1:
        yield Finding(
            WARNING,
            "true-false-balance",
            f"all {len(statements)} of its true/false statements are {values.pop()}: players "
            "who notice win them all; mix true and false",
            quiz_id=quiz_id,
        )


def _near_duplicate(bank: _Bank, a: QuizItemRecord, b: QuizItemRecord) -> bool:
    first = bank.data.templates.get(a.template_id)
    second = bank.data.templates.get(b.template_id)
    return (
        first is not None
        and second is not None
        and a.template_id != b.template_id
        and a.style == b.style
        and first.answer_role == second.answer_role
    )


def _quiz_give_aways(bank: _Bank, items: Sequence[QuizItemRecord]) -> Iterator[Finding]:
    """Each later item whose answer an earlier item shows: a player reads the earlier one's
    prompt, and its answer, explanation and evidence once answered."""
    for index, later in enumerate(items):
        hidden = _hidden(bank, later)
        if hidden is None:
            continue
        forms, context = hidden
        for earlier in items[:index]:
            if earlier.fact_id == later.fact_id:
                continue  # repeated-fact says so already
            pieces = [earlier.prompt, earlier.solution, earlier.explanation or "", earlier.evidence]
            shown = [words for piece in pieces if piece for words in _shown_words(piece)]
            found = next((f for words in shown if (f := _named(words, forms, ()))), "")
            if not found or not all(any(_named(w, c, ()) for w in shown) for c in context):
                continue
            what = (
                "states the sentence that decides"
                if later.style == "true_false"
                else f"shows {forms[found]!r}, the answer to"
            )
            yield bank.finding(
                WARNING,
                "quiz-give-away",
                f"item {earlier.position + 1} ({earlier.question_id}) {what} item "
                f"{later.position + 1}: players get it free; move item {later.position + 1} "
                f"before item {earlier.position + 1}, or swap one of them",
                later,
            )


def _hidden(bank: _Bank, item: QuizItemRecord) -> tuple[dict[str, str], list[list[str]]] | None:
    """What an earlier item must not show for ``item`` to stay a question: the readings of
    its answer's forms (`_form_readings`), and those of each other entity of its fact its
    prompt names (an earlier text names the answer beside them to tell it). A true/false
    item's answer is its evidence."""
    if item.style == "true_false":
        return ({item.evidence: item.evidence}, []) if item.evidence else None
    forms = [form for part in item.accepted for form in part]
    fact = bank.data.facts.get(item.fact_id)
    template = bank.data.templates.get(item.template_id)
    context: list[list[str]] = []
    if fact is not None and template is not None:
        answer_ids = bank.entity_ids(fact, template.answer_role)
        forms += [form for i in answer_ids for form in bank.data.entities[i].forms]
        prompt = _shown_words(item.prompt)
        for role in fact.roles:
            for entity_id in bank.entity_ids(fact, role):
                entity_forms = list(_form_readings(bank.data.entities[entity_id].forms))
                named = any(_named(words, entity_forms, ()) for words in prompt)
                if entity_id not in answer_ids and named:
                    context.append(entity_forms)
    readings = {r: form for r, form in _form_readings(forms).items() if _words(r)}
    return (readings, context) if readings else None
