"""The editor workspace's quizzes, at /editor/quizzes.

Quizzes made by editors, and what players tell editors: reports and answer statistics.
Views parse the form, call quizapp.game.quizzes, quizapp.game.quiz_editing and
quizapp.game.feedback, and render; every form is a plain HTML form with the CSRF token that
works without a script. One small script (static/editor-quizzes.js) only remembers the order
questions are ticked in on the new-quiz form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from quizapp.core.problems import Problem, by_field
from quizapp.core.settings import (
    MAX_QUESTIONS,
    MAX_SECONDS,
    MIN_SECONDS,
    SCORING_MODES,
    QuizSettings,
)
from quizapp.db import get_session
from quizapp.game import feedback, quiz_editing, quizzes
from quizapp.models import Quiz, Template
from quizapp.questions.generation import difficulty_label
from quizapp.web.auth import editor_required, error_page
from quizapp.web.play import sentence_filter
from quizapp.workspace.audit import audit_quiz

bp = Blueprint("editor_quizzes", __name__)

MODE_LABELS = {
    "timed": "Timed: speed and streaks add points",
    "plain": "Plain: 1000 a right answer",
}
LIMITS = {
    "max_questions": MAX_QUESTIONS,
    "min_seconds": MIN_SECONDS,
    "max_seconds": MAX_SECONDS,
    "max_title": quizzes.MAX_TITLE,
}
SCOPE_CHOICES = {
    "article": "An article",
    "event": "An event",
    "entity": "A topic (a person, group, song ...)",
    "list": "Questions I pick",
}


@bp.app_template_filter("as_percent")
def percent_filter(value: float | None) -> str:
    """A share as a whole percentage: 0.734 gives 73 %; nothing yet gives a dash."""
    return "–" if value is None else f"{round(value * 100)} %"


@bp.app_template_filter("ms_as_seconds")
def seconds_filter(ms: float | None) -> str:
    """Milliseconds as seconds with one decimal: 4.2 s; nothing yet gives a dash."""
    return "–" if ms is None else f"{ms / 1000:.1f} s"


# --- Quizzes --------------------------------------------------------------------------------------


@bp.get("/")
@editor_required
def index() -> ResponseReturnValue:
    """Every quiz with its scope, status, size and attempts; links to stats and reports."""
    db = get_session()
    return render_template(
        "editor_quizzes/index.html",
        rows=quizzes.list_all_quizzes(db),
        open_reports=feedback.count_open_reports(db),
    )


@dataclass
class QuizForm:
    """The new-quiz form as sent: text as typed, so that a refused form comes back as it was."""

    title: str = ""
    scope: str = "entity"
    scope_ids: dict[str, str] = field(default_factory=dict)
    question_ids: list[str] = field(default_factory=list)
    count: str = ""
    seconds: str = ""
    mode: str = ""
    publish: bool = False
    article: str = ""  # the hand-picking list's filters
    search: str = ""

    @classmethod
    def read(cls, values: MultiDict[str, str]) -> QuizForm:
        """The form from request values, with the app's quiz settings as defaults."""
        settings = QuizSettings.from_config(current_app.config)
        return cls(
            title=values.get("title", ""),
            scope=values.get("scope", "entity"),
            scope_ids={s: values.get(f"{s}_id", "") for s in quizzes.EDITOR_SCOPES},
            question_ids=ordered_picks(
                values.getlist("question_ids"), values.get("pick_order", "")
            ),
            count=values.get("count", str(settings.count)),
            seconds=values.get("seconds", str(settings.seconds)),
            mode=values.get("mode", settings.mode),
            publish=values.get("publish") == "1",
            article=values.get("article", ""),
            search=values.get("search", ""),
        )

    def create_args(self) -> dict[str, Any]:
        """The keyword arguments of quizzes.create_quiz."""
        return {
            "title": self.title,
            "scope": self.scope,
            "scope_id": self.scope_ids.get(self.scope) or None,
            "question_ids": self.question_ids,
            "count": self.count,
            "seconds": self.seconds,
            "mode": self.mode,
            "publish": self.publish,
        }


def ordered_picks(ticked: list[str], pick_order: str) -> list[str]:
    """The ticked question ids in the order the editor ticked them.

    A form sends its checkboxes in page order; the page's script keeps the tick order in
    ``pick_order`` (ids separated by spaces). Ticked ids it does not name (no script, or
    ticked before a filter redrew the page) follow in the order they came.
    """
    ticked_set = set(ticked)
    ordered = [qid for qid in dict.fromkeys(pick_order.split()) if qid in ticked_set]
    return ordered + [qid for qid in ticked if qid not in set(ordered)]


