"""The editors' workspace: changes to the bank, checked whole, written at once, logged. No Flask.

Every change follows the same path:

1. the change log row is written first, which opens the transaction and takes the bank's
   write lock (SQLite's write lock; on PostgreSQL an advisory lock), so two editors saving at
   once are applied one after the other and neither works from a stale copy;
2. the bank is read from the database as the loader's records
   (``quizapp.bank.sync.bank_from_db``), the change is applied to that copy, and the whole
   copy is checked with the loader's own rules (``quizapp.bank.files.check_bank``), so the
   workspace can never store what the files would refuse and ``quizapp dump-bank`` can
   always write it back;
3. only if nothing is wrong: the database is made to match (``quizapp.bank.sync.write_bank``), the
   questions of the kinds concerned are regenerated, and everything commits together.
   Anything wrong raises EditError with every problem, and nothing is written.

Every problem is a `quizapp.core.problems.Problem` with a stable code and the field it points
at: a form field ("title", a role's name), or the record's field as the bank names it
("roles.partner", "evidence") with the record, for problems the bank's check found.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlalchemy import func, text, update
from sqlmodel import Session, col, select

from quizapp.bank.files import (
    ArticleHeader,
    ArticleIn,
    Bank,
    EntityIn,
    FactIn,
    KindIn,
    TemplateIn,
    check_bank,
    check_records,
)
from quizapp.bank.slots import indefinite_article, ordinal
from quizapp.bank.sync import (
    article_in,
    bank_from_db,
    entity_in,
    fact_in,
    kinds_from_db,
    template_in,
    write_bank,
    write_records,
)
from quizapp.core.problems import Problem, ProblemsError
from quizapp.core.text import fold, slugify, unique_id
from quizapp.game.quizzes import rebuild_quizzes_holding
from quizapp.models import Article, BankJob, Change, Entity, Fact, Question, Template
from quizapp.questions import live
from quizapp.questions.generation import (
    BankContext,
    FactInfo,
    QuestionDraft,
    TemplateInfo,
    rebuild_questions,
    store_pairs,
)
from quizapp.questions.preview import Preview, TemplateDraft, can_publish, preview_template
from quizapp.workspace.suggest import EntityLike, split_sentences

EDITABLE_STATUSES = ("draft", "published")  # retiring is its own action
_REVIEWED = "review"  # the change-log action of a review (quizapp.workspace.review)

# Work that would hold a request for seconds goes to the background (quizapp.workspace.jobs),
# with a progress bar, past these sizes: publishing a template of a kind with more facts, and
# a correction whose change to a pool of wrong answers reaches more questions. Below them the
# save does it all at once, as a few hundred milliseconds.
PUBLISH_NOW_FACTS = 2_000
REFRESH_NOW_QUESTIONS = 2_000
_BANK_LOCK = 0x51_7A_B4_4E  # PostgreSQL advisory lock key of the bank ("QzBank")


class EditError(ProblemsError):
    """The change was refused; ``problems`` says what to fix, one Problem each."""


def _no_such(subject: str, record_id: str) -> EditError:
    return EditError([Problem("not_found", f"there is no {subject} {record_id!r}")])


@dataclass(frozen=True)
class Saved:
    """What a change did: the record's id, and how many questions it now makes (templates and
    facts; 0 for others)."""

    id: str
    action: str
    questions: int
    # Background work the save queued (quizapp.workspace.jobs): a publish, refreshes.
    jobs: tuple[int, ...] = ()


@dataclass(frozen=True)
class Pending:
    """Fact and template ids: those a change leaves waiting for review, or whose questions it
    took away."""

    facts: Collection[str] = ()
    templates: Collection[str] = ()


# --- The common path ----------------------------------------------------------------------------


def _mark_pending(session: Session, pending: Pending) -> None:
    # The review gate (quizapp.workspace.review): their questions reach no new quiz until an
    # editor has looked at them.
    for model, ids in ((Fact, pending.facts), (Template, pending.templates)):
        if ids:
            session.exec(update(model).where(col(model.id).in_(sorted(ids))).values(reviewed=False))


def lock_bank(session: Session) -> None:
    """Take the bank's write lock for the rest of the transaction.

    PostgreSQL needs the advisory lock, held until the transaction ends; on SQLite the
    caller's first write takes the database's write lock (quizapp.db), so write first.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.scalar(text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=_BANK_LOCK))


def _begin(session: Session, editor_id: int | None, subject: str, action: str) -> Change:
    # Writing first is what takes SQLite's write lock up front (quizapp.db).
    lock_bank(session)
    change = Change(editor_id=editor_id, subject=subject, subject_id="", action=action)
    session.add(change)
    session.flush()
    return change


def _finish(
    session: Session,
    change: Change,
    bank: Bank,
    *,
    subject_id: str,
    detail: dict[str, Any],
    kinds: Collection[str] = (),
    templates: Collection[str] = (),
    seed: int,
    pending: Pending | None = None,
    gone: Pending | None = None,
) -> Saved:
    # ``kinds``: a fact changed, so its kind's questions may change (answers, wrong answers);
    # ``templates``: a template changed, so only its own questions may. ``pending``: the
    # facts and templates whose new questions wait for review; ``gone``: those whose questions
    # just went, so the unplayed quizzes holding them are rebuilt in this transaction.
    problems = check_bank(bank)
    if problems:
        raise EditError(problems)
    write_bank(session, bank, commit=False)
    if kinds:
        rebuild_questions(session, seed, kinds=kinds, commit=False)
    if templates:
        rebuild_questions(session, seed, templates=templates, commit=False)
    _commit(session, change, subject_id, detail, pending, gone)
    return _saved(session, change, subject_id)


def _commit(
    session: Session,
    change: Change,
    subject_id: str,
    detail: dict[str, Any],
    pending: Pending | None,
    gone: Pending | None,
) -> None:
    # The end of every save, once its questions are made: the review gate, the unplayed
    # quizzes that held what went, the change's log row, one commit.
    if pending is not None:
        _mark_pending(session, pending)
    if gone is not None:
        rebuild_quizzes_holding(session, fact_ids=gone.facts, template_ids=gone.templates)
    change.subject_id = subject_id
    change.detail = detail
    session.add(change)
    session.commit()


# --- Saves that change one fact or one template ---------------------------------------------------
# They cost what they touch, not what the bank holds: only the records they change and what
# those refer to are read and checked, only their rows are written, and only the questions
# the change reaches are made again (from the kept context, quizapp.questions.live). The
# result is what the common path's whole-bank work gives (tests/test_editing_scoped.py).


