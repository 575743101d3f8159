"""The bank in the database: loading a valid bank into it, and reading it back as records.

`write_bank` mirrors a `Bank` (from `read_bank` or built by the workspace) into the database in
one transaction, changing only what differs; `bank_from_db` is its inverse, the database's bank
as the records the loader reads. No Flask here.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlmodel import Session, SQLModel

from quizapp.bank.files import (
    ArticleHeader,
    ArticleIn,
    Bank,
    EntityIn,
    FactIn,
    KindIn,
    RoleSpec,
    TemplateIn,
    collector_paused,
    read_bank,
)
from quizapp.models import (
    Article,
    Entity,
    Fact,
    FactEntity,
    FactKind,
    Question,
    Template,
    table_of,
)


def kinds_from_db(session: Session) -> dict[str, KindIn]:
    """Every fact kind in the database, by name, as the loader reads it from kinds.yaml."""
    kinds = {}
    for kind in session.scalars(select(FactKind).order_by(FactKind.name)):
        roles = {
            role: RoleSpec(
                type=spec["types"][0] if len(spec["types"]) == 1 else list(spec["types"]),
                many=spec.get("many", False),
                optional=spec.get("optional", False),
            )
            for role, spec in kind.roles.items()
        }
        kinds[kind.name] = KindIn(
            description=kind.description,
            roles=roles,
            unique_given={role: list(given) for role, given in kind.unique_given.items()},
            same_fact=list(kind.same_fact),
            cues=list(kind.cues),
        )
    return kinds


def entity_in(entity: Entity) -> EntityIn:
    """An entity row as the loader's record."""
    return EntityIn(
        id=entity.id,
        name=entity.name,
        type=entity.type,
        aliases=list(entity.aliases),
        tags=list(entity.tags),
    )


def article_in(article: Article) -> ArticleIn:
    """An article row as the loader's record."""
    header = ArticleHeader(
        id=article.id,
        title=article.title,
        date=article.date,
        source=article.source,
        event=article.event_id,
        url=article.url,
    )
    return ArticleIn(header, article.text)


def fact_in(fact: Fact) -> FactIn:
    """A fact row as the loader's record."""
    return FactIn(
        id=fact.id,
        kind=fact.kind,
        article=fact.article_id,
        roles=dict(fact.roles),
        evidence=fact.evidence,
        retired=fact.retired,
        open=list(fact.open_roles),
    )


def template_in(template: Template) -> TemplateIn:
    """A template row as the loader's record."""
    # Validated, not constructed: the style and status columns are plain strings.
    return TemplateIn.model_validate(
        {
            "id": template.id,
            "kind": template.kind,
            "style": template.style,
            "prompt": template.prompt,
            "answer": template.answer_role,
            "explanation": template.explanation,
            "status": template.status,
            "requires": template.requires,
        }
    )


def bank_from_db(session: Session) -> Bank:
    """The database's bank as the records the loader reads (the inverse of ``bank_rows``).

    Raises pydantic's ValidationError if a row breaks a record's own rules, which only rows
    written around the loader and the workspace can do.
    """
    bank = Bank(kinds=kinds_from_db(session))
    for entity in session.scalars(select(Entity).order_by(Entity.id)):
        bank.entities[entity.id] = entity_in(entity)
    for article in session.scalars(select(Article).order_by(Article.id)):
        bank.articles[article.id] = article_in(article)
    for fact in session.scalars(select(Fact).order_by(Fact.id)):
        bank.facts[fact.id] = fact_in(fact)
    for template in session.scalars(select(Template).order_by(Template.id)):
        bank.templates[template.id] = template_in(template)
    return bank


# --- Writing ----------------------------------------------------------------------------------


