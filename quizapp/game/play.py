"""Playing a quiz: players, attempts, serving questions and taking answers. No Flask.

The server is the only judge: it stamps when a question is first served and when its answer
arrives, grades the answer, scores it (quizapp.game.scoring) and never sends the right answer
before the player has answered. Every failure is a `PlayError` with a code and a message a
client can show; the web and API layers map codes to HTTP statuses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
import secrets
import threading
import unicodedata
import weakref
from dataclasses import dataclass, field
from typing import TypedDict, Unpack

from sqlalchemy import Engine, Table, bindparam, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from quizapp.bank.names import bank_names
from quizapp.core.text import control_characters, lookalike_key
from quizapp.game import ranking
from quizapp.game.grading import MAX_ANSWER_LENGTH, Grade, NotOnOffer, grade_answer
from quizapp.game.scoring import AnswerScore, score_answer
from quizapp.models import Attempt, AttemptAnswer, Player, Quiz, QuizItem, row_id
from quizapp.models import utcnow as utcnow  # the game's clock: quizapp.limits stamps by it too

NICKNAME_MIN, NICKNAME_MAX = 2, 24


class PlayErrorDetails(TypedDict, total=False):
    """What a refusal may add to its message."""

    suggestion: str  # a free nickname, when the one asked for is taken or not allowed


class PlayError(Exception):
    """A request the game refuses; ``code`` says which kind, ``message`` says what to fix."""

    code = "invalid"

    def __init__(self, message: str, **details: Unpack[PlayErrorDetails]):
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidInput(PlayError):
    """The input is malformed or not allowed (HTTP 400)."""

    code = "invalid"


class NotFound(PlayError):
    """No such quiz, attempt or question (HTTP 404)."""

    code = "not_found"


class Forbidden(PlayError):
    """It exists but belongs to another player (HTTP 403)."""

    code = "forbidden"


class Conflict(PlayError):
    """It clashes with the current state: a taken name, an answered question (HTTP 409)."""

    code = "conflict"


# --- Players ----------------------------------------------------------------------------------

_NICKNAME_CHARS = re.compile(r"^[\w .\-]+$")


def clean_nickname(raw: object) -> str:
    """Return the nickname as it will be shown, or raise InvalidInput saying what to fix.

    2-24 characters: letters (any alphabet), digits, spaces and . _ -; spaces at the ends are
    dropped and runs of spaces become one.
    """
    if not isinstance(raw, str):
        raise InvalidInput("nickname must be a text")
    nickname = " ".join(unicodedata.normalize("NFC", raw).split())
    if not NICKNAME_MIN <= len(nickname) <= NICKNAME_MAX:
        raise InvalidInput(
            f"nickname must be {NICKNAME_MIN} to {NICKNAME_MAX} characters long "
            f"(it is {len(nickname)})"
        )
    if not _NICKNAME_CHARS.match(nickname):
        bad = sorted({ch for ch in nickname if not (ch.isalnum() or ch in " ._-")})
        raise InvalidInput(
            "nickname may hold only letters, digits, spaces and . _ - "
            f"(not {' '.join(repr(ch) for ch in bad)})",
            suggestion=_fallback_nickname(nickname),
        )
    folded = nickname.casefold()
    if len(folded) > NICKNAME_MAX:
        # Ignoring case can lengthen a name ("ß" is "ss"); the rule stays as players know it
        # from before nickname_key became a digest (quizapp.core.text.lookalike_key).
        raise InvalidInput(
            f"nickname must be at most {NICKNAME_MAX} characters long when compared ignoring "
            f"case (it is {len(folded)})"
        )
    return nickname


def _fallback_nickname(nickname: str) -> str:
    kept = "".join(ch for ch in nickname if ch.isalnum() or ch in " ._-").strip()
    return kept[:NICKNAME_MAX] if len(kept) >= NICKNAME_MIN else "player"


def refuse_control_characters(text: str, field: str, *, allowed: str = "") -> None:
    """Raise InvalidInput if ``text`` holds a control character that is not in ``allowed``.

    Nothing a player types needs one, and PostgreSQL cannot store NUL in a text column.
    """
    bad = control_characters(text, allowed)
    if bad:
        raise InvalidInput(
            f"{field} must not hold control characters (it holds {' '.join(map(repr, bad))})"
        )


def nickname_key(nickname: str) -> str:
    """The form nicknames are compared in: unique ignoring case and lookalike letters ("Tоp
    Player" with a Cyrillic о, or in fullwidth letters, is "Top Player"), so that nobody can
    pass for another row of a board (quizapp.core.text.lookalike_key, UTS #39)."""
    return lookalike_key(nickname)


def suggest_nickname(session: Session, nickname: str) -> str:
    """A free nickname close to ``nickname``: it with the smallest free number appended."""
    base = nickname[: NICKNAME_MAX - 3].rstrip()
    for number in range(2, 1000):
        candidate = f"{base}{number}"
        if (
            session.exec(
                select(Player.id).where(Player.nickname_key == nickname_key(candidate))
            ).first()
            is None
        ):
            return candidate
    return f"{base[: NICKNAME_MAX - 7]}{secrets.randbelow(10**6):06d}"


def _taken_message(session: Session, nickname: str) -> str:
    """Why ``nickname`` cannot be had: taken, or so like a taken one that it would pass for it."""
    holder = session.exec(
        select(Player.nickname).where(Player.nickname_key == nickname_key(nickname))
    ).first()
    if holder is None or holder.casefold() == nickname.casefold():
        return f"the nickname {nickname!r} is taken"
    return (
        f"the nickname {nickname!r} looks like {holder!r}, which is taken: letters that look "
        "alike (from other alphabets, fullwidth, 0 for O) count as the same"
    )


def hash_token(token: str) -> str:
    """What is stored of a token: its SHA-256, so a leaked database leaks no tokens."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_player(session: Session, raw_nickname: object) -> tuple[Player, str]:
    """Create a player; return it with its secret token (shown once, stored hashed).

    Raises InvalidInput for a bad nickname and Conflict, with a suggestion, for a taken one;
    two requests racing for one name give one owner (the unique index decides).
    """
    nickname = clean_nickname(raw_nickname)
    token = secrets.token_urlsafe(32)
    player = Player(
        nickname=nickname, nickname_key=nickname_key(nickname), token_hash=hash_token(token)
    )
    session.add(player)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(
            _taken_message(session, nickname), suggestion=suggest_nickname(session, nickname)
        ) from None
    session.refresh(player)
    return player, token


# Built once: every API request looks its player up by token.
_PLAYER_BY_TOKEN = select(Player).where(Player.token_hash == bindparam("token_hash"))


def player_for_token(session: Session, token: str | None) -> Player | None:
    """The player a token belongs to, or None."""
    if not token or len(token) > 200:
        return None
    return session.exec(_PLAYER_BY_TOKEN, params={"token_hash": hash_token(token)}).first()


# --- Attempts -----------------------------------------------------------------------------------


def get_quiz(session: Session, quiz_id: str) -> Quiz:
    """The published quiz, or NotFound: to players a draft does not exist."""
    # No id of ours holds a control character; PostgreSQL could not even compare one with NUL.
    usable = isinstance(quiz_id, str) and not any(unicodedata.category(c) == "Cc" for c in quiz_id)
    quiz = session.get(Quiz, quiz_id) if usable else None
    if quiz is None or quiz.status != "published":
        raise NotFound(f"there is no quiz {quiz_id!r}")
    return quiz


# An attempt closes once the quiz's whole time may have passed: every question's seconds plus
# this grace, for reading the feedback between questions (docs/game.md#ranked-play).
STALE_GRACE = dt.timedelta(minutes=2)


@dataclass(frozen=True)
class Opened:
    """The attempt a start gives: a new one, or the player's open one resumed."""

    attempt: Attempt
    resumed: bool


def open_attempt(
    session: Session, player: Player, quiz_id: str, *, now: dt.datetime | None = None
) -> Opened:
    """Resume the player's open attempt at the quiz, or start one; commits.

    A player has at most one open attempt per quiz and one ranked one, their first: two
    starts racing each other insert one row, the partial unique indexes ux_attempt_open and
    ux_attempt_ranked turn the other into an IntegrityError, and the loser resumes the winner.
    An open attempt past its time window is closed first (`close_if_stale`).
    """
    now = now or utcnow()
    quiz = get_quiz(session, quiz_id)
    player_id = row_id(player)
    open_one = _open_attempt(session, player_id, quiz_id)
    if open_one is not None and not close_if_stale(session, open_one, quiz, now=now):
        return Opened(open_one, resumed=True)
    has_ranked = session.exec(
        select(Attempt.id).where(
            Attempt.player_id == player_id, Attempt.quiz_id == quiz_id, col(Attempt.ranked)
        )
    ).first()
    attempt = Attempt(
        quiz_id=quiz_id,
        player_id=player_id,
        seed=secrets.randbits(31),
        started_at=now,
        ranked=has_ranked is None,
    )
    session.add(attempt)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        winner = _open_attempt(session, player_id, quiz_id)
        if winner is None:
            raise  # not a start that raced this one: the IntegrityError stands
        return Opened(winner, resumed=True)
    session.refresh(attempt)
    return Opened(attempt, resumed=False)


def start_attempt(session: Session, player: Player, quiz_id: str) -> Attempt:
    """The player's attempt at the quiz: their open one resumed, or a new one (`open_attempt`)."""
    return open_attempt(session, player, quiz_id).attempt


def _open_attempt(session: Session, player_id: int, quiz_id: str) -> Attempt | None:
    return session.exec(
        select(Attempt).where(
            Attempt.player_id == player_id,
            Attempt.quiz_id == quiz_id,
            col(Attempt.finished_at).is_(None),
        )
    ).first()


@dataclass(frozen=True)
class PlayStatus:
    """What starting the quiz would do for a player, for the quiz page's button."""

    open_attempt: Attempt | None  # resumed by a start
    practice: bool  # their ranked attempt is over: a new one is practice
    count: int  # the quiz's questions

    @property
    def resume_label(self) -> str | None:
        """'Resume: question 4 of 10' while an attempt is open."""
        if self.open_attempt is None:
            return None
        return f"Resume: question {self.open_attempt.position + 1} of {self.count}"


def play_status(
    session: Session, player: Player, quiz: Quiz, *, now: dt.datetime | None = None
) -> PlayStatus:
    """Whether the player has an open attempt at the quiz (closed first if stale) and whether
    a new one would be practice."""
    open_one = _open_attempt(session, row_id(player), quiz.id)
    if open_one is not None and close_if_stale(session, open_one, quiz, now=now):
        open_one = None
    played = (
        session.exec(
            select(Attempt.id).where(
                Attempt.player_id == player.id, Attempt.quiz_id == quiz.id, col(Attempt.ranked)
            )
        ).first()
        is not None
    )
    return PlayStatus(open_one, played and open_one is None, quiz.question_count)


def resumable_positions(
    session: Session, player: Player, *, now: dt.datetime | None = None
) -> dict[str, int]:
    """The quizzes a start would resume for the player (open, not past their deadline), each
    with the open attempt's current position, for the home page's "Resume" buttons. Reads
    only: a stale one is closed by the start, which then begins afresh."""
    now = now or utcnow()
    rows = session.exec(
        select(Attempt, Quiz)
        .join(Quiz, col(Quiz.id) == Attempt.quiz_id)
        .where(Attempt.player_id == player.id, col(Attempt.finished_at).is_(None))
    ).all()
    return {a.quiz_id: a.position for a, quiz in rows if now <= attempt_deadline(a, quiz)}


def attempt_deadline(attempt: Attempt, quiz: Quiz) -> dt.datetime:
    """When an open attempt closes: once nothing happened in it for the quiz's whole time
    window (every question's time) plus STALE_GRACE, counted from its last answer, or from its
    start before any answer. Idle, not total, time: a player who reads every feedback page
    slowly is still playing, while an abandoned attempt closes as surely."""
    window = dt.timedelta(seconds=quiz.question_count * quiz.seconds_per_question)
    since = attempt.active_at or attempt.started_at
    if since.utcoffset() is None:
        since = since.replace(tzinfo=dt.UTC)  # SQLite gives naive UTC
    return since + window + STALE_GRACE


def close_if_stale(
    session: Session, attempt: Attempt, quiz: Quiz, *, now: dt.datetime | None = None
) -> bool:
    """Close the attempt if it is open past its deadline; True if it is closed now.

    Scored as it stands (unanswered questions score nothing), finished at its deadline, marked
    expired; a ranked one enters the boards as it stands. The UPDATE only closes a row still
    open, and the answer path only moves an open one, so a racing answer and this close never
    both win. Commits when it closes.
    """
    now = now or utcnow()
    if attempt.finished_at is not None or now <= attempt_deadline(attempt, quiz):
        return False
    return _close(session, attempt, attempt_deadline(attempt, quiz))


def _close(session: Session, attempt: Attempt, finished_at: dt.datetime) -> bool:
    try:
        closed = session.exec(
            update(Attempt)
            .where(col(Attempt.id) == attempt.id, col(Attempt.finished_at).is_(None))
            .values(finished_at=finished_at, expired=True)
            .returning(*_PROGRESS)
        ).first()
        if closed is None:
            session.rollback()
            session.refresh(attempt)
            return attempt.finished_at is not None
        for name, value in zip(_PROGRESS_FIELDS, closed, strict=True):
            set_committed_value(attempt, name, value)
        set_committed_value(attempt, "expired", True)
        ranking.record_finish(session, attempt=attempt)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return True


def close_stale_attempts(session: Session, *, now: dt.datetime | None = None) -> int:
    """Close every open attempt past its deadline (`close_if_stale`); returns how many.

    For `quizapp close-stale-attempts`, which an operator may run from cron: players' own
    visits close their attempts too, this catches the abandoned ones. One commit per attempt.
    """
    now = now or utcnow()
    rows = session.exec(
        select(Attempt, Quiz)
        .join(Quiz, col(Quiz.id) == Attempt.quiz_id)
        .where(col(Attempt.finished_at).is_(None))
        .order_by(col(Attempt.id))
    ).all()
    return sum(close_if_stale(session, attempt, quiz, now=now) for attempt, quiz in rows)


def get_attempt(session: Session, attempt_id: object, player: Player) -> Attempt:
    """The player's attempt; NotFound if there is none, Forbidden if it is someone else's."""
    attempt = session.get(Attempt, attempt_id) if isinstance(attempt_id, int) else None
    if attempt is None:
        raise NotFound(f"there is no attempt {attempt_id!r}")
    if attempt.player_id != player.id:
        raise Forbidden("this attempt belongs to another player")
    return attempt


@dataclass(frozen=True)
class ServedQuestion:
    """A question as the player sees it: never its answer."""

    id: str
    position: int  # 0-based
    count: int
    prompt: str
    style: str
    choices: list[str]
    seconds: int
    remaining: float  # seconds left, by the server's clock
    served_at: dt.datetime


# A published quiz that has been played never changes (quizapp.game.quizzes.build_quizzes keeps
# played quizzes as they are), so its questions are read once per process and database, on the
# hot path of serving and answering. Keyed by the engine, and gone with it.
_FROZEN_ITEMS: weakref.WeakKeyDictionary[Engine, dict[tuple[str, int], QuizItem]] = (
    weakref.WeakKeyDictionary()
)
_FROZEN_LOCK = threading.Lock()


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


_FROZEN_QUIZZES: weakref.WeakKeyDictionary[Engine, dict[str, Quiz]] = weakref.WeakKeyDictionary()


def played_quiz(session: Session, quiz_id: str) -> Quiz:
    """`get_quiz` for a quiz that is being played: a copy kept for the process (its settings
    and count are frozen once played, and a published quiz is never unpublished)."""
    engine = _engine(session)
    with _FROZEN_LOCK:
        found = _FROZEN_QUIZZES.get(engine, {}).get(quiz_id)
    if found is not None:
        return found
    copy = Quiz.model_validate(get_quiz(session, quiz_id).model_dump())
    with _FROZEN_LOCK:
        _FROZEN_QUIZZES.setdefault(engine, {})[quiz_id] = copy
    return copy


def frozen_item(session: Session, quiz_id: str, position: int) -> QuizItem:
    """The quiz's question at ``position``: a copy kept for the process, never in a session.

    Only for a quiz that is being played (an attempt at it exists): its questions are frozen.
    NotFound if the quiz has no such question.
    """
    engine = _engine(session)
    with _FROZEN_LOCK:
        found = _FROZEN_ITEMS.get(engine, {}).get((quiz_id, position))
    if found is not None:
        return found
    stored = session.get(QuizItem, (quiz_id, position))
    if stored is None:
        raise NotFound(f"the quiz {quiz_id!r} has no question {position + 1}")
    copy = QuizItem.model_validate(stored.model_dump())
    with _FROZEN_LOCK:
        _FROZEN_ITEMS.setdefault(engine, {})[(quiz_id, position)] = copy
    return copy


_ANSWERS: Table = AttemptAnswer.metadata.tables[str(AttemptAnswer.__tablename__)]
_ATTEMPTS: Table = Attempt.metadata.tables[str(Attempt.__tablename__)]
# What answering changes on the attempt, read back by the UPDATE itself.
_PROGRESS_FIELDS = ("position", "score", "correct", "streak", "finished_at")
_PROGRESS = tuple(getattr(Attempt, name) for name in _PROGRESS_FIELDS)
# The hot path's statements, built once: SQLAlchemy's compiled cache then serves them without
# building and coercing them again on every request.
_SERVE = select(_ANSWERS.c.served_at, _ANSWERS.c.answered_at).where(
    _ANSWERS.c.attempt_id == bindparam("attempt_id"),
    _ANSWERS.c.position == bindparam("position"),
)
_TAKE = (
    update(_ANSWERS)
    .where(
        _ANSWERS.c.attempt_id == bindparam("at_attempt"),
        _ANSWERS.c.position == bindparam("at_position"),
        _ANSWERS.c.answered_at.is_(None),
    )
    .values(
        answered_at=bindparam("now", type_=_ANSWERS.c.answered_at.type),
        given=bindparam("new_given"),
        correct=bindparam("new_correct"),
        late=bindparam("new_late"),
        points=bindparam("new_points"),
        elapsed_ms=bindparam("new_elapsed_ms"),
    )
)
_MOVE = (
    update(_ATTEMPTS)
    .where(
        _ATTEMPTS.c.id == bindparam("at_attempt"),
        _ATTEMPTS.c.position == bindparam("at_position"),
        _ATTEMPTS.c.finished_at.is_(None),  # not closed as stale meanwhile
    )
    .values(
        position=_ATTEMPTS.c.position + 1,
        score=_ATTEMPTS.c.score + bindparam("gain", type_=_ATTEMPTS.c.score.type),
        correct=_ATTEMPTS.c.correct + bindparam("right", type_=_ATTEMPTS.c.correct.type),
        streak=bindparam("new_streak"),
        finished_at=bindparam("new_finished_at", type_=_ATTEMPTS.c.finished_at.type),
        active_at=bindparam("new_active_at", type_=_ATTEMPTS.c.active_at.type),
    )
    .returning(
        *(_ATTEMPTS.c[name] for name in ("position", "score", "correct", "streak", "finished_at"))
    )
)


def _serve(session: Session, attempt: Attempt) -> tuple[dt.datetime, dt.datetime | None] | None:
    """The current question's serve: when it was first served and when it was answered (None
    if not yet); None if it was not served yet."""
    row = session.exec(
        _SERVE, params={"attempt_id": attempt.id, "position": attempt.position}
    ).first()
    return None if row is None else (row[0], row[1])


def _served_at(session: Session, attempt: Attempt) -> dt.datetime | None:
    """When the attempt's current question was first served, or None if it was not yet."""
    serve = _serve(session, attempt)
    return None if serve is None else serve[0]


def shuffled_choices(item: QuizItem, attempt: Attempt) -> list[str]:
    """The choices in this attempt's own order (true/false keeps its natural order)."""
    if item.style != "multiple_choice":
        return list(item.choices)
    choices = list(item.choices)
    random.Random(f"{attempt.seed}:{item.position}").shuffle(choices)
    return choices


def current_question(
    session: Session, attempt: Attempt, *, now: dt.datetime | None = None
) -> ServedQuestion | None:
    """Serve the attempt's current question, or None once it is finished.

    The first serve is stamped; serving it again returns the same deadline.
    """
    now = now or utcnow()
    quiz = played_quiz(session, attempt.quiz_id)
    if close_if_stale(session, attempt, quiz, now=now):
        return None
    if attempt.finished_at is not None or attempt.position >= quiz.question_count:
        return None
    item = frozen_item(session, attempt.quiz_id, attempt.position)
    served_at = _served_at(session, attempt)
    if served_at is None:
        served = AttemptAnswer(
            attempt_id=row_id(attempt),
            position=attempt.position,
            question_id=item.question_id,
            served_at=now,
        )
        session.add(served)
        try:
            session.commit()
        except IntegrityError:
            # Another request served it a moment ago: its stamp stands.
            session.rollback()
            served_at = _served_at(session, attempt)
            if served_at is None:
                raise  # not a serve that raced this one: the IntegrityError stands
        else:
            served_at = now
    elapsed = (now - served_at).total_seconds()
    return ServedQuestion(
        id=item.question_id,
        position=item.position,
        count=quiz.question_count,
        prompt=item.prompt,
        style=item.style,
        choices=shuffled_choices(item, attempt),
        seconds=quiz.seconds_per_question,
        remaining=max(0.0, quiz.seconds_per_question - elapsed),
        served_at=served_at,
    )


@dataclass(frozen=True)
class AnswerOutcome:
    """What the player learns after answering."""

    correct: bool
    points: int
    score: int  # the attempt's total so far
    streak: int
    late: bool
    correct_answer: str
    explanation: str | None
    article_title: str
    evidence: str
    message: str
    given: str
    finished: bool
    position: int
    count: int


@dataclass(frozen=True)
class _Judged:
    """An answer judged: its grade, its score and how long the player took."""

    grade: Grade
    score: AnswerScore
    elapsed: float  # seconds from the first serve to the answer, by the server's clock

    @property
    def correct(self) -> bool:
        """Right and in time: what counts, on the board and in the outcome."""
        return self.grade.correct and not self.score.late

    @property
    def message(self) -> str:
        return "Too late: the time was up." if self.score.late else self.grade.message


def answer_question(
    session: Session,
    attempt: Attempt,
    *,
    question_id: object,
    answer: object,
    now: dt.datetime | None = None,
) -> AnswerOutcome:
    """Take the answer to the attempt's current question, score it and move on.

    Refuses (Conflict) an answer to any question but the current, served one, and a second
    answer to a question, even one racing the first: the conditional updates of
    `_record_once` let exactly one through. An empty answer counts as skipped. Late answers
    are kept and score 0.
    """
    now = now or utcnow()
    question_id, answer = _check_answer_input(question_id, answer)
    quiz = played_quiz(session, attempt.quiz_id)
    position = attempt.position
    item, served_at = _answerable_question(session, attempt, question_id)
    judged = _judge(
        item, answer, quiz=quiz, attempt=attempt, served_at=served_at, now=now, session=session
    )
    finished = position + 1 >= quiz.question_count
    _record_once(session, attempt, position, answer, judged, now=now, finished=finished)
    return _outcome(item, quiz, attempt, answer, judged, position=position, finished=finished)


def _check_answer_input(question_id: object, answer: object) -> tuple[str, str]:
    """Both as texts; InvalidInput unless they are, the answer short and free of control
    characters."""
    if not isinstance(question_id, str):
        raise InvalidInput("question_id must be a text")
    if not isinstance(answer, str):
        raise InvalidInput("answer must be a text")
    if len(answer) > MAX_ANSWER_LENGTH:
        raise InvalidInput(f"answer must be at most {MAX_ANSWER_LENGTH} characters")
    refuse_control_characters(answer, "answer")
    return question_id, answer


def _answerable_question(
    session: Session, attempt: Attempt, question_id: str
) -> tuple[QuizItem, dt.datetime]:
    """The attempt's current question and its serve, if ``question_id`` may be answered now.

    Conflict for a finished attempt, another question than the current one, a question not
    fetched yet, or one already answered (as far as this read can tell: `_record_once` makes
    sure under races).
    """
    if attempt.finished_at is not None:
        raise Conflict("this attempt is finished")
    item = frozen_item(session, attempt.quiz_id, attempt.position)
    if question_id != item.question_id:
        raise Conflict("that is not the current question of this attempt")
    serve = _serve(session, attempt)
    if serve is None:
        raise Conflict("fetch the question before answering it")
    served_at, answered_at = serve
    if answered_at is not None:
        raise Conflict("this question is already answered")
    return item, served_at


def _judge(
    item: QuizItem,
    answer: str,
    *,
    quiz: Quiz,
    attempt: Attempt,
    served_at: dt.datetime,
    now: dt.datetime,
    session: Session,
) -> _Judged:
    """Grade the answer (quizapp.game.grading) and score it against the server's clock.

    A typed answer right only thanks to a typo or a qualifier is checked against the bank's
    names, read only then. InvalidInput for an answer the question does not offer.
    """
    try:
        grade = grade_answer(
            item.style,
            item.accepted,
            answer,
            choices=item.choices,
            names=lambda: bank_names(session, item.accepted, answer),
        )
    except NotOnOffer as error:
        raise InvalidInput(str(error)) from None
    elapsed = (now - served_at).total_seconds()
    score = score_answer(
        correct=grade.correct,
        elapsed=elapsed,
        limit=quiz.seconds_per_question,
        streak_before=attempt.streak,
        mode=quiz.scoring_mode,
    )
    return _Judged(grade, score, elapsed)


def _record_once(
    session: Session,
    attempt: Attempt,
    position: int,
    answer: str,
    judged: _Judged,
    *,
    now: dt.datetime,
    finished: bool,
) -> None:
    """Store the answer and move the attempt on, exactly once; commits.

    Two conditional UPDATEs: the answer row only while it has no answer, the attempt only
    while it is still at ``position``. A request that loses a race to another answer
    changes neither and gets Conflict; everything is rolled back on any failure. The
    attempt's new values are those the database returned. The last answer enters the
    attempt on the boards.
    """
    try:
        where = {"at_attempt": attempt.id, "at_position": position}
        taken = session.exec(
            _TAKE,
            params={
                **where,
                "now": now,
                "new_given": answer,
                "new_correct": judged.correct,
                "new_late": judged.score.late,
                "new_points": judged.score.points,
                "new_elapsed_ms": round(judged.elapsed * 1000),
            },
        ).rowcount
        moved = session.exec(
            _MOVE,
            params={
                **where,
                "gain": judged.score.points,
                "right": 1 if judged.correct else 0,
                "new_streak": judged.score.streak,
                "new_finished_at": now if finished else None,
                "new_active_at": now,
            },
        ).first()
        if taken != 1 or moved is None:
            raise Conflict("this question is already answered")
        for name, value in zip(_PROGRESS_FIELDS, moved, strict=True):
            # The database's values, as if read back, without another SELECT.
            set_committed_value(attempt, name, value)
        set_committed_value(attempt, "active_at", now)
        if finished:
            ranking.record_finish(session, attempt=attempt)
        session.commit()
    except BaseException:
        session.rollback()
        raise


def _outcome(
    item: QuizItem,
    quiz: Quiz,
    attempt: Attempt,
    answer: str,
    judged: _Judged,
    *,
    position: int,
    finished: bool,
) -> AnswerOutcome:
    """What the player learns: the grade, the points, the right answer and its source."""
    return AnswerOutcome(
        correct=judged.correct,
        points=judged.score.points,
        score=attempt.score,
        streak=judged.score.streak,
        late=judged.score.late,
        correct_answer=item.solution if item.style != "true_false" else item.answer[0],
        explanation=item.explanation,
        article_title=item.article_title,
        evidence=item.evidence,
        message=judged.message,
        given=answer,
        finished=finished,
        position=position,
        count=quiz.question_count,
    )


# --- Results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewItem:
    """One answered question, for the results page."""

    position: int
    prompt: str
    style: str
    given: str | None
    correct: bool
    late: bool
    timed_out: bool  # ran_out_of_time: "Time's up", as the feedback page said
    points: int
    correct_answer: str
    solution: str
    article_title: str
    evidence: str


@dataclass(frozen=True)
class AttemptSummary:
    """An attempt's outcome: its total, its rank and every answer with its source."""

    attempt_id: int
    quiz_id: str
    quiz_title: str
    score: int
    correct: int
    count: int
    finished: bool
    seconds: float | None
    rank: int | None
    players: int
    review: list[ReviewItem] = field(default_factory=list)
    ranked: bool = True  # the player's first attempt at the quiz; later ones are practice
    expired: bool = False  # closed by the server when its time window ran out
    voided: bool = False  # taken off the boards by an editor

    @property
    def board(self) -> str:
        """ "ranked" (on the boards), "practice" (never on a board) or "voided" (taken off)."""
        if self.voided:
            return "voided"
        return "ranked" if self.ranked else "practice"


# An empty answer sent this close to the time limit was sent by the page's countdown: it is
# "Time's up", as a late answer is without JavaScript, not an ordinary skip. The countdown
# starts when the page has loaded, after the server stamped the serve, so the server always
# measures at least the limit, give or take the page's rounding to a tenth of a second.
COUNTDOWN_SLACK_MS = 1000


def ran_out_of_time(answer: AttemptAnswer, quiz: Quiz) -> bool:
    """Whether the answer is "Time's up": late, or empty when the countdown ran out. One rule
    for the feedback page and the results' review."""
    return answer.late or (
        not (answer.given or "").strip()
        and (answer.elapsed_ms or 0) >= quiz.seconds_per_question * 1000 - COUNTDOWN_SLACK_MS
    )


def summarize_attempt(session: Session, attempt: Attempt) -> AttemptSummary:
    """The attempt's score, rank on the quiz's all-time board and answer review.

    Only a ranked attempt has a rank; an open attempt past its time window is closed first.
    """
    quiz = get_quiz(session, attempt.quiz_id)
    close_if_stale(session, attempt, quiz)
    items = {
        i.position: i for i in session.exec(select(QuizItem).where(QuizItem.quiz_id == quiz.id))
    }
    answers = session.exec(
        select(AttemptAnswer)
        .where(AttemptAnswer.attempt_id == attempt.id, col(AttemptAnswer.answered_at).is_not(None))
        .order_by(col(AttemptAnswer.position))
    ).all()
    review = [
        ReviewItem(
            position=a.position,
            prompt=items[a.position].prompt,
            style=items[a.position].style,
            given=a.given,
            correct=a.correct,
            late=a.late,
            timed_out=ran_out_of_time(a, quiz),
            points=a.points,
            correct_answer=(
                items[a.position].solution
                if items[a.position].style != "true_false"
                else items[a.position].answer[0]
            ),
            solution=items[a.position].solution,
            article_title=items[a.position].article_title,
            evidence=items[a.position].evidence,
        )
        for a in answers
    ]
    rank, players = None, 0
    if attempt.finished_at is not None:
        standings = ranking.get_quiz_standings(
            session, quiz_id=quiz.id, period="all", limit=0, player_id=attempt.player_id
        )
        on_board = attempt.ranked and attempt.voided_at is None
        rank = standings.me.rank if standings.me and on_board else None
        players = standings.total
    seconds = (
        (attempt.finished_at - attempt.started_at).total_seconds() if attempt.finished_at else None
    )
    return AttemptSummary(
        attempt_id=row_id(attempt),
        quiz_id=quiz.id,
        quiz_title=quiz.title,
        score=attempt.score,
        correct=attempt.correct,
        count=quiz.question_count,
        finished=attempt.finished_at is not None,
        seconds=seconds,
        rank=rank,
        players=players,
        review=review,
        ranked=attempt.ranked,
        expired=attempt.expired,
        voided=attempt.voided_at is not None,
    )
