"""Builders for official-client request models, so tests read like the operations they drive."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.model.case_assign import CaseAssign
from datadog_api_client.v2.model.case_assign_attributes import CaseAssignAttributes
from datadog_api_client.v2.model.case_assign_request import CaseAssignRequest
from datadog_api_client.v2.model.case_comment import CaseComment
from datadog_api_client.v2.model.case_comment_attributes import CaseCommentAttributes
from datadog_api_client.v2.model.case_comment_request import CaseCommentRequest
from datadog_api_client.v2.model.case_create import CaseCreate
from datadog_api_client.v2.model.case_create_attributes import CaseCreateAttributes
from datadog_api_client.v2.model.case_create_relationships import CaseCreateRelationships
from datadog_api_client.v2.model.case_create_request import CaseCreateRequest
from datadog_api_client.v2.model.case_empty import CaseEmpty
from datadog_api_client.v2.model.case_empty_request import CaseEmptyRequest
from datadog_api_client.v2.model.case_object_attributes import CaseObjectAttributes
from datadog_api_client.v2.model.case_priority import CasePriority
from datadog_api_client.v2.model.case_resource_type import CaseResourceType
from datadog_api_client.v2.model.case_response import CaseResponse
from datadog_api_client.v2.model.case_status import CaseStatus
from datadog_api_client.v2.model.case_update_attributes import CaseUpdateAttributes
from datadog_api_client.v2.model.case_update_attributes_attributes import CaseUpdateAttributesAttributes
from datadog_api_client.v2.model.case_update_attributes_request import CaseUpdateAttributesRequest
from datadog_api_client.v2.model.case_update_comment import CaseUpdateComment
from datadog_api_client.v2.model.case_update_comment_attributes import CaseUpdateCommentAttributes
from datadog_api_client.v2.model.case_update_comment_request import CaseUpdateCommentRequest
from datadog_api_client.v2.model.case_update_description import CaseUpdateDescription
from datadog_api_client.v2.model.case_update_description_attributes import CaseUpdateDescriptionAttributes
from datadog_api_client.v2.model.case_update_description_request import CaseUpdateDescriptionRequest
from datadog_api_client.v2.model.case_update_due_date import CaseUpdateDueDate
from datadog_api_client.v2.model.case_update_due_date_attributes import CaseUpdateDueDateAttributes
from datadog_api_client.v2.model.case_update_due_date_request import CaseUpdateDueDateRequest
from datadog_api_client.v2.model.case_update_priority import CaseUpdatePriority
from datadog_api_client.v2.model.case_update_priority_attributes import CaseUpdatePriorityAttributes
from datadog_api_client.v2.model.case_update_priority_request import CaseUpdatePriorityRequest
from datadog_api_client.v2.model.case_update_resolved_reason import CaseUpdateResolvedReason
from datadog_api_client.v2.model.case_update_resolved_reason_attributes import (
    CaseUpdateResolvedReasonAttributes,
)
from datadog_api_client.v2.model.case_update_resolved_reason_request import CaseUpdateResolvedReasonRequest
from datadog_api_client.v2.model.case_update_status import CaseUpdateStatus
from datadog_api_client.v2.model.case_update_status_attributes import CaseUpdateStatusAttributes
from datadog_api_client.v2.model.case_update_status_request import CaseUpdateStatusRequest
from datadog_api_client.v2.model.case_update_title import CaseUpdateTitle
from datadog_api_client.v2.model.case_update_title_attributes import CaseUpdateTitleAttributes
from datadog_api_client.v2.model.case_update_title_request import CaseUpdateTitleRequest
from datadog_api_client.v2.model.nullable_user_relationship import NullableUserRelationship
from datadog_api_client.v2.model.nullable_user_relationship_data import NullableUserRelationshipData
from datadog_api_client.v2.model.project_relationship import ProjectRelationship
from datadog_api_client.v2.model.project_relationship_data import ProjectRelationshipData
from datadog_api_client.v2.model.project_resource_type import ProjectResourceType
from datadog_api_client.v2.model.user_create_attributes import UserCreateAttributes
from datadog_api_client.v2.model.user_create_data import UserCreateData
from datadog_api_client.v2.model.user_create_request import UserCreateRequest
from datadog_api_client.v2.model.user_resource_type import UserResourceType
from datadog_api_client.v2.model.users_type import UsersType

STANDARD = "00000000-0000-0000-0000-000000000001"
SECURITY = "00000000-0000-0000-0000-000000000003"


def create_request(
    project_id: str,
    title: str = "Disk full on db-1",
    *,
    type_id: str = STANDARD,
    priority: str | None = None,
    description: str | None = None,
    assignee_id: str | None = None,
    status_name: str | None = None,
) -> CaseCreateRequest:
    attrs: dict[str, Any] = {"title": title, "type_id": type_id}
    if status_name is not None:
        attrs["status_name"] = status_name
    if priority is not None:
        attrs["priority"] = CasePriority(priority)
    if description is not None:
        attrs["description"] = description
    rels: dict[str, Any] = {
        "project": ProjectRelationship(
            data=ProjectRelationshipData(id=project_id, type=ProjectResourceType.PROJECT)
        )
    }
    if assignee_id is not None:
        rels["assignee"] = NullableUserRelationship(
            data=NullableUserRelationshipData(id=assignee_id, type=UserResourceType.USER)
        )
    return CaseCreateRequest(
        data=CaseCreate(
            type=CaseResourceType.CASE,
            attributes=CaseCreateAttributes(**attrs),
            relationships=CaseCreateRelationships(**rels),
        )
    )


def create_case(api: CaseManagementApi, project_id: str, title: str = "Disk full", **kw: Any) -> CaseResponse:
    return api.create_case(create_request(project_id, title, **kw))


def status_request(status: str) -> CaseUpdateStatusRequest:
    return CaseUpdateStatusRequest(
        data=CaseUpdateStatus(
            type=CaseResourceType.CASE, attributes=CaseUpdateStatusAttributes(status=CaseStatus(status))
        )
    )


def priority_request(priority: str) -> CaseUpdatePriorityRequest:
    return CaseUpdatePriorityRequest(
        data=CaseUpdatePriority(
            type=CaseResourceType.CASE,
            attributes=CaseUpdatePriorityAttributes(priority=CasePriority(priority)),
        )
    )


def assign_request(user_id: str) -> CaseAssignRequest:
    return CaseAssignRequest(
        data=CaseAssign(type=CaseResourceType.CASE, attributes=CaseAssignAttributes(assignee_id=user_id))
    )


def empty_request() -> CaseEmptyRequest:
    return CaseEmptyRequest(data=CaseEmpty(type=CaseResourceType.CASE))


def comment_request(text: str) -> CaseCommentRequest:
    return CaseCommentRequest(
        data=CaseComment(type=CaseResourceType.CASE, attributes=CaseCommentAttributes(comment=text))
    )


def resolved_reason_request(reason: str) -> CaseUpdateResolvedReasonRequest:
    return CaseUpdateResolvedReasonRequest(
        data=CaseUpdateResolvedReason(
            type=CaseResourceType.CASE,
            attributes=CaseUpdateResolvedReasonAttributes(security_resolved_reason=reason),
        )
    )


def error_messages(exc: Exception) -> list[str]:
    """The `errors` strings of an ApiException's JSON body (the APIErrorResponse shape)."""
    body = getattr(exc, "body", None)
    assert isinstance(body, dict), f"error body is not JSON: {body!r}"
    messages = body["errors"]
    assert isinstance(messages, list), body
    assert all(isinstance(m, str) for m in messages), body
    return messages


