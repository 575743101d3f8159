"""Fact proposals in the workspace, at /editor/articles/<article>/proposals.

The article page lists each sentence's proposals with Accept, Edit and Dismiss; the review
screen lists the whole article's, each with a checkbox and a type select per new entity, and
accepts the ticked ones at once. Proposals are recomputed from the article on every request
(quizapp.workspace.accept.offered), so a form posts only a proposal's key and the server finds
the proposal again: posted role values are never trusted. "Edit" is the fact form, prefilled
(quizapp.web.editor_articles.new_fact with ``?proposal=``), whose own checks apply.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlmodel import Session
from werkzeug.exceptions import HTTPException

from quizapp.core.problems import Problem
from quizapp.db import get_session
from quizapp.models import Article
from quizapp.web import auth
from quizapp.web.auth import editor_required
from quizapp.workspace import accept, articles
from quizapp.workspace.accept import AcceptError
from quizapp.workspace.edits import EditError
from quizapp.workspace.proposals import Proposal

bp = Blueprint("editor_proposals", __name__)
bp.register_error_handler(CSRFError, auth.csrf_error)
bp.register_error_handler(HTTPException, auth.http_error)

STALE = (
    "a proposal you chose is no longer offered (it was accepted or dismissed meanwhile, or the"
    " bank changed): the list below is up to date, choose again"
)


@bp.get("/<article_id>/proposals")
@editor_required
def review(article_id: str) -> ResponseReturnValue:
    """Every proposal of the article, the sure ones ticked, to accept at once."""
    article = _article_or_404(article_id)
    return _review_page(article, accept.offered(get_session(), article))


@bp.post("/<article_id>/proposals/accept")
@editor_required
def accept_selected(article_id: str) -> ResponseReturnValue:
    """Accept the posted keys' proposals (``key``, one or more), with the types chosen for
    their new entities; back to the article (``back=article``) or to the review screen."""
    article = _article_or_404(article_id)
    db = get_session()
    offered = accept.offered(db, article)
    by_key = {p.key: p for p in offered}
    keys = request.form.getlist("key")
    if not keys:
        problem = Problem("nothing_selected", "tick at least one proposal to accept")
        return _review_page(article, offered, {"": [problem]}, 400)
    if any(key not in by_key for key in keys):
        return _review_page(article, offered, {"": [Problem("stale_proposal", STALE)]}, 400)
    chosen = [by_key[key] for key in keys]
    try:
        done = accept.accept_proposals(
            db,
            editor_id=current_user.id,
            article_id=article.id,
            proposals=chosen,
            seed=current_app.config["GENERATION_SEED"],
            overrides=_posted_types(db, article, chosen),
        )
    except EditError as error:
        refused = error.by_key if isinstance(error, AcceptError) else {"": error.problems}
        return _review_page(article, offered, refused, 400, selected=set(keys))
    facts = f"{len(done.facts)} fact{'' if len(done.facts) == 1 else 's'}"
    questions = f"{done.questions} question{'' if done.questions == 1 else 's'}"
    names = articles.entity_names(db, done.entities)
    added = (
        f"; added {', '.join(names.get(e, e) for e in done.entities)} to the bank"
        if done.entities
        else ""
    )
    flash(f"Accepted {facts}: they make {questions}{added}.")
    return _back(article)


@bp.post("/<article_id>/proposals/dismiss")
@editor_required
def dismiss(article_id: str) -> ResponseReturnValue:
    """Dismiss the proposal ``dismiss`` (its key): the article does not offer it again."""
    article = _article_or_404(article_id)
    db = get_session()
    key = request.form.get("dismiss", "")
    proposal = next((p for p in accept.offered(db, article) if p.key == key), None)
    if proposal is None:
        abort(400, STALE.replace("choose again", "reload the page"))
    accept.dismiss_proposal(db, editor_id=current_user.id, article_id=article.id, proposal=proposal)
    flash("Dismissed: the article will not propose it again.")
    return _back(article)


def _posted_types(
    db: Session, article: Article, chosen: Sequence[Proposal]
) -> dict[str, dict[str, str]]:
    # The review screen's selects: "type-<i>-<j>" is the j-th new entity of the proposal
    # whose key is "at-<i>", in the order the screen lists them (ProposalView.new_values).
    views = {v.key: v for v in accept.proposal_views(db, article, chosen)}
    where = {
        request.form.get(name, ""): name.removeprefix("at-")
        for name in request.form
        if name.startswith("at-")
    }
    types: dict[str, dict[str, str]] = {}
    for key, view in views.items():
        index = where.get(key)
        for j, value in enumerate(view.new_values):
            picked = request.form.get(f"type-{index}-{j}", "").strip() if index else ""
            if picked:
                types.setdefault(key, {})[value.text] = picked
    return types


def _back(article: Article) -> ResponseReturnValue:
    if request.form.get("back") == "article":
        anchor = request.form.get("anchor", "")
        return redirect(
            url_for(
                "editor_articles.article_page",
                article_id=article.id,
                _anchor=anchor if anchor.startswith("s-") else None,
            )
        )
    return redirect(url_for(".review", article_id=article.id))


def _review_page(
    article: Article,
    offered: Sequence[Proposal],
    problems: Mapping[str, Sequence[Problem]] | None = None,
    status: int = 200,
    selected: set[str] | None = None,
) -> tuple[str, int]:
    problems = problems or {}
    page = render_template(
        "editor_proposals/review.html",
        article=article,
        views=accept.proposal_views(get_session(), article, offered),
        problems=problems,
        all_problems=[p for found in problems.values() for p in found],
        selected=selected,
    )
    return page, status


def _article_or_404(article_id: str) -> Article:
    article = get_session().get(Article, article_id)
    if article is None:
        abort(404, f"there is no article {article_id!r}")
    return article
