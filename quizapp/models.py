"""The database tables, in one module (STYLE.md 6).

The question bank files are the source of truth for kinds, entities, articles, facts and
templates; `quizapp load-bank` mirrors them here. Questions are derived from facts and
templates by `quizapp generate` and can be rebuilt at any time.
"""

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

STYLES = ("multiple_choice", "true_false", "typed")
TEMPLATE_STATUSES = ("draft", "published")


class FactKind(SQLModel, table=True):
    """A kind of fact and the roles its facts fill (kinds.yaml)."""

    __tablename__ = "fact_kind"

    name: str = Field(primary_key=True, max_length=40)
    description: str = ""
    # {role: {"types": [...], "many": bool, "optional": bool}}, as validated by the loader.
    roles: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Entity(SQLModel, table=True):
    """A person, group, song, award, event ... shared across articles."""

    id: str = Field(primary_key=True, max_length=80)
    name: str = Field(max_length=200)
    type: str = Field(index=True, max_length=40)
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Article(SQLModel, table=True):
    """A source article, its text kept exactly as published."""

    id: str = Field(primary_key=True, max_length=80)
    title: str = Field(max_length=300)
    date: dt.date
    event_id: str | None = Field(default=None, foreign_key="entity.id", index=True)
    source: str = Field(max_length=200)
    url: str | None = Field(default=None, max_length=500)
    text: str = Field(sa_column=Column(Text, nullable=False))


class Fact(SQLModel, table=True):
    """One thing an article says, with named roles and the sentence that proves it."""

    id: str = Field(primary_key=True, max_length=80)
    kind: str = Field(foreign_key="fact_kind.name", index=True, max_length=40)
    article_id: str = Field(foreign_key="article.id", index=True)
    # {role: entity id | [entity ids] | text | number}; the kind says which.
    roles: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    evidence: str = Field(sa_column=Column(Text, nullable=False))


class FactEntity(SQLModel, table=True):
    """Which entities a fact names, in which role.

    Derived from Fact.roles when the bank is loaded; it exists so that "every fact about
    Lady Gaga" is an indexed lookup rather than a scan of JSON.
    """

    __tablename__ = "fact_entity"

    fact_id: str = Field(foreign_key="fact.id", primary_key=True)
    role: str = Field(primary_key=True, max_length=40)
    entity_id: str = Field(foreign_key="entity.id", primary_key=True, index=True)


class Template(SQLModel, table=True):
    """A question template: a prompt with slots, applied to every fitting fact of one kind."""

    id: str = Field(primary_key=True, max_length=80)
    kind: str = Field(foreign_key="fact_kind.name", index=True, max_length=40)
    style: str = Field(max_length=20)
    prompt: str = Field(max_length=300)
    answer_role: str = Field(max_length=40)
    explanation: str | None = Field(default=None, max_length=300)
    status: str = Field(default="published", max_length=20)


class Question(SQLModel, table=True):
    """A question generated from one (template, fact) pair.

    The id depends only on the template and the fact, so regenerating keeps ids stable; the
    seed only decides the order of the choices, the wrong answers and true/false truth.
    """

    id: str = Field(primary_key=True, max_length=20)
    template_id: str = Field(foreign_key="template.id", index=True)
    fact_id: str = Field(foreign_key="fact.id", index=True)
    article_id: str = Field(foreign_key="article.id", index=True)
    style: str = Field(max_length=20)
    prompt: str = Field(sa_column=Column(Text, nullable=False))
    choices: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # The correct answer as display parts: ["Kanye West", "Kid Cudi"]; ["true"] or ["false"].
    answer: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # For each part, the forms a typed answer may take (name first, then aliases).
    accepted: list[list[str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # The true value in words, for feedback after answering ("Lady Gaga").
    solution: str = Field(sa_column=Column(Text, nullable=False))
    explanation: str | None = Field(default=None, sa_column=Column(Text))
    difficulty: float
    evidence: str = Field(sa_column=Column(Text, nullable=False))
