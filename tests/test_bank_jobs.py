"""The bank's background work (quizapp.workspace.jobs): a big publish and the refresh of a
pool's wrong answers leave the request at once, stay right meanwhile, and once done leave
exactly what a full rebuild makes. Domain tests need no app; the pages' are at the end."""

from __future__ import annotations

import random
import re
import threading

import pytest
from markupsafe import escape
from sqlalchemy import Engine, text, update
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from quizapp.core.database import create_schema, make_engine
from quizapp.db import get_engine
from quizapp.models import BankJob, Change, Entity, Fact, FactKind, Question, Quiz, Template
from quizapp.workspace import edits, jobs
from tests.factories import EDITOR_PASSWORD, make_editor
from tests.services import fresh_pg_schema
from tests.test_editing import question_rows
from tests.test_editing_scoped import SEED, STEPS, an_edit, full_rebuild
from tests.test_editing_scoped import db as db  # noqa: F401  (the fixture, shared)

GOOD = {
    "kind": "award_win",
    "style": "multiple_choice",
    "prompt": "Which star won {award} at the {event}?",
    "answer_role": "winner",
    "explanation": "{winner} won {award}.",
}
NEW_ID = "award-win-winner-multiple-choice"


@pytest.fixture
def everything_later(monkeypatch):
    """Every publish and every pool change goes to the background, whatever its size."""
    monkeypatch.setattr(edits, "PUBLISH_NOW_FACTS", 0)
    monkeypatch.setattr(edits, "REFRESH_NOW_QUESTIONS", 0)


def _published_ids(db: Session) -> set[str]:
    return set(db.exec(select(Template.id).where(Template.status == "published")))


def _waiting_publishes(db: Session) -> set[str]:
    query = select(BankJob.subject_id).where(
        BankJob.action == "publish", BankJob.state.in_(("queued", "running"))
    )
    return set(db.exec(query))


@pytest.mark.parametrize("sequence", [3, 4])
def test_edits_with_background_work_stay_right_and_end_as_a_full_rebuild(
    db, everything_later, sequence
):
    rng = random.Random(sequence)
    done: list[str] = []
    ran: list[BankJob] = []
    for _ in range(STEPS):
        try:
            done.append(an_edit(db, rng))
        except edits.EditError:
            continue
        stored, rebuilt = question_rows(db), full_rebuild(db)
        # Before the work is done, every stored question outside a waiting publish still
        # asks and answers what a rebuild would, and offers no right answer as a wrong one:
        # only wrong answers may differ.
        publishing = _waiting_publishes(db)
        for question_id, row in stored.items():
            if row["template_id"] in publishing:
                continue
            assert question_id in rebuilt, done[-1]
            # A false statement names a wrong answer drawn from a pool: it may name another.
            asked = row["prompt"] if row["style"] != "true_false" else None
            again = rebuilt[question_id]
            assert (asked, row["answer"]) == (
                again["prompt"] if row["style"] != "true_false" else None,
                again["answer"],
            ), done[-1]
            assert not set(row["choices"]) - set(row["answer"]) & set(
                rebuilt[question_id]["answer"]
            )
        waiting = db.exec(select(BankJob).where(BankJob.state == "queued")).all()
        jobs.drain(db, seed=SEED)
        ran += waiting
        assert question_rows(db) == full_rebuild(db), done[-3:]
    actions = {job.action for job in ran}
    assert actions == {"publish", "refresh"}, "the sequence queued both kinds of work"
    db.expire_all()
    assert all(db.get(BankJob, job.id).state in ("done", "failed") for job in ran)


