"""Notification and automation rules as typed values: incident notification rules, incident
automation rules, case notification rules and case automation rules. Each refusal names the
member it refuses."""

from __future__ import annotations

from typing import Any

import pytest

from casedesk.domain.cases.rules import AutomationRule, CaseNotificationRule, CaseTriggerType, RecipientType
from casedesk.domain.documents import from_document, to_document
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.handles import HandleKind
from casedesk.domain.incidents.rules import (
    IncidentFields,
    IncidentNotificationRule,
    IncidentRule,
    IncidentTrigger,
    RuleTask,
    RuleVisibility,
)


def refused(cls: type[Any], document: dict[str, Any]) -> tuple[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        from_document(cls, document)
    return caught.value.field, caught.value.message


# -- incident notification rules ---------------------------------------------------------

RULE: dict[str, Any] = {
    "conditions": [
        {"field": "severity", "values": ["SEV-1", "SEV-2"]},
        {"field": "services", "values": ["web"]},
    ],
    "enabled": True,
    "handles": ["@ada@example.com", "@slack-incidents", "@webhook-bridge"],
    "renotify_on": ["state", "severity"],
    "trigger": "incident_modified_trigger",
    "visibility": "private",
}


def test_a_notification_rule_reads_back_as_written() -> None:
    rule = from_document(IncidentNotificationRule, RULE)
    assert rule.trigger is IncidentTrigger.MODIFIED
    assert rule.visibility is RuleVisibility.PRIVATE
    assert [h.kind for h in rule.handles] == [HandleKind.EMAIL, HandleKind.SLACK, HandleKind.WEBHOOK]
    assert to_document(rule) == RULE


def test_a_minimal_rule_gets_the_contracts_defaults() -> None:
    rule = from_document(
        IncidentNotificationRule,
        {"conditions": [], "handles": ["@oncall-ops"], "trigger": "incident_created_trigger"},
    )
    assert (rule.enabled, rule.visibility, rule.renotify_on) == (False, RuleVisibility.ORGANIZATION, ())


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"trigger": "incident_deleted_trigger"}, "trigger", "invalid trigger 'incident_deleted_trigger'"),
        ({"handles": ["@slack-ok", "@slack-ok2", "@sms-555"]}, "handles/2", "unknown handle form '@sms-555'"),
        ({"handles": []}, "handles", "a rule needs at least one handle"),
        ({"handles": "@slack-x"}, "handles", "must be a list"),
        ({"conditions": [{"field": "severity"}]}, "conditions/0/values", "this member is required"),
        (
            {"conditions": [{"field": "severity", "values": []}]},
            "conditions/0/values",
            "a condition needs at least one value",
        ),
        (
            {"conditions": [{"field": "no spaces", "values": ["x"]}]},
            "conditions/0/field",
            "'no spaces' is not a field name",
        ),
        (
            {"conditions": [{"field": "severity", "values": ["SEV-1", ""]}]},
            "conditions/0/values/1",
            "a value is 1 to 500",
        ),
        ({"conditions": [{"field": "severity", "values": [1]}]}, "conditions/0/values/0", "must be a string"),
        ({"renotify_on": ["state", "not a field"]}, "renotify_on/1", "'not a field' is not a field name"),
        ({"visibility": "team"}, "visibility", "invalid visibility 'team'"),
        ({"enabled": "yes"}, "enabled", "must be true or false"),
        ({"muted": True}, "muted", "unknown member"),
    ],
)
def test_each_wrong_member_of_a_notification_rule(change: dict[str, Any], path: str, message: str) -> None:
    field, text = refused(IncidentNotificationRule, {**RULE, **change})
    assert field == path
    assert text.startswith(message), text


def test_missing_required_members() -> None:
    for name in ("conditions", "handles", "trigger"):
        document = {k: v for k, v in RULE.items() if k != name}
        assert refused(IncidentNotificationRule, document) == (name, "this member is required")


# -- the fields a rule may read ----------------------------------------------------------

FIELDS = IncidentFields.of([("application", ("checkout", "search")), ("region_code", None)])


def checked(rule: dict[str, Any]) -> None:
    FIELDS.check(from_document(IncidentNotificationRule, rule).fields_named())


def test_built_in_and_user_defined_fields_are_known() -> None:
    checked(
        {
            **RULE,
            "conditions": [
                {"field": "state", "values": ["active", "stable"]},
                {"field": "detection_method", "values": ["monitor"]},
                {"field": "teams", "values": ["anything"]},
                {"field": "application", "values": ["checkout"]},
                {"field": "region_code", "values": ["eu-1"]},
            ],
            # The contract's example names the state `status`.
            "renotify_on": ["status", "severity", "application"],
        }
    )


