"""Request bodies of the Datadog dialect (JSON:API), as in the v2 contract.

Unknown members are ignored, as JSON:API servers do; every known member is typed so a wrong
value is refused with a pointer to it before anything is looked up.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


Priority = Literal["NOT_DEFINED", "P1", "P2", "P3", "P4", "P5"]
Status = Literal["OPEN", "IN_PROGRESS", "CLOSED"]


class UserRef(Wire):
    id: str
    type: Literal["user"]


class NullableUserRelationship(Wire):
    data: UserRef | None


class ProjectRef(Wire):
    id: str
    type: Literal["project"]


class ProjectRelationship(Wire):
    data: ProjectRef


# -- cases -------------------------------------------------------------------------------


class CaseCreateAttributes(Wire):
    title: str
    type_id: str
    description: str = ""
    priority: Priority = "NOT_DEFINED"
    status_name: str | None = None
    custom_attributes: dict[str, Any] | None = None


class CaseCreateRelationships(Wire):
    project: ProjectRelationship
    assignee: NullableUserRelationship | None = None


class CaseCreate(Wire):
    type: Literal["case"]
    attributes: CaseCreateAttributes
    relationships: CaseCreateRelationships


class CaseCreateRequest(Wire):
    data: CaseCreate


class CaseEmpty(Wire):
    type: Literal["case"]


class CaseEmptyRequest(Wire):
    data: CaseEmpty


class StatusAttributes(Wire):
    status: Status | None = None
    status_name: str | None = None


class StatusData(Wire):
    type: Literal["case"]
    attributes: StatusAttributes


class CaseUpdateStatusRequest(Wire):
    data: StatusData


class PriorityAttributes(Wire):
    priority: Priority


class PriorityData(Wire):
    type: Literal["case"]
    attributes: PriorityAttributes


class CaseUpdatePriorityRequest(Wire):
    data: PriorityData


class TitleAttributes(Wire):
    title: str


class TitleData(Wire):
    type: Literal["case"]
    attributes: TitleAttributes


class CaseUpdateTitleRequest(Wire):
    data: TitleData


class DescriptionAttributes(Wire):
    description: str


class DescriptionData(Wire):
    type: Literal["case"]
    attributes: DescriptionAttributes


class CaseUpdateDescriptionRequest(Wire):
    data: DescriptionData


class AssignAttributes(Wire):
    assignee_id: str


class AssignData(Wire):
    type: Literal["case"]
    attributes: AssignAttributes


class CaseAssignRequest(Wire):
    data: AssignData


class AttributesAttributes(Wire):
    attributes: dict[str, list[str]]


class AttributesData(Wire):
    type: Literal["case"]
    attributes: AttributesAttributes


class CaseUpdateAttributesRequest(Wire):
    data: AttributesData


class DueDateAttributes(Wire):
    due_date: str | None


class DueDateData(Wire):
    type: Literal["case"]
    attributes: DueDateAttributes


class CaseUpdateDueDateRequest(Wire):
    data: DueDateData


class ResolvedReasonAttributes(Wire):
    security_resolved_reason: str


class ResolvedReasonData(Wire):
    type: Literal["case"]
    attributes: ResolvedReasonAttributes


class CaseUpdateResolvedReasonRequest(Wire):
    data: ResolvedReasonData


class CommentAttributes(Wire):
    comment: str


class CommentData(Wire):
    type: Literal["case"]
    attributes: CommentAttributes


class CaseCommentRequest(Wire):
    data: CommentData


# -- projects ----------------------------------------------------------------------------


class ProjectCreateAttributes(Wire):
    name: str
    key: str
    handle: str | None = None
    enabled_custom_case_types: list[str] = Field(default_factory=list)
    team_uuid: str | None = None


class ProjectCreate(Wire):
    type: Literal["project"]
    attributes: ProjectCreateAttributes


class ProjectCreateRequest(Wire):
    data: ProjectCreate


class ProjectUpdateAttributes(Wire):
    name: str | None = None
    settings: dict[str, dict[str, Any]] | None = None
    enabled_custom_case_types: list[str] | None = None
    team_uuid: str | None = None


class ProjectUpdate(Wire):
    type: Literal["project"]
    attributes: ProjectUpdateAttributes = Field(default_factory=ProjectUpdateAttributes)


class ProjectUpdateRequest(Wire):
    data: ProjectUpdate


# -- users -------------------------------------------------------------------------------


class UserCreateAttributes(Wire):
    email: str
    name: str | None = None
    title: str | None = None


class UserCreateData(Wire):
    type: Literal["users"]
    attributes: UserCreateAttributes


class UserCreateRequest(Wire):
    data: UserCreateData
