"""A Slack Web API receiver: chat.postMessage and chat.update as Slack answers them.

HTTP 200 with `ok: false` for every failure but rate limiting (429, Retry-After and
`ratelimited`); a bot token in `Authorization: Bearer` (`not_authed`, `invalid_auth`);
Block Kit limits (`invalid_blocks`, `msg_blocks_too_long`); a `ts` minted per channel;
`thread_ts` must name a root of that channel; chat.update takes the channel's id and must
find the message (`message_not_found`); posting is limited per channel (1/s with a burst).
Read-back: channels → roots → replies, and every root's edit history.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.receivers.base import Buckets, Fake, retry_after_header

BLOCK_TYPES = frozenset(
    {"section", "header", "context", "divider", "actions", "image", "markdown", "rich_text"}
)
# Slack refuses blocks holding more than about this many characters in all (slackapi/bolt-js#2509).
BLOCKS_TEXT_MAX = 13_200


@dataclass
class Message:
    ts: str
    body: dict[str, Any]
    thread_ts: str | None = None
    replies: list[Message] = field(default_factory=list)
    edits: list[dict[str, Any]] = field(default_factory=list)  # earlier bodies, oldest first

    @property
    def text(self) -> str:
        """Everything the message shows, as one string (text and every block's text)."""
        return str(self.body.get("text", "")) + "\n" + _all_text(self.body.get("blocks") or [])

    def as_json(self) -> dict[str, Any]:
        return {
            "ts": self.ts,
            "thread_ts": self.thread_ts,
            "body": self.body,
            "edits": self.edits,
            "replies": [r.as_json() for r in self.replies],
        }


@dataclass
class Channel:
    id: str
    name: str
    counter: int = 0
    messages: dict[str, Message] = field(default_factory=dict)

    @property
    def roots(self) -> list[Message]:
        return [m for m in self.messages.values() if m.thread_ts is None]

    def mint(self) -> str:
        self.counter += 1
        return f"{1_700_000_000 + self.counter}.{self.counter:06d}"


class FakeSlack(Fake):
    def __init__(self) -> None:
        super().__init__()
        self._reset()

    def _reset(self) -> None:
        self.tokens: set[str] = set()
        self.channels: dict[str, Channel] = {}
        self.limiter = Buckets(rate=1.0, burst=20, clock=lambda: self.clock())

    def add_token(self, token: str) -> str:
        with self.lock:
            self.tokens.add(token)
        return token

    def add_channel(self, name: str) -> str:
        """Creates a channel; returns its id."""
        with self.lock:
            channel = Channel(id=f"C{len(self.channels) + 1:08d}", name=name)
            self.channels[channel.id] = channel
            return channel.id

    def limit(self, *, rate: float = 1.0, burst: float = 1) -> None:
        with self.lock:
            self.limiter = Buckets(rate=rate, burst=burst, clock=lambda: self.clock())

    def channel(self, name_or_id: str) -> Channel:
        found = self._find(name_or_id)
        if found is None:
            raise KeyError(name_or_id)
        return found

    def delete(self, channel: str, ts: str) -> None:
        """Deletes a message (and its replies) as a user would."""
        with self.lock:
            found = self.channel(channel)
            for reply in found.messages[ts].replies:
                found.messages.pop(reply.ts, None)
            del found.messages[ts]

    def _find(self, name_or_id: str) -> Channel | None:
        key = name_or_id.lstrip("#")
        if key in self.channels:
            return self.channels[key]
        return next((c for c in self.channels.values() if c.name == key), None)

    def read_back(self) -> dict[str, Any]:
        return {
            "channels": [
                {"id": c.id, "name": c.name, "roots": [m.as_json() for m in c.roots]}
                for c in self.channels.values()
            ]
        }

    def routes(self) -> list[Route]:
        return [
            Route("/api/chat.postMessage", self._endpoint("chat.postMessage"), methods=["POST"]),
            Route("/api/chat.update", self._endpoint("chat.update"), methods=["POST"]),
            Route("/_fake/messages", self._messages, methods=["GET"]),
        ]

    async def _messages(self, request: Request) -> Response:
        wanted = request.query_params.get("channel")
        with self.lock:
            data = self.read_back()["channels"]
        return JSONResponse([c for c in data if wanted in (None, c["id"], c["name"])])

    def _endpoint(self, method: str) -> Any:
        async def handle(request: Request) -> Response:
            raw = await request.body()
            self.record(request, method, raw)
            scripted = await self.answer_scripted(method)
            if scripted is not None:
                return scripted
            with self.lock:
                return self._handle(method, request, raw)

        return handle

    def _handle(self, method: str, request: Request, raw: bytes) -> Response:
        auth = request.headers.get("authorization", "")
        if not auth.startswith("Bearer "):
            return _error("not_authed")
        if auth.removeprefix("Bearer ") not in self.tokens:
            return _error("invalid_auth")
        try:
            body = json.loads(raw)
        except ValueError:
            return _error("invalid_json")
        if not isinstance(body, dict):
            return _error("invalid_arguments")
        problem = _check_content(body)
        if problem is not None:
            return problem
        if method == "chat.update":
            return self._update(body)
        return self._post(body)

    def _post(self, body: dict[str, Any]) -> Response:
        channel = self._find(str(body.get("channel") or ""))
        if channel is None:
            return _error("channel_not_found")
        wait = self.limiter.take(channel.id)
        if wait is not None:
            return JSONResponse(
                {"ok": False, "error": "ratelimited"}, status_code=429, headers=retry_after_header(wait)
            )
        thread_ts = body.get("thread_ts")
        parent = None
        if thread_ts is not None:
            parent = channel.messages.get(str(thread_ts))
            if parent is None:
                return _error("thread_not_found")
            if parent.thread_ts is not None:
                return _error("cannot_reply_to_message")
        message = Message(ts=channel.mint(), body=body, thread_ts=None if parent is None else parent.ts)
        channel.messages[message.ts] = message
        if parent is not None:
            parent.replies.append(message)
        return JSONResponse({"ok": True, "channel": channel.id, "ts": message.ts, "message": _shown(message)})

    def _update(self, body: dict[str, Any]) -> Response:
        channel = self.channels.get(str(body.get("channel") or ""))
        if channel is None:
            return _error("channel_not_found")
        message = channel.messages.get(str(body.get("ts") or ""))
        if message is None:
            return _error("message_not_found")
        if len(str(body.get("text") or "")) > 4000:
            return _error("msg_too_long")
        message.edits.append(message.body)
        message.body = {**body, "thread_ts": message.thread_ts}
        return JSONResponse(
            {"ok": True, "channel": channel.id, "ts": message.ts, "text": body.get("text", "")}
        )


def _check_content(body: dict[str, Any]) -> Response | None:
    metadata = body.get("metadata")
    if metadata is not None and (
        not isinstance(metadata, dict)
        or not isinstance(metadata.get("event_type"), str)
        or not isinstance(metadata.get("event_payload"), dict)
    ):
        return _error("invalid_metadata_format")
    blocks = body.get("blocks")
    if not body.get("text") and not blocks:
        return _error("no_text")
    if blocks is None:
        return None
    if not isinstance(blocks, list) or len(blocks) > 50:
        return _error("invalid_blocks", "must provide an array of at most 50 blocks")
    for index, block in enumerate(blocks):
        problem = _block_problem(block)
        if problem:
            return _error("invalid_blocks", f"[ERROR] {problem} [json-pointer:/blocks/{index}]")
    if len(_all_text(blocks)) > BLOCKS_TEXT_MAX:
        return _error("msg_blocks_too_long")
    return None


def _block_problem(block: Any) -> str | None:
    if not isinstance(block, dict) or block.get("type") not in BLOCK_TYPES:
        return "unknown block type"
    kind = block["type"]
    text: dict[str, Any] = block["text"] if isinstance(block.get("text"), dict) else {}
    if kind == "header" and (text.get("type") != "plain_text" or len(text.get("text", "")) > 150):
        return "header text must be plain_text of at most 150 characters"
    if kind == "section":
        fields = block.get("fields") or []
        if not text and not fields:
            return "a section needs text or fields"
        if len(text.get("text", "")) > 3000:
            return "must be less than 3001 characters"
        if len(fields) > 10 or any(len(f.get("text", "")) > 2000 for f in fields):
            return "at most 10 fields of at most 2000 characters"
    if kind == "context" and not 0 < len(block.get("elements") or []) <= 10:
        return "a context block holds 1 to 10 elements"
    return None


def _all_text(blocks: list[Any]) -> str:
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("text"), str):
                found.append(value["text"])
            for item in value.values():
                if isinstance(item, dict | list):
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(blocks)
    return "\n".join(found)


def _shown(message: Message) -> dict[str, Any]:
    return {
        "type": "message",
        "ts": message.ts,
        "text": message.body.get("text", ""),
        "thread_ts": message.thread_ts,
    }


def _error(code: str, detail: str | None = None) -> Response:
    body: dict[str, Any] = {"ok": False, "error": code}
    if detail:
        body["response_metadata"] = {"messages": [detail]}
    return JSONResponse(body)
