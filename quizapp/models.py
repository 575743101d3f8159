"""The database tables, in one module at the bottom of the layers (docs/architecture.md).

Alembic (quizapp/core/migrate.py) and SQLModel.metadata find every table here, and every
area imports the tables it reads and writes; this module imports nothing of quizapp.

The question bank files are the source of truth for kinds, entities, articles, facts and
templates; `quizapp load-bank` mirrors them here. Questions are derived from facts and
templates by `quizapp generate` and can be rebuilt at any time.
"""

import datetime as dt
import hashlib
from typing import Any, Protocol

from sqlalchemy import JSON, BigInteger, Column, Index, Table, Text, false, inspect, true
from sqlmodel import Field, SQLModel, col

STYLES = ("multiple_choice", "true_false", "typed")
TEMPLATE_STATUSES = ("draft", "published", "retired")  # only published ones make questions


def table_of(model: type[SQLModel]) -> Table:
    """The table a model is mapped to (sqlmodel's types leave out ``__table__``)."""
    table = inspect(model).local_table
    assert isinstance(table, Table), f"{model.__name__} is not a table model"
    return table


class _Numbered(Protocol):
    id: int | None


def row_id(row: _Numbered) -> int:
    """The id the database gave ``row``: a new row has none until the session is flushed."""
    if row.id is None:
        raise ValueError(f"this {type(row).__name__} has no id yet: flush the session first")
    return row.id


class FactKind(SQLModel, table=True):
    """A kind of fact and the roles its facts fill (kinds.yaml)."""

    __tablename__ = "fact_kind"

    name: str = Field(primary_key=True, max_length=40)
    description: str = ""
    # {role: {"types": [...], "many": bool, "optional": bool}}, as validated by the loader.
    roles: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # {role: [roles]}: the role's value is unique once the listed roles are fixed, so only such
    # roles may be swapped to make a true/false statement false (docs/question-bank.md).
    unique_given: dict[str, list[str]] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}")
    )
    # The roles that make two facts of this kind the same fact; empty: every role.
    same_fact: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    # Plain phrases saying a fact of the kind ("{winner} won {award}"), for the fact proposer.
    cues: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )


class Entity(SQLModel, table=True):
    """A person, group, song, award, event ... shared across articles."""

    id: str = Field(primary_key=True, max_length=80)
    name: str = Field(max_length=200)
    type: str = Field(index=True, max_length=40)
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Finer than the type ("song", "music-video"): what a template's ``requires`` matches.
    tags: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )


class Article(SQLModel, table=True):
    """A source article, its text kept exactly as published."""

    id: str = Field(primary_key=True, max_length=80)
    title: str = Field(max_length=300)
    date: dt.date
    event_id: str | None = Field(default=None, foreign_key="entity.id", index=True)
    source: str = Field(max_length=200)
    url: str | None = Field(default=None, max_length=500)
    text: str = Field(sa_column=Column(Text, nullable=False))


def draw_key(fact_id: str) -> int:
    """A fact's draw key: 62 bits of a hash of its id (below 2**62, so that the database can
    combine two keys in a signed 64-bit integer)."""
    digest = hashlib.blake2b(fact_id.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 2


def _draw_of_row(context: Any) -> int:
    return draw_key(context.get_current_parameters()["id"])


class Fact(SQLModel, table=True):
    """One thing an article says, with named roles and the sentence that proves it."""

    id: str = Field(primary_key=True, max_length=80)
    kind: str = Field(foreign_key="fact_kind.name", index=True, max_length=40)
    article_id: str = Field(foreign_key="article.id", index=True)
    # {role: entity id | [entity ids] | text | number}; the kind says which.
    roles: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    evidence: str = Field(sa_column=Column(Text, nullable=False))
    # A retired fact stays for the record (reports and history point at it) but makes no
    # questions and no longer counts as true when wrong answers are checked.
    retired: bool = False
    # The many roles whose list the article leaves open ("well-wishers including ..."): never
    # asked as a closed set, never swapped.
    open_roles: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    # False from a workspace save until an editor publishes it on the review screen
    # (quizapp.workspace.review): automatic quizzes ask only reviewed facts' questions. Rows
    # loaded from the files (the editors' reviewed copy) and rows older than the gate are true.
    reviewed: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    # Its place in every day's draw for the daily mix (quizapp.game.quizzes.plan_daily): a
    # hash of its id, stored so that the database picks a day's facts without the bank's ids
    # being read. Set on insert from the id; 0 only for rows written by hand.
    draw: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, nullable=False, default=_draw_of_row, server_default="0"),
    )


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
    # {role: [types or tags]}: the template is only filled from facts whose entities in that
    # role (every one, for a many role) have one of them.
    requires: dict[str, list[str]] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}")
    )
    # As Fact.reviewed, for the published version: its questions wait for review.
    reviewed: bool = Field(default=True, sa_column_kwargs={"server_default": true()})