def _entity_refs(kinds: Mapping[str, KindIn], kind: str, roles: Mapping[str, Any]) -> set[str]:
    specs = kinds[kind].roles if kind in kinds else {}
    found: set[str] = set()
    for role, value in roles.items():
        spec = specs.get(role)
        if spec is None or spec.literal:
            continue
        found.update(
            v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)
        )
    return found


def _part_of_bank(
    session: Session,
    context: BankContext,
    *,
    fact_ids: Collection[str] = (),
    kind: str | None = None,
    article_id: str | None = None,
    roles: Mapping[str, Any] | None = None,
) -> Bank | None:
    """What a save of these facts reads and checks: the kinds, the facts, their articles and
    entities, and the live facts of the kind that share a value with ``roles`` (what it
    could repeat or contradict), put first. None if something they name is unknown: the whole
    bank's check then says so, with the closest known name."""
    kinds = kinds_from_db(session)
    rows = session.scalars(select(Fact).where(col(Fact.id).in_(sorted(fact_ids)))).all()
    facts = {row.id: fact_in(row) for row in rows}
    if kind is not None and kind not in kinds:
        return None
    wanted_articles = {f.article for f in facts.values()} | ({article_id} if article_id else set())
    articles = {
        a.id: article_in(a)
        for a in session.scalars(
            select(Article).where(col(Article.id).in_(sorted(wanted_articles)))
        )
    }
    refs: set[str] = set()
    for fact in facts.values():
        refs |= _entity_refs(kinds, fact.kind, fact.roles)
    if roles is not None and kind is not None:
        refs |= _entity_refs(kinds, kind, roles)
    entities = {
        e.id: entity_in(e)
        for e in session.scalars(select(Entity).where(col(Entity.id).in_(sorted(refs))))
    }
    if wanted_articles - articles.keys() or refs - entities.keys():
        return None
    bank = Bank(kinds=kinds, entities=entities, articles=articles)
    if roles is not None and kind is not None:
        live = context.facts_by_kind.get(kind, {})
        for other_id in sorted(context.sharing_a_value(kind, roles) - set(fact_ids)):
            other = live[other_id]
            bank.facts[other.id] = FactIn.model_construct(
                id=other.id,
                kind=other.kind,
                article=other.article_id,
                roles=dict(other.roles),
                evidence=other.evidence,
                retired=False,
                open=list(other.open_roles),
            )
    bank.facts.update(facts)
    return bank


def _templates_bank(session: Session) -> Bank:
    """What a template's save reads and checks: the kinds and the templates."""
    templates = session.scalars(select(Template).order_by(Template.id))
    return Bank(kinds=kinds_from_db(session), templates={t.id: template_in(t) for t in templates})


def _fact_ids_from(session: Session, prefix: str) -> set[str]:
    """The fact ids that start with ``prefix``: all that a new id made from it can clash with."""
    return set(
        session.scalars(select(Fact.id).where(col(Fact.id).startswith(prefix, autoescape=True)))
    )


def _fact_info(fact: FactIn | None) -> FactInfo | None:
    if fact is None:
        return None
    return FactInfo(
        fact.id, fact.kind, fact.article, dict(fact.roles), fact.evidence, tuple(fact.open)
    )


def _template_info(template: TemplateIn) -> TemplateInfo:
    return TemplateInfo(
        template.id,
        template.kind,
        template.style,
        template.prompt,
        template.answer,
        template.explanation,
        template.status,
        {role: tuple(wanted) for role, wanted in template.requires.items()},
    )


def _finish_records(
    session: Session,
    change: Change,
    bank: Bank,
    context: BankContext,
    *,
    subject_id: str,
    detail: dict[str, Any],
    facts: Mapping[str, FactIn | None] | None = None,
    templates: Mapping[str, TemplateIn | None] | None = None,
    made: Sequence[QuestionDraft] = (),
    seed: int,
    pending: Pending | None = None,
    gone: Pending | None = None,
    publish_later: dict[str, Any] | None = None,
) -> Saved:
    # ``_finish`` for a save of the facts or templates named (each with what it was before,
    # None if new), which ``bank`` holds with what they refer to (``_part_of_bank``).
    facts, templates = facts or {}, templates or {}
    problems = check_records(bank, facts=facts, templates=templates)
    if problems:
        raise EditError(problems)
    write_records(session, bank, facts=facts.keys(), templates=templates.keys())
    try:
        pairs: set[tuple[str, str]] = set()
        pools: set[tuple[str, str]] = set()
        for fact_id, old in facts.items():
            new = bank.facts[fact_id]
            pairs |= context.apply_fact(
                _fact_info(old),
                _fact_info(new),
                was_live=old is not None and not old.retired,
                is_live=not new.retired,
                later=pools,
            )
        for template_id in templates:
            template = bank.templates[template_id]
            context.set_template(_template_info(template), template_id)
            if template.status == "published":
                pairs |= {(template_id, f) for f in context.facts_by_kind.get(template.kind, {})}
            stored = select(Question.fact_id).where(Question.template_id == template_id)
            pairs |= {(template_id, f) for f in session.scalars(stored)}
        # A pool's other questions stay right whatever it holds (only their wrong answers may
        # differ from what a rebuild would draw now): many of them are refreshed afterwards.
        refreshed = context.pool_pairs(pools) - pairs
        if len(refreshed) <= REFRESH_NOW_QUESTIONS:
            pairs |= refreshed
            pools = set()
        store_pairs(session, context, seed, pairs, made)
        queued = [
            _queue(session, "refresh", f"{kind}:{role}", {"kind": kind, "role": role}, change)
            for kind, role in sorted(pools)
        ]
        if publish_later is not None:
            queued.append(_queue(session, "publish", subject_id, publish_later, change))
        _commit(session, change, subject_id, detail, pending, gone)
    except BaseException:
        live.forget(session)  # changed in place for a save that did not happen
        raise
    live.advance(session, change.id or 0)
    saved = _saved(session, change, subject_id)
    return dataclasses.replace(saved, jobs=tuple(job.id or 0 for job in queued))


