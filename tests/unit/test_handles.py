"""Notification handles: the forms a rule may name, and the refusal of any other form."""

from __future__ import annotations

import pytest

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.handles import Handle, HandleKind


@pytest.mark.parametrize(
    ("text", "kind", "target"),
    [
        ("@ada@example.com", HandleKind.EMAIL, "ada@example.com"),
        # The contract's own example: an address whose local part has a dash.
        ("@team-email@company.com", HandleKind.EMAIL, "team-email@company.com"),
        ("@slack-incidents", HandleKind.SLACK, "incidents"),
        ("@slack-acme-sec-alerts", HandleKind.SLACK, "acme-sec-alerts"),
        ("@incident-slack-channel", HandleKind.INCIDENT_SLACK_CHANNEL, ""),
        ("@teams-ops", HandleKind.TEAMS, "ops"),
        ("@webhook-jira-bridge", HandleKind.WEBHOOK, "jira-bridge"),
        ("@pagerduty-payments", HandleKind.PAGERDUTY, "payments"),
        ("@oncall-payments", HandleKind.ONCALL, "payments"),
        ("@workflow-from-incident", HandleKind.WORKFLOW, "from-incident"),
        ("@workflows-triage", HandleKind.WORKFLOW, "triage"),
    ],
)
def test_the_known_forms(text: str, kind: HandleKind, target: str) -> None:
    handle = Handle(text)
    assert (handle.kind, handle.target, handle.text) == (kind, target, text)
    assert handle.to_json() == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("slack-incidents", "is not a handle; handles start with @"),
        ("@oncall", "unknown handle form '@oncall'"),
        ("@slack-", "unknown handle form '@slack-'"),
        ("@sms-555", "unknown handle form '@sms-555'"),
        ("@slack-two words", "unknown handle form"),
        ("@", "unknown handle form"),
        ("@ada@example", "is not an email address handle"),
        ("@a@b@example.com", "is not an email address handle"),
        ("@slack-" + "x" * 500, "a handle is at most 500 characters"),
    ],
)
def test_other_forms_are_refused(text: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        Handle(text)
    assert message in caught.value.message


def test_reading_a_handle_points_at_it() -> None:
    with pytest.raises(ValidationFailed) as caught:
        Handle.from_json("@nope", "handles/2")
    assert caught.value.field == "handles/2"
    with pytest.raises(ValidationFailed) as caught:
        Handle.from_json(7, "handles/0")
    assert (caught.value.field, caught.value.message) == (
        "handles/0",
        "a handle is a string such as @slack-incidents",
    )
