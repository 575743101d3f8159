"""Short forms of the bank's names that a quiz host would accept, and the bank's names. No Flask.

A player who types "May" for Brian May or "entourage" for Lady Gaga's entourage names the
answer as a fair host hears it, but only because nobody else in the bank answers to "May" or
"entourage". So short forms are worked out from the whole bank at once (`short_forms`) and the
generator adds them to a typed question's accepted forms (quizapp/questions/generation.py);
the grader then treats them like any alias (quizapp/game/grading.py).

The short forms of an entity, from its name and from each alias:

- the surname of a person or a persona: the last word of a name of two or three plain words
  ("Brian May" -> "May", "Jo Calderone" -> "Calderone"), at least three letters long;
- what follows a possessive ("Lady Gaga's entourage" -> "entourage"): the prompt names the
  owner, and players answer "her entourage";
- the name without a parenthesis ("The Kill (Bury Me)" -> "The Kill");
- what stands before a comma ("Tyler, the Creator" -> "Tyler").

A short form is kept only where no other entity shares it: none of the other entities' names
or aliases contains it as a run of whole words, and no other entity has it as a short form
("Nicole" is neither Deena Nicole's nor Nicole Polizzi's). Names are compared folded
(quizapp.core.text), so case, accents and punctuation never make two forms differ.

The other side: when the grader forgives a typo or a qualifier, the bank's other names decide
whether the answer names someone else ("Snooky" is Snooki only if no entity is called Snooky).
`names_like` (on records) and `bank_names` (on the database) give the names of the entities
of the answer's types, narrowed by `near_answer` to those that can matter to the answer.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Protocol

from rapidfuzz import process
from rapidfuzz.distance import OSA
from sqlmodel import Session, col, select

from quizapp.core.text import fold
from quizapp.models import Entity

# The entity types whose names have surnames (a persona has one too: "Calderone"). Other
# types (bands, shows, awards) are titles, where the last word alone names nothing
# ("Fighters", "Musical").
PERSON_TYPES = frozenset({"person", "character"})
# Words that never make a short form on their own: they would match half the bank's names.
_FUNCTION_WORDS = frozenset(
    "a an and at by for from in of on or the to with her his its their my our your".split()
)
_MIN_LETTERS = 3
_POSSESSIVE = re.compile(r"^.+?['’]s\s+(\S.*)$")
_PARENTHESIS = re.compile(r"\s*\([^)]*\)")


class NamedEntity(Protocol):
    """What `short_forms` reads of an entity (the bank's records and the generator's both)."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def type(self) -> str: ...

    @property
    def aliases(self) -> Sequence[str]: ...


def candidate_forms(name: str, entity_type: str) -> list[str]:
    """The short forms one name of an entity of ``entity_type`` could give (before the bank's
    uniqueness check), in the order of the module's rules."""
    found: list[str] = []
    if entity_type in PERSON_TYPES:
        words = name.split()
        if (
            2 <= len(words) <= 3
            and len(words[-1]) >= _MIN_LETTERS
            and all(word.isalpha() for word in words)
            and not {word.casefold() for word in words} & _FUNCTION_WORDS
        ):
            # Plain words of letters: the surname needs no further check.
            found.append(words[-1])
    if "'" in name or "’" in name:
        possessive = _POSSESSIVE.match(name)
        if possessive and _worth_a_form(possessive.group(1)):
            found.append(possessive.group(1).strip())
    if "(" in name:
        without_parenthesis = _PARENTHESIS.sub("", name).strip()
        if without_parenthesis != name.strip() and _worth_a_form(without_parenthesis):
            found.append(without_parenthesis)
    if "," in name:
        before_comma = name.split(",", 1)[0].strip()
        if _worth_a_form(before_comma):
            found.append(before_comma)
    return found


def _worth_a_form(form: str) -> bool:
    folded = fast_fold(form).split()
    letters = sum(len(word) for word in folded)
    return bool(folded) and letters >= _MIN_LETTERS and not set(folded) <= _FUNCTION_WORDS


_ASCII_SEPARATORS = re.compile(r"[^a-z0-9]+")


def fast_fold(text: str) -> str:
    """`quizapp.core.text.fold`, quicker for plain ASCII (most names): a bank of 100,000 facts
    has some 70,000 entities, and `fold` reads character by character."""
    if not text.isascii():
        return fold(text)
    lowered = text.lower().replace("'", "").replace("`", "").replace("&", " and ")
    return _ASCII_SEPARATORS.sub(" ", lowered).strip()


