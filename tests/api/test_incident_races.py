"""Concurrent incident creates never hand out the same public id."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.api import incidents_dd as idd
from tests.support import Server

WRITERS = 8
PER_WRITER = 5


def test_concurrent_creates_get_distinct_increasing_public_ids(server: Server) -> None:
    headers = {"DD-API-KEY": server.admin.api_key, "DD-APPLICATION-KEY": server.admin.app_key}

    def create_many(writer: int) -> list[int]:
        ids = []
        with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
            for n in range(PER_WRITER):
                response = client.post("/api/v2/incidents", json=idd.create_body(f"Race {writer}.{n}"))
                assert response.status_code == 201, response.text
                ids.append(int(response.json()["data"]["attributes"]["public_id"]))
        return ids

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        per_writer = list(pool.map(create_many, range(WRITERS)))

    every = [public_id for ids in per_writer for public_id in ids]
    assert len(set(every)) == WRITERS * PER_WRITER, sorted(every)
    # Each writer's own creates are sequential, so its ids increase.
    assert all(ids == sorted(ids) for ids in per_writer)
