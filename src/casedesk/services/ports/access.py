"""What a caller may see, as the read side and the repositories apply it. Who sees what is
decided in `services/access.py`; the adapters only turn a `Visibility` into a predicate."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Visibility:
    """The projects a caller may not see: `hidden` are restricted projects they are no member
    of (usually none, so a query adds no predicate at all). Admins see everything."""

    hidden: frozenset[uuid.UUID] = frozenset()

    @classmethod
    def everything(cls) -> Visibility:
        return cls()

    def allows(self, project_id: uuid.UUID) -> bool:
        return project_id not in self.hidden

    @property
    def hides_nothing(self) -> bool:
        return not self.hidden


class ProjectAccess(Protocol):
    def hidden_projects(self, user_id: uuid.UUID) -> frozenset[uuid.UUID]:
        """The ids of the restricted projects (deleted ones too) `user_id` is no member of."""
