"""Fact kinds edited in the workspace (admins, at /editor/kinds): their roles, rules and cue
phrases. No Flask.

A kind is saved through the workspace's common path (quizapp.workspace.edits: ``_begin`` takes
the bank's lock and opens the change log row, ``_finish`` checks the whole bank with the
loader's rules, writes it, regenerates the kind's questions and logs the change), so a kind
that would break the bank's facts or templates (a role they use removed, a role they lack made
required, a type their entities no longer fit) is refused with the loader's own messages, and
nothing is written.

The form's fields as the bank names them: ``name`` (a new kind only: facts and templates refer
to it), ``description``, ``roles`` (each a name, its types, many, optional), ``unique_given``
(lines "role: role, role"), ``same_fact`` (roles, comma-separated) and ``cues``: plain phrases,
one a line, such as "{winner} won {award} at {event}", which the fact proposer reads as
patterns (quizapp.workspace.cues.phrase_cue).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import func
from sqlmodel import Session, select

from quizapp.bank.files import LITERAL_TYPES, Bank, KindIn, RoleSpec
from quizapp.bank.sync import bank_from_db, kinds_from_db
from quizapp.core.problems import Problem
from quizapp.models import Entity, Fact, Template
from quizapp.workspace.edits import EditError, Saved, _begin, _finish, _no_such, _run

__all__ = [
    "KindForm",
    "RoleForm",
    "kind_form",
    "kind_form_from",
    "kind_use",
    "on_kind_form",
    "known_types",
    "known_types_of",
    "list_kinds",
    "lines_of",
    "save_kind",
    "unique_given_from_text",
    "unique_given_text",
]

MAX_DESCRIPTION = 500
MAX_CUES = 50
_ROW = re.compile(r"role-(\d{1,3})-(?:name|types|many|optional)")


@dataclass(frozen=True)
class RoleForm:
    """One role as the form gives it: its name, its types, and whether it takes a list and
    may be left out."""

    name: str
    types: Sequence[str]
    many: bool = False
    optional: bool = False


@dataclass(frozen=True)
class KindForm:
    """A kind as the form gives it; ``unique_given`` already read from its lines."""

    name: str
    description: str = ""
    roles: Sequence[RoleForm] = ()
    unique_given: Mapping[str, Sequence[str]] | None = None
    same_fact: Sequence[str] = ()
    cues: Sequence[str] = ()


def list_kinds(session: Session) -> dict[str, KindIn]:
    """Every fact kind, by name."""
    return kinds_from_db(session)


def known_types(bank: Bank) -> list[str]:
    """The types a role may take: the bank's entities' types and those its kinds' roles take
    already, then the literal types (text, number)."""
    return _types({entity.type for entity in bank.entities.values()}, bank.kinds.values())


def known_types_of(session: Session) -> list[str]:
    """`known_types` of the database's bank, for a form's hint."""
    in_use = set(session.exec(select(Entity.type).distinct()))
    return _types(in_use, kinds_from_db(session).values())


def _types(entity_types: set[str], kinds: Iterable[KindIn]) -> list[str]:
    for kind in kinds:
        for spec in kind.roles.values():
            entity_types.update(spec.types)
    return sorted(entity_types - set(LITERAL_TYPES)) + list(LITERAL_TYPES)


def kind_form(name: str, kind: KindIn) -> KindForm:
    """A saved kind as the form shows it."""
    return KindForm(
        name=name,
        description=kind.description,
        roles=[
            RoleForm(role, spec.types, spec.many, spec.optional)
            for role, spec in kind.roles.items()
        ],
        unique_given=kind.unique_given,
        same_fact=kind.same_fact,
        cues=kind.cues,
    )


def kind_use(session: Session) -> dict[str, tuple[int, int]]:
    """How many facts and templates each kind has: (facts, templates)."""
    facts = dict(session.exec(select(Fact.kind, func.count()).group_by(Fact.kind)).all())
    templates = dict(
        session.exec(select(Template.kind, func.count()).group_by(Template.kind)).all()
    )
    return {k: (facts.get(k, 0), templates.get(k, 0)) for k in {*facts, *templates}}


def kind_form_from(values: Mapping[str, str], name: str) -> tuple[KindForm, list[Problem]]:
    """A kind from a form's fields: ``description``, ``unique_given`` (lines), ``same_fact``
    (comma-separated), ``cues`` (lines) and the role rows ``role-N-name``, ``role-N-types``
    (comma-separated), ``role-N-many`` and ``role-N-optional`` (ticked: any value). A row
    with neither name nor types is an unused one, and skipped."""
    unique_given, problems = unique_given_from_text(values.get("unique_given", ""))
    numbers = sorted({int(m.group(1)) for key in values if (m := _ROW.fullmatch(key)) is not None})
    roles = []
    for n in numbers:
        role_name = values.get(f"role-{n}-name", "").strip()
        types = [t.strip() for t in values.get(f"role-{n}-types", "").split(",") if t.strip()]
        if not role_name and not types:
            continue
        many, optional = (bool(values.get(f"role-{n}-{flag}")) for flag in ("many", "optional"))
        roles.append(RoleForm(role_name, types, many, optional))
    form = KindForm(
        name=name.strip(),
        description=values.get("description", "").strip(),
        roles=roles,
        unique_given=unique_given,
        same_fact=[r.strip() for r in values.get("same_fact", "").split(",") if r.strip()],
        cues=lines_of(values.get("cues", "")),
    )
    return form, problems


def on_kind_form(problems: Iterable[Problem], name: str) -> list[Problem]:
    """The problems as the kind's form shows them: the kind's own at their form field (a
    role's at "roles.ROLE", a cue's at "cues" ...); those of the facts and templates a
    change would break keep their record, which their text names."""
    shown = []
    for problem in problems:
        if problem.location.record not in (None, f"kind {name}"):
            shown.append(problem)
            continue
        field = problem.field
        if field is not None:
            parts = field.split(".")
            field = ".".join(parts[:2]) if parts[0] == "roles" and len(parts) > 1 else parts[0]
        # The text keeps the field as the bank names it ("unique_given.winner: ..."), but a
        # cue phrase by its line: "cue phrase 2", not "cues.1".
        key = problem.location.key
        line = re.fullmatch(r"cues\.(\d+)", key or "")
        if line is not None:
            key = f"cue phrase {int(line.group(1)) + 1}"
        moved = problem.on_form(field)
        shown.append(replace(moved, location=replace(moved.location, key=key)))
    return shown


def lines_of(text: str) -> list[str]:
    """The non-blank lines of a text area, stripped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def unique_given_from_text(text: str) -> tuple[dict[str, list[str]], list[Problem]]:
    """``unique_given`` from a form's lines "role: role, role", and the problems."""
    found: dict[str, list[str]] = {}
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        role, colon, rest = line.partition(":")
        given = [g.strip() for g in rest.split(",") if g.strip()]
        if not colon or not role.strip() or not given:
            message = f"line {number}: write 'role: the roles that fix it' (award: event)"
            problems.append(Problem.at("unique_given", "bad_unique_given", message, value=line))
            continue
        found.setdefault(role.strip(), []).extend(given)
    return found, problems