def _queue(
    session: Session, action: str, subject_id: str, payload: dict[str, Any], change: Change
) -> BankJob:
    # In the save's own transaction: the work is queued if and only if the save lands. A
    # publish queued again replaces the one still waiting for the same template.
    if action == "refresh":
        waiting = session.exec(
            select(BankJob).where(
                col(BankJob.action) == action,
                col(BankJob.subject_id) == subject_id,
                col(BankJob.state) == "queued",
            )
        ).first()
        if waiting is not None:
            return waiting  # it will make them from the bank as it is when it runs
    if action == "publish":
        session.exec(
            update(BankJob)
            .where(
                col(BankJob.action) == "publish",
                col(BankJob.subject_id) == subject_id,
                col(BankJob.state) == "queued",
            )
            .values(state="failed", message="replaced by a later publish of the same template")
        )
    job = BankJob(action=action, subject_id=subject_id, payload=payload, editor_id=change.editor_id)
    session.add(job)
    session.flush()
    return job


def _saved(session: Session, change: Change, subject_id: str) -> Saved:
    column = {"template": col(Question.template_id), "fact": col(Question.fact_id)}.get(
        change.subject
    )
    questions = 0
    if column is not None:
        questions = session.exec(
            select(func.count()).select_from(Question).where(column == subject_id)
        ).one()
    return Saved(subject_id, change.action, questions)


def _run(session: Session, work: Callable[[], Saved]) -> Saved:
    # Rolls back on any refusal or failure: validate first, then write, all or nothing.
    try:
        return work()
    except ValidationError as error:
        session.rollback()
        raise EditError([_validation_problem(e) for e in error.errors()]) from None
    except BaseException:
        session.rollback()
        raise


def _validation_problem(error: Mapping[str, Any]) -> Problem:
    where = ".".join(str(part) for part in error["loc"])
    code, message = error["type"], error["msg"]
    if code == "string_pattern_mismatch" and error["loc"][0] in ("tags", "requires"):
        # The form has one input for all of them: the problem points at it.
        where, code = str(error["loc"][0]), "bad_tag"
        message = "a tag must be lower-case words joined by '-' (music-video)"
    elif code == "string_pattern_mismatch":
        code = "not_a_slug"
        message = (
            "must be lower-case letters and digits, joined by '-' (ids) or '_' (kinds, roles "
            "and types)"
        )
    return Problem.at(where, code, message) if where else Problem(code, message)


def _diff(old: Any, new: Any) -> dict[str, Any]:
    before = old.model_dump(mode="json") if old is not None else {}
    after = new.model_dump(mode="json")
    return {
        key: [before.get(key), value] for key, value in after.items() if before.get(key) != value
    }


# --- Templates ------------------------------------------------------------------------------------


def requires_from_text(text: str) -> tuple[dict[str, list[str]], list[Problem]]:
    """A template's ``requires`` from a form's lines "role: type or tag, ...", and the problems.

    Blank lines are skipped; a role on two lines gets both lists. Whether the roles, types and
    tags are right is the bank's check, when the template is saved.
    """
    requires: dict[str, list[str]] = {}
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        role, colon, rest = line.partition(":")
        wanted = [w.strip() for w in rest.split(",") if w.strip()]
        if not colon or not role.strip() or not wanted:
            message = f"line {number}: write 'role: type or tag, ...' (work: music-video)"
            problems.append(Problem.at("requires", "bad_requires", message, value=line.strip()))
            continue
        requires.setdefault(role.strip(), []).extend(wanted)
    return requires, problems


def requires_text(requires: Mapping[str, Sequence[str]]) -> str:
    """``requires`` as the form's lines: the inverse of ``requires_from_text``."""
    return "\n".join(f"{role}: {', '.join(wanted)}" for role, wanted in requires.items())


def save_template(
    session: Session,
    *,
    editor_id: int | None,
    kind: str,
    style: str,
    prompt: str,
    answer_role: str,
    explanation: str | None = None,
    status: str = "draft",
    template_id: str | None = None,
    requires: Mapping[str, Sequence[str]] | None = None,
    seed: int,
    now: bool = False,
    checked: Checked | None = None,
    unchanged_since: int | None = None,
) -> Saved:
    """Create or update a template as a draft or published.

    A draft must pass the loader's rules (slots, roles, answer slot, requires); publishing
    also needs a preview without errors (``quizapp.questions.preview.can_publish``), and then
    makes its questions. ``requires`` None keeps what the saved template requires (none for a
    new one), so a form without the field never drops it.

    Publishing a template of a kind with more than PUBLISH_NOW_FACTS facts is queued instead
    (unless ``now``), once the live preview's sample of them shows no error: the template is
    saved as a draft (if it was not published; a published one stays as it is meanwhile) and
    ``Saved.jobs`` names the publish, which quizapp.workspace.jobs does in the background.
    ``checked``: the full preview the caller already made of this very draft, and the bank's
    version it was made on; used if the bank has not changed since. ``unchanged_since``: the
    id of the change after which the template must not have changed (a queued publish's), or
    the save is refused.
    """
    if status not in EDITABLE_STATUSES:
        message = f"status must be one of {', '.join(EDITABLE_STATUSES)}, not {status!r}"
        raise EditError([Problem("unknown_status", message, "status")])

    def work() -> Saved:
        change = _begin(
            session, editor_id, "template", "create" if template_id is None else "update"
        )
        with live.context(session, before=change.id) as context:
            return _save_template(change, context)

    def _save_template(change: Change, context: BankContext) -> Saved:
        if unchanged_since is not None and template_id is not None:
            _refuse_if_changed(session, template_id, unchanged_since, change)
        bank = _templates_bank(session)
        old = None
        if template_id is None:
            new_id = unique_id(slugify(f"{kind}-{answer_role}-{style}"), bank.templates)
        else:
            old = bank.templates.get(template_id)
            if old is None:
                raise _no_such("template", template_id)
            new_id = template_id
        wanted = (
            {role: list(types) for role, types in requires.items()}
            if requires is not None
            else dict(old.requires)
            if old is not None
            else {}
        )
        # Validated, not constructed: the style and status are the editor's, checked here.
        template = TemplateIn.model_validate(
            {
                "id": new_id,
                "kind": kind,
                "style": style,
                "prompt": prompt,
                "answer": answer_role,
                "explanation": explanation or None,
                "status": status,
                "requires": wanted,
            }
        )
        made: tuple[QuestionDraft, ...] = ()
        publish_later: dict[str, Any] | None = None
        asked = template
        if status == "published":
            draft = TemplateDraft(
                kind,
                style,
                prompt,
                answer_role,
                explanation or None,
                new_id,
                {role: tuple(types) for role, types in template.requires.items()},
            )
            later = not now and len(context.facts_by_kind.get(kind, {})) > PUBLISH_NOW_FACTS
            if checked is not None and not live.bank_changed_since(
                session, checked.version, before=change.id or 0
            ):
                preview = checked.preview
            else:
                sample = live.PREVIEW_FACTS if later else None
                preview = preview_template(
                    context.bank, draft, seed=seed, context=context, sample=sample
                )
            if not can_publish(preview):
                # The preview beside the form shows where each one is; this says why not.
                raise EditError(
                    Problem(p.code, f"cannot publish: {p.message}", p.field, hint=p.hint)
                    for p in preview.errors
                )
            if later:
                # The job publishes this very version, unless the template changes first.
                publish_later = {"template": template.model_dump(mode="json"), "change": change.id}
                change.action = "queue-publish"
                if old is not None and old.status == "published":
                    # Players keep its questions until the new version is published.
                    template = old
                else:
                    template = template.model_copy(update={"status": "draft"})
            else:
                if old is None or old.status != "published":
                    change.action = "publish"
                made = preview.made
        bank.templates[new_id] = template
        published = template.status == "published"
        unpublished = not published and old is not None and old.status == "published"
        return _finish_records(
            session,
            change,
            bank,
            context,
            subject_id=new_id,
            detail=_diff(old, asked),
            # A published template waiting for its new version is not changed meanwhile.
            templates={} if template is old else {new_id: old},
            made=made,
            seed=seed,
            pending=Pending(templates={new_id}) if published and not publish_later else None,
            gone=Pending(templates={new_id}) if unpublished else None,
            publish_later=publish_later,
        )

    return _run(session, work)


