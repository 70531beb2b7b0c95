"""A Teams Workflows webhook ("When a Teams webhook request is received").

`POST /workflows/{id}/triggers/manual/paths/invoke?…&sig=…`: 404 for an unknown workflow,
401 for a wrong `sig`, 400 for a body that is not the message envelope around an Adaptive
Card, 429 above 4 requests per second per workflow, else 202 with an empty body. Then the
flow "runs" and fails where Teams would (envelope over 28 KB, card version above 1.5, an
element type Teams does not render) — visible only in the runs' read-back, never to the
sender.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.receivers.base import Buckets, Fake, retry_after_header

CARD_TYPE = "application/vnd.microsoft.card.adaptive"
MESSAGE_MAX = 28 * 1024
ELEMENTS = frozenset(
    {
        "TextBlock",
        "FactSet",
        "ColumnSet",
        "Column",
        "Container",
        "Image",
        "ImageSet",
        "ActionSet",
        "RichTextBlock",
    }
)
ACTIONS = frozenset({"Action.OpenUrl", "Action.ShowCard", "Action.ToggleVisibility"})


@dataclass
class Run:
    workflow: str
    status: str  # "succeeded" or "failed"
    reason: str
    card: dict[str, Any]
    size: int


class FakeTeams(Fake):
    def __init__(self) -> None:
        super().__init__()
        self.base_url = ""
        self._reset()

    def _reset(self) -> None:
        self.workflows: dict[str, str] = {}  # id → sig
        self.runs: list[Run] = []
        self.limiter = Buckets(rate=4.0, burst=4, clock=lambda: self.clock())

    def add_workflow(self) -> str:
        """A new workflow; returns its URL (the sig in it is the secret)."""
        workflow, sig = secrets.token_hex(8), secrets.token_urlsafe(16)
        with self.lock:
            self.workflows[workflow] = sig
        return (
            f"{self.base_url}/workflows/{workflow}/triggers/manual/paths/invoke"
            f"?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={sig}"
        )

    def runs_of(self, url: str) -> list[Run]:
        workflow = url.split("/workflows/")[1].split("/")[0]
        with self.lock:
            return [r for r in self.runs if r.workflow == workflow]

    def read_back(self) -> dict[str, Any]:
        return {
            "runs": [
                {
                    "workflow": r.workflow,
                    "status": r.status,
                    "reason": r.reason,
                    "size": r.size,
                    "card": r.card,
                }
                for r in self.runs
            ]
        }

    def routes(self) -> list[Route]:
        async def runs(request: Request) -> Response:
            with self.lock:
                return JSONResponse(self.read_back()["runs"])

        return [
            Route("/workflows/{workflow}/{rest:path}", self._invoke, methods=["POST"]),
            Route("/_fake/runs", runs, methods=["GET"]),
        ]

    async def _invoke(self, request: Request) -> Response:
        workflow = request.path_params["workflow"]
        raw = await request.body()
        self.record(request, workflow, raw)
        scripted = await self.answer_scripted(workflow)
        if scripted is not None:
            return scripted
        with self.lock:
            if workflow not in self.workflows:
                return _error(404, "WorkflowNotFound", "The workflow could not be found.")
            if request.query_params.get("sig") != self.workflows[workflow]:
                return _error(401, "DirectApiAuthorizationRequired", "The request must be authenticated.")
            wait = self.limiter.take(workflow)
            if wait is not None:
                return Response(status_code=429, headers=retry_after_header(wait))
            try:
                envelope = json.loads(raw)
            except ValueError:
                return _error(400, "InvalidRequestContent", "The request content is not valid JSON.")
            card = _card(envelope)
            if card is None:
                return _error(
                    400, "InvalidTemplate", "The body is not a message with an Adaptive Card attachment."
                )
            self.runs.append(_run(workflow, card, len(raw)))
        return Response(status_code=202)


def _card(envelope: Any) -> dict[str, Any] | None:
    if not isinstance(envelope, dict) or envelope.get("type") != "message":
        return None
    attachments = envelope.get("attachments")
    if not isinstance(attachments, list) or not attachments or not isinstance(attachments[0], dict):
        return None
    first = attachments[0]
    content = first.get("content")
    if first.get("contentType") != CARD_TYPE or not isinstance(content, dict):
        return None
    return content if content.get("type") == "AdaptiveCard" else None


def _run(workflow: str, card: dict[str, Any], size: int) -> Run:
    if size > MESSAGE_MAX:
        return Run(workflow, "failed", f"message of {size} bytes exceeds {MESSAGE_MAX}", card, size)
    version = str(card.get("version", ""))
    try:
        major, minor = (int(part) for part in version.split("."))
    except ValueError:
        return Run(workflow, "failed", f"unreadable card version {version!r}", card, size)
    if (major, minor) > (1, 5):
        return Run(workflow, "failed", f"card version {version} is above 1.5", card, size)
    unknown = _unknown_types(card.get("body") or [], ELEMENTS) + _unknown_types(
        card.get("actions") or [], ACTIONS
    )
    if unknown:
        return Run(workflow, "failed", f"unknown element types {sorted(set(unknown))}", card, size)
    return Run(workflow, "succeeded", "posted", card, size)


def _unknown_types(items: list[Any], allowed: frozenset[str]) -> list[str]:
    unknown: list[str] = []
    for item in items:
        if not isinstance(item, dict):
            unknown.append(repr(item))
            continue
        if item.get("type") not in allowed:
            unknown.append(str(item.get("type")))
        for member in ("items", "columns"):
            unknown += _unknown_types(item.get(member) or [], ELEMENTS)
    return unknown


def _error(status: int, code: str, message: str) -> Response:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)
