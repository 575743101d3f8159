"""The slot grammar of question templates: check, parse and fill prompts and explanations.

Editors write templates as plain text with slots (docs/question-bank.md, "The slot grammar"):

    {role}                  the role's value
    {role|filter}           the value passed through up to three filters, left to right

Editors are not trusted with code, so a template is data from start to end. This module only
matches the text against the grammar above and concatenates strings: it never hands editor
text to ``str.format``, Jinja, ``eval`` or ``getattr``, and values are inserted as plain text
that is never read as a template again. Anything else between braces (``{{...}}``, ``{0}``,
``{role.attr}``, ``{role[0]}``, ``{role:>10}``, ``{role!r}``, ``${x}``, nested or unclosed
braces) is refused with the column of the offending slot, and every problem in a template is
reported at once so an editor can fix them in one go.

Domain module: standard library only (no Flask), so the loader, the generator and the tests
can use it without an app.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "FILTERS",
    "MAX_FILTERS",
    "MAX_OUTPUT_LENGTH",
    "MAX_ROLE_LENGTH",
    "MAX_TEMPLATE_LENGTH",
    "MissingRoleError",
    "ParsedTemplate",
    "RenderError",
    "Slot",
    "SlotError",
    "TemplateSyntaxError",
    "check_template",
    "join_names",
    "parse_template",
    "render",
]

MAX_TEMPLATE_LENGTH = 300
MAX_OUTPUT_LENGTH = 500
MAX_FILTERS = 3
MAX_ROLE_LENGTH = 40

# Long enough to recognise the slot, short enough to keep a loader report on one line.
_SNIPPET_LENGTH = 40

_SLOT_FORM = "a slot is {role} or {role|filter}"
_ROLE_RE = re.compile(r"[a-z][a-z0-9_]{0,39}")
_BRACE_RE = re.compile(r"[{}]")
# Everything a well-formed slot body may contain; the first other character names the mistake,
# and Python-format syntax is named first since it is what an injection attempt looks like.
_BODY_CHAR_RE = re.compile(r"[^a-z0-9_|]")
_FORMAT_SYNTAX_RE = re.compile(r"[.\[\]:!()]")


# --------------------------------------------------------------------------- errors


class RenderError(ValueError):
    """A template could not be filled with the given values (bad value, output too long)."""


class MissingRoleError(KeyError):
    """A slot names a role that has no value (absent, ``None`` or an empty list)."""

    def __init__(self, role: str) -> None:
        super().__init__(role)
        self.role = role

    def __str__(self) -> str:
        # KeyError's own __str__ is the repr of the key, which reads badly in a report.
        return f'no value for role "{self.role}"'


@dataclass(frozen=True)
class SlotError:
    """One problem in a template's text, located by a 1-based column (character offset + 1)."""

    column: int
    text: str
    message: str

    def __str__(self) -> str:
        # Reports are one line per problem (file:line: id: message), so show line breaks escaped.
        shown = self.text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
        return f'column {self.column}: "{shown}": {self.message}'


class TemplateSyntaxError(ValueError):
    """A template breaks the slot grammar; ``errors`` lists every problem found in it."""

    def __init__(self, errors: Sequence[SlotError]) -> None:
        # The errors are the exception's only argument so that it pickles and copies intact.
        super().__init__(list(errors))
        self.errors: list[SlotError] = list(errors)

    def __str__(self) -> str:
        count = len(self.errors)
        noun = "error" if count == 1 else "errors"
        return f"{count} {noun} in template: " + "; ".join(str(e) for e in self.errors)


# --------------------------------------------------------------------------- parsed form


@dataclass(frozen=True)
class Slot:
    """A slot of a parsed template: ``text[start:end]`` is the slot, braces included."""

    role: str
    filters: tuple[str, ...]
    start: int
    end: int


@dataclass(frozen=True)
class ParsedTemplate:
    """A template that passed the check: literal strings and slots, in order."""

    text: str
    parts: tuple[str | Slot, ...]

    @property
    def slots(self) -> tuple[Slot, ...]:
        """The slots of the template, in order."""
        return tuple(part for part in self.parts if isinstance(part, Slot))

    @property
    def roles(self) -> frozenset[str]:
        """The roles the template's slots name."""
        return frozenset(slot.role for slot in self.slots)


# --------------------------------------------------------------------------- filters


