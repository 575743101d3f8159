"""Fact proposals taken into the bank, dismissed, or left to show. No Flask.

A proposal (quizapp.workspace.proposals.Proposal) is recomputed from its article on every
page, so what the editor does with one is keyed by ``Proposal.key``:

- ``accept_proposals`` turns one or several proposals into facts, creating the entities they
  name that the bank lacks, in ONE change through quizapp.workspace.edits' common path (the
  bank's write lock, the whole bank checked with the loader's rules, the questions of the
  kinds concerned regenerated, a ``change_log`` row per created entity and fact, the new
  facts left waiting for review as any saved fact is). All or nothing: any problem refuses
  every proposal, and each problem names its proposal;
- ``dismiss_proposal`` remembers, per article, that an editor does not want one;
- ``pending`` leaves out of a list of proposals those dismissed and those already accepted
  (a fact of the same kind with the same roles exists).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from quizapp.bank.files import Bank, EntityIn, FactIn, KindIn, RoleSpec
from quizapp.bank.names import short_forms
from quizapp.bank.slots import (
    MissingRoleError,
    ParsedTemplate,
    RenderError,
    TemplateSyntaxError,
    indefinite_article,
    parse_template,
    render,
)
from quizapp.bank.sync import bank_from_db, kinds_from_db
from quizapp.core.problems import Location, Problem
from quizapp.core.text import fold, slugify, unique_id
from quizapp.models import Article, Change, Entity, Fact, ProposalDismissal, Question, Template
from quizapp.workspace import edits
from quizapp.workspace.articles import article_suggestions
from quizapp.workspace.edits import EditError, Pending, Saved
from quizapp.workspace.proposals import Filler, Proposal
from quizapp.workspace.propose import proposals_for_stored_article

# A fact id is at most 80 characters: its base leaves room for unique_id's "-2", "-10" ...
FACT_ID_BASE = 76

# {proposal key: {new entity's name: the type the editor chose}}
TypeOverrides = Mapping[str, Mapping[str, str]]


class AcceptError(EditError):
    """Proposals refused; ``by_key`` holds each proposal's problems under its key (a problem
    of the whole change, such as a lost proposal, is under "")."""

    def __init__(self, by_key: Mapping[str, Sequence[Problem]]) -> None:
        super().__init__([p for problems in by_key.values() for p in problems])
        self.by_key = {key: list(problems) for key, problems in by_key.items()}


@dataclass(frozen=True)
class Accepted:
    """What accepting did: the facts and entities created, and the questions the facts make."""

    facts: tuple[str, ...]
    entities: tuple[str, ...]
    questions: int


# --- Accepting ------------------------------------------------------------------------------------


def accept_proposal(
    session: Session,
    *,
    editor_id: int | None,
    article_id: str,
    proposal: Proposal,
    seed: int,
    overrides: Mapping[str, str] | None = None,
) -> Accepted:
    """Accept one proposal: its new entities (``overrides`` maps a new entity's name to the
    type the editor chose instead of the guess) and its fact, in one change."""
    return accept_proposals(
        session,
        editor_id=editor_id,
        article_id=article_id,
        proposals=[proposal],
        seed=seed,
        overrides={proposal.key: overrides or {}},
    )


def accept_proposals(
    session: Session,
    *,
    editor_id: int | None,
    article_id: str,
    proposals: Sequence[Proposal],
    seed: int,
    overrides: TypeOverrides | None = None,
) -> Accepted:
    """Accept several proposals of one article at once, all or nothing.

    A new entity is created once however many proposals name it; a name the bank now has (as
    a name or an alias, of a type the role takes) is used rather than made again. Raises
    AcceptError, nothing written, if any proposal has a problem.
    """
    overrides = overrides or {}
    if not proposals:
        raise AcceptError({"": [Problem("nothing_selected", "select at least one proposal")]})

    done: list[_Builder] = []

    def work() -> Saved:
        change = edits._begin(session, editor_id, "fact", "create")
        bank = bank_from_db(session)
        article = bank.articles.get(article_id)
        if article is None:
            raise AcceptError({"": [Problem("not_found", f"there is no article {article_id!r}")]})
        builder = _Builder(bank, article.text)
        for number, proposal in enumerate(proposals, 1):
            builder.add(number, article_id, proposal, overrides.get(proposal.key, {}))
        if builder.problems:
            raise AcceptError(builder.problems)
        builder.add_short_forms()
        # One change_log row per record, so each fact's and entity's history starts here.
        (subject, record), *others = builder.created
        for other_subject, other in others:
            session.add(
                Change(
                    editor_id=editor_id,
                    subject=other_subject,
                    subject_id=other.id,
                    action="create",
                    detail=edits._diff(None, other),
                )
            )
        change.subject = subject
        done.append(builder)
        try:
            return edits._finish(
                session,
                change,
                bank,
                subject_id=record.id,
                detail=edits._diff(None, record),
                kinds={fact.kind for fact in builder.facts},
                seed=seed,
                # The review gate: the new facts' questions wait for an editor to publish them.
                pending=Pending(facts={fact.id for fact in builder.facts}),
            )
        except EditError as error:
            raise AcceptError(builder.blame(error.problems)) from None

    edits._run(session, work)
    builder = done[-1]
    facts = tuple(fact.id for fact in builder.facts)
    questions = session.exec(
        select(func.count()).select_from(Question).where(col(Question.fact_id).in_(facts))
    ).one()
    entities = tuple(r.id for subject, r in builder.created if subject == "entity")
    return Accepted(facts=facts, entities=entities, questions=questions)


class _Builder:
    """The proposals' entities and facts added to a bank, and each proposal's problems."""

    def __init__(self, bank: Bank, text: str) -> None:
        self.bank = bank
        self.text = text
        self.problems: dict[str, list[Problem]] = {}
        self.created: list[tuple[str, EntityIn | FactIn]] = []
        self.facts: list[FactIn] = []
        self.owner: dict[str, str] = {}  # "fact f-1" / "entity e-1" -> the proposal's key
        self.labels: dict[str, str] = {}  # the proposal's key -> "proposal N (kind)"
        self.new_types: dict[str, tuple[str, str]] = {}  # folded name -> (entity id, key)

    def problem(self, key: str, code: str, message: str, field: str | None = None) -> None:
        where = Location(record=self.labels[key], key=field)
        self.problems.setdefault(key, []).append(Problem(code, message, field, where))

    def add(
        self, number: int, article_id: str, proposal: Proposal, types: Mapping[str, str]
    ) -> None:
        key = proposal.key
        self.labels[key] = f"proposal {number} ({proposal.kind})"
        kind = self.bank.kinds.get(proposal.kind)
        if kind is None:
            self.problem(key, "unknown_kind", f"there is no fact kind {proposal.kind!r}", "kind")
            return
        evidence = proposal.evidence.strip()
        if not evidence or evidence not in self.text:
            message = "the evidence is not a verbatim passage of the article; edit the fact"
            self.problem(key, "evidence_not_in_article", message, "evidence")
        roles: dict[str, Any] = {}
        for role, fillers in proposal.roles.items():
            spec = kind.roles.get(role)
            if spec is None:
                message = f"{proposal.kind} has no role {role!r} (it has {', '.join(kind.roles)})"
                self.problem(key, "unknown_role", message, role)
                continue
            value = self._value(key, role, spec, fillers, types)
            if value is not None:
                roles[role] = value
        for role, spec in kind.roles.items():
            if not spec.optional and role not in proposal.roles:
                self.problem(key, "required", f"the role {role!r} is required", role)
        if key in self.problems:
            return
        same = _same_fact(self.bank.facts.values(), kind, proposal.kind, roles)
        if same is not None:
            message = f"this fact is already recorded as {same.id}"
            self.problem(key, "duplicate_fact", message)
            return
        first = next((v for v in roles.values() if isinstance(v, str)), proposal.kind)
        fact_id = unique_id(
            slugify(f"{article_id}-{proposal.kind}-{first}", limit=FACT_ID_BASE), self.bank.facts
        )
        try:
            fact = FactIn(
                id=fact_id, kind=proposal.kind, article=article_id, roles=roles, evidence=evidence
            )
        except ValidationError as error:
            self.refused(key, error)
            return
        self.bank.facts[fact_id] = fact
        self.facts.append(fact)
        self.created.append(("fact", fact))
        self.owner[f"fact {fact_id}"] = key

    def _value(
        self,
        key: str,
        role: str,
        spec: RoleSpec,
        fillers: Sequence[Filler],
        types: Mapping[str, str],
    ) -> Any:
        if not fillers:
            return None
        if spec.literal == "number":
            try:
                return int(fillers[0].text.strip())
            except ValueError:
                message = f"must be a whole number, not {fillers[0].text!r}"
                self.problem(key, "not_a_number", message, role)
                return None
        if spec.literal == "text":
            return fillers[0].text.strip()
        if len(fillers) > 1 and not spec.many:
            self.problem(key, "not_many", f"takes one entity, not {len(fillers)}", role)
            return None
        ids = [self._entity(key, role, spec, filler, types) for filler in fillers]
        if any(i is None for i in ids):
            return None
        return list(ids) if spec.many else ids[0]

    def _entity(
        self, key: str, role: str, spec: RoleSpec, filler: Filler, types: Mapping[str, str]
    ) -> str | None:
        if filler.entity_id is not None:
            if filler.entity_id not in self.bank.entities:
                message = f"the entity {filler.entity_id!r} is no longer in the bank"
                self.problem(key, "unknown_entity", message, role)
                return None
            return filler.entity_id
        name = filler.text.strip()
        wanted = types.get(filler.text) or filler.new_type
        fits = [e for e in _named(self.bank.entities.values(), name) if e.type in spec.types]
        if len(fits) == 1:
            return fits[0].id  # created since the proposal was made, or by another one here
        if len(fits) > 1:
            names = ", ".join(f"{e.id} ({e.type})" for e in fits)
            self.problem(key, "ambiguous_name", f"{name!r} could be {names}; edit the fact", role)
            return None
        others = _named(self.bank.entities.values(), name)
        if others:
            other = others[0]
            message = (
                f"{name!r} is already the entity {other.id}, {indefinite_article(other.type)},"
                f" and {indefinite_article(role)} must be {_one_of(spec.types)}; edit the fact"
            )
            self.problem(key, "wrong_type", message, role)
            return None
        if not wanted:
            message = f"{name!r} is not in the bank; choose what it is"
            self.problem(key, "unknown_entity", message, role)
            return None
        if wanted not in spec.types:
            message = (
                f"{name!r} cannot be {indefinite_article(wanted)}:"
                f" {indefinite_article(role)} is {_one_of(spec.types)}"
            )
            self.problem(key, "wrong_type", message, role)
            return None
        if not name:
            self.problem(key, "required", "a new entity needs a name", role)
            return None
        try:
            entity = EntityIn(
                id=unique_id(slugify(name), self.bank.entities), name=name, type=wanted
            )
        except ValidationError as error:
            self.refused(key, error, role)
            return None
        self.bank.entities[entity.id] = entity
        self.created.append(("entity", entity))
        self.owner[f"entity {entity.id}"] = key
        return entity.id

    def add_short_forms(self) -> None:
        """Give each new entity the short forms no other entity shares (the surname: "March"
        for Ivy March), as the new entity form offers them, so the article's later "March"
        is known to the gazetteer, the fact form and the proposer."""
        found = short_forms(self.bank.entities.values())
        for index, (subject, record) in enumerate(self.created):
            if isinstance(record, EntityIn) and found.get(record.id):
                aliases = [*record.aliases, *found[record.id]]
                record = record.model_copy(update={"aliases": aliases})
                self.bank.entities[record.id] = record
                self.created[index] = (subject, record)

    def refused(self, key: str, error: ValidationError, role: str | None = None) -> None:
        """A record the bank's shapes refuse (a name or evidence too long ...), under its
        proposal: at the role whose new entity it is, else at the fact's field."""
        for problem in (edits._validation_problem(e) for e in error.errors()):
            self.problem(key, problem.code, problem.message, role or problem.field)

    def blame(self, problems: Iterable[Problem]) -> dict[str, list[Problem]]:
        """The bank's problems under the proposal whose fact or entity each is about."""
        by_key: dict[str, list[Problem]] = {}
        for problem in problems:
            key = self.owner.get(problem.location.record or "", "")
            if key:
                where = replace(problem.location, file=None, line=None, record=self.labels[key])
                problem = replace(problem, location=where)
            by_key.setdefault(key, []).append(problem)
        return by_key


