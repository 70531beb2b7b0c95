"""Builders for official-client request models, so tests read like the operations they drive."""

from __future__ import annotations

from typing import Any

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
from datadog_api_client.v2.model.case_priority import CasePriority
from datadog_api_client.v2.model.case_resource_type import CaseResourceType
from datadog_api_client.v2.model.case_response import CaseResponse
from datadog_api_client.v2.model.case_status import CaseStatus
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
from datadog_api_client.v2.model.nullable_user_relationship import NullableUserRelationship
from datadog_api_client.v2.model.nullable_user_relationship_data import NullableUserRelationshipData
from datadog_api_client.v2.model.project_relationship import ProjectRelationship
from datadog_api_client.v2.model.project_relationship_data import ProjectRelationshipData
from datadog_api_client.v2.model.project_resource_type import ProjectResourceType
from datadog_api_client.v2.model.user_resource_type import UserResourceType

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
) -> CaseCreateRequest:
    attrs: dict[str, Any] = {"title": title, "type_id": type_id}
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
