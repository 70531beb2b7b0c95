"""The limits as the settings set them, on an application of its own (real HTTP, in this
process so the test can reach its database): the rate limit per key with Datadog's headers,
the bound on each statement, and the case, query and body limits."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, cast

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, text
from starlette.routing import Mount

from casedesk.adapters.db.connections import PooledConnections, RequestConnection
from casedesk.adapters.db.engine import build_engine
from casedesk.adapters.db.schema import core as t
from casedesk.bootstrap import Container, bootstrap
from casedesk.config import Settings
from casedesk.domain import users as uc
from casedesk.domain.errors import TimedOut
from casedesk.domain.users import IssuedKeys, Principal
from casedesk.domain.vocab import Scope
from casedesk.entrypoints.http.app import create_app
from casedesk.entrypoints.http.deps import ReadingServices, WritingServices
from tests.api import dd
from tests.support import serving_in_thread, throwaway_database

BOUND_MS = 200
# Counts to ten million: seconds on either database, so far past the bound.
EXPENSIVE = (
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10000000) "
    "SELECT count(*) FROM r"
)
SETTINGS = {
    "rate_limit": 0,
    "statement_timeout_ms": BOUND_MS,
    "max_body_bytes": 64 * 1024,
    "max_attribute_keys": 2,
    "max_tags": 1,
    "max_metadata_keys": 2,
    "max_metadata_value_length": 20,
    "max_query_terms": 3,
    "max_query_wildcards": 1,
}


@pytest.fixture(scope="module")
def db() -> Iterator[Container]:
    with throwaway_database() as url:
        container = bootstrap(Settings(database_url=url, **SETTINGS), migrate=True)  # type: ignore[arg-type]
        try:
            yield container
        finally:
            container.close()


def dialect(app: FastAPI, prefix: str) -> FastAPI:
    [mounted] = [r.app for r in app.routes if isinstance(r, Mount) and r.path == prefix]
    assert isinstance(mounted, FastAPI)
    return mounted


def expensive_read(services: ReadingServices) -> None:
    """A route whose one query runs far past the bound, on the request's connection."""
    with cast(Any, services).connections.unit(write=False) as conn:
        conn.execute(text(EXPENSIVE))


def rename_then_expensive(project_id: str, services: WritingServices) -> None:
    """A route that changes a row, then runs a query far past the bound, in one transaction."""
    with cast(Any, services).connections.unit(write=True) as conn:
        conn.execute(
            t.projects.update().where(t.projects.c.id == uuid.UUID(project_id)).values(name="Renamed")
        )
        conn.execute(text(EXPENSIVE))
        conn.commit()


@pytest.fixture(scope="module")
def base_url(db: Container) -> Iterator[str]:
    app = create_app(db)
    for prefix in ("/api/v2", "/api/v1"):
        dialect(app, prefix).add_api_route("/expensive", expensive_read)
        dialect(app, prefix).add_api_route(
            "/expensive-write/{project_id}", rename_then_expensive, methods=["POST"]
        )
    with serving_in_thread(app) as url:
        yield url


@pytest.fixture(scope="module")
def rate_limited_url(db: Container) -> Iterator[str]:
    """The application again, over the same database, with a rate limit of 3 an hour."""
    limited = replace(
        db, settings=db.settings.model_copy(update={"rate_limit": 3, "rate_limit_period_s": 3600})
    )
    with serving_in_thread(create_app(limited)) as url:
        yield url


def new_keys(db: Container) -> dict[str, str]:
    """Headers with a new key pair: each test counts against the rate limit on its own."""
    email = f"limits.{uuid.uuid4().hex[:8]}@example.com"
    db.bus.handle(uc.CreateUser(email=email, name="Limits"), Principal.operator())
    keys: IssuedKeys = db.bus.handle(
        uc.CreateKeys(user_email=email, scopes=Scope.all()), Principal.operator()
    )
    return {"DD-API-KEY": keys.api_key, "DD-APPLICATION-KEY": keys.app_key}


@pytest.fixture
def client(db: Container, base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, headers=new_keys(db), timeout=30) as http:
        yield http


def new_project(http: httpx.Client) -> str:
    key = "L" + uuid.uuid4().hex[:6].upper()
    answer = http.post(
        "/api/v2/cases/projects", json={"data": {"type": "project", "attributes": {"name": "L", "key": key}}}
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["data"]["id"])