def test_a_big_publish_is_queued_checked_on_a_sample_and_made_by_the_job(db, everything_later):
    saved = edits.save_template(db, editor_id=None, status="published", seed=SEED, **GOOD)

    # Saved as a draft at once, its publish queued: no question yet.
    assert saved.jobs and saved.questions == 0
    assert db.get(Template, NEW_ID).status == "draft"
    job = db.get(BankJob, saved.jobs[0])
    assert (job.action, job.subject_id, job.state) == ("publish", NEW_ID, "queued")
    assert not db.exec(select(Question).where(Question.template_id == NEW_ID)).all()

    # The publish, then the rebuild of the quizzes it queued.
    assert jobs.drain(db, seed=SEED) == 2
    db.expire_all()
    job = db.get(BankJob, saved.jobs[0])
    assert job.state == "done" and job.done == job.total > 0
    rebuilt = db.exec(select(BankJob).where(BankJob.action == "quizzes")).one()
    assert rebuilt.state == "done" and rebuilt.message.startswith("Quizzes: ")
    made = db.exec(select(Question).where(Question.template_id == NEW_ID)).all()
    assert (
        made
        and job.message
        == f"Published: makes {len(made)} questions, shown to players once reviewed."
    )
    assert db.get(Template, NEW_ID).status == "published"
    assert question_rows(db) == full_rebuild(db)
    log = [c.action for c in db.exec(select(Change).order_by(Change.id))]
    assert log[-2:] == ["queue-publish", "publish"]


def test_a_draft_with_errors_on_its_sample_is_refused_at_once(db, everything_later):
    broken = {**GOOD, "prompt": "Which star won {award} at the {evnt}?"}
    with pytest.raises(edits.EditError, match="cannot publish"):
        edits.save_template(db, editor_id=None, status="published", seed=SEED, **broken)
    assert not db.exec(select(BankJob)).all() and db.get(Template, NEW_ID) is None


def test_a_publish_that_fails_in_the_background_says_why_and_writes_nothing(db, everything_later):
    saved = edits.save_template(db, editor_id=None, status="published", seed=SEED, **GOOD)
    # The kind changed before the job ran: the saved draft now names a role it lacks.
    job = db.get(BankJob, saved.jobs[0])
    template = {**job.payload["template"], "prompt": "Which star won {award} at the {gala}?"}
    job.payload = {**job.payload, "template": template}
    db.add(job)
    db.commit()
    before = question_rows(db)

    jobs.drain(db, seed=SEED)

    db.expire_all()
    job = db.get(BankJob, saved.jobs[0])
    assert job.state == "failed"
    assert job.message.startswith("cannot publish:") and "{gala}" in job.message
    assert db.get(Template, NEW_ID).status == "draft"
    assert question_rows(db) == before


def test_republishing_a_published_template_keeps_its_questions_until_the_job(db, everything_later):
    published = db.exec(
        select(Template).where(Template.status == "published").order_by(Template.id)
    ).first()
    before = {
        q.id: q.prompt
        for q in db.exec(select(Question).where(Question.template_id == published.id))
    }
    fields = {
        "kind": published.kind,
        "style": published.style,
        "prompt": published.prompt.rstrip("?") + ", then?",
        "answer_role": published.answer_role,
        "explanation": published.explanation,
    }
    saved = edits.save_template(
        db, editor_id=None, status="published", template_id=published.id, seed=SEED, **fields
    )
    # A second publish replaces the first while it waits.
    again = edits.save_template(
        db, editor_id=None, status="published", template_id=published.id, seed=SEED, **fields
    )
    db.expire_all()
    assert db.get(BankJob, saved.jobs[0]).state == "failed"
    assert "replaced by a later publish" in db.get(BankJob, saved.jobs[0]).message
    stored = {
        q.id: q.prompt
        for q in db.exec(select(Question).where(Question.template_id == published.id))
    }
    assert stored == before and db.get(Template, published.id).status == "published"

    assert jobs.drain(db, seed=SEED) == 2  # the publish, then the quizzes
    db.expire_all()
    assert db.get(BankJob, again.jobs[0]).state == "done"
    assert db.get(Template, published.id).prompt == fields["prompt"]
    assert question_rows(db) == full_rebuild(db)


def queued_refresh(db: Session) -> BankJob:
    """A refresh of the award winners' wrong answers, queued."""
    job = BankJob(
        action="refresh",
        subject_id="award_win:winner",
        payload={"kind": "award_win", "role": "winner"},
    )
    db.add(job)
    db.commit()
    return job


