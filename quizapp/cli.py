"""The `quizapp` commands: thin click wrappers around the areas' functions.

`register_commands` adds them to an app; create_app calls it, and quizapp/__main__.py is the
console script that makes the app for them (docs/architecture.md).
"""

import json
import sys
from pathlib import Path
from typing import TextIO

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from quizapp.bank.files import BankError, read_bank
from quizapp.bank.sync import mark_reviewed, write_bank
from quizapp.core.database import OUTAGE_ERRORS, outage_cause
from quizapp.core.settings import QuizSettings
from quizapp.db import get_engine, get_session
from quizapp.game.feedback import MIN_ANSWERS, calibrate_questions
from quizapp.game.quizzes import build_quizzes, iter_quiz_exports
from quizapp.game.trial import TrialError, try_answer
from quizapp.models import EDITOR_ROLES, row_id, utcnow
from quizapp.questions.browse import iter_question_exports
from quizapp.questions.generation import GenerationReport, rebuild_questions
from quizapp.workspace.accounts import EditorError, create_editor, get_editor_by_name, set_password
from quizapp.workspace.edits import bank_is_empty, lock_bank, record_files_sync, unsaved_changes
from quizapp.workspace.review import pending_count

# Below this many (template, fact) pairs a run is instant and a bar would only flicker.
PROGRESS_THRESHOLD = 5000


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create the database's tables, or bring them up to date (runs the migrations)."""
    _upgrade_schema()
    click.echo(f"Database ready: {_safe_url()}")


@click.command("upgrade-db")
@with_appcontext
def upgrade_db_command() -> None:
    """Run the schema migrations the database has not had yet (docs/migrations.md)."""
    from quizapp.core.migrate import current_revision

    before = current_revision(get_engine())
    _upgrade_schema()
    after = current_revision(get_engine())
    note = " (up to date)" if before == after else ""
    click.echo(f"Database {_safe_url()}: revision {before or 'none'} -> {after}{note}")


def _upgrade_schema() -> None:
    """Migrate the app's database to the newest revision; a database that cannot be migrated
    safely stops the command with the reason and what to do, not a traceback."""
    # Alembic is loaded only by the commands that migrate.
    from quizapp.core.migrate import SchemaMismatchError, upgrade

    try:
        upgrade(get_engine())
    except SchemaMismatchError as exc:
        raise click.ClickException(str(exc)) from None


@click.command("load-bank")
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--discard-workspace-changes",
    is_flag=True,
    help="Load even if editors changed the bank in the workspace since the last load or dump.",
)
@with_appcontext
def load_bank_command(path: Path | None, discard_workspace_changes: bool) -> None:
    """Validate the question bank at PATH (default: the bundled one) and load it.

    Every problem is listed at once and nothing is written unless the whole bank is valid.
    Loading an unchanged bank changes nothing. The database is made to hold exactly the
    files, so changes made in the editors' workspace since the last load or dump would be
    lost: then the command refuses, unless told to discard them.
    """
    _upgrade_schema()
    unsaved = unsaved_changes(get_session())
    if unsaved and not discard_workspace_changes:
        raise click.ClickException(
            f"the workspace has {unsaved} change(s) that are not in the files yet: run "
            "`quizapp dump-bank` first to keep them, or add --discard-workspace-changes"
        )
    load_bundle(path)


@click.command("dump-bank")
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def dump_bank_command(path: Path | None) -> None:
    """Write the database's bank to the files at PATH (default: the bundled question_bank/).

    The files are written in a folder beside PATH, read back with the loader's checks, and
    only then put in place; files that are not part of the bank are left alone. Dump then
    load gives the same bank.
    """
    from quizapp.bank.dump import DumpError, dump_bank

    path = path or Path(current_app.config["BANK_PATH"])
    _upgrade_schema()
    session = get_session()
    try:
        report = dump_bank(session, path)
    except (BankError, DumpError) as exc:
        raise click.ClickException(f"nothing was written: {exc}") from None
    record_files_sync(session, action="dump", path=str(path))
    session.commit()
    click.echo(f"Dumped the bank to {path}" + ("" if report.changed else " (nothing changed)"))
    for line in report.lines():
        click.echo(f"  {line}")
    pending = pending_count(session)
    if pending:
        # The files have no review mark, and loading them counts everything as reviewed.
        click.echo(
            f"Note: {pending} saved fact(s) or template(s) still wait for review "
            "(/editor/review); the files hold them as saved, so read them in the diff."
        )


@click.command("generate")
@click.option("--seed", type=int, default=None, help="Seed for wrong answers and choice order.")
@click.option("--verbose", "-v", is_flag=True, help="List every skipped pair, not a summary.")
@with_appcontext
def generate_command(seed: int | None, verbose: bool) -> None:
    """(Re)build every question, then the quizzes (played quizzes never change)."""
    _upgrade_schema()
    report = _generate(seed)
    _print_generation(report, verbose)
    _build_quizzes()


