"""Request-scoped dependencies shared by the API dialects: the container and the caller."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Header, Request

from casedesk.bootstrap import Container
from casedesk.domain.commands import Command
from casedesk.domain.errors import Unauthenticated
from casedesk.domain.users import Principal
from casedesk.domain.vocab import Scope
from casedesk.services import authz
from casedesk.services.bus import REGISTRY
from casedesk.services.keys import authenticate

R = TypeVar("R")


def get_container(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


def get_principal(
    request: Request,
    dd_api_key: Annotated[str | None, Header(alias="DD-API-KEY")] = None,
    dd_app_key: Annotated[str | None, Header(alias="DD-APPLICATION-KEY")] = None,
    authorization: Annotated[str | None, Header()] = None,
) -> Principal:
    container = get_container(request)
    api_key, app_key = dd_api_key, dd_app_key
    if authorization and authorization.lower().startswith("bearer "):
        # A bearer application key stands alone, as with Datadog's AuthZ scheme.
        api_key, app_key = None, authorization[7:].strip()
    elif dd_app_key and not dd_api_key:
        # Only a bearer key may stand alone; `authenticate` reads a None API key as bearer.
        raise Unauthenticated("an API key is required (DD-API-KEY) with DD-APPLICATION-KEY")
    with container.read_uow() as uow:
        return authenticate(uow, api_key, app_key)


@dataclass
class Context:
    """The caller, once known to hold `scope` (the one the route's dependency checked)."""

    container: Container
    principal: Principal
    scope: Scope

    def handle(self, command: Command[R]) -> R:
        needed = REGISTRY.scope_of(type(command))
        if needed != self.scope:
            # The route checked one scope and sends a command needing another: the caller saw
            # (or would see) a refusal that does not match what the route does. A bug.
            raise RuntimeError(
                f"a route that checks {self.scope.value} sends {type(command).__name__}, "
                f"which needs {needed.value}"
            )
        return self.container.bus.handle(command, self.principal)


def context(scope: Scope) -> Callable[..., Context]:
    """A dependency giving the caller's context once they are known to hold `scope`. It runs
    before the body is read, so a caller without the scope gets 403 even for a bad body."""

    def dependency(
        container: Annotated[Container, Depends(get_container)],
        principal: Annotated[Principal, Depends(get_principal)],
    ) -> Context:
        authz.require(principal, scope)
        return Context(container, principal, scope)

    return dependency


def for_command(command: type[Command[object]]) -> Callable[..., Context]:
    """The dependency of routes that send `command` (or commands needing its scope)."""
    return context(REGISTRY.scope_of(command))


def for_reading(what: authz.Reading) -> Callable[..., Context]:
    """The dependency of routes that only read `what`."""
    return context(authz.READ_SCOPES[what])