def join_names(names: Sequence[str]) -> str:
    """Read names as a list in prose: "A", "A and B", "A, B and C" ("" for no names)."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def possessive(value: str) -> str:
    """Return the possessive form: "Lady Gaga's", "James'" (a final s or S takes only "'")."""
    if not value:
        return value
    if value[-1] in "sS":
        return value + "'"
    return value + "'s"


# Letters whose names begin with a vowel sound when an initialism is spelled out:
# "an MTV award", "an R&B singer", "an X-ray", but "a UK tour", "a BBC show".
_VOWEL_SOUND_LETTERS = frozenset("AEFHILMNORSX")
# Capitalised acronyms read as words, although short: "a SAG Award", "a SZA song".
_ACRONYMS_READ_AS_WORDS = frozenset(
    {"FIFA", "MOBO", "NAFTA", "NASA", "NASCAR", "NATO", "SAG", "SZA"}
)
# Long capitalised names with vowels are usually words ("a NASA probe", "a HUMBLE. remix");
# these are spelled out letter by letter instead.
_LONG_INITIALISMS = frozenset({"HBCU", "LAPD", "LMFAO", "NAACP", "NCAA", "RIAA"})
# Words written with a vowel but said with a consonant sound: "a university", "a European tour".
_CONSONANT_SOUND_PREFIXES = (
    "eu",
    "ewe",
    "ouija",
    "ubiq",
    "ukr",
    "ukul",
    "unanim",
    "uni",
    "uran",
    "urin",
    "uru",
    "use",
    "usu",
    "ute",
    "uti",
    "uto",
)
# ... except the "un-" words among them: "an unidentified", "an uninvited guest".
_VOWEL_SOUND_UNI_PREFIXES = ("unid", "unim", "unin")
_CONSONANT_SOUND_WORDS = frozenset({"one", "once"})
# Words written with a consonant but said with a vowel sound: "an hour", "an honorary degree".
_SILENT_H_PREFIXES = ("heir", "honest", "honor", "honour", "hour")
_FIRST_WORD_RE = re.compile(r"[^\W_]+")
_NUMBER_RE = re.compile(r"[0-9][0-9,]*")


def _number_takes_an(digits: str) -> bool:
    """Whether a number said aloud starts with a vowel sound ("eight...", "eleven", "eighteen")."""
    digits = digits.rstrip(",")
    if "," in digits:
        group = digits.split(",", 1)[0]  # "11,000": the part before the first comma is said first
    elif len(digits) == 4:
        group = digits[:2]  # years and the like: 1812 is "eighteen twelve"
    else:
        group = digits[: len(digits) % 3 or 3]  # 11000 is "eleven thousand", 180 "one hundred..."
    return group.startswith("8") or group in ("11", "18")


def _word_takes_an(word: str) -> bool:
    """Whether an ordinary word starts with a vowel sound, by spelling plus known exceptions."""
    lower = word.lower()
    if lower in _CONSONANT_SOUND_WORDS:
        return False
    if lower.startswith(_CONSONANT_SOUND_PREFIXES) and not lower.startswith(
        _VOWEL_SOUND_UNI_PREFIXES
    ):
        return False
    if lower.startswith(_SILENT_H_PREFIXES):
        return True
    return lower[0] in "aeiou"


def _takes_an(value: str) -> bool:
    """Decide "a" or "an" from the sound of the first word of ``value``.

    A heuristic, not a pronouncing dictionary:
    - numbers by how they are said: "an 8", "an 11-year-old", "an 18th", "an 1800s", "a 28th";
    - a single letter or a word in capitals is spelled out ("an MTV award", "an R&B singer",
      "a UK tour"), except acronyms said as words ("a NASA probe", "a SAG Award");
    - other words by their first letter, with the usual exceptions ("a university",
      "a European", "a one-off", "an hour", "an honorary");
    - leading quotes and punctuation are skipped; accents are ignored ("an Élan").
    """
    match = _FIRST_WORD_RE.search(value)
    if match is None:
        return False
    if match.group()[0] in "0123456789":
        number = _NUMBER_RE.match(value, match.start())
        if number is not None:
            return _number_takes_an(number.group())
    # Accents do not change the sound of the first letter for our purpose: "Élan" is "E...".
    decomposed = unicodedata.normalize("NFKD", match.group())
    word = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    if not word:
        return False
    if len(word) == 1 or word.isupper():
        upper = word.upper()
        read_as_word = upper in _ACRONYMS_READ_AS_WORDS or (
            len(word) >= 4
            and word.isalpha()
            and any(ch in "AEIOU" for ch in upper)
            and upper not in _LONG_INITIALISMS
        )
        if not read_as_word:
            return upper[0] in _VOWEL_SOUND_LETTERS
    return _word_takes_an(word)


def indefinite_article(value: str) -> str:
    """Put "a" or "an" before the value, chosen by sound: "an Emmy", "a Moonman", "an 18th"."""
    return ("an " if _takes_an(value) else "a ") + value


def ordinal(value: str) -> str:
    """Turn a whole number into an ordinal: "1" -> "1st", "12" -> "12th", "112" -> "112th"."""
    # Only ASCII digits: str.isdigit() would also accept superscripts and other scripts.
    if not re.fullmatch(r"[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+", value):
        shown = value if len(value) <= _SNIPPET_LENGTH else value[: _SNIPPET_LENGTH - 3] + "..."
        raise RenderError(f'the ordinal filter needs a whole number such as 28, got "{shown}"')
    # Read the suffix off the last digits rather than int(): no limit on the number's length.
    last_two = value.replace(",", "")[-2:].rjust(2, "0")
    if last_two[0] == "1":
        return value + "th"  # 11th, 12th, 13th, 111th ...
    return value + {"1": "st", "2": "nd", "3": "rd"}.get(last_two[1], "th")


FILTERS: dict[str, Callable[[str], str]] = {
    "a": indefinite_article,
    "ordinal": ordinal,
    "possessive": possessive,
}


def _filter_list() -> str:
    return ", ".join(sorted(FILTERS))


# --------------------------------------------------------------------------- checking


def _snippet(text: str) -> str:
    if len(text) <= _SNIPPET_LENGTH:
        return text
    return text[: _SNIPPET_LENGTH - 3] + "..."


def _error(start: int, text: str, message: str) -> SlotError:
    return SlotError(column=start + 1, text=_snippet(text), message=message)


def _is_valid_body(body: str) -> bool:
    role, *filters = body.split("|")
    return (
        _ROLE_RE.fullmatch(role) is not None
        and len(filters) <= MAX_FILTERS
        and all(name in FILTERS for name in filters)
    )


def _bad_char_problem(body: str, index: int) -> str:
    """Explain the first character of a slot body that no slot may contain."""
    char = body[index]
    bar = body.find("|")
    if bar == -1 or index < bar:
        what = f'"{_snippet(body if bar == -1 else body[:bar])}" is not a role name'
    else:
        what = f'"{_snippet(body[bar + 1 :])}" is not a filter'
    if char == ".":
        return f'{what}: attribute access (".") is not allowed; {_SLOT_FORM}'
    if char in "[]":
        return f'{what}: indexing ("[...]") is not allowed; {_SLOT_FORM}'
    if char == ":":
        return f'{what}: format specs (":...") are not allowed; {_SLOT_FORM}'
    if char == "!":
        return f'{what}: conversions ("!r", "!s") are not allowed; {_SLOT_FORM}'
    if char in "()":
        return f'{what}: calls ("(...)") are not allowed; {_SLOT_FORM}'
    if char.isspace():
        return f"{what}: no spaces inside a slot; {_SLOT_FORM}"
    if char.isupper():
        return f"{what}: role and filter names are lower case; {_SLOT_FORM}"
    if char == "-" and _is_valid_body(body.replace("-", "_")):
        fixed = body.replace("-", "_")
        return f'{what}: role names use "_", not "-": write {{{fixed}}}'
    return (
        f'{what}: "{char}" is not allowed; role names use lower-case letters, digits and "_", '
        f"and {_SLOT_FORM}"
    )


def _check_body(body: str, start: int, end: int, text: str) -> Slot | SlotError:
    """Check what stands between a slot's braces (no braces in it); start/end span the slot."""
    shown = text[start:end]
    if body == "":
        return _error(start, shown, "empty slot: put a role name between the braces, e.g. {winner}")

    squeezed = "".join(body.split())
    # Suggest dropping spaces only around names ("{ winner }", "{winner | a}"): joining the
    # words of "{who won}" into a role name would be a guess, not a fix.
    if squeezed != body and all(len(name.split()) <= 1 for name in body.split("|")):
        if _is_valid_body(squeezed):
            return _error(
                start, shown, f"remove the spaces inside the braces: write {{{squeezed}}}"
            )
        if _is_valid_body(squeezed.lower()):
            return _error(
                start,
                shown,
                "remove the spaces inside the braces, and role names are lower case: "
                f"write {{{squeezed.lower()}}}",
            )
    if body != body.lower() and _is_valid_body(body.lower()):
        role = body.split("|", 1)[0]
        kind = "role names" if role != role.lower() else "filter names"
        return _error(start, shown, f"{kind} are lower case: write {{{body.lower()}}}")

    bad = _FORMAT_SYNTAX_RE.search(body) or _BODY_CHAR_RE.search(body)
    if bad is not None:
        return _error(start, shown, _bad_char_problem(body, bad.start()))

    role, *filters = body.split("|")
    if role == "":
        return _error(
            start, shown, f'the slot has no role name before "|"; {_SLOT_FORM}, e.g. {{winner|a}}'
        )
    if role.isdigit():
        return _error(
            start,
            shown,
            f'"{_snippet(role)}" is not a role name: positional slots like {{0}} are not allowed; '
            "name the role, e.g. {winner}",
        )
    if not role[0].isalpha():
        return _error(
            start,
            shown,
            f'"{_snippet(role)}" is not a role name: role names start with a lower-case letter',
        )
    if len(role) > MAX_ROLE_LENGTH:
        return _error(
            start,
            shown,
            f"role names are at most {MAX_ROLE_LENGTH} characters; this one has {len(role)}",
        )
    if len(filters) > MAX_FILTERS:
        return _error(
            start,
            shown,
            f"at most {MAX_FILTERS} filters per slot; this slot has {len(filters)}",
        )
    for name in filters:
        if name == "":
            return _error(
                start, shown, f'empty filter after "|"; the filters are: {_filter_list()}'
            )
        if name not in FILTERS:
            return _error(
                start,
                shown,
                f'unknown filter "{_snippet(name)}"; the filters are: {_filter_list()}',
            )
    return Slot(role=role, filters=tuple(filters), start=start, end=end)