def _one_of(types: Sequence[str]) -> str:
    return indefinite_article(" or ".join(types))


def _named(entities: Iterable[EntityIn], name: str) -> list[EntityIn]:
    # The entities called ``name``, by their name or an alias, as the role fields match them.
    folded = fold(name)
    return [e for e in entities if folded and folded in {fold(f) for f in [e.name, *e.aliases]}]


def _same_fact(
    facts: Iterable[FactIn], kind: KindIn, kind_name: str, roles: Mapping[str, Any]
) -> FactIn | None:
    """A fact of ``kind_name`` with the same roles (a many role's list in any order)."""
    wanted = _comparable(kind, roles)
    for fact in facts:
        if fact.kind == kind_name and _comparable(kind, fact.roles) == wanted:
            return fact
    return None


def _comparable(kind: KindIn, roles: Mapping[str, Any]) -> dict[str, Any]:
    shaped: dict[str, Any] = {}
    for role, value in roles.items():
        spec = kind.roles.get(role)
        if isinstance(value, list):
            shaped[role] = frozenset(value)
        elif spec is not None and spec.literal == "text":
            shaped[role] = fold(str(value))
        else:
            shaped[role] = value
    return shaped


# --- Dismissing, and what is left to show --------------------------------------------------------


def dismiss_proposal(
    session: Session, *, editor_id: int | None, article_id: str, proposal: Proposal
) -> bool:
    """Remember that ``proposal`` is not wanted on the article; False if it already was."""
    if session.get(ProposalDismissal, (article_id, proposal.key)) is not None:
        return False
    session.add(ProposalDismissal(article_id=article_id, key=proposal.key, editor_id=editor_id))
    try:
        session.commit()
    except IntegrityError:
        # Another editor dismissed it at the same moment: it is dismissed either way.
        session.rollback()
        return False
    return True