@pytest.mark.parametrize(
    ("rule", "path", "message"),
    [
        (
            {
                "conditions": [
                    {"field": "severity", "values": ["SEV-1"]},
                    {"field": "colour", "values": ["red"]},
                ]
            },
            "conditions/1/field",
            "unknown incident field 'colour'",
        ),
        (
            {"conditions": [{"field": "severity", "values": ["SEV-1", "SEV-9"]}]},
            "conditions/0/values/1",
            "invalid severity 'SEV-9'",
        ),
        (
            {"conditions": [{"field": "state", "values": ["open"]}]},
            "conditions/0/values/0",
            "invalid state 'open'",
        ),
        (
            {"conditions": [{"field": "application", "values": ["billing"]}]},
            "conditions/0/values/0",
            "invalid application 'billing'; must be one of checkout, search",
        ),
        (
            {"conditions": [], "renotify_on": ["severity", "colour"]},
            "renotify_on/1",
            "unknown incident field 'colour'",
        ),
    ],
)
def test_unknown_fields_and_values_are_refused(rule: dict[str, Any], path: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        checked({**RULE, "renotify_on": [], **rule})
    assert caught.value.field == path
    assert caught.value.message.startswith(message), caught.value.message


# -- incident automation rules -----------------------------------------------------------

AUTOMATION: dict[str, Any] = {
    "condition": {"raw_query": "severity:SEV-1", "normalized_query": "severity:SEV-1"},
    "condition_table_type": 1,
    "conditions": [{"field": "severity", "values": ["SEV-1"]}],
    "enabled": True,
    "execution_type": 2,
    "incident_type_uuid": "00000000-0000-0000-0000-00000000000a",
    "match_any_condition": False,
    "task_id": "notify-incident-handles-job",
    "task_payload": '{"handles": ["@slack-incidents"]}',
    "trigger": "incident_created_trigger",
}


def test_an_automation_rule_reads_back_as_written() -> None:
    rule = from_document(IncidentRule, AUTOMATION)
    assert rule.task_id is RuleTask.NOTIFY_INCIDENT_HANDLES
    assert to_document(rule) == AUTOMATION
    assert list(rule.fields_named()) == [("conditions/0", "severity", ("SEV-1",))]


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"task_id": "send-fax-job"}, "task_id", "invalid task_id 'send-fax-job'"),
        ({"execution_type": 3}, "execution_type", "invalid execution_type 3"),
        ({"task_payload": "{not json"}, "task_payload", "task_payload must be JSON text"),
        ({"incident_type_uuid": "type-1"}, "incident_type_uuid", "incident_type_uuid must be a UUID"),
        ({"condition_table_type": 0}, "condition_table_type", "the condition table type is 1"),
        ({"trigger": "incident_deleted_trigger"}, "trigger", "invalid trigger"),
        ({"condition": {"query": "x"}}, "condition/query", "unknown member"),
    ],
)
def test_each_wrong_member_of_an_automation_rule(change: dict[str, Any], path: str, message: str) -> None:
    field, text = refused(IncidentRule, {**AUTOMATION, **change})
    assert field == path
    assert text.startswith(message), text


# -- case notification rules -------------------------------------------------------------

CASE_RULE: dict[str, Any] = {
    "is_enabled": True,
    "query": "priority:P1",
    "recipients": [
        {"type": "EMAIL", "data": {"email": "ada@example.com"}},
        {"type": "SLACK_CHANNEL", "data": {"channel": "#sec", "workspace": "acme"}},
        {"type": "MS_TEAMS_CHANNEL", "data": {"channel_name": "Ops", "team_name": "SRE", "tenant_id": "t"}},
        {"type": "PAGERDUTY_SERVICE", "data": {"service_name": "payments"}},
        {"type": "HTTP", "data": {"name": "bridge"}},
    ],
    "triggers": [
        {"type": "CASE_CREATED", "data": {}},
        {"type": "STATUS_TRANSITIONED", "data": {"from_status_name": "Open", "to_status_name": "Closed"}},
        {"type": "ATTRIBUTE_VALUE_CHANGED", "data": {"field": "priority", "change_type": "changed"}},
        {"type": "EVENT_CORRELATION_SIGNAL_CORRELATED", "data": {}},
    ],
}