def unique_given_text(unique_given: Mapping[str, Sequence[str]]) -> str:
    """``unique_given`` as the form's lines: the inverse of ``unique_given_from_text``."""
    return "\n".join(f"{role}: {', '.join(given)}" for role, given in unique_given.items())


def save_kind(
    session: Session, *, editor_id: int | None, form: KindForm, new: bool, seed: int
) -> Saved:
    """Add a kind (``new``) or change one; its questions are made again.

    The form is checked first (names, types the bank knows, the loader's record rules), then
    the whole bank with the changed kind (the loader's rules: every fact and template of the
    kind must still hold); anything wrong raises EditError with every problem, and nothing is
    written. A kind's name never changes: facts and templates refer to it.
    """

    def work() -> Saved:
        change = _begin(session, editor_id, "kind", "create" if new else "update")
        bank = bank_from_db(session)
        old = bank.kinds.get(form.name)
        if new and old is not None:
            message = f"there is already a kind {form.name!r}: open it to change it"
            raise EditError([Problem.at("name", "duplicate_kind", message)])
        if not new and old is None:
            raise _no_such("kind", form.name)
        kind, problems = _kind_of(form, known_types(bank), new=new)
        if problems or kind is None:
            raise EditError(problems)
        bank.kinds[form.name] = kind
        return _finish(
            session,
            change,
            bank,
            subject_id=form.name,
            detail=_detail(old, kind),
            kinds={form.name},
            seed=seed,
        )

    return _run(session, work)