def _refuse_if_changed(session: Session, template_id: str, since: int, change: Change) -> None:
    # Under the bank's lock (the change's row is written): nothing can change it meanwhile.
    # A review only lets its questions reach quizzes; a load from the files may replace it.
    changed = session.exec(
        select(Change.id)
        .where(
            col(Change.id) > since,
            col(Change.id) != change.id,
            ((Change.subject == "template") & (Change.subject_id == template_id))
            | (Change.subject == BANK_SUBJECT),
            col(Change.action) != _REVIEWED,
        )
        .limit(1)
    ).first()
    if changed is not None:
        message = (
            f"template {template_id} was changed after this publish was asked for:"
            " publish it again from its page"
        )
        raise EditError([Problem("changed_since", message, "status")])


@dataclass(frozen=True)
class Checked:
    """A full preview of a template about to be published, and the last change to the bank it
    saw (``quizapp.questions.live.kept_version``)."""

    version: int | None
    preview: Preview


def retire_template(
    session: Session, *, editor_id: int | None, template_id: str, seed: int
) -> Saved:
    """Retire a template: it makes no more questions; played quizzes keep their copies."""
    return _retire(session, editor_id, "template", template_id, {"status": "retired"}, seed)


def _retire(
    session: Session,
    editor_id: int | None,
    subject: str,
    record_id: str,
    retired: dict[str, Any],
    seed: int,
    action: str = "retire",
) -> Saved:
    # A template or a fact: the record with ``retired`` applied, through the common path.
    def work() -> Saved:
        change = _begin(session, editor_id, subject, action)
        with live.context(session, before=change.id) as context:
            return _retire_in(change, context)

    def _retire_in(change: Change, context: BankContext) -> Saved:
        is_template = subject == "template"
        ids = Pending(templates={record_id}) if is_template else Pending(facts={record_id})
        # A restored fact's questions wait for review; a retired record's leave at once.
        common: dict[str, Any] = {
            "subject_id": record_id,
            "seed": seed,
            "pending": ids if action == "restore" else None,
            "gone": ids if action == "retire" else None,
        }
        if is_template:
            bank = _templates_bank(session)
            old_template, new_template = _replaced(bank.templates, subject, record_id, retired)
            return _finish_records(
                session,
                change,
                bank,
                context,
                detail=_diff(old_template, new_template),
                templates={record_id: old_template},
                **common,
            )
        row = session.get(Fact, record_id)
        if row is None:
            raise _no_such(subject, record_id)
        part = _part_of_bank(
            session, context, fact_ids=[record_id], kind=row.kind, roles=dict(row.roles)
        )
        bank = part if part is not None else bank_from_db(session)
        # Last in the bank, so that a restored duplicate is reported on this fact.
        old, new = _replaced(bank.facts, subject, record_id, retired)
        bank.facts[record_id] = bank.facts.pop(record_id)
        if part is None:
            return _finish(
                session, change, bank, detail=_diff(old, new), kinds={old.kind}, **common
            )
        return _finish_records(
            session,
            change,
            bank,
            context,
            detail=_diff(old, new),
            facts={record_id: old},
            **common,
        )

    return _run(session, work)


_Record = TypeVar("_Record", TemplateIn, FactIn)


def _replaced(
    records: dict[str, _Record], subject: str, record_id: str, update: dict[str, Any]
) -> tuple[_Record, _Record]:
    # The record before and after ``update``, which takes its place in ``records``.
    old = records.get(record_id)
    if old is None:
        raise _no_such(subject, record_id)
    new = old.model_copy(update=update)
    records[record_id] = new
    return old, new


# --- Articles and entities ------------------------------------------------------------------------


def add_article(
    session: Session,
    *,
    editor_id: int | None,
    title: str,
    date: dt.date,
    source: str,
    text_: str,
    event_id: str | None = None,
    url: str | None = None,
    new_event: NewEvent | None = None,
    seed: int = 0,
) -> Saved:
    """Add a pasted article. Its text is kept as given, except that line ends become "\\n".

    ``new_event`` makes the article's event in the same step (`NewEvent`); ``seed`` is the
    generation seed for the questions of the facts that come with it.
    """
    if new_event is not None and event_id:
        message = "choose an event from the list or name a new one, not both"
        raise EditError([Problem.at("event", "two_events", message)])
    body = _article_body(text_)
    _check_article_fields(title, body, source)

    def work() -> Saved:
        change = _begin(session, editor_id, "article", "create")
        bank = bank_from_db(session)
        article_id = unique_id(slugify(title), bank.articles)
        header = ArticleHeader(
            id=article_id,
            title=title.strip(),
            date=date,
            source=source.strip(),
            event=event_id or None,
            url=url or None,
        )
        bank.articles[article_id] = ArticleIn(header, body)
        detail: dict[str, Any] = {"title": header.title, "date": date.isoformat()}
        kinds: set[str] = set()
        before = set(bank.facts)
        if new_event is not None:
            event, kinds = _add_event(bank, new_event, article_id, body, detail)
            header = header.model_copy(update={"event": event})
            bank.articles[article_id] = ArticleIn(header, body)
        detail["event"] = header.event
        return _finish(
            session,
            change,
            bank,
            subject_id=article_id,
            detail=detail,
            kinds=kinds,
            seed=seed,
            # The new event's facts (edition, venue) wait for review like any other fact.
            pending=Pending(facts=sorted(set(bank.facts) - before)),
        )

    return _run(session, work)


