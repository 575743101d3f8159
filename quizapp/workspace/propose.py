"""Fact proposals: complete facts read off an article's sentences, for an editor to accept.

No Flask, no database writes, nothing downloaded: plain rules over the workspace's own
reading of the article (quizapp.workspace.suggest) and the bank.

How a sentence becomes proposals
    1. Its mentions (suggest_facts): the bank's entities (the gazetteer), new names and
       titles with a guessed type. A lone surname, or the name with or without a title,
       stands for the full name the article used first ("Varga" for "Tomas Varga", "Stone"
       and "Amelia Stone" for "Dr. Amelia Stone"); "he"/"she"/"him"/"her"/"his" for the
       person the previous sentences are about (their subject), which is how a quote's "she
       said" finds its speaker, and so does a description ("the 22-year-old actress", "the
       singer"); "the band" for the last group named; "the award", "the trophy" for the last
       award; "the festival", "the ceremony" ... for the article's event.
    2. The sentence is written as a skeleton: every mention a slot, every quotation a quote
       token, the words between them as they are ("⟨0⟩ won ⟨1⟩ for ⟨2⟩").
    3. Cue patterns per kind (quizapp.workspace.cues, hand-written and general), the kinds'
       own cue phrases (kinds.yaml's ``cues``, which editors write) and patterns the bank
       teaches itself (for each of its facts, the words between two role fillers in
       the evidence) are matched against the skeleton; each match fills some roles.
    4. The event role is filled with the article's event (given, or the first event the
       article names: "the 2024 Golden Reel Awards"). A proposal is kept only if every
       required role is filled, every value's type fits its role (question_bank/kinds.yaml),
       and no entity fills two roles; a band role left open is the band in context ("drummer
       Eli Sato" after the band was named). Propose nothing rather than junk.
    5. If no sentence says where the event was held and the article names one venue, that
       venue is proposed as the event's.

The workspace calls `propose_for_article` with its session; the command line does the same;
tests and the benchmark call `propose_facts` with a bank read from files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import yaml
from sqlmodel import Session, col, select

from quizapp.bank.files import Bank, KindIn
from quizapp.bank.sync import kinds_from_db
from quizapp.core.text import fold
from quizapp.models import Article, Entity, Fact
from quizapp.workspace.cues import CUES, ORDINALS, TIMELESS_KINDS, Cue, phrase_cues
from quizapp.workspace.proposals import Filler, NewEntity, Proposal
from quizapp.workspace.suggest import (
    Category,
    EntityLike,
    EntityRef,
    Gazetteer,
    Mention,
    SentenceSuggestions,
    suggest_facts,
)

__all__ = [
    "ArticleFileError",
    "ArticleSource",
    "Proposer",
    "parse_article",
    "propose_facts",
    "many_roles",
    "propose_for_article",
    "proposals_for_stored_article",
]

# Confidence of a proposal from a hand-written cue and from a pattern the bank taught itself;
# each new entity the proposal needs (a guessed type) makes it a little less sure.
HAND_CONFIDENCE = 0.8
LEARNED_CONFIDENCE = 0.65
NEW_ENTITY_PENALTY = 0.05
# Learned patterns: at most this many words between two fillers of a fact's evidence.
LEARNED_MAX_WORDS = 4


@dataclass(frozen=True)
class Slot:
    """Something a role can take: a mention, or a pronoun or a "the band" standing for one."""

    text: str  # the name the fact would use ("Tomas Varga" for "Varga")
    start: int
    end: int
    entities: tuple[EntityRef, ...] = ()  # known: the entity first, then same-named ones
    guess: str | None = None  # new: the guessed type
    quote: bool = False  # a quotation, not a name
    virtual: bool = False  # a pronoun or "the band"

    @property
    def types(self) -> tuple[str, ...]:
        if self.entities:
            return tuple(e.type for e in self.entities)
        return (self.guess,) if self.guess else ()

    def filler(self, types: Sequence[str]) -> Filler | None:
        """This slot as a value of a role taking ``types``, or None if it does not fit."""
        for entity in self.entities:
            if entity.type in types:
                return Filler(entity.name, entity_id=entity.id)
        if not self.entities and self.guess in types:
            return Filler(self.text, new_type=self.guess)
        return None


@dataclass(frozen=True)
class _Skeleton:
    """A sentence with its slots as ``⟨i:types⟩`` and quotations as ``⟪i⟫``."""

    text: str
    slots: tuple[Slot, ...]
    # (skeleton start, article start) of each stretch of plain text, to map captures back.
    plain: tuple[tuple[int, int, int], ...]
    # The band the article is about at this sentence (the last group named so far), for
    # "drummer Eli Sato" with no band named in the sentence itself.
    group: Slot | None = None

    def article_span(self, start: int, end: int, article: str) -> str:
        """The article's text under a captured stretch of the skeleton (slots read back)."""
        out = []
        pos = start
        while pos < end:
            slot = _TOKEN.match(self.text, pos)
            if slot:
                # As the article writes it: "on his first feature", not the name "his" is.
                taken = self.slots[int(slot.group(1))]
                out.append(article[taken.start : taken.end])
                pos = slot.end()
                continue
            for skel_start, skel_end, art_start in self.plain:
                if skel_start <= pos < skel_end:
                    stop = min(end, skel_end)
                    nxt = re.compile(r"[⟨⟪]").search(self.text, pos, stop)
                    stop = nxt.start() if nxt else stop
                    out.append(
                        article[art_start + pos - skel_start : art_start + stop - skel_start]
                    )
                    pos = stop
                    break
            else:
                out.append(self.text[pos])
                pos += 1
        return "".join(out)


@dataclass
class _Compiled:
    kind: str
    pattern: re.Pattern[str]
    confidence: float
    literal: Mapping[str, str] = field(default_factory=dict)  # role -> fixed literal value
    kind_roles: frozenset[str] = frozenset()  # the kind's roles that take a list
    open: tuple[str, ...] = ()  # roles whose list the match leaves open
    prefix: Mapping[str, str] = field(default_factory=dict)  # role -> words put before it


# --- Building a proposer ----------------------------------------------------------------------


