"""Writing the bank in the database back to the files the loader reads (docs/question-bank.md).

The editors' workspace changes the bank in the database; `dump_bank` writes it back to
question_bank/ so every change is reviewed in git like any other. The guarantee is the one
that makes this safe: `read_bank` on the written files gives exactly the rows the database
holds, and a dump the loader would refuse, or read differently, never replaces good files.
No Flask here.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session, SQLModel, select

from quizapp.bank.files import read_bank
from quizapp.bank.sync import bank_rows
from quizapp.models import Article, Entity, Fact, FactKind, Template

# Which file of entities/ holds which entity types: the grouping of the bundled bank. Types
# not listed go to OTHER_ENTITIES; a file lists its entities type by type, in this order.
ENTITY_FILES: dict[str, tuple[str, ...]] = {
    "people": ("person",),
    "groups": ("group", "company"),
    "events": ("event", "venue", "city"),
    "works": ("song", "album", "show"),
    "awards_and_things": ("award", "character", "outfit", "thing"),
}
OTHER_ENTITIES = "other"

BANK_FOLDERS = ("entities", "articles", "facts", "templates")
DUMPED_TABLES: tuple[type[SQLModel], ...] = (FactKind, Entity, Article, Fact, Template)

_FILE_STEM = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class DumpError(Exception):
    """The database holds something the bank files cannot say as it is; nothing was replaced."""


@dataclass
class DumpReport:
    """What dumping did to the bank's files, as paths relative to the bank's folder."""

    root: Path
    written: list[str] = field(default_factory=list)  # created or changed
    removed: list[str] = field(default_factory=list)  # bank files the database no longer has
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether any file was written or removed."""
        return bool(self.written or self.removed)

    def lines(self) -> Iterator[str]:
        """One line per written or removed file, then the totals: for the CLI."""
        for path in self.written:
            yield f"wrote    {path}"
        for path in self.removed:
            yield f"removed  {path}"
        yield (
            f"{len(self.written)} written, {len(self.removed)} removed, "
            f"{len(self.unchanged)} unchanged in {self.root}"
        )


# --- YAML ---------------------------------------------------------------------------------------
#
# A small emitter for the few shapes the bank files have, rather than yaml.dump: PyYAML's
# pure-Python emitter takes most of a minute for a 100k-fact bank. Every scalar is written
# plain only when that is certain to read back as the same string, else quoted on one line
# (or as a literal block, for multi-line text); dump_bank reads every dump back before using
# it, so a mistake here refuses a dump rather than changing the bank.

# What YAML (and libyaml) accept unescaped: no control characters, no line breaks other than
# those we write, no byte-order mark.
_PRINTABLE = re.compile(
    r"[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*"
)
# A plain scalar never starts with these: they are YAML indicators, or a space.
_NOT_FIRST = frozenset("-?:,[]{}#&*!|>'\"%@` ")
# Inside [...] or {...} these end or split a plain scalar.
_FLOW_INDICATORS = frozenset(",[]{}:#?")
# Strings that some YAML reader (1.1 or 1.2, not only PyYAML's) could take for a number, a
# boolean or null; quoting them keeps the files unambiguous to every tool that reads them.
_LOOKS_TYPED = re.compile(
    r"[-+]?(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][-+]?\d+)?"
    r"|[-+]?0[oObBxX][0-9a-fA-F_]+"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
    r"|(?i:y|n|yes|no|on|off|true|false|null|~)"
)
_RESOLVER = yaml.resolver.Resolver()  # the one the loader's SafeLoader resolves plain scalars by
_STR_TAG = "tag:yaml.org,2002:str"
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x00": "\\0"}


class _Flow(list[Any]):
    """A list written on one line, `[a, b]`, as editors write aliases and role values."""


class _Block(list[Any]):
    """A list written one item a line, `- item`: cue phrases, each a sentence to edit alone."""


class _FlowMap(dict[str, Any]):
    """A mapping written on one line, `{type: person, many: true}`, as in kinds.yaml."""


def _is_plain(text: str, flow: bool) -> bool:
    if not text or text[0] in _NOT_FIRST or text[-1] in " :" or text.startswith("..."):
        return False
    if ": " in text or " #" in text or not _PRINTABLE.fullmatch(text):
        return False
    if flow and not _FLOW_INDICATORS.isdisjoint(text):
        return False
    if _LOOKS_TYPED.fullmatch(text):
        return False
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
    return tag == _STR_TAG


def _quoted(text: str) -> str:
    if _PRINTABLE.fullmatch(text):
        # "Didn't" reads better in double quotes than as 'Didn''t'.
        if "'" in text and '"' not in text and "\\" not in text:
            return f'"{text}"'
        return "'" + text.replace("'", "''") + "'"
    return '"' + "".join(_escape(ch) for ch in text) + '"'


