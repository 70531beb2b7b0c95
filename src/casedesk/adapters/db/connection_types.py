"""What the read models and the unit of work ask of their connection source (the
implementations are in connections.py)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from sqlalchemy import Connection


class ReadConnections(Protocol):
    """What the read models need; an `Engine` is one (a fresh connection per use)."""

    def connect(self) -> AbstractContextManager[Connection]:
        """A connection to read on; the block's end ends the transaction the reads began."""
        ...


class Connections(ReadConnections, Protocol):
    def unit(self, *, write: bool) -> AbstractContextManager[Connection]:
        """A connection with a transaction begun (a write one when `write`); the caller commits
        inside the block, and whatever it leaves uncommitted is rolled back at the block's end."""
        ...
