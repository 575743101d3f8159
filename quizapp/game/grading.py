"""Grading a player's answer: a pick among the choices offered, or a typed answer. No Flask.

`grade_answer` is where every answer is graded, whatever the question's style:

- An empty answer (or only spaces) is a skip in every style: not right, "No answer.". It is
  what the page sends when the time runs out.
- Multiple choice: the answer must be one of the choices offered, exactly as offered (else
  `NotOnOffer`); it is right when it is the accepted one.
- True/false: "true" or "false", ignoring case and spaces at the ends (else `NotOnOffer`);
  right when it is the statement's truth.
- Typed: matched forgivingly against the accepted forms by `match_answer`, below.

The rest of this docstring is about typed answers.

An expected answer is a list of *parts*; each part is a list of accepted *forms*. The first
form is the part's display name, the others are aliases. When several entities are acceptable
for a one-part answer ("name one of the two catchers"), all their forms sit in that one part.

    [["Lady Gaga", "Gaga"]]                                  one part
    [["Kanye West", "Kanye", "Ye"], ["Kid Cudi", "Cudi"]]    two parts

The rules, in the order they are applied:

Normalization (``quizapp.core.text.fold``)
    Case, accents, punctuation and spacing never matter. Text is casefolded and NFKD-decomposed
    with combining marks dropped (``Beyoncé`` -> ``beyonce``); letters NFKD leaves alone are
    folded by hand (``ø`` -> ``o``, ``æ`` -> ``ae``, ``ł`` -> ``l`` ...). ``&`` becomes the word
    ``and``. Apostrophes (straight, curly, backtick) are removed, so ``Guns N' Roses`` ->
    ``guns n roses`` and ``Destiny's Child`` -> ``destinys child``. Every other character that
    is not a letter or digit (hyphens, dots, commas, quotes, ``!`` ...) separates words:
    ``Jay-Z``, ``JAY Z`` and ``jay z`` all give ``jay z``; ``Tyler, the Creator`` gives
    ``tyler the creator``. Whitespace is collapsed and stripped.

Comparison
    Two normalized texts are compared twice, as they are and with all spaces removed, and the
    smaller distance counts: ``JayZ`` is ``Jay-Z``, ``Lady  Ga ga`` is ``Lady Gaga``. The
    distance is the optimal-string-alignment (restricted Damerau-Levenshtein) distance, so a
    swap of two neighbouring letters (``Kanye Wset``) is one edit.

Typos
    How many edits a form tolerates depends on its length in letters and digits (spaces not
    counted): fewer than ``EXACT_BELOW`` (7) -> none, so ``Chet`` is not ``Cher`` and ``Adela``
    is not ``Adele``; 7 to 12 -> one (``Beyonse``, ``Lady Gag``, ``Kid Cudy``); ``TWO_TYPOS_FROM``
    (13) or more -> two (``Jutsin Timberlaek``). Short names are where different people's names
    sit one letter apart, hence no tolerance there; aliases are judged on their own length.

Never a different person (``other_names``)
    The caller may pass the names of other entities it knows (the wrong choices, entities of the
    same type). A typo is not accepted for a part when the given text is at least as close to
    one of those names, or to a form of another part of the same answer, as to the part's best
    form: with ``other_names=["Kid Rock"]``, ``Kid Rock`` is wrong for Kid Cudi, ``Kid Cudy`` is
    right. An exact accepted form always counts, even if an other name is spelt the same: the
    caller listed it as right.

Several parts
    Order does not matter and the parts may be joined by ``and``, ``&``, ``with``, ``,``,
    ``+``, ``/`` or ``;``. Matching goes in three steps:

    1. The whole answer is compared with each part's forms (typos allowed). If it matches a
       part, it is that part and nothing else. This keeps names containing a separator whole,
       even misspelt (``Tyler, the Creater``, ``Simon & Garfunkle``).
    2. Otherwise the answer is cut into pieces: exact accepted forms or other names (which may
       contain separators themselves: ``Tyler, the Creator``, ``AC/DC``), separators, and
       leftover *chunks*. An exact form only counts where it stands between separators, the
       ends of the answer, or other exact forms; so ``Kanye West Kid Cudi`` is two names but
       the alias ``Kanye`` is not picked out of ``Kanye Wset`` nor ``Jay`` out of ``Jay Leno``.
       The cut leaving the fewest words in chunks wins.
    3. Leftover chunks, alone or merged with their neighbours across separators, are compared
       with the parts still missing, best pairs first, each chunk and part used once.

    A piece naming a part already matched is a duplicate and is ignored (``Kanye and Kanye
    West`` names one part). A piece matching no part, or matching an other name, is *extra*.
    The answer is correct when every part is matched and nothing is extra.

Limits
    An empty answer (or one with only punctuation) is not graded and asks for an answer. An
    answer longer than ``MAX_ANSWER_LENGTH`` (200) characters after stripping is wrong without
    being examined, which caps the work done for any input.

Results
    ``accepted_as`` lists the matched parts' display names in expected order. ``missing`` lists
    the parts not given, only for answers of several parts (a one-part answer that misses is
    just wrong). ``extra`` holds the extra pieces as the player typed them. ``message`` is one
    sentence for the player. For a part listing several entities, the display name is that of
    the first one, whichever entity the player named.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from quizapp.core.text import fold, words

# The one bound on an answer's length: the game refuses a longer one before grading it
# (quizapp.game.play) and the API declares it in its schema (quizapp.api.schemas); the check
# in match_answer caps the work for any other caller.
MAX_ANSWER_LENGTH = 200
TRUE_FALSE = ("true", "false")
EXACT_BELOW = 7
TWO_TYPOS_FROM = 13
# Chunks merged into one candidate name in step 3; enough for "Crosby, Stills, Nash & Young".
MAX_MERGED_CHUNKS = 6

_BREAK_CHARS = frozenset(",;/+")
_CONNECTOR_WORDS = frozenset({"and", "with"})


@dataclass(frozen=True)
class MatchResult:
    """The grade of one typed answer."""

    correct: bool
    accepted_as: tuple[str, ...]
    missing: tuple[str, ...]
    extra: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class _Token:
    word: str
    start: int
    end: int
    break_before: bool
    connector: bool


@dataclass(frozen=True)
class _Text:
    spaced: str
    bare: str

    @classmethod
    def of(cls, normalized: str) -> "_Text":
        return cls(normalized, normalized.replace(" ", ""))


@dataclass(frozen=True)
class _Part:
    display: str
    forms: tuple[_Text, ...]


@dataclass(frozen=True)
class _Names:
    spaced: tuple[str, ...]
    bare: tuple[str, ...]


def _tokenize(text: str) -> list[_Token]:
    """The words of ``text`` (quizapp.core.text), each marked with whether a list separator
    (",", ";", "/", "+") comes before it and whether it is a connector ("and", "with")."""
    tokens: list[_Token] = []
    previous_end = 0
    for word in words(text):
        gap = text[previous_end : word.start]
        tokens.append(
            _Token(
                word.text,
                word.start,
                word.end,
                any(ch in _BREAK_CHARS for ch in gap),
                word.text in _CONNECTOR_WORDS,
            )
        )
        previous_end = word.end
    return tokens


def _allowed_typos(form: _Text) -> int:
    length = len(form.bare)
    if length < EXACT_BELOW:
        return 0
    if length < TWO_TYPOS_FROM:
        return 1
    return 2


def _distance(a: _Text, b: _Text, cutoff: int) -> int:
    # Both spellings: spaces are free ("jayz" = "jay z"), and with spaces a transposition
    # across a word boundary still counts as one edit.
    return min(
        OSA.distance(a.spaced, b.spaced, score_cutoff=cutoff),
        OSA.distance(a.bare, b.bare, score_cutoff=cutoff),
    )


def _prepare_parts(expected: Sequence[Sequence[str]]) -> list[_Part]:
    if isinstance(expected, str):
        raise TypeError("expected must be a list of parts, each a list of forms")
    parts: list[_Part] = []
    for part in expected:
        # A bare string is a Sequence[str] too, and would silently become one form per letter.
        if isinstance(part, str):
            raise TypeError(f"each part must be a list of forms, not the string {part!r}")
        forms = list(part)
        if not forms or not all(isinstance(f, str) for f in forms):
            raise ValueError(f"a part must hold at least one form, all strings: {forms!r}")
        texts: dict[str, _Text] = {}
        for form in forms:
            text = _Text.of(fold(form))
            if text.bare and text.bare not in texts:
                texts[text.bare] = text
        if not texts:
            raise ValueError(f"a part has no form with letters or digits: {forms!r}")
        parts.append(_Part(forms[0].strip(), tuple(texts.values())))
    if not parts:
        raise ValueError("expected has no parts")
    return parts


def _prepare_others(other_names: Iterable[str]) -> dict[str, _Text]:
    if isinstance(other_names, str):
        raise TypeError("other_names must be an iterable of names, not a string")
    others: dict[str, _Text] = {}
    for name in other_names:
        text = _Text.of(fold(name))
        if text.bare:
            others.setdefault(text.bare, text)
    return others


def _veto_names(parts: list[_Part], others: dict[str, _Text]) -> list[_Names]:
    vetoes: list[_Names] = []
    for index, part in enumerate(parts):
        own = {form.bare for form in part.forms}
        names = [t for t in others.values() if t.bare not in own]
        names += [
            form
            for other_index, other in enumerate(parts)
            if other_index != index
            for form in other.forms
            if form.bare not in own
        ]
        vetoes.append(_Names(tuple(n.spaced for n in names), tuple(n.bare for n in names)))
    return vetoes


def _vetoed(text: _Text, distance: int, veto: _Names) -> bool:
    if not veto.spaced:
        return False
    for query, choices in ((text.spaced, veto.spaced), (text.bare, veto.bare)):
        hit = process.extractOne(
            query, choices, scorer=OSA.distance, score_cutoff=distance, processor=None
        )
        if hit is not None:
            return True
    return False


def _part_distance(text: _Text, part: _Part, veto: _Names) -> int | None:
    """Distance from text to the part's closest form, or None if it is not a match."""
    best: int | None = None
    for form in part.forms:
        allowed = _allowed_typos(form)
        distance = _distance(text, form, allowed)
        if distance <= allowed and (best is None or distance < best):
            best = distance
    if best is None or (best > 0 and _vetoed(text, best, veto)):
        return None
    return best


