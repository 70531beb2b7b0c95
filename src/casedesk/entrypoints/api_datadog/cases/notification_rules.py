"""Datadog dialect: a project's case notification rules
(`/api/v2/cases/projects/{project_id}/notification_rules…`).

The attributes are read by the core's document codec, which checks every member's type and
refuses unknown ones at their path (`/data/attributes/recipients/0/data/email`). An update
replaces the members it sends and keeps the others; it answers 204, as the contract says.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import Response
from pydantic import Field

from casedesk.domain.cases import notification_rules as nr
from casedesk.domain.cases.notification_rules import ProjectNotificationRule, RuleChanges
from casedesk.domain.cases.rules import CaseNotificationRule
from casedesk.domain.documents import from_document, to_document
from casedesk.domain.ids import parse_uuid
from casedesk.entrypoints.api_datadog.access import CaseReader as Reader
from casedesk.entrypoints.api_datadog.access import CaseWriter as Writer
from casedesk.entrypoints.api_datadog.wire import Wire
from casedesk.entrypoints.http.routing import dialect_router

router = dialect_router()
Doc = dict[str, Any]
PATH = "/cases/projects/{project_id}/notification_rules"
TYPE = "notification_rule"


class RuleCreate(Wire):
    type: Literal["notification_rule"]
    attributes: dict[str, Any]


class RuleCreateRequest(Wire):
    data: RuleCreate


class RuleUpdate(Wire):
    type: Literal["notification_rule"]
    attributes: dict[str, Any] = Field(default_factory=dict)


class RuleUpdateRequest(Wire):
    data: RuleUpdate


def rule_resource(stored: ProjectNotificationRule) -> Doc:
    attributes = to_document(stored.rule)
    attributes.setdefault("query", "")
    # Every trigger and recipient carries its data, empty or not, as Datadog answers them.
    for listed in ("triggers", "recipients"):
        attributes[listed] = [{"data": {}, **item} for item in attributes.get(listed, [])]
    return {"id": str(stored.id), "type": TYPE, "attributes": attributes}


@router.get(PATH, name="GetProjectNotificationRules")
def list_rules(project_id: str, ctx: Reader) -> Doc:
    rules = ctx.services.read.case_notification_rules(ctx.visibility, parse_uuid(project_id, "project_id"))
    return {"data": [rule_resource(r) for r in rules]}


@router.post(PATH, name="CreateProjectNotificationRule", status_code=201)
def create_rule(project_id: str, body: RuleCreateRequest, ctx: Writer) -> Doc:
    project = parse_uuid(project_id, "project_id")
    rule = from_document(CaseNotificationRule, body.data.attributes)
    rule_id = ctx.handle(nr.CreateCaseNotificationRule(project, rule))
    return {"data": rule_resource(ctx.services.read.case_notification_rule(ctx.visibility, project, rule_id))}


@router.put(PATH + "/{notification_rule_id}", name="UpdateProjectNotificationRule", status_code=204)
def update_rule(project_id: str, notification_rule_id: str, body: RuleUpdateRequest, ctx: Writer) -> Response:
    command = nr.UpdateCaseNotificationRule(
        parse_uuid(project_id, "project_id"),
        parse_uuid(notification_rule_id, "notification_rule_id"),
        from_document(RuleChanges, body.data.attributes),
    )
    ctx.handle(command)
    return Response(status_code=204)


@router.delete(PATH + "/{notification_rule_id}", name="DeleteProjectNotificationRule", status_code=204)
def delete_rule(project_id: str, notification_rule_id: str, ctx: Writer) -> Response:
    command = nr.DeleteCaseNotificationRule(
        parse_uuid(project_id, "project_id"), parse_uuid(notification_rule_id, "notification_rule_id")
    )
    ctx.handle(command)
    return Response(status_code=204)
