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
    container: Container
    principal: Principal

    def handle(self, command: Command[R]) -> R:
        return self.container.bus.handle(command, self.principal)


def context(scope: Scope) -> Callable[..., Context]:
    """A dependency giving the caller's context once they are known to hold `scope`."""

    def dependency(
        container: Annotated[Container, Depends(get_container)],
        principal: Annotated[Principal, Depends(get_principal)],
    ) -> Context:
        authz.require(principal, scope)
        return Context(container, principal)

    return dependency
