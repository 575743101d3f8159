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

Numbers
    Numbers in words and ordinals become digits, in answers and accepted forms alike:
    ``28th``, ``twenty-eighth``, ``Twenty Eight`` and ``28`` are all ``28``; ``Thirty Seconds
    to Mars`` is ``30 Seconds to Mars``.

Leading words
    A piece of an answer is also compared without a leading ``the``, ``a``, ``an``, ``her``,
    ``his`` or ``their`` (``LEADING_WORDS``), and every accepted form without a leading
    ``the`` (not ``a``: ``A-ha`` is not ``ha``): ``the meat dress``, ``her meat dress`` and
    ``a Moonman and a clutch`` are right, and so is ``Kill`` for ``The Kill``. Short forms
    such as ``May`` for Brian May are not made here: the generator adds them to the accepted
    forms where the whole bank allows (quizapp/bank/names.py).

Comparison
    Two normalized texts are compared twice, as they are and with all spaces removed, and the
    smaller distance counts: ``JayZ`` is ``Jay-Z``, ``Lady  Ga ga`` is ``Lady Gaga``. The
    distance is the optimal-string-alignment (restricted Damerau-Levenshtein) distance, so a
    swap of two neighbouring letters (``Kanye Wset``) is one edit.

Typos
    How many edits a form tolerates depends on its length in letters and digits (spaces not
    counted): fewer than ``EXACT_BELOW`` (5) -> none, so ``Chet`` is not ``Cher``; 5 to 12 ->
    one (``Snooky``, ``Beyonse``, ``Lady Gag``, ``Kid Cudy``); ``TWO_TYPOS_FROM`` (13) or more
    -> two (``Jutsin Timberlaek``). Aliases are judged on their own length. A different digit
    is never a typo: ``2011 VMAs`` is not ``2010 VMAs``. Short names are where different
    people's names sit one letter apart: a typo counts only when no other name is as close
    (below), which is why the game passes the bank's names (`grade_answer`'s ``names``).

Never a different person (``other_names``)
    The caller may pass the names of other entities it knows (the game passes the names of
    the bank's entities of the answer's types, quizapp.bank.names.names_like). A typo is not
    accepted for a part when the given text is at least as close to one of those names, or to
    a form of another part of the same answer, as to the part's best form: with
    ``other_names=["Kid Rock"]``, ``Kid Rock`` is wrong for Kid Cudi, ``Kid Cudy`` is right.
    An exact accepted form always counts, even if an other name is spelt the same: the caller
    listed it as right.

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

Qualifiers
    Once every part is matched, a few words in parentheses (``Brian May (Queen)``), or after
    a comma at the end of a one-part answer (``Los Angeles, California``), are set aside as a
    harmless qualifier, unless they hedge (``or``, ``maybe`` ...: ``Los Angeles (or Vegas)``)
    or hold, or are a typo away from, an other name: ``Los Angeles, Las Vegas`` is a second
    guess, and wrong. ``and`` and ``with`` join parts; they never start a qualifier.

Describing words
    A piece that is a missing part's name with one or two describing words before it (``a
    lit cigarette``, ``the raw meat dress``) names that part, the words set aside like a
    qualifier, unless they hedge or are an other name. Only the part's own name counts (not
    an alias or short form: ``Miranda Lambert`` does not name Adam Lambert by his surname),
    and the answer is lenient, so the game checks it against the bank's names too.

Limits
    An empty answer (or one with only punctuation) is not graded and asks for an answer. An
    answer longer than ``MAX_ANSWER_LENGTH`` (200) characters after stripping is wrong without
    being examined, which caps the work done for any input.

Results
    ``accepted_as`` lists the matched parts' display names in expected order. ``missing`` lists
    the parts not given, only for answers of several parts (a one-part answer that misses is
    just wrong). ``extra`` holds the extra pieces as the player typed them. ``message`` is one
    sentence for the player, which never contradicts itself: a piece that reads like a missing
    part (a word of it misspelt or extended, ``clutchy``) is said to be not close enough to
    it, never "not part of the answer". ``why`` says how each piece was read, for reviewers
    (`quizapp grade`). ``lenient`` marks a right answer that needed a typo or a qualifier. For
    a part listing several entities, the display name is that of the first one, whichever
    entity the player named.