def save_entity(
    session: Session,
    *,
    editor_id: int | None,
    name: str,
    type_: str,
    aliases: Sequence[str] = (),
    tags: Sequence[str] | None = None,
    entity_id: str | None = None,
    seed: int,
) -> Saved:
    """Create or update an entity (a person, group, song, award, event ...).

    Updating one regenerates every kind's questions with ``seed``, the generation seed, since
    names, aliases and tags are what answers and wrong answers are made of. ``tags`` None
    keeps the entity's tags (none for a new one); given, blanks are dropped and the rest must
    be lower-case words joined by '-'.
    """
    cleaned = [a.strip() for a in aliases if a.strip()]

    def work() -> Saved:
        change = _begin(session, editor_id, "entity", "create" if entity_id is None else "update")
        bank = bank_from_db(session)
        old = None
        if entity_id is None:
            new_id = unique_id(slugify(name), bank.entities)
        else:
            old = bank.entities.get(entity_id)
            if old is None:
                raise _no_such("entity", entity_id)
            new_id = entity_id
        same_name = [
            e.id
            for e in bank.entities.values()
            if e.id != new_id and e.name.casefold() == name.strip().casefold()
        ]
        if same_name and old is None:
            message = f"{name!r} is already the entity {same_name[0]}; use it"
            raise EditError([Problem.at("name", "duplicate_name", message, hint=same_name[0])])
        kept = list(old.tags) if old is not None else []
        entity = EntityIn(
            id=new_id,
            name=name.strip(),
            type=type_,
            aliases=cleaned,
            tags=kept if tags is None else [t.strip() for t in tags if t.strip()],
        )
        bank.entities[new_id] = entity
        # An entity's name and aliases are what wrong answers and typed answers are made of.
        kinds = {f.kind for f in bank.facts.values() if old is not None}
        # The facts naming a changed entity ask it anew: their questions wait for review.
        naming = {
            f.id
            for f in bank.facts.values()
            if old is not None and old != entity and not f.retired and _names(f, new_id)
        }
        return _finish(
            session,
            change,
            bank,
            subject_id=new_id,
            detail=_diff(old, entity),
            kinds=kinds,
            seed=seed,
            pending=Pending(facts=naming) if naming else None,
        )

    return _run(session, work)


def _names(fact: FactIn, entity_id: str) -> bool:
    # Literal roles hold texts and numbers, never ids: a text equal to an id is rare and at
    # worst sends one more fact to review.
    return any(
        value == entity_id or (isinstance(value, list) and entity_id in value)
        for value in fact.roles.values()
    )


# --- Entities edited and merged, articles edited, events made (issue 14) -------------------------


def _article_body(text_: str) -> str:
    # Browsers send CRLF; the bank's texts, and the evidence quoting them, have "\n" only.
    return text_.replace("\r\n", "\n").replace("\r", "\n")


def _check_article_fields(title: str, body: str, source: str) -> None:
    problems = []
    if not title.strip():
        problems.append(Problem.at("title", "required", "give the article's title"))
    if not body.strip():
        problems.append(Problem.at("text", "required", "paste the article's text"))
    if not source.strip():
        problems.append(
            Problem.at("source", "required", "say where the article was published (e.g. MTV News)")
        )
    if problems:
        raise EditError(problems)


def _forms(entity: EntityIn) -> list[str]:
    return [entity.name, *entity.aliases]


def _owners(bank: Bank, besides: Collection[str]) -> dict[str, list[str]]:
    # Every folded name and alias of the entities not in ``besides``, with whose it is: the
    # forms a typed answer and the fact form's names are told apart by.
    owners: dict[str, list[str]] = {}
    for entity in bank.entities.values():
        if entity.id not in besides:
            for form in {fold(f) for f in _forms(entity)}:
                owners.setdefault(form, []).append(entity.id)
    return owners


def _clean_aliases(name: str, aliases: Sequence[str]) -> list[str]:
    # Blanks, repeats and the name itself say nothing: dropped, keeping the editor's order.
    seen = {fold(name)}
    kept = []
    for alias in (a.strip() for a in aliases):
        if alias and fold(alias) not in seen:
            seen.add(fold(alias))
            kept.append(alias)
    return kept


def edit_entity(
    session: Session,
    *,
    editor_id: int | None,
    entity_id: str,
    name: str,
    type_: str,
    aliases: Sequence[str],
    tags: Sequence[str],
    seed: int,
) -> Saved:
    """Change an entity's name, type, aliases and tags; its id stays, since facts name it.

    Refused when the name or an alias is another entity's name (merge them instead), and
    whatever the bank's check finds: a new type that a fact's role does not take names the
    fact. Every kind's questions are made again: names are answers and wrong answers.
    """
    problems = []
    if not name.strip():
        problems.append(Problem.at("name", "required", "give the entity's name"))
    if not type_.strip():
        message = "choose what the entity is (person, song, event ...)"
        problems.append(Problem.at("type", "required", message))
    if problems:
        raise EditError(problems)

    def work() -> Saved:
        change = _begin(session, editor_id, "entity", "update")
        bank = bank_from_db(session)
        old = bank.entities.get(entity_id)
        if old is None:
            raise _no_such("entity", entity_id)
        names = {fold(e.name): e for e in bank.entities.values() if e.id != entity_id}
        kept = _clean_aliases(name, aliases)
        clashes = []
        for field_name, form in [("name", name), *(("aliases", a) for a in kept)]:
            other = names.get(fold(form))
            if other is not None:
                message = (
                    f"{form.strip()!r} is the name of {other.id} ({other.type}); if they are "
                    "the same, merge them instead"
                )
                clashes.append(Problem.at(field_name, "name_taken", message, hint=other.id))
        if clashes:
            raise EditError(clashes)
        entity = EntityIn(
            id=entity_id,
            name=name.strip(),
            type=type_.strip(),
            aliases=kept,
            tags=[t.strip() for t in tags if t.strip()],
        )
        bank.entities[entity_id] = entity
        return _finish(
            session,
            change,
            bank,
            subject_id=entity_id,
            detail=_diff(old, entity),
            kinds={f.kind for f in bank.facts.values()},
            seed=seed,
        )

    return _run(session, work)