@click.command("run-jobs")
@with_appcontext
def run_jobs_command() -> None:
    """Run the bank's queued background work (publishes, refreshes, quizzes) now, then stop.

    The app's processes run it themselves (BACKGROUND_JOBS); this is for when they do not,
    and it does nothing while one of them is the runner.
    """
    from quizapp.web.editor_jobs import quiz_builder
    from quizapp.workspace import jobs

    quizzes = quiz_builder(current_app)
    seed = current_app.config["GENERATION_SEED"]
    leadership = jobs.Leadership(get_engine())
    if not leadership.acquire():
        click.echo("A server process runs the background jobs now: they are done there.")
        return
    try:
        session = get_session()
        jobs.requeue_orphans(session)
        ran = 0
        while (job := jobs.run_next(session, seed=seed, quizzes=quizzes)) is not None:
            ran += 1
            click.echo(f"Job {job.id} ({jobs.describe(job)}): {job.state}. {job.message or ''}")
        click.echo(f"Ran {ran} background job{'' if ran == 1 else 's'}.")
    except OUTAGE_ERRORS as error:
        raise click.ClickException(
            f"the database became unavailable ({outage_cause(error)}); run `quizapp run-jobs` "
            "again once it is back: the job it cut short is done again from the start"
        ) from error
    finally:
        leadership.release()


@click.command("calibrate")
@click.option(
    "--min-answers",
    default=MIN_ANSWERS,
    show_default=True,
    type=click.IntRange(1),
    help="Answers a question needs before its observed miss rate replaces the estimate.",
)
@with_appcontext
def calibrate_command(min_answers: int) -> None:
    """Set question difficulties from players' answers (docs/game.md).

    `generate` does this too, before building quizzes; run this to have the next daily mix
    ordered by the latest answers. Quizzes already built do not change.
    """
    _upgrade_schema()
    changed = calibrate_questions(get_session(), min_answers)
    click.echo(f"Calibrated {changed} question(s) answered at least {min_answers} times.")


@click.command("export-questions")
@click.option(
    "--output",
    "-o",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="File to write (default: standard output).",
)
@with_appcontext
def export_questions_command(output: TextIO) -> None:
    """Print every question as one JSON object per line (JSON Lines)."""
    _upgrade_schema()
    for record in iter_question_exports(get_session()):
        output.write(json.dumps(record, ensure_ascii=False) + "\n")


@click.command("grade")
@click.argument("question_id")
@click.argument("answer", required=False)
@with_appcontext
def grade_command(question_id: str, answer: str | None) -> None:
    """Print the grader's verdict on ANSWER to question QUESTION_ID as JSON.

    The verdict holds correct, matched (the parts named), missing, extra (pieces that are no
    part of the answer), why (how each piece was read) and message (what the player reads).
    With QUESTION_ID "-", read JSON lines {"question": ID, "answer": TEXT} from standard input
    and print one verdict per line; a bad line prints {"line": N, "error": ...} instead, and
    the command exits 1 once every line is done.
    """
    _upgrade_schema()
    session = get_session()
    if question_id != "-":
        if answer is None:
            raise click.UsageError('give an ANSWER, or "-" to read JSON lines from stdin')
        try:
            verdict = try_answer(session, question_id, answer)
        except TrialError as error:
            raise click.ClickException(str(error)) from None
        click.echo(json.dumps(verdict.as_json(), ensure_ascii=False))
        return
    if answer is not None:
        raise click.UsageError('with "-", the answers come from stdin: give no ANSWER')
    bad = 0
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            question, text = _grade_request(line)
            record = try_answer(session, question, text).as_json()
        except TrialError as error:
            bad += 1
            record = {"line": number, "error": str(error)}
        click.echo(json.dumps(record, ensure_ascii=False))
    if bad:
        raise click.ClickException(f"{bad} line(s) could not be graded")


def _grade_request(line: str) -> tuple[str, str]:
    try:
        request = json.loads(line)
    except ValueError as error:
        raise TrialError(f"not JSON: {error}") from None
    if not isinstance(request, dict):
        raise TrialError('expected a JSON object {"question": ID, "answer": TEXT}')
    question, text = request.get("question"), request.get("answer")
    if not isinstance(question, str) or not isinstance(text, str):
        raise TrialError('"question" and "answer" must both be strings')
    return question, text


@click.command("export-quizzes")
@click.option(
    "--output",
    "-o",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="File to write (default: standard output).",
)
@with_appcontext
def export_quizzes_command(output: TextIO) -> None:
    """Print every quiz, drafts and played ones included, as one JSON object per line (JSON
    Lines): id, title, scope, scope_id, status, created_by and its items in order (position,
    question, template, fact, style)."""
    _upgrade_schema()
    for record in iter_quiz_exports(get_session()):
        output.write(json.dumps(record, ensure_ascii=False) + "\n")