def dismissed_keys(session: Session, article_id: str) -> set[str]:
    """The keys of the proposals dismissed on the article."""
    query = select(ProposalDismissal.key).where(ProposalDismissal.article_id == article_id)
    return set(session.exec(query))


def pending(
    session: Session, article_id: str, proposals: Sequence[Proposal], kinds: Mapping[str, KindIn]
) -> list[Proposal]:
    """``proposals`` less those dismissed on the article and those already accepted: a fact
    of the same kind has the same values in every role the proposal fills (and perhaps more
    roles: the proposal would say nothing new). Retired facts count too: a fact an editor
    retired is not proposed again. A new entity counts as the bank's entity of that name."""
    dismissed = dismissed_keys(session, article_id)
    left = [p for p in proposals if p.key not in dismissed]
    wanted_kinds = {p.kind for p in left}
    if not wanted_kinds:
        return left
    facts = list(session.exec(select(Fact).where(col(Fact.kind).in_(wanted_kinds))))
    entities = [
        EntityIn(id=e.id, name=e.name, type=e.type, aliases=e.aliases)
        for e in session.exec(select(Entity))
    ]
    shown = []
    for proposal in left:
        kind = kinds.get(proposal.kind)
        roles = _known_roles(kind, proposal, entities) if kind is not None else None
        if kind is None or roles is None:
            shown.append(proposal)  # accepting it will say what is wrong
            continue
        wanted = _comparable(kind, roles).items()
        if not any(
            f.kind == proposal.kind and wanted <= _comparable(kind, f.roles).items() for f in facts
        ):
            shown.append(proposal)
    return shown


