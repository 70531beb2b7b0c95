"""Many more concurrent requests, to both dialects, than the pool has connections and the server has worker
threads: each request holds one connection from authentication to the end of its route,
across worker threads, so requests must wait for a connection on the event loop, never in a
worker thread (where they would starve the requests holding the connections of threads)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi import FastAPI
from starlette.routing import Mount

from casedesk.bootstrap import Container, bootstrap
from casedesk.config import Settings
from casedesk.domain import users as uc
from casedesk.domain.users import IssuedKeys, Principal
from casedesk.domain.vocab import Scope
from casedesk.entrypoints.http.app import create_app
from tests.api import dd
from tests.support import serving_in_thread, throwaway_database

# More than the thread pool's 40 workers plus the pool's one connection.
CONCURRENT = 60


@pytest.fixture(scope="module")
def one_connection() -> Iterator[Container]:
    with throwaway_database() as url:
        container = bootstrap(Settings(database_url=url, db_pool_size=1), migrate=True)
        try:
            yield container
        finally:
            container.close()


@pytest.fixture(scope="module")
def base_url(one_connection: Container) -> Iterator[str]:
    with serving_in_thread(create_app(one_connection)) as url:
        yield url


def test_requests_beyond_the_pool_and_the_threads_all_get_answered(
    one_connection: Container, base_url: str
) -> None:
    db = one_connection
    db.bus.handle(uc.CreateUser(email="many@example.com", name="Many"), Principal.operator())
    keys: IssuedKeys = db.bus.handle(
        uc.CreateKeys(user_email="many@example.com", scopes=Scope.all()), Principal.operator()
    )
    headers = {"DD-API-KEY": keys.api_key, "DD-APPLICATION-KEY": keys.app_key}
    with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
        answer = client.post(
            "/api/v2/cases/projects",
            json={"data": {"type": "project", "attributes": {"name": "M", "key": "MANY"}}},
        )
        assert answer.status_code == 201, answer.text
        project_id = answer.json()["data"]["id"]
    body = dd.create_request(project_id, "Crowded").to_dict()
    barrier = threading.Barrier(CONCURRENT)

    def send(n: int) -> int:
        # Short timeout: a starved server answers nothing until the pool's 30 s timeout.
        with httpx.Client(base_url=base_url, headers=headers, timeout=20) as client:
            barrier.wait()
            if n % 3 == 1:
                return client.post("/api/v2/cases", json=body).status_code
            if n % 3 == 2:
                # The other dialect shares the same pool, so it must queue at the same gate.
                tines = {"Authorization": f"Bearer {keys.app_key}"}
                return client.get("/api/v1/cases", headers=tines).status_code
            return client.get("/api/v2/cases", params={"filter": "crowded"}).status_code

    with ThreadPoolExecutor(CONCURRENT) as pool:
        statuses = list(pool.map(send, range(CONCURRENT)))
    assert sorted(set(statuses)) == [200, 201]
    assert db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def test_every_dialect_queues_at_the_one_gate_of_the_pool(one_connection: Container) -> None:
    # Each dialect is its own mounted application; one gate each would let twice as many
    # requests as the pool has connections hold one.
    app = create_app(one_connection)
    gates = {
        id(route.app.state.request_slots)
        for route in app.routes
        if isinstance(route, Mount) and isinstance(route.app, FastAPI)
    }
    assert len(gates) == 1
