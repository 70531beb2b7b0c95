"""Incident settings through the official client: incident types, user-defined fields,
impact fields, notification templates and rules, postmortem templates, automation rules,
user-defined roles, global handles and settings, org settings, per-incident configuration,
and the operations about products casedesk does not host."""

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
from datadog_api_client.v2.model.global_incident_settings_request import GlobalIncidentSettingsRequest
from datadog_api_client.v2.model.incident_configuration_patch_request import IncidentConfigurationPatchRequest
from datadog_api_client.v2.model.incident_configuration_request import IncidentConfigurationRequest
from datadog_api_client.v2.model.incident_handle_request import IncidentHandleRequest
from datadog_api_client.v2.model.incident_impact_field_request import IncidentImpactFieldRequest
from datadog_api_client.v2.model.incident_rule_request import IncidentRuleRequest
from datadog_api_client.v2.model.incident_type_create_request import IncidentTypeCreateRequest
from datadog_api_client.v2.model.incident_type_patch_request import IncidentTypePatchRequest
from datadog_api_client.v2.model.incident_user_defined_field_create_request import (
    IncidentUserDefinedFieldCreateRequest,
)
from datadog_api_client.v2.model.incident_user_defined_field_update_request import (
    IncidentUserDefinedFieldUpdateRequest,
)
from datadog_api_client.v2.model.incident_user_defined_role_request import IncidentUserDefinedRoleRequest
from datadog_api_client.v2.model.patch_incident_notification_template_request import (
    PatchIncidentNotificationTemplateRequest,
)
from datadog_api_client.v2.model.postmortem_template_request import PostmortemTemplateRequest
from datadog_api_client.v2.model.put_incident_notification_rule_request import (
    PutIncidentNotificationRuleRequest,
)

from tests.api import dd
from tests.api import incidents_dd as idd
from tests.api.incidents_dd import model


def refused(call: Any, *args: Any) -> ApiException:
    with pytest.raises(ApiException) as caught:
        call(*args)
    return caught.value


def new_type(api: IncidentsApi, name: str | None = None, **attributes: Any) -> Any:
    body = {
        "data": {
            "type": "incident_types",
            "attributes": {"name": name or f"Type {uuid.uuid4().hex[:6]}", **attributes},
        }
    }
    return api.create_incident_type(model(IncidentTypeCreateRequest, body)).data


def type_ref(type_id: str) -> dict[str, Any]:
    return {"incident_type": {"data": {"id": type_id, "type": "incident_types"}}}


# -- incident types and org settings -----------------------------------------------------


def test_incident_types(incidents_api: IncidentsApi) -> None:
    listed = incidents_api.list_incident_types()
    assert not listed._unparsed
    builtin = [t for t in listed.data if t.attributes.is_default]
    assert len(builtin) == 1
    created = new_type(incidents_api, "Security", description="Breaches", prefix="SEC")
    assert created.attributes.name == "Security"
    assert created.attributes.prefix == "SEC"
    assert created.attributes.is_default is False
    assert created.attributes.created_at is not None

    patch = {"data": {"id": created.id, "type": "incident_types", "attributes": {"is_default": True}}}
    updated = incidents_api.update_incident_type(created.id, model(IncidentTypePatchRequest, patch)).data
    assert updated.attributes.is_default is True
    defaults = [t.id for t in incidents_api.list_incident_types().data if t.attributes.is_default]
    assert defaults == [created.id]
    # New incidents take the default type; the default cannot be deleted.
    incident = idd.create(incidents_api).data
    assert incident.attributes.incident_type_uuid == created.id
    assert refused(incidents_api.delete_incident_type, created.id).status == 400

    back = {"data": {"id": builtin[0].id, "type": "incident_types", "attributes": {"is_default": True}}}
    incidents_api.update_incident_type(builtin[0].id, model(IncidentTypePatchRequest, back))
    incidents_api.delete_incident_type(created.id)
    assert refused(incidents_api.get_incident_type, created.id).status == 404
    assert created.id not in {t.id for t in incidents_api.list_incident_types().data}
    assert created.id in {t.id for t in incidents_api.list_incident_types(include_deleted=True).data}
    # Incidents of a deleted type keep it.
    assert incidents_api.get_incident(incident.id).data.attributes.incident_type_uuid == created.id