@dataclass(frozen=True)
class Merged:
    """What a merge did: the change, the forms that became the kept entity's aliases, and
    those left out because another entity goes by them (form -> that entity's id)."""

    saved: Saved
    aliases: tuple[str, ...]
    left_out: Mapping[str, str]
    facts: tuple[str, ...]  # the facts that now name the kept entity instead


def merge_problem(keep: EntityLike, gone: EntityLike) -> Problem | None:
    """Why ``gone`` cannot be merged into ``keep`` before anything is tried, or None.

    Two entities of different types are not one thing told twice (a venue and the city it is
    in): asked before the editor confirms, not after.
    """
    if keep.id == gone.id:
        return Problem.at("other", "same_entity", "pick another entity to merge")
    if keep.type != gone.type:
        message = (
            f"{gone.name} is {indefinite_article(gone.type)} and {keep.name}"
            f" {indefinite_article(keep.type)}: only entities of one type are merged (if they"
            " are the same thing, correct one's type first)"
        )
        return Problem.at("other", "different_types", message)
    return None


def merge_entities(
    session: Session, *, editor_id: int | None, keep_id: str, merged_id: str, seed: int
) -> Merged:
    """Merge the entity ``merged_id`` into ``keep_id`` (a duplicate: "Gaga" and "Lady Gaga").

    Every fact's roles and every article's event follow to the kept entity, whose aliases
    gain the other's name and aliases except those another entity goes by (`Merged.left_out`
    says which); the merged entity is removed and every kind's questions are made again.
    Refused, naming the facts, when a fact would name the kept entity twice in one role or two
    facts in use would become the same. Both entities' histories record the merge, and each
    fact that changed records it too. Played quizzes keep their frozen copies.
    """
    if keep_id == merged_id:
        raise EditError([Problem.at("other", "same_entity", "pick another entity to merge")])
    outcome: dict[str, Any] = {}

    def work() -> Saved:
        change = _begin(session, editor_id, "entity", "merge")
        bank = bank_from_db(session)
        keep, gone = bank.entities.get(keep_id), bank.entities.get(merged_id)
        if keep is None or gone is None:
            raise _no_such("entity", merged_id if keep is not None else keep_id)
        refused = merge_problem(keep, gone)
        if refused is not None:
            raise EditError([refused])
        owners = _owners(bank, {keep_id, merged_id})
        aliases = list(keep.aliases)
        left_out: dict[str, str] = {}
        for form in _forms(gone):
            if fold(form) in owners:
                left_out[form] = owners[fold(form)][0]
            else:
                aliases.append(form)
        aliases = _clean_aliases(keep.name, aliases)
        merged = keep.model_copy(update={"aliases": aliases})
        facts, problems = _facts_after_merge(bank, keep, merged_id)
        if problems:
            raise EditError(problems)
        for fact_id, new in facts.items():
            old = bank.facts[fact_id]
            bank.facts[fact_id] = new
            session.add(
                Change(
                    editor_id=editor_id,
                    subject="fact",
                    subject_id=fact_id,
                    action="merge",
                    detail=_diff(old, new),
                )
            )
        for article_id, article in bank.articles.items():
            if article.header.event == merged_id:
                header = article.header.model_copy(update={"event": keep_id})
                bank.articles[article_id] = ArticleIn(header, article.text)
        del bank.entities[merged_id]
        bank.entities[keep_id] = merged
        detail = {
            "merged": f"{gone.name} ({merged_id})",
            "aliases": [keep.aliases, merged.aliases],
            # Texts, not lists: a change log's list of two reads as [before, after].
            "facts": ", ".join(sorted(facts)) or "none",
        }
        if left_out:
            detail["left out"] = ", ".join(f"{form} (also {o})" for form, o in left_out.items())
        session.add(
            Change(
                editor_id=editor_id,
                subject="entity",
                subject_id=merged_id,
                action="merged",
                detail={"into": f"{keep.name} ({keep_id})", "facts": ", ".join(sorted(facts))},
            )
        )
        outcome.update(aliases=tuple(aliases), left_out=left_out, facts=tuple(sorted(facts)))
        return _finish(
            session,
            change,
            bank,
            subject_id=keep_id,
            detail=detail,
            kinds={f.kind for f in bank.facts.values()},
            seed=seed,
        )

    saved = _run(session, work)
    return Merged(saved, outcome["aliases"], outcome["left_out"], outcome["facts"])


def _facts_after_merge(
    bank: Bank, keep: EntityIn, merged_id: str
) -> tuple[dict[str, FactIn], list[Problem]]:
    # The facts naming ``merged_id``, as they would read after the merge, and what the merge
    # would break: a role naming one entity twice, two facts in use saying the same.
    keep_id = keep.id

    def swapped(value: Any) -> Any:
        if isinstance(value, list):
            return [keep_id if v == merged_id else v for v in value]
        return keep_id if value == merged_id else value

    changed: dict[str, FactIn] = {}
    problems = []
    for fact in bank.facts.values():
        roles = {role: swapped(value) for role, value in fact.roles.items()}
        if roles == fact.roles:
            continue
        for role, value in roles.items():
            if isinstance(value, list) and value.count(keep_id) > 1:
                message = (
                    f"fact {fact.id} names both in its role {role!r}: after the merge it would "
                    f"name {keep.name} twice; correct the fact first"
                )
                problems.append(Problem("named_twice", message, hint=fact.id))
        changed[fact.id] = fact.model_copy(update={"roles": roles})

    def key(fact: FactIn) -> tuple[str, tuple[tuple[str, Any], ...]]:
        return fact.kind, tuple(
            sorted(
                (role, tuple(sorted(v)) if isinstance(v, list) else v)
                for role, v in fact.roles.items()
            )
        )

    seen: dict[Any, str] = {}
    live = [changed.get(f.id, f) for f in bank.facts.values() if not f.retired]
    # The unchanged facts first, so that a duplicate is reported against the fact that stays.
    for fact in sorted(live, key=lambda f: f.id in changed):
        other = seen.setdefault(key(fact), fact.id)
        # Duplicates the merge did not make are not the merge's to refuse.
        if other != fact.id and fact.id in changed:
            message = (
                f"fact {fact.id} would become the same as fact {other} ({fact.kind}); retire "
                "one of them first"
            )
            problems.append(Problem("duplicate_fact", message, hint=other))
    return changed, problems