def test_a_job_is_claimed_once_and_one_process_at_a_time_runs_them(db):
    job = queued_refresh(db)
    engine = db.get_bind()
    other = Session(engine)
    first, second = jobs.Leadership(engine), jobs.Leadership(engine)
    try:
        taken = jobs.claim(db)
        assert taken is not None and taken.id == job.id and taken.state == "running"
        assert jobs.claim(other) is None  # taken

        # One runner at a time; the next takes over once the first is gone, and queues
        # again what it left running (it died with it).
        assert first.acquire() and not second.acquire()
        first.release()
        assert second.acquire()
        # It had got some way: that progress is gone with it, and its page says so.
        db.exec(update(BankJob).where(BankJob.id == job.id).values(done=40, total=90))
        db.commit()
        assert jobs.requeue_orphans(other) == 1
        requeued = other.get(BankJob, job.id)
        assert (requeued.state, requeued.done, requeued.total) == ("queued", 0, 0)
        again = jobs.claim(other)
        assert again is not None and again.id == job.id
        # The first run, come back late, can no longer end it.
        jobs._end(db, taken, "failed", "late")
        db.expire_all()
        assert db.get(BankJob, job.id).state == "running"
    finally:
        second.release()
        other.close()


def worker_runs_until_done(
    db: Session, engine: Engine, job_ids: list[int], quizzes: jobs.QuizBuilder | None = None
) -> None:
    """Run a worker thread on ``engine`` until the jobs are done (or a minute, on a slow
    machine, has passed), then stop it and dispose of the engine."""
    worker = jobs.Worker(engine, seed=SEED, quizzes=quizzes, poll=0.05)
    worker.start()
    try:
        for _ in range(600):
            db.expire_all()
            if all(db.get(BankJob, j).state == "done" for j in job_ids):
                break
            threading.Event().wait(0.1)
    finally:
        worker.stop()
        engine.dispose()
    db.expire_all()


def test_the_worker_thread_runs_queued_work(db, everything_later, database_url):
    rows = db.exec(
        select(Fact).where(Fact.kind == "award_win", ~Fact.retired).order_by(Fact.id)
    ).all()
    fact = rows[0]
    # A correction naming someone who never won: a new member of the pool of winners.
    winners = {f.roles["winner"] for f in db.exec(select(Fact).where(Fact.kind == "award_win"))}
    types = db.get(FactKind, "award_win").roles["winner"]["types"]
    newcomer = db.exec(
        select(Entity.id).where(Entity.type.in_(types), Entity.id.not_in(winners))
    ).first()
    roles = {**fact.roles, "winner": newcomer}
    saved = edits.save_fact(
        db,
        editor_id=None,
        fact_id=fact.id,
        kind=fact.kind,
        article_id=fact.article_id,
        roles=roles,
        evidence=fact.evidence,
        seed=SEED,
    )
    assert saved.jobs, "the correction changed a pool: its refresh was queued"
    # Another such correction while it waits: the same refresh covers both.
    second = rows[1]
    more = db.exec(
        select(Entity.id).where(Entity.type.in_(types), Entity.id.not_in(winners | {newcomer}))
    ).first()
    again = edits.save_fact(
        db,
        editor_id=None,
        fact_id=second.id,
        kind=second.kind,
        article_id=second.article_id,
        roles={**second.roles, "winner": more},
        evidence=second.evidence,
        seed=SEED,
    )
    assert again.jobs == saved.jobs
    finished = threading.Event()

    def quizzes(_session: Session, _progress: object) -> str:  # never called: no publish
        finished.set()
        return ""

    worker_runs_until_done(db, make_engine(database_url), saved.jobs, quizzes=quizzes)
    assert [db.get(BankJob, j).state for j in saved.jobs] == ["done"] * len(saved.jobs)
    assert question_rows(db) == full_rebuild(db)
    assert not finished.is_set()


