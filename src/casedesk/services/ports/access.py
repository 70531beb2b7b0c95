"""What a caller may see, as the read side and the repositories apply it. Who sees what is
decided in `services/access.py`; the adapters only turn a `Visibility` into a predicate."""

from __future__ import annotations

import uuid
from collections.abc import Callable


class Visibility:
    """The projects a caller may not see: the restricted projects they are no member of
    (usually none, so a query adds no predicate at all). Admins see everything.

    Made once per request (or command) without a query; the hidden projects are looked up on
    first use, by the read or the unit of work that needs them, inside its own transaction,
    and kept for the rest of the request."""

    def __init__(self, viewer: uuid.UUID | None, hidden: frozenset[uuid.UUID] | None = None) -> None:
        self.viewer = viewer  # None: sees everything
        self._hidden = frozenset() if viewer is None else hidden

    @classmethod
    def everything(cls) -> Visibility:
        return cls(None)

    @classmethod
    def of(cls, user_id: uuid.UUID) -> Visibility:
        """What `user_id` sees, found on first use."""
        return cls(user_id)

    def hidden(self, lookup: Callable[[uuid.UUID], frozenset[uuid.UUID]]) -> frozenset[uuid.UUID]:
        """The hidden project ids; `lookup` finds them for the viewer the first time."""
        if self._hidden is None:
            assert self.viewer is not None
            self._hidden = lookup(self.viewer)
        return self._hidden

    def __repr__(self) -> str:
        return f"Visibility(viewer={self.viewer}, hidden={self._hidden})"
