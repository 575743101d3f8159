"""Fact kinds in the browser, at /editor/kinds (admins only): the list, a new kind, a kind's form.

A kind is a shape every fact of it has, so changing one can break the bank's facts and
templates: only admins may (plain editors, like players, get 403). The views parse the form
and render; the checks, the write and the change log are quizapp.workspace.kinds'.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from quizapp.core.problems import Problem, by_field
from quizapp.db import get_session
from quizapp.web import auth
from quizapp.web.auth import admin_required
from quizapp.web.editor_articles import _seed
from quizapp.workspace import articles, kinds
from quizapp.workspace.edits import EditError
from quizapp.workspace.kinds import KindForm, RoleForm

bp = Blueprint("editor_kinds", __name__)
bp.register_error_handler(CSRFError, auth.csrf_error)
bp.register_error_handler(HTTPException, auth.http_error)

BLANK_ROWS = 2  # empty role rows a form offers, for new roles


@bp.get("/")
@admin_required
def index() -> ResponseReturnValue:
    """Every kind with its roles, cue phrases and how many facts and templates use it."""
    db = get_session()
    return render_template(
        "editor_kinds/index.html", kinds=kinds.list_kinds(db), use=kinds.kind_use(db)
    )


@bp.get("/new")
@admin_required
def new() -> ResponseReturnValue:
    """The form of a new kind."""
    return _page(None, KindForm(name="", roles=[RoleForm("", [])]))


@bp.post("/new")
@admin_required
def create() -> ResponseReturnValue:
    """Add the kind the form describes."""
    return _save(None, request.form.get("name", ""))


@bp.get("/<name>")
@admin_required
def kind_page(name: str) -> ResponseReturnValue:
    """A kind's form and its history."""
    kind = kinds.list_kinds(get_session()).get(name)
    if kind is None:
        abort(404, f"there is no kind {name!r}")
    return _page(name, kinds.kind_form(name, kind))


@bp.post("/<name>")
@admin_required
def save(name: str) -> ResponseReturnValue:
    """Save the kind's description, roles, rules and cue phrases; its name stays."""
    if name not in kinds.list_kinds(get_session()):
        abort(404, f"there is no kind {name!r}")
    return _save(name, name)


def _save(existing: str | None, name: str) -> ResponseReturnValue:
    form, problems = kinds.kind_form_from(request.form, name)
    if problems:
        return _page(existing, form, problems, 400, raw=request.form)
    try:
        saved = kinds.save_kind(
            get_session(), editor_id=current_user.id, form=form, new=existing is None, seed=_seed()
        )
    except EditError as error:
        shown = kinds.on_kind_form(error.problems, form.name)
        return _page(existing, form, shown, 400, raw=request.form)
    if existing is None:
        flash(f"Added the kind {saved.id}: its facts can be recorded, and its phrases proposed.")
    else:
        flash(f"Saved the kind {saved.id}: its questions are made again.")
    return redirect(url_for(".kind_page", name=saved.id))


def _page(
    name: str | None,
    form: KindForm,
    problems: list[Problem] | None = None,
    status: int = 200,
    raw: Mapping[str, str] | None = None,
) -> tuple[str, int]:
    db = get_session()
    # A refused form shows what was typed (unique_given's lines as they were), not a reading.
    unique_given = (
        raw.get("unique_given", "")
        if raw is not None
        else kinds.unique_given_text(form.unique_given or {})
    )
    page = render_template(
        "editor_kinds/edit.html",
        name=name,
        form=form,
        unique_given=unique_given,
        rows=[*form.roles, *[RoleForm("", [])] * BLANK_ROWS],
        types=kinds.known_types_of(db),
        use=kinds.kind_use(db).get(name or "", (0, 0)),
        history=articles.record_history(db, subject="kind", subject_id=name) if name else [],
        problems=problems or [],
        at=by_field(problems or []),
    )
    return page, status
