"""The Slack sender against the Slack Web API fake: one thread per case, the root kept
current, Block Kit within limits, and every documented failure as its outcome."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest

from casedesk.adapters.channels.slack import SlackSender
from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.domain.notifications.notices import Notice
from casedesk.domain.notifications.outcomes import Outcome, Result
from casedesk.services.ports.channels import Job
from tests.notices import case_notice, deliver, job
from tests.receivers.base import ManualClock, Scripted
from tests.receivers.fixtures import Served
from tests.receivers.slack import FakeSlack

TOKEN = "xoxb-1-2-test"


@pytest.fixture
def slack(fake_slack: Served[FakeSlack]) -> Served[FakeSlack]:
    fake_slack.fake.add_token(TOKEN)
    fake_slack.fake.add_channel("alerts")
    return fake_slack


def slack_job(
    notice: Notice, *, thread: dict[str, Any] | None = None, token: str = TOKEN, **config: Any
) -> Job:
    secrets = {"token": token} if token else {}
    return job(
        notice,
        ChannelKind.SLACK,
        "acme/alerts",
        config={"channel": "alerts", **config},
        secrets=secrets,
        thread=thread,
    )


def send(served: Served[FakeSlack], one: Job) -> Outcome:
    return deliver(lambda client: SlackSender(client, served.url + "/api"), one)


def test_the_first_notice_posts_the_threads_root(slack: Served[FakeSlack]) -> None:
    outcome = send(slack, slack_job(case_notice()))

    assert outcome.result is Result.DELIVERED
    channel = slack.fake.channel("alerts")
    assert outcome.refs == {"channel": channel.id, "ts": channel.roots[0].ts}
    root = channel.roots[0]
    assert root.body["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "[SEC-12] Disk full on db-1"},
    }
    assert "*Status*\nOpen" in root.text
    assert "*Assignee*\nAda Lovelace" in root.text
    # Markdown arrives as Slack's mrkdwn.
    assert "*db-1*" in root.text
    assert "<https://runbooks.example/disk|the runbook>" in root.text
    assert root.body["text"] == "[SEC-12] Disk full on db-1: Ada created SEC-12"
    assert slack.fake.requests[0]["headers"]["authorization"] == f"Bearer {TOKEN}"
    assert root.body["metadata"]["event_type"] == "casedesk_case"
    assert root.body["metadata"]["event_payload"]["reference"] == "SEC-12"


def test_later_notices_reply_in_one_thread_and_the_root_shows_closed(slack: Served[FakeSlack]) -> None:
    case_id = str(uuid.uuid4())
    first = send(slack, slack_job(case_notice(case_id)))
    moved = case_notice(
        case_id,
        event_kind="case.status_changed",
        headline="Ada moved SEC-12 from Open to In progress",
        change={"old": "OPEN", "new": "IN_PROGRESS"},
        status="In progress",
        status_group="in_progress",
    )
    second = send(slack, slack_job(moved, thread=first.refs))
    closed = case_notice(
        case_id,
        event_kind="case.status_changed",
        headline="Ada closed SEC-12",
        change={"old": "IN_PROGRESS", "new": "CLOSED"},
        status="Closed",
        status_group="closed",
    )
    third = send(slack, slack_job(closed, thread=second.refs))

    assert [second.result, third.result] == [Result.DELIVERED, Result.DELIVERED]
    assert first.refs == second.refs == third.refs
    channel = slack.fake.channel("alerts")
    [root] = channel.roots
    assert [r.body["text"] for r in root.replies] == [
        "[SEC-12] Disk full on db-1: Ada moved SEC-12 from Open to In progress",
        "[SEC-12] Disk full on db-1: Ada closed SEC-12",
    ]
    assert [r.body["reply_broadcast"] for r in root.replies] == [False, True]
    assert len(root.edits) == 2
    assert "*Status*\nClosed" in root.text
    assert "*Status*\nOpen" not in root.text
    assert "root updated" in third.snippet


def test_a_raised_priority_is_broadcast_to_the_channel(slack: Served[FakeSlack]) -> None:
    first = send(slack, slack_job(case_notice()))
    raised = case_notice(event_kind="case.priority_changed", change={"old": "P3", "new": "P1"}, priority="P1")
    send(slack, slack_job(raised, thread=first.refs))

    [reply] = slack.fake.channel("alerts").roots[0].replies
    assert reply.body["reply_broadcast"] is True


def test_a_root_that_is_gone_is_replaced_by_a_new_thread(slack: Served[FakeSlack]) -> None:
    first = send(slack, slack_job(case_notice()))
    slack.fake.delete(first.refs["channel"], first.refs["ts"])

    again = send(slack, slack_job(case_notice(headline="Ada commented"), thread=first.refs))

    assert again.result is Result.DELIVERED
    assert again.refs["ts"] != first.refs["ts"]
    assert "was not found (thread_not_found)" in again.snippet
    [root] = slack.fake.channel("alerts").roots
    assert root.ts == again.refs["ts"]
    assert "Latest: Ada commented" in root.text


def test_a_failed_root_update_does_not_fail_the_delivered_reply(slack: Served[FakeSlack]) -> None:
    first = send(slack, slack_job(case_notice()))
    slack.fake.script(Scripted(json={"ok": False, "error": "edit_window_closed"}, route="chat.update"))

    outcome = send(slack, slack_job(case_notice(headline="Ada commented"), thread=first.refs))

    assert outcome.result is Result.DELIVERED
    assert "root not updated: edit_window_closed" in outcome.snippet
    root = slack.fake.channel("alerts").roots[0]
    assert len(root.replies) == 1
    assert root.edits == []


def test_the_channel_id_is_used_when_configured(slack: Served[FakeSlack]) -> None:
    other = slack.fake.add_channel("other")

    outcome = send(slack, slack_job(case_notice(), channel_id=other))

    assert outcome.refs["channel"] == other
    assert len(slack.fake.channel("other").roots) == 1


@pytest.mark.parametrize(("token", "error"), [("xoxb-revoked", "invalid_auth")])
def test_a_refused_token_is_permanent(slack: Served[FakeSlack], token: str, error: str) -> None:
    outcome = send(slack, slack_job(case_notice(), token=token))

    assert (outcome.result, outcome.status, outcome.error) == (Result.PERMANENT, 200, error)


def test_a_missing_token_is_permanent_without_a_call(slack: Served[FakeSlack]) -> None:
    outcome = send(slack, slack_job(case_notice(), token=""))

    assert (outcome.result, outcome.error) == (Result.PERMANENT, "missing_token")
    assert slack.fake.requests == []


def test_the_fake_refuses_a_request_without_a_bearer_token(slack: Served[FakeSlack]) -> None:
    answer = httpx.post(slack.url + "/api/chat.postMessage", json={"channel": "alerts", "text": "hi"})

    assert (answer.status_code, answer.json()) == (200, {"ok": False, "error": "not_authed"})


def test_an_unknown_channel_is_permanent(slack: Served[FakeSlack]) -> None:
    outcome = send(slack, slack_job(case_notice(), channel="nowhere"))

    assert (outcome.result, outcome.error) == (Result.PERMANENT, "channel_not_found")


@pytest.mark.parametrize(
    ("error", "result"),
    [
        ("ratelimited", Result.TRANSIENT),
        ("internal_error", Result.TRANSIENT),
        ("fatal_error", Result.TRANSIENT),
        ("service_unavailable", Result.TRANSIENT),
        ("request_timeout", Result.TRANSIENT),
        ("is_archived", Result.PERMANENT),
        ("not_in_channel", Result.PERMANENT),
        ("token_revoked", Result.PERMANENT),
        ("missing_scope", Result.PERMANENT),
    ],
)
def test_ok_false_is_classified_by_its_error_code(
    slack: Served[FakeSlack], error: str, result: Result
) -> None:
    slack.fake.script(Scripted(json={"ok": False, "error": error}))

    outcome = send(slack, slack_job(case_notice()))

    assert (outcome.result, outcome.status, outcome.error) == (result, 200, error)
    assert outcome.refs == {}


def test_posting_faster_than_once_a_second_is_rate_limited_with_retry_after(slack: Served[FakeSlack]) -> None:
    clock = ManualClock()
    slack.fake.clock = clock
    slack.fake.limit(rate=1.0, burst=1)
    assert send(slack, slack_job(case_notice())).result is Result.DELIVERED

    limited = send(slack, slack_job(case_notice()))
    clock.advance(1.0)
    later = send(slack, slack_job(case_notice()))

    assert (limited.result, limited.status, limited.error, limited.retry_after) == (
        Result.TRANSIENT,
        429,
        "ratelimited",
        1.0,
    )
    assert later.result is Result.DELIVERED


def test_a_reply_that_is_rate_limited_is_transient_and_leaves_the_root_alone(
    slack: Served[FakeSlack],
) -> None:
    first = send(slack, slack_job(case_notice()))
    slack.fake.script(
        Scripted(status=429, json={"ok": False, "error": "ratelimited"}, headers={"Retry-After": "12"})
    )

    outcome = send(slack, slack_job(case_notice(headline="Ada commented"), thread=first.refs))

    assert (outcome.result, outcome.retry_after) == (Result.TRANSIENT, 12.0)
    assert slack.fake.channel("alerts").roots[0].edits == []


@pytest.mark.parametrize(
    ("status", "result"), [(500, Result.TRANSIENT), (503, Result.TRANSIENT), (404, Result.PERMANENT)]
)
def test_http_errors_follow_their_status(slack: Served[FakeSlack], status: int, result: Result) -> None:
    slack.fake.script(Scripted(status=status, text="upstream trouble"))

    outcome = send(slack, slack_job(case_notice()))

    assert (outcome.result, outcome.status, outcome.error) == (result, status, f"http_{status}")


def test_an_answer_that_is_not_the_web_api_envelope_is_permanent(slack: Served[FakeSlack]) -> None:
    slack.fake.script(Scripted(status=200, text="<html>captive portal</html>"))

    outcome = send(slack, slack_job(case_notice()))

    assert (outcome.result, outcome.error) == (Result.PERMANENT, "invalid_response")


def test_long_texts_stay_within_block_kit_limits(slack: Served[FakeSlack]) -> None:
    description = "\n".join(f"line {n}: " + "x" * 80 for n in range(3000))
    notice = case_notice(title="T" * 400, description=description, body=None)

    outcome = send(slack, slack_job(notice))

    assert outcome.result is Result.DELIVERED  # the fake enforces Slack's limits
    blocks = slack.fake.channel("alerts").roots[0].body["blocks"]
    assert len(blocks) <= 50
    assert len(blocks[0]["text"]["text"]) == 150
    assert blocks[0]["text"]["text"].endswith("…")
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section" and "text" in b]
    assert all(len(text) <= 3000 for text in sections)
    assert sections[0].startswith("line 0: ")  # cut at line ends, from the start
    assert any("Truncated:" in json.dumps(b) for b in blocks if b["type"] == "context")


def test_a_long_template_body_in_a_reply_is_cut_the_same_way_every_time(slack: Served[FakeSlack]) -> None:
    first = send(slack, slack_job(case_notice()))
    body = "\n".join(f"- item {n} " + "y" * 50 for n in range(5000))
    notice = case_notice(headline="Ada commented", body=body)

    send(slack, slack_job(notice, thread=first.refs))
    send(slack, slack_job(notice, thread=first.refs))

    one, two = slack.fake.channel("alerts").roots[0].replies
    assert one.body["blocks"] == two.body["blocks"]
    assert len(one.body["blocks"]) <= 50


def test_the_fake_refuses_blocks_over_slacks_limits(slack: Served[FakeSlack]) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "z" * 3001}}
    too_long = httpx.post(
        slack.url + "/api/chat.postMessage", json={"channel": "alerts", "blocks": [section]}, headers=headers
    )
    many = [{"type": "divider"}] * 51
    too_many = httpx.post(
        slack.url + "/api/chat.postMessage", json={"channel": "alerts", "blocks": many}, headers=headers
    )
    sections = [{"type": "section", "text": {"type": "mrkdwn", "text": "z" * 2900}}] * 5
    too_much = httpx.post(
        slack.url + "/api/chat.postMessage", json={"channel": "alerts", "blocks": sections}, headers=headers
    )

    assert [too_long.json()["error"], too_many.json()["error"], too_much.json()["error"]] == [
        "invalid_blocks",
        "invalid_blocks",
        "msg_blocks_too_long",
    ]


def test_the_fake_reads_back_threads_over_http(slack: Served[FakeSlack]) -> None:
    first = send(slack, slack_job(case_notice()))
    send(slack, slack_job(case_notice(headline="Ada commented"), thread=first.refs))

    [channel] = httpx.get(slack.url + "/_fake/messages", params={"channel": "alerts"}).json()

    [root] = channel["roots"]
    assert root["ts"] == first.refs["ts"]
    assert len(root["replies"]) == 1
    assert len(root["edits"]) == 1


def test_a_thread_known_by_its_ts_alone_is_replied_to_and_its_root_updated(slack: Served[FakeSlack]) -> None:
    first = send(slack, slack_job(case_notice()))

    again = send(slack, slack_job(case_notice(headline="Ada commented"), thread={"ts": first.refs["ts"]}))

    assert again.refs == first.refs
    assert "root updated" in again.snippet


def test_the_fake_is_scripted_and_reset_over_http(slack: Served[FakeSlack]) -> None:
    script = [{"status": 200, "json": {"ok": False, "error": "fatal_error"}, "route": "chat.postMessage"}]
    assert httpx.post(slack.url + "/_fake/script", json=script).status_code == 200

    outcome = send(slack, slack_job(case_notice()))
    log = httpx.get(slack.url + "/_fake/log").json()
    httpx.post(slack.url + "/_fake/reset")

    assert outcome.error == "fatal_error"
    assert [r["route"] for r in log["requests"]] == ["chat.postMessage"]
    assert slack.fake.channels == {}


def test_a_huge_headline_and_description_together_stay_under_slacks_total(slack: Served[FakeSlack]) -> None:
    notice = case_notice(headline="h" * 5000, description="d" * 50_000)

    outcome = send(slack, slack_job(notice))

    assert outcome.result is Result.DELIVERED  # the fake refuses more than 13,200 characters