class QuestionContent(SQLModel):
    """What a player is asked and what proves the answer: shared by a generated question and
    the frozen copy a quiz keeps of it."""

    style: str = Field(max_length=20)
    prompt: str = Field(sa_type=Text, nullable=False)
    choices: list[str] = Field(default_factory=list, sa_type=JSON, nullable=False)
    # The correct answer as display parts: ["Kanye West", "Kid Cudi"]; ["true"] or ["false"].
    answer: list[str] = Field(default_factory=list, sa_type=JSON, nullable=False)
    # For each part, the forms a typed answer may take (name first, then aliases).
    accepted: list[list[str]] = Field(default_factory=list, sa_type=JSON, nullable=False)
    # The true value in words, for feedback after answering ("Lady Gaga").
    solution: str = Field(sa_type=Text, nullable=False)
    explanation: str | None = Field(default=None, sa_type=Text)
    difficulty: float
    evidence: str = Field(sa_type=Text, nullable=False)


class Question(QuestionContent, table=True):
    """A question generated from one (template, fact) pair.

    The id depends only on the template and the fact, so regenerating keeps ids stable; the
    seed only decides the order of the choices, the wrong answers and true/false truth.
    """

    id: str = Field(primary_key=True, max_length=20)
    template_id: str = Field(foreign_key="template.id", index=True)
    fact_id: str = Field(foreign_key="fact.id", index=True)
    article_id: str = Field(foreign_key="article.id", index=True)


# --- The game ---------------------------------------------------------------------------------

QUIZ_STATUSES = ("draft", "published")  # players see published quizzes only
OVERALL_BOARD = "*"  # board_entry.board for the overall ranking; quiz ids never contain "*"


def utcnow() -> dt.datetime:
    """The current time, timezone-aware in UTC: SQLModel stores and returns timestamps so."""
    return dt.datetime.now(dt.UTC)


class Player(SQLModel, table=True):
    """Someone who plays: a nickname, no account."""

    id: int | None = Field(default=None, primary_key=True)
    nickname: str = Field(max_length=24)
    # The nickname casefolded: "unique ignoring case" is a plain unique index on it.
    nickname_key: str = Field(max_length=24, unique=True)
    # SHA-256 of the API token; the token itself is shown once and never stored.
    token_hash: str = Field(max_length=64, unique=True)
    created_at: dt.datetime = Field(default_factory=utcnow)
    # Hidden from every board by an editor (quizapp.game.ranking.hide_player): when, by whom
    # and why, kept until the player is shown again.
    hidden_at: dt.datetime | None = None
    hidden_by: int | None = Field(default=None, foreign_key="editor.id")
    hidden_reason: str | None = Field(default=None, max_length=500)


class Quiz(SQLModel, table=True):
    """A fixed, titled list of questions built from a scope, with its settings."""

    id: str = Field(primary_key=True, max_length=120)
    title: str = Field(max_length=300)
    # article, event, entity (a topic), daily (the day's mix) or list (hand-picked by an editor)
    scope: str = Field(max_length=20)
    scope_id: str = Field(max_length=80)
    question_count: int
    seconds_per_question: int = 20
    scoring_mode: str = Field(default="timed", max_length=20)
    status: str = Field(default="published", max_length=20)
    created_by: int | None = Field(default=None, foreign_key="editor.id")
    created_at: dt.datetime = Field(default_factory=utcnow)