def short_forms(entities: Iterable[NamedEntity]) -> dict[str, tuple[str, ...]]:
    """Each entity's short forms that no other entity of ``entities`` shares, by entity id.

    Only entities with at least one such form are listed; a form that is already one of the
    entity's names or aliases is not repeated. One pass over every name, whatever the bank's
    size: the check looks up only runs of words as long as the longest candidate.
    """
    entities = list(entities)
    candidates: dict[str, list[tuple[str, str]]] = defaultdict(list)  # folded -> (id, form)
    folded_forms: list[tuple[str, set[str]]] = []
    for entity in entities:
        forms = (entity.name, *entity.aliases)
        own = {fast_fold(form) for form in forms}
        folded_forms.append((entity.id, own))
        for form in forms:
            for short in candidate_forms(form, entity.type):
                key = fast_fold(short)
                if key not in own:
                    candidates[key].append((entity.id, short))
    if not candidates:
        return {}
    longest = max(len(key.split()) for key in candidates)

    # Who answers to each candidate: its own entities, and every entity with a name holding it.
    holders: dict[str, set[str]] = {key: {i for i, _ in found} for key, found in candidates.items()}
    for entity_id, own in folded_forms:
        for folded in own:
            words = folded.split()
            if longest == 1:
                for word in words:
                    if word in holders:
                        holders[word].add(entity_id)
                continue
            for start in range(len(words)):
                for end in range(start + 1, min(len(words), start + longest) + 1):
                    run = " ".join(words[start:end])
                    if run in holders:
                        holders[run].add(entity_id)

    result: dict[str, list[str]] = defaultdict(list)
    for key, found in candidates.items():
        if len(holders[key]) != 1:
            continue
        entity_id, short = found[0]
        if short not in result[entity_id]:
            result[entity_id].append(short)
    return {entity_id: tuple(forms) for entity_id, forms in result.items()}


def names_like(
    entities: Iterable[NamedEntity], accepted: Iterable[Iterable[str]], answer: str | None = None
) -> list[str]:
    """The names and aliases of ``entities`` that a typed answer must not be mistaken for when
    the grader forgives a typo or a qualifier (quizapp.game.grading).

    Given a question's ``accepted`` forms, only entities of the answer's own types count: a
    near namesake or a hedge names another person for a person ("Los Angeles, Las Vegas"),
    while a place after a venue is a qualifier ("Nokia Theatre, Los Angeles"). The answer's
    types are those of the entities named as a part's first form (the generator puts the
    entity's name first); when there are none (a number, a text), every name counts. Given
    the player's ``answer``, only the names that could matter to it are kept (`near_answer`).
    """
    entities = list(entities)
    display = {part[0] for part in map(list, accepted) if part}
    types = {entity.type for entity in entities if entity.name in display}
    names: list[str] = []
    for entity in entities:
        if not types or entity.type in types:
            names.append(entity.name)
            names.extend(entity.aliases)
    return names if answer is None else near_answer(names, answer)


def bank_names(
    session: Session, accepted: Iterable[Iterable[str]] = (), answer: str | None = None
) -> list[str]:
    """`names_like` on the database's bank, the filtering done by the database: what the game
    checks a forgiven answer against, read only then (a bank of 100,000 facts has some 70,000
    entities)."""
    display = {part[0] for part in map(list, accepted) if part}
    types = (
        set(session.exec(select(Entity.type).where(col(Entity.name).in_(display))))
        if display
        else set()
    )
    query = select(Entity.name, Entity.aliases)
    if types:
        query = query.where(col(Entity.type).in_(types))
    names: list[str] = []
    for name, aliases in session.exec(query):
        names.append(name)
        names.extend(aliases)
    return names if answer is None else near_answer(names, answer)


# The most edits the grader ever forgives (quizapp.game.grading.TWO_TYPOS_FROM), and the most
# words of an answer read as one name, with a margin.
_MAX_TYPOS = 2
_MAX_RUN_WORDS = 8


def near_answer(names: Sequence[str], answer: str) -> list[str]:
    """The ``names`` that can change how ``answer`` is graded: those sharing a word with it
    (a second guess, "Los Angeles, Las Vegas"), and those within two edits of a run of its
    words (a near namesake, "Snooky" for Snooki). The grader folds and compares only these,
    whatever the bank's size."""
    words = fast_fold(answer).split()
    answer_words = set(words)
    runs = {
        "".join(words[start:end])
        for start in range(len(words))
        for end in range(start + 1, min(len(words), start + _MAX_RUN_WORDS) + 1)
    }
    folded = [fast_fold(name) for name in names]
    keep = {i for i, text in enumerate(folded) if not answer_words.isdisjoint(text.split())}
    bares = [text.replace(" ", "") for text in folded]
    for run in runs:
        for _, _, index in process.extract(
            run, bares, scorer=OSA.distance, score_cutoff=_MAX_TYPOS, limit=None
        ):
            keep.add(index)
    return [names[i] for i in sorted(keep)]
