"""Slack, PagerDuty and Teams end to end: each configured the way users configure it (the
integration APIs, `casedesk slack accounts add`), a project rule naming it, cases changed
through the API, and the server's own worker delivering to the fakes, which keep what the
vendor would show: Slack's threads, PagerDuty's alerts, the Workflows runs."""

from __future__ import annotations

import uuid
from typing import Any

from tests.api.channels import add_slack_account, unique
from tests.api.notifying import EVERY_CHANGE, Notifying, eventually
from tests.receivers.fixtures import Served
from tests.receivers.pagerduty import Alert, FakePagerDuty
from tests.receivers.slack import Channel, FakeSlack
from tests.receivers.teams import FakeTeams

SLACK = "/api/v1/integration/slack/configuration/accounts/{}/channels"
PAGERDUTY = "/api/v1/integration/pagerduty/configuration/services"
TEAMS = "/api/v2/integration/ms-teams/configuration/workflows-webhook-handles"


def slack_channel(notifying: Notifying, fake: FakeSlack) -> tuple[str, str]:
    """A channel in the fake workspace, configured in casedesk; answers (account, channel)."""
    token = fake.add_token(f"xoxb-{unique('bot')}")
    channel = unique("ops")
    fake.add_channel(channel)
    account = add_slack_account(notifying.server, token=token)
    made = notifying.http.post(SLACK.format(account), json={"name": f"#{channel}"})
    assert made.status_code == 201, made.text
    return account, channel


def test_a_case_s_life_is_one_slack_thread_whose_root_ends_closed(
    notifying: Notifying, fake_slack: Served[FakeSlack]
) -> None:
    account, name = slack_channel(notifying, fake_slack.fake)
    project = notifying.project()
    recipient = {"type": "SLACK_CHANNEL", "data": {"workspace": account, "channel": f"#{name}"}}
    notifying.rule(project, recipient, *EVERY_CHANGE)
    case = notifying.case(project, "Disk full on db-1")
    notifying.act(case, "/comment", comment="Looking into it")
    notifying.act(case, "/status", status="IN_PROGRESS")
    notifying.act(case, "/status", status="CLOSED")
    key = case["attributes"]["key"]

    def replies(channel: Channel) -> int:
        return sum(len(root.replies) for root in channel.roots)

    channel = eventually(lambda: fake_slack.fake.channel(name), lambda c: replies(c) >= 2)
    # The status changes reach the rule; the comment does not (no trigger names comments).
    notifying.settled(key, 3)
    assert [d["status"] for d in notifying.deliveries("--case", key)] == ["delivered"] * 3
    [root] = channel.roots
    assert key in root.text
    assert len(root.replies) == 2
    assert all(reply.thread_ts == root.ts for reply in root.replies)
    assert root.edits, "the root was never rewritten"
    assert "Closed" in root.text
    assert "Closed" not in _text(root.edits[0])


def _text(body: dict[str, Any]) -> str:
    return str(body.get("text", "")) + str(body.get("blocks", ""))


def test_one_case_is_one_pagerduty_alert_triggered_acknowledged_and_resolved(
    notifying: Notifying, fake_pagerduty: Served[FakePagerDuty]
) -> None:
    service = unique("payments")
    routing_key = uuid.uuid4().hex  # 32 characters, as an Events API v2 integration key
    made = notifying.http.post(PAGERDUTY, json={"service_name": service, "service_key": routing_key})
    assert made.status_code == 201, made.text
    project = notifying.project()
    notifying.rule(project, {"type": "PAGERDUTY_SERVICE", "data": {"service_name": service}}, *EVERY_CHANGE)
    case = notifying.case(project, "Checkout is down")
    notifying.act(case, "/status", status="IN_PROGRESS")
    notifying.act(case, "/status", status="CLOSED")
    dedup = f"casedesk-case-{case['id']}"

    def alerts() -> list[Alert]:
        return fake_pagerduty.fake.alerts_for(dedup)

    [alert] = eventually(alerts, lambda found: bool(found) and found[0].status == "resolved")
    assert alert.routing_key == routing_key
    assert alert.actions() == ["trigger", "acknowledge", "resolve"]
    assert fake_pagerduty.fake.dropped == []


def test_a_teams_handle_gets_an_adaptive_card_logged_as_accepted_not_confirmed(
    notifying: Notifying, fake_teams: Served[FakeTeams]
) -> None:
    url = fake_teams.fake.add_workflow()
    handle = unique("ops")
    body = {"data": {"type": "workflows-webhook-handle", "attributes": {"name": handle, "url": url}}}
    made = notifying.http.post(TEAMS, json=body)
    assert made.status_code == 201, made.text
    project = notifying.project()
    notifying.rule(project, {"type": "MS_TEAMS_CHANNEL", "data": {"connector_name": handle}})
    case = notifying.case(project, "Latency on the API")
    [run] = eventually(lambda: fake_teams.fake.runs_of(url), lambda runs: len(runs) == 1)
    assert run.status == "succeeded", run.reason
    assert run.card["type"] == "AdaptiveCard"
    assert case["attributes"]["key"] in str(run.card)
    [delivered] = notifying.settled(case["attributes"]["key"], 1)
    shown = notifying.delivery(delivered.id)
    assert (shown["last_result"], shown["last_status"]) == ("accepted", 202)
    [attempt] = shown["attempt_log"]
    assert attempt["result"] == "accepted"
    assert "not confirmed" in attempt["response"]
