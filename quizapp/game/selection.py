"""Which questions a quiz asks, and in what order (docs/game.md, "How a quiz is built").

Plain data in, question ids out: no database, no Flask. `quizapp.game.quizzes` reads the
candidates of a scope and writes the quiz; this module holds the rules a quiz writer would
apply:

- one question per fact: two questions on one fact ask the same thing twice;
- no give-away: what a player has seen of an earlier question (its prompt, its right answer,
  explanation and evidence sentence) never tells a later question's answer: it never holds
  that answer, in any form the grader accepts or the answer entity is known by, together
  with everything the later prompt names (its other entities), folded as `quizapp.core.text`
  folds. Seeing "Lady Gaga" in one question tells nothing about who wore the meat dress;
  "Lady Gaga wore the meat dress" in an earlier feedback does. Wrong choices tell nothing and
  do not count. For a true/false statement, whose answer is no name, what must not be shown
  first is the sentence that proves or disproves it. Conflicts are settled by the order
  where one exists and by leaving a question out where none does;
- a topic quiz ("All about Lady Gaga") prefers questions whose answer is not the topic, and
  holds at most one that is (its prompt is about the topic, and so is every other item);
- true/false statements about half true, half false, when the scope has both;
- styles taken in turn, easiest first; the same choice every time for the same seed.
"""

from __future__ import annotations

import heapq
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from quizapp.core.text import fold, name_readings

# Between the pieces of text a player sees: folds to nothing, so no form matches across two.
_PIECE_BREAK = " | "
# How many questions' clues to ask for at once (one database round trip).
CLUE_BATCH = 64
# The same texts come back again and again: a fact's evidence in each of its questions, a
# name in every question that offers it as a choice.
_fold = lru_cache(maxsize=1 << 16)(fold)
# Each read as written and without possessives: "Dave Grohl's" in an evidence sentence
# names Dave Grohl.
_readings = lru_cache(maxsize=1 << 16)(name_readings)


@dataclass(frozen=True)
class Candidate:
    """A question a quiz could ask: what selection needs to know without its text."""

    id: str
    fact_id: str
    style: str
    difficulty: float
    # A true/false statement's truth; None for the other styles.
    truth: bool | None = None
    # Its answer is the quiz's topic (a topic quiz only).
    answers_topic: bool = False


@dataclass(frozen=True)
class Clues:
    """What a question shows a player, and what it must not have shown them before, folded."""

    shown: str
    hidden: tuple[str, ...]
    # What the question's prompt names besides its answer: one tuple of forms per entity.
    # An earlier text tells the answer only if it names all of these too.
    context: tuple[tuple[str, ...], ...] = ()

    def gives_away(self, later: Clues) -> bool:
        """Whether showing this question first tells a player the answer of ``later``."""
        padded = f" {self.shown} "
        if not any(f" {form} " in padded for form in later.hidden):
            return False
        return all(any(f" {form} " in padded for form in forms) for forms in later.context)


def make_clues(
    *,
    style: str,
    prompt: str,
    choices: Iterable[str],
    solution: str,
    explanation: str | None,
    evidence: str,
    answer_forms: Iterable[str],
    context_entities: Iterable[Iterable[str]] = (),
) -> Clues:
    """A question's clues from its text.

    ``answer_forms`` are every form of its answer: the accepted forms of each part and the
    names and aliases of the answer's entities. A true/false statement hides its evidence
    sentence instead: its answer is true or false, and the sentence decides it.
    ``context_entities`` are the forms of each other entity of the question's fact; those
    its prompt names become the context an earlier text must name too to tell the answer.
    ``choices`` are not shown as clues: a wrong choice tells nothing, and the right one is the
    solution.
    """
    del choices
    pieces = [prompt, solution, explanation or "", evidence]
    shown = _PIECE_BREAK.join(r for piece in pieces for r in _readings(piece))
    hidden: tuple[str, ...]
    context: list[tuple[str, ...]] = []
    if style == "true_false":
        hidden = (_fold(evidence),)
    else:
        hidden = tuple(sorted({r for form in answer_forms for r in _readings(form)} - {""}))
        padded_prompt = f" {_PIECE_BREAK.join(_readings(prompt))} "
        for forms in context_entities:
            folded = tuple(sorted({r for form in forms for r in _readings(form)} - {""}))
            if any(f" {form} " in padded_prompt for form in folded):
                context.append(folded)
    return Clues(shown, tuple(form for form in hidden if form), tuple(sorted(set(context))))