class Proposer:
    """The bank's kinds, gazetteer and patterns, ready to read articles."""

    def __init__(
        self,
        kinds: Mapping[str, KindIn],
        entities: Iterable[EntityLike],
        learned: Iterable[Cue] = (),
    ):
        self.kinds = dict(kinds)
        entity_list = list(entities)
        self.gazetteer = Gazetteer.from_entities(entity_list)
        self.entities = {e.id: EntityRef(e.id, e.name, e.type) for e in entity_list}
        self.patterns: list[_Compiled] = []
        for cue in [*CUES, *phrase_cues(self.kinds), *learned]:
            if cue.kind in self.kinds:
                self.patterns.append(_compile(cue, self.kinds[cue.kind]))

    @classmethod
    def from_bank(cls, bank: Bank) -> Proposer:
        """A proposer for a bank read from files (quizapp.bank.files.read_bank)."""
        evidence = [
            (f.kind, dict(f.roles), f.evidence) for f in bank.facts.values() if not f.retired
        ]
        entities = list(bank.entities.values())
        return cls(bank.kinds, entities, learn_cues(bank.kinds, entities, evidence))

    @classmethod
    def from_session(cls, session: Session) -> Proposer:
        """A proposer for the bank in the database: its kinds, entities and facts."""
        kinds = kinds_from_db(session)
        entities = list(session.exec(select(Entity)).all())
        facts = session.exec(select(Fact).where(col(Fact.retired).is_(False))).all()
        evidence = [(f.kind, dict(f.roles), f.evidence) for f in facts]
        return cls(kinds, entities, learn_cues(kinds, entities, evidence))

    def propose(
        self, text: str, title: str | None = None, event_id: str | None = None
    ) -> list[Proposal]:
        """Complete facts the article's sentences state, in the article's order.

        ``title`` is the article's title when the text does not start with it; ``event_id``
        the article's event if it has one, else the first event the article names is used.
        """
        suggestions = suggest_facts(text, self.gazetteer)
        event = self._article_event(text, title, event_id, suggestions)
        article = _ArticleReader(text, suggestions, event, self.kinds, self.gazetteer)
        proposals: dict[tuple[object, ...], Proposal] = {}
        for skeleton, sentence in article.skeletons():
            for compiled in self.patterns:
                for roles in _one_per_single_role(compiled, _matches(compiled, skeleton, text)):
                    proposal = article.complete(compiled, roles, sentence, skeleton.group)
                    if proposal is None:
                        continue
                    for made in (proposal, *article.implied(proposal)):
                        article.note(made)
                        key = _identity(made)
                        if key not in proposals or (
                            proposals[key].start == made.start
                            and proposals[key].confidence < made.confidence
                        ):
                            proposals[key] = made
        kept = [p for p in proposals.values() if not _contained(p, proposals.values())]
        if not any(p.kind == "held_at" for p in kept):
            kept.extend(self._only_venue(suggestions, event))
        return sorted(kept, key=lambda p: (p.start, p.kind, p.key))

    def _only_venue(
        self, suggestions: Sequence[SentenceSuggestions], event: Slot | None
    ) -> list[Proposal]:
        """The one venue a report on an event names, as where the event was held ("... was
        introduced to the crowd at Lakeview Park"), when no sentence says so in words. Two
        venues or none: nothing, since then the article does not say which."""
        kind = self.kinds.get("held_at")
        if kind is None or event is None or "venue" not in kind.roles:
            return []
        found: dict[str, tuple[Filler, SentenceSuggestions]] = {}
        for item in suggestions:
            for mention in item.mentions:
                slot = Slot(
                    mention.entity.name if mention.entity else mention.text,
                    mention.start,
                    mention.end,
                    entities=(mention.entity, *mention.alternatives) if mention.entity else (),
                    guess=mention.guess,
                )
                filler = slot.filler(kind.roles["venue"].types)
                if filler is not None:
                    found.setdefault(filler.entity_id or fold(filler.text), (filler, item))
        event_filler = event.filler(kind.roles["event"].types)
        if len(found) != 1 or event_filler is None:
            return []
        venue, item = next(iter(found.values()))
        roles = {"event": (event_filler,), "venue": (venue,)}
        return [
            Proposal(
                kind="held_at",
                roles=roles,
                evidence=item.sentence.text,
                start=item.sentence.start,
                confidence=LEARNED_CONFIDENCE - NEW_ENTITY_PENALTY * len(_new_entities(roles)),
                new_entities=_new_entities(roles),
            )
        ]

    def _article_event(
        self,
        text: str,
        title: str | None,
        event_id: str | None,
        suggestions: Sequence[SentenceSuggestions],
    ) -> Slot | None:
        if event_id is not None and event_id in self.entities:
            ref = self.entities[event_id]
            return Slot(ref.name, -1, -1, entities=(ref,))
        mentions = [m for s in suggestions for m in s.mentions]
        if title and title.strip() and title.strip() not in text:
            mentions = [m for s in suggest_facts(title, self.gazetteer) for m in s.mentions]
            mentions += [m for s in suggestions for m in s.mentions]
        new = [m for m in mentions if m.category == Category.NEW_NAME and m.guess == "event"]
        dated = [m for m in new if re.match(r"(?:19|20)\d\d ", m.text)]
        # The first event the article names: one the bank has, or a new one with its year
        # (by its fullest name: a headline's "2013 VMAs" is the body's "2013 MTV Video Music
        # Awards"); a new one without a year only if there is nothing else.
        for mention in mentions:
            if mention.entity is not None and mention.entity.type == "event":
                return Slot(mention.entity.name, -1, -1, entities=(mention.entity,))
            if mention in dated:
                same = [m for m in dated if m.text[:4] == mention.text[:4]]
                return Slot(max(same, key=lambda m: len(m.text)).text, -1, -1, guess="event")
        return Slot(new[0].text, -1, -1, guess="event") if new else None


def propose_facts(
    bank: Bank, text: str, title: str | None = None, event_id: str | None = None
) -> list[Proposal]:
    """Proposals for an article against a bank read from files (see `Proposer.propose`)."""
    return Proposer.from_bank(bank).propose(text, title, event_id)


def propose_for_article(
    session: Session, text: str, title: str | None = None, event_id: str | None = None
) -> list[Proposal]:
    """Proposals for an article against the database's bank (see `Proposer.propose`)."""
    return Proposer.from_session(session).propose(text, title, event_id)