def test_a_case_notification_rule_reads_back_as_written() -> None:
    rule = from_document(CaseNotificationRule, CASE_RULE)
    assert [r.kind for r in rule.recipients] == list(RecipientType)
    assert [t.kind for t in rule.triggers] == list(CaseTriggerType)
    assert to_document(rule) == CASE_RULE
    minimal = {"recipients": CASE_RULE["recipients"][:1], "triggers": [{"type": "CASE_CREATED"}]}
    # The contract's default for a new rule is enabled.
    assert to_document(from_document(CaseNotificationRule, minimal)) == {
        **minimal,
        "triggers": [{"type": "CASE_CREATED", "data": {}}],
        "is_enabled": True,
    }


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"triggers": [{"type": "CASE_DELETED"}]}, "triggers/0/type", "invalid type 'CASE_DELETED'"),
        (
            {"triggers": [{"type": "CASE_CREATED", "data": {"field": "priority"}}]},
            "triggers/0/data/field",
            "field does not apply to CASE_CREATED",
        ),
        (
            {"triggers": [{"type": "ATTRIBUTE_VALUE_CHANGED", "data": {"change_type": "added"}}]},
            "triggers/0/data/field",
            "ATTRIBUTE_VALUE_CHANGED needs field",
        ),
        (
            {
                "triggers": [
                    {"type": "ATTRIBUTE_VALUE_CHANGED", "data": {"field": "x", "change_type": "renamed"}}
                ]
            },
            "triggers/0/data/change_type",
            "invalid change_type 'renamed'",
        ),
        (
            {"triggers": [{"type": "STATUS_TRANSITIONED", "data": {"to_status_name": "Archived"}}]},
            "triggers/0/data/to_status_name",
            "unknown status 'Archived'",
        ),
        ({"triggers": []}, "triggers", "a rule needs at least one trigger"),
        ({"recipients": []}, "recipients", "a rule needs at least one recipient"),
        ({"recipients": [{"type": "SMS", "data": {}}]}, "recipients/0/type", "invalid type 'SMS'"),
        (
            {"recipients": [{"type": "EMAIL", "data": {"email": "ada"}}]},
            "recipients/0/data/email",
            "'ada' is not an email address",
        ),
        (
            {"recipients": [{"type": "EMAIL", "data": {"email": "a@b.co", "channel": "#x"}}]},
            "recipients/0/data/channel",
            "channel does not apply to EMAIL",
        ),
        ({"recipients": [{"type": "HTTP", "data": {}}]}, "recipients/0/data/name", "HTTP needs name"),
        (
            {"recipients": [{"type": "SLACK_CHANNEL", "data": {"workspace": "acme"}}]},
            "recipients/0/data/channel",
            "SLACK_CHANNEL needs channel or channel_id",
        ),
        ({"is_enabled": "no"}, "is_enabled", "must be true or false"),
    ],
)
def test_each_wrong_member_of_a_case_notification_rule(
    change: dict[str, Any], path: str, message: str
) -> None:
    field, text = refused(CaseNotificationRule, {**CASE_RULE, **change})
    assert field == path
    assert text.startswith(message), text


# -- case automation rules ---------------------------------------------------------------

CASE_AUTOMATION: dict[str, Any] = {
    "action": {"type": "EXECUTE_WORKFLOW", "data": {"handle": "workflow-handle-123"}},
    "name": "Auto-assign workflow",
    "state": "ENABLED",
    "trigger": {"type": "CASE_CREATED", "data": {}},
}


def test_a_case_automation_rule_reads_back_as_written() -> None:
    assert to_document(from_document(AutomationRule, CASE_AUTOMATION)) == CASE_AUTOMATION
    agent = {
        **CASE_AUTOMATION,
        "action": {"type": "ASSIGN_AGENT", "data": {"agent_type": "triage", "assigned_agent_id": "a1"}},
        "trigger": {"type": "CASE_REVIEW_APPROVED", "data": {"approval_type": "APPROVED"}},
    }
    assert to_document(from_document(AutomationRule, agent)) == agent


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"name": "  "}, "name", "name must be 1 to 200 characters"),
        ({"state": "PAUSED"}, "state", "invalid state 'PAUSED'"),
        ({"trigger": {"type": "CASE_CLOSED"}}, "trigger/type", "invalid type 'CASE_CLOSED'"),
        (
            {"trigger": {"type": "COMMENT_ADDED", "data": {"field": "x"}}},
            "trigger/data/field",
            "field does not apply to COMMENT_ADDED",
        ),
        (
            {
                "trigger": {
                    "type": "ATTRIBUTE_VALUE_CHANGED",
                    "data": {"field": "x", "change_type": "changed"},
                }
            },
            "trigger/data/change_type",
            "invalid change_type 'changed'; must be one of VALUE_ADDED",
        ),
        (
            {"action": {"type": "EXECUTE_WORKFLOW", "data": {}}},
            "action/data/handle",
            "EXECUTE_WORKFLOW needs handle",
        ),
        (
            {"action": {"type": "ASSIGN_AGENT", "data": {"agent_type": "triage"}}},
            "action/data/assigned_agent_id",
            "ASSIGN_AGENT needs assigned_agent_id",
        ),
        (
            {
                "action": {
                    "type": "ASSIGN_AGENT",
                    "data": {"handle": "w", "agent_type": "a", "assigned_agent_id": "b"},
                }
            },
            "action/data/handle",
            "handle does not apply to ASSIGN_AGENT",
        ),
        ({"action": {"type": "EXECUTE_WORKFLOW"}}, "action/data", "this member is required"),
    ],
)
def test_each_wrong_member_of_a_case_automation_rule(change: dict[str, Any], path: str, message: str) -> None:
    field, text = refused(AutomationRule, {**CASE_AUTOMATION, **change})
    assert field == path
    assert text.startswith(message), text
