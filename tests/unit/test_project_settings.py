"""Project settings as a typed value: Datadog's whole `ProjectSettings` document reads back as
written, each wrong member is refused at its path, and sections replace sections."""

from __future__ import annotations

from typing import Any

import pytest

from casedesk.domain.documents import from_document, to_document
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.projects.settings import (
    AutoCloseInactiveCases,
    IntegrationMonitor,
    NotificationDestination,
    NotificationSettings,
    ProjectSettings,
)

# Every member the contract defines.
FULL: dict[str, Any] = {
    "auto_close_inactive_cases": {"enabled": True, "max_inactive_time_in_secs": 604800},
    "auto_transition_assigned_cases": {"auto_transition_assigned_cases_on_self_assigned": True},
    "integration_incident": {
        "auto_escalation_query": "priority:P1",
        "default_incident_commander": "00000000-0000-0000-0000-000000000001",
        "enabled": True,
        "field_mappings": [{"case_field": "team", "incident_user_defined_field_id": "udf-1"}],
        "incident_type": "00000000-0000-0000-0000-00000000000a",
        "severity_config": {"priority_mapping": {"SEV-1": "P1", "SEV-2": "P2"}},
    },
    "integration_jira": {
        "auto_creation": {"enabled": False},
        "enabled": True,
        "metadata": {"account_id": "acc", "issue_type_id": "10001", "project_id": "SEC"},
        "sync": {
            "enabled": True,
            "properties": {
                "assignee": {"sync_type": "two_way"},
                "comments": {"sync_type": "one_way"},
                "custom_fields": {"customfield_1": {"sync_type": "once", "value": {"id": [1, "a"]}}},
                "description": {"sync_type": "two_way"},
                "due_date": {"jira_field_id": "duedate", "sync_type": "one_way"},
                "priority": {
                    "mapping": {"P1": "1"},
                    "name_mapping": {"P1": "Highest"},
                    "sync_type": "two_way",
                },
                "status": {"mapping": {"OPEN": "10"}, "sync_type": "two_way"},
                "title": {"sync_type": "two_way"},
            },
        },
    },
    "integration_monitor": {"auto_resolve_enabled": True, "case_type_id": "type-1", "enabled": True},
    "integration_on_call": {
        "auto_assign_on_call": True,
        "enabled": True,
        "escalation_queries": [
            {"enabled": True, "id": "q1", "query": "priority:P1", "target": {"team_id": "t1"}},
            {"id": "q2", "target": {"dynamic_team_paging": True, "user_id": "u1"}},
        ],
    },
    "integration_service_now": {
        "assignment_group": "ops",
        "auto_creation": {"enabled": True},
        "enabled": True,
        "instance_name": "acme",
        "sync_config": {
            "enabled": True,
            "properties": {
                "comments": {"sync_type": "one_way"},
                "priority": {
                    "impact_mapping": {"P1": "1"},
                    "sync_type": "one_way",
                    "urgency_mapping": {"P1": "1"},
                },
                "status": {"mapping": {"CLOSED": "7"}, "sync_type": "one_way"},
            },
        },
    },
    "notification": {
        "destinations": [1, 2, 3],
        "enabled": True,
        "notify_on_case_assignment": True,
        "notify_on_case_closed": False,
        "notify_on_case_comment": True,
        "notify_on_case_comment_mention": True,
        "notify_on_case_priority_change": False,
        "notify_on_case_status_change": True,
        "notify_on_case_unassignment": False,
    },
}


def read(document: dict[str, Any]) -> ProjectSettings:
    return from_document(ProjectSettings, document, path="settings")