@dataclass
class TableChange:
    """What loading did to one table."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0


@dataclass
class LoadReport:
    """What loading the bank changed, table by table."""

    tables: dict[str, TableChange] = field(default_factory=dict)
    questions_removed: int = 0

    @property
    def changed(self) -> bool:
        return any(c.added or c.updated or c.removed for c in self.tables.values())

    def lines(self) -> Iterator[str]:
        for name, c in self.tables.items():
            yield (
                f"{name:<10} {c.added} added, {c.updated} updated, {c.removed} removed, "
                f"{c.unchanged} unchanged"
            )
        if self.questions_removed:
            yield f"questions  {self.questions_removed} removed (their facts or templates changed)"


def bank_rows(bank: Bank) -> dict[type[SQLModel], dict[Any, dict[str, Any]]]:
    """The rows a bank puts in each table, keyed by primary key."""
    kinds = {
        name: {
            "name": name,
            "description": kind.description,
            "roles": {
                role: {"types": list(spec.types), "many": spec.many, "optional": spec.optional}
                for role, spec in kind.roles.items()
            },
            "unique_given": {role: list(given) for role, given in kind.unique_given.items()},
            "same_fact": list(kind.same_fact),
            "cues": list(kind.cues),
        }
        for name, kind in bank.kinds.items()
    }
    entities = {
        e.id: {
            "id": e.id,
            "name": e.name,
            "type": e.type,
            "aliases": list(e.aliases),
            "tags": list(e.tags),
        }
        for e in bank.entities.values()
    }
    articles = {
        a.header.id: {
            "id": a.header.id,
            "title": a.header.title,
            "date": a.header.date,
            "event_id": a.header.event,
            "source": a.header.source,
            "url": a.header.url,
            "text": a.text,
        }
        for a in bank.articles.values()
    }
    facts = {
        f.id: {
            "id": f.id,
            "kind": f.kind,
            "article_id": f.article,
            "roles": dict(f.roles),
            "evidence": f.evidence,
            "retired": f.retired,
            "open_roles": list(f.open),
        }
        for f in bank.facts.values()
    }
    fact_entities: dict[Any, dict[str, Any]] = {}
    for f in bank.facts.values():
        spec_roles = bank.kinds[f.kind].roles
        for role, value in f.roles.items():
            if spec_roles[role].literal:
                continue
            for entity_id in tuple(value) if isinstance(value, list) else (value,):
                fact_entities[(f.id, role, entity_id)] = {
                    "fact_id": f.id,
                    "role": role,
                    "entity_id": entity_id,
                }
    templates = {
        t.id: {
            "id": t.id,
            "kind": t.kind,
            "style": t.style,
            "prompt": t.prompt,
            "answer_role": t.answer,
            "explanation": t.explanation,
            "status": t.status,
            "requires": {role: list(wanted) for role, wanted in t.requires.items()},
        }
        for t in bank.templates.values()
    }
    return {
        FactKind: kinds,
        Entity: entities,
        Article: articles,
        Fact: facts,
        FactEntity: fact_entities,
        Template: templates,
    }


def _primary_key(model: type[SQLModel], row: dict[str, Any]) -> Any:
    keys = [c.name for c in table_of(model).primary_key.columns]
    return row[keys[0]] if len(keys) == 1 else tuple(row[k] for k in keys)


def _current_rows(session: Session, model: type[SQLModel]) -> dict[Any, dict[str, Any]]:
    # sqlmodel's exec runs SQLAlchemy's own select of a table (returning its rows), but its
    # overloads know only sqlmodel's select.
    rows = session.exec(select(table_of(model)))  # type: ignore[call-overload]
    return {_primary_key(model, row): row for row in (dict(r._mapping) for r in rows)}


def write_bank(session: Session, bank: Bank, *, commit: bool = True) -> LoadReport:
    """Make the database hold exactly ``bank``, in one transaction; return what changed.

    Questions made from a fact or template that changed or went away are removed, since
    their prompt, answer or evidence may no longer be true; `generate` rebuilds them. With
    ``commit=False`` the caller's transaction goes on (and the caller commits or rolls back).
    """
    # Hundreds of thousands of row dicts, all alive until written, next to the bank just
    # read: every collection would walk them all for nothing (see collector_paused).
    with collector_paused():
        return _write_bank(session, bank, commit)


def _write_bank(session: Session, bank: Bank, commit: bool) -> LoadReport:
    wanted = bank_rows(bank)
    report = LoadReport()
    plan: dict[type[SQLModel], tuple[list[dict[str, Any]], list[dict[str, Any]], list[Any]]] = {}
    try:
        for model, rows in wanted.items():
            current = _current_rows(session, model)
            added = [row for key, row in rows.items() if key not in current]
            # Only the columns the bank holds count: others (Fact.reviewed) are the database's.
            updated = [
                row
                for key, row in rows.items()
                if key in current and any(current[key].get(c) != v for c, v in row.items())
            ]
            removed = [key for key in current if key not in rows]
            plan[model] = (added, updated, removed)
            if model is not FactEntity:
                report.tables[table_of(model).name] = TableChange(
                    len(added), len(updated), len(removed), len(rows) - len(added) - len(updated)
                )

        stale_facts = {r["id"] for r in plan[Fact][1]} | set(plan[Fact][2])
        stale_templates = {r["id"] for r in plan[Template][1]} | set(plan[Template][2])
        report.questions_removed = _delete_questions(session, stale_facts, stale_templates)

        # Deletes run child-first and inserts parent-first so foreign keys hold at every step.
        _delete(session, FactEntity, plan[FactEntity][2])
        _delete(session, Fact, plan[Fact][2])
        _delete(session, Template, plan[Template][2])
        for model in (FactKind, Entity, Article, Fact, FactEntity, Template):
            added, updated, _ = plan[model]
            if added:
                session.exec(insert(table_of(model)), params=added)
            if updated:
                session.exec(update(model), params=updated)
        _delete(session, Article, plan[Article][2])
        _delete(session, Entity, plan[Entity][2])
        _delete(session, FactKind, plan[FactKind][2])
        if commit:
            session.commit()
    except BaseException:
        session.rollback()
        raise
    return report


def write_records(
    session: Session, bank: Bank, *, facts: Collection[str] = (), templates: Collection[str] = ()
) -> None:
    """Write just these facts and templates of ``bank`` (and the facts' entity links), added
    or updated, without committing: for a save that changes no more than them. Their
    questions are the caller's to regenerate."""
    only = Bank(
        kinds=bank.kinds,
        facts={i: bank.facts[i] for i in facts},
        templates={i: bank.templates[i] for i in templates},
    )
    rows = bank_rows(only)
    if facts:
        links = table_of(FactEntity)
        session.exec(delete(links).where(links.c.fact_id.in_(sorted(facts))))
    for model in (Fact, FactEntity, Template):
        wanted = list(rows[model].values())
        if not wanted:
            continue
        if model is FactEntity:
            session.exec(insert(table_of(model)), params=wanted)
            continue
        key = table_of(model).c.id
        present = set(session.scalars(select(key).where(key.in_([r["id"] for r in wanted]))))
        added = [r for r in wanted if r["id"] not in present]
        updated = [r for r in wanted if r["id"] in present]
        if added:
            session.exec(insert(table_of(model)), params=added)
        if updated:
            session.exec(update(model), params=updated)


def _delete(session: Session, model: type[SQLModel], keys: list[Any]) -> None:
    table = table_of(model)
    columns = list(table.primary_key.columns)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        if len(columns) == 1:
            session.exec(delete(table).where(columns[0].in_(chunk)))
        else:
            for key in chunk:
                condition = [col == value for col, value in zip(columns, key, strict=True)]
                session.exec(delete(table).where(*condition))


def _delete_questions(session: Session, fact_ids: set[str], template_ids: set[str]) -> int:
    table = table_of(Question)
    removed = 0
    for column, ids in ((table.c.fact_id, fact_ids), (table.c.template_id, template_ids)):
        ids_list = sorted(ids)
        for start in range(0, len(ids_list), 500):
            result = session.exec(delete(table).where(column.in_(ids_list[start : start + 500])))
            removed += result.rowcount or 0
    return removed


def mark_reviewed(session: Session) -> None:
    """Count every fact and template as reviewed, without committing.

    For a load from the files: they are the editors' reviewed copy, so what they hold reaches
    players without passing the workspace's review screen (quizapp.workspace.review).
    """
    for model in (Fact, Template):
        table = table_of(model)
        session.exec(update(table).where(~table.c.reviewed).values(reviewed=True))


def load_bank(session: Session, root: str | Path) -> LoadReport:
    """Validate the bank at ``root`` and, only if it is valid, mirror it into the database,
    every fact and template counted as reviewed."""
    report = write_bank(session, read_bank(root), commit=False)
    mark_reviewed(session)
    session.commit()
    return report
