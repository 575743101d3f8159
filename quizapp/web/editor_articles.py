"""The editor workspace's articles, at /editor/articles.

Articles and facts: paste an article, facts from suggestions, entities, corrections. The views
parse forms and render; lookups are in quizapp.workspace.articles and every change goes through
quizapp.workspace.edits, which checks the whole bank, regenerates the questions concerned and logs
who did it.

The fact form works without JavaScript: it holds one fieldset of role fields per kind, all
but the chosen kind's hidden and disabled (so they are not sent), and "Choose kind" sends the
form back to show another kind's fields. static/editor-articles.js switches in place, fills
the entity lists from the search endpoint (`api_bp`, at /editor/api) as the editor types,
and adds a new entity without leaving the form.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlmodel import Session
from werkzeug.exceptions import HTTPException

from quizapp.api.errors import problems_response
from quizapp.bank.files import KindIn
from quizapp.core.problems import Problem, by_field
from quizapp.db import get_session
from quizapp.models import Article, Fact
from quizapp.web import auth
from quizapp.web.auth import editor_required, local_path, wants_json
from quizapp.workspace import accept, articles, edits, review
from quizapp.workspace.edits import EditError
from quizapp.workspace.proposals import Proposal
from quizapp.workspace.suggest import Category, EntityRef, Mention, SentenceSuggestions

bp = Blueprint("editor_articles", __name__)
api_bp = Blueprint("editor_articles_api", __name__)
# The workspace's own error pages (or JSON under /editor/api/), not Flask's bare ones.
for blueprint in (bp, api_bp):
    blueprint.register_error_handler(CSRFError, auth.csrf_error)
    blueprint.register_error_handler(HTTPException, auth.http_error)

ROLE_FIELD = "role-"  # form fields of roles are named role-<role>
NEW_NAME_TYPES = {Category.TITLE: "song", Category.NEW_NAME: "person"}


# --- Articles -----------------------------------------------------------------------------------


@bp.get("/")
@editor_required
def index() -> ResponseReturnValue:
    """Every article with its numbers of facts and questions, and a link to add one."""
    summaries = articles.list_articles(get_session())
    return render_template("editor_articles/index.html", articles=summaries)


@bp.route("/new", methods=["GET", "POST"])
@editor_required
def new_article() -> ResponseReturnValue:
    """Paste an article: title, date, event, source, address and text."""
    form = request.form if request.method == "POST" else {}
    if request.method == "GET":
        return _article_form(form)
    db = get_session()
    date, new_event, problems = _article_extras(form)
    if date is None or problems:
        return _article_form(form, problems, 400)
    try:
        saved = edits.add_article(
            db,
            editor_id=current_user.id,
            title=form.get("title", ""),
            date=date,
            source=form.get("source", ""),
            text_=form.get("text", ""),
            event_id=form.get("event") or None,
            url=form.get("url", "").strip() or None,
            new_event=new_event,
            seed=_seed(),
        )
    except EditError as error:
        return _article_form(form, _on_form(error.problems), 400)
    article = _article_or_404(saved.id)
    if accept.offered(db, article):
        # The proposals are the quickest way from a pasted article to its facts.
        flash("Added the article. The workspace proposes these facts: check them and accept.")
        _flash_new_event(saved.id)
        return redirect(url_for("editor_proposals.review", article_id=saved.id))
    flash("Added the article. Pick a sentence below to record a fact from it.")
    _flash_new_event(saved.id)
    return redirect(url_for(".article_page", article_id=saved.id))


def _flash_new_event(article_id: str) -> None:
    # What a new event brought (its facts, or why none): the change log says it.
    changes = edits.history(get_session(), subject="article", subject_id=article_id, limit=1)
    made = changes[0].detail.get("new event") if changes else None
    if made:
        flash(f"New event: {made}.")


def _on_form(problems: Iterable[Problem], fields: dict[str, str] | None = None) -> list[Problem]:
    """The problems as a form shows them: the form is the record being saved, so they name
    no record, each at its field's name on the form (``fields`` renames: a fact's
    "roles.partner" is its form's "partner")."""
    fields = fields or {}
    return [p.on_form(fields.get(p.field, p.field) if p.field else None) for p in problems]