def refused(document: dict[str, Any]) -> tuple[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        read(document)
    return caught.value.field, caught.value.message


def test_every_member_reads_back_as_written() -> None:
    settings = read(FULL)
    assert settings.notification is not None
    assert settings.notification.destinations == tuple(NotificationDestination)
    assert to_document(settings) == FULL
    assert to_document(read({})) == {}
    assert to_document(read({"notification": {}})) == {"notification": {}}


@pytest.mark.parametrize(
    ("document", "path", "message"),
    [
        ({"notification": {"destinations": [1, 4]}}, "notification/destinations/1", "invalid destinations 4"),
        (
            {"notification": {"destinations": [2, 2]}},
            "notification/destinations/1",
            "destination 2 is listed twice",
        ),
        ({"notification": {"enabled": "true"}}, "notification/enabled", "must be true or false"),
        (
            {"notification": {"notify_on_case_comments": True}},
            "notification/notify_on_case_comments",
            "unknown member",
        ),
        ({"notification": []}, "notification", "must be an object"),
        (
            {"auto_close_inactive_cases": {"max_inactive_time_in_secs": 0}},
            "auto_close_inactive_cases/max_inactive_time_in_secs",
            "must be between 1 and",
        ),
        (
            {"auto_close_inactive_cases": {"max_inactive_time_in_secs": "7d"}},
            "auto_close_inactive_cases/max_inactive_time_in_secs",
            "must be a whole number",
        ),
        (
            {"auto_close_inactive_cases": {"enabled": True}},
            "auto_close_inactive_cases/max_inactive_time_in_secs",
            "auto-close needs the inactive time",
        ),
        (
            {"integration_incident": {"severity_config": {"priority_mapping": {"SEV-9": "P1"}}}},
            "integration_incident/severity_config/priority_mapping/SEV-9",
            "unknown severity 'SEV-9'",
        ),
        (
            {"integration_incident": {"severity_config": {"priority_mapping": {"SEV-1": "P9"}}}},
            "integration_incident/severity_config/priority_mapping/SEV-1",
            "unknown priority 'P9'",
        ),
        (
            {"integration_incident": {"field_mappings": {"case_field": "x"}}},
            "integration_incident/field_mappings",
            "must be a list",
        ),
        (
            {"integration_on_call": {"escalation_queries": [{"target": {"team": "t"}}]}},
            "integration_on_call/escalation_queries/0/target/team",
            "unknown member",
        ),
        (
            {"integration_jira": {"sync": {"properties": {"status": {"mapping": {"OPEN": 10}}}}}},
            "integration_jira/sync/properties/status/mapping/OPEN",
            "must be a string",
        ),
        (
            {"integration_service_now": {"enabled": 1}},
            "integration_service_now/enabled",
            "must be true or false",
        ),
        ({"integration_slack": {}}, "integration_slack", "unknown member"),
    ],
)
def test_each_wrong_member_is_refused_at_its_path(document: dict[str, Any], path: str, message: str) -> None:
    field, text = refused(document)
    assert field == f"settings/{path}"
    assert text.startswith(message), text


def test_a_section_sent_replaces_that_section_only() -> None:
    stored = ProjectSettings(
        auto_close_inactive_cases=AutoCloseInactiveCases(enabled=True, max_inactive_time_in_secs=60),
        notification=NotificationSettings(enabled=True, notify_on_case_comment=True),
    )
    sent = ProjectSettings(
        notification=NotificationSettings(enabled=False), integration_monitor=IntegrationMonitor()
    )
    assert stored.updated(sent) == ProjectSettings(
        auto_close_inactive_cases=stored.auto_close_inactive_cases,
        notification=NotificationSettings(enabled=False),
        integration_monitor=IntegrationMonitor(),
    )
    assert stored.updated(ProjectSettings()) == stored


def test_the_queries_settings_hold_are_listed_with_their_paths() -> None:
    assert read(FULL).queries() == [
        ("integration_incident/auto_escalation_query", "priority:P1"),
        ("integration_on_call/escalation_queries/0/query", "priority:P1"),
    ]
    assert read({"integration_incident": {"enabled": True}}).queries() == []


def test_settings_are_immutable() -> None:
    settings = read(FULL)
    with pytest.raises(AttributeError):
        settings.notification = None  # type: ignore[misc]