def _match_braces(text: str) -> dict[int, int]:
    """Pair each "{" with the "}" that closes it, counting nesting; unclosed ones are left out."""
    # Done once up front so that nested or unclosed braces cost linear time, not quadratic.
    open_at: list[int] = []
    pairs: dict[int, int] = {}
    for match in _BRACE_RE.finditer(text):
        if match.group() == "{":
            open_at.append(match.start())
        elif open_at:
            pairs[open_at.pop()] = match.start()
    return pairs


def _scan(text: str) -> tuple[tuple[str | Slot, ...], list[SlotError]]:
    """Split a template into literal text and slots, collecting every error on the way.

    After an error the scan resumes after the offending construct (at the "}" that ends it,
    or at the next "{" when it is never closed), so later slots are still checked.
    """
    if not isinstance(text, str):
        raise TypeError(f"a template is a str, not {type(text).__name__}")
    errors: list[SlotError] = []
    parts: list[str | Slot] = []
    literal: list[str] = []
    pairs: dict[int, int] | None = None
    size = len(text)
    pos = 0

    def next_brace(start: int) -> int:
        found = _BRACE_RE.search(text, start)
        return size if found is None else found.start()

    while pos < size:
        brace = next_brace(pos)
        literal.append(text[pos:brace])
        if brace == size:
            break
        if text[brace] == "}":
            errors.append(
                _error(
                    brace,
                    "}",
                    'a "}" with no "{" before it; a literal brace cannot be written, so rephrase '
                    f"({_SLOT_FORM})",
                )
            )
            pos = brace + 1
            continue

        after = next_brace(brace + 1)
        if after == size:
            errors.append(
                _error(
                    brace,
                    text[brace:],
                    'this "{" is never closed: end the slot with "}", e.g. {winner}; '
                    "a literal brace cannot be written",
                )
            )
            break

        if text[after] == "{":
            if pairs is None:
                pairs = _match_braces(text)
            close = pairs.get(brace)
            doubled = text[brace + 1] == "{"
            if close is None and not doubled:
                errors.append(
                    _error(
                        brace,
                        text[brace:after],
                        'this "{" is not closed before the next "{": end the slot with "}"',
                    )
                )
                pos = after  # the next "{" may well start a good slot
                continue
            if close is None:
                close = text.find("}", brace)
                close = size - 1 if close == -1 else close
            if doubled:
                message = (
                    '"{{...}}" is Jinja or str.format syntax, not a slot: braces are never '
                    f"doubled or nested; {_SLOT_FORM}"
                )
            else:
                message = f"slots cannot be nested: no braces inside a slot; {_SLOT_FORM}"
            errors.append(_error(brace, text[brace : close + 1], message))
            pos = close + 1
            continue

        # A "{...}" with no braces inside: a slot, unless shell/JavaScript style "${...}".
        body = text[brace + 1 : after]
        if brace > 0 and text[brace - 1] == "$":
            example = body if _is_valid_body(body) else "role"
            errors.append(
                _error(
                    brace - 1,
                    text[brace - 1 : after + 1],
                    f'"$" right before a slot is shell/JavaScript syntax: write {{{example}}} '
                    f'without the "$" (for money, write "{{{example}}} dollars")',
                )
            )
        else:
            checked = _check_body(body, brace, after + 1, text)
            if isinstance(checked, SlotError):
                errors.append(checked)
            else:
                if "".join(literal):
                    parts.append("".join(literal))
                literal = []
                parts.append(checked)
        pos = after + 1

    if "".join(literal):
        parts.append("".join(literal))
    if size > MAX_TEMPLATE_LENGTH:
        errors.append(
            _error(
                MAX_TEMPLATE_LENGTH,
                text[MAX_TEMPLATE_LENGTH:],
                f"a template is at most {MAX_TEMPLATE_LENGTH} characters; this one has {size}, "
                f"shorten it by {size - MAX_TEMPLATE_LENGTH}",
            )
        )
    errors.sort(key=lambda error: error.column)
    return tuple(parts), errors