def _escape(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if _PRINTABLE.fullmatch(ch):
        return ch
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02X}"
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


def _literal(text: str, indent: int) -> str | None:
    """Multi-line text as a literal block (`|`), or None where a block could not hold it.

    Blocks are kept to the simple case: no line starts the block with a space (that would
    need an indentation indicator), no line ends in a space (editors' tools strip them), at
    most one newline at the end.
    """
    if text[0] in " \n" or text.endswith("\n\n"):
        return None
    header, body = ("|", text[:-1]) if text.endswith("\n") else ("|-", text)
    lines = body.split("\n")
    if any(line.endswith(" ") or not _PRINTABLE.fullmatch(line) for line in lines):
        return None
    pad = " " * (indent + 2)
    return header + "".join("\n" + pad + line if line else "\n" for line in lines)


def _scalar(value: Any, indent: int = 0, flow: bool = False) -> str:
    """``value`` as YAML text that reads back as the same value and type."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if not isinstance(value, str):
        raise DumpError(f"cannot write the {type(value).__name__} {value!r} to a bank file")
    if _is_plain(value, flow):
        return value
    if not flow and "\n" in value:
        block = _literal(value, indent)
        if block is not None:
            return block
    return _quoted(value)


def _key(name: Any) -> str:
    if isinstance(name, str) and _is_plain(name, flow=False):
        return name
    return _quoted(name) if isinstance(name, str) else _scalar(name)


def _flow(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    return _scalar(value, flow=True)


def _mapping(mapping: dict[str, Any], indent: int = 0) -> str:
    """A block mapping; nested plain dicts are block mappings, lists and _FlowMaps one line."""
    pad = " " * indent
    out = []
    for name, value in mapping.items():
        if isinstance(value, dict) and not isinstance(value, _FlowMap) and value:
            out.append(f"{pad}{_key(name)}:\n{_mapping(value, indent + 2)}")
        elif isinstance(value, _Block) and value:
            items = "".join(f"{pad}  - {_scalar(item, indent + 4)}\n" for item in value)
            out.append(f"{pad}{_key(name)}:\n{items}")
        elif isinstance(value, list | dict):
            out.append(f"{pad}{_key(name)}: {_flow(value)}\n")
        else:
            out.append(f"{pad}{_key(name)}: {_scalar(value, indent)}\n")
    return "".join(out)


def _list_item(record: dict[str, Any]) -> str:
    return "- " + _mapping(record, 2)[2:]


# --- From the database ---------------------------------------------------------------------------


def database_rows(session: Session) -> dict[type[SQLModel], dict[Any, dict[str, Any]]]:
    """The bank as the database holds it, in the shape of `sync.bank_rows` (without fact_entity).

    Reads through ``session``, so it sees what the session has flushed or would autoflush.
    """
    kinds = {
        k.name: {
            "name": k.name,
            "description": k.description,
            "roles": {
                role: {
                    "types": list(spec.get("types", [])),
                    "many": spec.get("many", False),
                    "optional": spec.get("optional", False),
                }
                for role, spec in k.roles.items()
            },
            "unique_given": {role: list(given) for role, given in k.unique_given.items()},
            "same_fact": list(k.same_fact),
            "cues": list(k.cues),
        }
        for k in session.exec(select(FactKind))
    }
    entities = {
        e.id: {
            "id": e.id,
            "name": e.name,
            "type": e.type,
            "aliases": list(e.aliases),
            "tags": list(e.tags),
        }
        for e in session.exec(select(Entity))
    }
    articles = {
        a.id: {
            "id": a.id,
            "title": a.title,
            "date": a.date,
            "event_id": a.event_id,
            "source": a.source,
            "url": a.url,
            "text": a.text,
        }
        for a in session.exec(select(Article))
    }
    facts = {
        f.id: {
            "id": f.id,
            "kind": f.kind,
            "article_id": f.article_id,
            "roles": dict(f.roles),
            "evidence": f.evidence,
            "retired": f.retired,
            "open_roles": list(f.open_roles),
        }
        for f in session.exec(select(Fact))
    }
    templates = {
        t.id: {
            "id": t.id,
            "kind": t.kind,
            "style": t.style,
            "prompt": t.prompt,
            "answer_role": t.answer_role,
            "explanation": t.explanation,
            "status": t.status,
            "requires": {role: list(wanted) for role, wanted in t.requires.items()},
        }
        for t in session.exec(select(Template))
    }
    return {
        FactKind: kinds,
        Entity: entities,
        Article: articles,
        Fact: facts,
        Template: templates,
    }


# --- Rendering the files ------------------------------------------------------------------------


def entity_file(entity_type: str) -> str:
    """The file of entities/ (without .yaml) that holds entities of ``entity_type``."""
    for stem, types in ENTITY_FILES.items():
        if entity_type in types:
            return stem
    return OTHER_ENTITIES


def _entity_order(row: dict[str, Any]) -> tuple[int, str, str]:
    types = ENTITY_FILES.get(entity_file(row["type"]), ())
    rank = types.index(row["type"]) if row["type"] in types else len(types)
    return (rank, row["type"], row["id"])


def _kind_record(row: dict[str, Any]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    if row["description"]:
        record["description"] = row["description"]
    roles = {}
    for role, spec in row["roles"].items():
        types = spec["types"]
        flow = _FlowMap(type=types[0] if len(types) == 1 else _Flow(types))
        if spec["many"]:
            flow["many"] = True
        if spec["optional"]:
            flow["optional"] = True
        roles[role] = flow
    record["roles"] = roles
    if row["unique_given"]:
        record["unique_given"] = _FlowMap(
            {role: _Flow(given) for role, given in row["unique_given"].items()}
        )
    if row["same_fact"]:
        record["same_fact"] = _Flow(row["same_fact"])
    if row["cues"]:
        record["cues"] = _Block(row["cues"])
    return record


def _entity_record(row: dict[str, Any]) -> dict[str, Any]:
    record = {"id": row["id"], "name": row["name"], "type": row["type"]}
    if row["aliases"]:
        record["aliases"] = _Flow(row["aliases"])
    if row["tags"]:
        record["tags"] = _Flow(row["tags"])
    return record


def _article_file(row: dict[str, Any]) -> str:
    header: dict[str, Any] = {"id": row["id"], "title": row["title"], "date": row["date"]}
    if row["event_id"] is not None:
        header["event"] = row["event_id"]
    header["source"] = row["source"]
    if row["url"] is not None:
        header["url"] = row["url"]
    # The loader splits at the first "\n---\n"; _mapping never writes a bare "---" line (a
    # value "---" is quoted, multi-line values are indented or escaped), so the text after it
    # is the article's text.
    text: str = row["text"]
    return "---\n" + _mapping(header) + "---\n" + text


def _fact_record(row: dict[str, Any]) -> dict[str, Any]:
    roles = {
        role: _Flow(value) if isinstance(value, list) else value
        for role, value in row["roles"].items()
    }
    record = {
        "id": row["id"],
        "kind": row["kind"],
        "article": row["article_id"],
        "roles": roles,
        "evidence": row["evidence"],
    }
    if row["open_roles"]:
        record["open"] = _Flow(row["open_roles"])
    if row["retired"]:
        record["retired"] = True
    return record


def _template_record(row: dict[str, Any]) -> dict[str, Any]:
    record = {
        "id": row["id"],
        "kind": row["kind"],
        "style": row["style"],
        "prompt": row["prompt"],
        "answer": row["answer_role"],
    }
    if row["explanation"] is not None:
        record["explanation"] = row["explanation"]
    if row["requires"]:
        record["requires"] = _FlowMap(
            {role: _Flow(wanted) for role, wanted in row["requires"].items()}
        )
    if row["status"] != "published":
        record["status"] = row["status"]
    return record


def _stem(name: str, what: str) -> str:
    # Ids become file names: one that is not a slug could climb out of the bank's folder.
    if not _FILE_STEM.fullmatch(name):
        raise DumpError(f"{what} {name!r} cannot be a file name: ids must be lower-case slugs")
    return name


def _leading_comment(path: Path) -> str:
    """The comment lines a file starts with: the one thing of the old file worth keeping.

    Only the first block of '#' lines is kept; comments further down describe records whose
    order the dump may have changed.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line + "\n")
    return "".join(lines) + "\n" if lines else ""