"""

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

from quizapp.core.text import words

# The one bound on an answer's length: the game refuses a longer one before grading it
# (quizapp.game.play) and the API declares it in its schema (quizapp.api.schemas); the check
# in match_answer caps the work for any other caller.
MAX_ANSWER_LENGTH = 200
TRUE_FALSE = ("true", "false")
EXACT_BELOW = 5
TWO_TYPOS_FROM = 13
# Chunks merged into one candidate name in step 3; enough for "Crosby, Stills, Nash & Young".
MAX_MERGED_CHUNKS = 6
# The longest qualifier forgiven after a comma, and inside parentheses, in words.
MAX_COMMA_QUALIFIER = 4
MAX_PAREN_QUALIFIER = 6
# The shortest word that a longer word starting with it is read as an attempt at ("clutchy").
_MIN_WORD = 3

_BREAK_CHARS = frozenset(",;/+()")
_CONNECTOR_WORDS = frozenset({"and", "with"})
# Words that make a would-be qualifier a second guess ("Los Angeles (or Vegas)").
_HEDGE_WORDS = frozenset({"or", "nor", "either", "maybe", "perhaps", "not"})
# Words a player puts before a name that the name does not need ("the meat dress", "her
# entourage"): a piece is also compared without one of them at its start.
LEADING_WORDS = frozenset({"the", "a", "an", "her", "his", "their"})
_TITLE_ARTICLES = frozenset({"the"})

_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_UNIT_ORDINALS = (
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
# word -> (value, is an ordinal)
_NUMBER_WORDS: dict[str, tuple[int, bool]] = {
    **{word: (n, False) for n, word in enumerate(_UNITS)},
    **{word: (n, True) for n, word in enumerate(_UNIT_ORDINALS)},
    **{word: (20 + 10 * n, False) for n, word in enumerate(_TENS)},
    **{word[:-1] + "ieth": (20 + 10 * n, True) for n, word in enumerate(_TENS)},
    "hundred": (100, False),
    "hundredth": (100, True),
    "thousand": (1000, False),
    "thousandth": (1000, True),
}
_DIGIT_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)$")
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class MatchResult:
    """The grade of one typed answer.

    ``why`` says, for a reviewer, how each piece of the answer was read (the form it matched
    and with how many typos, a qualifier set aside, another name of the bank, a part missing).
    ``lenient`` is true when the answer was accepted only thanks to a typo or a qualifier: the
    cases where the bank's other names can change the verdict (`grade_answer`'s ``names``).
    """

    correct: bool
    accepted_as: tuple[str, ...]
    missing: tuple[str, ...]
    extra: tuple[str, ...]
    message: str
    why: tuple[str, ...] = field(default=(), compare=False)
    lenient: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class _Token:
    word: str
    start: int
    end: int
    break_before: bool
    connector: bool
    comma_before: bool = False
    in_parens: bool = False


@dataclass(frozen=True)
class _Text:
    spaced: str
    bare: str

    @classmethod
    def of(cls, normalized: str) -> "_Text":
        return cls(normalized, normalized.replace(" ", ""))

    def variants(self, leading: frozenset[str] = LEADING_WORDS) -> tuple["_Text", ...]:
        """The text, and the text without a leading "the", "a", "her" ... if more follows."""
        first, _, rest = self.spaced.partition(" ")
        if rest and first in leading:
            return (self, _Text.of(rest))
        return (self,)


@dataclass(frozen=True)
class _Part:
    display: str
    forms: tuple[_Text, ...]


@dataclass(frozen=True)
class _Names:
    spaced: tuple[str, ...]
    bare: tuple[str, ...]


@dataclass(frozen=True)
class _Hit:
    """How a piece of text matched a part: the form, and the typos it took."""

    distance: int
    form: _Text


def _number_at(tokens: Sequence[str], i: int) -> tuple[int, int] | None:
    """The number that number words starting at ``tokens[i]`` spell, and the index after
    them ("twenty eighth" -> 28), or None. Ends after an ordinal or where the words would no
    longer make one number ("one two" is two numbers)."""
    total = current = 0
    last: str | None = None
    j = i
    while j < len(tokens) and tokens[j] in _NUMBER_WORDS:
        value, ordinal = _NUMBER_WORDS[tokens[j]]
        kind = (
            "unit"
            if value < 20
            else "ten"
            if value < 100
            else "hundred"
            if value == 100
            else "thousand"
        )
        allowed = {
            None: {"unit", "ten", "hundred", "thousand"},
            "unit": {"hundred", "thousand"},
            "ten": {"unit", "thousand"},
            "hundred": {"unit", "ten", "thousand"},
            "thousand": {"unit", "ten"},
        }[last]
        if kind not in allowed or (last == "ten" and kind == "unit" and value >= 10):
            break
        if kind == "hundred":
            current = (current or 1) * 100
        elif kind == "thousand":
            total += (current or 1) * 1000
            current = 0
        else:
            current += value
        last = kind
        j += 1
        if ordinal:
            break
    if j == i:
        return None
    return total + current, j


def _with_numbers(tokens: list[_Token]) -> list[_Token]:
    """Numbers in words or with an ordinal ending become digits ("28th", "twenty-eighth" and
    "twenty eight" are all "28"), in answers and in accepted forms alike."""
    texts = [token.word for token in tokens]
    merged: list[_Token] = []
    i = 0
    while i < len(tokens):
        digit_ordinal = _DIGIT_ORDINAL.match(texts[i])
        number = _number_at(texts, i)
        if digit_ordinal:
            merged.append(_replace_word(tokens[i], tokens[i], digit_ordinal.group(1)))
            i += 1
        elif number is not None:
            value, j = number
            merged.append(_replace_word(tokens[i], tokens[j - 1], str(value)))
            i = j
        else:
            merged.append(tokens[i])
            i += 1
    return merged


def _replace_word(first: _Token, last: _Token, word: str) -> _Token:
    return _Token(
        word, first.start, last.end, first.break_before, False, first.comma_before, first.in_parens
    )


def _tokenize(text: str) -> list[_Token]:
    """The words of ``text`` (quizapp.core.text) with numbers as digits, each marked with
    whether a list separator (",", ";", "/", "+", a parenthesis) comes before it, whether that
    was a comma, whether it stands inside parentheses, and whether it is a connector ("and",
    "with")."""
    tokens: list[_Token] = []
    previous_end = 0
    depth = 0
    for word in words(text):
        gap = text[previous_end : word.start]
        for ch in gap:
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth = max(depth - 1, 0)
        tokens.append(
            _Token(
                word.text,
                word.start,
                word.end,
                any(ch in _BREAK_CHARS for ch in gap),
                word.text in _CONNECTOR_WORDS,
                "," in gap,
                depth > 0,
            )
        )
        previous_end = word.end
    return _with_numbers(tokens)


def _normalize(text: str) -> str:
    return " ".join(token.word for token in _tokenize(text))


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
    distance = min(
        OSA.distance(a.spaced, b.spaced, score_cutoff=cutoff),
        OSA.distance(a.bare, b.bare, score_cutoff=cutoff),
    )
    # A different digit is a different number or year ("2011 VMAs"), never a typo.
    if distance and _DIGITS.findall(a.spaced) != _DIGITS.findall(b.spaced):
        return cutoff + 1
    return distance


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
            whole = _Text.of(_normalize(form))
            # "The" is what a title can lose ("Kill" for "The Kill"); "A" is part of "A-ha".
            for text in whole.variants(_TITLE_ARTICLES):
                if text is not whole and len(text.bare) < 3:
                    continue
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
        text = _Text.of(_normalize(name))
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


def _rival(text: _Text, distance: int, veto: _Names) -> str | None:
    """A name of ``veto`` at most ``distance`` edits from ``text``, if there is one."""
    if not veto.spaced:
        return None
    for query, choices in ((text.spaced, veto.spaced), (text.bare, veto.bare)):
        hit = process.extractOne(
            query, choices, scorer=OSA.distance, score_cutoff=distance, processor=None
        )
        if hit is not None:
            return veto.spaced[hit[2]]
    return None


def _part_hit(
    text: _Text, part: _Part, veto: _Names, notes: list[str] | None = None
) -> _Hit | None:
    """The part's closest form to ``text`` (or to it without a leading "the" ...), or None if
    it is not a match. A typo as close to another name as to the form is not a match, and says
    so in ``notes``."""
    best: _Hit | None = None
    for variant in text.variants():
        for form in part.forms:
            allowed = _allowed_typos(form)
            distance = _distance(variant, form, allowed)
            if distance <= allowed and (best is None or distance < best.distance):
                best = _Hit(distance, form)
    if best is None or best.distance == 0:
        return best
    rival = _rival(text, best.distance, veto)
    if rival is not None:
        if notes is not None:
            notes.append(
                f'"{text.spaced}" is as close to {rival!r}, another name, as to {part.display}'
            )
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


def _quoted(texts: Sequence[str]) -> str:
    return _join([f"“{text}”" for text in texts])


def _message(
    accepted: Sequence[str],
    missing: Sequence[str],
    extra: Sequence[str],
    near_misses: Sequence[str],
) -> str:
    """One sentence for the player, never contradicting itself: a piece that reads like a
    missing part (``near_misses``) is said to be too far from it, not "not part of the
    answer"."""
    if not accepted:
        return "Not quite."
    if missing:
        sentence = f"Almost: you named {_join(accepted)} but not {_join(missing)}"
        if near_misses:
            sentence += (
                f" ({_quoted(near_misses)} {_verb(near_misses)} not close enough "
                f"to {_join(missing)} to count)"
            )
        if extra:
            sentence += f", and {_join(extra)} {_verb(extra)} not part of the answer"
        return sentence + "."
    if extra:
        return (
            f"Almost: {_join(accepted)} {_verb(accepted)} right, "
            f"but {_join(extra)} {_verb(extra)} not part of the answer."
        )
    return f"Right: {_join(accepted)}."