def proposals_for_stored_article(session: Session, article: Article) -> list[Proposal]:
    """Proposals for an article already in the bank, with its own event."""
    return propose_for_article(session, article.text, article.title, article.event_id)


def many_roles(kind: KindIn) -> frozenset[str]:
    """The roles of ``kind`` that take a list (for `Proposal.as_json`)."""
    return frozenset(role for role, spec in kind.roles.items() if spec.many)


# --- Article files ----------------------------------------------------------------------------


class ArticleFileError(ValueError):
    """An article file the proposer cannot read; the message says what to fix."""


@dataclass(frozen=True)
class ArticleSource:
    """An article to propose facts for: its text, title and event (an entity id), if any."""

    text: str
    title: str | None = None
    event_id: str | None = None


def parse_article(content: str) -> ArticleSource:
    """An article file's content: the bank's format (a YAML header between ``---`` lines,
    then the text; question_bank/articles/) or plain text with the title on its first line.
    """
    if not content.strip():
        raise ArticleFileError("is empty: put the article's title on the first line, then its text")
    if content.startswith("---\n"):
        end = content.find("\n---\n", 3)
        if end < 0:
            raise ArticleFileError("starts a YAML header with '---' but has no closing '---' line")
        try:
            header = yaml.safe_load(content[4 : end + 1])
        except yaml.YAMLError as exc:
            raise ArticleFileError(f"its header is not valid YAML: {exc}") from None
        if not isinstance(header, dict):
            raise ArticleFileError("its header must be YAML keys and values (id, title, ...)")
        text = content[end + 5 :]
        if not text.strip():
            raise ArticleFileError("has a header but no text after it")
        title, event = header.get("title"), header.get("event")
        return ArticleSource(
            text,
            str(title) if title is not None else None,
            str(event) if event is not None else None,
        )
    title = content.strip().splitlines()[0].strip()
    return ArticleSource(content, title)


# --- Learning from the bank -------------------------------------------------------------------


def learn_cues(
    kinds: Mapping[str, KindIn],
    entities: Iterable[EntityLike],
    facts: Iterable[tuple[str, Mapping[str, object], str]],
) -> list[Cue]:
    """Patterns the bank's own facts teach: for each fact, the words between two of its
    single-entity role fillers in its evidence ("⟨band⟩ guitarist ⟨member⟩" from "Queen
    guitarist Brian May"). Only short gaps of plain words count, and a literal role whose
    value is exactly those words becomes part of the pattern's result."""
    entity_list = list(entities)
    gazetteer = Gazetteer.from_entities(entity_list)
    learned: dict[tuple[str, str], Cue] = {}
    for kind_name, roles, evidence in facts:
        kind = kinds.get(kind_name)
        if kind is None:
            continue
        found = gazetteer.find(evidence)
        by_entity = {}
        for role, value in roles.items():
            spec = kind.roles.get(role)
            if spec is None or spec.many or spec.literal or role == "event":
                continue
            for mention in found:
                ids = {mention.entity.id} | {a.id for a in mention.alternatives}  # type: ignore[union-attr]
                if value in ids:
                    by_entity[mention.start] = (role, mention)
                    break
        ordered = [by_entity[k] for k in sorted(by_entity)]
        for (role_a, a), (role_b, b) in zip(ordered, ordered[1:], strict=False):
            gap = evidence[a.end : b.start]
            if any(m.start >= a.end and m.end <= b.start for m in found):
                continue
            words = gap.split()
            if not words or len(words) > LEARNED_MAX_WORDS or not re.fullmatch(r"[\w\s,'’-]+", gap):
                continue
            # "JWoww to Jared Leto" says nothing of a fan: a pattern needs a word that does.
            if not any(len(w) > 3 and not _is_function_word(w) for w in words):
                continue
            literal = {
                role: str(value)
                for role, value in roles.items()
                if kind.roles.get(role) is not None
                and kind.roles[role].literal == "text"
                and str(value).casefold() in gap.casefold()
            }
            pattern = (
                "{" + role_a + "}" + re.escape(gap).replace(r"\ ", r"\s+") + "{" + role_b + "}"
            )
            if any(
                role not in {role_a, role_b, "event", *literal} and not spec.optional
                for role, spec in kind.roles.items()
            ):
                continue
            cue = Cue(kind_name, pattern, learned=True, literal=literal)
            learned.setdefault((kind_name, pattern), cue)
    return list(learned.values())


# --- Reading an article -----------------------------------------------------------------------

