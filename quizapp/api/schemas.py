"""The API's request and response bodies.

These pydantic models validate every request body and query string, shape every response,
and are what spectree turns into the OpenAPI document: one set of classes, so the document
cannot drift from what the server accepts.

Responses are read straight off the game's results (quizapp.game.play, quizapp.game.ranking)
with ``Model.model_validate(result)``: a field named differently in the API says where it
comes from with a ``validation_alias``, which changes neither the JSON nor the document.
"""

import dataclasses
import datetime as dt
import typing
from collections.abc import Collection, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_validator

from quizapp.game.grading import MAX_ANSWER_LENGTH
from quizapp.game.play import NICKNAME_MAX, NICKNAME_MIN, ReviewItem

Period = Literal["all", "week"]  # quizapp.game.ranking.PERIODS; a test keeps the two in step


class RequestBody(BaseModel):
    """A JSON request body: exact JSON types ("answer": 5 is refused, not turned into "5")
    and no unknown fields, so a misspelt field is an error rather than silently ignored."""

    model_config = ConfigDict(strict=True, extra="forbid")


class QueryParameters(BaseModel):
    """A query string: values arrive as text and are converted; unknown parameters (cache
    busters such as ``_=1700000000``) are ignored."""

    model_config = ConfigDict(extra="ignore")


class FromDomain(BaseModel):
    """A response read off the attributes of a domain object (a dataclass, a table row)."""

    model_config = ConfigDict(from_attributes=True)


def domain_fields(domain: type, *, leave_out: Collection[str] = ()) -> dict[str, Any]:
    """The fields of the dataclass ``domain`` as `pydantic.create_model` definitions, in
    order: every one required, with its type; ``leave_out`` names the ones not shown."""
    unknown = set(leave_out) - {f.name for f in dataclasses.fields(domain)}
    if unknown:
        raise ValueError(f"{domain.__name__} has no field {', '.join(sorted(unknown))}")
    types = typing.get_type_hints(domain)
    return {
        f.name: (types[f.name], ...) for f in dataclasses.fields(domain) if f.name not in leave_out
    }


# --- Players ----------------------------------------------------------------------------------


class PlayerCreate(RequestBody):
    """A new player's nickname."""

    # The game's rules (quizapp.game.play.clean_nickname) decide; this bound only keeps absurd
    # inputs out, since spaces at the ends and runs of spaces are tidied before counting.
    nickname: str = Field(
        max_length=100,
        description=(
            f"{NICKNAME_MIN}-{NICKNAME_MAX} characters: letters, digits, spaces and . _ -; "
            "unique ignoring case."
        ),
        examples=["Little Monster"],
    )


class PlayerCreated(BaseModel):
    """The new player and their secret token, shown only this once."""

    id: int
    nickname: str
    token: str = Field(description='Send it as "Authorization: Bearer <token>".')


# --- Quizzes ----------------------------------------------------------------------------------


class QuizPublic(FromDomain):
    """A quiz on offer and its settings."""

    id: str
    title: str
    question_count: int
    seconds_per_question: int
    scope: str = Field(description="article, event, entity (a topic) or daily.")
    scope_id: str
    scoring_mode: str = Field(description="timed (speed and streak count) or plain.")


class QuizList(BaseModel):
    """The quizzes on offer: today's daily mix first, then events, topics and articles."""

    quizzes: list[QuizPublic]


# --- Attempts ---------------------------------------------------------------------------------


RANKED_DESCRIPTION = (
    "true for the player's first attempt at the quiz, the one the boards show; false for a "
    "later one: practice, scored but never on a board."
)


class AttemptCreated(BaseModel):
    """A run through a quiz: a new one (201), or the player's open one resumed (200)."""

    attempt_id: int
    quiz_id: str
    question_count: int
    ranked: bool = Field(description=RANKED_DESCRIPTION)
    resumed: bool = Field(description="true when this is the player's open attempt, resumed.")
    position: int = Field(description="0-based place of the current question.")


class QuestionPublic(FromDomain):
    """A question as the player sees it: never its answer, choices in this attempt's order."""

    id: str = Field(description="The id `quizapp export-questions` prints.")
    prompt: str
    style: str = Field(description="multiple_choice, true_false or typed.")
    choices: list[str] = Field(description='Empty for typed questions; "true"/"false" answers.')
    seconds: int = Field(description="The time allowed for this question.")
    position: int = Field(description="0-based place of the question in the quiz.")
    count: int = Field(description="How many questions the quiz has.")
    remaining: float = Field(
        description="Seconds left by the server's clock, counted from the first fetch."
    )

    @field_validator("remaining")
    @classmethod
    def _to_the_millisecond(cls, seconds: float) -> float:
        return round(seconds, 3)


