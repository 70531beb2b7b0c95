"""Request-scoped dependencies shared by the API dialects: the services on the request's
connection, and the caller."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, Protocol, TypeVar

import anyio
import anyio.to_thread
from fastapi import Depends, Header, Request

from casedesk.domain.commands import Command
from casedesk.domain.errors import Unauthenticated
from casedesk.domain.users import Principal
from casedesk.domain.vocab import Scope
from casedesk.services import access, authz
from casedesk.services.bus import REGISTRY
from casedesk.services.keys import authenticate
from casedesk.services.ports.access import Visibility
from casedesk.services.ports.services import Services

R = TypeVar("R")

# The keys a Datadog-dialect request presents: (API key or None for a bearer key, application key).
PresentedKeys = tuple[str | None, str | None]


class RequestScope(Protocol):
    """The services on one request's connection (`bootstrap.RequestScope`)."""

    @property
    def container(self) -> Services: ...

    @property
    def idle(self) -> bool:
        """Whether `release()` is free of database round trips (no transaction is open)."""

    def release(self) -> None: ...


class ServiceProvider(Protocol):
    """What an application holds in `app.state.container` (`bootstrap.Container`)."""

    @property
    def request_slots(self) -> int:
        """How many requests may hold a connection at once."""

    def request_scope(self, *, write: bool) -> RequestScope: ...


def get_provider(request: Request) -> ServiceProvider:
    provider: ServiceProvider = request.app.state.container
    return provider


def request_services(write: bool) -> Callable[[Request], AsyncIterator[Services]]:
    """A dependency: the services on one pooled connection for this request (taken on first
    use), given back when the route has returned, before the answer is sent."""

    async def dependency(request: Request) -> AsyncIterator[Services]:
        slots = request_slots(request)
        async with slots:
            scope = get_provider(request).request_scope(write=write)
            try:
                yield scope.container
            finally:
                # Shielded: a request cancelled by its client still gives its connection back.
                with anyio.CancelScope(shield=True):
                    if scope.idle:
                        scope.release()  # no transaction open: no round trip, no worker thread
                    else:
                        await anyio.to_thread.run_sync(scope.release)

    return dependency


class RequestSlots:
    """Requests wait here, on the event loop, until the pool can give them a connection. A
    request holds its connection between worker threads (authentication, then the route), so
    if threads could wait in the pool for connections that requests waiting for a thread hold,
    neither would move; and on SQLite, a writer holding the lock must find a free thread while
    others wait for the lock in theirs. So at most as many requests as the pool has
    connections, and no more than there are worker threads, hold one at once. One gate serves
    the whole application: every mounted dialect shares it, as they share the pool."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._semaphore: anyio.Semaphore | None = None

    def semaphore(self) -> anyio.Semaphore:
        # Made on first use, inside the event loop that serves the requests.
        if self._semaphore is None:
            threads = int(anyio.to_thread.current_default_thread_limiter().total_tokens)
            self._semaphore = anyio.Semaphore(min(self.size, threads))
        return self._semaphore


def request_slots(request: Request) -> anyio.Semaphore:
    """The application's gate (`RequestSlots`, shared by the mounted dialects through their
    `state.request_slots`); an application built without one gets its own."""
    slots: RequestSlots | None = getattr(request.app.state, "request_slots", None)
    if slots is None:
        slots = RequestSlots(get_provider(request).request_slots)
        request.app.state.request_slots = slots
    return slots.semaphore()


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
    """The caller, once known to hold `scope` (the one the route's dependency checked)."""

    services: Services
    principal: Principal
    scope: Scope

    @cached_property
    def visibility(self) -> Visibility:
        """What the caller may see, for every read of the request (its hidden projects are
        looked up once, by the first read that needs them, in that read's transaction)."""
        return access.visibility(self.principal)

    def handle(self, command: Command[R]) -> R:
        needed = REGISTRY.scope_of(type(command))
        if needed != self.scope:
            # The route checked one scope and sends a command needing another: the caller saw
            # (or would see) a refusal that does not match what the route does. A bug.
            raise RuntimeError(
                f"a route that checks {self.scope.value} sends {type(command).__name__}, "
                f"which needs {needed.value}"
            )
        return self.services.bus.handle(command, self.principal, self.visibility)


# The services on one connection for the request; a request expected to run a command begins
# with a write transaction, which its command then shares (adapters/db/connections.py).
ReadingServices = Annotated[Services, Depends(request_services(write=False), scope="function")]
WritingServices = Annotated[Services, Depends(request_services(write=True), scope="function")]
DatadogKeys = Annotated[PresentedKeys, Depends(presented_keys)]


def context(scope: Scope, *, write: bool) -> Callable[..., Context]:
    """A dependency giving the caller's context once they are known to hold `scope`. It runs
    before the body is read, so a caller without the scope gets 403 even for a bad body.
    `write`: the route runs a command, so its request begins with a write transaction."""

    def reader(services: ReadingServices, keys: DatadogKeys) -> Context:
        return caller_context(services, scope, authenticate(services.keys, *keys))

    def writer(services: WritingServices, keys: DatadogKeys) -> Context:
        return caller_context(services, scope, authenticate(services.keys, *keys))

    return writer if write else reader


def for_command(command: type[Command[object]]) -> Callable[..., Context]:
    """The dependency of routes that send `command` (or commands needing its scope)."""
    return context(REGISTRY.scope_of(command), write=True)


def for_reading(what: authz.Reading) -> Callable[..., Context]:
    """The dependency of routes that only read `what`."""
    return context(authz.READ_SCOPES[what], write=False)


def caller_context(services: Services, scope: Scope, principal: Principal) -> Context:
    authz.require(principal, scope)
    return Context(services, principal, scope)