# Kinds of piece in the segmentation of step 2.
_NONE, _CONNECTOR, _FORM, _CHUNK = range(4)


@dataclass(frozen=True)
class _Piece:
    kind: int
    start: int  # token indexes, end exclusive
    end: int
    key: str = ""


def _segment(tokens: list[_Token], keys: set[str], max_key_length: int) -> list[_Piece]:
    """Cut the tokens into exact forms, connectors and chunks, leaving fewest words in chunks.

    A chunk may not cross a separator and may not touch a form or another chunk without a
    separator between them; forms may cross separators and may touch each other.
    """
    n = len(tokens)
    # best[i][kind of last piece] = ((words in chunks, pieces), previous index, previous kind,
    # piece); fewest chunk words first, then fewest pieces so that longer forms win.
    best: list[dict[int, tuple[tuple[int, int], int, int, _Piece | None]]] = [
        {} for _ in range(n + 1)
    ]
    best[0][_NONE] = ((0, 0), -1, -1, None)

    def relax(j: int, kind: int, cost: tuple[int, int], i: int, last: int, piece: _Piece) -> None:
        current = best[j].get(kind)
        if current is None or cost < current[0]:
            best[j][kind] = (cost, i, last, piece)

    for i in range(n):
        for last, (cost, _, _, _) in list(best[i].items()):
            separated = last in (_NONE, _CONNECTOR) or tokens[i].break_before
            if tokens[i].connector:
                relax(
                    i + 1, _CONNECTOR, (cost[0], cost[1] + 1), i, last, _Piece(_CONNECTOR, i, i + 1)
                )
            if last != _CHUNK or separated:
                key = ""
                for j in range(i + 1, n + 1):
                    key += tokens[j - 1].word
                    if len(key) > max_key_length:
                        break
                    if key in keys:
                        relax(j, _FORM, (cost[0], cost[1] + 1), i, last, _Piece(_FORM, i, j, key))
            if tokens[i].connector or (last in (_FORM, _CHUNK) and not separated):
                continue
            for j in range(i + 1, n + 1):
                if j - 1 > i and (tokens[j - 1].connector or tokens[j - 1].break_before):
                    break
                relax(j, _CHUNK, (cost[0] + j - i, cost[1] + 1), i, last, _Piece(_CHUNK, i, j))

    kind = min(best[n], key=lambda k: best[n][k][0])
    pieces: list[_Piece] = []
    j = n
    while j > 0:
        _, i, last, piece = best[j][kind]
        assert piece is not None
        pieces.append(piece)
        j, kind = i, last
    pieces.reverse()
    return pieces


