"""Incident notification rules and incident automation rules through the official client: a
whole rule reads back exactly as written, a PUT replaces it, and an unknown trigger, handle
form or condition field is a 400 that points at it."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v2.api.incidents_api import IncidentsApi
from datadog_api_client.v2.model.create_incident_notification_rule_request import (
    CreateIncidentNotificationRuleRequest,
)
from datadog_api_client.v2.model.create_incident_notification_template_request import (
    CreateIncidentNotificationTemplateRequest,
)
from datadog_api_client.v2.model.incident_rule_request import IncidentRuleRequest
from datadog_api_client.v2.model.incident_type_create_request import IncidentTypeCreateRequest
from datadog_api_client.v2.model.incident_user_defined_field_create_request import (
    IncidentUserDefinedFieldCreateRequest,
)
from datadog_api_client.v2.model.put_incident_notification_rule_request import (
    PutIncidentNotificationRuleRequest,
)

from tests.api import dd
from tests.api import incidents_dd as idd
from tests.api.incidents_dd import model

RULES = "/api/v2/incidents/config/notification-rules"
READ_ONLY = ("created", "modified")


def new_type(api: IncidentsApi) -> str:
    body = {"data": {"type": "incident_types", "attributes": {"name": f"Type {uuid.uuid4().hex[:6]}"}}}
    return str(api.create_incident_type(model(IncidentTypeCreateRequest, body)).data.id)


def new_field(api: IncidentsApi, type_id: str, values: list[str]) -> str:
    name = f"application_{uuid.uuid4().hex[:6]}"
    body = {
        "data": {
            "type": "user_defined_field",
            "attributes": {
                "name": name,
                "type": 1,
                "valid_values": [{"value": v, "display_name": v} for v in values],
            },
            "relationships": {"incident_type": {"data": {"id": type_id, "type": "incident_types"}}},
        }
    }
    api.create_incident_user_defined_field(model(IncidentUserDefinedFieldCreateRequest, body))
    return name


def new_template(api: IncidentsApi) -> str:
    body = {
        "data": {
            "type": "notification_templates",
            "attributes": {
                "name": "Page",
                "subject": "{{incident.title}}",
                "content": "Declared",
                "category": "alert",
            },
        }
    }
    return str(
        api.create_incident_notification_template(
            model(CreateIncidentNotificationTemplateRequest, body)
        ).data.id
    )


def rule_body(attributes: dict[str, Any], **relationships: tuple[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {"type": "incident_notification_rules", "attributes": attributes}
    if relationships:
        data["relationships"] = {
            name: {"data": {"id": i, "type": t}} for name, (i, t) in relationships.items()
        }
    return {"data": data}


def attributes_of(response: httpx.Response) -> dict[str, Any]:
    shown = dict(response.json()["data"]["attributes"])
    for name in READ_ONLY:
        shown.pop(name)
    return shown


def full_rule(field: str) -> dict[str, Any]:
    return {
        "conditions": [
            {"field": "severity", "values": ["SEV-1", "SEV-2"]},
            {"field": "services", "values": ["web-store"]},
            {"field": field, "values": ["checkout"]},
        ],
        "enabled": True,
        "handles": [
            "@team-email@company.com",
            "@slack-incidents",
            "@incident-slack-channel",
            "@teams-ops",
            "@webhook-bridge",
            "@pagerduty-payments",
            "@oncall-payments",
            "@workflow-from-incident",
        ],
        "renotify_on": ["status", "severity", field],
        "trigger": "incident_modified_trigger",
        "visibility": "private",
    }


def test_a_whole_rule_reads_back_exactly_and_a_put_replaces_it(
    incidents_api: IncidentsApi, http: httpx.Client
) -> None:
    type_id = new_type(incidents_api)
    field = new_field(incidents_api, type_id, ["checkout", "search"])
    template_id = new_template(incidents_api)
    sent = full_rule(field)
    relationships = {
        "incident_type": (type_id, "incident_types"),
        "notification_template": (template_id, "notification_templates"),
    }
    created = incidents_api.create_incident_notification_rule(
        model(CreateIncidentNotificationRuleRequest, rule_body(sent, **relationships))
    ).data
    assert not created._unparsed
    assert created.relationships.incident_type.data.id == type_id
    assert str(created.relationships.notification_template.data.id) == template_id
    got = incidents_api.get_incident_notification_rule(created.id).data.attributes.to_dict()
    for name in READ_ONLY:
        got.pop(name)
    assert got == sent
    assert attributes_of(http.get(f"{RULES}/{created.id}")) == sent

    # A PUT is the whole rule: what it leaves out goes back to the defaults.
    smaller = {"conditions": [], "handles": ["@slack-incidents"], "trigger": "incident_created_trigger"}
    put = rule_body(smaller)
    put["data"]["id"] = str(created.id)
    incidents_api.update_incident_notification_rule(
        created.id, model(PutIncidentNotificationRuleRequest, put)
    )
    response = http.get(f"{RULES}/{created.id}")
    assert attributes_of(response) == {
        **smaller,
        "enabled": False,
        "renotify_on": [],
        "visibility": "organization",
    }
    assert "notification_template" not in response.json()["data"]["relationships"]


def refusal(api: IncidentsApi, attributes: dict[str, Any], **relationships: tuple[str, str]) -> str:
    with pytest.raises(ApiException) as caught:
        api.create_incident_notification_rule(
            model(CreateIncidentNotificationRuleRequest, rule_body(attributes, **relationships))
        )
    assert caught.value.status == 400, caught.value.body
    [message] = dd.error_messages(caught.value)
    return message


RULE = {
    "conditions": [{"field": "severity", "values": ["SEV-1"]}],
    "handles": ["@slack-ops"],
    "trigger": "incident_created_trigger",
}


@pytest.mark.parametrize(
    ("change", "pointer", "message"),
    [
        ({"trigger": "incident_deleted_trigger"}, "trigger", "invalid trigger 'incident_deleted_trigger'"),
        (
            {"handles": ["@slack-ops", "@ada@example.com", "@sms-555"]},
            "handles/2",
            "unknown handle form '@sms-555'",
        ),
        ({"handles": ["@slack-ops", "ops@example.com"]}, "handles/1", "'ops@example.com' is not a handle"),
        ({"handles": []}, "handles", "a rule needs at least one handle"),
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
            {"conditions": [{"field": "severity", "values": ["SEV-9"]}]},
            "conditions/0/values/0",
            "invalid severity 'SEV-9'",
        ),
        (
            {"conditions": [{"field": "state", "values": []}]},
            "conditions/0/values",
            "a condition needs at least one value",
        ),
        ({"renotify_on": ["severity", "colour"]}, "renotify_on/1", "unknown incident field 'colour'"),
        ({"visibility": "team"}, "visibility", "invalid visibility 'team'"),
    ],
)
def test_wrong_rules_are_refused_with_a_pointer(
    incidents_api: IncidentsApi, change: dict[str, Any], pointer: str, message: str
) -> None:
    assert refusal(incidents_api, {**RULE, **change}).startswith(f"/data/attributes/{pointer}: {message}")


def test_a_rule_may_read_only_the_fields_of_its_incident_type(incidents_api: IncidentsApi) -> None:
    type_id, other_type = new_type(incidents_api), new_type(incidents_api)
    field = new_field(incidents_api, type_id, ["checkout"])
    condition = {"conditions": [{"field": field, "values": ["checkout"]}]}
    incidents_api.create_incident_notification_rule(
        model(
            CreateIncidentNotificationRuleRequest,
            rule_body({**RULE, **condition}, incident_type=(type_id, "incident_types")),
        )
    )
    message = refusal(incidents_api, {**RULE, **condition}, incident_type=(other_type, "incident_types"))
    assert message.startswith(f"/data/attributes/conditions/0/field: unknown incident field '{field}'")
    wrong_value = {"conditions": [{"field": field, "values": ["search"]}]}
    message = refusal(incidents_api, {**RULE, **wrong_value}, incident_type=(type_id, "incident_types"))
    assert message.startswith(f"/data/attributes/conditions/0/values/0: invalid {field} 'search'")


@pytest.mark.parametrize(
    ("change", "pointer", "message"),
    [
        ({"enabled": "yes"}, "enabled", "must be true or false"),
        ({"handles": "@slack-ops"}, "handles", "must be a list"),
        ({"handles": [7]}, "handles/0", "a handle is a string"),
        ({"conditions": [{"field": "severity", "values": "SEV-1"}]}, "conditions/0/values", "must be a list"),
        ({"conditions": [{"values": ["SEV-1"]}]}, "conditions/0/field", "this member is required"),
        ({"muted": True}, "muted", "unknown member"),
    ],
)
def test_wrong_types_are_refused_with_a_pointer(
    http: httpx.Client, change: dict[str, Any], pointer: str, message: str
) -> None:
    response = http.post(RULES, json=rule_body({**RULE, **change}))
    assert response.status_code == 400, response.text
    assert dd.only_message(response).startswith(f"/data/attributes/{pointer}: {message}")


def test_a_malformed_put_is_refused_before_the_rule_is_looked_up(http: httpx.Client) -> None:
    body = rule_body({**RULE, "trigger": "whenever"})
    body["data"]["id"] = idd.SOME_UUID
    response = http.put(f"{RULES}/{idd.SOME_UUID}", json=body)
    assert response.status_code == 400, response.text
    assert dd.only_message(response).startswith("/data/attributes/trigger: ")
    body = rule_body(RULE)
    body["data"]["id"] = idd.SOME_UUID
    assert http.put(f"{RULES}/{idd.SOME_UUID}", json=body).status_code == 404


def test_a_rule_naming_an_unknown_template_is_404(http: httpx.Client) -> None:
    body = rule_body(RULE, notification_template=(idd.SOME_UUID, "notification_templates"))
    response = http.post(RULES, json=body)
    assert response.status_code == 404, response.text
    assert idd.SOME_UUID not in {r["id"] for r in http.get(RULES).json()["data"]}


# -- incident automation rules -----------------------------------------------------------

AUTOMATION: dict[str, Any] = {
    "condition": {"raw_query": "severity:SEV-1", "normalized_query": "severity:SEV-1"},
    "condition_table_type": 1,
    "conditions": [{"field": "severity", "values": ["SEV-1"]}],
    "enabled": True,
    "execution_type": 2,
    "match_any_condition": False,
    "task_id": "notify-incident-handles-job",
    "task_payload": '{"handles": ["@slack-incidents"]}',
    "trigger": "incident_created_trigger",
}


def automation_body(attributes: dict[str, Any]) -> dict[str, Any]:
    return {"data": {"type": "incident_rules", "attributes": attributes}}


def test_an_automation_rule_reads_back_exactly(incidents_api: IncidentsApi, http: httpx.Client) -> None:
    created = incidents_api.create_incident_rule(model(IncidentRuleRequest, automation_body(AUTOMATION))).data
    assert not created._unparsed
    shown = http.get(f"/api/v2/incidents/config/rules/{created.id}").json()["data"]["attributes"]
    assert {k: v for k, v in shown.items() if k in AUTOMATION} == AUTOMATION


@pytest.mark.parametrize(
    ("change", "pointer", "message"),
    [
        ({"condition": {"raw_query": "severity:(SEV-1"}}, "condition/raw_query", ""),
        ({"task_payload": "{not json"}, "task_payload", "task_payload must be JSON text"),
        (
            {"conditions": [{"field": "colour", "values": ["red"]}]},
            "conditions/0/field",
            "unknown incident field",
        ),
    ],
)
def test_wrong_automation_rules_are_refused_with_a_pointer(
    incidents_api: IncidentsApi, change: dict[str, Any], pointer: str, message: str
) -> None:
    with pytest.raises(ApiException) as caught:
        incidents_api.create_incident_rule(
            model(IncidentRuleRequest, automation_body({**AUTOMATION, **change}))
        )
    assert caught.value.status == 400, caught.value.body
    [text] = dd.error_messages(caught.value)
    assert text.startswith(f"/data/attributes/{pointer}: {message}"), text


def test_an_automation_rule_type_must_be_a_uuid(http: httpx.Client) -> None:
    # The official client refuses to send this one.
    body = automation_body({**AUTOMATION, "incident_type_uuid": "type-1"})
    response = http.post("/api/v2/incidents/config/rules", json=body)
    assert response.status_code == 400, response.text
    message = dd.only_message(response)
    assert message == "/data/attributes/incident_type_uuid: incident_type_uuid must be a UUID"