# Pronouns that stand for a person: subjects and objects, and "her"/"his" before a work of
# theirs ("her debut album"). Other possessives stay words, so that cues can read "for his
# turn in".
_PRONOUN = re.compile(
    r"\b(?:he|she|him"
    r"|her(?=\s*(?:[,.;:!?\"”]|$|\s(?:by|to|on|at|in|with|for|from|after|before|during|"
    r"a|an|the|as|and|that|backstage|onstage)\b))"
    r"|(?:her|his)(?=\s+(?:(?:debut|new|latest|first|second|third|upcoming|next) )?"
    r"(?:album|single|song|record|track)\b))\b",
    re.IGNORECASE,
)
_PERSON_ANAPHORA = re.compile(
    r"\bthe (?:[\w-]+ ){0,3}?(?:actor|actress|singer|rapper|star|teenager|newcomer|winner|"
    r"champion|musician|comedian|frontman|frontwoman|drummer|guitarist|bassist|director|"
    r"host|presenter|veteran|songwriter|mentor|contestant|finalist)\b"
    r"(?!(?-i:\s+[A-Z]))(?![\w-])",
    re.IGNORECASE,
)
_GROUP_ANAPHORA = re.compile(
    r"\bthe (?:[\w-]+ ){0,2}?(?:band|group|trio|duo|quartet|quintet|collective)\b"
    r"(?!(?-i:\s+[A-Z]))",
    re.IGNORECASE,
)
_EVENT_ANAPHORA = re.compile(
    # Not "the sixth-season finale", "the 19th festival": the edition cues read those.
    r"\bthe (?!(?:\d+(?:st|nd|rd|th)|"
    + "|".join(ORDINALS)
    + r")\b)(?:[\w-]+ )?(?:festival|ceremony|gala|event|awards|show|evening|night|concert|"
    r"screening|finale|semi-final|taping|broadcast)\b"
    r"(?!(?-i:\s+[A-Z]))",
    re.IGNORECASE,
)
# "the award" for the award named last ("that Cher had handed her the award").
_AWARD_ANAPHORA = re.compile(
    r"\bthe (?:top |big |main |night's )?(?:award|prize|honou?r|trophy|statuette)\b"
    r"(?!(?-i:\s+(?:for\b|[A-Z])))",
    re.I,
)
_AGE_BEFORE = re.compile(r"\b(\d{1,2})-year-old (?:[a-z][\w-]* ){0,2}$")
# Lower-case words right before a name ("soul legend Harriet Vale"), not after a verb or
# a preposition ("met", "with"), which do not describe it.
_NOUNS_BEFORE = re.compile(
    r"(?<![\w'’-])(?!(?:and|or|but|the|a|an|with|to|as|for|by|of|at|in|on|from|met|told|was|"
    r"is|her|his|their)\b)[a-z][\w-]*(?: [a-z][\w-]*)? $"
)
# A quote in which the speaker says they are a fan: "I'm a huge fan", "I've always been a fan".
_FAN_QUOTE = re.compile(
    r"\bI(?:['’]m| am|['’]ve (?:always )?been| have (?:always )?been|['’]ve been| was)"
    r" (?:such )?(?:a |an )?(?:huge |big |massive |longtime |lifelong |die-hard |true )?"
    r"(?:fan|admirer)\b(?! of)",
    re.IGNORECASE,
)
_QUOTES = re.compile(r"[\"“]([^\"“”]{1,600}?)[\"”]")
_PERSONISH = ("person", "group")
# Entity types named by a plain noun phrase rather than a name.
_PHRASE_TYPES = ("outfit", "thing", "gesture")
# Words before such a phrase that are not part of its name: "his old leather jacket".
_PHRASE_OPENERS = frozenset(
    "a an the his her their its my your our old new favourite favorite signature trademark "
    "custom stunning famous now-famous infamous same very".split()
)