@click.command("audit")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document instead of lines.")
@with_appcontext
def audit_command(as_json: bool) -> None:
    """Check the bank's questions and the quizzes for what a strict quiz editor would refuse.

    Prints one line per finding (severity, code, question, template, fact: what to fix), then
    a summary; exits 1 if any finding is an error (docs/editing.md, "The audit").
    """
    from quizapp.workspace.audit import audit_database

    _upgrade_schema()
    report = audit_database(get_session())
    if as_json:
        document = {
            "errors": report.errors,
            "warnings": report.warnings,
            "questions": report.questions,
            "quizzes": report.quizzes,
            "findings": [finding.as_dict() for finding in report.findings],
        }
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        for finding in report.findings:
            click.echo(finding.line())
        click.echo(report.summary())
    if report.errors:
        sys.exit(1)


@click.command("propose-facts")
@click.argument("file", type=click.Path(path_type=Path))
@with_appcontext
def propose_facts_command(file: Path) -> None:
    """Propose facts for the article in FILE against the current bank; writes nothing.

    FILE is plain text with the title on its first line, or an article in the bank's format
    (a YAML header between '---' lines, then the text). Prints one JSON object per line per
    proposal: kind, roles (role -> display name or literal, a list for roles that take
    several), evidence (the sentence, verbatim), new_entities (name and guessed type of each
    entity the bank lacks) and confidence (0 to 1) (docs/editing.md, "Fact proposals").
    """
    from quizapp.workspace.propose import ArticleFileError, Proposer, many_roles, parse_article

    try:
        content = file.read_bytes().decode("utf-8")
        article = parse_article(content)
    except FileNotFoundError:
        raise click.ClickException(f"{file}: no such file") from None
    except IsADirectoryError:
        raise click.ClickException(f"{file}: is a folder, not an article file") from None
    except PermissionError:
        raise click.ClickException(f"{file}: cannot be read (permission denied)") from None
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{file}: is not UTF-8 text ({exc.reason})") from None
    except ArticleFileError as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    _upgrade_schema()
    proposer = Proposer.from_session(get_session())
    if not proposer.kinds:
        raise click.ClickException("The database holds no bank: run 'quizapp load-bank' first.")
    for proposal in proposer.propose(article.text, article.title, article.event_id):
        many = many_roles(proposer.kinds[proposal.kind])
        click.echo(json.dumps(proposal.as_json(many), ensure_ascii=False))


@click.command("seed-demo")
@click.option("--players", default=200, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--seed", default=None, type=int, help="Seed for Faker (default: random).")
@with_appcontext
def seed_demo_command(players: int, seed: int | None) -> None:
    """Add demo players with plausible finished attempts, to fill the leaderboards."""
    from faker import Faker

    from quizapp.game.demo import seed_demo

    faker = Faker()
    if seed is not None:
        faker.seed_instance(seed)
    try:
        report = seed_demo(get_session(), players=players, faker=faker)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Added {report.players} players, {report.attempts} attempts, {report.answers} answers."
    )


@click.command("close-stale-attempts")
@with_appcontext
def close_stale_attempts_command() -> None:
    """Close the attempts left open past their quiz's whole time window, scored as they stand.

    Players' own visits close theirs; run this from cron for the abandoned ones.
    """
    from quizapp.game.play import close_stale_attempts

    closed = close_stale_attempts(get_session())
    click.echo(f"Closed {closed} stale attempt(s).")


@click.command("create-editor")
@click.argument("name")
@click.option("--role", type=click.Choice(EDITOR_ROLES), default="editor", show_default=True)
@with_appcontext
def create_editor_command(name: str, role: str) -> None:
    """Add an editor account called NAME; asks for the password twice, without echoing it."""
    # Asked for, never an option: a password on the command line lands in shell history and
    # in the process list.
    password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    _upgrade_schema()
    session = get_session()
    try:
        editor = create_editor(session, name=name, password=password, role=role)
    except EditorError as exc:
        raise click.ClickException(exc.message) from None
    session.commit()
    click.echo(f"Created {editor.role} {editor.name}.")


@click.command("set-password")
@click.argument("name")
@with_appcontext
def set_password_command(name: str) -> None:
    """Give the editor called NAME a new password; asks for it twice, without echoing it.

    Every login NAME has in a browser ends. For an editor who forgot theirs, or an admin's own
    (the workspace's editors page sets other editors' passwords).
    """
    _upgrade_schema()
    session = get_session()
    # Looked up before the password is asked for, so that a mistyped name costs no typing.
    editor = get_editor_by_name(session, name)
    if editor is None:
        raise click.ClickException(
            f"there is no editor called {name!r} (quizapp create-editor adds one)"
        )
    password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        set_password(session, editor_id=row_id(editor), password=password)
    except EditorError as exc:
        raise click.ClickException(exc.message) from None
    session.commit()
    click.echo(f"Set a new password for {editor.name}; their logins have ended.")


