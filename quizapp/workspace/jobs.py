"""Work on the bank done in the background, with its progress on the row. No Flask.

A save that would hold its request for seconds queues the rest in its own transaction
(``bank_job``, quizapp.workspace.edits): publishing a template of a big kind (every fact
checked, every question made), or refreshing the wrong answers of the questions that draw from
a pool a correction changed. Whatever a player can see stays right meanwhile: a queued publish
has made no question yet, and a pool's other questions keep wrong answers that are still wrong
(their facts did not change), merely not the ones a rebuild would draw now. Once every job is
done, the questions are exactly what a full rebuild makes (tests/test_bank_jobs.py).

One process at a time runs them: each process of the app has a ``Worker`` thread (quizapp.web
starts it), and only the one holding the database's jobs lock (``Leadership``: a PostgreSQL
advisory lock held by a connection of its own, or a lock on a file beside the SQLite file)
takes jobs; the others wait to take over. So one process, not every worker, holds the
generator's context for them. The lock goes with its process: a new runner puts back in the
queue the jobs its predecessor left running, and they are done again from the start (each step
is whole, so doing one twice changes nothing). On PostgreSQL the lock also goes with its
connection, which the server may end (a restart, an operator): the runner sees that at its next
poll and competes for the lock again; a database that is away is a one-line warning in the log
and a retry at the next poll, not a traceback, and a job it cut short is queued again then.
``claim`` takes a job with a conditional update all the same, so that `quizapp run-jobs` and
tests may call ``run_next`` directly.

A job's progress is written by a thread of its own (``_Progress``): the work may hold the
generator context's lock (quizapp.questions.live), under which nothing may wait for the
database's write lock, since a save holds that lock while it waits for the context.

- publish: the draft is tried on every fact of its kind, outside the bank's write lock (saves
  served by the runner's own process wait for that check: about 4 s at 100,000 facts); then
  it is published in one transaction with the questions made (``edits.save_template(now=True,
  checked=...)``), or, if the preview found errors or the template changed since, the job
  fails saying why and nothing is published. A rebuild of the quizzes is queued after it.
- quizzes: the unplayed quizzes rebuilt (``QuizBuilder``: the app's settings), after a
  publish or any change to published questions of a big bank (``rebuild_quizzes_soon``):
  at 10,000 facts that alone takes seconds.
- refresh: the questions of a kind's role are made again in steps of STEP, each in its own
  short transaction under the bank's write lock, so editors' saves go on between steps.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, Engine, func, text, update
from sqlmodel import Session, col, select

from quizapp.bank.files import TemplateIn
from quizapp.core.database import OUTAGE_ERRORS, outage_cause
from quizapp.game.feedback import calibrate_questions
from quizapp.game.quizzes import Progress, build_quizzes
from quizapp.models import BankJob, Change, Question, utcnow
from quizapp.questions import live
from quizapp.questions.generation import store_pairs
from quizapp.questions.preview import TemplateDraft, preview_template
from quizapp.workspace import edits

log = logging.getLogger(__name__)

STEP = 1_000  # questions made again per transaction of a refresh
PROGRESS_EVERY = 0.5  # seconds between two writes of a running job's progress
TAKE_OVER_EVERY = 5.0  # seconds between a waiting process's tries to become the runner
_JOBS_LOCK = 0x51_7A_B4_4A  # PostgreSQL advisory lock key of the jobs' runner ("QzBJ")

QUIZZES_NOW_QUESTIONS = 5_000  # past this many questions, quizzes are rebuilt in the background

# Rebuilds the unplayed quizzes and says what it did (the app's own settings: quizapp.web),
# telling its progress (scopes planned, of how many) to the callback if one is given.
QuizBuilder = Callable[[Session, Progress | None], str]


def default_quizzes(session: Session, on_progress: Progress | None = None) -> str:
    """The unplayed quizzes rebuilt with the default settings (no app to read them from)."""
    return build_quizzes(session, today=utcnow().date(), on_progress=on_progress).line()


def get(session: Session, job_id: int) -> BankJob | None:
    return session.get(BankJob, job_id)


def latest(session: Session, action: str, subject_id: str) -> BankJob | None:
    """The newest job of ``action`` on ``subject_id`` (a template's id for a publish)."""
    query = (
        select(BankJob)
        .where(col(BankJob.action) == action, col(BankJob.subject_id) == subject_id)
        .order_by(col(BankJob.id).desc())
        .limit(1)
    )
    return session.exec(query).first()


def pending_publish(session: Session, template_id: str) -> BankJob | None:
    """The publish of a new version of the template that waits, runs, or failed with nothing
    saved to the template since (its text is then only in the job: the page shows it)."""
    job = latest(session, "publish", template_id)
    if job is None or job.state == "done":
        return None
    if job.state == "failed":
        later = session.exec(
            select(Change.id)
            .where(
                col(Change.subject) == "template",
                col(Change.subject_id) == template_id,
                col(Change.id) > job.payload.get("change", 0),
                col(Change.action) != "review",
            )
            .limit(1)
        ).first()
        if later is not None:
            return None
    return job


def describe(job: BankJob) -> str:
    """What the job does, for the editor: "Publishing template x", ..."""
    if job.action == "publish":
        return f"Publishing template {job.subject_id}"
    if job.action == "quizzes":
        return "Rebuilding the unplayed quizzes"
    kind, _, role = job.subject_id.partition(":")
    return f"Refreshing the wrong answers of {kind} questions about the {role}"


def claim(session: Session) -> BankJob | None:
    """Take the oldest waiting job, or None."""
    candidates = session.exec(
        select(BankJob.id).where(col(BankJob.state) == "queued").order_by(col(BankJob.id)).limit(5)
    ).all()
    for job_id in candidates:
        # Taken only if nobody took it since it was read: the update's condition says so.
        taken = session.exec(
            update(BankJob)
            .where(col(BankJob.id) == job_id, col(BankJob.state) == "queued")
            .values(state="running", started_at=utcnow(), done=0)
        )
        session.commit()
        if taken.rowcount == 1:
            found = session.get(BankJob, job_id)
            if found is not None:
                session.refresh(found)
                return found
    return None


def run_next(session: Session, *, seed: int, quizzes: QuizBuilder | None = None) -> BankJob | None:
    """Claim and run one job; None when none is waiting."""
    job = claim(session)
    if job is not None:
        run(session, job, seed=seed, quizzes=quizzes)
    return job


def drain(session: Session, *, seed: int, quizzes: QuizBuilder | None = None) -> int:
    """Run every waiting job, one after the other; how many ran."""
    ran = 0
    while run_next(session, seed=seed, quizzes=quizzes) is not None:
        ran += 1
    return ran


def requeue_orphans(session: Session) -> int:
    """Put back in the queue the jobs a runner that is gone left running; how many."""
    result = session.exec(
        update(BankJob)
        .where(col(BankJob.state) == "running")
        .values(state="queued", started_at=None, done=0, total=0)
    )
    session.commit()
    return result.rowcount or 0


def run(session: Session, job: BankJob, *, seed: int, quizzes: QuizBuilder | None = None) -> None:
    """Run a claimed job to its end: done, or failed with the reason on the row."""
    progress = _Progress(session.get_bind(), job)
    progress.start()
    try:
        if job.action == "publish":
            message = _publish(session, job, seed, progress)
            # Its own job: the publish is done, and other work may come first.
            rebuild_quizzes_soon(session, editor_id=job.editor_id, quizzes=quizzes, now=False)
        elif job.action == "quizzes":
            # Calibrated and committed first: on SQLite the rebuild's transaction would
            # otherwise hold the write lock while it plans, and no progress could be written.
            calibrate_questions(session)
            message = (quizzes or default_quizzes)(session, progress.tell)
        elif job.action == "refresh":
            message = _refresh(session, job, seed, progress)
        else:
            raise ValueError(f"unknown job action {job.action!r}")
    except edits.EditError as error:
        session.rollback()
        progress.stop()
        _end(session, job, "failed", "; ".join(p.message for p in error.problems))
    except OUTAGE_ERRORS:
        # Not the job's fault: it stays running until its runner queues it again (the
        # worker, at its first poll that reaches the database; or the next runner).
        session.rollback()
        progress.stop()
        raise
    except Exception:
        session.rollback()
        progress.stop()
        log.exception("bank job %s failed", job.id)
        _end(session, job, "failed", "failed unexpectedly; the server's log says why")
    else:
        progress.stop()
        job.total = progress.total
        _end(session, job, "done", message)


def rebuild_quizzes_soon(
    session: Session,
    *,
    editor_id: int | None,
    quizzes: QuizBuilder | None = None,
    now: bool | None = None,
) -> BankJob | None:
    """Rebuild the unplayed quizzes after a change to published questions: at once for a bank
    of up to QUIZZES_NOW_QUESTIONS questions (or as ``now`` says), else queued (once: a
    rebuild still waiting covers this change too); the job, if queued. Commits."""
    if now is None:
        now = session.exec(select(func.count()).select_from(Question)).one() <= (
            QUIZZES_NOW_QUESTIONS
        )
    if now:
        (quizzes or default_quizzes)(session, None)
        session.commit()
        return None
    waiting = session.exec(
        select(BankJob).where(col(BankJob.action) == "quizzes", col(BankJob.state) == "queued")
    ).first()
    if waiting is not None:
        return waiting
    job = BankJob(action="quizzes", subject_id="*", payload={}, editor_id=editor_id)
    session.add(job)
    session.commit()
    return job


def _end(session: Session, job: BankJob, state: str, message: str) -> None:
    # Only while it is still this run's: a runner that took over may have queued it again.
    values: dict[str, object] = {"state": state, "message": message, "finished_at": utcnow()}
    if state == "done":  # a job shorter than a progress tick never had them written
        values["done"] = values["total"] = job.total
    session.exec(
        update(BankJob)
        .where(
            col(BankJob.id) == job.id,
            col(BankJob.state) == "running",
            col(BankJob.started_at) == job.started_at,
        )
        .values(**values)
    )
    session.commit()
    job.state, job.message = state, message


class _Progress:
    """A running job's progress (``done`` of ``total``), written every PROGRESS_EVERY seconds
    by a thread with a connection of its own, and read by the job's page."""

    def __init__(self, engine: Engine | Connection, job: BankJob) -> None:
        self.engine, self.job_id = engine, job.id
        self.done, self.total = 0, job.total
        self._written: tuple[int, int] | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="quizapp-job-progress")
        self._thread.daemon = True

    def start(self) -> None:
        self._thread.start()

    def tell(self, done: int, total: int) -> None:
        """The work's own count, for work that counts its steps (a `Progress` callback)."""
        self.done, self.total = done, total

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)

    def _loop(self) -> None:
        while not self._stop.wait(PROGRESS_EVERY):
            now = (self.done, self.total)
            if now == self._written:
                continue
            try:
                with Session(self.engine) as session:
                    session.exec(
                        update(BankJob)
                        .where(col(BankJob.id) == self.job_id, col(BankJob.state) == "running")
                        .values(done=now[0], total=now[1])
                    )
                    session.commit()
                self._written = now
            except Exception:  # the database busy or away: the next tick tries again
                log.debug("could not write the progress of job %s", self.job_id, exc_info=True)