def _fact_order(row: dict[str, Any], articles: dict[Any, dict[str, Any]]) -> tuple[str, int, str]:
    # In the order the article tells them, so a reviewer reads facts beside the text; the id
    # breaks ties between facts proven by the same sentence.
    article = articles.get(row["article_id"])
    where = article["text"].find(row["evidence"]) if article else -1
    return (row["article_id"], where, row["id"])


def _render(
    rows: dict[type[SQLModel], dict[Any, dict[str, Any]]], comments_from: Path | None
) -> dict[str, bytes]:
    texts: dict[str, str] = {}

    kinds = [rows[FactKind][name] for name in sorted(rows[FactKind])]
    texts["kinds.yaml"] = "\n".join(_mapping({k["name"]: _kind_record(k)}) for k in kinds)

    by_file: dict[str, list[dict[str, Any]]] = {}
    for row in sorted(rows[Entity].values(), key=_entity_order):
        by_file.setdefault(entity_file(row["type"]), []).append(_entity_record(row))
    for stem, records in by_file.items():
        texts[f"entities/{stem}.yaml"] = "".join(_list_item(r) for r in records)

    for article_id in sorted(rows[Article]):
        row = rows[Article][article_id]
        texts[f"articles/{_stem(article_id, 'article')}.txt"] = _article_file(row)

    facts: dict[str, list[str]] = {}
    for row in sorted(rows[Fact].values(), key=lambda r: _fact_order(r, rows[Article])):
        facts.setdefault(row["article_id"], []).append(_list_item(_fact_record(row)))
    for article_id, items in facts.items():
        # A blank line between facts, as editors write them: a fact is several lines long.
        texts[f"facts/{_stem(article_id, 'article')}.yaml"] = "\n".join(items)

    templates: dict[str, list[dict[str, Any]]] = {}
    for template_id in sorted(rows[Template]):
        row = rows[Template][template_id]
        templates.setdefault(row["kind"], []).append(_template_record(row))
    for kind, records in templates.items():
        texts[f"templates/{_stem(kind, 'kind')}.yaml"] = "".join(_list_item(r) for r in records)

    if comments_from is not None:
        for path, text in texts.items():
            if not path.startswith("articles/"):
                texts[path] = _leading_comment(comments_from / path) + text
    # Bytes, not text mode: article text keeps its own line endings on every platform.
    return {path: texts[path].encode("utf-8") for path in sorted(texts)}