class _ArticleReader:
    """One article's sentences as skeletons, with who "she" and "the band" are so far."""

    def __init__(
        self,
        text: str,
        suggestions: Sequence[SentenceSuggestions],
        event: Slot | None,
        kinds: Mapping[str, KindIn],
        gazetteer: Gazetteer,
    ):
        self.text = text
        self.gazetteer = gazetteer
        self.suggestions = suggestions
        self.event = event
        self.kinds = kinds
        self.full_names = _full_names(suggestions)
        # Who "she" and who "he" stood for so far, by name: one person is not both.
        self.genders: dict[str, str] = {}
        # Who won each award in the sentences read so far (by the award's folded name):
        # "The award was presented by X" in the next sentence was presented to them.
        self.winners: dict[str, tuple[Filler, ...]] = {}

    def note(self, proposal: Proposal) -> None:
        """Remember what a proposal says for the sentences after it."""
        if proposal.kind == "award_win" and "award" in proposal.roles:
            for award in proposal.roles["award"]:
                self.winners[fold(award.text)] = proposal.roles["winner"]

    def skeletons(self) -> Iterable[tuple[_Skeleton, SentenceSuggestions]]:
        focus: Slot | None = None
        last_group: Slot | None = None
        people_so_far: list[Slot] = []
        last_award: Slot | None = None
        # Who each describing noun was attached to ("17-year-old Ava Lin" is "the teenager",
        # "bartender Sam Ortiz" "the bartender"), the latest person for each.
        described: dict[str, Slot] = {}
        for item in self.suggestions:
            sentence = item.sentence
            slots = [self._slot(m) for m in item.mentions]
            quotes = [
                (sentence.start + q.start(), sentence.start + q.end())
                for q in _QUOTES.finditer(sentence.text)
            ]
            # A quotation that is a title or a known name is that name, not a quote.
            quotes = [
                (a, b)
                for a, b in quotes
                if not any(a < s.start and s.end <= b and _only(self.text, a, b, s) for s in slots)
            ]
            slots = [s for s in slots if not any(a <= s.start < b for a, b in quotes)]
            named = [s for s in slots if set(s.types) & {"person"}]
            virtual: list[Slot] = []
            for match in _PRONOUN.finditer(sentence.text):
                start = sentence.start + match.start()
                if any(a <= start < b for a, b in quotes):
                    continue
                # A subject ("she said") is the sentence's first person named before it,
                # else the subject of the sentences before; an object ("handed him") is
                # that subject first, as the clause's own subject is rarely its object.
                # Never someone "he" or "she" has been the other of.
                pronoun = match.group().casefold()
                gender = "f" if pronoun in ("she", "her") else "m"
                before = [s for s in named if s.start < start]
                ahead = [focus] if focus is not None else []
                if pronoun in ("him", "her"):
                    candidates = [*ahead, *before]
                else:
                    candidates = [*before, *ahead]
                candidates += reversed(people_so_far)
                for referent in candidates:
                    if self.genders.get(referent.text, gender) == gender:
                        self.genders[referent.text] = gender
                        virtual.append(_standing_for(referent, start, start + len(match.group())))
                        break
            for match in _PERSON_ANAPHORA.finditer(sentence.text):
                start = sentence.start + match.start()
                if any(a <= start < b for a, b in quotes):
                    continue
                # "The 22-year-old actress" is the person the sentences before are about;
                # once that person is already in the sentence, "the singer" is someone else:
                # the last other person named.
                used = {v.text for v in virtual if v.start < start} | {
                    s.text for s in named if s.start < start
                }
                earlier = [*people_so_far, *(s for s in named if s.start < start)]
                noun = match.group().split()[-1].casefold()
                attached = described.get(noun)
                choices = [attached] if attached is not None and attached.text not in used else []
                if focus is not None and focus.text not in used:
                    choices.append(focus)
                choices += [s for s in reversed(earlier) if s.text not in used]
                if choices:
                    virtual.append(_standing_for(choices[0], start, start + len(match.group())))
            groups_so_far = last_group
            for match in _GROUP_ANAPHORA.finditer(sentence.text):
                start = sentence.start + match.start()
                earlier = [s for s in slots if "group" in s.types and s.start < start]
                group = earlier[-1] if earlier else groups_so_far
                if group is not None and not any(a <= start < b for a, b in quotes):
                    virtual.append(_standing_for(group, start, start + len(match.group())))
            if self.event is not None:
                for match in _EVENT_ANAPHORA.finditer(sentence.text):
                    start = sentence.start + match.start()
                    if not any(a <= start < b for a, b in quotes):
                        virtual.append(_standing_for(self.event, start, start + len(match.group())))
            for match in _AWARD_ANAPHORA.finditer(sentence.text):
                start = sentence.start + match.start()
                earlier = [s for s in slots if "award" in s.types and s.start < start]
                award = earlier[-1] if earlier else last_award
                if award is not None and not any(a <= start < b for a, b in quotes):
                    virtual.append(_standing_for(award, start, start + len(match.group())))
            quote_slots = [Slot(self.text[a + 1 : b - 1], a, b, quote=True) for a, b in quotes]
            every = sorted(
                _without_overlaps([*slots, *quote_slots, *virtual]), key=lambda s: s.start
            )
            groups_here = [s for s in slots if "group" in s.types]
            skeleton = self._skeleton(sentence.start, sentence.end, every)
            yield replace(skeleton, group=groups_here[-1] if groups_here else last_group), item
            people = [s for s in every if not s.quote and "person" in s.types]
            if people:
                focus = people[0]
            people_so_far.extend(s for s in slots if "person" in s.types)
            for slot in named:
                if not slot.virtual:
                    for noun in _described_as(self.text[max(0, slot.start - 40) : slot.start]):
                        described[noun] = slot
            groups = [s for s in slots if "group" in s.types]
            if groups:
                last_group = groups[-1]
            awards = [s for s in slots if "award" in s.types]
            if awards:
                last_award = awards[-1]

    def _slot(self, mention: Mention) -> Slot:
        if mention.entity is not None:
            return Slot(
                mention.entity.name,
                mention.start,
                mention.end,
                entities=(mention.entity, *mention.alternatives),
            )
        if mention.category == Category.YEAR:
            return Slot(mention.text, mention.start, mention.end, guess="year")
        full = self.full_names.get(mention.text)
        if full is not None and mention.guess in (None, "person", "group"):
            return _moved(full, mention.start, mention.end)
        if self.event is not None and mention.guess == "event":
            if _same_event(mention.text, self.event.text):
                return _moved(self.event, mention.start, mention.end, text=self.event.text)
        if mention.guess == "city" and mention.text.isupper():
            # A dateline's "NASHVILLE —" is the city Nashville.
            return Slot(mention.text.title(), mention.start, mention.end, guess="city")
        return Slot(mention.text, mention.start, mention.end, guess=mention.guess)

    def _skeleton(self, start: int, end: int, slots: Sequence[Slot]) -> _Skeleton:
        parts: list[str] = []
        plain: list[tuple[int, int, int]] = []
        length = 0
        pos = start
        for index, slot in enumerate(slots):
            a, b = slot.start, slot.end
            if not slot.quote and not slot.virtual:
                # A title's quotes and the comma American style puts inside them go with it.
                while a > pos and self.text[a - 1] in "\"“‘'":
                    a -= 1
                while (
                    b < end
                    and self.text[b] in ",.!?"
                    and b + 1 < end
                    and self.text[b + 1] in "\"”’'"
                ):
                    b += 1
                while b < end and self.text[b] in "\"”’'" and a < slot.start:
                    b += 1
                    if self.text[b - 1] != "'" or not self.text[b : b + 1].isalpha():
                        break
            if a < pos:
                continue
            piece = self.text[pos:a]
            plain.append((length, length + len(piece), pos))
            parts.append(piece)
            length += len(piece)
            # A slot's token carries its types, so that a cue's role matches only the
            # mentions that could fill it ("⟨3:person⟩").
            token = f"⟪{index}⟫" if slot.quote else f"⟨{index}:{','.join(slot.types)}⟩"
            parts.append(token)
            length += len(token)
            pos = b
        piece = self.text[pos:end]
        plain.append((length, length + len(piece), pos))
        parts.append(piece)
        return _Skeleton("".join(parts), tuple(slots), tuple(plain))

    def complete(
        self,
        compiled: _Compiled,
        roles: Mapping[str, list[Slot] | str],
        sentence: SentenceSuggestions,
        group: Slot | None = None,
    ) -> Proposal | None:
        """A proposal from one match, if every required role is filled and fits; a band
        role left open is the band in context (``group``)."""
        kind = self.kinds[compiled.kind]
        filled: dict[str, tuple[Filler, ...]] = {}
        for role, value in {**compiled.literal, **roles}.items():
            spec = kind.roles.get(role)
            if spec is None:
                continue
            if isinstance(value, str) and spec.literal is None:
                # A thing named in plain words ("a silver sequin gown"): an entity.
                phrase = self._phrase_entity(value, spec.types)
                if phrase is None:
                    return None
                filled[role] = (phrase,)
                continue
            if isinstance(value, str) and spec.literal is not None:
                # A quote with an editor's brackets is not word for word (kinds.yaml, said).
                if "[" in value:
                    return None
                literal = _literal(compiled.prefix.get(role, "") + value, spec.literal)
                if role == "nickname" and not _nickname_like(value):
                    return None
                if role == "nickname" and literal is not None:
                    literal = literal.rstrip(".")  # the sentence's full stop inside the quotes
                if literal is not None and role == "activity":
                    literal = base_form(literal)
                if literal is None:
                    return None
                filled[role] = (Filler(literal),)
                continue
            if spec.literal == "text" and isinstance(value, list) and len(value) == 1:
                # A name or a title as a text role: a nickname in quotes that reads like a
                # title, "whom Rico Lane has nicknamed" (given_by).
                filled[role] = (Filler(value[0].text),)
                continue
            if spec.literal is not None or isinstance(value, str):
                return None
            fillers = []
            for slot in value:
                filler = slot.filler(spec.types)
                if filler is None:
                    return None
                if filler not in fillers:
                    fillers.append(filler)
            if len(fillers) > 1 and not spec.many:
                return None
            filled[role] = tuple(fillers)
        if compiled.kind == "presented" and "recipient" not in filled and "award" in filled:
            winner = self.winners.get(fold(filled["award"][0].text))
            if winner is not None:
                filled["recipient"] = winner
        if "band" in kind.roles and "band" not in filled and group is not None:
            band = group.filler(kind.roles["band"].types)
            if band is not None:
                filled["band"] = (band,)
        if (
            "event" in kind.roles
            and "event" not in filled
            and self.event is not None
            and compiled.kind not in TIMELESS_KINDS
        ):
            filler = self.event.filler(kind.roles["event"].types)
            if filler is not None:
                filled["event"] = (filler,)
        if any(not spec.optional and role not in filled for role, spec in kind.roles.items()):
            return None
        literal_roles = {r for r, s in kind.roles.items() if s.literal}
        entity_values = [
            f.entity_id or f.text.casefold()
            for role, fs in filled.items()
            if role not in literal_roles
            for f in fs
        ]
        if len(entity_values) != len(set(entity_values)):
            return None  # one entity in two roles ("she was a fan of her")
        new = _new_entities(filled)
        confidence = compiled.confidence - NEW_ENTITY_PENALTY * len(new)
        return Proposal(
            kind=compiled.kind,
            roles=filled,
            evidence=sentence.sentence.text,
            start=sentence.sentence.start,
            confidence=max(0.05, min(1.0, confidence)),
            new_entities=new,
            open_roles=tuple(r for r in compiled.open if r in filled),
        )

    def _phrase_entity(self, phrase: str, types: Sequence[str]) -> Filler | None:
        """The entity a plain noun phrase names: an outfit, a thing or a gesture (the kinds'
        entities that are not names), the bank's own if it has one by that name."""
        fitting = [t for t in types if t in _PHRASE_TYPES]
        if not fitting:
            return None
        words = phrase.split()
        while words and words[0].casefold() in _PHRASE_OPENERS:
            words = words[1:]
        if not words:
            return None
        bare = " ".join(words)
        for mention in self.gazetteer.find(bare):
            if mention.start == 0 and mention.end == len(bare):
                for entity in (mention.entity, *mention.alternatives):
                    if entity is not None and entity.type in fitting:
                        return Filler(entity.name, entity_id=entity.id)
        return Filler(bare, new_type=fitting[0])

    def implied(self, proposal: Proposal) -> list[Proposal]:
        """Facts another one states too: whoever is handed an award at an event won it; who
        tells someone "I'm a huge fan" is a fan of theirs."""
        if proposal.kind == "said":
            return self._fan_saying_so(proposal)
        if proposal.kind != "presented" or "award_win" not in self.kinds:
            return []
        kind = self.kinds["award_win"]
        roles = {
            "winner": proposal.roles["recipient"],
            "award": proposal.roles["award"],
            "event": proposal.roles["event"],
        }
        if not set(roles) <= set(kind.roles):
            return []
        return [
            Proposal(
                kind="award_win",
                roles=roles,
                evidence=proposal.evidence,
                start=proposal.start,
                confidence=proposal.confidence,
                new_entities=_new_entities(roles),
            )
        ]

    def _fan_saying_so(self, said: Proposal) -> list[Proposal]:
        """ "I'm a huge fan," Quinn told Harlan: Quinn is a fan of Harlan (kinds.yaml: a fan
        told their idol they were a fan)."""
        kind = self.kinds.get("fan_of")
        if kind is None or not said.roles.get("to") or not _fan_quote(said.roles["quote"][0].text):
            return []
        fan, idol = said.roles["speaker"], said.roles["to"]
        if len(fan) != 1 or len(idol) != 1 or fan[0].new_type not in (None, "person"):
            return []
        roles: dict[str, tuple[Filler, ...]] = {"fan": fan, "idol": idol}
        if "event" in said.roles and "event" in kind.roles:
            roles["event"] = said.roles["event"]
        return [
            Proposal(
                kind="fan_of",
                roles=roles,
                evidence=said.evidence,
                start=said.start,
                confidence=said.confidence - 0.05,
                new_entities=_new_entities(roles),
            )
        ]


