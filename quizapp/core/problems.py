"""What is wrong with some input: one `Problem` type for every validation path. No Flask.

The bank loader, the template preview, the editors' workspace and the quiz maker all answer
bad input with a list of Problems, raised in a `ProblemsError` (their own subclasses:
`BankError`, `EditError`, `QuizError`), so that pages, the command line and JSON read them
alike and never take a message apart again to learn where it belongs:

- ``code`` is stable and machine-readable ("unknown_entity", "evidence_not_in_article"), for
  programs and tests to key on instead of the wording;
- ``message`` says, for a person, what is wrong and what to fix, hint included;
- ``field`` is the input it points at: a form field ("title", "partner"), a record's field as a
  dotted path ("roles.partner"), a draft's field ("prompt"); pages show the message there;
- ``location`` says where, for a person reading a list: file and line, record, column;
- ``hint`` is the suggestion the message makes, as a value a program can use (the name it
  guesses was meant, the closest passage of the article);
- ``severity``: an "error" refuses the input, a "warning" (the template preview's) does not.

``str(problem)`` is the problem as one line, e.g. the loader's
``facts/all.yaml:12: fact f-duet: roles.partner: unknown entity (did you mean 'beyonce'?)
(got 'beyonse')``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, Literal

__all__ = [
    "ERROR",
    "WARNING",
    "Location",
    "Problem",
    "ProblemsError",
    "Severity",
    "by_field",
]

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"

# How much of an offending value a line quotes: enough to recognise it.
_VALUE_LENGTH = 80


@dataclass(frozen=True)
class Location:
    """Where a problem is, as precisely as its source knows; every part is optional.

    ``file`` (relative to the bank's folder) and ``line`` (1-based) place it in the bank's
    files; ``record`` names the record as a person would ("fact f-duet", "entity #3");
    ``key`` is the field as the text names it in front of the message ("roles.partner",
    "title"), when the message does not say it in its own words; ``column`` (1-based) and
    ``text`` (what stands there, shortened with "..." when long) point into a field's text.
    """

    file: str | None = None
    line: int | None = None
    record: str | None = None
    key: str | None = None
    column: int | None = None
    text: str | None = None

    def __str__(self) -> str:
        """``file:line:column: record: key``, with what is known.

        A column without a file is not named: pages show it beside the field instead.
        """
        parts = []
        if self.file is not None:
            position = self.file + (f":{self.line}" if self.line else "")
            parts.append(position + (f":{self.column}" if self.line and self.column else ""))
        parts.extend(part for part in (self.record, self.key) if part is not None)
        return ": ".join(parts)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with some input: its code, what to fix, where, and a hint.

    ``value`` is the offending value, quoted at the end of the line ("(got 'essay')").
    """

    code: str
    message: str
    field: str | None = None
    location: Location = Location()
    hint: str | None = None
    severity: Severity = ERROR
    value: Any = None

    @classmethod
    def at(
        cls, field_name: str, code: str, message: str, *, value: Any = None, hint: str | None = None
    ) -> Problem:
        """A problem of one field, which its text names in front: "title: give the title"."""
        return cls(code, message, field_name, Location(key=field_name), hint=hint, value=value)

    def on_form(self, field_name: str | None = None) -> Problem:
        """This problem as a form shows it: the form is the record, so file, line and record
        go. ``field_name`` is the form's name for the field (a fact's "roles.partner" is its
        form's "partner"); the text names it where it named the field before."""
        name = self.field if field_name is None else field_name
        key = self.location.key
        if key is not None and key == self.field:
            key = name
        location = replace(self.location, file=None, line=None, record=None, key=key)
        return replace(self, field=name, location=location)

    def as_json(self) -> dict[str, Any]:
        """The problem as a JSON object: code, severity, message, field, hint, and where."""
        where = self.location
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "field": self.field,
            "hint": self.hint,
            "file": where.file,
            "line": where.line,
            "record": where.record,
            "column": where.column,
            "text": where.text,
        }

    def __str__(self) -> str:
        where = str(self.location)
        text = f"{where}: {self.message}" if where else self.message
        if self.value is not None:
            text += f" (got {_short(self.value)})"
        return text


class ProblemsError(Exception):
    """Input was refused; ``problems`` says everything that is wrong, one Problem each.

    Each area raises its own subclass (BankError, EditError, QuizError), so a caller catches
    the refusals it expects; all of them hold the same Problems and read the same way.
    """

    separator = "; "

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        # The problems are the only argument, so that the error pickles and copies whole.
        super().__init__(self.problems)

    def __str__(self) -> str:
        return self.separator.join(str(p) for p in self.problems)


def by_field(problems: Iterable[Problem]) -> dict[str, list[Problem]]:
    """The problems that point at a field, by field, in their order."""
    found: dict[str, list[Problem]] = {}
    for problem in problems:
        if problem.field is not None:
            found.setdefault(problem.field, []).append(problem)
    return found


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _VALUE_LENGTH else text[: _VALUE_LENGTH - 3] + "..."