@bp.route("/new", methods=["GET", "POST"])
@editor_required
def new() -> ResponseReturnValue:
    """Make a quiz: scope, settings, draft or published. "Filter" only redraws the form."""
    form = QuizForm.read(request.values)
    db = get_session()
    problems: list[Problem] = []
    if request.method == "POST" and request.form.get("action") == "create":
        try:
            quiz = quizzes.create_quiz(db, editor_id=current_user.id, **form.create_args())
        except quizzes.QuizError as error:
            problems = error.problems
        else:
            state = "published" if quiz.status == "published" else "saved as a draft"
            flash(f"“{quiz.title}” is {state}, with {quiz.question_count} questions.")
            return redirect(url_for(".detail", quiz_id=quiz.id))
    options = quizzes.scope_options(db)
    return render_template(
        "editor_quizzes/new.html",
        form=form,
        problems=problems,
        field_problems=by_field(problems),
        options=options,
        min_facts=quizzes.MIN_FACTS,
        questions=quizzes.find_questions(
            db, article_id=form.article or None, text=form.search, picked=form.question_ids
        ),
        scope_choices=SCOPE_CHOICES,
        modes=[(m, MODE_LABELS.get(m, m)) for m in SCORING_MODES],
        limits=LIMITS,
    ), 400 if problems else 200


@bp.post("/<quiz_id>/publish")
@editor_required
def publish(quiz_id: str) -> ResponseReturnValue:
    """Publish a draft: players see it on the home page and in the API from now on."""
    try:
        quiz = quizzes.publish_quiz(get_session(), quiz_id=quiz_id, editor_id=current_user.id)
    except quizzes.QuizNotFound as error:
        return error_page(404, str(error))
    except quizzes.QuizError as error:
        flash(sentence_filter(str(error)))
    else:
        flash(f"“{quiz.title}” is published: players can see and play it now.")
    return redirect(url_for(".detail", quiz_id=quiz_id))


@bp.get("/<quiz_id>")
@editor_required
def detail(quiz_id: str) -> ResponseReturnValue:
    """A quiz as players get it (drafts too: the editors' preview) with each question's
    answer statistics, the estimated difficulty beside the observed one."""
    db = get_session()
    quiz = db.get(Quiz, quiz_id)
    if quiz is None:
        return error_page(404, f"there is no quiz {quiz_id!r}")
    stats = {s.question_id: s for s in feedback.question_stats(db, quiz_id=quiz_id)}
    return render_template(
        "editor_quizzes/detail.html",
        quiz=quiz,
        items=quizzes.quiz_items(db, quiz_id),
        stats=stats,
        attempts=quizzes.count_attempts(db, quiz_id),
        min_answers=feedback.MIN_ANSWERS,
        level=difficulty_label,
        findings=audit_quiz(db, quiz_id),
    )


# --- Editing a draft ------------------------------------------------------------------------------


def _refused(quiz_id: str, error: quizzes.QuizError) -> ResponseReturnValue:
    """An edit refused: 404 for no such quiz, 409 for a published one, else the edit page
    again with what to fix (400)."""
    if isinstance(error, quizzes.QuizNotFound):
        return error_page(404, str(error))
    if isinstance(error, quiz_editing.QuizLocked):
        return error_page(409, str(error))
    return _edit_page(quiz_id, problems=error.problems, status=400)


def _edit_page(
    quiz_id: str, *, problems: list[Problem] | None = None, status: int = 200
) -> ResponseReturnValue:
    db = get_session()
    try:
        quiz = quiz_editing.editable_quiz(db, quiz_id)
    except quizzes.QuizError as error:
        return _refused(quiz_id, error)
    items = quizzes.quiz_items(db, quiz_id)
    swap = request.args.get("swap", "")
    candidates = None
    if swap and any(item.question_id == swap for item in items):
        candidates = quiz_editing.swap_candidates(db, quiz, swap)
    return render_template(
        "editor_quizzes/edit.html",
        quiz=quiz,
        items=items,
        findings=audit_quiz(db, quiz_id),
        problems=problems or [],
        swap=swap if candidates is not None else "",
        candidates=candidates or [],
        moved=request.args.get("moved", ""),
        moved_dir=request.args.get("dir", ""),
        min_questions=quiz_editing.min_questions(quiz),
    ), status