def _described_as(before: str) -> list[str]:
    """The nouns the words just before a name describe it by: "17-year-old" makes a
    teenager, "soul legend" a legend."""
    nouns = []
    age = _AGE_BEFORE.search(before)
    if age is not None and 13 <= int(age.group(1)) <= 19:
        nouns += ["teenager", "teen"]
    words = _NOUNS_BEFORE.search(before)
    if words is not None:
        nouns += [w.casefold() for w in words.group().split() if not w[0].isdigit()]
    return nouns


def _fan_quote(quote: str) -> bool:
    return _FAN_QUOTE.search(quote) is not None


def _moved(slot: Slot, start: int, end: int, *, text: str | None = None) -> Slot:
    return Slot(
        text if text is not None else slot.text,
        start,
        end,
        entities=slot.entities,
        guess=slot.guess,
        quote=slot.quote,
    )


def _standing_for(referent: Slot, start: int, end: int) -> Slot:
    return Slot(referent.text, start, end, referent.entities, referent.guess, virtual=True)


def _without_overlaps(slots: Sequence[Slot]) -> list[Slot]:
    kept: list[Slot] = []
    # Quotations first (they hold their own names), then real mentions, then stand-ins.
    for slot in sorted(slots, key=lambda s: (not s.quote, s.virtual, s.start)):
        if all(slot.end <= k.start or slot.start >= k.end for k in kept):
            kept.append(slot)
    return kept


def _only(text: str, a: int, b: int, slot: Slot) -> bool:
    """True if the quotation text[a:b] holds nothing but ``slot`` (and punctuation)."""
    rest = text[a + 1 : slot.start] + text[slot.end : b - 1]
    return not any(c.isalnum() for c in rest)


def _same_event(name: str, event: str) -> bool:
    """ "Northern Sound Awards" is the article's "2025 Northern Sound Awards", and so is any
    event the article names with the same year ("2025 NSAs")."""
    bare = re.sub(r"^(?:19|20)\d\d\s+", "", event)
    year = re.match(r"(?:19|20)\d\d\b", name)
    return fold(name) in (fold(event), fold(bare)) or (
        year is not None and event.startswith(year.group())
    )


