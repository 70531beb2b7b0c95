"""Commands: what a caller asks the core to do, already parsed into domain values. Each
aggregate keeps its own (`domain/cases/commands.py`, `domain/incidents/commands.py`, …);
this is their common base, which the message bus dispatches on."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    pass