ClueSource = Callable[[Sequence[str]], Mapping[str, Clues]]


def clues_from(known: Mapping[str, Clues]) -> ClueSource:
    """A clue source for clues already at hand (tests, small scopes)."""
    return lambda _ids: known


class _Picks:
    """The questions picked so far and the order the give-aways force between them."""

    def __init__(self, clues: Callable[[Candidate], Clues]):
        self.clues = clues
        self.items: list[Candidate] = []
        # before[a] holds every picked question that must come after a.
        self.before: dict[str, set[str]] = defaultdict(set)
        self.facts: set[str] = set()
        self.styles: Counter[str] = Counter()
        self.truths: Counter[bool] = Counter()
        self.topic_answers = 0

    def edges_with(self, candidate: Candidate) -> tuple[set[str], set[str]]:
        """The picked questions that must come before and after ``candidate``."""
        mine = self.clues(candidate)
        first: set[str] = set()
        then: set[str] = set()
        for item in self.items:
            theirs = self.clues(item)
            if theirs.gives_away(mine):
                then.add(item.id)
            if mine.gives_away(theirs):
                first.add(item.id)
        return first, then

    def fits(self, candidate: Candidate) -> tuple[set[str], set[str]] | None:
        """The order edges ``candidate`` would add, or None if no order avoids a give-away."""
        must_precede, must_follow = self.edges_with(candidate)
        # ``must_precede``: questions whose answer the candidate shows, so they go first;
        # ``must_follow``: questions that show the candidate's answer, so it goes first. A
        # question in both, or reachable from a follower to a predecessor, is a cycle.
        seen, stack = set(must_follow), list(must_follow)
        while stack:
            node = stack.pop()
            if node in must_precede:
                return None
            for after in self.before[node]:
                if after not in seen:
                    seen.add(after)
                    stack.append(after)
        return must_precede, must_follow

    def add(self, candidate: Candidate, edges: tuple[set[str], set[str]]) -> None:
        must_precede, must_follow = edges
        for item_id in must_precede:
            self.before[item_id].add(candidate.id)
        self.before[candidate.id].update(must_follow)
        self.items.append(candidate)
        self.facts.add(candidate.fact_id)
        self.styles[candidate.style] += 1
        if candidate.truth is not None:
            self.truths[candidate.truth] += 1
        self.topic_answers += candidate.answers_topic


# How far selection bends when the strict rules leave the quiz short: first true/false
# statements may lean to one truth, then one question may have the topic as its answer.
_STRICT, _ANY_TRUTH, _ONE_TOPIC_ANSWER = range(3)


def _allowed(picks: _Picks, candidate: Candidate, level: int) -> bool:
    if candidate.fact_id in picks.facts:
        return False
    if candidate.answers_topic and (level < _ONE_TOPIC_ANSWER or picks.topic_answers):
        return False
    if candidate.truth is not None and level < _ANY_TRUTH:
        return picks.truths[candidate.truth] <= picks.truths[not candidate.truth]
    return True


