"""A project's case notification rules through the official client: create, list, update,
delete; each wrong member a 400 pointing at it; changes for the project's admins, reads for
whoever sees the project, a hidden project 404."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.model.case_notification_rule_attributes import CaseNotificationRuleAttributes
from datadog_api_client.v2.model.case_notification_rule_create import CaseNotificationRuleCreate
from datadog_api_client.v2.model.case_notification_rule_create_attributes import (
    CaseNotificationRuleCreateAttributes,
)
from datadog_api_client.v2.model.case_notification_rule_create_request import (
    CaseNotificationRuleCreateRequest,
)
from datadog_api_client.v2.model.case_notification_rule_recipient import CaseNotificationRuleRecipient
from datadog_api_client.v2.model.case_notification_rule_recipient_data import (
    CaseNotificationRuleRecipientData,
)
from datadog_api_client.v2.model.case_notification_rule_resource_type import CaseNotificationRuleResourceType
from datadog_api_client.v2.model.case_notification_rule_trigger import CaseNotificationRuleTrigger
from datadog_api_client.v2.model.case_notification_rule_trigger_data import CaseNotificationRuleTriggerData
from datadog_api_client.v2.model.case_notification_rule_update import CaseNotificationRuleUpdate
from datadog_api_client.v2.model.case_notification_rule_update_request import (
    CaseNotificationRuleUpdateRequest,
)
from sqlalchemy import select

from casedesk.adapters.db.schema import core as t
from casedesk.bootstrap import Container
from tests.api import accounts, dd
from tests.api.channels import TEAMS_URL, add_slack_account, unique
from tests.api.test_project_access import dd_email, restrict
from tests.support import Server

RULE = CaseNotificationRuleResourceType.NOTIFICATION_RULE


def path(project_id: str) -> str:
    return f"/api/v2/cases/projects/{project_id}/notification_rules"


def email(address: str) -> CaseNotificationRuleRecipient:
    return CaseNotificationRuleRecipient(type="EMAIL", data=CaseNotificationRuleRecipientData(email=address))


def create_request(**attributes: Any) -> CaseNotificationRuleCreateRequest:
    values: dict[str, Any] = {
        "recipients": [email("oncall@example.com")],
        "triggers": [CaseNotificationRuleTrigger(type="CASE_CREATED")],
        **attributes,
    }
    return CaseNotificationRuleCreateRequest(
        data=CaseNotificationRuleCreate(type=RULE, attributes=CaseNotificationRuleCreateAttributes(**values))
    )


def update_request(**attributes: Any) -> CaseNotificationRuleUpdateRequest:
    return CaseNotificationRuleUpdateRequest(
        data=CaseNotificationRuleUpdate(type=RULE, attributes=CaseNotificationRuleAttributes(**attributes))
    )


def raw_body(**attributes: Any) -> dict[str, Any]:
    values = {
        "recipients": [{"type": "EMAIL", "data": {"email": "oncall@example.com"}}],
        "triggers": [{"type": "CASE_CREATED"}],
        **attributes,
    }
    return {"data": {"type": "notification_rule", "attributes": values}}


def test_create_list_update_delete(cases_api: CaseManagementApi, project: dict[str, Any]) -> None:
    status = CaseNotificationRuleTrigger(
        type="STATUS_TRANSITIONED", data=CaseNotificationRuleTriggerData(to_status_name="Closed")
    )
    created = cases_api.create_project_notification_rule(
        project["id"], create_request(triggers=[status], query="priority:P1", is_enabled=True)
    )
    assert not created._unparsed
    rule = created.data
    assert rule.type == RULE
    assert rule.attributes.query == "priority:P1"
    assert rule.attributes.is_enabled is True
    assert rule.attributes.recipients[0].data.email == "oncall@example.com"
    assert rule.attributes.triggers[0].type == "STATUS_TRANSITIONED"
    assert rule.attributes.triggers[0].data.to_status_name == "Closed"

    other = cases_api.create_project_notification_rule(project["id"], create_request()).data
    listed = cases_api.get_project_notification_rules(project["id"])
    assert not listed._unparsed
    assert [r.id for r in listed.data] == [rule.id, other.id]
    assert listed.data[1].attributes.query == ""  # blank: every case
    assert listed.data[1].attributes.is_enabled is True  # the contract's default

    # An update replaces the members it sends and keeps the others.
    cases_api.update_project_notification_rule(project["id"], rule.id, update_request(is_enabled=False))
    after = {r.id: r for r in cases_api.get_project_notification_rules(project["id"]).data}[rule.id]
    assert after.attributes.is_enabled is False
    assert after.attributes.query == "priority:P1"
    assert after.attributes.triggers[0].data.to_status_name == "Closed"

    cases_api.delete_project_notification_rule(project["id"], rule.id)
    assert [r.id for r in cases_api.get_project_notification_rules(project["id"]).data] == [other.id]
    with pytest.raises(ApiException) as gone:
        cases_api.delete_project_notification_rule(project["id"], rule.id)
    assert gone.value.status == 404


def configured_channels(server: Server, http: httpx.Client) -> dict[str, str]:
    """One destination of each configured kind, made through the integration APIs."""
    names = {"account": add_slack_account(server), "teams": unique("ops-workflow")}
    names |= {"service": unique("db"), "hook": unique("siem")}
    v1 = "/api/v1/integration"
    made = [
        http.post(f"{v1}/slack/configuration/accounts/{names['account']}/channels", json={"name": "#alerts"}),
        http.post(
            "/api/v2/integration/ms-teams/configuration/workflows-webhook-handles",
            json={
                "data": {
                    "type": "workflows-webhook-handle",
                    "attributes": {"name": names["teams"], "url": TEAMS_URL},
                }
            },
        ),
        http.post(
            f"{v1}/pagerduty/configuration/services",
            json={"service_name": names["service"], "service_key": uuid.uuid4().hex},
        ),
        http.post(
            f"{v1}/webhooks/configuration/webhooks",
            json={"name": names["hook"], "url": "https://hooks.example.com/siem"},
        ),
    ]
    assert [r.status_code for r in made] == [201, 201, 201, 201], [r.text for r in made]
    return names


def test_every_recipient_and_trigger_type_reads_back(
    cases_api: CaseManagementApi, project: dict[str, Any], server: Server, http: httpx.Client
) -> None:
    names = configured_channels(server, http)
    recipients = [
        email("ada@example.com"),
        CaseNotificationRuleRecipient(
            type="SLACK_CHANNEL",
            data=CaseNotificationRuleRecipientData(workspace=names["account"], channel="#alerts"),
        ),
        CaseNotificationRuleRecipient(
            type="MS_TEAMS_CHANNEL", data=CaseNotificationRuleRecipientData(connector_name=names["teams"])
        ),
        CaseNotificationRuleRecipient(
            type="PAGERDUTY_SERVICE", data=CaseNotificationRuleRecipientData(service_name=names["service"])
        ),
        CaseNotificationRuleRecipient(
            type="HTTP", data=CaseNotificationRuleRecipientData(name=names["hook"])
        ),
    ]
    triggers = [
        CaseNotificationRuleTrigger(type="CASE_CREATED"),
        CaseNotificationRuleTrigger(
            type="STATUS_TRANSITIONED",
            data=CaseNotificationRuleTriggerData(from_status_name="Open", to_status="IN_PROGRESS"),
        ),
        CaseNotificationRuleTrigger(
            type="ATTRIBUTE_VALUE_CHANGED",
            data=CaseNotificationRuleTriggerData(field="priority", change_type="changed"),
        ),
    ]
    rule = cases_api.create_project_notification_rule(
        project["id"], create_request(recipients=recipients, triggers=triggers)
    ).data
    read = cases_api.get_project_notification_rules(project["id"]).data[0]
    assert read.id == rule.id
    assert read.attributes.to_dict() == rule.attributes.to_dict()
    assert [r.type for r in read.attributes.recipients] == [
        "EMAIL", "SLACK_CHANNEL", "MS_TEAMS_CHANNEL", "PAGERDUTY_SERVICE", "HTTP",
    ]  # fmt: skip
    assert read.attributes.recipients[1].data.channel == "#alerts"
    assert read.attributes.triggers[2].data.field == "priority"


EMAIL_AT = "/data/attributes/recipients/0/data/email"
WRONG_MEMBERS = [
    ({"query": "priority:(P1"}, "/data/attributes/query"),
    ({"recipients": []}, "/data/attributes/recipients"),
    ({"triggers": []}, "/data/attributes/triggers"),
    ({"recipients": [{"type": "EMAIL", "data": {"email": "not-an-address"}}]}, EMAIL_AT),
    ({"recipients": [{"type": "EMAIL"}]}, EMAIL_AT),
    ({"recipients": [{"type": "PIGEON", "data": {}}]}, "/data/attributes/recipients/0/type"),
    ({"recipients": [{"type": "HTTP", "data": {"email": "a@example.com"}}]}, EMAIL_AT),
    ({"triggers": [{"type": "ATTRIBUTE_VALUE_CHANGED"}]}, "/data/attributes/triggers/0/data/field"),
    (
        {"triggers": [{"type": "STATUS_TRANSITIONED", "data": {"to_status_name": "Gone"}}]},
        "/data/attributes/triggers/0/data/to_status_name",
    ),
    ({"is_enabled": "yes"}, "/data/attributes/is_enabled"),
    ({"colour": "red"}, "/data/attributes/colour"),
    (
        {"recipients": [{"type": "EMAIL", "data": {"email": "a@example.com"}}] * 101},
        "/data/attributes/recipients",
    ),
]


@pytest.mark.parametrize(("attributes", "pointer"), WRONG_MEMBERS)
def test_a_wrong_member_is_a_400_pointing_at_it(
    http: httpx.Client, project: dict[str, Any], attributes: dict[str, Any], pointer: str
) -> None:
    response = http.post(path(project["id"]), json=raw_body(**attributes))
    assert response.status_code == 400, response.text
    assert dd.only_message(response).startswith(pointer + ":"), response.text


def test_an_update_is_checked_like_a_creation(http: httpx.Client, project: dict[str, Any]) -> None:
    created = http.post(path(project["id"]), json=raw_body())
    rule_id = created.json()["data"]["id"]
    body = {"data": {"type": "notification_rule", "attributes": {"query": "status:(open"}}}
    response = http.put(f"{path(project['id'])}/{rule_id}", json=body)
    assert response.status_code == 400, response.text
    assert dd.only_message(response).startswith("/data/attributes/query:")
    body = {"data": {"type": "notification_rule", "attributes": {"recipients": []}}}
    response = http.put(f"{path(project['id'])}/{rule_id}", json=body)
    assert dd.only_message(response).startswith("/data/attributes/recipients:")
    listed = http.get(path(project["id"])).json()["data"]
    assert listed[0]["attributes"]["query"] == ""


def test_unknown_ids_are_404_or_400(http: httpx.Client, project: dict[str, Any]) -> None:
    missing = str(uuid.uuid4())
    assert http.get(path(missing)).status_code == 404
    assert http.post(path(missing), json=raw_body()).status_code == 404
    assert http.put(f"{path(project['id'])}/{missing}", json=raw_body()).status_code == 404
    assert http.delete(f"{path(project['id'])}/{missing}").status_code == 404
    response = http.delete(f"{path(project['id'])}/not-a-uuid")
    assert response.status_code == 400
    assert "notification_rule_id" in dd.only_message(response)


def test_a_rule_belongs_to_its_project(http: httpx.Client, project: dict[str, Any]) -> None:
    rule_id = http.post(path(project["id"]), json=raw_body()).json()["data"]["id"]
    other = http.post(
        "/api/v2/cases/projects",
        json={
            "data": {
                "type": "project",
                "attributes": {"name": "Other", "key": "O" + uuid.uuid4().hex[:6].upper()},
            }
        },
    ).json()["data"]
    assert http.delete(f"{path(other['id'])}/{rule_id}").status_code == 404
    assert len(http.get(path(project["id"])).json()["data"]) == 1


def test_project_admins_change_members_read_outsiders_see_nothing(
    server: Server, http: httpx.Client, project: dict[str, Any], container: Container
) -> None:
    member = accounts.new_keys(server, label="member")
    chief = accounts.new_keys(server, label="chief")
    outsider = accounts.new_keys(server, label="outsider")
    users = [{"id": member.user_id, "type": "users"}, {"id": chief.user_id, "type": "users"}]
    assert restrict(http, project["id"], users=users).status_code == 200
    accounts.cli_json(server, "projects", "members", "add", project["attributes"]["key"],
                      dd_email(server, chief), "--admin")  # fmt: skip
    rule_id = http.post(path(project["id"]), json=raw_body()).json()["data"]["id"]

    with accounts.http_as(server, accounts.key_headers(member)) as as_member:
        assert as_member.get(path(project["id"])).status_code == 200
        refused = as_member.post(path(project["id"]), json=raw_body())
        assert refused.status_code == 403, refused.text
        assert as_member.delete(f"{path(project['id'])}/{rule_id}").status_code == 403
    with accounts.http_as(server, accounts.key_headers(outsider)) as as_outsider:
        assert as_outsider.get(path(project["id"])).status_code == 404
        assert as_outsider.post(path(project["id"]), json=raw_body()).status_code == 404
        assert as_outsider.delete(f"{path(project['id'])}/{rule_id}").status_code == 404
    with accounts.http_as(server, accounts.key_headers(chief)) as as_chief:
        assert as_chief.post(path(project["id"]), json=raw_body()).status_code == 201
        assert as_chief.delete(f"{path(project['id'])}/{rule_id}").status_code == 204

    # The changes are in the audit log, as the project's other settings are.
    with container.engine.connect() as conn:
        a = t.audit_log.c
        actions = conn.execute(
            select(a.action).where(a.target_id == project["id"], a.action.like("project.notification_rule%"))
        ).scalars()
        assert "project.notification_rule_created" in set(actions)