_PARTICLES = frozenset("de del della da di du van von der den la le".split())
# Titles before a name that are not part of it: "Dr. Amelia Stone" is Amelia Stone.
_HONORIFIC = re.compile(r"^(?:Dr|Mr|Mrs|Ms|Mx|Miss|Sir|Dame|Prof|Professor)\.?\s+")


def _full_names(suggestions: Sequence[SentenceSuggestions]) -> dict[str, Slot]:
    """The other ways an article names a person, and the full name it first used: a lone
    surname or first name ("Stone"), the name with or without a title ("Amelia Stone",
    "Dr. Stone" for "Dr. Amelia Stone"). A short name two people share stays unresolved."""
    first: dict[str, Mention] = {}  # full name without its title -> its first mention
    variants: dict[str, str] = {}  # a mention's text -> its full name without title
    for item in suggestions:
        for mention in _nicknamed_names(item.mentions):
            first.setdefault(mention.text, mention)
        for mention in item.mentions:
            types = {mention.guess} if mention.entity is None else {mention.entity.type}
            if not types & set(_PERSONISH) or mention.category == Category.TITLE:
                continue
            bare = _HONORIFIC.sub("", mention.text)
            if len(bare.split()) < 2:
                continue
            first.setdefault(bare, mention)
            variants[mention.text] = bare
    shorts: dict[str, set[str]] = {}
    for bare in first:
        parts = bare.split()
        for part in {parts[0], parts[-1]}:
            if part[0].isupper() and part != "The":
                shorts.setdefault(part, set()).add(bare)
        # A surname with its particles: "de la Cruz", and "De la Cruz" opening a sentence.
        for i, part in enumerate(parts[1:-1], start=1):
            if part in _PARTICLES and parts[i - 1] not in _PARTICLES:
                tail = " ".join(parts[i:])
                shorts.setdefault(tail, set()).add(bare)
                shorts.setdefault(tail[0].upper() + tail[1:], set()).add(bare)

    def slot(m: Mention) -> Slot:
        entities = (m.entity, *m.alternatives) if m.entity is not None else ()
        return Slot(m.text, m.start, m.end, entities=entities, guess=m.guess)

    result = {}
    for short, bares in shorts.items():
        if len(bares) == 1:
            result[short] = slot(first[next(iter(bares))])
    for text, bare in variants.items():
        if text != first[bare].text:
            result[text] = slot(first[bare])
        if text.startswith("The "):
            result.setdefault(text[4:], slot(first[bare]))  # "the Delaney Sisters"
    for item in suggestions:
        for mention in item.mentions:
            short = _HONORIFIC.sub("", mention.text)
            if short != mention.text and short in result:
                result[mention.text] = result[short]  # "Dr. Stone"
    return result


def _nicknamed_names(mentions: Sequence[Mention]) -> list[Mention]:
    """A name with a nickname inside it, as one person: 'Fenella "Fen" Munro' is Fenella
    Munro (the mention spans the nickname)."""
    found = []
    for a, nick, b in zip(mentions, mentions[1:], mentions[2:], strict=False):
        if (
            a.entity is None
            and b.entity is None
            and nick.category == Category.TITLE
            and a.guess == "person"
            and b.guess == "person"
            and len(a.text.split()) == 1
            and len(b.text.split()) == 1
            and nick.start - a.end <= 3
            and b.start - nick.end <= 3
        ):
            name = f"{a.text} {b.text}"
            found.append(Mention(Category.NEW_NAME, name, a.start, b.end, guess="person"))
    return found


def _new_entities(roles: Mapping[str, Sequence[Filler]]) -> tuple[NewEntity, ...]:
    seen: list[NewEntity] = []
    for fillers in roles.values():
        for filler in fillers:
            if filler.is_new:
                entity = NewEntity(filler.text, filler.new_type or "")
                if entity not in seen:
                    seen.append(entity)
    return tuple(seen)


def _one_per_single_role(
    compiled: _Compiled, matches: Iterable[dict[str, list[Slot] | str]]
) -> Iterable[dict[str, list[Slot] | str]]:
    """A list of names in a role that takes one ("A and B, who were nicknamed ...") is one
    fact per name."""
    kind_roles = compiled.kind_roles
    for roles in matches:
        split = [
            r
            for r, v in roles.items()
            if isinstance(v, list) and len(v) > 1 and r not in kind_roles
        ]
        if len(split) != 1:
            yield roles
            continue
        values = roles[split[0]]
        assert isinstance(values, list)
        for value in values:
            yield {**roles, split[0]: [value]}


def _contained(proposal: Proposal, others: Iterable[Proposal]) -> bool:
    """True if another proposal of the same kind says all this one says and more (the
    longer list of well-wishers, the win with its work)."""
    for other in others:
        if other is proposal or other.kind != proposal.kind:
            continue
        if all(set(fs) <= set(other.roles.get(role, ())) for role, fs in proposal.roles.items()):
            if set(other.roles) != set(proposal.roles) or any(
                set(other.roles[r]) != set(fs) for r, fs in proposal.roles.items()
            ):
                return True
    return False


def _is_function_word(word: str) -> bool:
    return word.casefold().strip(",") in _FUNCTION_WORDS


_FUNCTION_WORDS = frozenset(
    "with from into onto over under after before about while when then there their them "
    "they this that these those have been were being also just only even".split()
)


def _identity(proposal: Proposal) -> tuple[object, ...]:
    # One fact is proposed once, from the first sentence that states it.
    return (
        proposal.kind,
        tuple(
            (role, tuple(sorted(f.entity_id or fold(f.text) for f in proposal.roles[role])))
            for role in sorted(proposal.roles)
        ),
    )


_IRREGULAR = {"hung": "hang", "hanging": "hang", "spent": "spend", "went": "go", "sat": "sit"}


