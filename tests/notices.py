"""Notices, jobs and one-shot sends, for the channel tests and any test that needs a notice."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import aiohttp

from casedesk.adapters.outbound.client import OutboundClient
from casedesk.adapters.outbound.policy import AddressPolicy
from casedesk.domain.notifications.destinations import ChannelKind, Destination
from casedesk.domain.notifications.notices import Notice, NoticeReason, PageAction
from casedesk.domain.notifications.outcomes import Outcome
from casedesk.services.ports.channels import Job, Sender


def pd_key(prefix: str = "P") -> str:
    """A 32-character routing key (integration keys are; ruleset keys start with "R")."""
    return (prefix + uuid.uuid4().hex)[:32]


def case_subject(case_id: str, **changes: Any) -> dict[str, Any]:
    subject: dict[str, Any] = {
        "id": case_id,
        "key": "SEC-12",
        "number": 12,
        "title": "Disk full on db-1",
        "description": "The disk of **db-1** is full.\nSee [the runbook](https://runbooks.example/disk).",
        "status": "Open",
        "status_group": "open",
        "priority": "P2",
        "type": "Security",
        "project": {"id": str(uuid.uuid4()), "key": "SEC", "name": "Security"},
        "assignee": {"id": str(uuid.uuid4()), "name": "Ada Lovelace", "email": "ada@example.com"},
        "tags": ["env:prod"],
        "attributes": {},
        "created_at": "2026-12-01T15:00:00+00:00",
        "modified_at": "2026-12-01T15:00:00+00:00",
        "closed_at": None,
        "url": f"http://casedesk.example/cases/{case_id}",
    }
    subject.update(changes)
    return subject


def case_notice(
    case_id: str | None = None,
    *,
    event_kind: str = "case.created",
    headline: str = "Ada created SEC-12",
    change: dict[str, Any] | None = None,
    page: PageAction | None = None,
    body: str | None = None,
    title: str = "[SEC-12] Disk full on db-1",
    **subject: Any,
) -> Notice:
    case_id = case_id or str(uuid.uuid4())
    return Notice(
        event_id=str(uuid.uuid4()),
        event_kind=event_kind,
        subject_type="case",
        subject_id=case_id,
        occurred_at="2026-12-01T15:00:00+00:00",
        title=title,
        headline=headline,
        url=f"http://casedesk.example/cases/{case_id}",
        reason=NoticeReason.RULE,
        subject=case_subject(case_id, **subject),
        change=change or {},
        actor="Ada Lovelace",
        page=page,
        body=body,
    )


def incident_notice(incident_id: str | None = None, *, severity: str = "SEV-1", **changes: Any) -> Notice:
    incident_id = incident_id or str(uuid.uuid4())
    subject = {
        "id": incident_id,
        "public_id": 7,
        "title": "Checkout is down",
        "state": "active",
        "severity": severity,
        "commander": {"id": "u1", "name": "Grace Hopper", "email": "grace@example.com"},
        "customer_impacted": True,
        "fields": {},
        "url": f"http://casedesk.example/incidents/{incident_id}",
    }
    values: dict[str, Any] = {
        "event_id": str(uuid.uuid4()),
        "event_kind": "incident.created",
        "subject_type": "incident",
        "subject_id": incident_id,
        "occurred_at": "2026-12-01T15:00:00+00:00",
        "title": "[#7] Checkout is down",
        "headline": "Grace declared incident #7",
        "url": subject["url"],
        "reason": NoticeReason.INCIDENT_RULE,
        "subject": subject,
        "page": PageAction.TRIGGER,
    }
    values.update(changes)
    return Notice(**values)


def job(
    notice: Notice,
    kind: ChannelKind,
    name: str,
    *,
    config: Mapping[str, Any] | None = None,
    secrets: Mapping[str, str] | None = None,
    thread: Mapping[str, Any] | None = None,
) -> Job:
    destination = Destination(kind=kind, name=name, config=dict(config or {}), secrets=dict(secrets or {}))
    return Job(
        delivery_id=str(uuid.uuid4()), attempt=1, notice=notice, destination=destination, thread=thread or {}
    )


def deliver(make: Callable[[OutboundClient], Sender], one: Job, *, timeout: float = 5.0) -> Outcome:
    """Sends `one` as the worker would, with the guarded client allowing loopback."""

    async def go() -> Outcome:
        policy = AddressPolicy.from_text("127.0.0.0/8")
        async with OutboundClient(policy, timeout=aiohttp.ClientTimeout(total=timeout)) as client:
            return await make(client).send(one)

    return asyncio.run(go())