def check_template(text: str) -> list[SlotError]:
    """Check a template against the slot grammar; return every problem found ([] when fine)."""
    return _scan(text)[1]


def parse_template(text: str) -> ParsedTemplate:
    """Parse a template into literal text and slots.

    Raises TemplateSyntaxError listing every problem in the text, not only the first.
    """
    parts, errors = _scan(text)
    if errors:
        raise TemplateSyntaxError(errors)
    return ParsedTemplate(text=text, parts=parts)


# --------------------------------------------------------------------------- rendering


def _as_text(role: str, value: object) -> str:
    """Turn a role's value into the text a slot shows (before filters)."""
    if isinstance(value, str):
        return value
    # bool is an int, but "True" in a question is always a bug upstream.
    if isinstance(value, bool):
        raise TypeError(f'role "{role}": a value is a str, an int or a list of str, not bool')
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        items = list(value)
        if not items:
            raise MissingRoleError(role)
        for item in items:
            if not isinstance(item, str):
                raise TypeError(f'role "{role}": a list value holds str, not {type(item).__name__}')
        return join_names(items)
    raise TypeError(
        f'role "{role}": a value is a str, an int or a list of str, not {type(value).__name__}'
    )


def render(parsed: ParsedTemplate, values: Mapping[str, str | int | Sequence[str]]) -> str:
    """Fill a parsed template's slots with values and apply each slot's filters in order.

    A list value reads "A", "A and B", "A, B and C"; an int becomes its digits. Values are
    inserted as plain text and never read as a template (a value "{x}" stays "{x}"); HTML
    escaping is left to the page.

    Raises MissingRoleError (a KeyError) for a role with no value, and RenderError when a
    filter cannot take its value or the filled text is longer than MAX_OUTPUT_LENGTH.
    """
    pieces: list[str] = []
    for part in parsed.parts:
        if isinstance(part, str):
            pieces.append(part)
            continue
        try:
            value = values[part.role]
        except KeyError:
            raise MissingRoleError(part.role) from None
        if value is None:
            raise MissingRoleError(part.role)
        filled = _as_text(part.role, value)
        for name in part.filters:
            function = FILTERS.get(name)
            if function is None:
                # Only reachable with a hand-built ParsedTemplate; parse_template refuses it.
                raise RenderError(f'unknown filter "{name}"; the filters are: {_filter_list()}')
            filled = function(filled)
        pieces.append(filled)
    result = "".join(pieces)
    if len(result) > MAX_OUTPUT_LENGTH:
        raise RenderError(
            f"the filled text has {len(result)} characters; at most {MAX_OUTPUT_LENGTH} are "
            "allowed (shorten the template or use shorter values)"
        )
    return result
