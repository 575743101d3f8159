"""Suggested facts: candidate fact material in a pasted article, sentence by sentence.

The editor pastes a news article; the workspace shows each sentence with what it mentions, so
that choosing evidence and filling roles is picking rather than typing. The bank itself is the
gazetteer: entity names and aliases are looked up in the text, everything else is found by a
few plain rules. No model, no NLP library, nothing to download; no Flask here.

Sentences (``split_sentences``)
    Blank lines end paragraphs; inside a paragraph a line break ends a sentence only after a
    headline (a line without final punctuation whose words of four letters or more are all
    capitalised), so hard-wrapped text stays whole. Elsewhere a sentence ends after ``.``,
    ``!``, ``?`` or ``…`` (and any closing quotes or brackets) followed by whitespace and an
    upper-case letter, a digit or an opening quote or bracket; but not after an abbreviation
    (``Mr.``, ``St.``, ``Jr.`` ...; ``No.`` and ``Aug.`` before a number), nor after a single
    letter (initials: ``J. Cole``, ``L.A.``), nor inside double quotes: a quotation of several
    sentences stays with its speaker, as the bank's evidence does. ``Sentence.text`` is always
    ``article[start:end]``, stripped of surrounding whitespace; sentences with no letter or
    digit (``***``) are left out.

Mentions (``suggest_facts``), in order of precedence where they overlap
    ``title``: text in double quotes (straight or curly) or single quotes (curly, or straight
    when opening after a non-letter) that reads like a title: at most ten words, capitalised
    except for small words, one sentence without commas, not a lone interjection. A title
    wins over the known names and years inside it ("Lady Gaga Presents the Monster Ball
    Tour"), except that a title that is exactly a known entity's name is reported as that
    entity.
    ``known``: a name or alias of a bank entity, found by the `Gazetteer` (which says how
    case, accents, punctuation and possessives are treated).
    ``new_name`` for an event named with its year: a year, then capitalised words ending in
    an event word ("the 2024 Golden Reel Awards", "2025 Starlight Gala") or opening with one
    ("the 2027 Premios Luna"), as one name, also in headlines; the year is part of it. Outside
    headlines also capitalised words then a year ("Eurovision 2025", not "March 2024"), with
    a show's round ("the Sing Nation 2025 semi-final").
    ``year``: a four-digit number 1900-2099 standing alone.
    ``new_name``: a run of capitalised words, in what the mentions above leave over, that is
    not a common word capitalised because it starts the sentence (or a quotation, or follows a
    colon or dash), nor a job title opening it ("Director Tomas Varga"). Runs may take
    connectors (``Kermit the Frog``, ``St. Vincent``, ``Tyler, the Creator``, ``Video of
    the Year``, ``Best Actor in a Drama``, ``Macklemore & Ryan Lewis``, ``Javi de la
    Cruz``). A lone word that describes rather than names is left out: a hyphenated
    adjective ("Tennessee-born"), a nationality before a job ("Irish actress", "Puerto
    Rican rapper"), the "R" of "A&R". An opening "The"
    stays when the article writes the name with it inside a sentence too, or the name is a
    plural of two words or more ("The Velvet Foxes"); an opening "One" stays before a name
    ("One Direction"). Headlines (title case and no final full stop) capitalise every word,
    so their runs mean nothing: there, only the names the body copy spots are found again.

Type guesses (``Mention.guess``, `guess_type`)
    Every new name and title gets the entity type its words and context suggest: an event,
    an award, a venue, a company, a trophy, a character, a group, a city, or a person (always
    after a job: "guitarist Theo Park"); a title an album, a show or a song. One name has one
    guess in the whole article.

Every sentence is reported, also those with no mention, so that the results line up with
``split_sentences`` and the editor can take any sentence as evidence.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence, Set
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol

from quizapp.core.text import APOSTROPHES, words

# --- Results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    """One sentence of an article: its text, verbatim, and where it stands in the article."""

    text: str
    start: int
    end: int


class Category(StrEnum):
    """What a mention is."""

    KNOWN = "known"
    NEW_NAME = "new_name"
    TITLE = "title"
    YEAR = "year"


@dataclass(frozen=True)
class EntityRef:
    """A bank entity a mention names."""

    id: str
    name: str
    type: str


@dataclass(frozen=True)
class Mention:
    """Something a sentence mentions; ``text`` is ``article[start:end]``.

    For a known mention, ``entity`` is the entity named and ``alternatives`` the other
    entities with the same name or alias (the song and the album "Born This Way").
    """

    category: Category
    text: str
    start: int
    end: int
    entity: EntityRef | None = None
    alternatives: tuple[EntityRef, ...] = ()
    # For a new name or a title: the entity type its words and context suggest ("award" for
    # "Record of the Year", "album" after "her debut album"), see `guess_type`.
    guess: str | None = None


@dataclass(frozen=True)
class SentenceSuggestions:
    """A sentence and its mentions, ordered by position."""

    sentence: Sentence
    mentions: tuple[Mention, ...]


class EntityLike(Protocol):
    """What the gazetteer reads from an entity: a models.Entity row, a bank entity, ..."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def type(self) -> str: ...

    @property
    def aliases(self) -> Sequence[str]: ...


# --- Sentences --------------------------------------------------------------------------------

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’')\]]*(?=\s)")
_WORD = re.compile(r"[^\W_][\w\u0300-\u036f]*(?:['’.\-][^\W_][\w\u0300-\u036f]*)*")
_NEXT_CHARACTER = re.compile(r"\s*(\S)")
_OPENERS = frozenset("\"“‘'([")
_CLOSERS = "\"”’')]"
# Never end a sentence: titles and the like stand before a name.
_ABBREVIATIONS = frozenset(
    "mr mrs ms messrs dr prof st jr sr rev fr hon gen sen rep gov pres lt col capt cmdr maj "
    "sgt adm mt ft vs feat approx".split()
)
# Do not end a sentence when a number follows: "No. 1", "Aug. 28", "Vol. 2".
_BEFORE_NUMBER = frozenset(
    "no nos vol pp op jan feb mar apr jun jul aug sep sept oct nov dec".split()
)