def test_the_worker_rides_out_an_outage_with_a_warning_and_goes_on(tmp_path, monkeypatch, caplog):
    engine = make_engine(f"sqlite:///{tmp_path / 'jobs.sqlite'}")
    create_schema(engine)
    polls: list[str] = []
    polled_after = threading.Event()
    held = iter([False])  # the lock's connection ended once, then all is well

    def run_next(_session: Session, **_kwargs: object) -> None:
        polls.append("poll")
        if len(polls) == 1:
            raise dropped_connection()
        polled_after.set()

    monkeypatch.setattr(jobs, "run_next", run_next)
    monkeypatch.setattr(jobs.Leadership, "held", lambda _self: next(held, True))
    caplog.set_level("WARNING", logger=jobs.__name__)
    worker = jobs.Worker(engine, seed=SEED, poll=0.05)
    worker.start()
    try:
        assert polled_after.wait(30), "the worker stopped polling after the outage"
    finally:
        worker.stop()
        engine.dispose()
    records = [(r.levelname, r.getMessage(), r.exc_info) for r in caplog.records]
    # One line each, no traceback: the log of a database restart stays readable.
    assert (
        "WARNING",
        "the bank's job worker lost the jobs lock; taking it again",
        None,
    ) in records
    assert (
        "WARNING",
        "database unavailable for the bank's job worker: "
        "terminating connection due to administrator command",
        None,
    ) in records
    assert not [r for r in records if r[0] != "WARNING"]


def dropped_connection() -> OperationalError:
    return OperationalError(
        "SELECT 1",
        {},
        Exception("terminating connection due to administrator command"),
        connection_invalidated=True,
    )


def test_a_job_an_outage_cut_short_is_queued_again_and_done(db, database_url, monkeypatch, caplog):
    job = queued_refresh(db)
    refresh = jobs._refresh
    runs: list[str] = []

    def cut_short_once(session: Session, job: BankJob, seed: int, progress: object) -> str:
        runs.append(job.state)
        if len(runs) == 1:
            raise dropped_connection()
        return refresh(session, job, seed, progress)

    monkeypatch.setattr(jobs, "_refresh", cut_short_once)
    caplog.set_level("WARNING", logger=jobs.__name__)
    # The outage is no verdict on the job: the worker queues it again at its next poll that
    # reaches the database, and does it.
    worker_runs_until_done(db, make_engine(database_url), [job.id])
    assert db.get(BankJob, job.id).state == "done"
    assert len(runs) == 2
    assert question_rows(db) == full_rebuild(db)
    messages = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert ("WARNING", "1 background job(s) cut short by the outage queued again") in messages
    assert not [m for m in messages if m[0] != "WARNING"]


def test_a_runner_whose_connection_the_server_ended_holds_the_lock_no_more():
    with fresh_pg_schema() as url:
        engine = make_engine(url)
        first, second = jobs.Leadership(engine), jobs.Leadership(engine)
        try:
            assert first.acquire() and first.held() and not second.acquire()
            pid = first._connection.execute(text("SELECT pg_backend_pid()")).scalar()
            first._connection.commit()
            with engine.connect() as operator:
                operator.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            # The server let the lock go with the connection: the runner knows it, and the
            # next process takes over.
            assert not first.held()
            first.release()
            assert second.acquire()
        finally:
            second.release()
            first.release()
            engine.dispose()


# --- The pages ------------------------------------------------------------------------------------


@pytest.fixture
def app(bundled_app):
    """The pages' tests run on their own copy of the bundled bank, questions and quizzes."""
    return bundled_app


@pytest.fixture
def as_editor(editor_auth, session, faker):
    make_editor(session, faker, name="Ed")
    assert editor_auth.login("Ed", EDITOR_PASSWORD).status_code == 302
    return editor_auth


