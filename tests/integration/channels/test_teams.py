"""The Teams sender against the Workflows fake: one Adaptive Card per notice, 202 as
accepted-not-confirmed, the 24 KB budget, and the documented failures."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from casedesk.adapters.channels import teams_card
from casedesk.adapters.channels.teams import TeamsSender
from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.domain.notifications.notices import Notice
from casedesk.domain.notifications.outcomes import Outcome, Result
from casedesk.services.ports.channels import Job
from tests.notices import case_notice, deliver, incident_notice, job
from tests.receivers.base import ManualClock, Scripted
from tests.receivers.fixtures import Served
from tests.receivers.teams import FakeTeams


def teams_job(notice: Notice, url: str, *, in_config: bool = False) -> Job:
    where: dict[str, Any] = {"config": {"url": url}} if in_config else {"secrets": {"url": url}}
    return job(notice, ChannelKind.TEAMS, "oncall", **where)


def send(one: Job, budget: int = teams_card.ENVELOPE_BUDGET) -> Outcome:
    return deliver(lambda client: TeamsSender(client, budget=budget), one)


def texts(card: dict[str, Any]) -> list[str]:
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if value.get("type") == "TextBlock":
                found.append(value["text"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(card)
    return found


def test_a_notice_is_one_adaptive_card_accepted_not_confirmed(fake_teams: Served[FakeTeams]) -> None:
    url = fake_teams.fake.add_workflow()

    outcome = send(teams_job(case_notice(), url))

    assert (outcome.result, outcome.status, outcome.error) == (Result.ACCEPTED, 202, None)
    assert outcome.snippet.startswith("accepted by the Workflows webhook, not confirmed")
    [run] = fake_teams.fake.runs_of(url)
    assert (run.status, run.reason) == ("succeeded", "posted")
    card = run.card
    assert (card["version"], card["msteams"], card["$schema"]) == (
        "1.5",
        {"width": "Full"},
        "http://adaptivecards.io/schemas/adaptive-card.json",
    )
    assert texts(card)[:2] == ["[SEC-12] Disk full on db-1", "Ada created SEC-12"]
    [facts] = [item for item in card["body"] if item["type"] == "FactSet"]
    assert {"title": "Status", "value": "Open"} in facts["facts"]
    assert {"title": "Priority", "value": "P2"} in facts["facts"]
    assert card["actions"] == [
        {"type": "Action.OpenUrl", "title": "Open SEC-12", "url": case_notice_url(card)}
    ]


def case_notice_url(card: dict[str, Any]) -> str:
    url = card["actions"][0]["url"]
    assert url.startswith("http://casedesk.example/cases/")
    return str(url)


def test_the_envelope_is_the_documented_one(fake_teams: Served[FakeTeams]) -> None:
    encoded = teams_card.render(incident_notice())

    assert encoded is not None
    envelope = json.loads(encoded)
    assert envelope["type"] == "message"
    [attachment] = envelope["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert "contentUrl" in attachment
    assert attachment["contentUrl"] is None
    assert attachment["content"]["type"] == "AdaptiveCard"
    assert "Severity" in json.dumps(attachment["content"])


def test_the_url_may_sit_in_the_config(fake_teams: Served[FakeTeams]) -> None:
    url = fake_teams.fake.add_workflow()

    assert send(teams_job(case_notice(), url, in_config=True)).result is Result.ACCEPTED


def test_a_destination_without_a_url_is_permanent() -> None:
    outcome = send(job(case_notice(), ChannelKind.TEAMS, "oncall"))

    assert (outcome.result, outcome.error) == (Result.PERMANENT, "missing_url")


def test_a_long_text_is_cut_to_the_budget_the_same_way_every_time(fake_teams: Served[FakeTeams]) -> None:
    url = fake_teams.fake.add_workflow()
    notice = case_notice(description="word " * 20_000)

    first, second = send(teams_job(notice, url)), send(teams_job(notice, url))

    assert first.result is second.result is Result.ACCEPTED
    one, two = fake_teams.fake.runs_of(url)
    assert one.status == "succeeded"
    assert one.size <= 24 * 1024
    assert one.size > 23 * 1024  # filled, not cut short
    assert one.card == two.card
    assert any(text.endswith("(truncated: open the link below for the rest)") for text in texts(one.card))


def test_a_card_that_cannot_fit_is_permanent_and_not_sent(fake_teams: Served[FakeTeams]) -> None:
    url = fake_teams.fake.add_workflow()

    outcome = send(teams_job(case_notice(), url), budget=500)

    assert (outcome.result, outcome.error) == (Result.PERMANENT, "payload_too_large")
    assert fake_teams.fake.requests == []


def test_accepted_is_not_posted_a_failed_run_is_invisible_to_the_sender(
    fake_teams: Served[FakeTeams],
) -> None:
    url = fake_teams.fake.add_workflow()
    notice = case_notice(description="word " * 20_000)

    outcome = send(teams_job(notice, url), budget=40_000)  # over Teams' 28 KB

    assert outcome.result is Result.ACCEPTED
    assert "not confirmed" in outcome.snippet
    [run] = fake_teams.fake.runs_of(url)
    assert run.status == "failed"
    assert "exceeds" in run.reason


def test_the_fake_fails_runs_of_cards_teams_does_not_render(fake_teams: Served[FakeTeams]) -> None:
    url = fake_teams.fake.add_workflow()
    card = {"type": "AdaptiveCard", "version": "1.6", "body": [{"type": "TextBlock", "text": "hi"}]}
    envelope = {"type": "message", "attachments": [{"contentType": teams_card.CONTENT_TYPE, "content": card}]}
    unknown = {**card, "version": "1.5", "body": [{"type": "Table", "rows": []}]}
    unknown_envelope = {
        **envelope,
        "attachments": [{"contentType": teams_card.CONTENT_TYPE, "content": unknown}],
    }

    answers = [httpx.post(url, json=envelope).status_code, httpx.post(url, json=unknown_envelope).status_code]

    assert answers == [202, 202]
    assert [r.reason for r in fake_teams.fake.runs_of(url)] == [
        "card version 1.6 is above 1.5",
        "unknown element types ['Table']",
    ]


def test_the_fake_refuses_what_is_not_the_envelope(fake_teams: Served[FakeTeams]) -> None:
    url = fake_teams.fake.add_workflow()

    assert httpx.post(url, content=b"{not json").status_code == 400
    assert httpx.post(url, json={"type": "message", "attachments": []}).status_code == 400
    assert fake_teams.fake.runs_of(url) == []


@pytest.mark.parametrize("spoil", ["sig", "workflow"])
def test_a_wrong_signature_or_a_deleted_workflow_is_permanent(
    fake_teams: Served[FakeTeams], spoil: str
) -> None:
    url = fake_teams.fake.add_workflow()
    if spoil == "sig":
        url = url.rsplit("sig=", 1)[0] + "sig=forged"
    else:
        url = url.replace("/workflows/", "/workflows/0", 1)

    outcome = send(teams_job(case_notice(), url))

    expected = 401 if spoil == "sig" else 404
    assert (outcome.result, outcome.status, outcome.error) == (Result.PERMANENT, expected, f"http_{expected}")


def test_more_than_four_requests_a_second_are_throttled(fake_teams: Served[FakeTeams]) -> None:
    clock = ManualClock()
    fake_teams.fake.clock = clock
    url = fake_teams.fake.add_workflow()

    results = [send(teams_job(case_notice(), url)) for _ in range(5)]
    clock.advance(0.25)
    later = send(teams_job(case_notice(), url))

    assert [r.result for r in results[:4]] == [Result.ACCEPTED] * 4
    assert (results[4].result, results[4].status, results[4].retry_after) == (Result.TRANSIENT, 429, 1.0)
    assert later.result is Result.ACCEPTED


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (Scripted(status=429, headers={"Retry-After": "7"}), (Result.TRANSIENT, 429, 7.0)),
        (Scripted(status=502, text="Bad gateway"), (Result.TRANSIENT, 502, None)),
        (Scripted(status=403, text="Forbidden"), (Result.PERMANENT, 403, None)),
    ],
)
def test_other_answers_follow_their_status(
    fake_teams: Served[FakeTeams], answer: Scripted, expected: tuple[Result, int, float | None]
) -> None:
    url = fake_teams.fake.add_workflow()
    fake_teams.fake.script(answer)

    outcome = send(teams_job(case_notice(), url))

    assert (outcome.result, outcome.status, outcome.retry_after) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://contoso.webhook.office.com/webhookb2/abc@def/IncomingWebhook/123/456",
        "https://outlook.office.com/webhook/abc/IncomingWebhook/123/456",
    ],
)
def test_a_retired_office_connector_url_is_permanent_without_a_call(url: str) -> None:
    outcome = send(teams_job(case_notice(), url))

    assert (outcome.result, outcome.error) == (Result.PERMANENT, "retired_connector")
    assert "Workflows" in outcome.snippet


def test_the_fake_reads_back_runs_over_http(fake_teams: Served[FakeTeams]) -> None:
    url = fake_teams.fake.add_workflow()
    send(teams_job(case_notice(), url))

    [run] = httpx.get(fake_teams.url + "/_fake/runs").json()

    assert run["status"] == "succeeded"
    assert run["card"]["type"] == "AdaptiveCard"
