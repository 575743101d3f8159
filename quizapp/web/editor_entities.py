"""The editor workspace's entities, at /editor/entities: find one, edit it, merge two.

The list searches the bank's entities by name or alias; an entity's page shows its form
(name, type, aliases, tags, and the short forms it could add as aliases), the facts that
name it and the articles whose event it is, its history, and the form that merges another
entity with it. The views parse forms and render; lookups are in quizapp.workspace.articles
and the changes in quizapp.workspace.edits (`edit_entity`, `merge_entities`), which check the
whole bank, regenerate the questions and log who did it.
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
from quizapp.models import Entity
from quizapp.web import auth
from quizapp.web.auth import editor_required
from quizapp.web.editor_articles import _on_form, _seed
from quizapp.workspace import articles, edits
from quizapp.workspace.edits import EditError

bp = Blueprint("editor_entities", __name__)
bp.register_error_handler(CSRFError, auth.csrf_error)
bp.register_error_handler(HTTPException, auth.http_error)

LIST_LIMIT = 50  # entities a search lists; a narrower search finds the rest


@bp.get("/")
@editor_required
def index() -> ResponseReturnValue:
    """Entities whose name or alias matches ``q`` (of ``type``, if given), best first; without
    a query, the first ones by name."""
    db = get_session()
    query = request.args.get("q", "").strip()
    type_ = request.args.get("type", "").strip()
    hits = articles.search_entities(db, query, [type_] if type_ else [], limit=LIST_LIMIT)
    return render_template(
        "editor_entities/index.html",
        hits=hits,
        query=query,
        type=type_,
        types=articles.entity_types(db),
        facts=articles.fact_counts(db, [h.id for h in hits]),
        limit=LIST_LIMIT,
    )


@bp.get("/<entity_id>")
@editor_required
def entity_page(entity_id: str) -> ResponseReturnValue:
    """The entity's form, where it is used, its history and the merge form; an entity merged
    away shows its history and where it went."""
    db = get_session()
    entity = db.get(Entity, entity_id)
    if entity is None:
        return _merged_away(entity_id)
    return _page(entity, _form_of(entity))


@bp.post("/<entity_id>")
@editor_required
def save(entity_id: str) -> ResponseReturnValue:
    """Save the entity's name, type, aliases (with the offered short forms ticked) and tags."""
    db = get_session()
    entity = _entity_or_404(entity_id)
    form = request.form
    aliases = form.get("aliases", "").split(",") + form.getlist("offered")
    try:
        edits.edit_entity(
            db,
            editor_id=current_user.id,
            entity_id=entity.id,
            name=form.get("name", ""),
            type_=form.get("type", ""),
            aliases=aliases,
            tags=form.get("tags", "").split(","),
            seed=_seed(),
        )
    except EditError as error:
        return _page(entity, form, _on_form(error.problems), 400)
    flash(f"Saved {form.get('name', '').strip()}: its questions are made again.")
    return redirect(url_for(".entity_page", entity_id=entity.id))


@bp.post("/<entity_id>/merge")
@editor_required
def merge(entity_id: str) -> ResponseReturnValue:
    """Merge another entity (``other``: its name, alias or id) with this one, keeping this one
    or the other (``keep``); asks first, unless ``confirmed=yes``."""
    db = get_session()
    entity = _entity_or_404(entity_id)
    form = request.form
    other, problem = _other(form.get("other", ""), entity)
    if other is None:
        return _page(entity, _form_of(entity), [problem] if problem else [], 400, merge=form)
    keep, gone = (other, entity) if form.get("keep") == "other" else (entity, other)
    refused = edits.merge_problem(keep, gone)
    if refused is not None:
        return _page(entity, _form_of(entity), [refused], 400, merge=form)
    if form.get("confirmed") != "yes":
        use = articles.entity_use(db, gone.id)
        return render_template(
            "editor_entities/merge.html", entity=entity, other=other, keep=keep, gone=gone, use=use
        )
    try:
        merged = edits.merge_entities(
            db, editor_id=current_user.id, keep_id=keep.id, merged_id=gone.id, seed=_seed()
        )
    except EditError as error:
        return _page(entity, _form_of(entity), _on_form(error.problems), 400, merge=form)
    moved = len(merged.facts)
    said = f"Merged {gone.name} into {keep.name}: {moved} fact{'' if moved == 1 else 's'} moved."
    if merged.left_out:
        kept_out = ", ".join(f"“{form}” ({owner})" for form, owner in merged.left_out.items())
        said += f" Not made aliases, since other entities go by them: {kept_out}."
    flash(said)
    return redirect(url_for(".entity_page", entity_id=keep.id))


def _other(text: str, entity: Entity) -> tuple[Entity | None, Problem | None]:
    # The entity to merge, typed by id, name or alias: exactly one other must fit.
    text = text.strip()
    if not text:
        return None, Problem.at("other", "required", "name the entity to merge with this one")
    found = articles.entities_named(get_session(), text)
    if [e.id for e in found] == [entity.id]:
        return None, Problem.at("other", "same_entity", "pick another entity to merge")
    others = [e for e in found if e.id != entity.id]
    if not others:
        message = f"no entity is called {text!r}: type its name or id as the entity list shows"
        return None, Problem.at("other", "unknown_entity", message)
    if len(others) > 1:
        names = ", ".join(f"{e.name} ({e.id}, {e.type})" for e in others)
        return None, Problem.at(
            "other", "ambiguous_name", f"{text!r} could be {names}: type its id"
        )
    return others[0], None


def _entity_or_404(entity_id: str) -> Entity:
    entity = get_session().get(Entity, entity_id)
    if entity is None:
        abort(404, f"there is no entity {entity_id!r}")
    return entity


def _form_of(entity: Entity) -> dict[str, str]:
    return {
        "name": entity.name,
        "type": entity.type,
        "aliases": ", ".join(entity.aliases),
        "tags": ", ".join(entity.tags),
    }


def _page(
    entity: Entity,
    form: Mapping[str, str],
    problems: list[Problem] | None = None,
    status: int = 200,
    merge: Mapping[str, str] | None = None,
) -> tuple[str, int]:
    db = get_session()
    page = render_template(
        "editor_entities/entity.html",
        entity=entity,
        form=form,
        types=articles.entity_types(db),
        offered=articles.offered_aliases(db, entity),
        use=articles.entity_use(db, entity.id),
        history=articles.record_history(db, subject="entity", subject_id=entity.id),
        problems=problems or [],
        role_problems=by_field(problems or []),
        merge=merge or {},
    )
    return page, status


def _merged_away(entity_id: str) -> ResponseReturnValue:
    db = get_session()
    history = articles.record_history(db, subject="entity", subject_id=entity_id)
    if not history:
        abort(404, f"there is no entity {entity_id!r}")
    into_id = articles.merged_into(db, entity_id)
    into = db.get(Entity, into_id) if into_id else None  # None too if merged on since
    return render_template(
        "editor_entities/gone.html", entity_id=entity_id, history=history, into=into
    )