# How many describing words may stand before a part's name ("a lit cigarette").
MAX_DESCRIBING_WORDS = 2


def _described(text: str, part: _Part, others: dict[str, _Text]) -> str | None:
    """The describing words before the part's own name in ``text`` ("lit" in "a lit
    cigarette"), or None if ``text`` is not its name with one or two such words before it."""
    words = _normalize(text).split()
    if words and words[0] in LEADING_WORDS:
        words = words[1:]
    name = part.forms[0].spaced.split()
    extra = len(words) - len(name)
    if not 1 <= extra <= MAX_DESCRIBING_WORDS or words[extra:] != name:
        return None
    prefix = words[:extra]
    if any(word in _HEDGE_WORDS or word in LEADING_WORDS for word in prefix):
        return None
    spaced = " ".join(prefix)
    other_names = {other.spaced for other in others.values()}
    if spaced in other_names or " ".join(words) in other_names:
        return None
    return spaced


def _reads_like(text: str, part: _Part) -> bool:
    """Whether a piece the grader could not accept still reads like an attempt at the part:
    one of its words is a word of one of the part's forms, misspelt ("clutsh") or extended
    ("clutchy"), leading "the", "a" ... aside."""
    typed = set(_normalize(text).split()) - LEADING_WORDS
    for form in part.forms:
        for word in set(form.spaced.split()) - LEADING_WORDS:
            for other in typed:
                if (
                    len(word) >= _MIN_WORD
                    and len(other) >= _MIN_WORD
                    and (other.startswith(word) or word.startswith(other))
                ):
                    return True
                if len(word) > _MIN_WORD and OSA.distance(word, other) <= 1 + (
                    len(word) >= EXACT_BELOW
                ):
                    return True
    return False