def edit_article(
    session: Session,
    *,
    editor_id: int | None,
    article_id: str,
    title: str,
    date: dt.date,
    source: str,
    text_: str,
    event_id: str | None = None,
    url: str | None = None,
    new_event: NewEvent | None = None,
    seed: int,
) -> Saved:
    """Change an article's title, date, source, address, event or text; its id stays.

    A new text must still hold every fact's evidence word for word (retired facts too: they
    can be restored): a change that would orphan one is refused, naming each such fact and
    its evidence. The questions of the article's facts' kinds are made again.
    """
    body = _article_body(text_)
    _check_article_fields(title, body, source)
    if new_event is not None and event_id:
        message = "choose an event from the list or name a new one, not both"
        raise EditError([Problem.at("event", "two_events", message)])

    def work() -> Saved:
        change = _begin(session, editor_id, "article", "update")
        bank = bank_from_db(session)
        old = bank.articles.get(article_id)
        if old is None:
            raise _no_such("article", article_id)
        facts = [f for f in bank.facts.values() if f.article == article_id]
        orphans = [
            Problem.at(
                "text",
                "orphaned_evidence",
                f"the new text drops the evidence of fact {f.id}{' (retired)' if f.retired else ''}"
                f": “{f.evidence}”; keep it word for word, or correct the fact first",
                hint=f.id,
            )
            for f in facts
            if f.evidence not in body
        ]
        if orphans:
            raise EditError(orphans)
        header = ArticleHeader(
            id=article_id,
            title=title.strip(),
            date=date,
            source=source.strip(),
            event=event_id or None,
            url=url or None,
        )
        bank.articles[article_id] = ArticleIn(header, body)
        detail = _diff(old.header, header)
        if body != old.text:
            detail["text"] = f"edited ({len(old.text)} → {len(body)} characters)"
        kinds = {f.kind for f in facts}
        before = set(bank.facts)
        if new_event is not None:
            event, made = _add_event(bank, new_event, article_id, body, detail)
            bank.articles[article_id] = ArticleIn(header.model_copy(update={"event": event}), body)
            kinds |= made
        return _finish(
            session,
            change,
            bank,
            subject_id=article_id,
            detail=detail,
            kinds=kinds,
            seed=seed,
            pending=Pending(facts=sorted(set(bank.facts) - before)),
        )

    return _run(session, work)


@dataclass(frozen=True)
class NewEvent:
    """An event made from the article form: its name, and optionally its year, its edition (a
    whole number: the 28th) and where it was held (a venue or city, known or new)."""

    name: str
    year: int | None = None
    edition: int | None = None
    venue: str = ""

    @property
    def full_name(self) -> str:
        """The name with its year in front, as the bank names events ("2026 Pop Gala")."""
        name = " ".join(self.name.split())
        if self.year is None or str(self.year) in name.split():
            return name
        return f"{self.year} {name}"


def _add_event(
    bank: Bank, new: NewEvent, article_id: str, body: str, detail: dict[str, Any]
) -> tuple[str, set[str]]:
    """Put ``new`` in ``bank`` as an event of ``article_id``: the entity, its venue if new,
    and the facts the article states (see docs/editing.md); returns the event's id and the
    kinds of the facts made. ``detail`` (the change log's) records what was made or why not."""
    name = new.full_name
    if not name:
        raise EditError([Problem.at("new_event_name", "required", "give the new event's name")])
    owners = _owners(bank, ()).get(fold(name))
    if owners:
        owner = owners[0]
        message = f"{name!r} is already the entity {owner}: pick it from the list"
        raise EditError([Problem.at("new_event_name", "duplicate_name", message, hint=owner)])
    event_id = unique_id(slugify(name), bank.entities)
    aliases = []
    if new.year is not None and name != " ".join(new.name.split()):
        aliases.append(f"{' '.join(new.name.split())} {new.year}")  # "Pop Gala 2026"
    bank.entities[event_id] = EntityIn(id=event_id, name=name, type="event", aliases=aliases)
    made: dict[str, str] = {"event": f"{name} ({event_id})"}
    sentences = [s.text for s in split_sentences(body)]
    kinds: set[str] = set()
    if new.edition is not None:
        said = re.compile(rf"\b{re.escape(ordinal(str(new.edition)))}\b", re.IGNORECASE)
        evidence = next((s for s in sentences if said.search(s)), None)
        if evidence is None:
            made["edition"] = f"no fact: no sentence says {ordinal(str(new.edition))}"
        else:
            roles: dict[str, Any] = {"event": event_id, "edition": new.edition}
            made["edition"] = _add_fact(bank, "edition", article_id, roles, evidence)
            kinds.add("edition")
    if new.venue.strip():
        place = _place(bank, new.venue)
        wanted = [fold(f) for f in _forms(place)]
        evidence = next(
            (s for s in sentences if any(f" {w} " in f" {fold(s)} " for w in wanted)), None
        )
        kind, role = ("held_in", "city") if place.type == "city" else ("held_at", "venue")
        if evidence is None:
            made[kind] = f"no fact: no sentence names {place.name}"
        else:
            roles = {"event": event_id, role: place.id}
            made[kind] = _add_fact(bank, kind, article_id, roles, evidence)
            kinds.add(kind)
    detail["new event"] = "; ".join(f"{key}: {value}" for key, value in made.items())
    return event_id, kinds


def _place(bank: Bank, text_: str) -> EntityIn:
    # A venue or city the bank knows by that name or alias, else a new venue.
    wanted = fold(text_)
    for entity in bank.entities.values():
        if entity.type in ("venue", "city") and wanted in {fold(f) for f in _forms(entity)}:
            return entity
    name = " ".join(text_.split())
    venue = EntityIn(id=unique_id(slugify(name), bank.entities), name=name, type="venue")
    bank.entities[venue.id] = venue
    return venue


def _add_fact(bank: Bank, kind: str, article_id: str, roles: dict[str, Any], evidence: str) -> str:
    first = next(v for v in roles.values() if isinstance(v, str))
    fact_id = unique_id(slugify(f"{article_id}-{kind}-{first}", limit=80), bank.facts)
    bank.facts[fact_id] = FactIn(
        id=fact_id, kind=kind, article=article_id, roles=roles, evidence=evidence
    )
    return f"fact {fact_id}"


# --- Facts --------------------------------------------------------------------------------------


