"""The one command registry: every command has a handler and a scope, and a table that
breaks that rule, or pairs a command with a handler of another result, is refused when built."""

from __future__ import annotations

import importlib
import pkgutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

import casedesk.domain
from casedesk.domain.commands import Command
from casedesk.domain.errors import Forbidden
from casedesk.domain.incidents.commands import CreateIncident
from casedesk.domain.users import Principal
from casedesk.domain.vocab import Scope
from casedesk.entrypoints.http.deps import Context
from casedesk.services.bus import REGISTRY
from casedesk.services.ports.uow import UnitOfWork
from casedesk.services.registry import (
    Dispatch,
    Registry,
    RegistryError,
    composite,
    concrete_commands,
    on,
    result_type,
)

NOW = datetime(2030, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Ping(Command[int]):
    times: int


@dataclass(frozen=True)
class Pong(Command[str]):
    pass


@dataclass(frozen=True)
class PingTwice(Command[list[int]]):
    times: int


@dataclass(frozen=True)
class Unsaid(Command):  # type: ignore[type-arg]
    pass


def ping(uow: UnitOfWork, cmd: Ping, who: Principal, now: datetime) -> int:
    return cmd.times


def pong(uow: UnitOfWork, cmd: Pong, who: Principal, now: datetime) -> str:
    return "pong"


def ping_twice(uow: UnitOfWork, cmd: PingTwice, who: Principal, now: datetime, parts: Dispatch) -> list[int]:
    return [parts.run(uow, Ping(cmd.times), who, now) for _ in range(2)]


def wrong_result(uow: UnitOfWork, cmd: Pong, who: Principal, now: datetime) -> int:
    return 1


def someone(*scopes: Scope) -> Principal:
    return Principal(user_id=uuid.uuid4(), email="someone@example.com", scopes=frozenset(scopes))


def domain_commands() -> set[type[Command[object]]]:
    """Every command the domain defines, whether or not a handler module imports it."""
    for module in pkgutil.walk_packages(casedesk.domain.__path__, "casedesk.domain."):
        importlib.import_module(module.name)
    return concrete_commands("casedesk.domain")


def test_every_command_of_the_domain_has_a_handler_and_a_scope() -> None:
    commands = domain_commands()
    assert len(commands) > 50
    assert REGISTRY.commands() == commands


def test_the_registry_knows_each_commands_result_type() -> None:
    assert result_type(Ping) is int
    assert result_type(PingTwice) == list[int]
    with pytest.raises(RegistryError, match="Unsaid does not say what handling it returns"):
        result_type(Unsaid)


def test_a_command_without_a_handler_is_refused() -> None:
    with pytest.raises(RegistryError, match="no handler and scope for Pong"):
        Registry([on(Ping, Scope.CASES_WRITE, ping)], commands={Ping, Pong})


def test_a_command_without_a_scope_is_refused() -> None:
    with pytest.raises(RegistryError, match="Ping has no scope"):
        Registry([on(Ping, None, ping)], commands={Ping})  # type: ignore[arg-type]


def test_a_command_with_two_handlers_is_refused() -> None:
    with pytest.raises(RegistryError, match="Ping has two handlers"):
        Registry([on(Ping, Scope.CASES_WRITE, ping), on(Ping, Scope.CASES_READ, ping)], commands={Ping})


def test_a_handler_of_another_result_is_refused() -> None:
    with pytest.raises(
        RegistryError, match="Pong returns <class 'str'> but its handler declares <class 'int'>"
    ):
        Registry([on(Pong, Scope.CASES_WRITE, wrong_result)], commands={Pong})


def test_a_command_that_says_nothing_of_its_result_is_refused() -> None:
    def unsaid(uow: UnitOfWork, cmd: Unsaid, who: Principal, now: datetime) -> None:
        return None

    with pytest.raises(RegistryError, match="Unsaid does not say"):
        Registry([on(Unsaid, Scope.CASES_WRITE, unsaid)], commands={Unsaid})


def test_the_registry_runs_each_command_through_its_handler_and_checks_its_scope() -> None:
    registry = Registry(
        [
            on(Ping, Scope.CASES_WRITE, ping),
            on(Pong, Scope.INCIDENT_WRITE, pong),
            composite(PingTwice, Scope.CASES_WRITE, ping_twice),
        ],
        commands={Ping, Pong, PingTwice},
    )
    uow: UnitOfWork = None  # type: ignore[assignment]  # these handlers never touch it
    writer = someone(Scope.CASES_WRITE)

    assert registry.scope_of(Pong) == Scope.INCIDENT_WRITE
    assert registry.run(uow, Ping(3), writer, NOW) == 3
    assert registry.run(uow, PingTwice(2), writer, NOW) == [2, 2]
    registry.authorize(writer, Ping(1))
    with pytest.raises(Forbidden, match="incident_write"):
        registry.authorize(writer, Pong())


def test_the_operator_holds_every_scope_and_is_no_user() -> None:
    operator = Principal.operator()
    assert all(operator.has(scope) for scope in Scope)
    assert operator.user_id == uuid.UUID(int=0)


def test_a_route_that_checked_another_scope_than_its_command_needs_cannot_send_it() -> None:
    writer = someone(Scope.CASES_WRITE, Scope.INCIDENT_WRITE)
    # No container: the mismatch is refused before anything is run.
    ctx = Context(services=None, principal=writer, scope=Scope.CASES_WRITE)  # type: ignore[arg-type]
    with pytest.raises(
        RuntimeError, match="checks cases_write sends CreateIncident, which needs incident_write"
    ):
        ctx.handle(CreateIncident(title="Outage", customer_impacted=False))