def test_org_settings(incidents_api: IncidentsApi) -> None:
    created = new_type(incidents_api, configuration={"test_incidents": False})
    listed = incidents_api.list_org_settings()
    assert not listed._unparsed
    assert uuid.UUID(created.id) in {s.id for s in listed.data}
    one = incidents_api.get_org_settings_by_incident_type(uuid.UUID(created.id))
    assert one.data.attributes.settings["test_incidents"] is False


def test_incident_type_errors(http: httpx.Client) -> None:
    response = http.post(
        "/api/v2/incidents/config/types", json={"data": {"type": "incident_types", "attributes": {}}}
    )
    assert response.status_code == 400
    assert dd.only_message(response).startswith("/data/attributes/name")
    response = http.post(
        "/api/v2/incidents/config/types", json={"data": {"type": "cases", "attributes": {"name": "x"}}}
    )
    assert dd.only_message(response).startswith("/data/type")
    assert http.get("/api/v2/incidents/config/types/nope").status_code == 400
    assert http.get(f"/api/v2/incidents/config/types/{idd.SOME_UUID}").status_code == 404


# -- user-defined fields -----------------------------------------------------------------


def udf_body(type_id: str, name: str, **attributes: Any) -> dict[str, Any]:
    return {
        "data": {
            "type": "user_defined_field",
            "attributes": {"name": name, "type": 1, **attributes},
            "relationships": type_ref(type_id),
        }
    }


def test_user_defined_fields_shape_incident_fields(incidents_api: IncidentsApi, http: httpx.Client) -> None:
    incident_type = new_type(incidents_api)
    name = f"region_{uuid.uuid4().hex[:6]}"
    values = [{"display_name": "EU", "value": "eu"}, {"display_name": "US", "value": "us"}]
    created = incidents_api.create_incident_user_defined_field(
        model(IncidentUserDefinedFieldCreateRequest, udf_body(incident_type.id, name, valid_values=values))
    )
    assert not created._unparsed
    field = created.data
    assert field.attributes.name == name
    assert field.attributes.type == 1
    assert field.relationships.incident_type.data.id == incident_type.id
    assert incidents_api.get_incident_user_defined_field(field.id).data.id == field.id
    listed = incidents_api.list_incident_user_defined_fields(filter_incident_type=incident_type.id)
    assert not listed._unparsed
    assert [f.id for f in listed.data] == [field.id]

    ok = idd.create(incidents_api, incident_type_uuid=incident_type.id, fields={name: idd.single("eu")})
    assert ok.data.attributes.fields[name].value == "eu"
    body = idd.create_body(
        incident_type_uuid=incident_type.id, fields={name: {"type": "dropdown", "value": "mars"}}
    )
    response = http.post("/api/v2/incidents", json=body)
    assert response.status_code == 400
    assert dd.only_message(response).startswith(f"/data/attributes/fields/{name}")

    update = {
        "data": {"id": field.id, "type": "user_defined_field", "attributes": {"display_name": "Region"}}
    }
    updated = incidents_api.update_incident_user_defined_field(
        field.id, model(IncidentUserDefinedFieldUpdateRequest, update)
    )
    assert updated.data.attributes.display_name == "Region"
    # One name per incident type.
    twice = http.post(
        "/api/v2/incidents/config/user-defined-fields",
        json=udf_body(incident_type.id, name, valid_values=values),
    )
    assert twice.status_code == 400
    [error] = twice.json()["errors"]  # these operations answer with JSON:API error objects
    assert error["source"]["pointer"] == "/data/attributes/name"
    incidents_api.delete_incident_user_defined_field(field.id)
    assert refused(incidents_api.get_incident_user_defined_field, field.id).status == 404