def title_request(title: str) -> CaseUpdateTitleRequest:
    return CaseUpdateTitleRequest(
        data=CaseUpdateTitle(type=CaseResourceType.CASE, attributes=CaseUpdateTitleAttributes(title=title))
    )


def description_request(description: str) -> CaseUpdateDescriptionRequest:
    return CaseUpdateDescriptionRequest(
        data=CaseUpdateDescription(
            type=CaseResourceType.CASE,
            attributes=CaseUpdateDescriptionAttributes(description=description),
        )
    )


def attributes_request(attributes: dict[str, list[str]]) -> CaseUpdateAttributesRequest:
    return CaseUpdateAttributesRequest(
        data=CaseUpdateAttributes(
            type=CaseResourceType.CASE,
            attributes=CaseUpdateAttributesAttributes(attributes=CaseObjectAttributes(**attributes)),
        )
    )


def due_date_request(due_date: str) -> CaseUpdateDueDateRequest:
    return CaseUpdateDueDateRequest(
        data=CaseUpdateDueDate(
            type=CaseResourceType.CASE, attributes=CaseUpdateDueDateAttributes(due_date=due_date)
        )
    )


def comment_update_request(text: str) -> CaseUpdateCommentRequest:
    return CaseUpdateCommentRequest(
        data=CaseUpdateComment(
            type=CaseResourceType.CASE, attributes=CaseUpdateCommentAttributes(comment=text)
        )
    )


