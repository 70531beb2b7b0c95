"""Links: directional relationships between a case and another entity (a case, an incident, …).

The vocabulary is Datadog's. A link reads `parent RELATIONSHIP child`:

- `RELATES_TO`   the two are associated; symmetric, so `A RELATES_TO B` is the same link as
                 `B RELATES_TO A`
- `CAUSES`       the parent causes the child
- `BLOCKS`       the parent blocks the child (the child cannot progress until it is done)
- `DUPLICATES`   the parent duplicates the child
- `PARENT_OF`    the parent contains the child (hierarchy)
- `SUCCESSOR_OF` the parent follows the child (sequence)
- `ESCALATES_TO` the parent was escalated to the child

At least one end of a link is a case. Case ends are stored by UUID (never by key, which
changes when a case moves); other ends are stored by their UUID as given, since casedesk does
not hold those entities yet.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from casedesk.domain.commands import Command
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.ids import CaseRef, parse_uuid


def _normalised(text: str) -> str:
    return "_".join(text.replace("-", " ").split()).upper()


class EntityType(enum.Enum):
    CASE = "CASE"
    INCIDENT = "INCIDENT"
    PAGE = "PAGE"
    AGENT_CONVERSATION = "AGENT_CONVERSATION"

    @classmethod
    def parse(cls, text: str, field: str) -> EntityType:
        try:
            return cls(_normalised(text))
        except ValueError:
            allowed = ", ".join(t.value for t in cls)
            raise ValidationFailed(field, f"unknown entity type {text!r}; use one of {allowed}") from None


class Relationship(enum.Enum):
    RELATES_TO = "RELATES_TO"
    CAUSES = "CAUSES"
    BLOCKS = "BLOCKS"
    DUPLICATES = "DUPLICATES"
    PARENT_OF = "PARENT_OF"
    SUCCESSOR_OF = "SUCCESSOR_OF"
    ESCALATES_TO = "ESCALATES_TO"

    @classmethod
    def parse(cls, text: str, field: str = "relationship") -> Relationship:
        """Accepts `BLOCKS`, `blocks`, `relates to`, `Relates-To`…"""
        try:
            return cls(_normalised(text))
        except ValueError:
            allowed = ", ".join(r.value for r in cls)
            raise ValidationFailed(field, f"unknown relationship {text!r}; use one of {allowed}") from None

    @property
    def symmetric(self) -> bool:
        return self is Relationship.RELATES_TO


@dataclass(frozen=True)
class EntityRef:
    """A link end as a caller names it: a case by UUID or key, any other entity by UUID."""

    type: EntityType
    ref: CaseRef | uuid.UUID

    @classmethod
    def parse(cls, type_text: str, id_text: str, *, type_field: str, id_field: str) -> EntityRef:
        entity_type = EntityType.parse(type_text, type_field)
        if entity_type is EntityType.CASE:
            return cls(entity_type, CaseRef.parse(id_text, id_field))
        return cls(entity_type, parse_uuid(id_text, id_field))


@dataclass(frozen=True)
class Entity:
    """A resolved link end: a case's UUID (never its key) or another entity's UUID."""

    type: EntityType
    id: uuid.UUID

    def as_data(self, keys: dict[uuid.UUID, str]) -> dict[str, str]:
        data = {"type": self.type.value, "id": str(self.id)}
        if self.type is EntityType.CASE and self.id in keys:
            data["key"] = keys[self.id]
        return data


def check_link_ends(parent: EntityRef, child: EntityRef) -> None:
    """What can be refused before anything is looked up."""
    if EntityType.CASE not in (parent.type, child.type):
        raise ValidationFailed("parent_entity_type", "at least one end of a link must be a CASE")
    if parent == child:
        raise ValidationFailed("child_entity_id", "an entity cannot be linked to itself")


@dataclass
class CaseLink:
    id: uuid.UUID
    parent: Entity
    child: Entity
    relationship: Relationship
    created_at: datetime
    created_by: uuid.UUID | None = None

    @classmethod
    def create(
        cls, *, parent: Entity, child: Entity, relationship: Relationship, actor: uuid.UUID, now: datetime
    ) -> CaseLink:
        if EntityType.CASE not in (parent.type, child.type):
            raise ValidationFailed("parent_entity_type", "at least one end of a link must be a CASE")
        if parent == child:
            # Also catches a case named once by key and once by UUID.
            raise ValidationFailed("child_entity_id", "an entity cannot be linked to itself")
        return cls(
            id=uuid.uuid4(),
            parent=parent,
            child=child,
            relationship=relationship,
            created_at=now,
            created_by=actor,
        )

    @property
    def case_ids(self) -> list[uuid.UUID]:
        """The cases at either end, each once."""
        ends = [e.id for e in (self.parent, self.child) if e.type is EntityType.CASE]
        return list(dict.fromkeys(ends))

    def equivalent_edges(self) -> list[tuple[Entity, Entity]]:
        """The (parent, child) pairs that would make another link with this relationship a duplicate."""
        edges = [(self.parent, self.child)]
        if self.relationship.symmetric:
            edges.append((self.child, self.parent))
        return edges

    def as_data(self, keys: dict[uuid.UUID, str]) -> dict[str, Any]:
        """The link as event data; `keys` gives the case keys of the moment, for readers."""
        return {
            "link_id": str(self.id),
            "relationship": self.relationship.value,
            "parent": self.parent.as_data(keys),
            "child": self.child.as_data(keys),
        }


# -- commands ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateCaseLink(Command[uuid.UUID]):
    """Links two entities. `exists_ok`: when the two are linked already (any relationship,
    either way round) nothing changes and the existing link's id is the answer."""

    parent: EntityRef
    child: EntityRef
    relationship: Relationship
    exists_ok: bool = False


@dataclass(frozen=True)
class DeleteCaseLink(Command[uuid.UUID]):
    """Deletes the link `link_id`, or every link between the two cases of `between`."""

    link_id: uuid.UUID | None = None
    between: tuple[CaseRef, CaseRef] | None = None

    def __post_init__(self) -> None:
        if (self.link_id is None) == (self.between is None):
            raise ValueError("name a link, or the two cases whose links go")