def _publish(session: Session, job: BankJob, seed: int, progress: _Progress) -> str:
    template = TemplateIn.model_validate(job.payload["template"])
    draft = TemplateDraft(
        template.kind,
        template.style,
        template.prompt,
        template.answer,
        template.explanation,
        template.id,
        {role: tuple(types) for role, types in template.requires.items()},
    )
    # Every fact tried first, with no lock on the bank: other processes' editors save on.
    with live.context(session) as context:
        version = live.kept_version(session)
        progress.total = len(context.facts_by_kind.get(template.kind, {}))

        def tick(count: int) -> None:
            progress.done += count

        preview = preview_template(
            context.bank, draft, seed=seed, context=context, on_progress=tick
        )
    session.expire_all()  # what the publish reads, it reads as it is now
    saved = edits.save_template(
        session,
        editor_id=job.editor_id,
        kind=template.kind,
        style=template.style,
        prompt=template.prompt,
        answer_role=template.answer,
        explanation=template.explanation,
        status="published",
        template_id=template.id,
        requires=template.requires,
        seed=seed,
        now=True,
        checked=edits.Checked(version, preview),
        unchanged_since=job.payload["change"],
    )
    noun = "question" if saved.questions == 1 else "questions"
    return f"Published: makes {saved.questions} {noun}, shown to players once reviewed."


