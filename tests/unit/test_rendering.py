"""A route rendered by `DocumentRoute` answers exactly what FastAPI answers for it."""

from __future__ import annotations

from typing import Any

import anyio
import httpx
import pytest
from fastapi import APIRouter, FastAPI, Response
from pydantic import BaseModel

from casedesk.entrypoints.http.rendering import DocumentRoute

DOCUMENT: dict[str, Any] = {
    "data": [
        {
            "id": "0b7c",
            "attributes": {
                "title": "naïve “quoted” \u2028 line\tbreak 🚀 </script>",
                "numbers": [0, -1, 2**63, 0.1, 1e20, 1e-7, 3.0],
                "flags": [True, False, None],
                "nested": {"empty": {}, "list": []},
            },
        }
    ],
    "meta": {"total": 1},
}


class Small(BaseModel):
    kept: str


def routes(router: APIRouter) -> APIRouter:
    @router.post("/doc", status_code=201)
    def doc() -> dict[str, Any]:
        return DOCUMENT

    @router.get("/raw")
    def raw() -> dict[str, Any]:
        return Response(b"raw", media_type="text/plain")  # type: ignore[return-value]

    @router.get("/model")
    def model() -> Small:
        return {"kept": "yes", "dropped": "no"}  # type: ignore[return-value]

    @router.get("/header")
    def header(response: Response) -> dict[str, Any]:
        response.headers["x-set"] = "by the route"
        response.status_code = 202
        return {"ok": True}

    return router


def app_with(router: APIRouter) -> FastAPI:
    app = FastAPI()
    app.include_router(routes(router))
    return app


def send(app: FastAPI, *requests: tuple[str, str]) -> list[httpx.Response]:
    async def sending() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return [await client.request(method, path) for method, path in requests]

    return anyio.run(sending)


def answers(router: APIRouter) -> list[tuple[int, bytes, list[tuple[bytes, bytes]]]]:
    requests = [("POST", "/doc"), ("GET", "/raw"), ("GET", "/model"), ("GET", "/header")]
    return [(r.status_code, r.content, sorted(r.headers.raw)) for r in send(app_with(router), *requests)]


def test_answers_are_fastapis_byte_for_byte() -> None:
    assert answers(APIRouter(route_class=DocumentRoute)) == answers(APIRouter())


@pytest.mark.parametrize(("method", "path", "status"), [("POST", "/doc", 201), ("GET", "/header", 202)])
def test_rendered_answers_keep_their_status_and_headers(method: str, path: str, status: int) -> None:
    (answer,) = send(app_with(APIRouter(route_class=DocumentRoute)), (method, path))
    assert (answer.status_code, answer.headers["content-type"]) == (status, "application/json")


def test_only_documents_fastapi_would_not_change_are_rendered_by_the_route() -> None:
    router = routes(APIRouter(route_class=DocumentRoute))
    endpoints = {route.path: route.endpoint for route in router.routes if isinstance(route, DocumentRoute)}
    assert isinstance(endpoints["/doc"](), Response)
    assert endpoints["/model"]() == {"kept": "yes", "dropped": "no"}  # left to FastAPI's model
    assert endpoints["/header"](Response()) == {"ok": True}  # its Response parameter counts