# --- Writing ------------------------------------------------------------------------------------


def bank_files(root: Path) -> set[str]:
    """The files under ``root`` that the loader reads, as relative paths.

    Anything else (a README, notes, a folder of drafts) is not part of the bank.
    """
    found = {"kinds.yaml"} if (root / "kinds.yaml").is_file() else set()
    patterns = {
        "entities": ("*.yaml", "*.yml"),
        "articles": ("*.txt",),
        "facts": ("*.yaml", "*.yml"),
        "templates": ("*.yaml", "*.yml"),
    }
    for folder, globs in patterns.items():
        for pattern in globs:
            found.update(
                f"{folder}/{path.name}" for path in (root / folder).glob(pattern) if path.is_file()
            )
    return found


def dump_bank(session: Session, root: str | Path) -> DumpReport:
    """Write the bank in the database to the folder ``root`` as the files the loader reads.

    The whole bank is first written to a temporary folder beside ``root`` and read back with
    `read_bank`; only if that succeeds and gives exactly the rows the database holds are the
    bank's files in ``root`` replaced: kinds.yaml and the files the loader reads in entities/,
    articles/, facts/ and templates/. Files whose content is the same are not touched, each
    changed file is replaced atomically, and bank files the database no longer has (the
    templates of a kind that is gone, say) are removed. Other files in ``root`` are left alone.

    Dumping the same database twice gives the same bytes, and loading the dump into an
    empty database gives the same rows. Raises `quizapp.bank.files.BankError` if the loader would
    refuse the dump (its problems name the files as they would be written) and `DumpError`
    if the files would load as something else than the database holds; ``root`` is then
    left exactly as it was.
    """
    root = Path(root)
    rows = database_rows(session)
    files = _render(rows, root)
    # Beside the bank rather than in /tmp: the same disk and permissions as the bank itself.
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{root.name}-dump-", dir=root.parent))
    try:
        for path, content in files.items():
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        for folder in BANK_FOLDERS:
            (staging / folder).mkdir(exist_ok=True)
        _check_reads_back(staging, rows)
        return _replace(root, files)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _check_reads_back(staging: Path, rows: dict[type[SQLModel], dict[Any, dict[str, Any]]]) -> None:
    read = bank_rows(read_bank(staging))
    differences = []
    for model in DUMPED_TABLES:
        wanted, got = rows[model], read[model]
        for key in sorted(set(wanted) | set(got), key=str):
            if wanted.get(key) != got.get(key):
                differences.append(f"{model.__tablename__} {key}")
    if differences:
        shown = ", ".join(differences[:10]) + (" ..." if len(differences) > 10 else "")
        raise DumpError(f"the files would not load as the database holds them: {shown}")


def _replace(root: Path, files: dict[str, bytes]) -> DumpReport:
    report = DumpReport(root)
    for folder in BANK_FOLDERS:
        (root / folder).mkdir(parents=True, exist_ok=True)
    for path, content in files.items():
        target = root / path
        if target.is_file() and target.read_bytes() == content:
            report.unchanged.append(path)
            continue
        # Written beside the target and renamed over it: a rename within one folder is atomic
        # (a reader sees the old file or the new, never half) even where the bank's folders
        # are links to another file system.
        partial = target.with_name(f".{target.name}.dump")
        partial.write_bytes(content)
        os.replace(partial, target)
        report.written.append(path)
    for path in sorted(bank_files(root) - files.keys()):
        (root / path).unlink()
        report.removed.append(path)
    return report
