"""The editor workspace's templates, at /editor/templates.

Templates: list, write with a live preview, publish, retire, history.

Every page works without JavaScript: the form's "Preview" button renders the preview on the
server. With static/editor-templates.js the preview follows the typing instead, through the
JSON endpoint of `api_bp` at /editor/api/templates/preview (a blueprint of its own, since that
path is outside /editor/templates). Saving and retiring go through `quizapp.workspace.edits`, which
checks the whole bank and writes the change log; these views never write rows themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from quizapp.api.errors import error_response
from quizapp.bank.slots import FILTERS
from quizapp.core.problems import Problem
from quizapp.db import get_session
from quizapp.models import TEMPLATE_STATUSES, Template
from quizapp.questions import live
from quizapp.questions.preview import (
    NEW_TEMPLATE_ID,
    STYLES,
    Preview,
    TemplateDraft,
)
from quizapp.web import editor_jobs
from quizapp.web.auth import csrf_error, editor_required, error_page, http_error
from quizapp.workspace import edits, jobs
from quizapp.workspace.templates import (
    MarkedPart,
    kinds_with_roles,
    list_templates,
    mark_problems,
    question_count,
    status_counts,
    template_history,
)

bp = Blueprint("editor_templates", __name__)
api_bp = Blueprint("editor_templates_api", __name__)

STYLE_LABELS = {
    "multiple_choice": "Multiple choice",
    "true_false": "True or false",
    "typed": "Typed",
}
DRAFT_FIELDS = ("kind", "style", "prompt", "answer_role", "explanation", "requires")
MARKED_FIELDS = ("prompt", "explanation")
# The preview checks every question a draft makes but shows only the first ones: a kind with
# thousands of facts would otherwise send thousands of cards on each pause in typing.
PREVIEW_SHOWN = 30
SAVE_ACTIONS = {"draft": "draft", "publish": "published"}  # the form's action: the status
# The change log's actions as the pages say them.
ACTION_VERBS = {
    "create": "created",
    "update": "changed",
    "publish": "published",
    "queue-publish": "asked to publish (in the background)",
    "retire": "retired",
}

for blueprint in (bp, api_bp):
    # Answered as the rest of the workspace answers them: a page, or JSON under /editor/api/.
    blueprint.register_error_handler(CSRFError, csrf_error)
    blueprint.register_error_handler(HTTPException, http_error)


# --- Pages ----------------------------------------------------------------------------------------


@bp.get("/")
@editor_required
def index() -> ResponseReturnValue:
    """Every template, by kind, filterable by kind and status, with questions and last change."""
    db = get_session()
    kind = request.args.get("kind") or None
    status = request.args.get("status") or None
    return render_template(
        "editor_templates/index.html",
        templates=list_templates(db, kind=kind, status=status),
        kinds=[k.name for k in kinds_with_roles(db)],
        statuses=TEMPLATE_STATUSES,
        counts=status_counts(db),
        kind=kind,
        status=status,
        style_labels=STYLE_LABELS,
        verbs=ACTION_VERBS,
    )


@bp.get("/new")
@editor_required
def new() -> ResponseReturnValue:
    """An empty template form; ``?kind=`` picks the kind."""
    kinds = kinds_with_roles(get_session())
    asked = request.args.get("kind")
    kind = next((k for k in kinds if k.name == asked), kinds[0] if kinds else None)
    draft = TemplateDraft(
        kind=kind.name if kind else "",
        style=STYLES[0],
        prompt="",
        answer_role=kind.roles[0].name if kind and kind.roles else "",
    )
    return _form_page(draft, None)


@bp.get("/<template_id>")
@editor_required
def edit(template_id: str) -> ResponseReturnValue:
    """A template's form, with the questions it makes, its problems and its history."""
    template = get_session().get(Template, template_id)
    if template is None:
        return _no_template(template_id)
    draft = _draft_of(template)
    return _form_page(draft, template_id, preview=_preview(draft))


@bp.post("/new")
@editor_required
def create() -> ResponseReturnValue:
    """Preview, save as a draft or publish a new template (the form's ``action``)."""
    return _submit(None)