def user_request(email: str, name: str | None = None) -> UserCreateRequest:
    attrs = UserCreateAttributes(email=email, name=name) if name else UserCreateAttributes(email=email)
    return UserCreateRequest(data=UserCreateData(type=UsersType.USERS, attributes=attrs))


def unique_email(label: str = "user") -> str:
    return f"{label}-{uuid.uuid4().hex[:10]}@example.com"


# -- raw JSON:API bodies, for what the official client refuses to send ---------------------


def case_body(**attributes: Any) -> dict[str, Any]:
    """`{"data": {"type": "case", "attributes": {...}}}`, the shape of every case update."""
    return {"data": {"type": "case", "attributes": attributes}}


EMPTY_BODY: dict[str, Any] = {"data": {"type": "case"}}


def create_body(
    project: str,
    title: str = "Disk full on db-1",
    *,
    type_id: str = STANDARD,
    assignee: str | None = None,
    **attributes: Any,
) -> dict[str, Any]:
    relationships: dict[str, Any] = {"project": {"data": {"id": project, "type": "project"}}}
    if assignee is not None:
        relationships["assignee"] = {"data": {"id": assignee, "type": "user"}}
    return {
        "data": {
            "type": "case",
            "attributes": {"title": title, "type_id": type_id, **attributes},
            "relationships": relationships,
        }
    }


def messages(response: httpx.Response) -> list[str]:
    """The `errors` strings of a raw error response (the APIErrorResponse shape)."""
    body = response.json()
    assert isinstance(body, dict), body
    found = body["errors"]
    assert isinstance(found, list), body
    assert found, body
    assert all(isinstance(m, str) for m in found), body
    return found


def only_message(response: httpx.Response) -> str:
    [message] = messages(response)
    return message


# -- the case operations that take a case id in their path ---------------------------------

SOME_UUID = "6f1d2b1e-5a4c-4e8e-9f3a-2c7d8e9f0a1b"


@dataclass(frozen=True)
class Operation:
    """One case operation: `suffix` follows `/api/v2/cases/{case_id}`; `body` is a valid body."""

    name: str
    method: str
    suffix: str
    body: dict[str, Any] | None = None

    def path(self, case_id: str) -> str:
        return f"/api/v2/cases/{case_id}{self.suffix}"

    def send(self, client: httpx.Client, case_id: str, body: Any = None) -> httpx.Response:
        payload = self.body if body is None else body
        return client.request(self.method, self.path(case_id), json=payload)

    def __str__(self) -> str:
        return self.name


READS = [
    Operation("GetCase", "GET", ""),
    Operation("ListCaseTimeline", "GET", "/timelines"),
]

WRITES = [
    Operation("UpdateStatus", "POST", "/status", case_body(status="IN_PROGRESS")),
    Operation("UpdatePriority", "POST", "/priority", case_body(priority="P2")),
    Operation("UpdateCaseTitle", "POST", "/title", case_body(title="Renamed")),
    Operation("UpdateCaseDescription", "POST", "/description", case_body(description="More detail")),
    Operation("AssignCase", "POST", "/assign", case_body(assignee_id=SOME_UUID)),
    Operation("UnassignCase", "POST", "/unassign", EMPTY_BODY),
    Operation("ArchiveCase", "POST", "/archive", EMPTY_BODY),
    Operation("UnarchiveCase", "POST", "/unarchive", EMPTY_BODY),
    Operation("UpdateAttributes", "POST", "/attributes", case_body(attributes={"env": ["prod"]})),
    Operation("UpdateCaseDueDate", "POST", "/due_date", case_body(due_date="2026-12-31")),
    Operation(
        "UpdateCaseResolvedReason", "POST", "/resolved_reason", case_body(security_resolved_reason="TESTING")
    ),
    Operation("CommentCase", "POST", "/comment", case_body(comment="Looking into it")),
    Operation("UpdateCaseComment", "PUT", f"/comment/{SOME_UUID}", case_body(comment="Edited")),
    Operation("DeleteCaseComment", "DELETE", f"/comment/{SOME_UUID}"),
]

OPERATIONS = {op.name: op for op in READS + WRITES}