def _detail(old: KindIn | None, new: KindIn) -> dict[str, Any]:
    # The change log's {field: [old, new]}, a role as one line ("person, group; many"), so
    # that the history reads like the form.
    def shown(kind: KindIn | None) -> dict[str, Any]:
        if kind is None:
            return {}
        fields = kind.model_dump(mode="json")
        fields["roles"] = {
            role: ", ".join(spec.types)
            + "".join(f"; {flag}" for flag in ("many", "optional") if getattr(spec, flag))
            for role, spec in kind.roles.items()
        }
        return fields

    before, after = shown(old), shown(new)
    return {
        key: [before.get(key), value] for key, value in after.items() if before.get(key) != value
    }


def _kind_of(
    form: KindForm, types: Sequence[str], *, new: bool
) -> tuple[KindIn | None, list[Problem]]:
    """The kind the form describes, or the problems that keep it from being one."""
    problems: list[Problem] = []
    if new and not _is_name(form.name):
        problems.append(
            Problem.at(
                "name",
                "not_a_name",
                "a kind's name is lower-case letters, digits and '_', starting with a letter, "
                "at most 40 (award_win)",
                value=form.name,
            )
        )
    if len(form.description) > MAX_DESCRIPTION:
        message = f"at most {MAX_DESCRIPTION} characters ({len(form.description)} now)"
        problems.append(Problem.at("description", "too_long", message))
    roles: dict[str, RoleSpec] = {}
    for number, role in enumerate(form.roles, 1):
        spec, role_problems = _role_of(number, role, types, roles)
        problems.extend(role_problems)
        if spec is not None:
            roles[role.name.strip()] = spec
    if not form.roles:
        problems.append(Problem.at("roles", "no_roles", "give the kind at least one role"))
    if len(form.cues) > MAX_CUES:
        problems.append(
            Problem.at("cues", "too_many", f"at most {MAX_CUES} cue phrases ({len(form.cues)})")
        )
    if problems:
        return None, problems
    # The record's own rules are pydantic's (lengths, names in unique_given), checked here so
    # that they read as the form's problems; the rest is the loader's, in _finish.
    kind = KindIn.model_validate(
        {
            "description": form.description.strip(),
            "roles": roles,
            "unique_given": {r: list(g) for r, g in (form.unique_given or {}).items()},
            "same_fact": [r.strip() for r in form.same_fact if r.strip()],
            "cues": [c.strip() for c in form.cues if c.strip()],
        }
    )
    return kind, []


def _role_of(
    number: int, role: RoleForm, types: Sequence[str], seen: Mapping[str, RoleSpec]
) -> tuple[RoleSpec | None, list[Problem]]:
    name = role.name.strip()
    field = f"roles.{name}" if name else "roles"
    wanted = [t.strip() for t in role.types if t.strip()]
    problems: list[Problem] = []
    if not _is_name(name):
        message = (
            f"role {number}: a role's name is lower-case letters, digits and '_', starting "
            "with a letter (winner)"
        )
        problems.append(Problem.at(field, "not_a_name", message, value=name or None))
    elif name in seen:
        problems.append(Problem.at(field, "duplicate_role", f"the role {name!r} is there twice"))
    if not wanted:
        message = f"role {name or number}: give the types it takes ({', '.join(types)})"
        problems.append(Problem.at(field, "no_types", message))
    unknown = [t for t in wanted if t not in types]
    if unknown:
        guesses = {t: _closest(t, types) for t in unknown}
        said = ", ".join(
            f"{t!r}" + (f" (did you mean {g!r}?)" if g else "") for t, g in guesses.items()
        )
        problems.append(
            Problem.at(
                field,
                "unknown_type",
                f"role {name or number}: no entity or literal type {said}; the bank knows "
                f"{', '.join(types)}",
            )
        )
    if problems:
        return None, problems
    spec = RoleSpec(
        type=wanted[0] if len(wanted) == 1 else _unique(wanted),
        many=role.many,
        optional=role.optional,
    )
    return spec, []


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _closest(value: str, known: Sequence[str]) -> str | None:
    match = process.extractOne(value, list(known), scorer=fuzz.ratio, score_cutoff=70)
    return match[0] if match else None


def _is_name(text: str) -> bool:
    return re.fullmatch(r"[a-z][a-z0-9_]{0,39}", text) is not None
