"""Request-scoped dependencies shared by the API dialects: the container and the caller."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request

from casedesk.bootstrap import Container
from casedesk.domain.errors import Unauthenticated
from casedesk.domain.users import Principal
from casedesk.domain.vocab import Scope
from casedesk.services import authz
from casedesk.services.keys import authenticate

# The keys a Datadog-dialect request presents: (API key or None for a bearer key, application key).
PresentedKeys = tuple[str | None, str | None]


def get_container(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


def request_container(write: bool) -> Callable[[Request], Iterator[Container]]:
    """A dependency: the app's container on one pooled connection for this request (taken on
    first use), given back when the route has returned, before the answer is sent."""

    def dependency(request: Request) -> Iterator[Container]:
        with get_container(request).serving_request(write=write) as container:
            yield container

    return dependency


async def presented_keys(
    dd_api_key: Annotated[str | None, Header(alias="DD-API-KEY")] = None,
    dd_app_key: Annotated[str | None, Header(alias="DD-APPLICATION-KEY")] = None,
    authorization: Annotated[str | None, Header()] = None,
) -> PresentedKeys:
    # Header parsing only, so it runs on the event loop rather than in a worker thread.
    api_key, app_key = dd_api_key, dd_app_key
    if authorization and authorization.lower().startswith("bearer "):
        # A bearer application key stands alone, as with Datadog's AuthZ scheme.
        api_key, app_key = None, authorization[7:].strip()
    elif dd_app_key and not dd_api_key:
        # Only a bearer key may stand alone; `authenticate` reads a None API key as bearer.
        raise Unauthenticated("an API key is required (DD-API-KEY) with DD-APPLICATION-KEY")
    return api_key, app_key


@dataclass
class Context:
    container: Container
    principal: Principal

    def handle(self, command: Any) -> Any:
        return self.container.bus.handle(command, self.principal)


# The app's container on one connection for the request; a request expected to run a command
# begins with a write transaction, which its command then shares (adapters/db/connections.py).
ReadingContainer = Annotated[Container, Depends(request_container(write=False), scope="function")]
WritingContainer = Annotated[Container, Depends(request_container(write=True), scope="function")]
DatadogKeys = Annotated[PresentedKeys, Depends(presented_keys)]


def context(scope: Scope) -> Callable[..., Context]:
    """A dependency giving the caller's context once they are known to hold `scope`."""

    def reader(container: ReadingContainer, keys: DatadogKeys) -> Context:
        return caller_context(container, scope, authenticate(container.keys, *keys))

    def writer(container: WritingContainer, keys: DatadogKeys) -> Context:
        return caller_context(container, scope, authenticate(container.keys, *keys))

    return writer if scope in authz.COMMAND_SCOPES else reader


def caller_context(container: Container, scope: Scope, principal: Principal) -> Context:
    authz.require(principal, scope)
    return Context(container, principal)
