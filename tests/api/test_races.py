"""Concurrent writers that collide get a clear 4xx, never a 500 or a duplicate."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.support import Server


def test_concurrent_projects_with_one_key_create_exactly_one(server: Server) -> None:
    key = "R" + uuid.uuid4().hex[:6].upper()
    headers = {"DD-API-KEY": server.admin.api_key, "DD-APPLICATION-KEY": server.admin.app_key}
    body = {"data": {"type": "project", "attributes": {"name": "Race", "key": key}}}

    def create(_: int) -> int:
        with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
            return client.post("/api/v2/cases/projects", json=body).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(create, range(8)))

    assert statuses.count(201) == 1, statuses
    assert set(statuses) <= {201, 400, 409}, statuses
    with httpx.Client(base_url=server.url, headers=headers) as client:
        keys = [p["attributes"]["key"] for p in client.get("/api/v2/cases/projects").json()["data"]]
    assert keys.count(key) == 1
