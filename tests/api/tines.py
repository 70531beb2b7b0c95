"""Helpers for driving the Tines dialect over real HTTP, as Tines clients do."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from tests.conftest import unique_key
from tests.support import Keys, Server


@contextmanager
def client(server: Server, keys: Keys | None = None, **headers: str) -> Iterator[httpx.Client]:
    """A client authenticating with `Authorization: Bearer <application key>`."""
    token = (keys or server.admin).app_key
    with httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {token}", **headers}, timeout=30
    ) as tines:
        yield tines


def new_team(http: httpx.Client, tines: httpx.Client, name: str = "Team 1") -> dict[str, Any]:
    """A new project (made over the Datadog dialect), as the Tines team it appears as."""
    key = unique_key()
    body = {"data": {"type": "project", "attributes": {"name": name, "key": key}}}
    response = http.post("/api/v2/cases/projects", json=body)
    assert response.status_code == 201, response.text
    teams = tines.get("/api/v1/teams").json()["teams"]
    return next(t for t in teams if t["key"] == key)


def create(
    tines: httpx.Client, team: dict[str, Any], name: str = "Disk full", **fields: Any
) -> dict[str, Any]:
    response = tines.post("/api/v1/cases", json={"team_id": team["id"], "name": name, **fields})
    assert response.status_code == 201, response.text
    return dict(response.json())


def error(response: httpx.Response, status: int) -> dict[str, Any]:
    """The Tines error body of a response that must have `status`."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"type", "message", "field"} <= set(body["error"]), body
    return dict(body["error"])


def actions(case: dict[str, Any]) -> list[str]:
    return [a["action"] for a in case["team_case_actions"]]
