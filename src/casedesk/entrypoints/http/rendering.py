"""Routes that render their JSON document in the thread that made it.

A plain `def` route annotated `-> dict[str, Any]` is run by FastAPI in a worker thread; FastAPI
then validates the returned dict against that annotation in a second worker thread (a full
walk of the document that changes nothing: any value passes `Any`) and serialises it on the
event loop. `DocumentRoute` serialises the document at the end of the route's own thread,
with the same serialiser and so the same bytes, headers and status: one thread hop and one
walk of the document fewer per request.

Only routes whose answer FastAPI would not change are rendered so: a `dict[str, Any]`
annotation, no `response_model` of their own, a status that carries a body, and no
`Response` parameter (headers or a status set on it would be lost). Anything else, and any
`Response` a route returns, goes through FastAPI as before.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi import Response
from fastapi.datastructures import DefaultPlaceholder
from fastapi.dependencies.utils import get_typed_return_annotation, get_typed_signature
from fastapi.routing import APIRoute
from pydantic_core import to_json
from starlette.status import HTTP_200_OK

Document = dict[str, Any]


def render(document: Document, status_code: int) -> Response:
    """What FastAPI answers for `document` from a route declared `-> dict[str, Any]`: its
    `TypeAdapter.dump_json` is `to_json` for a dict of `Any` values."""
    return Response(content=to_json(document), status_code=status_code, media_type="application/json")


def renders_its_document(endpoint: Callable[..., Any], status_code: int, kwargs: dict[str, Any]) -> bool:
    if inspect.iscoroutinefunction(endpoint) or not isinstance(
        kwargs.get("response_model"), DefaultPlaceholder
    ):
        return False
    if get_typed_return_annotation(endpoint) != Document:
        return False
    if status_code < 200 or status_code in (204, 304):
        return False
    parameters = get_typed_signature(endpoint).parameters.values()
    return not any(isinstance(p.annotation, type) and issubclass(p.annotation, Response) for p in parameters)


def rendered(endpoint: Callable[..., Any], status_code: int) -> Callable[..., Any]:
    @functools.wraps(endpoint)
    def route(*args: Any, **kwargs: Any) -> Any:
        answer = endpoint(*args, **kwargs)
        return answer if isinstance(answer, Response) else render(answer, status_code)

    return route


class DocumentRoute(APIRoute):
    """An `APIRoute` (give it as a router's `route_class`) whose document is rendered by
    the route itself where FastAPI's rendering would give the same answer."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        status_code = kwargs.get("status_code") or HTTP_200_OK
        if renders_its_document(endpoint, status_code, kwargs):
            endpoint = rendered(endpoint, status_code)
        super().__init__(path, endpoint, **kwargs)