def _article_form(
    form: Mapping[str, str],
    problems: list[Problem] | None = None,
    status: int = 200,
    article: Article | None = None,
) -> tuple[str, int]:
    events = articles.entities_of_types(get_session(), ["event"])
    page = render_template(
        "editor_articles/new.html",
        form=form,
        events=events,
        problems=problems or [],
        role_problems=by_field(problems or []),
        article=article,
    )
    return page, status


@bp.route("/<article_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_article(article_id: str) -> ResponseReturnValue:
    """Correct an article: title, date, source, address, event (or a new one) and text. A new
    text must keep every fact's evidence word for word; the refusal names the facts."""
    article = _article_or_404(article_id)
    if request.method == "GET":
        form = {
            "title": article.title,
            "date": article.date.isoformat(),
            "source": article.source,
            "event": article.event_id or "",
            "url": article.url or "",
            "text": article.text,
        }
        return _article_form(form, article=article)
    form = request.form
    date, new_event, problems = _article_extras(form)
    if date is None or problems:
        return _article_form(form, problems, 400, article)
    try:
        edits.edit_article(
            get_session(),
            editor_id=current_user.id,
            article_id=article.id,
            title=form.get("title", ""),
            date=date,
            source=form.get("source", ""),
            text_=form.get("text", ""),
            event_id=form.get("event") or None,
            url=form.get("url", "").strip() or None,
            new_event=new_event,
            seed=_seed(),
        )
    except EditError as error:
        return _article_form(form, _on_form(error.problems), 400, article)
    flash("Saved the article.")
    _flash_new_event(article.id)
    return redirect(url_for(".article_page", article_id=article.id))


def _article_extras(
    form: Mapping[str, str],
) -> tuple[dt.date | None, edits.NewEvent | None, list[Problem]]:
    """The article form's date and new event (name, year, edition, venue), and what is wrong
    with them: whole numbers where numbers go, and a name for an event given anything."""
    problems = []
    date = None
    try:
        date = dt.date.fromisoformat(form.get("date", "").strip())
    except ValueError:
        problems.append(Problem.at("date", "bad_date", "give the date the article was published"))
    name = form.get("new_event_name", "").strip()
    numbers: dict[str, int | None] = {}
    for field_name, label, low, high in (
        ("new_event_year", "a year such as 2026", 1000, 9999),
        ("new_event_edition", "a whole number such as 28 (for the 28th)", 1, 9999),
    ):
        raw = form.get(field_name, "").strip()
        # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
        number = int(raw) if re.fullmatch(r"[0-9]{1,6}", raw) else None
        numbers[field_name] = number if number is not None and low <= number <= high else None
        if raw and numbers[field_name] is None:
            problems.append(Problem.at(field_name, "bad_number", f"give {label}", value=raw))
    venue = form.get("new_event_venue", "").strip()
    if not name:
        if any(form.get(f, "").strip() for f in ("new_event_year", "new_event_edition")) or venue:
            message = "give the new event's name, or leave its year, edition and venue empty"
            problems.append(Problem.at("new_event_name", "required", message))
        return date, None, problems
    new_event = edits.NewEvent(name, numbers["new_event_year"], numbers["new_event_edition"], venue)
    return date, new_event, problems


@bp.get("/<article_id>")
@editor_required
def article_page(article_id: str) -> ResponseReturnValue:
    """The article sentence by sentence: what each mentions, the facts recorded from it."""
    db = get_session()
    article = _article_or_404(article_id)
    layout = articles.article_layout(db, article)
    proposals: dict[int | None, list[accept.ProposalView]] = {}
    for view in accept.proposal_views(db, article, accept.offered(db, article)):
        proposals.setdefault(view.sentence, []).append(view)
    return render_template(
        "editor_articles/article.html",
        layout=layout,
        labels=articles.CATEGORY_LABELS,
        pending=review.pending_for_article(db, article_id),
        proposals=proposals,
        offered=sum(len(views) for views in proposals.values()),
    )


def _article_or_404(article_id: str) -> Article:
    article = get_session().get(Article, article_id)
    if article is None:
        abort(404, f"there is no article {article_id!r}")
    return article


# --- Facts --------------------------------------------------------------------------------------


@dataclass
class FactDraft:
    """What the fact form holds: the kind, each role's values as typed, the evidence."""

    kind: str = ""
    values: dict[str, list[str]] = field(default_factory=dict)
    evidence: str = ""

    @classmethod
    def posted(cls) -> FactDraft:
        """The draft the form sent."""
        values = {
            name.removeprefix(ROLE_FIELD): [v.strip() for v in request.form.getlist(name)]
            for name in request.form
            if name.startswith(ROLE_FIELD)
        }
        # Browsers send a textarea's line ends as CRLF; the article's text has "\n" only.
        evidence = request.form.get("evidence", "").replace("\r\n", "\n")
        return cls(request.form.get("kind", "").strip(), values, evidence)

    @classmethod
    def proposed(cls, proposal: Proposal) -> FactDraft:
        """The draft of a proposal: known entities by id, new ones by name (the form then
        offers to add them), literals as text."""
        values = {
            role: [f.entity_id or f.text for f in fillers]
            for role, fillers in proposal.roles.items()
        }
        return cls(proposal.kind, values, proposal.evidence)

    @classmethod
    def of(cls, fact: Fact) -> FactDraft:
        """The draft of a recorded fact."""
        values = {
            role: [str(v) for v in (raw if isinstance(raw, list) else [raw])]
            for role, raw in fact.roles.items()
        }
        return cls(fact.kind, values, fact.evidence)


@bp.route("/<article_id>/facts/new", methods=["GET", "POST"])
@editor_required
def new_fact(article_id: str) -> ResponseReturnValue:
    """Record a fact from a sentence (``?sentence=N``, from 1): its evidence to start with."""
    article = _article_or_404(article_id)
    sentences = articles.article_suggestions(get_session(), article)
    number = request.args.get("sentence", type=int)
    if number is not None and not 1 <= number <= len(sentences):
        abort(404, f"the article has no sentence {number}")
    if request.method == "GET":
        item = sentences[number - 1] if number else None
        draft = FactDraft(
            kind=request.args.get("kind", ""),
            values=_prefilled(article, item.mentions if item else ()),
            evidence=item.sentence.text if item else "",
        )
        if "proposal" in request.args:
            draft = FactDraft.proposed(_proposal_or_404(article, request.args["proposal"]))
        return _fact_page(article, None, draft, number, item)
    return _submit_fact(article, None, number, sentences)


@bp.route("/<article_id>/facts/<fact_id>", methods=["GET", "POST"])
@editor_required
def edit_fact(article_id: str, fact_id: str) -> ResponseReturnValue:
    """Correct a fact; its questions are made again. Shows its questions and its history."""
    article = _article_or_404(article_id)
    fact = _fact_or_404(article, fact_id)
    sentences = articles.article_suggestions(get_session(), article)
    number = articles.sentence_number_of(sentences, article.text, fact.evidence)
    if request.method == "GET":
        item = sentences[number - 1] if number else None
        return _fact_page(article, fact, FactDraft.of(fact), number, item)
    return _submit_fact(article, fact, number, sentences)


@bp.post("/<article_id>/facts/<fact_id>/retire")
@editor_required
def retire_fact(article_id: str, fact_id: str) -> ResponseReturnValue:
    """Retire a fact once confirmed (``confirmed=yes``); until then, ask."""
    article = _article_or_404(article_id)
    fact = _fact_or_404(article, fact_id)
    db = get_session()
    if request.form.get("confirmed") != "yes":
        summary = articles.summarize_facts(db, [fact])[0]
        return render_template("editor_articles/retire.html", article=article, fact=summary)
    try:
        edits.retire_fact(db, editor_id=current_user.id, fact_id=fact.id, seed=_seed())
    except EditError as error:
        flash(f"Not retired: {error}")
    else:
        flash(f"Retired the fact {fact.id}: its questions are gone.")
    return redirect(url_for(".article_page", article_id=article.id))


@bp.post("/<article_id>/facts/<fact_id>/restore")
@editor_required
def restore_fact(article_id: str, fact_id: str) -> ResponseReturnValue:
    """Bring a retired fact back; it makes its questions again."""
    article = _article_or_404(article_id)
    fact = _fact_or_404(article, fact_id)
    try:
        saved = edits.restore_fact(
            get_session(), editor_id=current_user.id, fact_id=fact.id, seed=_seed()
        )
    except EditError as error:
        flash(f"Not restored: {error}")
    else:
        made = f"{saved.questions} question{'' if saved.questions == 1 else 's'}"
        flash(f"Restored the fact {fact.id}: it makes {made} again.")
    return redirect(url_for(".edit_fact", article_id=article.id, fact_id=fact.id))


def _proposal_or_404(article: Article, key: str) -> Proposal:
    found = next((p for p in accept.offered(get_session(), article) if p.key == key), None)
    if found is None:
        abort(404, "the article no longer offers that proposal: it was accepted or dismissed")
    return found


def _fact_or_404(article: Article, fact_id: str) -> Fact:
    fact = get_session().get(Fact, fact_id)
    if fact is None or fact.article_id != article.id:
        abort(404, f"the article has no fact {fact_id!r}")
    return fact


def _seed() -> int:
    seed: int = current_app.config["GENERATION_SEED"]  # checked by quizapp.core.settings
    return seed


def _prefilled(article: Article, mentions: tuple[Mention, ...]) -> dict[str, list[str]]:
    # Most facts happen at the article's event: start every "event" role with it.
    events = [r.id for r in articles.suggested_entities(mentions) if r.type == "event"]
    event = article.event_id or (events[0] if len(events) == 1 else None)
    return {"event": [event]} if event else {}


def _submit_fact(
    article: Article,
    fact: Fact | None,
    number: int | None,
    sentences: list[SentenceSuggestions],
) -> ResponseReturnValue:
    """Save the posted fact, or show the form again: with another kind's fields, or why not."""
    draft = FactDraft.posted()
    item = sentences[number - 1] if number else None
    if request.form.get("action") == "kind":
        return _fact_page(article, fact, draft, number, item)
    db = get_session()
    kind = articles.fact_kinds(db).get(draft.kind)
    if kind is None:
        problems = [Problem.at("kind", "required", "choose what kind of fact this is")]
        return _fact_page(article, fact, draft, number, item, problems, 400)
    roles, problems = _roles(kind, draft)
    if problems:
        return _fact_page(article, fact, draft, number, item, problems, 400)
    try:
        saved = edits.save_fact(
            db,
            editor_id=current_user.id,
            kind=draft.kind,
            article_id=article.id,
            roles=roles,
            evidence=draft.evidence,
            fact_id=fact.id if fact else None,
            seed=_seed(),
        )
    except EditError as error:
        return _fact_page(article, fact, draft, number, item, error.problems, 400)
    noun = "question" if saved.questions == 1 else "questions"
    flash(f"Saved: the fact makes {saved.questions} {noun}, shown to players once reviewed.")
    if saved.jobs:
        flash(
            "The questions that draw wrong answers from the same names are refreshed in the"
            " background; the bar above shows how far."
        )
    number = articles.sentence_number_of(sentences, article.text, draft.evidence.strip())
    anchor = f"s-{number}" if number else None
    return redirect(url_for(".article_page", article_id=article.id, _anchor=anchor))


def _roles(kind: KindIn, draft: FactDraft) -> tuple[dict[str, Any], list[Problem]]:
    # Only the chosen kind's roles count: others may linger from a kind chosen before.
    values = {role: items for role, items in draft.values.items() if role in kind.roles}
    values, problems = articles.resolve_entities(get_session(), kind, values)
    roles, more = edits.roles_from_form(kind, values)
    return roles, problems + more


def _fact_page(
    article: Article,
    fact: Fact | None,
    draft: FactDraft,
    number: int | None,
    item: SentenceSuggestions | None,
    problems: list[Problem] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The fact form with everything it offers: kinds, entity lists, suggestions, history.

    Each problem shows at the top and under its field: a role's under the role, whether the
    form ("partner") or the bank's check ("roles.partner") found it.
    """
    db = get_session()
    kinds = articles.fact_kinds(db)
    mentions = item.mentions if item else ()
    suggested = articles.suggested_entities(mentions)
    typed = [v for values in draft.values.values() for v in values]
    kind = kinds.get(draft.kind)
    problems = _on_form(
        problems or [], {f"roles.{role}": role for role in kind.roles} if kind else {}
    )
    here = _fact_url(article, fact, number, draft.kind)
    entity_lists, shown = _entity_lists(kinds, suggested, typed)
    page = render_template(
        "editor_articles/fact.html",
        article=article,
        fact=fact,
        draft=draft,
        number=number,
        kinds=kinds,
        hints={
            name: {role: articles.role_hint(spec) for role, spec in kind.roles.items()}
            for name, kind in kinds.items()
        },
        mentions=mentions,
        pieces=articles.sentence_pieces(article.text, item) if item else (),
        suggested=suggested,
        entity_labels=articles.entity_labels(db, typed),
        entity_lists=entity_lists,
        shown=shown,
        new_names=_new_names(mentions, here),
        problems=problems,
        repeated=_repeated_facts(db, problems),
        role_problems=by_field(problems),
        entity_types=articles.entity_types(db),
        questions=articles.fact_questions(db, fact.id) if fact else [],
        history=articles.record_history(db, subject="fact", subject_id=fact.id) if fact else [],
        labels=articles.CATEGORY_LABELS,
        here=here,
    )
    return page, status


def _repeated_facts(db: Session, problems: Iterable[Problem]) -> dict[str, str]:
    # A duplicate's problem names the fact it repeats (its hint): the form links to it.
    urls = {}
    for problem in problems:
        other = db.get(Fact, problem.hint) if problem.code == "duplicate_fact" else None
        if other is not None:
            urls[other.id] = url_for(".edit_fact", article_id=other.article_id, fact_id=other.id)
    return urls


def _fact_url(article: Article, fact: Fact | None, number: int | None, kind: str) -> str:
    if fact is not None:
        return url_for(".edit_fact", article_id=article.id, fact_id=fact.id)
    return url_for(".new_fact", article_id=article.id, sentence=number, kind=kind or None)


def _new_names(mentions: Iterable[Mention], back_to: str) -> list[tuple[Mention, str, str, str]]:
    """The sentence's new names, each with its guessed type, the new entity form's address
    and the aliases that form offers (its surname, when nobody else has it)."""
    found = articles.new_names(mentions)
    offered = articles.new_name_aliases(get_session(), [(m.text, _new_name_type(m)) for m in found])
    listed = []
    for mention in found:
        aliases = ", ".join(offered.get(mention.text, []))
        listed.append(
            (
                mention,
                _new_name_type(mention),
                _new_entity_url(mention, back_to, aliases),
                aliases,
            )
        )
    return listed


def _new_entity_url(mention: Mention, back_to: str, aliases: str = "") -> str:
    query = {"name": mention.text, "type": _new_name_type(mention), "next": back_to}
    if aliases:
        query["aliases"] = aliases
    return url_for(".new_entity") + "?" + urlencode(query)


def _new_name_type(mention: Mention) -> str:
    """The type a new name is offered with: the name spotting's guess ("award" for "Record
    of the Year", "album" after "her debut album"), else a person or a song."""
    return mention.guess or NEW_NAME_TYPES[mention.category]


def list_id(types: tuple[str, ...]) -> str:
    """The id of the datalist offering entities of ``types``."""
    return "entities-" + "-".join(types)


def _entity_lists(
    kinds: dict[str, KindIn], suggested: list[EntityRef], values: list[str]
) -> tuple[dict[str, list[tuple[str, str, bool]]], dict[str, dict[str, str]]]:
    """(value, label, suggested) options per datalist, the sentence's entities first, then the
    bank's; and per datalist, what a field shows for the sentence's entities and for each
    entity id among ``values`` (the form's role values).

    A field shows, and an option fills in, the entity's name where the name picks it alone
    among the role's types (`articles.FormCounts`), so the editor reads names, never ids,
    and the form sends back a name that `resolve_entities` reads as that id.
    """
    db = get_session()
    counts = articles.FormCounts.of(db)  # one pass over the bank, whatever the roles
    valued = articles.entities_by_id(db, values).values()
    named = [(r.id, r.name, r.type) for r in suggested] + [(e.id, e.name, e.type) for e in valued]
    lists: dict[str, list[tuple[str, str, bool]]] = {}
    shown: dict[str, dict[str, str]] = {}
    for kind in kinds.values():
        for spec in kind.roles.values():
            key = list_id(spec.types)
            if spec.literal is not None or key in lists:
                continue
            # An entity of another type keeps its id: its name could be one of this role's.
            forms = shown[key] = {
                i: counts.shown_form(i, name, spec.types) if type_ in spec.types else i
                for i, name, type_ in named
            }
            first = [
                (forms[r.id], f"{r.name} · {r.type} · in this sentence", True)
                for r in suggested
                if r.type in spec.types
            ]
            taken = {r.id for r in suggested}
            rest = articles.entities_of_types(db, spec.types, limit=articles.OFFERED_LIMIT)
            lists[key] = first + [
                (counts.shown_form(e.id, e.name, spec.types), f"{e.name} · {e.type}", False)
                for e in rest
                if e.id not in taken
            ]
    return lists, shown


# --- Entities -----------------------------------------------------------------------------------


@bp.get("/entities/new")
@editor_required
def new_entity() -> ResponseReturnValue:
    """A small form to add an entity to the bank (``?name=&type=&next=`` prefill it)."""
    return _entity_form(request.args)


@bp.post("/entities")
@editor_required
def create_entity() -> ResponseReturnValue:
    """Add an entity (name, type, comma-separated aliases and tags), then back to ``next``."""
    form = request.form
    name, type_ = form.get("name", "").strip(), form.get("type", "").strip()
    problems = []
    if not name:
        problems.append(Problem.at("name", "required", "give the entity's name"))
    if not type_:
        message = "choose what the entity is (person, song, event ...)"
        problems.append(Problem.at("type", "required", message))
    try:
        if problems:
            raise EditError(problems)
        saved = edits.save_entity(
            get_session(),
            editor_id=current_user.id,
            name=name,
            type_=type_,
            aliases=form.get("aliases", "").split(","),
            tags=form.get("tags", "").split(","),
            seed=_seed(),
        )
    except EditError as error:
        problems = _on_form(error.problems)
        if wants_json():
            return problems_response(problems)
        return _entity_form(form, problems, 400)
    if wants_json():
        return jsonify({"id": saved.id, "name": name, "type": type_}), 201
    flash(f"Added {name} to the bank as {saved.id}.")
    return redirect(local_path(form.get("next")) or url_for(".index"))


def _entity_form(
    form: Mapping[str, str], problems: list[Problem] | None = None, status: int = 200
) -> tuple[str, int]:
    types = articles.entity_types(get_session())
    page = render_template(
        "editor_articles/entity.html",
        form=form,
        types=types,
        back=local_path(form.get("next")),
        problems=problems or [],
    )
    return page, status


@api_bp.get("/entities")
@editor_required
def search_entities() -> ResponseReturnValue:
    """Up to 20 entities whose name or alias matches ``q``, of the ``type``s (comma-separated)
    if given: ``{"entities": [{"id", "name", "type", "value", "alias"?}]}``, ``value`` being
    what the fact form's field shows for it among those types (its name, or its id where
    another entity goes by the same name)."""
    types = [t.strip() for t in request.args.get("type", "").split(",") if t.strip()]
    hits = articles.search_entities(get_session(), request.args.get("q", ""), types)
    return {"entities": [hit.as_json() for hit in hits]}