def test_user_defined_field_errors(incidents_api: IncidentsApi, http: httpx.Client) -> None:
    path = "/api/v2/incidents/config/user-defined-fields"
    incident_type = new_type(incidents_api)
    for body, pointer in (
        (udf_body(incident_type.id, "x", type=9), "/data/attributes/type"),
        (udf_body(incident_type.id, "x"), "/data/attributes/valid_values"),
        (udf_body(idd.SOME_UUID, "x", type=3), "/data/relationships/incident_type/data/id"),
        (
            {"data": {"type": "user_defined_field", "attributes": {"name": "x", "type": 3}}},
            "/data/relationships/incident_type/data/id",
        ),
    ):
        response = http.post(path, json=body)
        assert response.status_code == 400, response.text
        assert response.json()["errors"][0]["source"]["pointer"] == pointer, response.text


# -- impact fields, templates, rules, roles ----------------------------------------------


def test_impact_fields(incidents_api: IncidentsApi) -> None:
    incident_type = new_type(incidents_api)
    body: dict[str, Any] = {
        "data": {
            "type": "impact_fields",
            "attributes": {
                "name": "region",
                "display_name": "Region",
                "field_type": "dropdown",
                "field_choices": [{"value": "eu", "display_name": "EU"}],
            },
            "relationships": type_ref(incident_type.id),
        }
    }
    created = incidents_api.create_incident_impact_field(model(IncidentImpactFieldRequest, body))
    assert not created._unparsed
    field_id = str(created.data.id)
    body["data"]["attributes"]["display_name"] = "Area"
    updated = incidents_api.update_incident_impact_field(
        uuid.UUID(field_id), model(IncidentImpactFieldRequest, body)
    )
    assert updated.data.attributes.display_name == "Area"
    assert field_id in {str(f.id) for f in incidents_api.list_incident_impact_fields().data}
    incidents_api.delete_incident_impact_field(uuid.UUID(field_id))
    assert field_id not in {str(f.id) for f in incidents_api.list_incident_impact_fields().data}


def test_notification_templates_and_rules(incidents_api: IncidentsApi) -> None:
    incident_type = new_type(incidents_api)
    template_body = {
        "data": {
            "type": "notification_templates",
            "attributes": {
                "name": "Page",
                "subject": "SEV",
                "content": "{{incident.title}}",
                "category": "alert",
            },
            "relationships": type_ref(incident_type.id),
        }
    }
    template = incidents_api.create_incident_notification_template(
        model(CreateIncidentNotificationTemplateRequest, template_body)
    )
    assert not template._unparsed
    template_id = template.data.id
    patch = {
        "data": {"id": str(template_id), "type": "notification_templates", "attributes": {"subject": "SEV!"}}
    }
    patched = incidents_api.update_incident_notification_template(
        template_id, model(PatchIncidentNotificationTemplateRequest, patch)
    )
    assert patched.data.attributes.subject == "SEV!"
    assert patched.data.attributes.content == "{{incident.title}}"
    listed = incidents_api.list_incident_notification_templates(
        filter_incident_type=uuid.UUID(incident_type.id)
    )
    assert [t.id for t in listed.data] == [template_id]

    rule_attributes = {
        "conditions": [{"field": "severity", "values": ["SEV-1"]}],
        "handles": ["@oncall-payments"],
        "trigger": "incident_created_trigger",
        "visibility": "organization",
    }
    rule_body: dict[str, Any] = {
        "data": {
            "type": "incident_notification_rules",
            "attributes": rule_attributes,
            "relationships": {
                "notification_template": {"data": {"id": str(template_id), "type": "notification_templates"}}
            },
        }
    }
    rule = incidents_api.create_incident_notification_rule(
        model(CreateIncidentNotificationRuleRequest, rule_body)
    )
    assert not rule._unparsed
    # The contract's default for a new rule is disabled.
    assert rule.data.attributes.enabled is False
    assert rule.data.relationships.notification_template.data.id == template_id
    rule_body["data"]["id"] = str(rule.data.id)
    rule_body["data"]["attributes"]["enabled"] = True
    put = incidents_api.update_incident_notification_rule(
        rule.data.id, model(PutIncidentNotificationRuleRequest, rule_body)
    )
    assert put.data.attributes.enabled is True
    assert incidents_api.get_incident_notification_rule(rule.data.id).data.id == rule.data.id
    assert rule.data.id in {r.id for r in incidents_api.list_incident_notification_rules().data}
    incidents_api.delete_incident_notification_rule(rule.data.id)
    incidents_api.delete_incident_notification_template(template_id)
    assert refused(incidents_api.get_incident_notification_template, template_id).status == 404


