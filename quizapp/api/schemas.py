"""The API's request and response bodies (STYLE.md 6 naming).

These pydantic models validate every request body and query string, shape every response,
and are what spectree turns into the OpenAPI document: one set of classes, so the document
cannot drift from what the server accepts.
"""

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from quizapp.game.play import MAX_ANSWER_LENGTH, NICKNAME_MAX, NICKNAME_MIN

Period = Literal["all", "week"]  # quizapp.game.ranking.PERIODS; a test keeps the two in step


class RequestBody(BaseModel):
    """A JSON request body: exact JSON types ("answer": 5 is refused, not turned into "5")
    and no unknown fields, so a misspelt field is an error rather than silently ignored."""

    model_config = ConfigDict(strict=True, extra="forbid")


class QueryParameters(BaseModel):
    """A query string: values arrive as text and are converted; unknown parameters (cache
    busters such as ``_=1700000000``) are ignored."""

    model_config = ConfigDict(extra="ignore")


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


class QuizPublic(BaseModel):
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


class AttemptCreated(BaseModel):
    """A new run through a quiz."""

    attempt_id: int
    quiz_id: str
    question_count: int


class QuestionPublic(BaseModel):
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


class Source(BaseModel):
    """Where the answer comes from: the article and the sentence that proves it."""

    article: str
    sentence: str


class AnswerResult(BaseModel):
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


class AnsweredQuestion(BaseModel):
    """One answered question of an attempt, for a review of the results."""

    position: int
    prompt: str
    style: str
    given: str | None
    correct: bool
    late: bool
    points: int
    correct_answer: str
    source: Source


class AttemptPublic(BaseModel):
    """An attempt's outcome so far; rank is on the quiz's all-time board once finished."""

    id: int
    quiz_id: str
    quiz_title: str
    score: int
    correct: int
    count: int
    finished: bool
    rank: int | None
    players: int = Field(description="How many players are on the quiz's all-time board.")
    seconds: float | None = Field(description="From start to finish, once finished.")
    answers: list[AnsweredQuestion]


# --- Leaderboards -----------------------------------------------------------------------------


class LeaderboardQuery(QueryParameters):
    """Which board: one quiz's or, without ``quiz``, the overall one."""

    quiz: str | None = Field(default=None, description="A quiz id; leave out for overall.")
    period: Period = "all"
    limit: int = Field(default=10, ge=1, le=100)


class StandingPublic(BaseModel):
    """A row of a leaderboard."""

    rank: int
    nickname: str
    score: int
    finished_at: dt.datetime


class Leaderboard(BaseModel):
    """The top of a board and, when a token is sent, the player's own row."""

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