@click.command("start")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def start_command(host: str, port: int) -> None:
    """Set up the database from the bundled bank, generate, and serve the web app.

    The bundled bank is loaded on the first start only: after that the database is the
    working copy that editors change in the workspace (`quizapp dump-bank` writes it back).
    """
    _upgrade_schema()
    if bank_is_empty(get_session()):
        load_bundle(None, generating=True)
    else:
        click.echo("The database holds a bank already; the files are not loaded again.")
    _print_generation(_generate(None), verbose=False)
    _build_quizzes()
    from werkzeug.serving import run_simple

    from quizapp.web import security

    # The app itself, not the proxy (Flask's types present current_app as the Flask object).
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    key_file = security.ensure_secret_key_file(app)
    if key_file is not None:
        click.echo(f"Signing cookies with the secret key in {key_file}")
    security.serve_local_http(app)
    if not _is_loopback(host):
        click.echo(
            f"Warning: {host} is reachable from other machines, and this server speaks plain "
            "http: cookies and editors' passwords cross the network unencrypted. To serve "
            "others, use gunicorn behind TLS (docs/deploy.md).",
            err=True,
        )
    click.echo(f"Serving quizapp on http://{host}:{port}/ (Ctrl+C to stop)")
    # Flask.run refuses to start from inside a CLI command, so serve through Werkzeug directly.
    run_simple(host, port, app, threaded=True)


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def load_bundle(path: Path | None, *, generating: bool = False) -> None:
    """Validate and load the bank at ``path``, exiting with status 1 on any problem.

    ``generating``: the caller generates next, so the reminder to do so is left out.
    """
    path = path or Path(current_app.config["BANK_PATH"])
    try:
        bank = read_bank(path)
    except BankError as exc:
        click.echo(
            f"The question bank at {path} has {len(exc.problems)} problem(s); nothing was loaded:",
            err=True,
        )
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    _upgrade_schema()
    session = get_session()
    lock_bank(session)  # before its first write, as every change to the bank
    report = write_bank(session, bank, commit=False)
    mark_reviewed(session)
    record_files_sync(session, action="load", path=str(path))
    session.commit()
    click.echo(f"Loaded {path}" + ("" if report.changed else " (nothing changed)"))
    for line in report.lines():
        click.echo(f"  {line}")
    if report.changed and not generating:
        click.echo("Run `quizapp generate` to rebuild the questions from it.")


def _generate(seed: int | None) -> GenerationReport:
    seed = current_app.config["GENERATION_SEED"] if seed is None else seed
    bar = None

    def start(total: int) -> None:
        nonlocal bar
        if total >= PROGRESS_THRESHOLD:
            bar = click.progressbar(length=total, label="Generating", file=sys.stderr)
            bar.__enter__()

    def advance(count: int) -> None:
        if bar is not None:
            bar.update(count)

    try:
        return rebuild_questions(get_session(), seed, on_progress=advance, on_start=start)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def _build_quizzes() -> None:
    settings = QuizSettings.from_config(current_app.config)
    report = build_quizzes(get_session(), today=utcnow().date(), settings=settings)
    click.echo(report.line())


def _print_generation(report: GenerationReport, verbose: bool) -> None:
    styles = ", ".join(f"{n} {style}" for style, n in sorted(report.made.items()))
    click.echo(f"Generated {report.total} questions ({styles or 'none'}).")
    if report.removed:
        click.echo(f"Removed {report.removed} questions no longer made by the bank.")
    if not report.skipped:
        return
    click.echo(f"Left out {len(report.skipped)} template/fact pairs:")
    shown = report.skipped if verbose else report.skipped[:20]
    for skip in shown:
        fact = f" x {skip.fact_id}" if skip.fact_id else ""
        click.echo(f"  {skip.template_id}{fact}: {skip.reason}")
    if len(shown) < len(report.skipped):
        click.echo(f"  ... and {len(report.skipped) - len(shown)} more (use --verbose)")


def _safe_url() -> str:
    return get_engine().url.render_as_string(hide_password=True)


def register_commands(app: Flask) -> None:
    """Add the quizapp commands to the app's CLI."""
    for command in (
        init_db_command,
        upgrade_db_command,
        load_bank_command,
        generate_command,
        run_jobs_command,
        calibrate_command,
        export_questions_command,
        grade_command,
        export_quizzes_command,
        audit_command,
        propose_facts_command,
        seed_demo_command,
        close_stale_attempts_command,
        create_editor_command,
        set_password_command,
        dump_bank_command,
        start_command,
    ):
        app.cli.add_command(command)
