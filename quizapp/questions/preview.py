"""The live preview of a template an editor is writing: its questions and its problems. No Flask.

While an editor types, the workspace shows every question the template would make from
today's facts, with choices and answer, and a list of problems (`quizapp.core.problems.Problem`).
Each is an *error* (publishing is refused) or a *warning* (worth a look, publishing allowed),
with a stable code, a message that says what to fix and, where it can, the draft's field
("prompt", "explanation", "answer_role", "kind", "style") and the column and text in it; one
about a single fact's question names that fact as its record.

The questions come from the real generator (`generation.generate`) run on the bank with the
draft as its only template, published, so the preview is exactly what publishing would make.
This module only adds checks around it:

- before generating, on the template text: the slot grammar (`slots.check_template`), the kind,
  style and answer role, slots naming no role of the kind, a question printing its own answer,
  whitespace, doubled words, the closing "?" and the length;
- after generating, on what it made: the facts it left out and why (`generation.Skipped`),
  no question at all, a word doubled where a slot meets the text ("at the {event}" with
  "The 2011 VMAs"), and filled text too long for a player to read.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from quizapp.bank import slots
from quizapp.core.problems import ERROR, WARNING, Location, Problem, Severity
from quizapp.questions.generation import (
    BankContext,
    BankSnapshot,
    GenerationReport,
    QuestionDraft,
    RoleInfo,
    Skipped,
    TemplateInfo,
    generate,
    generate_pairs,
)

__all__ = [
    "DEFAULT_SEED",
    "MAX_PROMPT_LENGTH",
    "NEW_TEMPLATE_ID",
    "STYLES",
    "Preview",
    "PreviewQuestion",
    "TemplateDraft",
    "can_publish",
    "preview_template",
]

STYLES = ("multiple_choice", "true_false", "typed")
# The app's GENERATION_SEED default, so a preview shows the choices a regeneration makes;
# a view passes the configured seed when it differs.
DEFAULT_SEED = 2026
# A template id no bundled template uses, for a template that has none yet.
NEW_TEMPLATE_ID = "new-template"
# The template columns hold 300 characters (models.Template), and a filled prompt longer than
# its template is no easier to read against the clock.
MAX_PROMPT_LENGTH = slots.MAX_TEMPLATE_LENGTH

_FIELD_ORDER = ("kind", "style", "answer_role", "prompt", "explanation", None)
# Only spaces: a run of tabs or line breaks is reported as stray whitespace instead.
_DOUBLED_WORD_RE = re.compile(r"(?<!\w)(\w+) +(\1)(?!\w)", re.IGNORECASE)
_DOUBLE_SPACE_RE = re.compile(r"(?<=\S)  +(?=\S)")
_INNER_BREAK_RE = re.compile(r"[^\S ]+")
# A question may end in a closing quote or bracket after its "?": 'Who sang “Why?”'.
_ENDS_AS_QUESTION_RE = re.compile(r"\?[\"'”’»)\]]*\Z")
# How much of a filled value a message quotes: enough to recognise it.
_QUOTE_LENGTH = 60


# --- Input and results --------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateDraft:
    """A template as the editor has it right now, saved or not.

    ``id`` is the template's id when it replaces a saved one (its questions keep their ids),
    else a placeholder; ``explanation`` is None or "" when there is none.
    """

    kind: str
    style: str
    prompt: str
    answer_role: str
    explanation: str | None = None
    id: str = NEW_TEMPLATE_ID
    # {role: types or tags} the facts' entities must have (docs/question-bank.md).
    requires: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class PreviewQuestion:
    """A question the draft makes, as a player would get it, with where its answer comes from."""

    id: str
    fact_id: str
    article_id: str
    article_title: str
    style: str
    prompt: str
    choices: tuple[str, ...]
    answer: tuple[str, ...]
    accepted: tuple[tuple[str, ...], ...]
    solution: str
    explanation: str | None
    difficulty: float
    evidence: str


@dataclass(frozen=True)
class Preview:
    """Every question a draft makes from the bank, and every problem found in it."""

    questions: tuple[PreviewQuestion, ...]
    problems: tuple[Problem, ...]
    # The questions as the generator made them: what publishing the draft stores, unmade again.
    made: tuple[QuestionDraft, ...] = field(default=(), repr=False, compare=False)
    # (facts tried, facts of the kind) when the draft was tried on a sample of a big kind's
    # facts (the live preview); None when on every one (what publishing checks).
    sampled: tuple[int, int] | None = None

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems that block publishing."""
        return tuple(p for p in self.problems if p.severity == ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """The problems that do not block publishing."""
        return tuple(p for p in self.problems if p.severity == WARNING)


def can_publish(preview: Preview) -> bool:
    """Whether the previewed draft may be published: it has no errors (warnings are fine)."""
    return not preview.errors


# --- The preview --------------------------------------------------------------------------------


def preview_template(
    bank: BankSnapshot,
    draft: TemplateDraft,
    *,
    seed: int = DEFAULT_SEED,
    context: BankContext | None = None,
    sample: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Preview:
    """Preview ``draft`` against ``bank``: the questions publishing it would make, and problems.

    The generator runs on a snapshot whose only template is the draft, published, in place of
    any saved template with its id; ``bank`` itself is not changed. It does not run when the
    draft is broken in a way that makes its questions meaningless (bad slots, unknown kind,
    style or answer role, a slot naming no role): the errors say why there is nothing to show.
    Problems come errors first, then by field and column. ``on_progress`` is told of every
    fact tried (a background publish's progress bar, quizapp.workspace.jobs).
    """
    problems: list[Problem] = []
    explanation = draft.explanation or None  # "" from an empty form field means none
    parsed_prompt = _check_text(draft.prompt, "prompt", problems)
    parsed_explanation = (
        _check_text(explanation, "explanation", problems) if explanation is not None else None
    )
    roles = _check_kind_style_answer(bank, draft, problems)
    if roles is not None:
        for field_name, parsed in (("prompt", parsed_prompt), ("explanation", parsed_explanation)):
            if parsed is not None:
                _check_slot_roles(parsed, field_name, draft.kind, roles, problems)
        if parsed_prompt is not None and draft.answer_role in roles:
            _check_answer_slot(parsed_prompt, draft, problems)
    if draft.prompt.strip():
        _check_ending(draft.prompt, draft.style, problems)

    questions: tuple[PreviewQuestion, ...] = ()
    drafts: list[QuestionDraft] = []
    sampled: tuple[int, int] | None = None
    stopped = any(p.severity == ERROR and p.code in _STOPS_GENERATION for p in problems)
    if parsed_prompt is not None and not stopped:
        drafts, report, sampled = _generate(
            bank, draft, explanation, seed, context, sample, on_progress
        )
        questions = tuple(_question(bank, q) for q in drafts)
        problems.extend(_skipped_problems(report.skipped))
        if not drafts:
            problems.append(_no_questions(bank, draft, parsed_prompt, parsed_explanation, report))
        for field_name, parsed in (("prompt", parsed_prompt), ("explanation", parsed_explanation)):
            if parsed is not None:
                texts = [(q.fact_id, _field_text(q, field_name)) for q in questions]
                problems.extend(_check_filled(parsed, field_name, texts))

    problems.sort(key=_problem_order)
    return Preview(
        questions=questions, problems=tuple(problems), made=tuple(drafts), sampled=sampled
    )


# Errors after which the generator would make nothing, or nothing worth showing.
_STOPS_GENERATION = frozenset(
    {
        "empty_prompt",
        "slot_syntax",
        "too_long",
        "unknown_kind",
        "unknown_style",
        "unknown_answer_role",
        "unknown_role",
    }
)


def _generate(
    bank: BankSnapshot,
    draft: TemplateDraft,
    explanation: str | None,
    seed: int,
    context: BankContext | None,
    sample: int | None,
    on_progress: Callable[[int], None] | None = None,
) -> tuple[list[QuestionDraft], GenerationReport, tuple[int, int] | None]:
    template = TemplateInfo(
        id=draft.id,
        kind=draft.kind,
        style=draft.style,
        prompt=draft.prompt,
        answer_role=draft.answer_role,
        explanation=explanation,
        status="published",
        requires=draft.requires,
    )
    # The same kinds, entities, articles and facts (shared, not copied: generate only reads
    # them), so wrong answers and difficulty come out as in a full run.
    report = GenerationReport()
    facts = sorted(context.facts_by_kind.get(draft.kind, {})) if context is not None else []
    if context is not None and sample is not None and len(facts) > sample:
        # Facts spread evenly over the kind (by id), the same ones on every keystroke.
        step = len(facts) / sample
        tried = [facts[int(n * step)] for n in range(sample)]
        pairs = [(template.id, fact_id) for fact_id in tried]
        made = list(generate_pairs(context, seed, pairs, report, templates=[template]))
        return made, report, (sample, len(facts))
    alone = dataclasses.replace(bank, templates=[template])
    made = list(generate(alone, seed, report, on_progress, context=context, templates=[template]))
    return made, report, None


def _question(bank: BankSnapshot, draft: QuestionDraft) -> PreviewQuestion:
    article = bank.articles.get(draft.article_id)
    return PreviewQuestion(
        id=draft.id,
        fact_id=draft.fact_id,
        article_id=draft.article_id,
        article_title=article.title if article else "",
        style=draft.style,
        prompt=draft.prompt,
        choices=tuple(draft.choices),
        answer=tuple(draft.answer),
        accepted=tuple(tuple(forms) for forms in draft.accepted),
        solution=draft.solution,
        explanation=draft.explanation,
        difficulty=draft.difficulty,
        evidence=draft.evidence,
    )


def _field_text(question: PreviewQuestion, field_name: str) -> str:
    return question.prompt if field_name == "prompt" else question.explanation or ""


def _problem_order(problem: Problem) -> tuple[bool, int, int, str, str]:
    return (
        problem.severity != ERROR,
        _FIELD_ORDER.index(problem.field) if problem.field in _FIELD_ORDER else len(_FIELD_ORDER),
        problem.location.column or 0,
        problem.location.record or "",
        problem.code,
    )


def _problem(
    severity: Severity,
    code: str,
    message: str,
    *,
    field: str | None = None,
    column: int | None = None,
    text: str | None = None,
    fact_id: str | None = None,
    hint: str | None = None,
) -> Problem:
    """A problem of the draft: in ``field``, at ``column`` where ``text`` stands; ``fact_id``
    names the fact whose question shows it."""
    record = f"fact {fact_id}" if fact_id is not None else None
    where = Location(record=record, column=column, text=text)
    return Problem(code, message, field, where, hint=hint, severity=severity)


# --- Checks on the draft itself -----------------------------------------------------------------


def did_you_mean(value: str, known: Iterable[str]) -> str | None:
    """The one of ``known`` that ``value`` most likely meant, if any is close enough.

    The bank loader's threshold, so the editor and the loader suggest the same names; the
    fact form's unknown entities use it too (quizapp.workspace.articles).
    """
    match = process.extractOne(value, list(known), scorer=fuzz.ratio, score_cutoff=70)
    return match[0] if match else None


def _quote(value: str) -> str:
    value = value.replace("\n", "\\n").replace("\t", "\\t")
    if len(value) <= _QUOTE_LENGTH:
        return value
    return value[: _QUOTE_LENGTH - 3] + "..."


def _check_text(text: str, field_name: str, problems: list[Problem]) -> slots.ParsedTemplate | None:
    """Check a prompt or explanation as text; return it parsed, or None when it does not parse."""
    label = "the prompt" if field_name == "prompt" else "the explanation"
    if not text.strip():
        if field_name == "prompt":
            problems.append(
                _problem(
                    ERROR,
                    "empty_prompt",
                    "the prompt is empty: write the question (or, for true/false, the "
                    "statement), e.g. Who won {award} at the {event}?",
                    field="prompt",
                    column=1,
                )
            )
        else:
            problems.append(
                _problem(
                    WARNING,
                    "whitespace",
                    "the explanation is only whitespace: write one or leave it empty",
                    field=field_name,
                    column=1,
                )
            )
        return None

    errors = slots.check_template(text)
    for error in errors:
        if _is_length_error(text, error):
            excess = len(text) - MAX_PROMPT_LENGTH
            problems.append(
                _problem(
                    ERROR,
                    "too_long",
                    f"{label} has {len(text)} characters; at most {MAX_PROMPT_LENGTH} are "
                    f"allowed: shorten it by {excess}",
                    field=field_name,
                    column=error.column,
                    text=error.text,
                )
            )
        else:
            problems.append(
                _problem(
                    ERROR,
                    "slot_syntax",
                    error.message,
                    field=field_name,
                    column=error.column,
                    text=error.text,
                )
            )
    problems.extend(_whitespace_problems(text, field_name))
    if errors:
        return None
    parsed = slots.parse_template(text)
    problems.extend(_doubled_in_text(parsed, field_name))
    return parsed


def _is_length_error(text: str, error: slots.SlotError) -> bool:
    # slots reports the length as one more SlotError, at the first character too many.
    return (
        len(text) > slots.MAX_TEMPLATE_LENGTH
        and error.column == slots.MAX_TEMPLATE_LENGTH + 1
        and error.message.startswith("a template is at most")
    )


def _whitespace_problems(text: str, field_name: str) -> list[Problem]:
    found: list[Problem] = []
    stripped = text.strip()
    if text != text.lstrip():
        found.append(
            _problem(
                WARNING,
                "whitespace",
                "remove the whitespace at the start",
                field=field_name,
                column=1,
                text=_quote(text[: len(text) - len(text.lstrip())]),
            )
        )
    if text != text.rstrip():
        end = len(text.rstrip())
        found.append(
            _problem(
                WARNING,
                "whitespace",
                "remove the whitespace at the end",
                field=field_name,
                column=end + 1,
                text=_quote(text[end:]),
            )
        )
    start = len(text) - len(text.lstrip())
    for match in _DOUBLE_SPACE_RE.finditer(stripped):
        found.append(
            _problem(
                WARNING,
                "double_space",
                f"{len(match.group())} spaces in a row: use one",
                field=field_name,
                column=start + match.start() + 1,
                text=match.group(),
            )
        )
    for match in _INNER_BREAK_RE.finditer(stripped):
        found.append(
            _problem(
                WARNING,
                "whitespace",
                "a line break, tab or special space inside the text: players see one line, "
                "use a space",
                field=field_name,
                column=start + match.start() + 1,
                text=_quote(match.group()),
            )
        )
    return found


def _literal_spans(parsed: slots.ParsedTemplate) -> list[tuple[int, int]]:
    """Where the text between slots lies in the template: (start, end) offsets."""
    spans = []
    position = 0
    for slot in parsed.slots:
        spans.append((position, slot.start))
        position = slot.end
    spans.append((position, len(parsed.text)))
    return [(start, end) for start, end in spans if end > start]


def _doubled_in_text(parsed: slots.ParsedTemplate, field_name: str) -> list[Problem]:
    """Words the template itself doubles ("the the"), whatever fills its slots."""
    found = []
    for start, end in _literal_spans(parsed):
        for match in _DOUBLED_WORD_RE.finditer(parsed.text, start, end):
            found.append(
                _problem(
                    WARNING,
                    "doubled_word",
                    f'"{match.group(1)}" twice in a row: remove one',
                    field=field_name,
                    column=match.start() + 1,
                    text=match.group(),
                )
            )
    return found


def _check_kind_style_answer(
    bank: BankSnapshot, draft: TemplateDraft, problems: list[Problem]
) -> dict[str, RoleInfo] | None:
    """Check the kind, style and answer role; return the kind's roles when the kind exists."""
    if draft.style not in STYLES:
        problems.append(
            _problem(
                ERROR,
                "unknown_style",
                f'unknown style "{_quote(draft.style)}": choose multiple_choice, true_false '
                "or typed",
                field="style",
                text=draft.style,
            )
        )
    roles = bank.kinds.get(draft.kind)
    if roles is None:
        guess = did_you_mean(draft.kind, bank.kinds)
        said = f' (did you mean "{guess}"?)' if guess else ""
        problems.append(
            _problem(
                ERROR,
                "unknown_kind",
                f'unknown kind "{_quote(draft.kind)}"{said}; the kinds are: '
                f"{', '.join(sorted(bank.kinds))}",
                field="kind",
                text=draft.kind,
                hint=guess,
            )
        )
        return None
    if draft.answer_role not in roles:
        guess = did_you_mean(draft.answer_role, roles)
        said = f' (did you mean "{guess}"?)' if guess else ""
        what = (
            f'kind {draft.kind} has no role "{_quote(draft.answer_role)}"{said}'
            if draft.answer_role
            else "choose the role that is the answer"
        )
        problems.append(
            _problem(
                ERROR,
                "unknown_answer_role",
                f"{what}; its roles are: {', '.join(sorted(roles))}",
                field="answer_role",
                text=draft.answer_role,
                hint=guess,
            )
        )
    return roles


def _check_slot_roles(
    parsed: slots.ParsedTemplate,
    field_name: str,
    kind: str,
    roles: dict[str, RoleInfo],
    problems: list[Problem],
) -> None:
    for slot in parsed.slots:
        if slot.role in roles:
            continue
        guess = did_you_mean(slot.role, roles)
        said = f" (did you mean {{{guess}}}?)" if guess else ""
        problems.append(
            _problem(
                ERROR,
                "unknown_role",
                f"the slot {{{slot.role}}} names no role of kind {kind}{said}; its roles are: "
                f"{', '.join(sorted(roles))}",
                field=field_name,
                column=slot.start + 1,
                text=parsed.text[slot.start : slot.end],
                hint=guess,
            )
        )


def _check_answer_slot(
    parsed: slots.ParsedTemplate, draft: TemplateDraft, problems: list[Problem]
) -> None:
    """The answer slot: a question must not print it, a true/false statement must hold it.

    The generator fills whatever the prompt names, so it would print the answer; the bank
    loader refuses both cases, and so does publishing (same messages).
    """
    answer = draft.answer_role
    answer_slots = [slot for slot in parsed.slots if slot.role == answer]
    if draft.style == "true_false":
        if not answer_slots:
            problems.append(
                _problem(
                    ERROR,
                    "answer_not_in_statement",
                    f"a true/false statement must contain the answer slot {{{answer}}}, which "
                    "the generator swaps to make it false",
                    field="prompt",
                )
            )
    elif draft.style in STYLES:
        for slot in answer_slots:
            problems.append(
                _problem(
                    ERROR,
                    "answer_in_prompt",
                    f"the question would print its own answer: remove the slot {{{answer}}} "
                    "(or make the template true_false)",
                    field="prompt",
                    column=slot.start + 1,
                    text=parsed.text[slot.start : slot.end],
                )
            )


def _check_ending(prompt: str, style: str, problems: list[Problem]) -> None:
    text = prompt.rstrip()
    if style == "true_false" and text.endswith("?"):
        problems.append(
            _problem(
                WARNING,
                "statement_ends_with_question_mark",
                'a true/false prompt is a statement players judge: end it with "." rather than "?"',
                field="prompt",
                column=len(text),
                text="?",
            )
        )
    elif style in ("multiple_choice", "typed") and not _ENDS_AS_QUESTION_RE.search(text):
        problems.append(
            _problem(
                WARNING,
                "missing_question_mark",
                'a question ends with "?": add one at the end',
                field="prompt",
                column=len(text) + 1,
                text=_quote(text[-20:]),
            )
        )


# --- Checks on what the generator made ----------------------------------------------------------

# The generator's reasons for leaving a fact out (generation.Skipped), by how they begin,
# with the code a page can key on and what the editor can do about it.
_SKIP_REASONS: tuple[tuple[str, str, Severity, str], ...] = (
    (
        "cannot fill the template: the filled text has",
        "output_too_long",
        ERROR,
        "shorten the template or use slots with shorter values",
    ),
    (
        "answer is not unique",
        "answer_not_unique",
        WARNING,
        "state more in the prompt so that only one fact answers it, or accept that this fact "
        "makes no question",
    ),
    (
        "only ",
        "too_few_wrong_answers",
        WARNING,
        "the typed or true_false style needs no wrong answers",
    ),
    ("cannot fill the template", "cannot_fill", WARNING, ""),
    (
        "the article leaves the list open",
        "open_list",
        WARNING,
        "ask about another role of the fact, or list everyone the article names and drop open",
    ),
    (
        "the template requires",
        "requires_not_met",
        WARNING,
        "as intended if the fact is of another sort; else tag the entity",
    ),
    (
        "the prompt gives the answer away",
        "give_away",
        WARNING,
        "reword the prompt so that it does not name the answer, or ask about another role",
    ),
    ("the quote ", "quote_too_short", WARNING, "a quote needs at least 3 words to ask about"),
    (
        "a quote needs its speaker named",
        "quote_without_speaker",
        WARNING,
        "put the speaker's slot in the prompt",
    ),
)


def _skipped_problems(skipped: Sequence[Skipped]) -> list[Problem]:
    found = []
    for skip in skipped:
        if skip.fact_id is None:
            # The checks above stop generation for every template-level reason the generator
            # has today; a new one still reaches the editor, and blocks like the others.
            found.append(
                _problem(ERROR, "template_invalid", f"the generator refuses it: {skip.reason}")
            )
            continue
        code, severity, advice = "not_made", WARNING, ""
        for prefix, known_code, known_severity, known_advice in _SKIP_REASONS:
            if skip.reason.startswith(prefix):
                code, severity, advice = known_code, known_severity, known_advice
                break
        message = f"makes no question from fact {skip.fact_id}: {skip.reason}"
        found.append(
            _problem(
                severity,
                code,
                f"{message}; {advice}" if advice else message,
                fact_id=skip.fact_id,
            )
        )
    return found


def _no_questions(
    bank: BankSnapshot,
    draft: TemplateDraft,
    prompt: slots.ParsedTemplate,
    explanation: slots.ParsedTemplate | None,
    report: GenerationReport,
) -> Problem:
    if report.skipped:
        why = "every fact that fits it was left out (see the warnings per fact)"
    else:
        of_kind = sum(1 for fact in bank.facts if fact.kind == draft.kind)
        used = prompt.roles | {draft.answer_role} | (explanation.roles if explanation else set())
        if of_kind == 0:
            why = f"there are no facts of kind {draft.kind} yet"
        else:
            why = (
                f"none of the {of_kind} facts of kind {draft.kind} states every role it uses "
                f"({', '.join(sorted(used))}); leave out an optional role"
            )
    return _problem(WARNING, "no_questions", f"makes no questions from today's facts: {why}")


def _align(parsed: slots.ParsedTemplate) -> re.Pattern[str]:
    """A pattern that finds what each slot became in a filled text (one group per slot)."""
    pattern = "".join(
        re.escape(part) if isinstance(part, str) else "(.*?)" for part in parsed.parts
    )
    return re.compile(pattern, re.DOTALL)


def _check_filled(
    parsed: slots.ParsedTemplate, field_name: str, texts: Sequence[tuple[str, str]]
) -> list[Problem]:
    """Check the filled texts of one field: length, and words doubled where a slot meets text.

    A word doubled inside one value ("Duran Duran") is the name's, not the template's.
    """
    found: list[Problem] = []
    label = "prompt" if field_name == "prompt" else "explanation"
    too_long = [(fact_id, text) for fact_id, text in texts if len(text) > MAX_PROMPT_LENGTH]
    if too_long:
        fact_id, longest = max(too_long, key=lambda item: len(item[1]))
        others = f" (and {len(too_long) - 1} more facts)" if len(too_long) > 1 else ""
        found.append(
            _problem(
                ERROR,
                "output_too_long",
                f"the filled {label} has {len(longest)} characters for fact {fact_id}{others}; "
                f"at most {MAX_PROMPT_LENGTH} are allowed: shorten the template",
                field=field_name,
                fact_id=fact_id,
            )
        )

    pattern = _align(parsed)
    seen: set[tuple[int, str]] = set()
    for fact_id, text in texts:
        match = pattern.fullmatch(text)
        if match is None:  # cannot happen for text the template filled; nothing to point at
            continue
        for word, slot, value in _doublings(parsed, match):
            key = (slot.start, word.casefold())
            if key in seen:
                continue
            seen.add(key)
            slot_text = parsed.text[slot.start : slot.end]
            found.append(
                _problem(
                    WARNING,
                    "doubled_word",
                    f'reads "{word} {word}" where {slot_text} is "{_quote(value)}" (fact '
                    f'{fact_id}): the value already says "{word}", so drop it next to the slot',
                    field=field_name,
                    column=slot.start + 1,
                    text=slot_text,
                    fact_id=fact_id,
                )
            )
    return found


def _doublings(
    parsed: slots.ParsedTemplate, match: re.Match[str]
) -> list[tuple[str, slots.Slot, str]]:
    """Words doubled across a slot's edge in one filled text: (word, slot, the slot's value).

    A doubling inside the template's own text is reported on the template already, and one
    inside a single value ("Talk Talk") belongs to the name.
    """
    owners: list[slots.Slot | None] = []  # per character of the filled text: its slot, if any
    values: dict[int, str] = {}
    group = 0
    for part in parsed.parts:
        if isinstance(part, str):
            owners.extend([None] * len(part))
        else:
            group += 1
            owners.extend([part] * len(match.group(group)))
            values[part.start] = match.group(group)
    found = []
    for doubled in _DOUBLED_WORD_RE.finditer(match.string):
        first, second = owners[doubled.start(1)], owners[doubled.start(2)]
        if first is second:
            continue
        slot = second if second is not None else first
        assert slot is not None
        found.append((doubled.group(2), slot, values[slot.start]))
    return found