def test_an_editor_publishes_a_big_template_and_follows_its_progress(
    bundled_app, as_editor, everything_later
):
    client = as_editor.client
    response = as_editor.post("/editor/templates/new", **GOOD, action="publish")
    assert response.status_code == 302
    page = client.get(response.location).text
    assert "Publishing in the background" in page
    # The editors' bar names the work, linking to its page.
    link = re.search(r'<a href="(/editor/jobs/(\d+))">Publishing template ' + NEW_ID, page)
    assert link, page
    job_url, job_id = link.group(1), int(link.group(2))
    waiting = client.get(job_url)
    assert waiting.status_code == 200 and "Waiting to start" in waiting.text
    assert 'http-equiv="refresh"' in waiting.text
    api = client.get(f"/editor/api/jobs/{job_id}").json
    assert (api["state"], api["action"], api["subject_id"]) == ("queued", "publish", NEW_ID)

    with Session(get_engine(bundled_app)) as db:
        assert db.get(Template, NEW_ID).status == "draft"
        jobs.drain(db, seed=bundled_app.config["GENERATION_SEED"])
        made = len(db.exec(select(Question).where(Question.template_id == NEW_ID)).all())
        assert db.get(Template, NEW_ID).status == "published" and made > 0

    done = client.get(job_url).text
    assert f"Done. Published: makes {made} questions" in done
    assert 'http-equiv="refresh"' not in done
    assert client.get(f"/editor/api/jobs/{job_id}").json["percent"] == 100


def test_a_running_jobs_page_says_how_far_it_got(bundled_app, as_editor):
    with Session(get_engine(bundled_app)) as db:
        started = BankJob(action="quizzes", subject_id="*", payload={}, state="running")
        planning = BankJob(action="quizzes", subject_id="*", payload={}, state="running")
        planning.done, planning.total = 150, 600
        writing = BankJob(action="quizzes", subject_id="*", payload={}, state="running")
        writing.done, writing.total = 600, 600
        db.add_all([started, planning, writing])
        db.commit()
        ids = started.id, planning.id, writing.id

    reading = as_editor.client.get(f"/editor/jobs/{ids[0]}").text
    assert "Under way: reading the bank." in reading and "<progress" not in reading
    page = as_editor.client.get(f"/editor/jobs/{ids[1]}").text
    assert "150 of 600 articles, events, topics and the day's mix (25%)" in page
    assert '<progress class="job-progress" max="100" value="25"' in page
    writing = as_editor.client.get(f"/editor/jobs/{ids[2]}").text
    assert "All 600 articles, events, topics and the day's mix are planned: writing" in writing
    assert "Rebuilding the unplayed quizzes</a>:\n      finishing" in writing
    bar = as_editor.client.get("/editor/templates/").text
    assert "Rebuilding the unplayed quizzes</a>:\n      25% done" in bar


def test_job_pages_need_an_editor_and_an_existing_job(bundled_app, client, as_editor):
    assert as_editor.client.get("/editor/jobs/999").status_code == 404
    assert as_editor.client.get("/editor/api/jobs/999").status_code == 404
    as_editor.logout()
    assert client.get("/editor/jobs/1").status_code in (302, 401)
    assert (
        client.get("/editor/api/jobs/1", headers={"Accept": "application/json"}).status_code == 401
    )


def test_run_jobs_command_runs_what_waits(bundled_app, everything_later):
    with Session(get_engine(bundled_app)) as db:
        saved = edits.save_template(db, editor_id=None, status="published", seed=SEED, **GOOD)
    result = bundled_app.test_cli_runner().invoke(args=["run-jobs"])
    assert result.exit_code == 0, result.output
    assert (
        f"Job {saved.jobs[0]} (Publishing template {NEW_ID}): done. Published: makes"
        in result.output
    )
    assert "(Rebuilding the unplayed quizzes): done. Quizzes: " in result.output
    assert result.output.rstrip().endswith("Ran 2 background jobs.")


def test_run_jobs_command_says_what_to_do_when_the_database_goes_away(
    bundled_app, everything_later, monkeypatch
):
    with Session(get_engine(bundled_app)) as db:
        saved = edits.save_template(db, editor_id=None, status="published", seed=SEED, **GOOD)

    def cut_short(*_args: object) -> str:
        raise dropped_connection()

    monkeypatch.setattr(jobs, "_publish", cut_short)
    result = bundled_app.test_cli_runner().invoke(args=["run-jobs"])

    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert (
        "Error: the database became unavailable (terminating connection due to administrator "
        "command); run `quizapp run-jobs` again once it is back"
    ) in result.output
    monkeypatch.undo()
    # Which it does: the job cut short is done from the start.
    again = bundled_app.test_cli_runner().invoke(args=["run-jobs"])
    assert f"Job {saved.jobs[0]} (Publishing template {NEW_ID}): done." in again.output