def select_questions(
    candidates: Sequence[Candidate], *, count: int, seed: str, clues: ClueSource
) -> tuple[str, ...]:
    """Pick up to ``count`` of ``candidates`` for a quiz and put them in order.

    At most one question per fact; the style used least so far next, from the facts in a
    seeded order; true/false statements kept even between true and false; a question whose
    answer is the topic only when the quiz would otherwise be short, and one at most; and
    none that an earlier question would give away in every order (see the module's rules).
    The quiz is shorter than ``count`` when the scope runs out of facts. The order is
    `order_questions`'. The seed makes the whole choice the same every time.
    """
    rng = random.Random(seed)
    by_fact: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in sorted(candidates, key=lambda c: c.id):
        by_fact[candidate.fact_id].append(candidate)
    facts = sorted(by_fact)
    rng.shuffle(facts)
    in_order: list[Candidate] = []
    for fact in facts:
        questions = by_fact[fact]
        rng.shuffle(questions)
        in_order.extend(questions)
    first_truth = rng.random() < 0.5
    by_style: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in in_order:
        by_style[candidate.style].append(candidate)

    position = {c.id: i for i, c in enumerate(in_order)}
    known: dict[str, Clues] = {}

    def clues_of(candidate: Candidate) -> Clues:
        if candidate.id not in known:
            start = position[candidate.id]
            batch = [c.id for c in in_order[start : start + CLUE_BATCH] if c.id not in known]
            found = clues(batch)
            known.update((qid, found[qid]) for qid in batch if qid in found)
        return known[candidate.id]

    picks = _Picks(clues_of)
    while len(picks.items) < count:
        picked = _next_pick(picks, by_style)
        if picked is None:
            break
        picks.add(*picked)
    return order_questions(picks.items, picks.before, first_truth=first_truth)


def _next_pick(
    picks: _Picks, by_style: Mapping[str, list[Candidate]]
) -> tuple[Candidate, tuple[set[str], set[str]]] | None:
    """The next question to add and its order edges, or None when no question can be added."""
    styles = sorted(by_style, key=lambda s: (picks.styles[s], s))
    for level in (_STRICT, _ANY_TRUTH, _ONE_TOPIC_ANSWER):
        for style in styles:
            for candidate in by_style[style]:
                if not _allowed(picks, candidate, level):
                    continue
                edges = picks.fits(candidate)
                if edges is not None:
                    return candidate, edges
    return None


def order_questions(
    items: Sequence[Candidate],
    before: Mapping[str, Iterable[str]],
    *,
    first_truth: bool,
) -> tuple[str, ...]:
    """The quiz's order: easiest first, except where a give-away needs another order.

    ``before[a]`` lists the questions that must come after ``a``. True/false statements take
    the true/false places in turn, truth alternating from ``first_truth`` (while both truths
    last): each takes the difficulty of the place it fills, so the easiest statement is not
    always the true one. Ties go by id.
    """
    statements = sorted(
        (c for c in items if c.truth is not None), key=lambda c: (c.difficulty, c.id)
    )
    places = [c.difficulty for c in statements]
    by_truth = {truth: [c for c in statements if c.truth is truth] for truth in (True, False)}
    turn: list[Candidate] = []
    want = first_truth
    while by_truth[True] or by_truth[False]:
        if not by_truth[want]:
            want = not want
        turn.append(by_truth[want].pop(0))
        want = not want
    key: dict[str, tuple[float, int, str]] = {
        c.id: (c.difficulty, -1, c.id) for c in items if c.truth is None
    }
    key.update((c.id, (places[i], i, c.id)) for i, c in enumerate(turn))

    ids = {c.id for c in items}
    waiting = Counter(after for item in ids for after in before.get(item, ()) if after in ids)
    ready = [key[i] for i in ids if not waiting[i]]
    heapq.heapify(ready)
    ordered: list[str] = []
    while ready:
        _difficulty, _place, item_id = heapq.heappop(ready)
        ordered.append(item_id)
        for after in before.get(item_id, ()):
            if after in ids:
                waiting[after] -= 1
                if not waiting[after]:
                    heapq.heappush(ready, key[after])
    return tuple(ordered)
