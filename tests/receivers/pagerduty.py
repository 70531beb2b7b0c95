"""A PagerDuty Events API v2 receiver.

`POST /v2/enqueue`: bodies over 512 KB and events that break the schema (routing_key of
32 characters, event_action, dedup_key up to 255 and required for acknowledge/resolve, a
trigger's payload with summary up to 1,024, source and severity) are 400
`invalid event` with `errors[]`; more than `per_minute` events for one routing key in 60 s
are 429; else 202 with the dedup_key (a new one when none was given). Alerts keep their
state per (routing_key, dedup_key): a trigger opens one or adds to the open one, acknowledge
and resolve change the open one, and without an open alert they are dropped (still 202).
`POST /v2/change/enqueue` records change events (not for ruleset keys, "R…").
"""

from __future__ import annotations

import json
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.receivers.base import Fake

BODY_MAX = 512 * 1024
SEVERITIES = ("critical", "error", "warning", "info")
ACTIONS = ("trigger", "acknowledge", "resolve")


@dataclass
class Alert:
    routing_key: str
    dedup_key: str
    status: str  # "triggered", "acknowledged", "resolved"
    summary: str
    severity: str
    events: list[dict[str, Any]] = field(default_factory=list)

    def actions(self) -> list[str]:
        return [e["event_action"] for e in self.events]


class FakePagerDuty(Fake):
    def __init__(self) -> None:
        super().__init__()
        self._reset()

    def _reset(self) -> None:
        self.alerts: list[Alert] = []
        self.dropped: list[dict[str, Any]] = []
        self.changes: list[dict[str, Any]] = []
        self.per_minute = 120
        self._seen: dict[str, deque[float]] = {}

    def alerts_for(self, dedup_key: str) -> list[Alert]:
        with self.lock:
            return [a for a in self.alerts if a.dedup_key == dedup_key]

    def read_back(self) -> dict[str, Any]:
        return {
            "alerts": [
                {"dedup_key": a.dedup_key, "status": a.status, "summary": a.summary, "actions": a.actions()}
                for a in self.alerts
            ],
            "dropped": self.dropped,
            "changes": self.changes,
        }

    def routes(self) -> list[Route]:
        async def alerts(request: Request) -> Response:
            with self.lock:
                return JSONResponse(self.read_back())

        return [
            Route("/v2/enqueue", self._endpoint("enqueue"), methods=["POST"]),
            Route("/v2/change/enqueue", self._endpoint("change"), methods=["POST"]),
            Route("/_fake/alerts", alerts, methods=["GET"]),
        ]

    def _endpoint(self, route: str) -> Any:
        async def handle(request: Request) -> Response:
            raw = await request.body()
            self.record(request, route, raw)
            scripted = await self.answer_scripted(route)
            if scripted is not None:
                return scripted
            with self.lock:
                return self._handle(route, raw)

        return handle

    def _handle(self, route: str, raw: bytes) -> Response:
        if len(raw) > BODY_MAX:
            return _invalid([f"request body of {len(raw)} bytes exceeds {BODY_MAX}"])
        try:
            event = json.loads(raw)
        except ValueError:
            return _invalid(["body is not valid JSON"])
        if not isinstance(event, dict):
            return _invalid(["event must be an object"])
        errors = _change_errors(event) if route == "change" else _alert_errors(event)
        if errors:
            return _invalid(errors)
        if self._throttled(str(event["routing_key"])):
            return JSONResponse(
                {
                    "status": "throttle event",
                    "message": "Requests for this service are arriving too quickly.",
                },
                status_code=429,
            )
        if route == "change":
            self.changes.append(event)
            return JSONResponse({"status": "success", "message": "Change event processed"}, status_code=202)
        key = str(event.get("dedup_key") or uuid.uuid4().hex)
        self._apply({**event, "dedup_key": key})
        return JSONResponse(
            {"status": "success", "message": "Event processed", "dedup_key": key}, status_code=202
        )

    def _throttled(self, routing_key: str) -> bool:
        now = self.clock()
        seen = self._seen.setdefault(routing_key, deque())
        while seen and seen[0] <= now - 60:
            seen.popleft()
        if len(seen) >= self.per_minute:
            return True
        seen.append(now)
        return False

    def _apply(self, event: dict[str, Any]) -> None:
        routing_key, dedup_key, action = event["routing_key"], event["dedup_key"], event["event_action"]
        open_alert = next(
            (
                a
                for a in self.alerts
                if (a.routing_key, a.dedup_key) == (routing_key, dedup_key) and a.status != "resolved"
            ),
            None,
        )
        if action == "trigger":
            if open_alert is None:
                payload = event["payload"]
                open_alert = Alert(
                    routing_key, dedup_key, "triggered", payload["summary"], payload["severity"]
                )
                self.alerts.append(open_alert)
            open_alert.events.append(event)
        elif open_alert is None:
            self.dropped.append(event)
        else:
            open_alert.status = "acknowledged" if action == "acknowledge" else "resolved"
            open_alert.events.append(event)


def _alert_errors(event: dict[str, Any]) -> list[str]:
    errors = _routing_key_errors(event)
    action = event.get("event_action")
    if action not in ACTIONS:
        errors.append(f"'event_action' must be one of {', '.join(ACTIONS)}")
    dedup = event.get("dedup_key")
    if dedup is not None and (not isinstance(dedup, str) or len(dedup) > 255):
        errors.append("'dedup_key' must be a string of at most 255 characters")
    if action in ("acknowledge", "resolve") and not dedup:
        errors.append("'dedup_key' is required for acknowledge and resolve")
    if action == "trigger":
        errors += _payload_errors(event.get("payload"), trigger=True)
    errors += _link_errors(event)
    return errors


def _change_errors(event: dict[str, Any]) -> list[str]:
    errors = _routing_key_errors(event)
    if str(event.get("routing_key", "")).startswith("R"):
        errors.append("change events are not accepted by ruleset routing keys")
    return errors + _payload_errors(event.get("payload"), trigger=False) + _link_errors(event)


def _routing_key_errors(event: dict[str, Any]) -> list[str]:
    key = event.get("routing_key")
    if not isinstance(key, str) or len(key) != 32:
        return ["'routing_key' must be a 32 character integration key"]
    return []


def _payload_errors(payload: Any, *, trigger: bool) -> list[str]:
    if not isinstance(payload, dict):
        return ["'payload' is required"]
    errors = []
    summary = payload.get("summary")
    if not isinstance(summary, str) or not summary or len(summary) > 1024:
        errors.append("'payload.summary' is required, at most 1024 characters")
    if trigger and not payload.get("source"):
        errors.append("'payload.source' is required")
    if trigger and payload.get("severity") not in SEVERITIES:
        errors.append(f"'payload.severity' must be one of {', '.join(SEVERITIES)}")
    if payload.get("timestamp") is not None:
        try:
            datetime.fromisoformat(str(payload["timestamp"]))
        except ValueError:
            errors.append("'payload.timestamp' must be ISO 8601")
    if "custom_details" in payload and not isinstance(payload["custom_details"], dict | str):
        errors.append("'payload.custom_details' must be an object")
    return errors


def _link_errors(event: dict[str, Any]) -> list[str]:
    links = event.get("links") or []
    if not isinstance(links, list) or any(
        not isinstance(link, dict) or not link.get("href") for link in links
    ):
        return ["'links' items need an 'href'"]
    return []


def _invalid(errors: list[str]) -> Response:
    body = {"status": "invalid event", "message": "Event object is invalid", "errors": errors}
    return JSONResponse(body, status_code=400)