def split_sentences(text: str) -> list[Sentence]:
    """Split an article into sentences, each a verbatim slice ``text[start:end]``.

    The rules are in the module docstring; they keep abbreviations, initials, decimals and
    quotations of several sentences whole, and end headlines at their line break.
    """
    sentences: list[Sentence] = []
    for start, end in _segments(text):
        cuts = [start, *_sentence_ends(text, start, end), end]
        for a, b in zip(cuts, cuts[1:], strict=False):
            sentence = _trimmed(text, a, b)
            if sentence is not None:
                sentences.append(sentence)
    return sentences


def _segments(text: str) -> Iterator[tuple[int, int]]:
    """Paragraphs, and inside them the stretches between headline line breaks."""
    start = 0
    for brk in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = brk.start() if brk else len(text)
        line_start = start
        for newline in (m.start() for m in re.finditer(r"\n", text[start:end])):
            line_end = start + newline
            line = text[line_start:line_end].strip()
            if line and not _ends_sentence(line) and _title_cased(line, min_words=2):
                yield line_start, line_end
                line_start = line_end
        yield line_start, end
        start = brk.end() if brk else len(text)


def _ends_sentence(line: str) -> bool:
    return line.rstrip(_CLOSERS)[-1:] in (".", "!", "?", "…")


def _title_cased(text: str, *, min_words: int) -> bool:
    """True for headline case: every word of four letters or more starts with a capital."""
    words = _WORD.findall(text)
    long_words = [w for w in words if w[0].isalpha() and sum(c.isalpha() for c in w) >= 4]
    return len(words) >= min_words and bool(long_words) and all(w[0].isupper() for w in long_words)


def _sentence_ends(text: str, start: int, end: int) -> Iterator[int]:
    quoted = _double_quote_spans(text, start, end)
    for match in _SENTENCE_END.finditer(text, start, end):
        cut = match.end()
        following = _NEXT_CHARACTER.match(text, cut, end)
        if following is None:
            continue
        starter = following.group(1)
        if not (starter.isupper() or starter.isdigit() or starter in _OPENERS):
            continue
        if match.group().rstrip(_CLOSERS) == "." and _is_abbreviation(
            _word_before(text, start, match.start()), starter
        ):
            continue
        # Inside a quotation: its sentences belong to the one that quotes them.
        if any(open_ < cut <= close for open_, close in quoted):
            continue
        yield cut


def _word_before(text: str, start: int, end: int) -> str:
    i = end
    while i > start and text[i - 1].isalnum():
        i -= 1
    return text[i:end]


def _is_abbreviation(word: str, starter: str) -> bool:
    key = word.casefold()
    if len(word) == 1 and word.isalpha():
        return True  # an initial
    return key in _ABBREVIATIONS or (key in _BEFORE_NUMBER and starter.isdigit())


