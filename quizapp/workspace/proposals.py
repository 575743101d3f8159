"""What a fact proposal is: the shape shared by the proposer, the workspace and the command line.

A proposal is a complete fact the workspace read off an article's sentence: its kind, every
role it could fill, the evidence (a verbatim passage of the article) and the entities the bank
does not have yet, each with a guessed type. The editor accepts it as it stands (its new
entities are created in the same step), edits it in the fact form, or dismisses it.

No Flask here, and no database: these are plain values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Filler:
    """One value of a role.

    ``entity_id`` is set when the value is an entity the bank has; ``new_type`` when it is an
    entity the bank lacks (``text`` is then its name, and the type is a guess the editor may
    change); neither when the role takes a literal (text or a number), which ``text`` holds.
    """

    text: str
    entity_id: str | None = None
    new_type: str | None = None

    @property
    def is_new(self) -> bool:
        return self.entity_id is None and self.new_type is not None


@dataclass(frozen=True)
class NewEntity:
    """An entity a proposal needs that the bank does not have."""

    name: str
    type: str


@dataclass(frozen=True)
class Proposal:
    """A complete fact proposed from one sentence of an article.

    ``roles`` maps each filled role to its values, in the article's order (one value for a
    single role, one or more for a ``many`` role). ``evidence`` is a verbatim passage of the
    article, ``start`` its offset there. ``confidence`` is between 0 and 1: how sure the
    proposer is that the fact is right as it stands.
    """

    kind: str
    roles: Mapping[str, tuple[Filler, ...]]
    evidence: str
    start: int
    confidence: float
    new_entities: tuple[NewEntity, ...] = field(default=())
    # The many roles whose list the article leaves open ("well-wishers including ..."), to
    # be saved as the fact's ``open`` (docs/question-bank.md).
    open_roles: tuple[str, ...] = field(default=())

    @property
    def key(self) -> str:
        """A stable name for this proposal within its article (for dismissing it)."""
        parts = [self.kind, str(self.start)]
        for role in sorted(self.roles):
            parts.append(role + "=" + "|".join(f.entity_id or f.text for f in self.roles[role]))
        return ";".join(parts)

    def as_json(self, many: frozenset[str] = frozenset()) -> dict[str, Any]:
        """The command line's object: ``roles`` as display names or literal text (a list for
        the roles named in ``many``)."""
        roles: dict[str, Any] = {}
        for role, fillers in self.roles.items():
            texts = [f.text for f in fillers]
            roles[role] = texts if role in many else texts[0]
        return {
            "kind": self.kind,
            "roles": roles,
            "evidence": self.evidence,
            "new_entities": [{"name": e.name, "type": e.type} for e in self.new_entities],
            "confidence": round(self.confidence, 2),
        }
