"""Each dialect is its own application: every error under its prefix answers in its body, and
the one OpenAPI document lists the operations of both."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import Mount

from casedesk.bootstrap import bootstrap
from casedesk.config import Settings
from casedesk.entrypoints.http.app import create_app
from tests.api import tines as t


def datadog_strings(response: httpx.Response, status: int) -> list[str]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"errors"}, body
    assert all(isinstance(item, str) for item in body["errors"]), body
    return list(body["errors"])


@pytest.mark.parametrize("path", ["/api/v2/nothing/here", "/api/v2/cases/x/nothing"])
def test_an_unknown_datadog_path_is_a_datadog_404(http: httpx.Client, path: str) -> None:
    assert datadog_strings(http.get(path), 404) == ["Not Found"]


def test_an_unknown_tines_path_is_a_tines_404(tines: httpx.Client) -> None:
    assert t.error(tines.get("/api/v1/cases/1/nothing"), 404)["type"] == "not_found"


def test_a_wrong_method_is_a_405_in_each_dialect(http: httpx.Client, tines: httpx.Client) -> None:
    assert datadog_strings(http.put("/api/v2/cases"), 405) == ["Method Not Allowed"]
    assert t.error(tines.patch("/api/v1/cases"), 405)["type"] == "method_not_allowed"


def test_a_malformed_body_is_a_400_in_each_dialect(http: httpx.Client, tines: httpx.Client) -> None:
    as_json = {"Content-Type": "application/json"}
    [message] = datadog_strings(http.post("/api/v2/cases", content=b"{", headers=as_json), 400)
    assert message == "request body is not valid JSON"
    refused = t.error(tines.post("/api/v1/cases", content=b"{", headers=as_json), 400)
    assert refused["message"] == "request body is not valid JSON"


def test_unstorable_text_is_refused_in_each_dialect(http: httpx.Client, tines: httpx.Client) -> None:
    body = {"data": {"type": "case", "attributes": {"title": "a\x00b"}}}
    [message] = datadog_strings(http.post("/api/v2/cases", json=body), 400)
    assert message.startswith("/data/attributes/title: ")
    refused = t.error(tines.get("/api/v1/cases", params={"search": "a\x00b"}), 400)
    assert refused["field"] == "search"


# -- the catch-all, in process (a route that fails is added to each mounted dialect) -------


@pytest.fixture
def app() -> Iterator[FastAPI]:
    """A fresh application (tests add routes to it), over a database it never needs to open."""
    with tempfile.TemporaryDirectory(prefix="casedesk-apps-") as folder:
        container = bootstrap(Settings(database_url=f"sqlite:///{Path(folder) / 'apps.db'}"))
        try:
            yield create_app(container)
        finally:
            container.close()


def dialect(app: FastAPI, prefix: str) -> FastAPI:
    [mounted] = [r.app for r in app.routes if isinstance(r, Mount) and r.path == prefix]
    assert isinstance(mounted, FastAPI)
    return mounted


def fail() -> None:
    raise RuntimeError("a bug")


def call(app: FastAPI, path: str) -> httpx.Response:
    async def go() -> httpx.Response:
        # The dialect answers, then re-raises for the server to log, as Starlette does.
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://casedesk") as client:
            return await client.get(path)

    return asyncio.run(go())


def test_an_unexpected_error_is_a_500_in_each_dialects_body(app: FastAPI) -> None:
    datadog = dialect(app, "/api/v2")
    datadog.add_api_route("/broken", fail, name="GetCase")  # declares string errors
    datadog.add_api_route("/broken-objects", fail, name="MoveCaseToProject")  # declares objects
    dialect(app, "/api/v1").add_api_route("/broken", fail)

    assert datadog_strings(call(app, "/api/v2/broken"), 500) == ["internal error"]
    objects = call(app, "/api/v2/broken-objects")
    assert objects.status_code == 500
    assert objects.json() == {
        "errors": [{"status": "500", "title": "Internal Server Error", "detail": "internal error"}]
    }
    assert t.error(call(app, "/api/v1/broken"), 500)["message"] == "internal error"


# -- the OpenAPI document -----------------------------------------------------------------


def operations(document: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {
        (method.upper(), path): operation["operationId"]
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }


def routes(app: FastAPI, prefix: str) -> set[tuple[str, str, str]]:
    """(method, path, name) of every documented operation the dialect mounted at `prefix`
    answers (FastAPI keeps included routers nested; this walks them)."""
    return {
        (method, prefix + str(route.path), str(route.name))
        for route in iter_route_contexts(dialect(app, prefix).routes)
        if isinstance(route.original_route, APIRoute) and route.include_in_schema
        for method in route.methods or ()
    }


def test_the_openapi_document_lists_every_operation_of_both_dialects(
    http: httpx.Client, app: FastAPI
) -> None:
    response = http.get("/openapi.json")
    assert response.status_code == 200
    listed = operations(response.json())

    # Datadog's v1 integration configuration is a mount of its own, inside Tines' prefix.
    datadog = routes(app, "/api/v2") | routes(app, "/api/v1/integration")
    tines = routes(app, "/api/v1")
    assert len(datadog) > 100
    assert len(tines) > 20
    assert set(listed) == {(method, path) for method, path, _ in datadog | tines}
    # Datadog's operations go by Datadog's operation ids.
    assert {listed[method, path] for method, path, _ in datadog} == {name for _, _, name in datadog}
    assert listed["POST", "/api/v2/cases"] == "CreateCase"
    assert len(set(listed.values())) == len(listed)