class QuizItem(QuestionContent, table=True):
    """One question of a quiz, frozen as it was when the quiz was built.

    A copy, not a reference: regenerating the bank rewrites questions in place, and a quiz
    that players have scored on must not change under them.
    """

    __tablename__ = "quiz_item"

    quiz_id: str = Field(foreign_key="quiz.id", primary_key=True)
    position: int = Field(primary_key=True)
    question_id: str = Field(max_length=20, index=True)
    # Where the question came from, kept even if the bank later drops it: reports and answer
    # statistics are grouped by template and fact.
    template_id: str = Field(max_length=80, index=True)
    fact_id: str = Field(max_length=80, index=True)
    article_id: str = Field(max_length=80)
    article_title: str = Field(max_length=300)


class Attempt(SQLModel, table=True):
    """One player's run through a quiz."""

    id: int | None = Field(default=None, primary_key=True)
    quiz_id: str = Field(foreign_key="quiz.id", index=True)
    player_id: int = Field(foreign_key="player.id", index=True)
    started_at: dt.datetime = Field(default_factory=utcnow)
    finished_at: dt.datetime | None = None
    position: int = 0  # the current question; equals the quiz's count once finished
    score: int = 0
    correct: int = 0
    streak: int = 0
    seed: int  # shuffles this attempt's choices, so order never tells the answer
    # The player's first attempt at the quiz: the only one any board shows (docs/game.md).
    ranked: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # Closed by the server after the quiz's whole time window, scored as it stood.
    expired: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # (After expired, as migration 0003 adds it: copies of tables rely on the order.)
    # When it was last answered (None until the first answer): an attempt idle for the quiz's
    # whole time window is closed, so a slow reader of the feedback pages keeps playing.
    active_at: dt.datetime | None = None
    # Voided by an editor (quizapp.game.ranking.void_attempt): off the boards, reason kept.
    voided_at: dt.datetime | None = None
    voided_by: int | None = Field(default=None, foreign_key="editor.id")
    void_reason: str | None = Field(default=None, max_length=500)


# At most one open attempt per player and quiz, and one ranked one: starting twice at once
# gives one attempt, whichever insert the database lets in first (quizapp.game.play).
Index(
    "ux_attempt_open",
    col(Attempt.player_id),
    col(Attempt.quiz_id),
    unique=True,
    sqlite_where=col(Attempt.finished_at).is_(None),
    postgresql_where=col(Attempt.finished_at).is_(None),
)
Index(
    "ux_attempt_ranked",
    col(Attempt.player_id),
    col(Attempt.quiz_id),
    unique=True,
    sqlite_where=col(Attempt.ranked),
    postgresql_where=col(Attempt.ranked),
)


class AttemptAnswer(SQLModel, table=True):
    """A question served to an attempt and, once answered, the answer and its points.

    The row is written when the question is first served, so the server's clock decides the
    elapsed time and fetching the question again does not restart it.
    """

    __tablename__ = "attempt_answer"

    attempt_id: int = Field(foreign_key="attempt.id", primary_key=True)
    position: int = Field(primary_key=True)
    question_id: str = Field(max_length=20)
    served_at: dt.datetime
    answered_at: dt.datetime | None = None
    given: str | None = Field(default=None, max_length=200)
    correct: bool = False
    late: bool = False
    points: int = 0
    elapsed_ms: int | None = None


class BoardEntry(SQLModel, table=True):
    """A player's standing on one board for one period: their best on a quiz, or overall.

    Kept up to date in the transaction that finishes an attempt, so a leaderboard page reads a
    few index entries instead of aggregating every attempt.
    """

    __tablename__ = "board_entry"

    board: str = Field(primary_key=True, max_length=120)  # a quiz id, or OVERALL_BOARD
    period: str = Field(primary_key=True, max_length=10)  # "all", or an ISO week "2026-W47"
    player_id: int = Field(foreign_key="player.id", primary_key=True)
    score: int
    finished_at: dt.datetime
    attempt_id: int | None = Field(default=None, foreign_key="attempt.id")


class BoardBand(SQLModel, table=True):
    """How many entries of one board and period have a score in one band of BAND_WIDTH points.

    Kept by ``ranking.record_finish`` beside the entries, so that a board's size and the
    number of players ahead of someone are sums over a few hundred band rows plus a count
    inside one band, instead of counts over the whole board.
    """

    __tablename__ = "board_band"

    board: str = Field(primary_key=True, max_length=120)
    period: str = Field(primary_key=True, max_length=10)
    band: int = Field(primary_key=True)  # score // BAND_WIDTH
    entries: int = 0