def roles_from_form(
    kind: KindIn, values: Mapping[str, Any]
) -> tuple[dict[str, Any], list[Problem]]:
    """A fact's roles from form values (entity ids, texts, numbers as text), and the problems.

    Empty optional roles are left out; a role that takes several entities accepts a list or a
    comma-separated text of ids; numbers must be whole numbers. Each problem's field is the
    role's name.
    """
    roles: dict[str, Any] = {}
    problems: list[Problem] = []
    for role, spec in kind.roles.items():
        raw = values.get(role)
        items = raw if isinstance(raw, list) else ([raw] if raw not in (None, "") else [])
        if not spec.literal and len(items) == 1 and isinstance(items[0], str):
            items = items[0].split(",")  # entity ids never hold a comma
        items = [i.strip() if isinstance(i, str) else i for i in items]
        items = [i for i in items if i not in ("", None)]
        if not items:
            if not spec.optional:
                problems.append(Problem.at(role, "required", "this role is required"))
            continue
        if spec.literal == "number":
            try:
                roles[role] = int(str(items[0]))
            except ValueError:
                problems.append(
                    Problem.at(role, "not_a_number", "must be a whole number", value=items[0])
                )
            continue
        if spec.literal == "text":
            roles[role] = str(items[0])
            continue
        roles[role] = list(items) if spec.many else items[0]
        if not spec.many and len(items) > 1:
            problems.append(Problem.at(role, "not_many", f"takes one entity, not {len(items)}"))
    unknown = sorted(set(values) - set(kind.roles))
    if unknown:
        problems.append(
            Problem("unknown_role", f"no such role(s) for this kind: {', '.join(unknown)}")
        )
    return roles, problems


def save_fact(
    session: Session,
    *,
    editor_id: int | None,
    kind: str,
    article_id: str,
    roles: Mapping[str, Any],
    evidence: str,
    fact_id: str | None = None,
    open_roles: Sequence[str] | None = None,
    seed: int,
) -> Saved:
    """Create or correct a fact; the questions of its kind are regenerated at once.

    The evidence must be a verbatim passage of the article (the loader's rule), so a player
    can always be shown the sentence that proves the answer. ``open_roles`` (the many roles
    whose list the article leaves open) None keeps the fact's (none for a new one).
    """

    def work() -> Saved:
        change = _begin(session, editor_id, "fact", "create" if fact_id is None else "update")
        with live.context(session, before=change.id) as context:
            return _save_fact(change, context)

    def _save_fact(change: Change, context: BankContext) -> Saved:
        part = _part_of_bank(
            session,
            context,
            fact_ids=[fact_id] if fact_id else [],
            kind=kind,
            article_id=article_id,
            roles=roles,
        )
        bank = part if part is not None else bank_from_db(session)
        old = None
        if fact_id is None:
            first = next((v for v in roles.values() if isinstance(v, str)), kind)
            # 76 leaves room for unique_id's "-2" ... "-999" within a fact id's 80 characters.
            slug = slugify(f"{article_id}-{kind}-{first}", limit=76)
            new_id = unique_id(slug, bank.facts if part is None else _fact_ids_from(session, slug))
        else:
            old = bank.facts.get(fact_id)
            if old is None:
                raise _no_such("fact", fact_id)
            new_id = fact_id
        fact = FactIn(
            id=new_id,
            kind=kind,
            article=article_id,
            roles=dict(roles),
            evidence=evidence.strip(),
            retired=old.retired if old else False,
            open=list(open_roles) if open_roles is not None else list(old.open) if old else [],
        )
        # Last in the bank, so that a duplicate is reported on this fact, not the other one.
        bank.facts.pop(new_id, None)
        bank.facts[new_id] = fact
        if part is None:
            return _finish(
                session,
                change,
                bank,
                subject_id=new_id,
                detail=_diff(old, fact),
                kinds={kind} | ({old.kind} if old else set()),
                seed=seed,
                pending=Pending(facts={new_id}),
            )
        return _finish_records(
            session,
            change,
            bank,
            context,
            subject_id=new_id,
            detail=_diff(old, fact),
            facts={new_id: old},
            seed=seed,
            pending=Pending(facts={new_id}),
        )

    return _run(session, work)


def retire_fact(session: Session, *, editor_id: int | None, fact_id: str, seed: int) -> Saved:
    """Retire a fact: its questions go, and it no longer counts when wrong answers are checked."""
    return _retire(session, editor_id, "fact", fact_id, {"retired": True}, seed)


def restore_fact(session: Session, *, editor_id: int | None, fact_id: str, seed: int) -> Saved:
    """Undo a retirement: the fact makes its questions again, checked against today's bank."""
    return _retire(session, editor_id, "fact", fact_id, {"retired": False}, seed, "restore")


# --- The files and the database ------------------------------------------------------------------

BANK_SUBJECT = "bank"  # change_log rows that record a load from or a dump to the files


def record_files_sync(session: Session, *, action: str, path: str) -> None:
    """Note that the database and the files at ``path`` now agree ("load" or "dump").

    Does not commit: it belongs to the load's or the dump's transaction.
    """
    # Under the bank's lock, as every change to it: change ids then come in commit order,
    # which the kept contexts rely on (quizapp.questions.live.catch_up).
    lock_bank(session)
    session.add(Change(subject=BANK_SUBJECT, subject_id=path[-120:], action=action))


def unsaved_changes(session: Session) -> int:
    """How many workspace changes were made since the bank was last loaded from or dumped to
    files: what loading the files again would throw away."""
    last_sync = select(func.max(Change.id)).where(Change.subject == BANK_SUBJECT)
    since = (
        select(func.count())
        .select_from(Change)
        .where(Change.subject != BANK_SUBJECT)
        # A review (quizapp.workspace.review) changes nothing the files hold.
        .where(Change.subject != "review", Change.action != "review")
    )
    last = session.exec(last_sync).one()
    if last is not None:
        since = since.where(col(Change.id) > last)
    return session.exec(since).one()


def bank_is_empty(session: Session) -> bool:
    """True when the database holds no article yet (a first start)."""
    return session.exec(select(func.count()).select_from(Article)).one() == 0


# --- History ------------------------------------------------------------------------------------


def history(session: Session, *, subject: str, subject_id: str, limit: int = 50) -> list[Change]:
    """The latest changes to one record, newest first."""
    return list(
        session.exec(
            select(Change)
            .where(Change.subject == subject, Change.subject_id == subject_id)
            .order_by(col(Change.at).desc(), col(Change.id).desc())
            .limit(limit)
        )
    )
