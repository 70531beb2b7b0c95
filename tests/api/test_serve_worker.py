"""`casedesk serve` runs a delivery worker in its own process: what a change records in the
outbox is fanned out without any other command running (with no notification configured,
the event calls for no delivery, and its outbox row is done)."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
from sqlalchemy import select

from casedesk.adapters.db.schema import core as t
from casedesk.bootstrap import Container
from tests.api import dd


def outbox_states(container: Container, case_id: str) -> set[str]:
    with container.engine.connect() as conn:
        found = conn.execute(select(t.outbox.c.state).where(t.outbox.c.subject_id == uuid.UUID(case_id)))
        return set(found.scalars())


def test_the_served_worker_fans_out_what_a_change_recorded(
    http: httpx.Client, container: Container, project: dict[str, Any]
) -> None:
    body = {
        "data": {
            "type": "case",
            "attributes": {"title": "Disk full", "type_id": dd.STANDARD},
            "relationships": {"project": {"data": {"id": project["id"], "type": "project"}}},
        }
    }
    created = http.post("/api/v2/cases", json=body)
    assert created.status_code == 201, created.text
    case_id = created.json()["data"]["id"]
    deadline = time.monotonic() + 20
    while outbox_states(container, case_id) != {"done"}:
        assert time.monotonic() < deadline, outbox_states(container, case_id)
        time.sleep(0.05)