def _join(names: Sequence[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _verb(names: Sequence[str]) -> str:
    return "is" if len(names) == 1 else "are"


def _message(accepted: Sequence[str], missing: Sequence[str], extra: Sequence[str]) -> str:
    if not accepted:
        return "Not quite."
    if missing and extra:
        return (
            f"Almost: you named {_join(accepted)} but not {_join(missing)}, "
            f"and {_join(extra)} {_verb(extra)} not part of the answer."
        )
    if missing:
        return f"Almost: you named {_join(accepted)} but not {_join(missing)}."
    if extra:
        return (
            f"Almost: {_join(accepted)} {_verb(accepted)} right, "
            f"but {_join(extra)} {_verb(extra)} not part of the answer."
        )
    return f"Right: {_join(accepted)}."


def _result(parts: list[_Part], matched: set[int], extra: Sequence[str]) -> MatchResult:
    accepted = tuple(part.display for index, part in enumerate(parts) if index in matched)
    not_given = tuple(part.display for index, part in enumerate(parts) if index not in matched)
    # A one-part answer that misses is simply wrong; naming its part "missing" adds nothing.
    missing = not_given if len(parts) > 1 else ()
    correct = not not_given and not extra
    return MatchResult(
        correct, accepted, missing, tuple(extra), _message(accepted, not_given, extra)
    )


def _ungraded(message: str) -> MatchResult:
    return MatchResult(False, (), (), (), message)


def match_answer(
    expected: Sequence[Sequence[str]], given: str, *, other_names: Iterable[str] = ()
) -> MatchResult:
    """Grade the typed answer ``given`` against ``expected`` (a list of parts of forms).

    ``other_names`` are names of other entities the caller knows (wrong choices, entities of
    the same type): a typo at least as close to one of them as to the expected form is not
    accepted. Raises TypeError or ValueError for a malformed ``expected``. The rules are in
    the module docstring.
    """
    parts = _prepare_parts(expected)
    stripped = given.strip()
    if len(stripped) > MAX_ANSWER_LENGTH:
        return _ungraded("That answer is too long: type just the answer.")
    tokens = _tokenize(stripped)
    if not tokens:
        return _ungraded("Please type an answer.")
    others = _prepare_others(other_names)
    vetoes = _veto_names(parts, others)

    # Step 1: the whole answer as one name.
    whole = _Text.of(" ".join(token.word for token in tokens))
    distances = [_part_distance(whole, part, vetoes[i]) for i, part in enumerate(parts)]
    found = [(d, i) for i, d in enumerate(distances) if d is not None]
    if found:
        return _result(parts, {min(found)[1]}, ())

    # Step 2: exact forms and other names, between separators.
    part_keys: dict[str, list[int]] = {}
    for index, part in enumerate(parts):
        for form in part.forms:
            part_keys.setdefault(form.bare, []).append(index)
    keys = set(part_keys) | set(others)
    pieces = _segment(tokens, keys, max(len(key) for key in keys))

    matched: set[int] = set()
    extra_spans: list[tuple[int, int]] = []
    runs: list[list[_Piece]] = [[]]
    for piece in pieces:
        if piece.kind == _FORM:
            runs.append([])
            candidates = part_keys.get(piece.key)
            if candidates is None:
                extra_spans.append((piece.start, piece.end))
            else:
                unmatched = [i for i in candidates if i not in matched]
                # Otherwise a duplicate of a part already named: not extra, not a second part.
                if unmatched:
                    matched.add(unmatched[0])
        elif piece.kind == _CHUNK:
            runs[-1].append(piece)

    # Step 3: leftover chunks, alone or merged with neighbours, to the parts still missing;
    # then whatever is left to the parts already matched, as duplicates.
    used: set[int] = set()  # token start of each chunk used
    for want_matched in (False, True):
        options: list[tuple[int, ...]] = []
        for run_index, run in enumerate(runs):
            for a in range(len(run)):
                for b in range(a, min(len(run), a + MAX_MERGED_CHUNKS)):
                    if any(run[c].start in used for c in range(a, b + 1)):
                        break
                    start, end = run[a].start, run[b].end
                    text = _Text.of(" ".join(token.word for token in tokens[start:end]))
                    for index, part in enumerate(parts):
                        if (index in matched) != want_matched:
                            continue
                        distance = _part_distance(text, part, vetoes[index])
                        if distance is not None:
                            # Sorted: closest first, then the longest text, then text order.
                            options.append((distance, start - end, start, index, run_index, a, b))
        options.sort()
        for _, _, _, index, run_index, a, b in options:
            run = runs[run_index]
            chunk_starts = [run[c].start for c in range(a, b + 1)]
            if any(s in used for s in chunk_starts):
                continue
            if not want_matched:
                if index in matched:
                    continue
                matched.add(index)
            used.update(chunk_starts)

    for run in runs:
        extra_spans.extend((p.start, p.end) for p in run if p.start not in used)
    extra_spans.sort()
    extra = [stripped[tokens[i].start : tokens[j - 1].end] for i, j in extra_spans]
    return _result(parts, matched, extra)


# --- Every style ------------------------------------------------------------------------------


class NotOnOffer(ValueError):
    """The answer is not one the question offers: a choice not among the choices, a true/false
    answer that is neither. The message says what the answer must be."""


@dataclass(frozen=True)
class Grade:
    """The grade of one answer: right or not, and one sentence for the player."""

    correct: bool
    message: str


RIGHT = "Right!"
NOT_QUITE = "Not quite."
NO_ANSWER = "No answer."


def grade_answer(
    style: str, accepted: Sequence[Sequence[str]], given: str, *, choices: Sequence[str] = ()
) -> Grade:
    """Grade ``given`` for a question of ``style`` whose right answer is ``accepted``.

    ``accepted`` is the question's list of parts of accepted forms; for multiple choice and
    true/false its first form is the one right choice ("true" or "false" for the latter).
    ``choices`` are the choices offered (multiple choice). Raises NotOnOffer for an answer the
    question does not offer; the rules are in the module docstring.
    """
    if not given.strip():
        return Grade(False, NO_ANSWER)
    if style == "multiple_choice":
        if given not in choices:
            raise NotOnOffer("the answer must be one of the choices offered")
        return _right_or_not(given == accepted[0][0])
    if style == "true_false":
        value = given.strip().casefold()
        if value not in TRUE_FALSE:
            raise NotOnOffer('the answer must be "true" or "false"')
        return _right_or_not(value == accepted[0][0])
    result = match_answer(accepted, given)
    return Grade(result.correct, result.message)


def _right_or_not(right: bool) -> Grade:
    return Grade(right, RIGHT if right else NOT_QUITE)
