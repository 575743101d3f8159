"""Reading and validating the question bank's files (docs/question-bank.md).

`read_bank` parses and checks every file and returns a `Bank`, or raises `BankError` with
every problem found (a `quizapp.core.problems.Problem` each, with its file and line); it never
touches the database (quizapp.bank.sync mirrors a valid bank into it). `check_bank` applies
the same rules to a bank built in memory. No Flask here.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from collections.abc import Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
    ValidationError,
)
from rapidfuzz import fuzz, process

from quizapp.bank import slots
from quizapp.core.problems import Location, Problem, ProblemsError
from quizapp.core.text import control_characters, fold

LITERAL_TYPES = ("text", "number")
MAX_EVIDENCE_LENGTH = 1000

Slug = Annotated[StrictStr, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
Name = Annotated[StrictStr, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
Text = Annotated[StrictStr, StringConstraints(min_length=1, max_length=200, strip_whitespace=False)]
# An entity's tag: lower-case words joined by '-' ("music-video"); finer than its type.
TAG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Tag = Annotated[StrictStr, StringConstraints(pattern=TAG_PATTERN, max_length=40)]
# What a template's ``requires`` lists: an entity type (a name) or a tag.
TypeOrTag = Annotated[
    StrictStr,
    StringConstraints(pattern=r"^(?:[a-z][a-z0-9_]*|[a-z0-9]+(?:-[a-z0-9]+)*)$", max_length=40),
]


# A cue phrase: one line of plain words with the kind's roles in braces.
MAX_CUE_LENGTH = 200
CuePhrase = Annotated[
    StrictStr, StringConstraints(min_length=1, max_length=MAX_CUE_LENGTH, strip_whitespace=True)
]
_CUE_PART = re.compile(r"\{([^{}]*)\}")


def cue_phrase_parts(phrase: str) -> list[tuple[str, str]]:
    """A cue phrase as its parts in order: ("text", words) and ("role", name).

    Raises ValueError saying what is wrong: a brace without its pair, braces holding no
    role name, a role named twice, no role at all, or no word beside the roles (two roles
    side by side say nothing of how they are related).
    """
    parts: list[tuple[str, str]] = []
    pos = 0
    for match in _CUE_PART.finditer(phrase):
        parts.append(("text", phrase[pos : match.start()]))
        name = match.group(1).strip()
        if not _is_name(name):
            raise ValueError(
                f"{{{match.group(1)}}} is not a role name: write a role of the kind in braces, "
                "like {winner}"
            )
        parts.append(("role", name))
        pos = match.end()
    parts.append(("text", phrase[pos:]))
    texts = [text for part, text in parts if part == "text"]
    if any("{" in text or "}" in text for text in texts):
        raise ValueError("has a brace without its pair: write roles as {role}")
    if any(re.search(r"[\t\n\r]", text) for text in texts):
        raise ValueError("must be one line")
    roles = [name for part, name in parts if part == "role"]
    if not roles:
        raise ValueError("names no role: put the kind's roles in braces, like {winner}")
    twice = sorted({r for r in roles if roles.count(r) > 1})
    if twice:
        raise ValueError(f"names {', '.join(twice)} twice: each role at most once")
    inner = texts[1:-1] if len(roles) > 1 else []
    if not any(re.search(r"\w", text) for text in texts) or any(not t.strip() for t in inner):
        raise ValueError(
            "needs words between its roles, as an article says it: {winner} won {award}"
        )
    return [(part, text) for part, text in parts if part == "role" or text]


# --- Problems -------------------------------------------------------------------------------


class BankError(ProblemsError):
    """The bank has problems; nothing was written. One problem a line, located in the files."""

    separator = "\n"


# --- YAML with line numbers -----------------------------------------------------------------


class LineDict(dict[Any, Any]):
    """A mapping from YAML that remembers where it and each of its keys stood."""

    line: int = 0
    key_lines: dict[Any, int]
    duplicates: list[tuple[Any, int]]


# libyaml's loader when PyYAML was built with it, else the pure-Python one; mypy is shown the
# latter, whose interface (constructors, construct_object) the C one shares.
if TYPE_CHECKING:
    _BaseLoader = yaml.SafeLoader
else:
    _BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):
    pass


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LineDict:
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    mapping.duplicates = []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            # "? [a, b]": a list (or mapping) as a key. PyYAML's own loaders refuse it with
            # this error, which the reader turns into a problem with its line.
            raise yaml.constructor.ConstructorError(
                "while reading a mapping",
                node.start_mark,
                "found a list or mapping as a key: a key must be a plain name",
                key_node.start_mark,
            )
        if key in mapping:
            # PyYAML silently keeps the last duplicate; an editor deserves to hear about it.
            mapping.duplicates.append((key, key_node.start_mark.line + 1))
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = value_node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


# Fields whose text may run over several lines: a tab or a line break there is text.
MULTILINE_FIELDS = frozenset({"description", "evidence", "explanation", "prompt"})
LINE_BREAKS = "\t\n\r"


def _strings(data: Any) -> Iterator[tuple[str, str, int | None, bool]]:
    """Every string in YAML data, keys too: (field path, text, line, multi-line allowed)."""
    stack: list[tuple[Any, str, int | None, bool]] = [(data, "", None, False)]
    while stack:
        value, where, line, multiline = stack.pop()
        if isinstance(value, str):
            yield where or "value", value, line, multiline
        elif isinstance(value, LineDict):
            for key, item in value.items():
                key_line = value.key_lines.get(key, value.line)
                path = f"{where}.{key}" if where else str(key)
                if isinstance(key, str):
                    yield f"{path} (the key)", key, key_line, False
                stack.append((item, path, key_line, key in MULTILINE_FIELDS))
        elif isinstance(value, list):
            stack.extend(
                (item, f"{where}[{index}]", line, multiline) for index, item in enumerate(value)
            )


def _line_of(data: Any, loc: Iterable[Any] = ()) -> int | None:
    """The line of the value at ``loc`` inside ``data``, or of the nearest enclosing mapping."""
    line = data.line if isinstance(data, LineDict) else None
    for key in loc:
        if isinstance(data, LineDict) and key in data:
            line = data.key_lines.get(key, line)
            data = data[key]
        elif isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data):
            data = data[key]
            line = data.line if isinstance(data, LineDict) else line
        else:
            break
    return line


# --- Schemas of the files -------------------------------------------------------------------


_Model = TypeVar("_Model", bound=BaseModel)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RoleSpec(_Strict):
    """What may fill one role of a fact kind."""

    type: Name | list[Name]
    many: StrictBool = False
    optional: StrictBool = False

    @property
    def types(self) -> tuple[str, ...]:
        return (self.type,) if isinstance(self.type, str) else tuple(self.type)

    @property
    def literal(self) -> str | None:
        """'text' or 'number' when the role holds a literal rather than entities."""
        return self.types[0] if self.types[0] in LITERAL_TYPES else None


class KindIn(_Strict):
    """A fact kind in kinds.yaml."""

    description: StrictStr = ""
    roles: dict[Name, RoleSpec]
    # {ROLE: [ROLE, ...]}: ROLE's value is unique once the listed roles are fixed.
    unique_given: dict[Name, list[Name]] = {}
    # The roles that make two facts of this kind the same fact (a band member in two
    # positions is one fact); empty: every role.
    same_fact: list[Name] = []
    # Plain phrases saying a fact of this kind, for the fact proposer: "{winner} won {award}"
    # (see `cue_phrase_parts`).
    cues: list[CuePhrase] = []


class EntityIn(_Strict):
    """An entity in entities/*.yaml."""

    id: Slug
    name: Text
    type: Name
    aliases: list[Text] = []
    tags: list[Tag] = []


class ArticleHeader(_Strict):
    """The YAML header of an article file."""

    id: Slug
    title: Annotated[StrictStr, StringConstraints(min_length=1, max_length=300)]
    date: dt.date
    source: Text
    event: Slug | None = None
    url: Annotated[StrictStr, StringConstraints(max_length=500)] | None = None


class FactIn(_Strict):
    """A fact in facts/*.yaml."""

    id: Slug
    kind: Name
    article: Slug
    roles: dict[Name, StrictInt | StrictStr | list[StrictStr]]
    evidence: Annotated[StrictStr, StringConstraints(min_length=1, max_length=MAX_EVIDENCE_LENGTH)]
    retired: StrictBool = False
    # The many roles whose list the article leaves open ("well-wishers including ...").
    open: list[Name] = []


class TemplateIn(_Strict):
    """A template in templates/*.yaml."""

    id: Slug
    kind: Name
    style: Literal["multiple_choice", "true_false", "typed"]
    prompt: StrictStr
    answer: Name
    explanation: StrictStr | None = None
    status: Literal["draft", "published", "retired"] = "published"
    # {ROLE: [TYPE_OR_TAG, ...]}: only facts whose ROLE entities have one of them are used.
    requires: dict[Name, Annotated[list[TypeOrTag], Field(min_length=1)]] = {}


@dataclass
class ArticleIn:
    """An article: its header and its text, exactly as in the file."""

    header: ArticleHeader
    text: str


@dataclass
class Bank:
    """A validated question bank, keyed by id."""

    kinds: dict[str, KindIn] = field(default_factory=dict)
    entities: dict[str, EntityIn] = field(default_factory=dict)
    articles: dict[str, ArticleIn] = field(default_factory=dict)
    facts: dict[str, FactIn] = field(default_factory=dict)
    templates: dict[str, TemplateIn] = field(default_factory=dict)


# --- Reading ----------------------------------------------------------------------------------


class _Reader:
    """Collects records and problems file by file; checks references once all are read."""

    def __init__(self, root: Path, source: str | None = None):
        self.root = root
        self.source = source
        self.problems: list[Problem] = []
        self.bank = Bank()
        # Where each record came from, for problems found in the cross-checks.
        self.where: dict[tuple[str, str], tuple[str | None, int | None, LineDict | None]] = {}

    def problem(
        self,
        code: str,
        message: str,
        file: str | None,
        line: int | None = None,
        record: str | None = None,
        *,
        key: str | None = None,
        field: str | None = None,
        value: Any = None,
        hint: str | None = None,
    ) -> None:
        """Note a problem. ``key``: the field as the message names it in front ("roles.x"),
        which is also the field it points at unless ``field`` says otherwise."""
        self.problems.append(
            Problem(
                code,
                message,
                field if field is not None else key,
                Location(file, line, record, key),
                hint=hint,
                value=value,
            )
        )

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def load_yaml(self, path: Path) -> Any:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            self.problem("not_utf8", f"is not UTF-8 text ({exc.reason})", self.rel(path))
            return None
        try:
            data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a safe loader subclass
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark else None
            reason = getattr(exc, "problem", None) or str(exc)
            self.problem("bad_yaml", f"is not valid YAML: {reason}", self.rel(path), line)
            return None
        self.check_controls(data, self.rel(path))
        return data

    def check_controls(self, data: Any, file: str, offset: int = 0) -> None:
        """Note every string holding a control character (YAML's "\\0" escapes make NUL, which
        PostgreSQL cannot store). A problem refuses the whole bank, so none reaches the
        database; the rest of the file is still read, for its own problems."""
        for where, text, line, multiline in _strings(data):
            bad = control_characters(text, LINE_BREAKS if multiline else "")
            if bad:
                self.problem(
                    "control_character",
                    f"holds a control character ({' '.join(map(repr, bad))}): remove it",
                    file,
                    line + offset if line else None,
                    key=where,
                    value=text,
                )

    def validate(
        self, model: type[_Model], data: Any, file: str, label: str, offset: int = 0
    ) -> _Model | None:
        if isinstance(data, LineDict):
            for key, line in data.duplicates:
                self.problem(
                    "duplicate_key",
                    f"the key {key!r} appears twice",
                    file,
                    line + offset,
                    label,
                    field=str(key),
                )
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                loc = error["loc"]
                at = _line_of(data, loc)
                path = ".".join(str(part) for part in loc)
                code, message = _VALIDATION_CODES.get(error["type"], error["type"]), error["msg"]
                if error["type"] == "extra_forbidden":
                    message = "is not a field of this record (check the spelling)"
                elif error["type"] == "string_pattern_mismatch" and loc[0] in _TAG_FIELDS:
                    code = "bad_tag"
                    message = (
                        "a tag must be lower-case words joined by '-' (music-video)"
                        if loc[0] == "tags"
                        else "must be an entity type or a tag: lower-case words joined by '-' "
                        "(music-video), or '_' in a type"
                    )
                elif error["type"] == "string_pattern_mismatch":
                    message = "must be a lower-case slug: letters, digits and '-' (or '_' in names)"
                # A whole record of the wrong shape has no field: the text says "record".
                self.problems.append(
                    Problem(
                        code,
                        message,
                        path or None,
                        Location(file, (at + offset) if at else None, label, path or "record"),
                        value=error.get("input") if error["type"] != "missing" else None,
                    )
                )
            return None

    def add(self, table: str, record_id: str, record: Any, file: str, data: LineDict) -> None:
        store: dict[str, Any] = getattr(self.bank, table)
        line = data.line if isinstance(data, LineDict) else None
        if record_id in store:
            first_file, first_line, _ = self.where[(table, record_id)]
            self.problem(
                "duplicate_id",
                f"duplicate id: already defined at {first_file}:{first_line}",
                file,
                line,
                f"{table[:-1]} {record_id}",
                field="id",
            )
            return
        store[record_id] = record
        self.where[(table, record_id)] = (file, line, data)

    def locate(self, table: str, record_id: str, *loc: Any) -> tuple[str | None, int | None]:
        # A record built in memory (the workspace's) has no file: problems name the record.
        file, line, data = self.where.get((table, record_id), (self.source, None, None))
        return file, (_line_of(data, loc) if data is not None else line) or line

    # Each kind of file.

    def read_kinds(self, path: Path) -> None:
        file = self.rel(path)
        if not path.is_file():
            self.problem("missing_file", "is missing: the bank needs kinds.yaml", file)
            return
        data = self.load_yaml(path)
        if data is None:
            return
        if not isinstance(data, LineDict):
            self.problem(
                "wrong_shape",
                "must be a mapping of kind name to kind",
                file,
                1,
                value=type(data).__name__,
            )
            return
        for name, body in data.items():
            label = f"kind {name}"
            if not isinstance(name, str) or not _is_name(name):
                self.problem(
                    "bad_name",
                    "a kind name must be lower case",
                    file,
                    data.key_lines.get(name),
                    label,
                )
                continue
            kind = self.validate(KindIn, body, file, label)
            if kind is None:
                continue
            self.check_kind(name, kind, file, body)
            self.add("kinds", name, kind, file, body)

    def check_kind(self, name: str, kind: KindIn, file: str | None, body: Any) -> None:
        """The rules of one kind beyond its fields' own: literal roles, unique_given,
        same_fact and cue phrases. ``body`` is its YAML, for lines (None: built in memory)."""
        label = f"kind {name}"
        for role, spec in kind.roles.items():
            line = _line_of(body, ("roles", role))
            if any(t in LITERAL_TYPES for t in spec.types) and len(spec.types) > 1:
                self.problem(
                    "literal_mixed",
                    "a literal type (text, number) cannot be mixed with others",
                    file,
                    line,
                    label,
                    key=f"role {role}",
                    field=f"roles.{role}",
                    value=spec.types,
                )
            if spec.literal and spec.many:
                self.problem(
                    "literal_many",
                    "a literal role cannot be many",
                    file,
                    line,
                    label,
                    key=f"role {role}",
                    field=f"roles.{role}",
                )
        self.check_unique_given(name, kind, file, body)
        for role in kind.same_fact:
            if role not in kind.roles:
                self.problem(
                    "unknown_role",
                    f"lists {role!r}, which is no role of this kind "
                    f"(it has: {', '.join(kind.roles)})",
                    file,
                    _line_of(body, ("same_fact",)),
                    label,
                    key="same_fact",
                    value=role,
                )
        for index, phrase in enumerate(kind.cues):
            try:
                parts = cue_phrase_parts(phrase)
            except ValueError as error:
                problem: tuple[str, str] | None = ("bad_cue", str(error))
            else:
                unknown = [r for part, r in parts if part == "role" and r not in kind.roles]
                problem = (
                    (
                        "unknown_role",
                        f"names {', '.join(f'{{{r}}}' for r in unknown)}, which is no role of "
                        f"this kind (it has: {', '.join(kind.roles)})",
                    )
                    if unknown
                    else None
                )
            if problem is not None:
                self.problem(
                    problem[0],
                    problem[1],
                    file,
                    _line_of(body, ("cues", index)),
                    label,
                    key=f"cues.{index}",
                    field="cues",
                    value=phrase,
                )

    def check_unique_given(self, name: str, kind: KindIn, file: str | None, body: Any) -> None:
        known = ", ".join(kind.roles)
        for role, given in kind.unique_given.items():
            key = f"unique_given.{role}"
            line = _line_of(body, ("unique_given", role))
            if role not in kind.roles:
                self.problem(
                    "unknown_role",
                    f"names no role {role!r} of this kind (it has: {known})",
                    file,
                    line,
                    f"kind {name}",
                    key=key,
                )
            for other in given:
                if other == role:
                    self.problem(
                        "unique_given_itself",
                        f"lists {role!r} itself: list the roles that fix its value",
                        file,
                        line,
                        f"kind {name}",
                        key=key,
                    )
                elif other not in kind.roles:
                    self.problem(
                        "unknown_role",
                        f"lists {other!r}, which is no role of this kind (it has: {known})",
                        file,
                        line,
                        f"kind {name}",
                        key=key,
                        value=other,
                    )

    def read_list(
        self, folder: str, model: type[EntityIn | FactIn | TemplateIn], table: str, noun: str
    ) -> None:
        files = sorted((self.root / folder).glob("*.yaml")) + sorted(
            (self.root / folder).glob("*.yml")
        )
        if not files and folder != "templates":
            self.problem("no_files", f"holds no .yaml files: the bank needs {folder}", folder + "/")
        for path in files:
            file = self.rel(path)
            data = self.load_yaml(path)
            if data is None:
                continue
            if not isinstance(data, list):
                self.problem(
                    "wrong_shape", f"must be a list of {folder}", file, 1, value=type(data).__name__
                )
                continue
            for index, item in enumerate(data):
                raw_id = item.get("id") if isinstance(item, dict) else None
                label = f"{noun} {raw_id}" if raw_id else f"{noun} #{index + 1}"
                record = self.validate(model, item, file, label)
                if record is not None:
                    self.add(table, record.id, record, file, item)

    def read_articles(self) -> None:
        files = sorted((self.root / "articles").glob("*.txt"))
        if not files:
            self.problem("no_files", "holds no .txt files: the bank needs articles", "articles/")
        for path in files:
            file = self.rel(path)
            try:
                content = path.read_bytes().decode("utf-8")
            except UnicodeDecodeError as exc:
                self.problem("not_utf8", f"is not UTF-8 text ({exc.reason})", file)
                continue
            if not content.startswith("---\n"):
                self.problem(
                    "no_header", "must start with a '---' line, then the YAML header", file, 1
                )
                continue
            end = content.find("\n---\n", 3)
            if end < 0:
                self.problem("no_header", "the header has no closing '---' line", file, 1)
                continue
            header_text = content[4 : end + 1]
            text = content[end + 5 :]
            try:
                header = yaml.load(header_text, Loader=_LineLoader)  # noqa: S506
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                self.problem(
                    "bad_yaml",
                    f"the header is not valid YAML: {getattr(exc, 'problem', exc)}",
                    file,
                    mark.line + 2 if mark else None,
                )
                continue
            if not text.strip():
                self.problem("no_text", "has no text after the header", file)
                continue
            self.check_controls(header, file, offset=1)
            bad = control_characters(text, LINE_BREAKS)
            if bad:
                self.problem(
                    "control_character",
                    f"its text holds a control character ({' '.join(map(repr, bad))}): remove it",
                    file,
                )
            label = f"article {header.get('id')}" if isinstance(header, dict) else "article"
            parsed = self.validate(ArticleHeader, header, file, label, offset=1)
            if parsed is not None:
                if isinstance(header, LineDict):
                    header.line = 1
                    header.key_lines = {k: v + 1 for k, v in header.key_lines.items()}
                self.add("articles", parsed.id, ArticleIn(parsed, text), file, header)

    # Cross-checks, once everything is read.

    def check_references(self) -> None:
        bank = self.bank
        for article_id, article in bank.articles.items():
            event = article.header.event
            if event is not None:
                self.check_entity_ref("articles", article_id, ("event",), event, ("event",))

        for fact_id, fact in bank.facts.items():
            self.check_fact(fact_id, fact)
        self.check_contradictions()
        self.check_duplicates()
        for template_id, template in bank.templates.items():
            self.check_template(template_id, template)

    def check_entity_ref(
        self,
        table: str,
        record_id: str,
        loc: tuple[str, ...],
        entity_id: str,
        types: tuple[str, ...],
    ) -> bool:
        file, line = self.locate(table, record_id, *loc)
        label = f"{table[:-1]} {record_id}"
        key = ".".join(map(str, loc))
        entity = self.bank.entities.get(entity_id)
        if entity is None:
            guess = _did_you_mean(entity_id, self.bank.entities)
            self.problem(
                "unknown_entity",
                f"unknown entity{_guessed(guess)}",
                file,
                line,
                label,
                key=key,
                value=entity_id,
                hint=guess,
            )
            return False
        if entity.type not in types:
            self.problem(
                "wrong_entity_type",
                f"{entity_id} is a {entity.type}, but this role takes {' or '.join(types)}",
                file,
                line,
                label,
                key=key,
            )
            return False
        return True

    def known_kind(self, table: str, record_id: str, name: str, label: str) -> KindIn | None:
        """The kind a fact or template names, or None once it is reported as unknown."""
        kind = self.bank.kinds.get(name)
        if kind is None:
            file, line = self.locate(table, record_id, "kind")
            guess = _did_you_mean(name, self.bank.kinds)
            self.problem(
                "unknown_kind",
                f"unknown kind{_guessed(guess)}",
                file,
                line,
                label,
                field="kind",
                value=name,
                hint=guess,
            )
        return kind

    def check_fact(self, fact_id: str, fact: FactIn) -> None:
        label = f"fact {fact_id}"
        kind = self.known_kind("facts", fact_id, fact.kind, label)
        if kind is not None:
            for role, value in fact.roles.items():
                spec = kind.roles.get(role)
                file, line = self.locate("facts", fact_id, "roles", role)
                if spec is None:
                    self.problem(
                        "unknown_role",
                        f"kind {fact.kind} has no role {role!r} (it has: {', '.join(kind.roles)})",
                        file,
                        line,
                        label,
                        key=f"roles.{role}",
                    )
                    continue
                self.check_role_value(fact_id, role, spec, value)
            for role, spec in kind.roles.items():
                if not spec.optional and role not in fact.roles:
                    file, line = self.locate("facts", fact_id, "roles")
                    self.problem(
                        "missing_role",
                        f"the required role {role!r} is missing",
                        file,
                        line,
                        label,
                        key="roles",
                    )
            self.check_open(fact_id, fact, kind)

        article = self.bank.articles.get(fact.article)
        file, line = self.locate("facts", fact_id, "article")
        if article is None:
            guess = _did_you_mean(fact.article, self.bank.articles)
            self.problem(
                "unknown_article",
                f"unknown article{_guessed(guess)}",
                file,
                line,
                label,
                key="article",
                value=fact.article,
                hint=guess,
            )
        elif fact.evidence not in article.text:
            file, line = self.locate("facts", fact_id, "evidence")
            closest = _closest_passage(fact.evidence, article.text)
            self.problem(
                "evidence_not_in_article",
                f"not found verbatim in article {fact.article}; the closest passage is {closest!r}",
                file,
                line,
                label,
                key="evidence",
                hint=closest or None,
            )

    def check_open(self, fact_id: str, fact: FactIn, kind: KindIn) -> None:
        file, line = self.locate("facts", fact_id, "open")
        for role in fact.open:
            spec = kind.roles.get(role)
            if spec is None:
                code = "unknown_role"
                message = f"kind {fact.kind} has no role {role!r} (it has: {', '.join(kind.roles)})"
            elif not spec.many:
                code = "open_not_many"
                message = f"{role!r} is not a many role: only a list can be left open"
            elif role not in fact.roles:
                code = "open_not_stated"
                message = f"{role!r} is left open, but this fact does not state it"
            else:
                continue
            self.problem(code, message, file, line, f"fact {fact_id}", key="open", value=role)

    def check_contradictions(self) -> None:
        """Two live facts of a kind that agree on the roles a unique_given lists must agree on
        its role too: otherwise a question would have two "only" answers."""
        for kind_name, kind in self.bank.kinds.items():
            if not kind.unique_given:
                continue
            facts = [
                (fact_id, fact)
                for fact_id, fact in self.bank.facts.items()
                if fact.kind == kind_name and not fact.retired
            ]
            for role, given in kind.unique_given.items():
                seen: dict[tuple[Any, ...], tuple[str, Any]] = {}
                for fact_id, fact in facts:
                    if role not in fact.roles or any(g not in fact.roles for g in given):
                        continue
                    fixed = tuple(_comparable(fact.roles[g]) for g in given)
                    value = _comparable(fact.roles[role])
                    first = seen.setdefault(fixed, (fact_id, value))
                    if first[1] == value:
                        continue
                    first_file, first_line = self.locate("facts", first[0])
                    place = f" ({first_file}:{first_line})" if first_file and first_line else ""
                    agreed = ", ".join(f"{g} {fact.roles[g]}" for g in given)
                    file, line = self.locate("facts", fact_id, "roles", role)
                    self.problem(
                        "contradiction",
                        f"contradicts fact {first[0]}{place}: both have {agreed}, but "
                        f"{role} is {_shown(value)} here and {_shown(first[1])} there "
                        f"(kind {kind_name}: {role} is unique given {', '.join(given)})",
                        file,
                        line,
                        f"fact {fact_id}",
                        key=f"roles.{role}",
                        hint=first[0],
                    )

    def check_duplicates(self) -> None:
        """Two live facts of a kind with the same roles (a kind's ``same_fact`` roles, if it
        names them) are one fact said twice: its questions would be asked twice. Entities are
        compared by id, a many role's list as a set, texts as folded (quizapp.core.text.fold)."""
        seen: dict[tuple[Any, ...], str] = {}
        for fact_id, fact in self.bank.facts.items():
            kind = self.bank.kinds.get(fact.kind)
            if kind is None or fact.retired:
                continue
            roles = kind.same_fact or sorted(kind.roles)
            key = (fact.kind, *(_identity(kind.roles.get(r), fact.roles.get(r)) for r in roles))
            first = seen.setdefault(key, fact_id)
            if first == fact_id:
                continue
            first_file, first_line = self.locate("facts", first)
            place = f" ({first_file}:{first_line})" if first_file and first_line else ""
            if kind.same_fact:
                rest = [r for r in kind.roles if r not in kind.same_fact and r in fact.roles]
                why = f"facts of kind {fact.kind} with the same {' and '.join(roles)} are one fact"
                more = f": put this one's {' and '.join(rest)} in {first} instead" if rest else ""
                message = f"repeats fact {first}{place}: {why}{more}"
            else:
                message = f"repeats fact {first}{place}: same kind, same roles"
            file, line = self.locate("facts", fact_id, "roles")
            self.problem(
                "duplicate_fact", message, file, line, f"fact {fact_id}", key="roles", hint=first
            )

    def check_role_value(self, fact_id: str, role: str, spec: RoleSpec, value: Any) -> None:
        file, line = self.locate("facts", fact_id, "roles", role)

        def problem(code: str, message: str, value: Any = None) -> None:
            self.problem(
                code, message, file, line, f"fact {fact_id}", key=f"roles.{role}", value=value
            )

        if spec.literal == "number":
            if not isinstance(value, int):
                problem("not_a_number", "must be a whole number", value)
            return
        if spec.literal == "text":
            if not isinstance(value, str) or not value.strip():
                problem("not_a_text", "must be a text", value)
            return
        if isinstance(value, list):
            if not spec.many:
                problem(
                    "not_many", "holds one entity, not a list (the kind does not say many)", value
                )
                return
            if not value:
                problem("empty_list", "the list is empty")
                return
            if len(set(value)) != len(value):
                problem("entity_twice", "names an entity twice", value)
            ids = value
        elif isinstance(value, str):
            ids = [value]
        else:
            problem("not_an_entity_id", "must be an entity id", value)
            return
        for entity_id in ids:
            self.check_entity_ref("facts", fact_id, ("roles", role), entity_id, spec.types)

    def check_template(self, template_id: str, template: TemplateIn) -> None:
        label = f"template {template_id}"
        kind = self.known_kind("templates", template_id, template.kind, label)
        roles = set(kind.roles) if kind else set()
        if kind is not None and template.answer not in roles:
            file, line = self.locate("templates", template_id, "answer")
            self.problem(
                "unknown_answer_role",
                f"kind {template.kind} has no role {template.answer!r} "
                f"(it has: {', '.join(sorted(roles))})",
                file,
                line,
                label,
                key="answer",
            )
        for role in template.requires:
            spec = kind.roles.get(role) if kind else None
            if kind is None or (spec is not None and not spec.literal):
                continue
            file, line = self.locate("templates", template_id, "requires", role)
            self.problem(
                "unknown_role" if spec is None else "requires_literal",
                f"kind {template.kind} has no role {role!r} (it has: {', '.join(sorted(roles))})"
                if spec is None
                else f"{role!r} holds a {spec.literal}, not entities: it has no types or tags",
                file,
                line,
                label,
                key=f"requires.{role}",
            )
        for field_name in ("prompt", "explanation"):
            text = getattr(template, field_name)
            if text is None:
                continue
            file, line = self.locate("templates", template_id, field_name)
            try:
                parsed = slots.parse_template(text)
            except slots.TemplateSyntaxError as exc:
                for error in exc.errors:
                    self.problem("slot_syntax", str(error), file, line, label, key=field_name)
                continue
            if kind is not None:
                for role in sorted(parsed.roles - roles):
                    guess = _did_you_mean(role, roles)
                    self.problem(
                        "unknown_role",
                        f"the slot {{{role}}} names no role of kind {template.kind}"
                        f"{_guessed(guess)}",
                        file,
                        line,
                        label,
                        key=field_name,
                        hint=guess,
                    )
            if field_name != "prompt" or kind is None or template.answer not in roles:
                continue
            if template.style == "true_false" and template.answer not in parsed.roles:
                self.problem(
                    "answer_not_in_statement",
                    f"a true/false statement must contain the answer slot "
                    f"{{{template.answer}}}, which the generator swaps to make it false",
                    file,
                    line,
                    label,
                    key="prompt",
                )
            elif template.style != "true_false" and template.answer in parsed.roles:
                self.problem(
                    "answer_in_prompt",
                    f"the question would print its own answer: remove the slot "
                    f"{{{template.answer}}} (or make the template true_false)",
                    file,
                    line,
                    label,
                    key="prompt",
                )


# The fields whose values are tags (or, in requires, types or tags).
_TAG_FIELDS = frozenset({"tags", "requires"})

# The codes of pydantic's errors that the loader words itself; others keep pydantic's type
# ("missing", "string_too_long", "date_from_datetime_parsing" ...), which pydantic keeps stable.
_VALIDATION_CODES = {"extra_forbidden": "unknown_field", "string_pattern_mismatch": "not_a_slug"}


def _is_name(text: str) -> bool:
    return re.fullmatch(r"[a-z][a-z0-9_]{0,39}", text) is not None


def _comparable(value: Any) -> Any:
    # A many role's list is a set: the same people in another order are the same value.
    return tuple(sorted(value)) if isinstance(value, list) else value


def _identity(spec: RoleSpec | None, value: Any) -> Any:
    # A role's value as duplicates are judged: a list as a set, a text folded.
    if isinstance(value, list):
        return frozenset(value)
    if isinstance(value, str) and spec is not None and spec.literal == "text":
        return ("text", fold(value))
    return value


def _shown(value: Any) -> str:
    return str(list(value)) if isinstance(value, tuple) else str(value)


def _did_you_mean(value: str, known: Iterable[str]) -> str | None:
    match = process.extractOne(value, list(known), scorer=fuzz.ratio, score_cutoff=70)
    return match[0] if match else None


def _guessed(guess: str | None) -> str:
    return f" (did you mean {guess!r}?)" if guess is not None else ""


def _closest_passage(needle: str, text: str) -> str:
    alignment = fuzz.partial_ratio_alignment(needle, text)
    if alignment is None:
        return ""
    start, end = alignment.dest_start, alignment.dest_end
    # The alignment counts characters, so it may cut a word in two ("rprising duet of"):
    # widen it to whole words, which is what the editor will copy.
    while 0 < start < len(text) and _in_word(text[start - 1]) and _in_word(text[start]):
        start -= 1
    while 0 < end < len(text) and _in_word(text[end - 1]) and _in_word(text[end]):
        end += 1
    # Nor should it start with the end of the sentence before.
    return text[start:end].strip().lstrip(".,;:!? ")


def _in_word(char: str) -> bool:
    return char.isalnum() or char in "'’-"


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a large bank is parsed.

    Parsing creates millions of small objects that all stay alive, so every collection walks a
    growing heap for nothing (half the read time on a 100k-fact bank). Reference counting still
    frees everything; collection resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_bank(root: str | Path) -> Bank:
    """Read and validate the bank at ``root``; raise BankError listing every problem."""
    with collector_paused():
        return _read_bank(Path(root))


def _read_bank(root: Path) -> Bank:
    if not root.is_dir():
        raise BankError([Problem("not_a_folder", "is not a folder", location=Location(str(root)))])
    reader = _Reader(root)
    reader.read_kinds(root / "kinds.yaml")
    reader.read_list("entities", EntityIn, "entities", "entity")
    reader.read_articles()
    reader.read_list("facts", FactIn, "facts", "fact")
    reader.read_list("templates", TemplateIn, "templates", "template")
    reader.check_references()
    if reader.problems:
        raise BankError(reader.problems)
    return reader.bank


def check_records(
    bank: Bank, *, facts: Iterable[str] = (), templates: Iterable[str] = ()
) -> list[Problem]:
    """``check_bank``'s problems of just these facts and templates, for a save that changes
    no more: ``bank`` need hold only what they refer to and, for the facts, the live facts
    of their kinds that they could repeat or contradict (a duplicate or contradiction is
    reported on the last of two, so the changed facts go last)."""
    reader = _Reader(Path("."), None)
    reader.bank = bank
    for fact_id in facts:
        reader.check_fact(fact_id, bank.facts[fact_id])
    reader.check_contradictions()
    reader.check_duplicates()
    for template_id in templates:
        reader.check_template(template_id, bank.templates[template_id])
    return reader.problems


def check_bank(bank: Bank, source: str | None = None) -> list[Problem]:
    """The problems of a bank built in memory, found by the same cross-checks as read_bank.

    For the editors' workspace, which edits a bank read from the database: every reference,
    role, evidence and template rule the files obey, the workspace's records obey too, so the
    bank can always be written back to files and read again. Each problem names its record
    and field; ``source``, if given, stands in for the file name.
    """
    reader = _Reader(Path("."), source)
    reader.bank = bank
    for name, kind in bank.kinds.items():
        reader.check_kind(name, kind, source, None)
    reader.check_references()
    return reader.problems