def _known_roles(
    kind: KindIn, proposal: Proposal, entities: Sequence[EntityIn]
) -> dict[str, Any] | None:
    # The proposal's roles as a fact's, or None if a name is not (yet) an entity of the bank.
    roles: dict[str, Any] = {}
    for role, fillers in proposal.roles.items():
        spec = kind.roles.get(role)
        if spec is None or not fillers:
            return None
        if spec.literal == "number":
            try:
                roles[role] = int(fillers[0].text.strip())
            except ValueError:
                return None
            continue
        if spec.literal == "text":
            roles[role] = fillers[0].text.strip()
            continue
        ids = []
        for filler in fillers:
            if filler.entity_id is not None:
                ids.append(filler.entity_id)
                continue
            fits = [e for e in _named(entities, filler.text) if e.type in spec.types]
            if len(fits) != 1:
                return None
            ids.append(fits[0].id)
        roles[role] = ids if spec.many else ids[0]
    return roles


# --- What the pages show ----------------------------------------------------------------------


def offered(session: Session, article: Article) -> list[Proposal]:
    """The proposals the article's page offers now: the proposer's, less those dismissed on
    the article and those already accepted. Recomputed on each call (deterministic for a
    given bank), so a form names a proposal by its key and the server finds it here again."""
    proposals = proposals_for_stored_article(session, article)
    return pending(session, article.id, proposals, kinds_from_db(session))


# A proposal at least this sure is ticked on the review screen before the editor looks. The
# proposer (quizapp.workspace.propose) starts a hand-written cue's proposal at 0.8 and a
# pattern the bank taught itself at 0.65, less 0.05 per new entity: on an unseen article
# nearly every proposal names new entities, so "sure" must allow several of them.
HIGH_CONFIDENCE = 0.5