@pytest.mark.job_worker
def test_the_apps_first_request_starts_a_worker_that_publishes(db, everything_later, database_url):
    import os

    from quizapp import create_app
    from quizapp.web import editor_jobs

    # As served: not TESTING, so each process's first request starts its worker.
    app = create_app({"SECRET_KEY": "a-secret-key-of-the-test-" * 2, "DATABASE_URL": database_url})
    saved = edits.save_template(db, editor_id=None, status="published", seed=SEED, **GOOD)
    assert app.test_client().get("/editor/login").status_code == 200
    worker = editor_jobs._STARTED.pop((os.getpid(), id(app)))
    try:
        for _ in range(600):  # up to a minute on a slow machine
            db.expire_all()
            if (
                db.get(BankJob, saved.jobs[0]).state != "queued"
                and db.get(BankJob, saved.jobs[0]).state != "running"
            ):
                break
            threading.Event().wait(0.1)
    finally:
        worker.stop()
        get_engine(app).dispose()
    db.expire_all()
    assert db.get(BankJob, saved.jobs[0]).state == "done"
    assert db.get(Template, NEW_ID).status == "published"
    assert question_rows(db) == full_rebuild(db)


@pytest.mark.parametrize("then", ["draft", "retire"])
def test_a_template_changed_while_its_publish_waits_is_not_published_over(
    db, everything_later, then
):
    saved = edits.save_template(db, editor_id=None, status="published", seed=SEED, **GOOD)
    newer = {**GOOD, "prompt": "Which star took home {award} at the {event}?"}
    if then == "draft":
        edits.save_template(
            db, editor_id=None, status="draft", template_id=NEW_ID, seed=SEED, **newer
        )
    else:
        edits.retire_template(db, editor_id=None, template_id=NEW_ID, seed=SEED)

    jobs.drain(db, seed=SEED)

    db.expire_all()
    job = db.get(BankJob, saved.jobs[0])
    assert job.state == "failed"
    assert job.message == (
        f"template {NEW_ID} was changed after this publish was asked for:"
        " publish it again from its page"
    )
    template = db.get(Template, NEW_ID)
    if then == "draft":
        assert (template.status, template.prompt) == ("draft", newer["prompt"])
    else:
        assert template.status == "retired"
    assert not db.exec(select(Question).where(Question.template_id == NEW_ID)).all()


def test_a_big_banks_quizzes_are_rebuilt_in_the_background_once(
    bundled_app, as_editor, monkeypatch
):
    from quizapp.models import QuizItem
    from tests.test_editor_templates_web import planned_and_stored_quizzes

    monkeypatch.setattr(jobs, "QUIZZES_NOW_QUESTIONS", 0)
    with Session(get_engine(bundled_app)) as db:
        published = db.exec(
            select(Template).where(Template.status == "published").order_by(Template.id)
        ).all()
    # Two retirements: their quizzes wait for one rebuild.
    for template in published[:2]:
        retired = as_editor.post(f"/editor/templates/{template.id}/retire", confirm="yes")
        assert retired.status_code == 302
    with Session(get_engine(bundled_app)) as db:
        waiting = db.exec(select(BankJob).where(BankJob.action == "quizzes")).all()
        assert [job.state for job in waiting] == ["queued"]
        page = as_editor.client.get("/editor/templates/").text
        assert "Rebuilding the unplayed quizzes</a>:\n      waiting to start" in page

        jobs.drain(db, seed=SEED)

        db.expire_all()
        done = db.get(BankJob, waiting[0].id)
        assert done.state == "done"
        # Its progress counted the scopes planned: every quiz is one (and some made none).
        assert done.total >= len(db.exec(select(Quiz)).all()) > 0
        # Each unplayed quiz holds what a fresh plan holds, without the retired templates.
        planned, built = planned_and_stored_quizzes(db)
        assert built == planned
        gone = {t.id for t in published[:2]}
        held = db.exec(select(QuizItem.template_id).where(QuizItem.quiz_id.in_(planned))).all()
        assert not gone & set(held)


