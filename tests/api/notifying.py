"""A casedesk server whose worker sends to the suite's fake receivers: Slack's and
PagerDuty's URLs and the SMTP relay are settings of the server process, so a server of
its own is started with them (`running_server(..., extra_env)`). What the end-to-end tests
of every channel share: that server, the steps a user takes, and polling with a deadline."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from casedesk.bootstrap import Container
from casedesk.services.ports.deliveries import DeliveryView
from tests.api import dd
from tests.receivers.smtp import Received, SmtpReceiver
from tests.support import Server

T = TypeVar("T")
RULES = "/api/v2/cases/projects/{}/notification_rules"


def vendor_env(slack_url: str, pagerduty_url: str, smtp: SmtpReceiver) -> dict[str, str]:
    """The settings that point a server at the fakes, with no rate limits to wait out."""
    return {
        "CASEDESK_SLACK_API_URL": f"{slack_url}/api",
        "CASEDESK_PAGERDUTY_EVENTS_URL": f"{pagerduty_url}/v2/enqueue",
        "CASEDESK_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}",
        "CASEDESK_MAIL_FROM": "casedesk@example.com",
        "CASEDESK_DELIVERY_RATE_LIMITS": "slack=0,teams=0,pagerduty=0",
        "CASEDESK_WORKER_POLL_MS": "20",
    }


@dataclass
class Notifying:
    """The server, raw HTTP to it as its admin, the mail relay it submits to, and direct
    access to its database (to poll the delivery log without a process per look)."""

    server: Server
    http: httpx.Client
    smtp: SmtpReceiver
    container: Container

    def project(self, **attributes: Any) -> dict[str, Any]:
        key = "E" + uuid.uuid4().hex[:7].upper()
        body = {"data": {"type": "project", "attributes": {"name": "Ops", "key": key, **attributes}}}
        made = self.http.post("/api/v2/cases/projects", json=body)
        assert made.status_code == 201, made.text
        return dict(made.json()["data"])

    def rule(self, project: dict[str, Any], recipient: dict[str, Any], *triggers: dict[str, Any]) -> None:
        made = self.http.post(RULES.format(project["id"]), json=rule_body(recipient, *triggers))
        assert made.status_code == 201, made.text

    def case(self, project: dict[str, Any], title: str, client: httpx.Client | None = None) -> dict[str, Any]:
        body = dd.create_body(project["id"], title, priority="P2")
        created = (client or self.http).post("/api/v2/cases", json=body)
        assert created.status_code == 201, created.text
        return dict(created.json()["data"])

    def act(
        self, case: dict[str, Any], suffix: str, client: httpx.Client | None = None, **attributes: Any
    ) -> None:
        body = {"data": {"type": "case", "attributes": attributes}}
        done = (client or self.http).post(f"/api/v2/cases/{case['id']}{suffix}", json=body)
        assert done.status_code in (200, 201), done.text

    def settled(self, key: str, count: int, state: str = "delivered") -> list[DeliveryView]:
        """The case's deliveries once there are `count`, every one in `state`."""
        return eventually(
            lambda: self.container.deliveries.deliveries(case=key),
            lambda ds: len(ds) == count and all(d.state.value == state for d in ds),
        )

    def deliveries(self, *args: str) -> list[dict[str, Any]]:
        listed = self.server.cli("deliveries", "list", *args, "--json")
        assert listed.returncode == 0, listed.stderr
        return list(json.loads(listed.stdout))

    def delivery(self, delivery_id: str) -> dict[str, Any]:
        shown = self.server.cli("deliveries", "show", delivery_id, "--json")
        assert shown.returncode == 0, shown.stderr
        return dict(json.loads(shown.stdout))

    def mails_about(self, key: str) -> list[Received]:
        return [r for r in list(self.smtp.received) if r.message["X-Casedesk-Case"] == key]


def rule_body(recipient: dict[str, Any], *triggers: dict[str, Any]) -> dict[str, Any]:
    attributes = {
        "is_enabled": True,
        "query": "",
        "recipients": [recipient],
        "triggers": list(triggers) or [{"type": "CASE_CREATED"}],
    }
    return {"data": {"type": "notification_rule", "attributes": attributes}}


EVERY_CHANGE = (
    {"type": "CASE_CREATED"},
    {"type": "STATUS_TRANSITIONED", "data": {}},
    {"type": "ATTRIBUTE_VALUE_CHANGED", "data": {"field": "priority"}},
)


def eventually(read: Callable[[], T], holds: Callable[[T], bool], timeout: float = 20.0) -> T:
    """Reads until what is read holds (a bound, not a timing assertion); answers the last read."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if holds(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met in time; last read: {value!r}")
        time.sleep(0.02)