def _ungraded(message: str) -> MatchResult:
    return MatchResult(False, (), (), (), message)


def _text_of(tokens: list[_Token], start: int, end: int) -> _Text:
    return _Text.of(" ".join(token.word for token in tokens[start:end]))


def _how(typed: str, part: _Part, hit: _Hit) -> str:
    typos = {0: "", 1: ", with one typo"}.get(hit.distance, f", with {hit.distance} typos")
    return f'"{typed}" is {part.display} (as "{hit.form.spaced}"{typos})'


def match_answer(
    expected: Sequence[Sequence[str]], given: str, *, other_names: Iterable[str] = ()
) -> MatchResult:
    """Grade the typed answer ``given`` against ``expected`` (a list of parts of forms).

    ``other_names`` are names of other entities the caller knows (the bank's names, wrong
    choices): a typo at least as close to one of them as to the expected form is not
    accepted, nor is one of them as a qualifier. Raises TypeError or ValueError for a
    malformed ``expected``. The rules are in the module docstring.
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
    notes: list[str] = []

    def typed(start: int, end: int) -> str:
        return stripped[tokens[start].start : tokens[end - 1].end]

    # Step 1: the whole answer as one name.
    whole = _text_of(tokens, 0, len(tokens))
    hits = [_part_hit(whole, part, vetoes[i], notes) for i, part in enumerate(parts)]
    found = [(hit.distance, i, hit) for i, hit in enumerate(hits) if hit is not None]
    if found:
        _, index, hit = min(found, key=lambda f: (f[0], f[1]))
        result = _Outcome(parts, stripped)
        result.match(index, stripped, hit)
        return result.finish()

    # Step 2: exact forms and other names, between separators.
    part_keys: dict[str, list[int]] = {}
    for index, part in enumerate(parts):
        for form in part.forms:
            part_keys.setdefault(form.bare, []).append(index)
    keys = set(part_keys) | set(others)
    pieces = _segment(tokens, keys, max(len(key) for key in keys))

    outcome = _Outcome(parts, stripped)
    outcome.notes.extend(notes)
    runs: list[list[_Piece]] = [[]]
    for piece in pieces:
        if piece.kind == _FORM:
            runs.append([])
            candidates = part_keys.get(piece.key)
            if candidates is None:
                outcome.other_name(piece.start, typed(piece.start, piece.end))
            else:
                unmatched = [i for i in candidates if i not in outcome.matched]
                # Otherwise a duplicate of a part already named: not extra, not a second part.
                if unmatched:
                    form = next(f for f in parts[unmatched[0]].forms if f.bare == piece.key)
                    outcome.match(unmatched[0], typed(piece.start, piece.end), _Hit(0, form))
        elif piece.kind == _CHUNK:
            runs[-1].append(piece)

    # Step 3: leftover chunks, alone or merged with neighbours, to the parts still missing;
    # then whatever is left to the parts already matched, as duplicates.
    used: set[int] = set()  # token start of each chunk used
    for want_matched in (False, True):
        options: list[tuple[int, int, int, int, int, int, int, _Hit]] = []
        for run_index, run in enumerate(runs):
            for a in range(len(run)):
                for b in range(a, min(len(run), a + MAX_MERGED_CHUNKS)):
                    if any(run[c].start in used for c in range(a, b + 1)):
                        break
                    start, end = run[a].start, run[b].end
                    text = _text_of(tokens, start, end)
                    for index, part in enumerate(parts):
                        if (index in outcome.matched) != want_matched:
                            continue
                        chunk_hit = _part_hit(text, part, vetoes[index])
                        if chunk_hit is not None:
                            # Sorted: closest first, then the longest text, then text order.
                            options.append(
                                (chunk_hit.distance, start - end, start, index)
                                + (run_index, a, b, chunk_hit)
                            )
        options.sort(key=lambda option: option[:7])
        for _, _, _, index, run_index, a, b, hit in options:
            run = runs[run_index]
            chunk_starts = [run[c].start for c in range(a, b + 1)]
            if any(s in used for s in chunk_starts):
                continue
            if not want_matched:
                if index in outcome.matched:
                    continue
                outcome.match(index, typed(run[a].start, run[b].end), hit)
            used.update(chunk_starts)

    leftovers = [(p.start, p.end) for run in runs for p in run if p.start not in used]
    outcome.leftovers(tokens, leftovers, others)
    return outcome.finish()


class _Outcome:
    """What matching found, turned into a result: matched parts, qualifiers, extra pieces."""

    def __init__(self, parts: list[_Part], stripped: str):
        self.parts = parts
        self.stripped = stripped
        self.matched: dict[int, str] = {}  # part index -> how it was read
        self.extra: list[tuple[int, str]] = []  # (token index, as typed)
        self.near_misses: list[tuple[int, str]] = []
        self.notes: list[str] = []
        self.qualifiers: list[str] = []
        self.lenient = False

    def match(self, index: int, typed: str, hit: _Hit) -> None:
        self.matched[index] = _how(typed, self.parts[index], hit)
        self.lenient |= hit.distance > 0

    def other_name(self, position: int, typed: str) -> None:
        self.extra.append((position, typed))
        self.notes.append(f'"{typed}" is another name of the bank')

    def leftovers(
        self, tokens: list[_Token], spans: list[tuple[int, int]], others: dict[str, _Text]
    ) -> None:
        """Set aside harmless qualifiers; the rest is extra, or a near miss of a missing part."""
        complete = len(self.matched) == len(self.parts)
        for start, end in sorted(spans):
            text = self.stripped[tokens[start].start : tokens[end - 1].end]
            if complete and self._is_qualifier(tokens, start, end, others):
                self.qualifiers.append(text)
                self.lenient = True
                continue
            missing = [p for i, p in enumerate(self.parts) if i not in self.matched]
            like = next((part for part in missing if _reads_like(text, part)), None)
            described = _described(text, like, others) if like is not None else None
            if like is not None and described:
                self.matched[self.parts.index(like)] = (
                    f'"{text}" is {like.display} (as "{like.forms[0].spaced}", '
                    f'"{described}" describing it)'
                )
                self.qualifiers.append(described)
                self.lenient = True
                continue
            if like is not None:
                self.near_misses.append((start, text))
                self.notes.append(f'"{text}" reads like {like.display} but is not close enough')
            else:
                self.extra.append((start, text))
                self.notes.append(f'"{text}" matches no part of the answer')

    def _is_qualifier(
        self, tokens: list[_Token], start: int, end: int, others: dict[str, _Text]
    ) -> bool:
        """A few words in parentheses, or after a comma at the end of a one-part answer
        ("Los Angeles, California"), that neither hedge ("or ...") nor name, or misspell,
        another name of the bank ("Los Angeles, maybe Las Vegas")."""
        span = tokens[start:end]
        if any(token.word in _HEDGE_WORDS for token in span):
            return False
        in_parens = all(token.in_parens for token in span) and len(span) <= MAX_PAREN_QUALIFIER
        after_comma = (
            len(self.parts) == 1
            and span[0].comma_before
            and end == len(tokens)
            and len(span) <= MAX_COMMA_QUALIFIER
        )
        if not (in_parens or after_comma) or not self.matched:
            return False
        text = _text_of(tokens, start, end)
        padded = f" {text.spaced} "
        if any(f" {name.spaced} " in padded for name in others.values()):
            return False
        names = _Names(
            tuple(t.spaced for t in others.values()), tuple(t.bare for t in others.values())
        )
        return _rival(text, _allowed_typos(text), names) is None

    def finish(self) -> MatchResult:
        parts = self.parts
        accepted = tuple(part.display for i, part in enumerate(parts) if i in self.matched)
        not_given = tuple(part.display for i, part in enumerate(parts) if i not in self.matched)
        # A one-part answer that misses is simply wrong; naming its part "missing" adds nothing.
        missing = not_given if len(parts) > 1 else ()
        pieces = sorted(self.extra + self.near_misses)
        extra = tuple(text for _, text in pieces)
        correct = not not_given and not pieces
        why = [self.matched[i] for i in sorted(self.matched)]
        why += [f'"{q}" set aside as a qualifier' for q in self.qualifiers]
        why += self.notes
        why += [f"{name} is not named" for name in not_given]
        message = _message(
            accepted,
            not_given,
            [text for _, text in sorted(self.extra)],
            [text for _, text in sorted(self.near_misses)] if not_given else [],
        )
        return MatchResult(
            correct, accepted, missing, extra, message, tuple(why), self.lenient and correct
        )


# --- Every style ------------------------------------------------------------------------------


class NotOnOffer(ValueError):
    """The answer is not one the question offers: a choice not among the choices, a true/false
    answer that is neither. The message says what the answer must be."""


@dataclass(frozen=True)
class Grade:
    """The grade of one answer: right or not, and one sentence for the player; for a typed
    answer, the details of `match_answer` too (``match``)."""

    correct: bool
    message: str
    match: MatchResult | None = field(default=None, compare=False)


RIGHT = "Right!"
NOT_QUITE = "Not quite."
NO_ANSWER = "No answer."


def grade_answer(
    style: str,
    accepted: Sequence[Sequence[str]],
    given: str,
    *,
    choices: Sequence[str] = (),
    names: Callable[[], Iterable[str]] | None = None,
) -> Grade:
    """Grade ``given`` for a question of ``style`` whose right answer is ``accepted``.

    ``accepted`` is the question's list of parts of accepted forms; for multiple choice and
    true/false its first form is the one right choice ("true" or "false" for the latter).
    ``choices`` are the choices offered (multiple choice). ``names`` gives the bank's names
    (quizapp.bank.names.bank_names): called only when a typed answer is right thanks to a
    typo or a qualifier, to grade it again against them, so that a near namesake or another
    name in a qualifier is refused. Raises NotOnOffer for an answer the question does not
    offer; the rules are in the module docstring.
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
    if result.lenient and names is not None:
        result = match_answer(accepted, given, other_names=names())
    return Grade(result.correct, result.message, result)


def _right_or_not(right: bool) -> Grade:
    return Grade(right, RIGHT if right else NOT_QUITE)