def _refresh(session: Session, job: BankJob, seed: int, progress: _Progress) -> str:
    kind, role = job.payload["kind"], job.payload["role"]
    with live.context(session) as context:
        pairs = sorted(context.pool_pairs([(kind, role)]))
    progress.total = len(pairs)
    for start in range(0, len(pairs), STEP):
        # The bank's write lock first, then the context: the order every save takes them in.
        # On SQLite the first write takes it (quizapp.db): the job's own row, as it is.
        edits.lock_bank(session)
        session.exec(update(BankJob).where(col(BankJob.id) == job.id).values(done=start))
        with live.context(session) as context:
            store_pairs(session, context, seed, pairs[start : start + STEP])
        session.commit()
        progress.done = min(start + STEP, len(pairs))
    noun = "question" if len(pairs) == 1 else "questions"
    return f"Made {len(pairs)} {noun} again with wrong answers drawn from the pool as it is now."


class Leadership:
    """The database's jobs lock: held by the one process that runs the jobs, until it ends.

    PostgreSQL: a session-level advisory lock on a connection kept for it. SQLite: an exclusive
    lock on the file ``<database file>.jobs-lock`` (one machine holds a SQLite file). Either
    goes when its process does, however it ends.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._connection: Connection | None = None
        self._file: IO[str] | None = None

    def acquire(self) -> bool:
        if self.engine.dialect.name == "postgresql":
            connection = self.engine.connect()
            got = connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": _JOBS_LOCK}
            ).scalar()
            connection.commit()  # the lock outlives the transaction; the connection keeps it
            if got:
                self._connection = connection
                return True
            connection.close()
            return False
        database = self.engine.url.database
        if not database or database == ":memory:":
            return True  # a database of this process alone
        handle = Path(database + ".jobs-lock").open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def held(self) -> bool:
        """Whether the lock is still this process's: on PostgreSQL it goes with its connection,
        which the server may end at any time (SQLite: a file lock lasts as long as its process)."""
        if self._connection is None:
            return self._file is not None or self.engine.dialect.name != "postgresql"
        try:
            self._connection.execute(text("SELECT 1"))
            self._connection.commit()
        except Exception:  # whatever ails the connection, the lock cannot be counted on
            return False
        return True

    def release(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": _JOBS_LOCK}
                )
                self._connection.commit()
            with contextlib.suppress(Exception):  # a connection the server ended
                self._connection.close()
            self._connection = None
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class Worker:
    """A daemon thread that becomes the runner of the database's jobs when no other process
    is, and then runs them as they come, one at a time."""

    def __init__(
        self,
        engine: Engine,
        *,
        seed: int,
        quizzes: QuizBuilder | None = None,
        poll: float = 1.0,
    ) -> None:
        self.engine, self.seed, self.quizzes, self.poll = engine, seed, quizzes, poll
        self.leadership = Leadership(engine)
        self.leading = False
        self._interrupted = False  # an outage may have cut a job short
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="quizapp-jobs", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 60.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        try:
            while not self._stop.is_set():
                if not self.leading and not self._take_over():
                    self._stop.wait(TAKE_OVER_EVERY)
                    continue
                if self.leading and not self.leadership.held():
                    # Its connection was ended (a restart, a failover, an operator): the lock
                    # went with it, and another process may be the runner now.
                    log.warning("the bank's job worker lost the jobs lock; taking it again")
                    self.leadership.release()
                    self.leading = False
                    continue
                try:
                    with Session(self.engine, expire_on_commit=False) as session:
                        if self._interrupted:
                            # A job the outage cut short is still marked running: it is this
                            # runner's (no other runs jobs), so it goes back in the queue.
                            if requeued := requeue_orphans(session):
                                log.warning(
                                    "%s background job(s) cut short by the outage queued again",
                                    requeued,
                                )
                            self._interrupted = False
                        ran = run_next(session, seed=self.seed, quizzes=self.quizzes)
                except OUTAGE_ERRORS as error:
                    # Expected while the database restarts: one line, not a traceback.
                    log.warning(
                        "database unavailable for the bank's job worker: %s", outage_cause(error)
                    )
                    self._interrupted = True
                    ran = None
                except Exception:
                    # Unexpected, so with its traceback; the next poll tries again.
                    log.exception("the bank's job worker could not take a job")
                    ran = None
                if ran is None:
                    self._stop.wait(self.poll)
        finally:
            self.leadership.release()
            self.leading = False

    def _take_over(self) -> bool:
        try:
            if not self.leadership.acquire():
                return False
            with Session(self.engine) as session:
                if requeued := requeue_orphans(session):
                    log.warning("%s background jobs left running are queued again", requeued)
        except OUTAGE_ERRORS as error:
            self.leadership.release()
            log.warning("database unavailable for the bank's job worker: %s", outage_cause(error))
            return False
        except Exception:
            self.leadership.release()
            log.exception("the bank's job worker could not become the runner")
            return False
        self.leading = True
        return True
