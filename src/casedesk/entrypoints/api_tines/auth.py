"""Who is calling, in Tines' terms: `Authorization: Bearer <key>` or `X-User-Token: <key>`
(the key is a casedesk application key), and optionally `X-User-Email`, which must then be
the key's user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Header

from casedesk.domain.cases import commands as c
from casedesk.domain.errors import Unauthenticated
from casedesk.domain.users import Principal
from casedesk.domain.vocab import Scope
from casedesk.entrypoints.http.deps import Context, ReadingServices, WritingServices, caller_context
from casedesk.services import authz
from casedesk.services.bus import REGISTRY
from casedesk.services.keys import authenticate
from casedesk.services.ports.services import Services


async def presented_token(
    authorization: Annotated[str | None, Header()] = None,
    x_user_token: Annotated[str | None, Header(alias="X-User-Token")] = None,
) -> str:
    token = None
    if authorization and authorization.lower().startswith("bearer "):
        token = authorization[7:].strip()
    elif x_user_token:
        token = x_user_token.strip()
    if not token:
        raise Unauthenticated("an API key is required (Authorization: Bearer <key> or X-User-Token)")
    return token


def tines_context(scope: Scope, *, write: bool) -> Callable[..., Context]:
    def reader(
        services: ReadingServices,
        token: Annotated[str, Depends(presented_token)],
        x_user_email: Annotated[str | None, Header(alias="X-User-Email")] = None,
    ) -> Context:
        return caller_context(services, scope, tines_principal(services, token, x_user_email))

    def writer(
        services: WritingServices,
        token: Annotated[str, Depends(presented_token)],
        x_user_email: Annotated[str | None, Header(alias="X-User-Email")] = None,
    ) -> Context:
        return caller_context(services, scope, tines_principal(services, token, x_user_email))

    return writer if write else reader


def tines_principal(services: Services, token: str, x_user_email: str | None) -> Principal:
    principal = authenticate(services.keys, None, token)
    if x_user_email is not None and x_user_email.strip().lower() != principal.email:
        raise Unauthenticated("X-User-Email is not the email of the key's user")
    return principal


# Every Tines route reads or changes cases: scopes as the registry and authz declare them.
Reader = Annotated[Context, Depends(tines_context(authz.READ_SCOPES[authz.Reading.CASES], write=False))]
Writer = Annotated[Context, Depends(tines_context(REGISTRY.scope_of(c.CreateCase), write=True))]
