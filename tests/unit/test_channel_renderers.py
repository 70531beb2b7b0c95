"""The channel renderers' pure parts: Slack's mrkdwn and cutting, the facts every channel
shows, and PagerDuty's severities."""

from __future__ import annotations

from casedesk.adapters.channels import facts, pagerduty_events, slack_blocks
from tests.notices import case_notice, incident_notice


def test_mrkdwn_escapes_slacks_control_characters_before_converting_markdown() -> None:
    text = slack_blocks.mrkdwn("# Heads up\n**a < b & c** see [docs](https://x.example/a?b=1)")

    assert text == "*Heads up*\n*a &lt; b &amp; c* see <https://x.example/a?b=1|docs>"


def test_a_headline_with_angle_brackets_cannot_mention_the_channel() -> None:
    message = slack_blocks.reply(case_notice(headline="Ada wrote <!channel>"))

    assert message.blocks[0]["text"]["text"] == "Ada wrote &lt;!channel&gt;"


def test_long_text_is_cut_at_line_ends_and_overlong_lines_at_the_limit() -> None:
    pieces = slack_blocks._sections("a" * 10 + "\n" + "b" * 7000)

    assert [len(p) for p in pieces] == [10, 2900, 2900, 1200]


def test_an_incidents_facts_are_its_state_severity_and_commander() -> None:
    shown = facts.facts(incident_notice(severity="SEV-2"))

    assert shown == [
        ("State", "Active"),
        ("Severity", "SEV-2"),
        ("Commander", "Grace Hopper"),
        ("Customer impact", "Yes"),
    ]


def test_an_unassigned_case_says_so() -> None:
    shown = dict(facts.facts(case_notice(assignee=None, priority="NOT_DEFINED")))

    assert (shown["Assignee"], shown["Priority"]) == ("Unassigned", "Not defined")


def test_an_unknown_priority_pages_as_info() -> None:
    assert pagerduty_events.severity(case_notice(priority="URGENT")) == "info"


def test_clip_keeps_short_text_and_marks_cut_text() -> None:
    assert facts.clip("short", 10) == "short"
    assert facts.clip("x" * 20, 10) == "x" * 9 + "…"


def test_a_raised_priority_or_severity_is_told_apart_from_a_lowered_one() -> None:
    raised = case_notice(event_kind="case.priority_changed", change={"old": "NOT_DEFINED", "new": "P4"})
    lowered = case_notice(event_kind="case.priority_changed", change={"old": "P1", "new": "P2"})
    severer = incident_notice(event_kind="incident.severity_changed", change={"old": "SEV-3", "new": "SEV-1"})

    assert [facts.priority_raised(n) for n in (raised, lowered, severer)] == [True, False, True]


def test_closing_is_a_status_change_into_closed_or_a_state_change_into_resolved() -> None:
    closed = case_notice(event_kind="case.status_changed", status="Closed", status_group="closed")
    commented = case_notice(event_kind="case.commented", status="Closed", status_group="closed")
    resolved = incident_notice(event_kind="incident.state_changed", subject={"state": "resolved"})

    assert [facts.is_closing(n) for n in (closed, commented, resolved)] == [True, False, True]