def test_a_notification_template_or_rule_under_an_unknown_incident_type_is_404(
    incidents_api: IncidentsApi,
) -> None:
    unknown = str(uuid.uuid4())
    template_body: dict[str, Any] = {
        "data": {
            "type": "notification_templates",
            "attributes": {"name": "Page", "subject": "SEV", "content": "x", "category": "alert"},
            "relationships": type_ref(unknown),
        }
    }
    rule_body = {
        "data": {
            "type": "incident_notification_rules",
            "attributes": {
                "conditions": [],
                "handles": ["@oncall-payments"],
                "trigger": "incident_created_trigger",
            },
            "relationships": type_ref(unknown),
        }
    }
    template_refusal = refused(
        incidents_api.create_incident_notification_template,
        model(CreateIncidentNotificationTemplateRequest, template_body),
    )
    rule_refusal = refused(
        incidents_api.create_incident_notification_rule,
        model(CreateIncidentNotificationRuleRequest, rule_body),
    )
    for refusal in (template_refusal, rule_refusal):
        assert refusal.status == 404
        [message] = dd.error_messages(refusal)
        assert unknown in message
    assert (
        incidents_api.list_incident_notification_templates(filter_incident_type=uuid.UUID(unknown)).data == []
    )
    # A malformed body is still a 400 first, whatever type it names.
    template_body["data"]["attributes"]["name"] = " "
    malformed = refused(
        incidents_api.create_incident_notification_template,
        model(CreateIncidentNotificationTemplateRequest, template_body),
    )
    assert malformed.status == 400
    assert dd.error_messages(malformed)[0].startswith("/data/attributes/name")