BAND_WIDTH = 100  # points per band: a band then holds a few hundred entries at a million attempts


# Top-N is a walk of this index in ranking order (best score, then who finished first), and
# "my rank" a count over its front part: no leaderboard query scans the table.
Index(
    "ix_board_entry_rank",
    col(BoardEntry.board),
    col(BoardEntry.period),
    col(BoardEntry.score).desc(),
    col(BoardEntry.finished_at),
    col(BoardEntry.player_id),
)


# --- The editors' workspace -------------------------------------------------------------------

EDITOR_ROLES = ("editor", "admin")  # an admin also manages editors
REPORT_REASONS = ("wrong_answer", "unclear", "typo")


class Editor(SQLModel, table=True):
    """Someone who keeps the bank: a login name, a password hash and a role."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40)
    # The name casefolded, so that "Ann" and "ann" cannot both exist.
    name_key: str = Field(max_length=40, unique=True)
    password_hash: str = Field(max_length=255)
    role: str = Field(default="editor", max_length=20)
    active: bool = True
    created_at: dt.datetime = Field(default_factory=utcnow)
    # Counts the editor's logouts; a login cookie carries the count it was made at, so logging
    # out ends every copy of the cookie (quizapp.web.auth), read with the row it already loads.
    login_epoch: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class Change(SQLModel, table=True):
    """Who changed what and when in the workspace: one row per saved change."""

    __tablename__ = "change_log"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow, index=True)
    editor_id: int | None = Field(default=None, foreign_key="editor.id")
    subject: str = Field(max_length=20)  # "template", "fact", "article", "entity", "quiz", ...
    subject_id: str = Field(max_length=120)
    action: str = Field(max_length=20)  # "create", "update", "publish", "retire", ...
    # {field: [old, new]} for updates; what was created for creations.
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


Index("ix_change_log_subject", col(Change.subject), col(Change.subject_id), col(Change.at))


class ProposalDismissal(SQLModel, table=True):
    """A fact proposal an editor dismissed on an article: it is not proposed there again.

    ``key`` is the proposal's key (quizapp.workspace.proposals.Proposal.key): proposals are
    recomputed from the article on every page, so the key is what is remembered.
    """

    __tablename__ = "proposal_dismissal"

    article_id: str = Field(foreign_key="article.id", primary_key=True, max_length=80)
    key: str = Field(primary_key=True, max_length=1000)
    editor_id: int | None = Field(default=None, foreign_key="editor.id")
    created_at: dt.datetime = Field(default_factory=utcnow)


class Report(SQLModel, table=True):
    """A player's "report a problem" on an answered question, filed on its fact and template."""

    __tablename__ = "problem_report"

    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime = Field(default_factory=utcnow)
    player_id: int = Field(foreign_key="player.id", index=True)
    attempt_id: int = Field(foreign_key="attempt.id")
    position: int
    quiz_id: str = Field(max_length=120)
    question_id: str = Field(max_length=20)
    template_id: str = Field(max_length=80, index=True)
    fact_id: str = Field(max_length=80, index=True)
    reason: str = Field(max_length=20)
    comment: str | None = Field(default=None, max_length=500)
    resolved: bool = False


JOB_STATES = ("queued", "running", "done", "failed")


class BankJob(SQLModel, table=True):
    """Work on the bank that would hold a request too long, done in the background.

    ``action`` "publish": publish template ``subject_id`` as ``payload["template"]`` holds it
    (its fields), unless it changed after change ``payload["change"]``, the one that asked;
    "refresh": make again the questions of kind ``payload["kind"]`` whose wrong answers for
    role ``payload["role"]`` are drawn from a pool that gained or lost a member. ``done`` of
    ``total`` is the progress; ``message`` says what it did, or why it failed.
    """

    __tablename__ = "bank_job"

    id: int | None = Field(default=None, primary_key=True)
    action: str = Field(max_length=20)
    subject_id: str = Field(max_length=120, index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    editor_id: int | None = Field(default=None, foreign_key="editor.id")
    state: str = Field(default="queued", max_length=10, index=True)
    done: int = 0
    total: int = 0
    message: str | None = Field(default=None, sa_column=Column(Text))
    created_at: dt.datetime = Field(default_factory=utcnow)
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