@dataclass(frozen=True)
class ShownValue:
    """One value of a role as the pages show it: its display name, and for an entity the bank
    lacks, its guessed type and the types the role allows (the review screen's select)."""

    text: str
    new_type: str | None = None
    types: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProposalView:
    """A proposal as the article page and the review screen show it."""

    proposal: Proposal
    sentence: int | None  # the number (from 1) of the sentence its evidence starts in
    statement: str  # the fact as a sentence, from the kind's own templates
    roles: tuple[tuple[str, tuple[ShownValue, ...]], ...]
    # The number (from 1, in the list) of another proposal that says all this one says and
    # more: accepting both would record the same fact twice, the shorter one less useful.
    covered_by: int | None = None

    @property
    def key(self) -> str:
        return self.proposal.key

    @property
    def high(self) -> bool:
        """Ticked before the editor looks: sure enough, and not said better by another."""
        return self.proposal.confidence >= HIGH_CONFIDENCE and self.covered_by is None

    @property
    def new_values(self) -> list[ShownValue]:
        """The new entities, each once, in the order the roles name them."""
        seen: dict[str, ShownValue] = {}
        for _, values in self.roles:
            for value in values:
                if value.new_type is not None:
                    seen.setdefault(value.text, value)
        return list(seen.values())


def proposal_views(
    session: Session, article: Article, proposals: Sequence[Proposal]
) -> list[ProposalView]:
    """``proposals`` of ``article`` ready to show, each under the sentence its evidence
    starts in (numbered from 1, as the article page numbers them)."""
    ends = [item.sentence.end for item in article_suggestions(session, article)]
    kinds = kinds_from_db(session)
    statements = _statements(session)
    views = []
    for proposal in proposals:
        kind = kinds.get(proposal.kind)
        roles = []
        for role, fillers in proposal.roles.items():
            spec = kind.roles.get(role) if kind is not None else None
            allowed = spec.types if spec is not None and spec.literal is None else ()
            shown = [ShownValue(f.text, f.new_type if f.is_new else None, allowed) for f in fillers]
            roles.append((role, tuple(shown)))
        views.append(
            ProposalView(
                proposal,
                next((n for n, end in enumerate(ends, 1) if proposal.start < end), None),
                statement(proposal, statements.get(proposal.kind, ())),
                tuple(roles),
                _covered_by(proposal, proposals),
            )
        )
    return views


def _covered_by(proposal: Proposal, proposals: Sequence[Proposal]) -> int | None:
    # The first other proposal of the kind that fills every role this one does, alike, and more.
    said = _said(proposal)
    for number, other in enumerate(proposals, 1):
        if other.kind == proposal.kind and other is not proposal and said < _said(other):
            return number
    return None


def _said(proposal: Proposal) -> set[tuple[str, frozenset[str]]]:
    return {
        (role, frozenset(f.entity_id or fold(f.text) for f in fillers))
        for role, fillers in proposal.roles.items()
    }


def _statements(session: Session) -> dict[str, list[ParsedTemplate]]:
    # Each kind's published true/false prompts, then its explanations: statements of a fact.
    query = select(Template).where(Template.status == "published").order_by(col(Template.id))
    templates = list(session.exec(query))
    texts = [(t.kind, t.prompt) for t in templates if t.style == "true_false"]
    texts += [(t.kind, t.explanation) for t in templates if t.explanation]
    by_kind: dict[str, list[ParsedTemplate]] = {}
    for kind, text in texts:
        try:
            by_kind.setdefault(kind, []).append(parse_template(text))
        except TemplateSyntaxError:
            continue  # the bank's check refuses these; a page need not fail on one
    return by_kind


def statement(proposal: Proposal, statements: Sequence[ParsedTemplate]) -> str:
    """The proposal as a sentence: the statement that names the most of its filled roles and
    no other, filled with display names; its roles one by one when none fits."""
    values: dict[str, str | Sequence[str]] = {
        role: fillers[0].text if len(fillers) == 1 else [f.text for f in fillers]
        for role, fillers in proposal.roles.items()
        if fillers
    }
    fitting = [s for s in statements if s.roles <= values.keys()]
    if fitting:
        best = max(fitting, key=lambda s: len(s.roles))  # the first of the longest
        try:
            return render(best, values)
        except (RenderError, MissingRoleError):
            pass
    return "; ".join(
        f"{role.replace('_', ' ')}: {', '.join(f.text for f in fillers)}"
        for role, fillers in proposal.roles.items()
    )