def test_postmortem_templates_rules_and_roles(incidents_api: IncidentsApi, http: httpx.Client) -> None:
    incident_type = new_type(incidents_api)
    template = incidents_api.create_incident_postmortem_template(
        model(
            PostmortemTemplateRequest,
            {"data": {"type": "postmortem_templates", "attributes": {"name": "PM"}}},
        )
    )
    assert not template._unparsed
    assert template.data.attributes.location.value == "datadog_notebooks"
    assert incidents_api.get_incident_postmortem_template(template.data.id).data.attributes.name == "PM"
    response = http.post(
        "/api/v2/incidents/config/postmortem-templates",
        json={"data": {"type": "postmortem_templates", "attributes": {}}},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["source"]["pointer"] == "/data/attributes/name"

    rule_body = {
        "data": {
            "type": "incident_rules",
            "attributes": {
                "execution_type": 1,
                "condition_table_type": 1,
                "condition": {"raw_query": "severity:SEV-1"},
                "task_id": "notify-incident-handles-job",
                "task_payload": "{}",
                "enabled": True,
                "trigger": "incident_created_trigger",
            },
        }
    }
    rule = incidents_api.create_incident_rule(model(IncidentRuleRequest, rule_body))
    assert not rule._unparsed
    assert rule.data.attributes.enabled is True
    assert [r.id for r in incidents_api.list_incident_rules().data if r.id == rule.data.id]
    incidents_api.delete_incident_rule(rule.data.id)

    role_body = {
        "data": {
            "type": "incident_user_defined_roles",
            "attributes": {"name": "Scribe", "policy": {"is_single": True}},
            "relationships": type_ref(incident_type.id),
        }
    }
    role = incidents_api.create_incident_user_defined_role(model(IncidentUserDefinedRoleRequest, role_body))
    assert not role._unparsed
    assert role.data.attributes.policy.is_single is True
    assert incidents_api.get_incident_user_defined_role(role.data.id).data.attributes.name == "Scribe"
    incidents_api.delete_incident_user_defined_role(role.data.id)
    assert refused(incidents_api.get_incident_user_defined_role, role.data.id).status == 404


# -- global handles and settings ---------------------------------------------------------


def test_global_handles_and_settings(incidents_api: IncidentsApi, http: httpx.Client) -> None:
    incident_type = new_type(incidents_api)
    body: dict[str, Any] = {
        "data": {
            "type": "incidents_handles",
            "attributes": {"name": "@incident-sev-1", "fields": {"severity": ["SEV-1"]}},
            "relationships": type_ref(incident_type.id),
        }
    }
    handle = incidents_api.create_global_incident_handle(model(IncidentHandleRequest, body))
    assert not handle._unparsed
    body["data"]["id"] = handle.data.id
    body["data"]["attributes"]["name"] = "@incident-critical"
    updated = incidents_api.update_global_incident_handle(model(IncidentHandleRequest, body))
    assert updated.data.attributes.name == "@incident-critical"
    listed = incidents_api.list_global_incident_handles()
    assert handle.data.id in {h.id for h in listed.data}
    # The operation names no handle: refused clearly, and done with ?id=.
    assert refused(incidents_api.delete_global_incident_handle).status == 400
    deleted = http.delete("/api/v2/incidents/config/global/incident-handles", params={"id": handle.data.id})
    assert deleted.status_code == 204

    settings = incidents_api.get_global_incident_settings()
    assert not settings._unparsed
    changed = incidents_api.update_global_incident_settings(
        model(
            GlobalIncidentSettingsRequest,
            {
                "data": {
                    "type": "incidents_global_settings",
                    "attributes": {"analytics_dashboard_id": "abc-123"},
                }
            },
        )
    )
    assert changed.data.attributes.analytics_dashboard_id == "abc-123"
    assert changed.data.id == settings.data.id
    assert incidents_api.get_global_incident_settings().data.attributes.analytics_dashboard_id == "abc-123"


# -- per-incident configuration and products casedesk does not host ----------------------


def test_incident_configuration(incidents_api: IncidentsApi) -> None:
    incident = idd.create(incidents_api).data
    body: dict[str, Any] = {
        "data": {"type": "incidents_configurations", "attributes": {"include_in_analytics": False}}
    }
    created = incidents_api.create_incident_configuration(
        incident.id, model(IncidentConfigurationRequest, body)
    )
    assert not created._unparsed
    assert created.data.attributes.include_in_analytics is False
    assert created.data.attributes.execute_integrations is True
    body["data"]["attributes"] = {"include_in_search": False}
    body["data"]["id"] = created.data.id
    patch = model(IncidentConfigurationPatchRequest, body)
    updated = incidents_api.update_incident_configuration(incident.id, patch)
    assert updated.data.attributes.include_in_search is False
    assert updated.data.attributes.include_in_analytics is False
    assert (
        refused(
            incidents_api.create_incident_configuration,
            incident.id,
            model(IncidentConfigurationRequest, body),
        ).status
        == 400
    )


@pytest.mark.parametrize(
    ("method", "path", "product"),
    [
        ("POST", "/api/v2/incidents/config/google-chat-configurations", "Google Chat"),
        ("PATCH", f"/api/v2/incidents/config/google-meet-configurations/{idd.SOME_UUID}", "Google Meet"),
        ("POST", f"/api/v2/incidents/{idd.SOME_UUID}/ai/postmortem", "Bits AI"),
        ("POST", f"/api/v2/incidents/{idd.SOME_UUID}/page", "On-Call"),
        ("POST", f"/api/v2/incidents/{idd.SOME_UUID}/cases/page", "On-Call"),
        ("POST", f"/api/v2/incidents/{idd.SOME_UUID}/servicenow-records", "ServiceNow"),
    ],
)
def test_products_not_hosted_are_refused_clearly(
    http: httpx.Client, method: str, path: str, product: str
) -> None:
    response = http.request(method, path, json={"data": {}})
    assert response.status_code == 400
    message = dd.only_message(response)
    assert product in message
    assert "does not host" in message


def test_not_hosted_through_the_client(incidents_api: IncidentsApi, http: httpx.Client) -> None:
    incident = idd.create(incidents_api).data
    assert refused(incidents_api.get_incident_ai_postmortem, incident.id).status == 400
    response = http.post(f"/api/v2/incidents/{incident.id}/pages/link", json={"data": {}})
    assert response.status_code == 400
    # Its 400 is declared as strings (APIErrorResponse), only its 409 as JSON:API error objects.
    assert "does not host" in response.json()["errors"][0]