@bp.post("/<template_id>")
@editor_required
def update(template_id: str) -> ResponseReturnValue:
    """Preview, save as a draft or publish a template (the form's ``action``)."""
    if get_session().get(Template, template_id) is None:
        return _no_template(template_id)
    return _submit(template_id)


@bp.post("/<template_id>/retire")
@editor_required
def retire(template_id: str) -> ResponseReturnValue:
    """Retire a template once the form's box is ticked; unplayed quizzes are rebuilt."""
    template = get_session().get(Template, template_id)
    if template is None:
        return _no_template(template_id)
    if template.status == "retired":
        flash("It was retired already.")
        return redirect(url_for(".edit", template_id=template_id))
    draft = _draft_of(template)
    if request.form.get("confirm") != "yes":
        message = "tick the box to confirm that this template should be retired"
        return _form_page(draft, template_id, retire_error=message, status=400)
    try:
        edits.retire_template(
            get_session(), editor_id=current_user.id, template_id=template_id, seed=_seed()
        )
    except edits.EditError as error:
        return _form_page(draft, template_id, problems=error.problems, status=400)
    _rebuild_quizzes()
    flash("Retired: it makes no more questions. Quizzes already played keep theirs.")
    return redirect(url_for(".edit", template_id=template_id))


# --- The preview as JSON --------------------------------------------------------------------------


@api_bp.post("/preview")
@editor_required
def preview() -> ResponseReturnValue:
    """The preview of a draft sent as JSON: its questions, its problems, whether it may publish.

    In: kind, style, prompt, answer_role, explanation (strings; a missing or null one counts as
    empty), requires (its form's lines; missing or null keeps the saved template's) and
    optionally id, the saved template the draft replaces. Out: question_count, the
    first PREVIEW_SHOWN questions, problems (over every question), can_publish, sampled
    (null, or how many of a big kind's facts the draft was tried on: quizapp.questions.live), and
    ``marked``: the prompt and explanation cut into parts, those that problems point at with
    their severity.
    """
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return error_response(400, "send the draft as a JSON object: " + ", ".join(DRAFT_FIELDS))
    wrong = [name for name in (*DRAFT_FIELDS, "id") if not isinstance(body.get(name), str | None)]
    if wrong:
        return error_response(400, f"these must be strings: {', '.join(wrong)}")
    draft = _draft_from(body, body.get("id") or None)
    result = _preview(draft)
    return {
        "question_count": len(result.questions),
        "sampled": (
            {"facts_tried": result.sampled[0], "facts": result.sampled[1]}
            if result.sampled
            else None
        ),
        "questions": [asdict(q) for q in result.questions[:PREVIEW_SHOWN]],
        "problems": [p.as_json() for p in result.problems],
        "can_publish": not result.errors,
        "errors": len(result.errors),
        "warnings": len(result.warnings),
        "marked": {
            field: [asdict(part) for part in _marked(draft, result, field)]
            for field in MARKED_FIELDS
        },
    }


# --- Helpers --------------------------------------------------------------------------------------


def _submit(template_id: str | None) -> ResponseReturnValue:
    draft = _draft_from(request.form, template_id)
    action = request.form.get("action", "")
    if action == "preview":
        return _form_page(draft, template_id, preview=_preview(draft))
    if action not in SAVE_ACTIONS:
        problems = [Problem("unknown_action", "choose Preview, Save draft or Publish", "action")]
        return _form_page(draft, template_id, problems=problems, status=400)
    _, problems = edits.requires_from_text(request.form.get("requires", ""))
    if problems:
        return _form_page(draft, template_id, problems=problems, status=400)
    db = get_session()
    old = db.get(Template, template_id) if template_id else None
    was_published = old is not None and old.status == "published"
    try:
        saved = edits.save_template(
            db,
            editor_id=current_user.id,
            kind=draft.kind,
            style=draft.style,
            prompt=draft.prompt,
            answer_role=draft.answer_role,
            explanation=draft.explanation,
            status=SAVE_ACTIONS[action],
            template_id=template_id,
            requires={role: list(wanted) for role, wanted in draft.requires.items()},
            seed=_seed(),
        )
    except edits.EditError as error:
        return _form_page(
            draft, template_id, preview=_preview(draft), problems=error.problems, status=400
        )
    if saved.jobs:
        # The job rebuilds the quizzes once it has published (quizapp.web.editor_jobs).
        flash(
            "Publishing in the background: every fact of its kind is checked and its questions"
            " made; the bar above shows how far it is. Until then players see it as it was"
            " (none of its questions, if it was a draft)."
        )
        return redirect(url_for(".edit", template_id=saved.id))
    # Quizzes are copies of questions: only a change to published questions reaches them.
    if action == "publish" or was_published:
        _rebuild_quizzes()
    flash(_saved_message(action, saved.questions, was_published))
    return redirect(url_for(".edit", template_id=saved.id))