def test_a_new_version_waiting_or_refused_stays_on_the_templates_page(
    bundled_app, as_editor, everything_later
):
    with Session(get_engine(bundled_app)) as db:
        published = db.exec(
            select(Template).where(Template.status == "published").order_by(Template.id)
        ).first()
        fields = {
            "kind": published.kind,
            "style": published.style,
            "answer_role": published.answer_role,
            "explanation": published.explanation or "",
        }
    url = f"/editor/templates/{published.id}"
    asked = published.prompt.rstrip("?") + ", this year?"
    as_editor.post(url, **fields, prompt=asked, action="publish")
    page = as_editor.client.get(url).text
    assert "A new version is being published in the background (waiting to start)" in page
    assert f"Its prompt: <code>{escape(asked)}</code>" in page

    # The kind lost a role meanwhile (as the job sees it): refused, and the text stays shown.
    with Session(get_engine(bundled_app)) as db:
        job = jobs.pending_publish(db, published.id)
        broken = {**job.payload["template"], "prompt": asked.replace("?", " {gala}?")}
        job.payload = {**job.payload, "template": broken}
        db.add(job)
        db.commit()
        jobs.drain(db, seed=SEED)
    page = as_editor.client.get(url).text
    assert "A version you asked to publish was not published:" in page
    assert "{gala}" in page and escape(published.prompt) in page
    # Saving the template again settles it: the notice goes.
    as_editor.post(url, **fields, prompt=published.prompt, action="draft")
    assert "pending-publish" not in as_editor.client.get(url).text


def test_run_jobs_leaves_the_work_to_a_server_process_that_runs_it(bundled_app):
    runner = jobs.Leadership(get_engine(bundled_app))
    assert runner.acquire()
    try:
        result = bundled_app.test_cli_runner().invoke(args=["run-jobs"])
    finally:
        runner.release()
    assert result.exit_code == 0
    assert "A server process runs the background jobs now" in result.output


@pytest.mark.job_worker
def test_an_editor_opening_a_saving_page_has_the_context_read_ahead(
    bundled_app, bundled_database_url, faker
):
    import time

    from quizapp import create_app
    from quizapp.questions import live
    from tests.conftest import EditorAuth

    served = create_app(
        {
            "SECRET_KEY": "a-secret-key-of-the-test-" * 2,
            "DATABASE_URL": bundled_database_url,
            "BACKGROUND_JOBS": False,
        }
    )
    with Session(get_engine(served)) as db:
        make_editor(db, faker, name="Warm")
    database = get_engine(served).url.render_as_string(hide_password=False)
    with served.app_context():  # the CSRF token lives in this app's context
        auth = EditorAuth(served.test_client())
        assert auth.login("Warm", EDITOR_PASSWORD).status_code == 302
        assert database not in live._KEPT

        assert auth.client.get("/editor/templates/").status_code == 200

    deadline = time.monotonic() + 60  # a bound on a slow machine, not a speed check
    while database not in live._KEPT and time.monotonic() < deadline:
        time.sleep(0.05)
    assert database in live._KEPT
    # Kept and current: the next call starts nothing.
    assert live.warm_up(get_engine(served)) is False
    # Its thread has given its connection back before the engine goes.
    while database in live._WARMING and time.monotonic() < deadline:
        time.sleep(0.05)
    # Every published template is planned too: no save pays for its index of right answers.
    read = live._KEPT[database].context
    published = {t.id for t in read.bank.templates if t.status == "published"}
    assert published and published <= set(read.plans)
    # And the short forms a typed question accepts: no first typed preview waits for them.
    assert "short_forms" in vars(read)
    get_engine(served).dispose()
