"""Text as quizapp compares it: one folding, one split into words, one slug. No Flask.

Every place that decides whether two pieces of text name the same thing uses these: the
grader (a player's typed answer against the accepted forms), the generator (a wrong answer
that reads like the right one), the workspace's suggestions and entity search (a name in a
pasted article against the bank's names). If they folded differently, a name the workspace
finds in an article could be one the game refuses from a player.

Folding (``fold``, ``fold_char``)
    Case, accents and strokes never matter: text is casefolded and NFKD-decomposed with the
    combining marks dropped (``Beyoncé`` -> ``beyonce``), and letters NFKD leaves whole are
    folded by hand (``ø`` -> ``o``, ``æ`` -> ``ae``, ``ł`` -> ``l``, ...).

Words (``words``)
    Letters and digits make words; apostrophes inside a word are dropped without splitting it
    (``Guns N' Roses`` -> ``guns n roses``, ``Destiny's Child`` -> ``destinys child``,
    ``Oʻahu`` -> ``oahu``); ``&`` is the word ``and``; anything else separates words. Each word
    keeps where it stands in the original text, so a caller can point back at it.

Names in prose (``drop_possessives``, ``name_readings``)
    A possessive's "'s" is no part of the name it follows ("Dave Grohl's" names Dave Grohl):
    the checks that look for names in shown text read the text and the names both as written
    and without it. The grader does not: it compares a typed answer as ``fold`` reads it.

Slugs (``slugify``, ``unique_id``)
    Ids made from titles and names: lower-case ASCII letters, digits and ``-``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# Every apostrophe people type, including the ʻokina of Hawaiian names (Oʻahu).
APOSTROPHES = frozenset("'’‘`´ʼʻ′")
# Letters that NFKD does not decompose but that people write without their stroke or ligature.
_EXTRA_FOLDS = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)


@lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """One character folded: casefolded, without accents or strokes (may be "" or several)."""
    decomposed = unicodedata.normalize("NFKD", ch.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_EXTRA_FOLDS)


@dataclass(frozen=True)
class Word:
    """A folded word and where it stands in the original text (``text[start:end]``)."""

    text: str
    start: int
    end: int


def words(text: str) -> list[Word]:
    """The folded words of ``text``, each with its place in it (see the module's rules).

    A word ends after its last letter or digit, or after an accent typed after it; an
    apostrophe that ends a word ("Guns N'") is not part of it.
    """
    found: list[Word] = []
    letters: list[str] = []
    start = end = 0

    def flush() -> None:
        if letters:
            found.append(Word("".join(letters), start, end))
            letters.clear()

    for i, ch in enumerate(text):
        if ch in APOSTROPHES:
            continue  # dropped; it neither ends nor extends the word
        if unicodedata.combining(ch):
            if letters:
                end = i + 1  # an accent typed after its letter belongs to the word
            continue
        if ch == "&":
            flush()
            found.append(Word("and", i, i + 1))
            continue
        for c in fold_char(ch):
            if c.isalnum():
                if not letters:
                    start = i
                letters.append(c)
                end = i + 1
            else:
                flush()
    flush()
    return found


def fold(text: str) -> str:
    """``text`` in the form names and answers are compared in: its words, one space apart.

    ``"Tyler, the Creator"`` -> ``"tyler the creator"``, ``"JAY-Z"`` -> ``"jay z"``,
    ``"Beyoncé"`` -> ``"beyonce"``, ``"Røyksopp"`` -> ``"royksopp"``.
    """
    return " ".join(word.text for word in words(text))


# "'s" ending a word: a possessive ("Dave Grohl's"), or a contraction that names nothing.
_POSSESSIVE = re.compile(
    "(?<=[^\\W_])[" + re.escape("".join(sorted(APOSTROPHES))) + "][sS](?![^\\W_])"
)


def drop_possessives(text: str) -> str:
    """``text`` without the "'s" that ends a possessive: "Dave Grohl's first meeting" ->
    "Dave Grohl first meeting". For finding names in prose, where "Grohl's" names Grohl;
    pass the names through it too ("Destiny's Child" -> "Destiny Child"), since ``fold`` keeps
    the s ("destinys"). Not for grading: a player who types "Destinys Child" matches as before.
    """
    # Composed first: an accent typed after its letter ("e" + U+0301) is no word character.
    return _POSSESSIVE.sub("", unicodedata.normalize("NFC", text))


def name_readings(text: str) -> tuple[str, ...]:
    """The folded readings of a name or a text, for finding names in prose: as written, and
    with its possessives dropped (``drop_possessives``) when that differs and leaves more
    than one short word ("A's" does not become every "a"). Matching any reading of a name
    against any reading of a text finds "Dave Grohl's" for Dave Grohl and "Macys" for
    "Macy's" alike."""
    plain, dropped = fold(text), fold(drop_possessives(text))
    if dropped == plain or (" " not in dropped and len(dropped) < 3):
        return (plain,)
    return (plain, dropped)


def slugify(text: str, *, limit: int = 60) -> str:
    """A lower-case slug of letters, digits and '-': "Beyoncé's VMAs" gives "beyonces-vmas".

    Folded as names are, so "Røyksopp" gives "royksopp"; "item" if nothing is left.
    """
    slug = "-".join(word.text for word in words(text))
    slug = re.sub(r"[^a-z0-9-]+", "", slug.encode("ascii", "ignore").decode())
    slug = re.sub(r"-+", "-", slug).strip("-")[:limit].strip("-")
    return slug or "item"


def unique_id(base: str, taken: Collection[str]) -> str:
    """``base``, or ``base-2``, ``base-3`` ... whichever is not taken."""
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def control_characters(text: str, allowed: str = "") -> list[str]:
    """The control characters in ``text`` (C0, DEL, C1: Unicode's Cc), each once, sorted,
    but those in ``allowed`` (a multi-line field's tab and line breaks).

    PostgreSQL cannot store NUL, and no name, nickname or id of ours needs any of them: the
    request guard, the game and the bank loader refuse what this finds.
    """
    if _CONTROL.search(text) is None:  # every request's path, headers and fields: scan in C
        return []
    return sorted({ch for ch in text if unicodedata.category(ch) == "Cc" and ch not in allowed})


# Unicode's Cc is exactly these 65 code points, and stays so (a stability policy of the
# standard); tests/test_text.py checks the class against unicodedata.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


# The ICU data's version of Unicode's confusables.txt decides what looks alike; a new ICU may
# map more characters, and `lookalike_key` of an existing name may then change (a migration
# would recompute the keys, as 0004 did).
@functools.cache
def _spoof_checker() -> Any:
    import icu  # PyICU (the pyicu-wheels build, which bundles ICU)

    return icu.SpoofChecker()


def skeleton(text: str) -> str:
    """The UTS #39 confusable skeleton of ``text`` (ICU's SpoofChecker): two texts that look
    alike ("Top", "Tоp" with a Cyrillic о, "T0p") share it."""
    result: str = _spoof_checker().getSkeleton(0, text)
    return result


def lookalike_key(name: str) -> str:
    """The key two names share when people would take one for the other: case, width and
    compatibility forms ignored (NFKC with case folding, before and after, as UTS #39 says for
    case-insensitive identifiers), then the confusable skeleton; as a 24-character digest,
    since a skeleton can be longer than the name.
    """
    folded = unicodedata.normalize("NFKC", name).casefold()
    # Folding the skeleton can produce text with a skeleton of its own: repeat to a fixpoint.
    for _ in range(3):
        again = unicodedata.normalize("NFKC", skeleton(folded)).casefold()
        if again == folded:
            break
        folded = again
    digest = hashlib.blake2b(folded.encode(), digest_size=18).digest()
    return base64.urlsafe_b64encode(digest).decode()
