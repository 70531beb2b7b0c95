"""What the command table in `services/bus.py` is made of.

A `Handler` pairs one command type with the function that carries it out and the scope a
caller needs. A `Registry` holds one handler per command and refuses to be built otherwise:
a command left out, a command named twice, or a function whose declared result is not its
command's. A composite command (a bulk update) is handled by a function that also receives
the registry as `Dispatch`, to run the commands it is made of through their own handlers in
the same unit of work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, TypeVar, cast, get_args, get_origin, get_type_hints

from casedesk.domain.commands import Command
from casedesk.domain.users import Principal
from casedesk.domain.vocab import Scope
from casedesk.services.authz import require
from casedesk.services.ports.uow import UnitOfWork

R = TypeVar("R")
C = TypeVar("C", bound=Command[object])


class RegistryError(Exception):
    """The command table is inconsistent: a programming error, raised when it is built."""


class Dispatch(Protocol):
    """The registry as a composite handler sees it."""

    def authorize(self, who: Principal, command: Command[object]) -> None:
        """Raises Forbidden unless `who` holds the scope `command` needs."""

    def run(self, uow: UnitOfWork, command: Command[R], who: Principal, now: datetime) -> R:
        """Runs the command's handler inside `uow`, without authorising or committing."""


@dataclass(frozen=True)
class Handler(Generic[C, R]):
    command: type[C]
    scope: Scope
    fn: Callable[[UnitOfWork, C, Principal, datetime], R]

    def __call__(
        self, uow: UnitOfWork, command: Command[object], who: Principal, now: datetime, dispatch: Dispatch
    ) -> R:
        if not isinstance(command, self.command):
            raise TypeError(f"{self.command.__name__}'s handler got a {type(command).__name__}")
        return self.fn(uow, command, who, now)


@dataclass(frozen=True)
class Composite(Generic[C, R]):
    """A handler for a command made of other commands; `fn` is given the registry."""

    command: type[C]
    scope: Scope
    fn: Callable[[UnitOfWork, C, Principal, datetime, Dispatch], R]

    def __call__(
        self, uow: UnitOfWork, command: Command[object], who: Principal, now: datetime, dispatch: Dispatch
    ) -> R:
        if not isinstance(command, self.command):
            raise TypeError(f"{self.command.__name__}'s handler got a {type(command).__name__}")
        return self.fn(uow, command, who, now, dispatch)


class Entry(Protocol):
    """Any handler, its command and result types forgotten, as the registry keeps it."""

    @property
    def command(self) -> type[Command[object]]: ...

    @property
    def scope(self) -> Scope: ...

    @property
    def fn(self) -> Callable[..., object]: ...

    def __call__(
        self, uow: UnitOfWork, command: Command[object], who: Principal, now: datetime, dispatch: Dispatch
    ) -> object: ...


def on(
    command: type[C], scope: Scope, fn: Callable[[UnitOfWork, C, Principal, datetime], R]
) -> Handler[C, R]:
    return Handler(command, scope, fn)


def composite(
    command: type[C], scope: Scope, fn: Callable[[UnitOfWork, C, Principal, datetime, Dispatch], R]
) -> Composite[C, R]:
    return Composite(command, scope, fn)


def concrete_commands(package: str = "casedesk.domain") -> set[type[Command[object]]]:
    """Every command class imported so far from `package` that a caller can send: those
    whose result type is fixed (not the generic bases such as `CaseCommand`)."""
    found: set[type[Command[object]]] = set()
    pending = list(Command.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith(package + ".") and not getattr(cls, "__parameters__", ()):
            found.add(cls)
    return found


def result_type(command: type[Command[object]]) -> object:
    """The `R` of the `Command[R]` the class derives from, e.g. `uuid.UUID` for CreateCase."""
    for cls in command.__mro__:
        for base in getattr(cls, "__orig_bases__", ()):
            origin = get_origin(base)
            if isinstance(origin, type) and issubclass(origin, Command):
                (argument,) = get_args(base)
                if not isinstance(argument, TypeVar):
                    return argument
    raise RegistryError(f"{command.__name__} does not say what handling it returns (Command[...])")


class Registry:
    def __init__(self, entries: Iterable[Entry], commands: Iterable[type[Command[object]]]) -> None:
        """Builds the table; `commands` are the command types that must all have a handler."""
        self._entries: dict[type[Command[object]], Entry] = {}
        for entry in entries:
            if entry.command in self._entries:
                raise RegistryError(f"{entry.command.__name__} has two handlers")
            _check(entry)
            self._entries[entry.command] = entry
        missing = sorted(cls.__name__ for cls in set(commands) - set(self._entries))
        if missing:
            raise RegistryError(f"no handler and scope for {', '.join(missing)}")

    def __contains__(self, command: type[Command[object]]) -> bool:
        return command in self._entries

    def commands(self) -> frozenset[type[Command[object]]]:
        return frozenset(self._entries)

    def scope_of(self, command: type[Command[object]]) -> Scope:
        return self._entries[command].scope

    def authorize(self, who: Principal, command: Command[object]) -> None:
        require(who, self.scope_of(type(command)))

    def run(self, uow: UnitOfWork, command: Command[R], who: Principal, now: datetime) -> R:
        result = self._entries[type(command)](uow, command, who, now, self)
        # Sound: the entry for this command type returns the command's result type, which
        # `_check` verified against the handler's annotations when the table was built.
        return cast(R, result)


def _check(entry: Entry) -> None:
    if not isinstance(entry.scope, Scope):
        raise RegistryError(f"{entry.command.__name__} has no scope")
    if getattr(entry.command, "__parameters__", ()):
        raise RegistryError(f"{entry.command.__name__} is a generic base, not a command")
    expected = result_type(entry.command)
    declared = get_type_hints(entry.fn).get("return")
    if declared != expected:
        raise RegistryError(
            f"{entry.command.__name__} returns {expected} but its handler declares {declared}"
        )