# -- the rate limit ---------------------------------------------------------------------


def test_a_key_over_its_rate_limit_gets_429_with_datadogs_headers_in_both_dialects(
    db: Container, rate_limited_url: str
) -> None:
    base_url = rate_limited_url
    keys = new_keys(db)
    with httpx.Client(base_url=base_url, headers=keys, timeout=30) as http:
        remaining = []
        for _ in range(3):
            answer = http.get("/api/v2/cases")
            assert answer.status_code == 200, answer.text
            remaining.append(int(answer.headers["x-ratelimit-remaining"]))
            assert answer.headers["x-ratelimit-limit"] == "3"
            assert answer.headers["x-ratelimit-period"] == "3600"
            assert answer.headers["x-ratelimit-name"] == "casedesk_api"
        assert remaining == [2, 1, 0]
        refused = http.get("/api/v2/cases")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["retry-after"]) <= 3600
    assert refused.headers["x-ratelimit-reset"] == refused.headers["retry-after"]
    assert refused.headers["x-ratelimit-remaining"] == "0"
    [message] = refused.json()["errors"]
    assert message.startswith("more than 3 requests in 3600 s with this key; retry in ")
    # The same key is counted in the Tines dialect, which refuses in its own body.
    bearer = {"Authorization": f"Bearer {keys['DD-APPLICATION-KEY']}"}
    tines = httpx.get(f"{base_url}/api/v1/cases", headers=bearer, timeout=30)
    assert tines.status_code == 429
    assert tines.json()["error"]["type"] == "too_many_requests"
    # Another key is counted on its own.
    assert httpx.get(f"{base_url}/api/v2/cases", headers=new_keys(db), timeout=30).status_code == 200


# -- the statement bound ----------------------------------------------------------------


def test_a_statement_past_the_bound_is_a_503_in_each_dialect_and_the_server_keeps_serving(
    db: Container, base_url: str
) -> None:
    message = f"the request took longer than the {BOUND_MS} ms bound and was stopped"
    keys = new_keys(db)
    datadog = httpx.get(f"{base_url}/api/v2/expensive", headers=keys, timeout=30)
    assert datadog.status_code == 503, datadog.text
    assert datadog.json() == {"errors": [message]}
    bearer = {"Authorization": f"Bearer {keys['DD-APPLICATION-KEY']}"}
    tines = httpx.get(f"{base_url}/api/v1/expensive", headers=bearer, timeout=30)
    assert tines.status_code == 503, tines.text
    assert tines.json() == {"error": {"type": "service_unavailable", "message": message, "field": None}}
    after = httpx.get(f"{base_url}/api/v2/cases", headers=new_keys(db), timeout=30)
    assert after.status_code == 200, after.text
    assert db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def test_a_write_stopped_by_the_bound_leaves_nothing_written(db: Container, base_url: str) -> None:
    keys = new_keys(db)
    with httpx.Client(base_url=base_url, headers=keys, timeout=30) as http:
        project_id = new_project(http)
        stopped = http.post(f"/api/v2/expensive-write/{project_id}")
        assert stopped.status_code == 503, stopped.text
    with db.engine.connect() as conn:
        name = conn.execute(
            select(t.projects.c.name).where(t.projects.c.id == uuid.UUID(project_id))
        ).scalar_one()
    assert name == "L"


def test_without_a_rate_limit_answers_carry_no_rate_limit_headers(client: httpx.Client) -> None:
    assert not [name for name in client.get("/api/v2/cases").headers if name.startswith("x-ratelimit")]


def test_the_bound_holds_only_for_requests(db: Container) -> None:
    with db.engine.connect() as conn:
        assert conn.execute(text(EXPENSIVE.replace("10000000", "300000"))).scalar_one() == 300000