class QuestionServed(BaseModel):
    """The attempt's current question, or none once the attempt is finished."""

    question: QuestionPublic | None
    finished: bool


class AnswerCreate(RequestBody):
    """An answer to the attempt's current question."""

    question_id: str = Field(max_length=40, description="The id of the question answered.")
    answer: str = Field(
        max_length=MAX_ANSWER_LENGTH,
        description='The text of a choice, "true" or "false", or the typed answer.',
    )


# Where a domain result keeps its source: flat, as every question does (QuizItem).
SOURCE_ATTRIBUTES = ("article_title", "evidence")


class Source(FromDomain):
    """Where the answer comes from: the article and the sentence that proves it."""

    article: str = Field(validation_alias=SOURCE_ATTRIBUTES[0])
    sentence: str = Field(validation_alias=SOURCE_ATTRIBUTES[1])


class WithSource(FromDomain):
    """A result whose ``source`` is read off the same domain object as its other fields."""

    @model_validator(mode="before")
    @classmethod
    def _nest_the_source(cls, data: Any) -> Any:
        if isinstance(data, Mapping) or not dataclasses.is_dataclass(data):
            return data
        attributes = {f.name: getattr(data, f.name) for f in dataclasses.fields(data)}
        return attributes | {"source": data}


class AnswerResult(WithSource):
    """The verdict on an answer, with the right answer and its source."""

    correct: bool
    points: int
    score: int = Field(description="The attempt's total so far.")
    correct_answer: str
    source: Source
    streak: int
    late: bool = Field(description="Answered after the time (plus 1 s grace): 0 points.")
    finished: bool = Field(description="This was the quiz's last question.")
    message: str
    explanation: str | None
    given: str
    position: int
    count: int


# The game's own review item, with its source nested; the solution (a true/false statement's
# true value) is for the results page.
AnsweredQuestion = create_model(
    "AnsweredQuestion",
    __base__=WithSource,
    __doc__="One answered question of an attempt, for a review of the results.",
    __module__=__name__,
    **domain_fields(ReviewItem, leave_out=("solution", *SOURCE_ATTRIBUTES)),
    source=(Source, ...),
)


class AttemptPublic(FromDomain):
    """An attempt's outcome so far; rank is on the quiz's all-time board once finished."""

    id: int = Field(validation_alias="attempt_id")
    quiz_id: str
    quiz_title: str
    score: int
    correct: int
    count: int
    finished: bool
    rank: int | None
    players: int = Field(description="How many players are on the quiz's all-time board.")
    seconds: float | None = Field(description="From start to finish, once finished.")
    answers: list[AnsweredQuestion] = Field(validation_alias="review")
    ranked: bool = Field(description=RANKED_DESCRIPTION)
    board: str = Field(
        description='Where the attempt stands: "ranked", "practice" ("Practice - not on the '
        'board") or "voided" (taken off the board by an editor).'
    )
    expired: bool = Field(
        description="Closed by the server when the quiz's whole time window ran out, scored "
        "as it stood."
    )
    share_url: str | None = Field(
        default=None,
        description="Once finished: the public, spoiler-free page of this result (absolute).",
    )


# --- Leaderboards -----------------------------------------------------------------------------


class LeaderboardQuery(QueryParameters):
    """Which board: one quiz's or, without ``quiz``, the overall one."""

    quiz: str | None = Field(default=None, description="A quiz id; leave out for overall.")
    period: Period = "all"
    limit: int = Field(default=10, ge=1, le=100)


class StandingPublic(FromDomain):
    """A row of a leaderboard."""

    rank: int
    nickname: str
    score: int
    finished_at: dt.datetime


class Leaderboard(BaseModel):
    """The top of a board and, when a token is sent, the player's own row.

    First attempts only: each player's first attempt at a quiz is the one the boards show;
    replays are practice, and voided attempts and hidden players are left out.
    """

    quiz: str | None
    period: Period
    entries: list[StandingPublic]
    me: StandingPublic | None = Field(
        description="The token's player's row; null without a token or when not on the board."
    )
    total: int = Field(description="How many players are on the board.")


# --- Errors -----------------------------------------------------------------------------------


class FieldProblem(BaseModel):
    """What is wrong with one field of the request."""

    field: str
    message: str


class ErrorDetail(BaseModel):
    """What went wrong, for a program (code) and for a person (message)."""

    code: str = Field(examples=["invalid", "unauthorized", "not_found", "conflict"])
    message: str
    suggestion: str | None = Field(
        default=None, description="A free nickname, when the one asked for is taken."
    )
    fields: list[FieldProblem] | None = Field(
        default=None, description="Each invalid field, when the input failed validation."
    )


class ErrorResponse(BaseModel):
    """Every error: the status says its class, the body what to fix."""

    error: ErrorDetail