def _double_quote_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(opening, closing) positions of double quotes between start and end.

    Straight quotes pair up in order; if their number is odd one of them is a typo and no
    pairing can be trusted, so none is made. Curly quotes nest.
    """
    spans: list[tuple[int, int]] = []
    straight = [i for i in range(start, end) if text[i] == '"']
    if len(straight) % 2 == 0:
        spans.extend(zip(straight[::2], straight[1::2], strict=True))
    stack: list[int] = []
    for i in range(start, end):
        if text[i] == "“":
            stack.append(i)
        elif text[i] == "”" and stack:
            spans.append((stack.pop(), i))
    return sorted(spans)


def _trimmed(text: str, start: int, end: int) -> Sentence | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    piece = text[start:end]
    if not any(c.isalnum() for c in piece):
        return None
    return Sentence(piece, start, end)


# --- The gazetteer ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    word: str  # folded as quizapp.core.text folds: "beyonce", "gagas"
    start: int
    end: int
    # The word without a possessive 's ("gaga" for "Gaga's") and where it then ends.
    bare: str | None
    bare_end: int


def _tokenize(text: str) -> list[_Token]:
    """The words of ``text`` (quizapp.core.text, as the game folds a player's answer, so that a
    name found here is one the game accepts), each with its possessive-less form if it has one.
    """
    tokens: list[_Token] = []
    for word in words(text):
        start, end, joined = word.start, word.end, word.text
        bare, bare_end = None, end
        if len(joined) > 1 and end - start > 2 and text[end - 2] in APOSTROPHES:
            if text[end - 1] in "sS":
                bare, bare_end = joined[:-1], end - 2
        tokens.append(_Token(joined, start, end, bare, bare_end))
    return tokens


class _Taken:
    """Mentions that do not overlap, kept in order, so that a free span is a binary search."""

    def __init__(self) -> None:
        self.mentions: list[Mention] = []
        self._starts: list[int] = []
        self._ends: list[int] = []

    def is_free(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self._starts, start)
        if i and self._ends[i - 1] > start:
            return False
        return i == len(self._starts) or self._starts[i] >= end

    def take(self, candidates: Iterable[Mention]) -> None:
        """Keep each candidate that overlaps nothing kept so far, in the order given."""
        for mention in candidates:
            if self.is_free(mention.start, mention.end):
                i = bisect.bisect_left(self._starts, mention.start)
                self._starts.insert(i, mention.start)
                self._ends.insert(i, mention.end)
                self.mentions.insert(i, mention)


@dataclass(frozen=True)
class _Entry:
    entity: EntityRef
    alias: bool  # found by an alias rather than the name
    capitalised: bool  # the form has a capital letter


class Gazetteer:
    """Entity names and aliases, looked up in text word by word.

    Matching ignores case, accents and punctuation ("Beyonce" finds Beyoncé, "Jay Z" finds
    Jay-Z), takes whole words only (Cher is not in "Cherry"), lets a possessive 's follow
    ("Gaga's"), and prefers the longest match ("Lady Gaga" rather than "Gaga"). One
    exception to ignoring case: a form written with a capital letter is not found in text
    written all in lower case, so the show Glee is not in "squealed with glee" nor Jay-Z's
    alias Jay in "a blue jay". Lower-case forms ("meat dress") are found in any case.
    """

    def __init__(self, index: dict[tuple[str, ...], tuple[_Entry, ...]]):
        self._index = index
        # Every start of a form, so that a search stops as soon as no longer form can follow.
        self._prefixes = {key[:n] for key in index for n in range(1, len(key) + 1)}

    @classmethod
    def from_entities(cls, entities: Iterable[EntityLike]) -> Gazetteer:
        """Build a gazetteer from entities with ``.id``, ``.name``, ``.type`` and ``.aliases``.

        When one form belongs to several entities, they are all kept; a match names first
        the entities whose name (not alias) it is, then the others, each by id.
        """
        best: dict[tuple[str, ...], dict[str, _Entry]] = {}
        for entity in entities:
            ref = EntityRef(entity.id, entity.name, entity.type)
            for position, form in enumerate([entity.name, *entity.aliases]):
                key = tuple(t.word for t in _tokenize(form))
                if not key:
                    continue
                entry = _Entry(ref, position > 0, any(c.isupper() for c in form))
                seen = best.setdefault(key, {}).get(ref.id)
                if seen is not None:
                    # "Jay-Z" and "Jay Z" are one key: the most permissive reading counts.
                    entry = _Entry(
                        ref, seen.alias and entry.alias, seen.capitalised and entry.capitalised
                    )
                best[key][ref.id] = entry
        index = {
            key: tuple(sorted(entries.values(), key=lambda e: (e.alias, e.entity.id)))
            for key, entries in best.items()
        }
        return cls(index)

    def find(self, text: str) -> list[Mention]:
        """The known entities mentioned in ``text``, without overlaps, ordered by position.

        Offsets are into ``text``. Where matches overlap the longest wins, then the first.
        """
        tokens = _tokenize(text)
        candidates: list[Mention] = []
        for i in range(len(tokens)):
            longest = None
            for n in range(1, len(tokens) - i + 1):
                head = tuple(t.word for t in tokens[i : i + n])
                longest = self._match(text, tokens[i : i + n], head) or longest
                if head not in self._prefixes:
                    break
            if longest is not None:
                candidates.append(longest)
        candidates.sort(key=lambda m: (m.start - m.end, m.start))
        chosen = _Taken()
        chosen.take(candidates)
        return chosen.mentions

    def _match(self, text: str, tokens: list[_Token], words: tuple[str, ...]) -> Mention | None:
        last = tokens[-1]
        # The full word first, so that "Destiny's Child" is not read as "Destiny Child".
        endings = [(words, last.end)]
        if last.bare is not None:
            endings.append(((*words[:-1], last.bare), last.bare_end))
        start = tokens[0].start
        for key, end in endings:
            entries = self._index.get(key)
            if not entries:
                continue
            surface = text[start:end]
            lowercase = not any(c.isupper() for c in surface)
            fitting = [e.entity for e in entries if not (e.capitalised and lowercase)]
            if fitting:
                return Mention(Category.KNOWN, surface, start, end, fitting[0], tuple(fitting[1:]))
        return None


# --- Mentions ---------------------------------------------------------------------------------

_YEAR = re.compile(r"(?<![\w.,$£€])(?:19|20)\d\d(?![\w]|[.,]\d)")
# Bounded at the longest title, so that stray apostrophes cannot make the search quadratic.
_CURLY_SINGLE = re.compile(r"‘(\S(?:[^‘’\n]|’(?=\w)){0,99}?)’(?!\w)")
_STRAIGHT_SINGLE = re.compile(r"(?<![\w'’])'(\S(?:[^'\n]|'(?=\w)){0,99}?)'(?!\w)")
_SEVERAL_SENTENCES = re.compile(r"[.!?…][\"”’')\]]*\s+\S")
_DOMAIN = re.compile(r"\.[a-z]{2,}$")
_INITIAL_AFTER = frozenset("\"“‘'([{:—–-")
# A year, then capitalised words (with "of", "the", "and", "&" between): "2024 Golden Reel
# Awards", "2025 Festival of the Sea".
_DATED_EVENT = re.compile(
    r"(?<![\w.,$£€])(?:19|20)\d\d(?:\s+(?:[A-Z][\w'’.&-]*|of|the|and|&|de|du))*\s+[A-Z][\w'’-]*"
)
# The last word of an event's name.
_EVENT_WORDS = frozenset(
    "awards festival fest gala ceremony show games olympics honors honours expo summit "
    "convention con week weekend concert tour jubilee marathon cup championships "
    "championship classic prom ball vmas emmys grammys oscars final finale semi-final "
    "semifinal premiere showcase".split()
)
# Lower-case words allowed inside a title ("Born This Way", "Watch the Throne").
_SMALL_WORDS = frozenset(
    "a an and as at but by for from in into is it me my nor of off on or out so the to up "
    "vs with you your".split()
)
# Job titles that open a sentence before a name ("Drummer Ivy Cole joined ...").
_ROLE_NOUNS = frozenset(
    "director host hosts co-host singer rapper actor actress comedian presenter judge judges "
    "producer designer drummer guitarist bassist keyboardist frontman frontwoman vocalist "
    "islander islanders contestant contestants star stars newcomer newcomers veteran "
    "filmmaker author writer model dancer chef coach captain musician songwriter "
    "mentor magician star-turned pianist violinist percussionist teenager songwriter "
    "singer-songwriter co-star bandleader anchor reporter journalist editor critic "
    "photographer stylist choreographer composer conductor guest superstar icon legend "
    "organizer organiser founder executive".split()
)
_ADJECTIVE_SUFFIX = re.compile(r"-(?:born|based|bred|raised|made|style|era|themed|inspired)$")
_BEFORE_ROLE_NOUN = re.compile(
    # (Not a verb between: "Quinn met veteran rocker Dex Harlan" is Quinn meeting him.)
    r" (?:(?!(?:and|or|but|the|a|an|with|to|as|for|by|of|is|was|met|told|saw|beat|took|gave|"
    r"won|became|brought|led|left|sang|thanked|joined|introduced|called|named)\b)"
    r"(?![a-z]+ed\b)[a-z][\w-]* )?(?:"
    + "|".join(sorted(_ROLE_NOUNS | {"rock", "pop", "band", "quartet", "trio", "duo", "group"}))
    + r")\b"
)
# Lower-case words that may join capitalised ones into one name ("Kermit the Frog").
_CONNECTORS = frozenset("of the de del della da di du van von der den la le y bin al".split())
# Abbreviations after which a name goes on ("St. Vincent", "Mr. Brainwash").
_NAME_ABBREVIATIONS = frozenset("mr mrs ms dr prof st jr sr".split())
# Capitalised words that are not names on their own: function words, pronouns, sentence
# adverbs, interjections, imperatives that open news copy, days, months, common acronyms.
_STOP_WORDS = frozenset(
    """
    a an the and or but nor so yet for of in on at to by from with into onto about as than
    if when while after before since until because though although unless whether then
    also still even just only instead however therefore meanwhile moreover later earlier
    here there this that these those such what which who whom whose why how where
    i me my mine we us our you your he him his she her it its they them their one
    some many most more all every each any both either neither another other no not
    someone everyone anyone nobody everything something nothing
    yes yeah no oh ah aah hey hi hello wow ok okay thanks thank please well sure
    particularly immediately arguably finally suddenly apparently reportedly recently
    eventually clearly obviously unfortunately fortunately luckily sadly interestingly
    hopefully basically honestly literally definitely certainly probably actually really
    check find go visit stick watch read see click follow stay keep bonus update
    don didn doesn isn wasn aren weren can won couldn wouldn shouldn haven hasn let
    monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december
    vip bff tv ceo dj lol omg
    """.split()
)


def suggest_facts(text: str, gazetteer: Gazetteer) -> list[SentenceSuggestions]:
    """Every sentence of ``text`` with its mentions: known entities, new names, titles, years.

    Sentences come from `split_sentences` and are all kept, also those with no mention.
    Mentions never overlap, are ordered by position, and carry offsets into ``text``. New
    names and titles carry a guessed type (`guess_type`), the same for every mention of one
    name in the article.
    """
    sentences = split_sentences(text)
    name_words = _name_words(sentences)
    the_names = _the_names(sentences)
    found: list[list[Mention]] = []
    for sentence in sentences:
        mentions = _sentence_mentions(sentence.text, gazetteer, name_words, the_names)
        shift = sentence.start
        found.append([replace(m, start=m.start + shift, end=m.end + shift) for m in mentions])
    _headline_names(text, sentences, found)
    guessed = _guesses(text, [m for mentions in found for m in mentions])
    return [
        SentenceSuggestions(
            sentence,
            tuple(
                replace(m, guess=guessed.get(m.text)) if m.category in _GUESSED else m for m in ms
            ),
        )
        for sentence, ms in zip(sentences, found, strict=True)
    ]


def _sentence_mentions(
    text: str, gazetteer: Gazetteer, name_words: set[str], the_names: set[str]
) -> list[Mention]:
    known = gazetteer.find(text)
    known_spans = {(m.start, m.end) for m in known}
    titles = [t for t in _titles(text) if (t.start, t.end) not in known_spans]
    taken = _Taken()
    if not _is_headline(text):
        # Before the titles: a title found elsewhere may be part of it ("Afterglow").
        taken.take(
            [
                Mention(Category.NEW_NAME, m.group("name"), *m.span("name"))
                for m in _TITLE_IN_PLACE_YEAR.finditer(text)
            ]
        )
    # A title is read whole: the names and years inside it are part of it.
    taken.take(sorted(titles, key=lambda m: (m.start - m.end, m.start)))
    taken.take(known)
    # An event named with its year ("the 2024 Golden Reel Awards") is one name, also in a
    # headline: the year is part of it.
    taken.take(_dated_events(text))
    # Not in a headline, where every word is capitalised ("Stars Shine In 2025").
    if not _is_headline(text):
        taken.take(_show_rounds(text))
    taken.take(_years(text))
    if not _is_headline(text):
        taken.take(_new_names(text, taken, name_words, the_names))
    return taken.mentions


def _headline_names(text: str, sentences: list[Sentence], found: list[list[Mention]]) -> None:
    """New names in headlines: the names the body copy spots, found again in the headline.

    A headline capitalises every word, so its runs mean nothing by themselves; but a name
    the article spells out elsewhere is the same name in the headline.
    """
    body = {m.text for ms in found for m in ms if m.category == Category.NEW_NAME}
    for sentence, mentions in zip(sentences, found, strict=True):
        if not _is_headline(sentence.text):
            continue
        taken = _Taken()
        taken.take(mentions)
        for name in sorted(body, key=lambda n: (-len(n), n)):
            pattern = re.compile(r"(?<![\w'’])" + re.escape(name) + r"(?![\w])")
            for match in pattern.finditer(text, sentence.start, sentence.end):
                taken.take([Mention(Category.NEW_NAME, name, match.start(), match.end())])
        mentions[:] = taken.mentions


# An event's word may open its name instead: "the 2027 Premios Luna", "the 2026 Festival
# Internacional".
_EVENT_HEADS = frozenset("premios premio prix festival festivalen gala fiesta festa".split())


def _dated_events(text: str) -> list[Mention]:
    events = []
    for match in _DATED_EVENT.finditer(text):
        # Cut after the last event word: "2024 Golden Reel Awards Sunday" is the awards.
        cut = None
        found = list(_WORD.finditer(match.group(0)))
        for word in found:
            if word.group().casefold() in _EVENT_WORDS:
                cut = word.end()
        if cut is None and len(found) > 2 and found[1].group().casefold() in _EVENT_HEADS:
            cut = found[-1].end()
        if cut is not None:
            end = match.start() + cut
            events.append(Mention(Category.NEW_NAME, text[match.start() : end], match.start(), end))
    return events


# A round of a show named by the show and its year: "the Sing Nation 2025 semi-final".
_SHOW_ROUND = re.compile(
    r"(?<![\w'’])(?:[A-Z][\w'’&-]*\s+){1,4}(?:19|20)\d\d\s+(?:grand |season |live )?"
    r"(?:semi-?final|final|finale|premiere|auditions|playoffs?)\b"
)


# An event named with its year after the name: "Eurovision 2025", "the Premios Sol 2024".
_NAME_YEAR = re.compile(
    r"(?<![\w'’])(?:[A-Z][\w'’&-]*\s+){1,4}(?:19|20)\d\d(?![\w]|[.,]\d|\s+(?:[a-z-]+\s+)?"
    r"(?:semi-?final|final|finale|premiere|auditions|playoffs?)\b)"
)
# A tour's or a show's title with a place and a year: "for Afterglow in Seoul 2025". Only after
# a word that introduces a show's name, since "Lady Gaga in London 2025" would be a person.
_TITLE_IN_PLACE_YEAR = re.compile(
    r"\b(?:for|at|of|during|headlining|called|titled|dubbed|opened|kicked off|launched) "
    r"(?P<name>(?:[A-Z][\w'’&-]*\s+){1,3}in\s+[A-Z][\w'’&-]*\s+(?:19|20)\d\d)(?![\w]|[.,]\d)"
)
_MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec spring summer autumn fall winter".split()
)


def _show_rounds(text: str) -> list[Mention]:
    rounds = []
    for match in _NAME_YEAR.finditer(text):
        words = match.group().split()
        if words[-2].casefold().strip(".,") in _MONTHS:
            continue  # "March 2024" is a date
        start = match.start()
        while words[:-1] and (_is_stop_word(words[0]) or words[0] in ("The", "A")):
            start = text.index(words[1], start + len(words[0]))
            words = words[1:]
        if len(words) > 1:
            rounds.append(Mention(Category.NEW_NAME, text[start : match.end()], start, match.end()))
    for match in _SHOW_ROUND.finditer(text):
        start = match.start()
        first = text[start : text.index(" ", start)]
        if first in ("The", "A") or (_starts_sentence(text, start) and _is_stop_word(first)):
            start += len(first) + 1
        if start < match.end() and text[start].isupper():
            rounds.append(Mention(Category.NEW_NAME, text[start : match.end()], start, match.end()))
    return rounds


def _years(text: str) -> list[Mention]:
    return [Mention(Category.YEAR, m.group(), m.start(), m.end()) for m in _YEAR.finditer(text)]


def _titles(text: str) -> list[Mention]:
    spans = [(a + 1, b) for a, b in _double_quote_spans(text, 0, len(text))]
    for pattern in (_CURLY_SINGLE, _STRAIGHT_SINGLE):
        spans.extend(m.span(1) for m in pattern.finditer(text))
    titles = []
    for start, end in sorted(set(spans)):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        # American style puts the comma inside the quotes: "Bad Romance," "Telephone" and ...
        if end > start and text[end - 1] in ",.":
            end -= 1
        if _looks_like_title(text[start:end]):
            titles.append(Mention(Category.TITLE, text[start:end], start, end))
    return titles


def _looks_like_title(content: str) -> bool:
    words = _WORD.findall(content)
    if not words or len(words) > 10 or len(content) > 100:
        return False
    if not (content[0].isupper() or content[0].isdigit()) or content[-1] in ",;:":
        return False
    if "," in content or _SEVERAL_SENTENCES.search(content):
        return False  # a quotation ("Hi, I'm Dave,"), not a title
    if len(words) == 1 and (content[-1] in "!?…" or _is_stop_word(words[0])):
        return False  # "Wow!", "Thanks"
    return all(w[0].isupper() or w[0].isdigit() or w.casefold() in _SMALL_WORDS for w in words)


def _is_stop_word(word: str) -> bool:
    key = word.casefold().replace("’", "'")
    return key in _STOP_WORDS or ("'" in key and key.split("'")[0] in _STOP_WORDS)


def _is_first_person(word: str) -> bool:
    return word.replace("’", "'").split("'")[0] == "I"


def _capitalised(word: str) -> bool:
    return word[0].isupper() and not _DOMAIN.search(word)


def _possessive(word: str) -> bool:
    return len(word) > 2 and word[-2] in "'’" and word[-1] in "sS"


def _is_headline(text: str) -> bool:
    # A full stop marks body copy even when every long word in it is a name ("Kid Cudi and
    # Jo Calderone met Kermit the Frog.").
    return not text.rstrip(_CLOSERS).endswith(".") and _title_cased(text, min_words=3)


def _name_words(sentences: list[Sentence]) -> set[str]:
    """Capitalised words the article uses inside sentences, where a capital means a name."""
    words = set()
    for sentence in sentences:
        if _is_headline(sentence.text):
            continue
        for match in _WORD.finditer(sentence.text):
            word = match.group()
            if _capitalised(word) and not _starts_sentence(sentence.text, match.start()):
                words.add(word[:-2] if _possessive(word) else word)
    return words


def _the_names(sentences: list[Sentence]) -> set[str]:
    """Names the article writes with a capitalised "The" inside a sentence ("with The
    Velvet Foxes"), folded, as "the" and the next word: where such a name opens a sentence,
    its "The" is part of it too."""
    names = set()
    for sentence in sentences:
        if _is_headline(sentence.text):
            continue
        for match in re.finditer(r"\bThe\s+([A-Z][\w'’-]*)", sentence.text):
            if not _starts_sentence(sentence.text, match.start()):
                names.add("the " + match.group(1).casefold())
    return names


def _new_names(
    text: str, taken: _Taken, name_words: set[str], the_names: Set[str] = frozenset()
) -> list[Mention]:
    words = list(_WORD.finditer(text))
    names: list[Mention] = []
    for run in _runs(text, words):
        # Words already claimed by a known entity, title or year split the run.
        piece: list[re.Match[str]] = []
        for word in [*run, None]:
            if word is not None and taken.is_free(word.start(), word.end()):
                piece.append(word)
            elif piece:
                name = _name_of(text, piece, name_words, the_names)
                if name is not None:
                    names.append(name)
                piece = []
    return names


def _runs(text: str, words: list[re.Match[str]]) -> Iterator[list[re.Match[str]]]:
    """Maximal runs of capitalised words, with the connectors between them."""
    i = 0
    while i < len(words):
        if not _capitalised(words[i].group()):
            i += 1
            continue
        run = [words[i]]
        while (more := _continuation(text, words, i, len(run))) is not None:
            run.extend(words[k] for k in more)
            i = more[-1]
        yield run
        i += 1


def _continuation(text: str, words: list[re.Match[str]], i: int, length: int) -> list[int] | None:
    """The indices of the words that carry a run on past word ``i``, if any."""
    word = words[i].group()
    if i + 1 >= len(words) or _possessive(word):
        return None  # "Kanye's Yeezy" is two names
    nxt = words[i + 1].group()
    gap = text[words[i].end() : words[i + 1].start()]
    spaced = gap.isspace() and "\n\n" not in gap

    def then_capitalised(k: int) -> bool:
        if k + 1 >= len(words) or not _capitalised(words[k + 1].group()):
            return False
        return text[words[k].end() : words[k + 1].start()].isspace()

    if spaced and _capitalised(nxt):
        return [i + 1]
    # A duo or a company: "Macklemore & Ryan Lewis", "Simon & Garfunkel".
    if gap in (" & ", " + ") and _capitalised(nxt):
        return [i + 1]
    if spaced and nxt in _CONNECTORS and then_capitalised(i + 1):
        return [i + 1, i + 2]
    # Two connectors: "Javi de la Cruz", "Ludwig van der Berg".
    if (
        spaced
        and nxt in _CONNECTORS
        and i + 2 < len(words)
        and words[i + 2].group() in _CONNECTORS
        and text[words[i + 1].end() : words[i + 2].start()].isspace()
        and then_capitalised(i + 2)
    ):
        return [i + 1, i + 2, i + 3]
    # Award and show names: "Video of the Year", "Best Song of the Summer", and after "Best"
    # "Best Actor in a Drama".
    if spaced and i + 2 < len(words):
        pair = (nxt, words[i + 2].group())
        first = words[i - length + 1].group() if length <= i + 1 else ""
        joined = text[words[i + 1].end() : words[i + 2].start()].isspace()
        if (
            joined
            and (
                pair in (("of", "the"), ("of", "a"))
                or (
                    first in _AWARD_OPENERS
                    and nxt in ("in", "for", "by")
                    and pair[1] in ("a", "an", "the")
                )
            )
            and then_capitalised(i + 2)
        ):
            return [i + 1, i + 2, i + 3]
    # Not "by": "Best Documentary by Paul Reyes" is an award and its presenter.
    if spaced and nxt in ("in", "for") and then_capitalised(i + 1):
        first = words[i - length + 1].group() if length <= i + 1 else ""
        if first in _AWARD_OPENERS:
            return [i + 1, i + 2]
    if (
        gap.startswith(".")
        and (gap == "." or gap[1:].isspace())
        and (len(word) == 1 or word.casefold() in _NAME_ABBREVIATIONS)
        and _capitalised(nxt)
    ):
        return [i + 1]  # "J. Cole", "St. Vincent"
    if (
        gap == ", "
        and length == 1
        and nxt == "the"
        and then_capitalised(i + 1)
        and not then_capitalised(i + 2)
    ):
        # "Tyler, the Creator"; but "Amadi, the Beacon TV presenter" is a name and an
        # apposition.
        return [i + 1, i + 2]
    return None


def _name_of(
    text: str,
    words: list[re.Match[str]],
    name_words: set[str],
    the_names: Set[str] = frozenset(),
) -> Mention | None:
    # Capitalised because it opens the sentence ("The", "In", "Particularly") or because it
    # is "I" ("I'm Dave"); inside a sentence a capitalised word is part of the name ("with
    # The Weeknd", "Watch the Throne"). An opening "The" stays when the article writes the
    # name with it elsewhere ("The Killers ..." after "... with The Killers") or the name is
    # a plural of two words or more, as bands' are ("The Velvet Foxes played ...").
    opening = _starts_sentence(text, words[0].start())
    if (
        opening
        and len(words) > 1
        and words[0].group() == "The"
        and (
            "the " + words[1].group().casefold() in the_names
            # "The Velvet Foxes": a plural name of two words or more after "The" is a band's.
            or (
                len(words) > 2
                and words[-1].group().endswith("s")
                and not _possessive(words[-1].group())
            )
        )
    ):
        opening = False
    # "One Direction won ...": a number word before capitalised words names an act.
    if opening and len(words) > 1 and words[0].group() == "One":
        opening = False
    while words and (
        _is_stop_word(words[0].group()) if opening else _is_first_person(words[0].group())
    ):
        words = words[1:]
    # "Director Tomas Varga", "Host Lena Ortiz": a job title capitalised because it opens
    # the sentence is not part of the name.
    # ("Singer-songwriter Leo Grant", "Actor-director Ana Cruz" too.)
    if opening and len(words) > 2 and words[0].group().casefold().split("-")[-1] in _ROLE_NOUNS:
        words = words[1:]
    # "Puerto Rican rapper", "South African singer": a nationality of two words before a job.
    if (
        len(words) == 2
        and re.search(r"(?:an|ese|ish|ic|i)$", words[1].group())
        and _BEFORE_ROLE_NOUN.match(text, words[1].end())
    ):
        return None
    while words and not _capitalised(words[0].group()):
        words = words[1:]
    while words and not _capitalised(words[-1].group()):
        words = words[:-1]
    if not words:
        return None
    if len(words) == 1:
        word = words[0].group()
        if _is_stop_word(word):
            return None
        # "Tennessee-born", "Irish actress", "Atlanta rapper": a lone capitalised word made
        # an adjective, or standing before a lower-case job noun, describes a name; it is not one.
        if (
            _ADJECTIVE_SUFFIX.search(word)
            or _BEFORE_ROLE_NOUN.match(text, words[0].end())
            or re.fullmatch(r"[A-Z]&[A-Z]", text[words[0].start() - 2 : words[0].end()])
        ):
            return None
        bare = word[:-2] if _possessive(word) else word
        # At the start of a sentence any word is capitalised ("Fans cheered"); it is a name
        # only if the article also capitalises it elsewhere, or it has capitals inside (MTV).
        if (
            _starts_sentence(text, words[0].start())
            and bare not in name_words
            and not any(c.isupper() for c in bare[1:])
        ):
            return None
    start, end = words[0].start(), words[-1].end()
    if _possessive(words[-1].group()):
        end -= 2
    return Mention(Category.NEW_NAME, text[start:end], start, end)


def _starts_sentence(text: str, position: int) -> bool:
    i = position
    while i > 0 and text[i - 1].isspace():
        i -= 1
    return i == 0 or text[i - 1] in _INITIAL_AFTER


# --- Type guesses -----------------------------------------------------------------------------

_GUESSED = frozenset({Category.NEW_NAME, Category.TITLE})
# The last word of a company's name ("Northgate Records", "Beacon TV").
_COMPANY_WORDS = frozenset(
    "records recordings music media entertainment pictures studios films network networks "
    "radio magazine news productions label labels publishing inc ltd llc corp company "
    "agency management tv television".split()
)
_VENUE_WORDS = frozenset(
    "theatre theater arena center centre hall stadium palace garden gardens club bowl dome "
    "pavilion amphitheatre amphitheater auditorium ballroom coliseum forum lounge park square "
    "plaza pier bridge".split()
)
# "Ashford Museum of Art", "Palace of Fine Arts": a venue's head word before its "of".
_VENUE_OF = re.compile(
    r"\b(?:Museum|Hall|Palace|Centre|Center|Theatre|Theater|Gallery|"
    r"Opera House|Cathedral|Church|Temple) of\b"
)
# A job at a company, just before its name: "the creative director of", "the CEO at".
_EMPLOYER_BEFORE = re.compile(
    r"\b(?:creative director|managing director|artistic director|executive|chief executive|"
    r"ceo|president|editor-in-chief|editor|publisher|boss|chairman|"
    r"chairwoman|chair) (?:of|at) (?:the )?$",
    re.IGNORECASE,
)
_AWARD_END = re.compile(r"\b(?:Award|Awards?|Prize|Medal|Honou?r)$|\bof the [A-Z]\w+$")
# "the Nova trophy", "two Golden Crowns, the festival's gold-plated trophies".
_TROPHY_NEAR = re.compile(
    r"^(?:,? (?:a |the )?|, (?:a|an|the) (?:(?!(?:who|which|that)\b)[\w'’-]+ ){0,5}?)"
    r"(?:trophy|trophies|statuettes?|statues?)\b"
)
# "clutching her gold Meridian Star": what a winner holds up is the trophy.
_TROPHY_BEFORE = re.compile(
    r"\b(?:(?:trophy|statuette|top prize|prize)(?: (?:known as|called|named|dubbed))?,? "
    r"(?:the )?|(?:clutching|hoisting|holding up|"
    r"kissing|cradling) (?:her|his|their|the) (?:[a-z-]+ )?)$"
)
# The words award categories open with ("Best Actor", "Outstanding Lead Actress in a Drama
# Series", "Favorite Pop Artist"): a name that starts so is an award.
_AWARD_OPENERS = frozenset({"Best", "Outstanding", "Favorite", "Favourite"})
_AWARD_BEFORE = re.compile(r"\b(?:(?:award|prize|honou?r) (?:for|of)|(?:was|were) crowned) $")
# "handed the Golden Lantern for Best Director": a name before the award it stands for is
# the trophy.
_TROPHY_FOR = re.compile(r"^ for (?:Best |[A-Z][\w-]* of the )")
_CITY_BEFORE = re.compile(
    r"(?:\b(?:held|place|based|born|live|filmed|staged|hosted|headquartered|finale|"
    + "|".join(sorted(_VENUE_WORDS))
    + r")|\bin) in $|\b(?:held|place|finale|from|hometown of) in $|\bheld in $|\bplace in $",
    re.IGNORECASE,
)
_GROUP_BEFORE = re.compile(
    r"\b(?:band|group|duo|trio|quartet|quintet|collective|orchestra|choir|ensemble|"
    r"boy band|girl group)(?: called| named)? $",
    re.IGNORECASE,
)
_GROUP_AFTER = re.compile(
    r"^(?:['’]s (?:frontman|frontwoman|lead singer|lead vocalist|guitarist|bassist|drummer|"
    r"keyboardist|members?)\b"
    # An apposition: "Static Youth, the Chicago collective led by ...".
    r"|, (?:the|a|an) (?:[\w-]+ ){0,3}?(?:band|group|collective|trio|duo|quartet|quintet|"
    r"outfit|ensemble|choir)\b)"
)
# What follows a dateline's city: maybe a date and an agency, then a dash ("LOS ANGELES,
# Feb. 2 (AP) —").
_DATELINE_AFTER = re.compile(
    r"^(?:,? [A-Z][a-z]+\.? \d{1,2}(?:, \d{4})?)?(?: \([A-Za-z ]+\))?\s*[—–-]"
)
_CHARACTER_BEFORE = re.compile(
    r"\b(?:alter ego|persona|character|in character as|masked as|performing as),? $",
    re.IGNORECASE,
)
# Words before a title that say what it is; the nearest one counts.
_WORK_WORDS = {
    "album": "album",
    "ep": "album",
    "mixtape": "album",
    "lp": "album",
    "single": "song",
    "song": "song",
    "songs": "song",
    "track": "song",
    "hit": "song",
    "ballad": "song",
    "anthem": "song",
    "duet": "song",
    "series": "show",
    "show": "show",
    "sitcom": "show",
    "drama": "show",
    "film": "show",
    "movie": "show",
    "documentary": "show",
    "comedy": "show",
    "miniseries": "show",
    "thriller": "show",
    "musical": "show",
    "programme": "show",
    "program": "show",
}
_SHOW_BEFORE = re.compile(
    r"\b(?:stars? of|cast of|stars? in|starring in|starred in|turn in|role in|appeared in|"
    r"appearing in|episode of|season of|finale of)\s*[\"“‘']?$",
    re.IGNORECASE,
)
_SHOW_AFTER = re.compile(r"^[\"”’']?,?\s+(?:stars?|cast|co-stars?|finale|season|episode)\b")


def guess_type(text: str, mention: Mention) -> str | None:
    """The entity type a new name or a title most likely has, from its words and context.

    ``mention`` is a new name or title in ``text`` (offsets into it). The name's own words
    come first (an event's "Awards" or "Festival", an award's "Best ..." or "... of the
    Year", a venue's "Arena"), then the words around it ("the band ...", "in <City>" after a
    venue or "held", "her album ..."). A title with no such word is guessed a song, a name
    a person. None when nothing says.
    """
    name = mention.text
    before = text[max(0, mention.start - 60) : mention.start]
    before = before.split("\n")[-1]
    after = text[mention.end : mention.end + 40]
    last = name.split()[-1].casefold() if name.split() else ""
    if mention.category == Category.TITLE:
        return _work_type(before, after)
    if re.search(r"\s(?:19|20)\d\d$", name):
        return "event"  # "Eurovision 2025" (a date's month is never part of a name)
    if re.search(r"(?:^|\s)(?:19|20)\d\d\s", name) and (
        last in _EVENT_WORDS or name.split()[1].casefold() in _EVENT_HEADS
    ):
        return "event"
    if name.split()[0] in _AWARD_OPENERS and len(name.split()) > 1 or _AWARD_BEFORE.search(before):
        return "award"
    if _AWARD_END.search(name) and not name.endswith("Awards"):
        return "award"
    if last in _EVENT_WORDS and last in ("awards", "festival", "gala", "ceremony", "fest"):
        return "event"
    if re.search(r"\b(?:" + "|".join(sorted(_ROLE_NOUNS)) + r") $", before):
        return "person"  # "guitarist Theo Park" is not a park
    if _EMPLOYER_BEFORE.search(before):
        return "company"  # "the creative director of Maison Aurèle"
    if last in _VENUE_WORDS or _VENUE_OF.search(name):
        return "venue"
    if last in _COMPANY_WORDS or name.endswith((" TV", " FM")):
        return "company"
    if (
        _TROPHY_NEAR.match(after)
        or _TROPHY_BEFORE.search(before)
        or (_TROPHY_FOR.match(after) and re.search(r"\bthe $", before))
    ):
        return "trophy"
    if _CHARACTER_BEFORE.search(before):
        return "character"
    if _GROUP_BEFORE.search(before) or _GROUP_AFTER.match(after):
        return "group"
    if _CITY_BEFORE.search(before) or (name.isupper() and _DATELINE_AFTER.match(after)):
        return "city"
    if name.startswith("The ") and name[-1] == "s":
        return "group"  # "The Killers": a person's name does not start with "The"
    if " & " in name:
        return "group"  # a duo: "Macklemore & Ryan Lewis"
    return "person"


def _work_type(before: str, after: str) -> str:
    if _SHOW_BEFORE.search(before) or _SHOW_AFTER.match(after):
        return "show"
    # The word right before the title ("her debut album, 'Low Tide'") or an apposition right
    # after it ("'Paper Moon,' the band's first single"); a word further away says nothing
    # ("closed the show with 'Roar'").
    last = re.findall(r"[\w-]+", before.casefold())[-1:]
    if last and last[0] in _WORK_WORDS and re.search(r"[\w-]+[,:]?\s*[\"“‘']?$", before):
        return _WORK_WORDS[last[0]]
    apposition = _APPOSITION.match(after)
    if apposition:
        return _WORK_WORDS[apposition.group(1).casefold()]
    return "song"


_APPOSITION = re.compile(
    r"^[\"”’',]*\s*,?\s*(?:the|her|his|their|its|a|an) (?:[\w'’-]+ ){0,3}?("
    + "|".join(sorted(_WORK_WORDS))
    + r")\b",
    re.IGNORECASE,
)


def _guesses(text: str, mentions: Sequence[Mention]) -> dict[str, str]:
    """One guessed type per name in the article: the most telling of its mentions' guesses.

    A name is guessed from every place it appears ("Paper Moon" is a song after "single" in
    one sentence even where another sentence says nothing), and a lone surname or first name
    takes the type of the full name it shortens.
    """
    defaults = {Category.TITLE: "song", Category.NEW_NAME: "person"}
    votes: dict[str, dict[str, int]] = {}
    for mention in mentions:
        if mention.category not in _GUESSED:
            continue
        guess = guess_type(text, mention)
        if guess is None:
            continue
        weight = 0 if guess == defaults[mention.category] else 1
        counts = votes.setdefault(mention.text, {})
        counts[guess] = counts.get(guess, 0) + weight
    guessed = {
        name: max(sorted(counts), key=lambda t: counts[t])
        if any(counts.values())
        else next(iter(counts))
        for name, counts in votes.items()
    }
    for name in list(guessed):
        # Only a name nothing else said anything about: "Brooklyn" after "in" stays a city
        # even beside "the Brooklyn Bridge".
        if " " not in name and guessed[name] == "person":
            longer = [n for n in guessed if " " in n and name in n.split()]
            if len(longer) == 1 and guessed[longer[0]] != "event":
                guessed[name] = guessed[longer[0]]
    return guessed
