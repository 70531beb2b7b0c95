"""The PagerDuty sender against the Events API v2 fake: one alert per case, opened,
acknowledged and resolved once; change events for the rest; the documented failures."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from casedesk.adapters.channels import pagerduty_events
from casedesk.adapters.channels.pagerduty import PagerDutySender, change_url
from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.domain.notifications.notices import Notice, PageAction
from casedesk.domain.notifications.outcomes import Outcome, Result
from casedesk.services.ports.channels import Job
from tests.notices import case_notice, deliver, incident_notice, job, pd_key
from tests.receivers.base import ManualClock, Scripted
from tests.receivers.fixtures import Served
from tests.receivers.pagerduty import FakePagerDuty


def pd_job(notice: Notice, key: str) -> Job:
    return job(notice, ChannelKind.PAGERDUTY, "payments", secrets={"routing_key": key})


def send(served: Served[FakePagerDuty], one: Job) -> Outcome:
    return deliver(lambda client: PagerDutySender(client, served.url + "/v2/enqueue"), one)


def test_a_trigger_opens_one_alert_keyed_by_the_case(fake_pagerduty: Served[FakePagerDuty]) -> None:
    key, case_id = pd_key(), str(uuid.uuid4())

    outcome = send(fake_pagerduty, pd_job(case_notice(case_id, page=PageAction.TRIGGER), key))

    assert (outcome.result, outcome.status) == (Result.ACCEPTED, 202)
    assert outcome.refs == {"dedup_key": f"casedesk-case-{case_id}"}
    assert "accepted by PagerDuty" in outcome.snippet
    [alert] = fake_pagerduty.fake.alerts_for(f"casedesk-case-{case_id}")
    assert (alert.status, alert.summary, alert.severity) == (
        "triggered",
        "[SEC-12] Disk full on db-1",
        "error",
    )
    event: dict[str, Any] = alert.events[0]
    payload = event["payload"]
    assert (payload["source"], payload["component"], payload["group"], payload["class"]) == (
        "casedesk.example",
        "SEC",
        "Security",
        "Security",
    )
    assert payload["timestamp"] == "2026-12-01T15:00:00+00:00"
    assert payload["custom_details"]["subject"]["key"] == "SEC-12"
    assert event["links"] == [
        {"href": f"http://casedesk.example/cases/{case_id}", "text": "Open SEC-12 in casedesk"}
    ]
    assert (event["client"], event["client_url"]) == ("casedesk", "http://casedesk.example")


def test_closing_a_case_resolves_its_alert_exactly_once(fake_pagerduty: Served[FakePagerDuty]) -> None:
    key, case_id = pd_key(), str(uuid.uuid4())
    actions = [
        PageAction.TRIGGER,
        PageAction.TRIGGER,
        PageAction.ACKNOWLEDGE,
        PageAction.RESOLVE,
        PageAction.RESOLVE,
    ]

    outcomes = [send(fake_pagerduty, pd_job(case_notice(case_id, page=action), key)) for action in actions]

    assert all(o.result is Result.ACCEPTED for o in outcomes)
    assert {o.refs["dedup_key"] for o in outcomes} == {f"casedesk-case-{case_id}"}
    [alert] = fake_pagerduty.fake.alerts_for(f"casedesk-case-{case_id}")
    assert alert.status == "resolved"
    assert alert.actions() == ["trigger", "trigger", "acknowledge", "resolve"]
    # The second resolve found no open alert: PagerDuty accepts and drops it.
    assert [e["event_action"] for e in fake_pagerduty.fake.dropped] == ["resolve"]


def test_a_case_reopened_after_resolve_is_a_new_alert(fake_pagerduty: Served[FakePagerDuty]) -> None:
    key, case_id = pd_key(), str(uuid.uuid4())
    for action in (PageAction.TRIGGER, PageAction.RESOLVE, PageAction.TRIGGER):
        send(fake_pagerduty, pd_job(case_notice(case_id, page=action), key))

    alerts = fake_pagerduty.fake.alerts_for(f"casedesk-case-{case_id}")
    assert [a.status for a in alerts] == ["resolved", "triggered"]


def test_acknowledge_and_resolve_carry_no_payload(fake_pagerduty: Served[FakePagerDuty]) -> None:
    notice = case_notice(page=PageAction.ACKNOWLEDGE)

    event = pagerduty_events.alert_event(notice, pd_key())

    assert set(event) == {"routing_key", "event_action", "dedup_key"}
    assert event["event_action"] == "acknowledge"


@pytest.mark.parametrize(
    ("priority", "severity"),
    [
        ("P1", "critical"),
        ("P2", "error"),
        ("P3", "warning"),
        ("P4", "info"),
        ("P5", "info"),
        ("NOT_DEFINED", "info"),
    ],
)
def test_a_cases_priority_sets_the_severity(
    fake_pagerduty: Served[FakePagerDuty], priority: str, severity: str
) -> None:
    notice = case_notice(page=PageAction.TRIGGER, priority=priority)

    send(fake_pagerduty, pd_job(notice, pd_key()))

    [alert] = fake_pagerduty.fake.alerts
    assert alert.severity == severity


@pytest.mark.parametrize(
    ("sev", "severity"),
    [("SEV-1", "critical"), ("SEV-2", "error"), ("SEV-3", "warning"), ("SEV-4", "info"), ("UNKNOWN", "info")],
)
def test_an_incidents_severity_sets_the_severity(
    fake_pagerduty: Served[FakePagerDuty], sev: str, severity: str
) -> None:
    incident = incident_notice(severity=sev)

    outcome = send(fake_pagerduty, pd_job(incident, pd_key()))

    assert outcome.refs == {"dedup_key": f"casedesk-incident-{incident.subject_id}"}
    [alert] = fake_pagerduty.fake.alerts
    assert alert.severity == severity
    assert alert.events[0]["payload"]["class"] == "incident"


def test_the_summary_is_cut_to_1024_characters(fake_pagerduty: Served[FakePagerDuty]) -> None:
    notice = case_notice(page=PageAction.TRIGGER, title="S" * 3000)

    outcome = send(fake_pagerduty, pd_job(notice, pd_key()))

    assert outcome.result is Result.ACCEPTED
    [alert] = fake_pagerduty.fake.alerts
    assert len(alert.summary) == 1024
    assert alert.summary.endswith("…")


def test_custom_details_are_dropped_with_an_explanation_when_over_512_kb(
    fake_pagerduty: Served[FakePagerDuty],
) -> None:
    notice = case_notice(page=PageAction.TRIGGER, description="d" * 600_000)

    outcome = send(fake_pagerduty, pd_job(notice, pd_key()))

    assert outcome.result is Result.ACCEPTED
    [alert] = fake_pagerduty.fake.alerts
    details = alert.events[0]["payload"]["custom_details"]
    assert details["error"].startswith("custom_details dropped")
    assert details["size_bytes"] > 512_000


def test_the_fake_refuses_bodies_over_512_kb(fake_pagerduty: Served[FakePagerDuty]) -> None:
    answer = httpx.post(fake_pagerduty.url + "/v2/enqueue", content=b" " * (512 * 1024 + 1))

    assert answer.status_code == 400
    assert answer.json()["status"] == "invalid event"


def test_an_invalid_event_is_permanent_with_pagerdutys_errors(fake_pagerduty: Served[FakePagerDuty]) -> None:
    outcome = send(fake_pagerduty, pd_job(case_notice(page=PageAction.TRIGGER), "too-short"))

    assert (outcome.result, outcome.status, outcome.error) == (Result.PERMANENT, 400, "invalid_event")
    assert "32 character integration key" in outcome.snippet
    assert '"errors"' in outcome.snippet


def test_a_service_without_a_routing_key_is_permanent_without_a_call(
    fake_pagerduty: Served[FakePagerDuty],
) -> None:
    outcome = send(
        fake_pagerduty, job(case_notice(page=PageAction.TRIGGER), ChannelKind.PAGERDUTY, "payments")
    )

    assert (outcome.result, outcome.error) == (Result.PERMANENT, "missing_routing_key")
    assert fake_pagerduty.fake.requests == []


def test_too_many_events_per_key_are_rate_limited_for_30_seconds(
    fake_pagerduty: Served[FakePagerDuty],
) -> None:
    fake_pagerduty.fake.clock = clock = ManualClock()
    fake_pagerduty.fake.per_minute = 2
    key = pd_key()

    outcomes = [send(fake_pagerduty, pd_job(case_notice(page=PageAction.TRIGGER), key)) for _ in range(3)]
    other_key = send(fake_pagerduty, pd_job(case_notice(page=PageAction.TRIGGER), pd_key()))
    clock.advance(60)
    later = send(fake_pagerduty, pd_job(case_notice(page=PageAction.TRIGGER), key))

    assert [o.result for o in outcomes] == [Result.ACCEPTED, Result.ACCEPTED, Result.TRANSIENT]
    assert (outcomes[2].status, outcomes[2].error, outcomes[2].retry_after) == (429, "rate_limited", 30.0)
    assert other_key.result is later.result is Result.ACCEPTED


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (Scripted(status=429, headers={"Retry-After": "5"}), (Result.TRANSIENT, 429, 5.0)),
        (Scripted(status=500, json={"status": "error"}), (Result.TRANSIENT, 500, None)),
        (Scripted(status=503, text="unavailable"), (Result.TRANSIENT, 503, None)),
        (Scripted(status=403, text="forbidden"), (Result.PERMANENT, 403, None)),
    ],
)
def test_other_answers_follow_their_status(
    fake_pagerduty: Served[FakePagerDuty], answer: Scripted, expected: tuple[Result, int, float | None]
) -> None:
    fake_pagerduty.fake.script(answer)

    outcome = send(fake_pagerduty, pd_job(case_notice(page=PageAction.TRIGGER), pd_key()))

    assert (outcome.result, outcome.status, outcome.retry_after) == expected


def test_a_notice_that_does_not_page_is_a_change_event(fake_pagerduty: Served[FakePagerDuty]) -> None:
    notice = case_notice(event_kind="case.commented", headline="Ada commented on SEC-12")

    outcome = send(fake_pagerduty, pd_job(notice, pd_key()))

    assert (outcome.result, outcome.refs) == (Result.ACCEPTED, {})
    [change] = fake_pagerduty.fake.changes
    assert change["payload"]["summary"] == "[SEC-12] Disk full on db-1: Ada commented on SEC-12"
    assert fake_pagerduty.fake.alerts == []


def test_a_ruleset_key_takes_no_change_event_and_is_skipped(fake_pagerduty: Served[FakePagerDuty]) -> None:
    outcome = send(fake_pagerduty, pd_job(case_notice(), pd_key("R")))

    assert (outcome.result, outcome.error) == (Result.DELIVERED, None)
    assert "skipped" in outcome.snippet
    assert fake_pagerduty.fake.requests == []


@pytest.mark.parametrize(
    ("events", "change"),
    [
        ("https://events.pagerduty.com/v2/enqueue", "https://events.pagerduty.com/v2/change/enqueue"),
        ("http://127.0.0.1:9/pd/v2/enqueue/", "http://127.0.0.1:9/pd/v2/change/enqueue"),
        ("http://127.0.0.1:9/events", "http://127.0.0.1:9/events/change/enqueue"),
    ],
)
def test_the_change_endpoint_sits_beside_the_events_endpoint(events: str, change: str) -> None:
    assert change_url(events) == change


def test_the_fake_reads_back_alerts_and_changes_over_http(fake_pagerduty: Served[FakePagerDuty]) -> None:
    key, case_id = pd_key(), str(uuid.uuid4())
    send(fake_pagerduty, pd_job(case_notice(case_id, page=PageAction.TRIGGER), key))
    send(fake_pagerduty, pd_job(case_notice(case_id), key))

    state = httpx.get(fake_pagerduty.url + "/_fake/alerts").json()

    assert [(a["dedup_key"], a["status"], a["actions"]) for a in state["alerts"]] == [
        (f"casedesk-case-{case_id}", "triggered", ["trigger"])
    ]
    assert len(state["changes"]) == 1
