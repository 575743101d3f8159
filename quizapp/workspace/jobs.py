"""Work on the bank done in the background, with its progress on the row. No Flask.

A save that would hold its request for seconds queues the rest in its own transaction
(``bank_job``, quizapp.workspace.edits): publishing a template of a big kind (every fact
checked, every question made), or refreshing the wrong answers of the questions that draw from
a pool a correction changed. Whatever a player can see stays right meanwhile: a queued publish
has made no question yet, and a pool's other questions keep wrong answers that are still wrong
(their facts did not change), merely not the ones a rebuild would draw now. Once every job is
done, the questions are exactly what a full rebuild makes (tests/test_bank_jobs.py).

A ``Worker`` thread per process runs them (the app starts one, quizapp.web); ``run_next`` claims
the oldest waiting job with a conditional update, so two workers never run the same job, and a
job whose worker died (running for longer than STALE_AFTER) is taken up again from the start:
each step is whole, so doing one twice changes nothing.

- publish: the draft is tried on every fact of its kind, outside the bank's write lock, its
  progress committed as it goes; then it is published in one transaction with the questions
  made (``edits.save_template(now=True, checked=...)``), or, if the preview found errors or
  the template changed since, the job fails saying why and nothing is published. A rebuild
  of the quizzes is queued after it.
- quizzes: the unplayed quizzes rebuilt (``QuizBuilder``: the app's settings), after a
  publish or any change to published questions of a big bank (``rebuild_quizzes_soon``):
  at 10,000 facts that alone takes seconds.
- refresh: the questions of a kind's role are made again in steps of STEP, each in its own
  short transaction under the bank's write lock, so editors' saves go on between steps.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy import Engine, func, or_, update
from sqlmodel import Session, col, select

from quizapp.bank.files import TemplateIn
from quizapp.game.quizzes import build_quizzes
from quizapp.models import BankJob, Question, utcnow
from quizapp.questions import live
from quizapp.questions.generation import store_pairs
from quizapp.questions.preview import TemplateDraft, preview_template
from quizapp.workspace import edits

log = logging.getLogger(__name__)

STEP = 1_000  # questions made again per transaction of a refresh
STALE_AFTER = dt.timedelta(minutes=10)  # a running job untouched this long lost its worker
_PROGRESS_EVERY = 0.5  # seconds between two progress commits of a publish's check

QUIZZES_NOW_QUESTIONS = 5_000  # past this many questions, quizzes are rebuilt in the background

# Rebuilds the unplayed quizzes and says what it did (the app's own settings: quizapp.web).
QuizBuilder = Callable[[Session], str]


def default_quizzes(session: Session) -> str:
    """The unplayed quizzes rebuilt with the default settings (no app to read them from)."""
    return build_quizzes(session, today=utcnow().date()).line()


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


def waiting(session: Session) -> int:
    """How many jobs are queued or running."""
    query = select(BankJob.id).where(col(BankJob.state).in_(("queued", "running")))
    return len(session.exec(query).all())


def describe(job: BankJob) -> str:
    """What the job does, for the editor: "Publishing template x", ..."""
    if job.action == "publish":
        return f"Publishing template {job.subject_id}"
    if job.action == "quizzes":
        return "Rebuilding the unplayed quizzes"
    kind, _, role = job.subject_id.partition(":")
    return f"Refreshing the wrong answers of {kind} questions about the {role}"


def claim(session: Session) -> BankJob | None:
    """Take the oldest waiting job (or one whose worker died) for this worker, or None."""
    stale = utcnow() - STALE_AFTER
    candidates = session.exec(
        select(BankJob.id, BankJob.state, BankJob.started_at)
        .where(
            or_(
                col(BankJob.state) == "queued",
                (col(BankJob.state) == "running") & (col(BankJob.started_at) < stale),
            )
        )
        .order_by(col(BankJob.id))
        .limit(5)
    ).all()
    for job_id, state, started_at in candidates:
        # Taken only if nobody took it since it was read: the update's condition says so.
        taken = session.exec(
            update(BankJob)
            .where(
                col(BankJob.id) == job_id,
                col(BankJob.state) == state,
                col(BankJob.started_at).is_(None)
                if started_at is None
                else col(BankJob.started_at) == started_at,
            )
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


def run(session: Session, job: BankJob, *, seed: int, quizzes: QuizBuilder | None = None) -> None:
    """Run a claimed job to its end: done, or failed with the reason on the row."""
    try:
        if job.action == "publish":
            message = _publish(session, job, seed)
            # Its own job: the publish is done, and other work may come first.
            rebuild_quizzes_soon(session, editor_id=job.editor_id, quizzes=quizzes, now=False)
        elif job.action == "quizzes":
            message = (quizzes or default_quizzes)(session)
        elif job.action == "refresh":
            message = _refresh(session, job, seed)
        else:
            raise ValueError(f"unknown job action {job.action!r}")
    except edits.EditError as error:
        session.rollback()
        _end(session, job, "failed", "; ".join(p.message for p in error.problems))
    except Exception:
        session.rollback()
        log.exception("bank job %s failed", job.id)
        _end(session, job, "failed", "failed unexpectedly; the server's log says why")
    else:
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
        (quizzes or default_quizzes)(session)
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
    session.exec(
        update(BankJob)
        .where(col(BankJob.id) == job.id)
        .values(state=state, message=message, finished_at=utcnow(), done=job.total)
        if state == "done"
        else update(BankJob)
        .where(col(BankJob.id) == job.id)
        .values(state=state, message=message, finished_at=utcnow())
    )
    session.commit()
    job.state, job.message = state, message


def _progress(session: Session, job: BankJob, done: int, total: int | None = None) -> None:
    values: dict[str, int] = {"done": done}
    if total is not None:
        values["total"] = job.total = total
    job.done = done
    session.exec(update(BankJob).where(col(BankJob.id) == job.id).values(**values))
    session.commit()


def _publish(session: Session, job: BankJob, seed: int) -> str:
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
    # Every fact tried first, with no lock on the bank: editors save on meanwhile.
    with live.context(session) as context:
        version = live.version_of(session)
        total = len(context.facts_by_kind.get(template.kind, {}))
        _progress(session, job, 0, total)
        tried, last = 0, time.monotonic()

        def tick(count: int) -> None:
            nonlocal tried, last
            tried += count
            if time.monotonic() - last >= _PROGRESS_EVERY:
                last = time.monotonic()
                _progress(session, job, tried)

        preview = preview_template(
            context.bank, draft, seed=seed, context=context, on_progress=tick
        )
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


def _refresh(session: Session, job: BankJob, seed: int) -> str:
    kind, role = job.payload["kind"], job.payload["role"]
    with live.context(session) as context:
        pairs = sorted(context.pool_pairs([(kind, role)]))
    _progress(session, job, 0, len(pairs))
    for start in range(0, len(pairs), STEP):
        step = pairs[start : start + STEP]
        # The progress write comes first: it takes SQLite's write lock (quizapp.db).
        edits.lock_bank(session)
        _progress_in(session, job, start)
        with live.context(session) as context:
            store_pairs(session, context, seed, step)
        session.commit()
    noun = "question" if len(pairs) == 1 else "questions"
    return f"Made {len(pairs)} {noun} again with wrong answers drawn from the pool as it is now."


def _progress_in(session: Session, job: BankJob, done: int) -> None:
    job.done = done
    session.exec(update(BankJob).where(col(BankJob.id) == job.id).values(done=done))


class Worker:
    """A daemon thread running the database's jobs as they come, one at a time."""

    def __init__(
        self,
        engine: Engine,
        *,
        seed: int,
        quizzes: QuizBuilder | None = None,
        poll: float = 1.0,
    ) -> None:
        self.engine, self.seed, self.quizzes, self.poll = engine, seed, quizzes, poll
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="quizapp-jobs", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                with Session(self.engine, expire_on_commit=False) as session:
                    ran = run_next(session, seed=self.seed, quizzes=self.quizzes)
            except Exception:
                # The database may be away for a moment: try again at the next poll.
                log.exception("the bank's job worker could not take a job")
                ran = None
            if ran is None:
                self._stop.wait(self.poll)