@bp.get("/<quiz_id>/edit")
@editor_required
def edit(quiz_id: str) -> ResponseReturnValue:
    """A draft's questions to reorder, remove or swap; ?swap=<question id> lists what may
    replace that question."""
    return _edit_page(quiz_id)


@bp.post("/<quiz_id>/move")
@editor_required
def move(quiz_id: str) -> ResponseReturnValue:
    """Move a question one place up or down; back to the edit page, focus on the moved row's
    same button (so Enter again moves it further)."""
    question_id = request.form.get("question_id", "")
    direction = request.form.get("direction", "")
    try:
        quiz_editing.move_question(
            get_session(),
            quiz_id=quiz_id,
            question_id=question_id,
            direction=direction,
            editor_id=current_user.id,
        )
    except quizzes.QuizError as error:
        return _refused(quiz_id, error)
    # No #fragment: a page with a fragment target skips autofocus (the HTML standard), and
    # the autofocused button is scrolled into view anyway.
    return redirect(url_for(".edit", quiz_id=quiz_id, moved=question_id, dir=direction), 303)


@bp.post("/<quiz_id>/remove")
@editor_required
def remove(quiz_id: str) -> ResponseReturnValue:
    """Take a question out of a draft."""
    question_id = request.form.get("question_id", "")
    try:
        quiz = quiz_editing.remove_question(
            get_session(), quiz_id=quiz_id, question_id=question_id, editor_id=current_user.id
        )
    except quizzes.QuizError as error:
        return _refused(quiz_id, error)
    flash(f"Question {question_id} is out; the quiz has {quiz.question_count} questions now.")
    return redirect(url_for(".edit", quiz_id=quiz_id), 303)


@bp.post("/<quiz_id>/swap")
@editor_required
def swap(quiz_id: str) -> ResponseReturnValue:
    """Replace a draft's question by one of its swap candidates, in the same place."""
    question_id = request.form.get("question_id", "")
    new_id = request.form.get("new_question_id", "")
    try:
        quiz_editing.swap_question(
            get_session(),
            quiz_id=quiz_id,
            question_id=question_id,
            new_question_id=new_id,
            editor_id=current_user.id,
        )
    except quizzes.QuizError as error:
        return _refused(quiz_id, error)
    flash(f"Question {question_id} is swapped for {new_id}.")
    return redirect(url_for(".edit", quiz_id=quiz_id) + f"#item-{new_id}", 303)


@bp.route("/<quiz_id>/delete", methods=["GET", "POST"])
@editor_required
def delete(quiz_id: str) -> ResponseReturnValue:
    """Delete a draft: the page asks to confirm, its form deletes."""
    db = get_session()
    try:
        if request.method == "GET":
            quiz = quiz_editing.editable_quiz(db, quiz_id)
            return render_template("editor_quizzes/delete.html", quiz=quiz)
        title = quiz_editing.delete_quiz(db, quiz_id=quiz_id, editor_id=current_user.id)
    except quizzes.QuizError as error:
        return _refused(quiz_id, error)
    flash(f"The draft “{title}” is deleted.")
    return redirect(url_for(".index"), 303)


@bp.get("/templates/<template_id>/stats")
@editor_required
def template_stats(template_id: str) -> ResponseReturnValue:
    """Answer statistics of one template's questions, across every quiz that asks them."""
    db = get_session()
    stats = feedback.question_stats(db, template_id=template_id)
    if not stats and db.get(Template, template_id) is None:
        return error_page(404, f"there is no template {template_id!r}")
    return render_template(
        "editor_quizzes/template_stats.html",
        template_id=template_id,
        stats=stats,
        min_answers=feedback.MIN_ANSWERS,
    )


# --- Reports --------------------------------------------------------------------------------------


@bp.get("/reports")
@editor_required
def reports() -> ResponseReturnValue:
    """Open problem reports, grouped by template and fact, the most reported first."""
    groups = feedback.group_reports(feedback.list_reports(get_session()))
    return render_template("editor_quizzes/reports.html", groups=groups)


@bp.post("/reports/<id:report_id>/resolve")
@editor_required
def resolve(report_id: int) -> ResponseReturnValue:
    """Mark a report as dealt with; it leaves the open list."""
    try:
        feedback.resolve_report(get_session(), report_id=report_id, editor_id=current_user.id)
    except feedback.ReportNotFound as error:
        return error_page(404, error.message)
    flash(f"Report {report_id} is resolved.")
    return redirect(url_for(".reports"))