def base_form(phrase: str) -> str:
    """A verb phrase in its base form, as kinds.yaml wants an activity ("walked the carpet
    with" is "walk the carpet with", "rehearsing with" is "rehearse with"): regular English
    endings, with a small list of irregular verbs."""
    verb, _, rest = phrase.partition(" ")
    lower = verb.casefold()
    if lower in _IRREGULAR:
        base = _IRREGULAR[lower]
    elif lower.endswith("ied"):
        base = lower[:-3] + "y"
    elif lower.endswith(("ed", "ing")):
        stem = lower[:-2] if lower.endswith("ed") else lower[:-3]
        if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
            base = stem[:-1]  # "chatted"
        elif re.search(r"(?:[^aeiou][cgsvz]|[aeiou][cgkpstvz])$", stem) and not stem.endswith(
            ("ss", "ck")
        ):
            base = stem + "e"  # "danced", "posed", "rehearsing", "arrived"
        else:
            base = stem
    else:
        base = lower
    return f"{base} {rest}" if rest else base


def _nickname_like(value: str) -> bool:
    """A quote that can be a nickname: a few words, one of them capitalised as a name is
    ("the Silver Fox", "Thunder"); 'called her "the future of pop."' is praise."""
    words = value.strip(" ,.!?;:").split()
    return 0 < len(words) <= 6 and any(w[0].isupper() for w in words)


def _literal(value: str, literal_type: str) -> str | None:
    value = value.strip().strip(",;:").strip()
    if literal_type == "number":
        lowered = value.casefold()
        if lowered in ORDINALS:
            return str(ORDINALS[lowered])
        digits = re.match(r"(\d+)", value)
        return digits.group(1) if digits else None
    value = re.sub(r"\s+", " ", value)
    return value or None


# --- Matching ---------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{(\w+)(\+|'s)?\}")
_TOKEN = re.compile(r"[⟨⟪](\d+)(?::[^⟩]*)?[⟩⟫]")


def _slot_token(types: Sequence[str] | None) -> str:
    """A regular expression for a slot that fits ``types`` (any slot for None)."""
    if types is None:
        return r"⟨\d+:[^⟩]*⟩"
    fits = "|".join(re.escape(t) for t in types)
    return rf"⟨\d+:(?:[^⟩]*,)?(?:{fits})(?:,[^⟩]*)?⟩"


# A short description may stand before a name: "the comedian ⟨Lena Ortiz⟩", "her debut
# album, ⟨Low Tide⟩", "the jury president, ⟨Ingrid Solberg⟩".
# Or a job, with a word or two before it: "veteran actor ⟨Dominic Ashby⟩", "festival director
# ⟨Annika Shaw⟩", "Singer ⟨Mara Quinn⟩".
_JOBS = (
    "actor actress singer rapper director host co-host presenter judge producer designer "
    "drummer guitarist bassist keyboardist frontman frontwoman vocalist comedian mentor "
    "magician champion star musician songwriter dancer model author writer filmmaker chef "
    "pianist violinist percussionist trio duo quartet collective band group legend icon "
    "newcomer veteran contestant finalist winner runner-up chief executive founder rocker "
    "crooner diva superstar hitmaker heartthrob co-star castmate influencer personality"
).split()
_DESCRIPTION = (
    r"(?:(?:the|a|an|his|her|their|its|fellow|former) (?:[a-z][\w'’-]* ){0,3}?(?:[a-z][\w'’-]*,? "
    r")?|(?:[a-z][\w'’-]* ){0,2}?(?:" + "|".join(_JOBS) + r")s?,? )?"
)
_JOB = r"(?:(?:[a-z][\w'’-]* )?(?:" + "|".join(_JOBS) + r") )"
# Slots, alone or as a list, each maybe after its job ("judge ⟨1⟩ and host ⟨2⟩").
_LIST = re.compile(r"\s*(?:" + _JOB + r"?[⟨⟪][^⟩⟫]*[⟩⟫](?:,|,? and|,? &)?\s*)+")
# A possessive after a name: "Lil Saint's", "the Lanterns' frontman".
_POSSESSIVE = r"['’](?:s\b|\s)"
# An age in apposition after a name: "Mara Quinn, 24, was handed ...".
_AGE = r"(?:, \d{1,3},(?= ))?"


def _compile(cue: Cue, kind: KindIn) -> _Compiled:
    def slot(match: re.Match[str]) -> str:
        role, suffix = match.group(1), match.group(2)
        spec = kind.roles.get(role)
        token = _slot_token(spec.types if spec is not None and spec.literal is None else None)
        if suffix == "+":
            # Each name of a list may have its job before it: "judge A and host B".
            body = rf"{token}(?:(?:,|,? and|,? &) {_JOB}?{token})*"
            return rf"{_DESCRIPTION}(?P<{role}>{body})(?!{_POSSESSIVE}){_AGE}"
        if suffix == "'s":
            return rf"(?P<{role}>{token})(?:['’]s|(?<=s⟩)['’])"
        return rf"{_DESCRIPTION}(?P<{role}>{token})(?!{_POSSESSIVE}){_AGE}"

    source = _PLACEHOLDER.sub(slot, cue.pattern)
    confidence = LEARNED_CONFIDENCE if cue.learned else HAND_CONFIDENCE
    return _Compiled(
        cue.kind,
        re.compile(source, re.IGNORECASE),
        confidence,
        dict(cue.literal),
        many_roles(kind),
        cue.open,
        dict(cue.prefix),
    )


def _matches(
    compiled: _Compiled, skeleton: _Skeleton, article: str
) -> Iterable[dict[str, list[Slot] | str]]:
    """Every match of the pattern in the skeleton, overlapping ones too, as role values."""
    pos = 0
    seen = set()
    while pos <= len(skeleton.text):
        match = compiled.pattern.search(skeleton.text, pos)
        if match is None:
            return
        pos = match.start() + 1
        roles: dict[str, list[Slot] | str] = {}
        for role, value in match.groupdict().items():
            if value is None:
                continue
            if role.startswith("x_"):
                continue
            start, end = match.span(role)
            tokens = _TOKEN.findall(value)
            if tokens and _LIST.fullmatch(value):
                slots = [skeleton.slots[int(t)] for t in tokens]
                if len(slots) == 1 and slots[0].quote:
                    roles[role] = slots[0].text
                else:
                    roles[role] = slots
            else:
                roles[role] = skeleton.article_span(start, end, article)
        key = tuple(sorted((r, str(v)) for r, v in roles.items()))
        if key not in seen:
            seen.add(key)
            yield roles