@pytest.mark.postgresql  # the session's statement_timeout is PostgreSQL's
def test_one_pooled_connection_is_bounded_for_requests_and_unbounded_for_other_uses() -> None:
    """PostgreSQL keeps the bound on the session, so it outlives rolled-back transactions and
    the connection's return to the pool: each use must find the bound it carries."""
    with throwaway_database() as url:
        engine = build_engine(url, pool_size=1)  # one connection, served to every use in turn
        pooled = PooledConnections(engine)

        def in_request(sql: str, *, write: bool = False) -> str:
            request = RequestConnection(engine, write=write, statement_timeout_ms=BOUND_MS)
            try:
                with request.unit(write=write) as conn:
                    return str(conn.execute(text(sql)).scalar_one())
            finally:
                request.close()

        def request_bound(*, write: bool) -> str:
            return in_request("SHOW statement_timeout", write=write)

        def other_bound() -> str:
            with pooled.unit(write=False) as conn:
                return str(conn.execute(text("SHOW statement_timeout")).scalar_one())

        try:
            unbounded = other_bound()
            assert unbounded == "0"
            assert request_bound(write=False) == f"{BOUND_MS}ms"
            assert request_bound(write=False) == f"{BOUND_MS}ms"  # the read's rollback kept it
            assert other_bound() == unbounded
            assert request_bound(write=True) == f"{BOUND_MS}ms"
            with pytest.raises(TimedOut):
                in_request(EXPENSIVE)
            assert other_bound() == unbounded
            assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
        finally:
            engine.dispose()


# -- the case, query and body limits as set -----------------------------------------------


def test_the_attribute_and_tag_limits_are_the_settings(client: httpx.Client) -> None:
    case = client.post("/api/v2/cases", json=dd.create_body(new_project(client), "Limited"))
    assert case.status_code == 201, case.text
    url = f"/api/v2/cases/{case.json()['data']['id']}/attributes"
    three = {"data": {"type": "case", "attributes": {"attributes": {"a": ["1"], "b": ["2"], "c": ["3"]}}}}
    refused = client.post(url, json=three)
    assert refused.status_code == 400
    assert refused.json() == {"errors": ["/data/attributes/attributes: a case holds at most 2 attributes"]}
    two_tags = {"data": {"type": "case", "attributes": {"attributes": {"tags": ["x", "y"]}}}}
    assert client.post(url, json=two_tags).json() == {
        "errors": ["/data/attributes/attributes/tags: a case holds at most 1 tags"]
    }
    two = {"data": {"type": "case", "attributes": {"attributes": {"a": ["1"], "tags": ["x"], "b": ["2"]}}}}
    assert client.post(url, json=two).status_code == 200


def test_the_tines_metadata_limits_are_the_settings(client: httpx.Client) -> None:
    case = client.post("/api/v2/cases", json=dd.create_body(new_project(client), "Metadata"))
    assert case.status_code == 201, case.text
    url = f"/api/v1/cases/{case.json()['data']['attributes']['case_number']}/metadata"
    tines = {"Authorization": f"Bearer {client.headers['DD-APPLICATION-KEY']}"}
    for metadata, complaint in [
        ({"a": 1, "b": 2, "c": 3}, "metadata holds at most 2 keys"),
        ({"a": "x" * 30}, "longer than 20 characters as JSON"),
    ]:
        refused = client.post(url, json={"metadata": metadata}, headers=tines)
        assert refused.status_code == 400, refused.text
        assert refused.json()["error"]["field"] == "metadata"
        assert complaint in refused.text
    assert client.post(url, json={"metadata": {"a": 1, "b": "short"}}, headers=tines).status_code == 201
    assert client.post(url, json={"metadata": {"c": 3}}, headers=tines).status_code == 400  # three in all


@pytest.mark.parametrize(
    ("query", "complaint"),
    [("a OR b OR c OR d", "more than 3 terms"), ("*a* OR *b*", "more than 1 wildcard terms")],
)
def test_the_query_limits_are_the_settings(client: httpx.Client, query: str, complaint: str) -> None:
    refused = client.get("/api/v2/cases", params={"filter": query})
    assert refused.status_code == 400
    [message] = refused.json()["errors"]
    assert message.startswith(f'parameter "filter": the query has {complaint}')
    assert client.get("/api/v2/cases", params={"filter": "a OR *b* OR c"}).status_code == 200


def test_the_body_limit_is_the_setting(client: httpx.Client) -> None:
    body = dd.create_body(new_project(client), "Long", description="x" * 70_000)
    refused = client.post("/api/v2/cases", json=body)
    assert refused.status_code == 413
    assert refused.json() == {"errors": ["the request body is larger than the 65536 bytes allowed"]}