def _saved_message(action: str, questions: int, was_published: bool) -> str:
    if action == "publish":
        noun = "question" if questions == 1 else "questions"
        return f"Published: makes {questions} {noun}, shown to players once reviewed."
    if was_published:
        return "Saved as a draft: it makes no questions until it is published again."
    return "Saved as a draft."


def _form_page(
    draft: TemplateDraft,
    template_id: str | None,
    *,
    preview: Preview | None = None,
    problems: list[Problem] | None = None,
    retire_error: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    db = get_session()
    template = db.get(Template, template_id) if template_id else None
    page = render_template(
        "editor_templates/edit.html",
        draft=draft,
        template=template,
        questions=question_count(db, template_id) if template_id else 0,
        history=template_history(db, template_id) if template_id else [],
        verbs=ACTION_VERBS,
        kinds=kinds_with_roles(db),
        styles=STYLES,
        style_labels=STYLE_LABELS,
        filters=sorted(FILTERS),
        preview=preview,
        preview_shown=PREVIEW_SHOWN,
        marked={f: _marked(draft, preview, f) for f in MARKED_FIELDS} if preview else {},
        problems=problems or [],
        retire_error=retire_error,
        requires_text=edits.requires_text(draft.requires),
        publish_now_facts=edits.PUBLISH_NOW_FACTS,
        pending=jobs.pending_publish(db, template_id) if template_id else None,
    )
    return page, status


def _draft_from(values: Mapping[str, Any], template_id: str | None) -> TemplateDraft:
    def text(name: str) -> str:
        value = values.get(name)
        return value if isinstance(value, str) else ""

    return TemplateDraft(
        kind=text("kind").strip(),
        style=text("style").strip(),
        prompt=text("prompt"),
        answer_role=text("answer_role").strip(),
        explanation=text("explanation") or None,
        id=template_id or NEW_TEMPLATE_ID,
        requires=_requires_from(values, template_id),
    )


def _requires_from(
    values: Mapping[str, Any], template_id: str | None
) -> dict[str, tuple[str, ...]]:
    # A form or a client that does not send the field keeps what the saved template requires.
    raw = values.get("requires")
    if isinstance(raw, str):
        requires = edits.requires_from_text(raw)[0]
    else:
        saved = get_session().get(Template, template_id) if template_id else None
        requires = saved.requires if saved else {}
    return {role: tuple(wanted) for role, wanted in requires.items()}


def _draft_of(template: Template) -> TemplateDraft:
    return TemplateDraft(
        template.kind,
        template.style,
        template.prompt,
        template.answer_role,
        template.explanation,
        template.id,
        {role: tuple(wanted) for role, wanted in template.requires.items()},
    )


def _marked(draft: TemplateDraft, preview: Preview, field: str) -> list[MarkedPart]:
    return mark_problems(getattr(draft, field) or "", preview.problems, field)


def _preview(draft: TemplateDraft) -> Preview:
    return live.preview(get_session(), draft, seed=_seed())


def _seed() -> int:
    seed: int = current_app.config["GENERATION_SEED"]  # checked by quizapp.core.settings
    return seed


def _rebuild_quizzes() -> None:
    # Quizzes that players have scored on are left as they are (build_quizzes skips them); a
    # big bank's take seconds, so they are rebuilt in the background (the bar shows it).
    jobs.rebuild_quizzes_soon(
        get_session(), editor_id=current_user.id, quizzes=editor_jobs.quiz_builder(current_app)
    )


def _no_template(template_id: str) -> tuple[str, int]:
    return error_page(404, f"there is no template {template_id!r}")
