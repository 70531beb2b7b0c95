"""Project settings through the official client: the whole of Datadog's `ProjectSettings`
reads back exactly as written, and each wrong member is a 400 that points at it."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import httpx
import pytest
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.model.project_update_request import ProjectUpdateRequest
from sqlalchemy import select, update

from casedesk.adapters.db.schema import core as t
from casedesk.bootstrap import Container
from tests.api import dd
from tests.api.incidents_dd import model

PROJECTS = "/api/v2/cases/projects"

# Every member the contract defines, with the monitor handle where Datadog keeps it.
FULL: dict[str, Any] = {
    "auto_close_inactive_cases": {"enabled": True, "max_inactive_time_in_secs": 604800},
    "auto_transition_assigned_cases": {"auto_transition_assigned_cases_on_self_assigned": True},
    "integration_incident": {
        "auto_escalation_query": "priority:P1 status:open",
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
                "custom_fields": {"customfield_1": {"sync_type": "once", "value": "fixed"}},
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
            {"enabled": True, "id": "q1", "query": "priority:(P1 OR P2)", "target": {"team_id": "t1"}},
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


def body(settings: dict[str, Any]) -> dict[str, Any]:
    return {"data": {"type": "project", "attributes": {"settings": settings}}}


def request(settings: dict[str, Any]) -> ProjectUpdateRequest:
    return model(ProjectUpdateRequest, body(settings))


def with_handle(settings: dict[str, Any], handle: str) -> dict[str, Any]:
    shown = copy.deepcopy(settings)
    shown["integration_monitor"] = {**shown.get("integration_monitor", {}), "handle": handle}
    return shown


def refusal(api: CaseManagementApi, project_id: str, settings: dict[str, Any]) -> str:
    with pytest.raises(ApiException) as caught:
        api.update_project(project_id, request(settings))
    assert caught.value.status == 400, caught.value.body
    [message] = dd.error_messages(caught.value)
    return message


def test_every_member_reads_back_as_written(
    cases_api: CaseManagementApi, http: httpx.Client, project: dict[str, Any]
) -> None:
    handle = project["attributes"]["handle"]
    updated = cases_api.update_project(project["id"], request(FULL)).data.attributes
    assert updated.settings.to_dict() == with_handle(FULL, handle)
    got = cases_api.get_project(project["id"]).data.attributes
    assert not got.settings._unparsed
    assert got.settings.to_dict() == with_handle(FULL, handle)
    # The JSON itself, not only the client's reading of it.
    raw = http.get(f"{PROJECTS}/{project['id']}").json()["data"]["attributes"]["settings"]
    assert raw == with_handle(FULL, handle)
    assert handle in {p.attributes["handle"] for p in cases_api.get_projects().data if p.id == project["id"]}


def test_sections_not_sent_stay_and_a_handle_alone_keeps_the_monitor_settings(
    cases_api: CaseManagementApi, http: httpx.Client, project: dict[str, Any]
) -> None:
    cases_api.update_project(project["id"], request(FULL))
    notification = {"enabled": False}
    cases_api.update_project(project["id"], request({"notification": notification}))
    handle = "sec-" + uuid.uuid4().hex[:8]
    cases_api.update_project(project["id"], request({"integration_monitor": {"handle": handle}}))
    raw = http.get(f"{PROJECTS}/{project['id']}").json()["data"]["attributes"]["settings"]
    assert raw == with_handle({**FULL, "notification": notification}, handle)
    # A monitor section with more than the handle replaces the monitor settings.
    cases_api.update_project(
        project["id"], request({"integration_monitor": {"handle": handle, "enabled": False}})
    )
    raw = http.get(f"{PROJECTS}/{project['id']}").json()["data"]["attributes"]["settings"]
    assert raw["integration_monitor"] == {"enabled": False, "handle": handle}


@pytest.mark.parametrize(
    ("settings", "pointer", "message"),
    [
        ({"notification": {"destinations": [1, 4]}}, "notification/destinations/1", "invalid destinations 4"),
        (
            {"notification": {"destinations": [2, 2]}},
            "notification/destinations/1",
            "destination 2 is listed twice",
        ),
        (
            {"auto_close_inactive_cases": {"enabled": True}},
            "auto_close_inactive_cases/max_inactive_time_in_secs",
            "auto-close needs the inactive time",
        ),
        (
            {"auto_close_inactive_cases": {"enabled": True, "max_inactive_time_in_secs": -60}},
            "auto_close_inactive_cases/max_inactive_time_in_secs",
            "must be between 1 and",
        ),
        (
            {
                "integration_incident": {
                    "severity_config": {"priority_mapping": {"SEV-1": "P1", "SEV-9": "P2"}}
                }
            },
            "integration_incident/severity_config/priority_mapping/SEV-9",
            "unknown severity 'SEV-9'",
        ),
        (
            {"integration_incident": {"auto_escalation_query": "priority:P9"}},
            "integration_incident/auto_escalation_query",
            "",
        ),
        (
            {
                "integration_on_call": {
                    "escalation_queries": [{"query": "status:open"}, {"query": "status:(open"}]
                }
            },
            "integration_on_call/escalation_queries/1/query",
            "",
        ),
    ],
)
def test_wrong_values_are_refused_with_a_pointer(
    cases_api: CaseManagementApi,
    project: dict[str, Any],
    settings: dict[str, Any],
    pointer: str,
    message: str,
) -> None:
    text = refusal(cases_api, project["id"], settings)
    assert text.startswith(f"/data/attributes/settings/{pointer}: {message}"), text
    # Nothing was stored.
    assert cases_api.get_project(project["id"]).data.attributes.settings.to_dict() == with_handle(
        {}, project["attributes"]["handle"]
    )


@pytest.mark.parametrize(
    ("settings", "pointer", "message"),
    [
        ({"notification": {"enabled": "yes"}}, "notification/enabled", "must be true or false"),
        (
            {"notification": {"notify_on_case_comments": True}},
            "notification/notify_on_case_comments",
            "unknown member",
        ),
        ({"notification": {"destinations": "email"}}, "notification/destinations", "must be a list"),
        (
            {"auto_close_inactive_cases": {"max_inactive_time_in_secs": "7d"}},
            "auto_close_inactive_cases/max_inactive_time_in_secs",
            "must be a whole number",
        ),
        (
            {"integration_jira": {"metadata": {"project_id": 12}}},
            "integration_jira/metadata/project_id",
            "must be a string",
        ),
        ({"integration_slack": {"enabled": True}}, "integration_slack", "unknown member"),
        (
            {"integration_monitor": {"handle": 12}},
            "integration_monitor/handle",
            "the handle must be a string",
        ),
        ({"notification": []}, "notification", ""),
    ],
)
def test_wrong_types_and_unknown_members_are_refused_with_a_pointer(
    http: httpx.Client, project: dict[str, Any], settings: dict[str, Any], pointer: str, message: str
) -> None:
    response = http.patch(f"{PROJECTS}/{project['id']}", json=body(settings))
    assert response.status_code == 400, response.text
    assert dd.only_message(response).startswith(f"/data/attributes/settings/{pointer}: {message}")


def test_settings_stored_before_they_were_checked_still_read(
    http: httpx.Client, container: Container, project: dict[str, Any]
) -> None:
    legacy = {
        "notification": {"enabled": True, "x": 1},
        "auto_close_inactive_cases": {"enabled": "yes", "max_inactive_time_in_secs": 3600},
        "integration_monitor": {"handle": "stale", "enabled": True},
        "integration_chat": {"enabled": True},
    }
    with container.engine.begin() as conn:
        conn.execute(
            update(t.projects).where(t.projects.c.id == uuid.UUID(project["id"])).values(settings=legacy)
        )
    response = http.get(f"{PROJECTS}/{project['id']}")
    assert response.status_code == 200, response.text
    # What is no longer accepted is dropped; the project's own handle is shown.
    assert response.json()["data"]["attributes"]["settings"] == {
        "notification": {"enabled": True},
        "auto_close_inactive_cases": {"max_inactive_time_in_secs": 3600},
        "integration_monitor": {"enabled": True, "handle": project["attributes"]["handle"]},
    }
    # The next write stores the checked document.
    patch = http.patch(
        f"{PROJECTS}/{project['id']}", json={"data": {"type": "project", "attributes": {"name": "R"}}}
    )
    assert patch.status_code == 200, patch.text
    with container.engine.connect() as conn:
        stored = conn.execute(
            select(t.projects.c.settings).where(t.projects.c.id == uuid.UUID(project["id"]))
        ).scalar()
    assert stored == {
        "notification": {"enabled": True},
        "auto_close_inactive_cases": {"max_inactive_time_in_secs": 3600},
        "integration_monitor": {"enabled": True},
    }
