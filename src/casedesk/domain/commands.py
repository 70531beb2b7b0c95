"""Commands: what a caller asks the core to do, already parsed into domain values. Each
aggregate keeps its own (`domain/cases/commands.py`, `domain/incidents/commands.py`,
`domain/projects/commands.py`, …); this is their common base, which the bus dispatches on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

# What handling a command returns. Covariant: a command that yields a UUID is a command that
# yields an object, so one registry can hold every command type.
R_co = TypeVar("R_co", covariant=True)


@dataclass(frozen=True)
class Command(Generic[R_co]):
    """A request to change something; `R_co` is what handling it returns, so
    `bus.handle(CreateCase(...))` is typed as the new case's UUID."""
