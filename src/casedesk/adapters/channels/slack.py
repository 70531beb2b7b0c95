"""Slack through the Web API: one thread per subject and destination.

The first notice posts the thread's root (chat.postMessage) and leaves its channel id and
`ts` as the delivery's refs. Every later notice is a reply in that thread (thread_ts; also
shown in the channel when it closes the subject or raises its priority), and the root is
then rewritten to show the subject as it stands (chat.update). The reply is the delivery:
its answer decides the outcome. The root's update is best effort, because only the newest
state matters and the next notice rewrites it anyway; when it fails, the outcome is still
delivered and its snippet says why the root is stale. A root that is gone (deleted message,
thread not found) is replaced by a new root, whose refs then replace the old ones.

Slack answers HTTP 200 with `ok: false` for most failures: the error code decides (the
transient ones below; every other code is permanent). HTTP 429 carries Retry-After.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from casedesk.adapters.channels import slack_blocks, transport
from casedesk.adapters.channels.facts import is_closing, priority_raised
from casedesk.adapters.outbound.client import OutboundClient, Response
from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.domain.notifications.outcomes import Outcome, Result, http_result
from casedesk.services.ports.channels import Job

DEFAULT_API_URL = "https://slack.com/api"
TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
# The thread's root no longer exists: start a new thread instead.
ROOT_GONE = frozenset({"message_not_found", "thread_not_found"})


@dataclass(frozen=True)
class _Answer:
    """One Web API call's result: the outcome it means, and the body when ok is true."""

    outcome: Outcome
    body: Mapping[str, Any]

    @property
    def ok(self) -> bool:
        return self.outcome.result is Result.DELIVERED

    @property
    def error(self) -> str | None:
        return self.outcome.error


class SlackSender:
    """Implements `Sender` for `ChannelKind.SLACK` destinations."""

    kind = ChannelKind.SLACK

    def __init__(self, client: OutboundClient, api_url: str = DEFAULT_API_URL) -> None:
        self._client = client
        self._api_url = api_url.rstrip("/")

    async def send(self, job: Job) -> Outcome:
        token = job.destination.secrets.get("token")
        if not token:
            return Outcome(
                Result.PERMANENT, error="missing_token", snippet="the Slack account has no bot token"
            )
        channel = str(job.thread.get("channel") or _channel(job))
        if not channel:
            return Outcome(
                Result.PERMANENT, error="missing_channel", snippet="the destination names no channel"
            )
        ts = job.thread.get("ts")
        if not ts:
            return await self._post_root(token, channel, job, note="")
        return await self._reply(token, channel, str(ts), job)

    async def _reply(self, token: str, channel: str, ts: str, job: Job) -> Outcome:
        notice = job.notice
        body = {
            "channel": channel,
            "thread_ts": ts,
            "reply_broadcast": is_closing(notice) or priority_raised(notice),
            **slack_blocks.reply(notice).body(),
        }
        answer = await self._call(token, "chat.postMessage", body)
        if answer.error in ROOT_GONE:
            note = f"the thread's root {ts} was not found ({answer.error}); a new thread was started"
            return await self._post_root(token, _channel(job) or channel, job, note=note)
        if not answer.ok:
            return answer.outcome
        # chat.update takes only the channel's id, which every answer names.
        channel = str(answer.body.get("channel") or channel)
        update = {"channel": channel, "ts": ts, **slack_blocks.root(notice).body()}
        updated = await self._call(token, "chat.update", update)
        root_note = "root updated" if updated.ok else f"root not updated: {updated.error}"
        return _delivered(
            answer, {"channel": channel, "ts": ts}, f"reply {answer.body.get('ts')}; {root_note}"
        )

    async def _post_root(self, token: str, channel: str, job: Job, *, note: str) -> Outcome:
        answer = await self._call(
            token, "chat.postMessage", {"channel": channel, **slack_blocks.root(job.notice).body()}
        )
        if not answer.ok:
            return answer.outcome
        refs = {"channel": str(answer.body.get("channel") or channel), "ts": str(answer.body.get("ts"))}
        return _delivered(answer, refs, "; ".join(filter(None, [f"root {refs['ts']}", note])))

    async def _call(self, token: str, method: str, body: dict[str, Any]) -> _Answer:
        response = await transport.post(
            self._client,
            f"{self._api_url}/{method}",
            data=json.dumps(body, ensure_ascii=False).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json; charset=utf-8"},
        )
        if isinstance(response, Outcome):
            return _Answer(response, {})
        return _Answer(classify(response), _json(response))


def classify(response: Response) -> Outcome:
    """A Web API answer as an Outcome: `ok: true` delivered, `ok: false` by its error code."""
    snippet = transport.snippet(response)
    status = response.status
    if status == 429:
        wait = transport.retry_after(response)
        return Outcome(
            Result.TRANSIENT, status=status, error="ratelimited", snippet=snippet, retry_after=wait
        )
    if status != 200:
        return Outcome(http_result(status), status=status, error=f"http_{status}", snippet=snippet)
    body = _json(response)
    if "ok" not in body:
        return Outcome(Result.PERMANENT, status=status, error="invalid_response", snippet=snippet)
    if body["ok"] is True:
        return Outcome(Result.DELIVERED, status=status, snippet=snippet)
    error = str(body.get("error") or "unknown_error")
    result = Result.TRANSIENT if error in TRANSIENT_ERRORS else Result.PERMANENT
    return Outcome(
        result, status=status, error=error, snippet=snippet, retry_after=transport.retry_after(response)
    )


def _delivered(answer: _Answer, refs: dict[str, Any], note: str) -> Outcome:
    return Outcome(
        Result.DELIVERED, status=answer.outcome.status, snippet=f"{note}\n{answer.outcome.snippet}", refs=refs
    )


def _channel(job: Job) -> str:
    config = job.destination.config
    return str(config.get("channel_id") or config.get("channel") or "").lstrip("#")


def _json(response: Response) -> Mapping[str, Any]:
    try:
        body = json.loads(response.body)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
