"""Request bodies of the Datadog dialect (JSON:API), as in the v2 contract.

Unknown members are ignored, as JSON:API servers do; every known member is typed so a wrong
value is refused with a pointer to it before anything is looked up.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from casedesk.entrypoints.api_datadog.wire import Wire

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
    custom_attributes: dict[str, CustomAttributeValue] | None = None


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
    # Readable in the contract's ProjectAttributes; casedesk also takes it here.
    restricted: bool = False


class MemberRef(Wire):
    id: str
    type: Literal["user", "users"] = "user"


class MemberUsers(Wire):
    data: list[MemberRef]


class ProjectRelationshipsIn(Wire):
    """The contract's ProjectRelationships, taken on create and update as well."""

    member_user: MemberUsers | None = None
    member_team: dict[str, Any] | None = None


class ProjectCreate(Wire):
    type: Literal["project"]
    attributes: ProjectCreateAttributes
    relationships: ProjectRelationshipsIn | None = None


class ProjectCreateRequest(Wire):
    data: ProjectCreate


class ProjectColumn(Wire):
    sort_field: str | None = None
    type: str | None = None


class ProjectColumnsConfig(Wire):
    columns: list[ProjectColumn] | None = None


class ProjectUpdateAttributes(Wire):
    name: str | None = None
    # Checked as the contract types it; casedesk keeps no column layout of its own.
    columns_config: ProjectColumnsConfig | None = None
    settings: dict[str, dict[str, Any]] | None = None
    enabled_custom_case_types: list[str] | None = None
    team_uuid: str | None = None
    restricted: bool | None = None


class ProjectUpdate(Wire):
    type: Literal["project"]
    attributes: ProjectUpdateAttributes = Field(default_factory=ProjectUpdateAttributes)
    relationships: ProjectRelationshipsIn | None = None


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


class UserUpdateAttributes(Wire):
    disabled: bool | None = None
    email: str | None = None
    name: str | None = None
    title: str | None = None


class UserUpdateData(Wire):
    id: str
    type: Literal["users"]
    attributes: UserUpdateAttributes


class UserUpdateRequest(Wire):
    data: UserUpdateData


class UsersRef(Wire):
    id: str
    type: Literal["users"]


class RoleMemberRequest(Wire):
    """AddUserToRole's and RemoveUserFromRole's body: the user."""

    data: UsersRef


# -- case types and custom attributes -----------------------------------------------------

CustomAttributeTypeName = Literal["URL", "TEXT", "NUMBER", "SELECT"]


class CustomAttributeValue(Wire):
    type: CustomAttributeTypeName
    is_multi: bool
    # Any JSON value: the attribute's configuration decides what fits and says why not.
    value: Any


class CaseUpdateCustomAttribute(Wire):
    type: Literal["case"]
    attributes: CustomAttributeValue


class CaseUpdateCustomAttributeRequest(Wire):
    data: CaseUpdateCustomAttribute


class CaseTypeAttributes(Wire):
    name: str
    description: str = ""
    emoji: str = ""
    # Checked as the contract types it; a case type is deleted with DELETE, not by this.
    deleted_at: str | None = None


class CaseTypeCreate(Wire):
    type: Literal["case_type"]
    attributes: CaseTypeAttributes


class CaseTypeCreateRequest(Wire):
    data: CaseTypeCreate


class CaseTypeUpdateAttributes(Wire):
    name: str | None = None
    description: str | None = None
    emoji: str | None = None
    deleted_at: str | None = None


class CaseTypeUpdate(Wire):
    type: Literal["case_type"]
    attributes: CaseTypeUpdateAttributes = Field(default_factory=CaseTypeUpdateAttributes)


class CaseTypeUpdateRequest(Wire):
    data: CaseTypeUpdate


class SelectOption(Wire):
    value: str


class TypeData(Wire):
    options: list[SelectOption] = Field(default_factory=list, max_length=200)


class CustomAttributeConfigCreateAttributes(Wire):
    key: str
    display_name: str
    type: CustomAttributeTypeName
    is_multi: bool
    description: str = ""
    type_data: TypeData | None = None


class CustomAttributeConfigCreate(Wire):
    type: Literal["custom_attribute"]
    attributes: CustomAttributeConfigCreateAttributes


class CustomAttributeConfigCreateRequest(Wire):
    data: CustomAttributeConfigCreate


class CustomAttributeConfigUpdateAttributes(Wire):
    display_name: str | None = None
    description: str | None = None
    type: CustomAttributeTypeName | None = None
    type_data: TypeData | None = None
    # Checked as the contract types it; casedesk does not map attributes from one another.
    map_from: str | None = None


class CustomAttributeConfigUpdate(Wire):
    type: Literal["custom_attribute"]
    attributes: CustomAttributeConfigUpdateAttributes = Field(
        default_factory=CustomAttributeConfigUpdateAttributes
    )


class CustomAttributeConfigUpdateRequest(Wire):
    data: CustomAttributeConfigUpdate


# -- insights ------------------------------------------------------------------------------

InsightTypeName = Literal[
    "SECURITY_SIGNAL", "MONITOR", "EVENT_CORRELATION", "ERROR_TRACKING", "CLOUD_COST_RECOMMENDATION",
    "INCIDENT", "SENSITIVE_DATA_SCANNER_ISSUE", "EVENT", "WATCHDOG_STORY", "WIDGET", "SECURITY_FINDING",
    "INSIGHT_SCORECARD_CAMPAIGN", "RESOURCE_POLICY", "APM_RECOMMENDATION", "SCM_URL",
    "PROFILING_DOWNSIZING_EXPERIMENT",
]  # fmt: skip


class CaseInsight(Wire):
    type: InsightTypeName
    ref: str
    resource_id: str


class CaseInsightsAttributes(Wire):
    insights: list[CaseInsight] = Field(min_length=1, max_length=100)


class CaseInsightsData(Wire):
    type: Literal["case"]
    attributes: CaseInsightsAttributes


class CaseInsightsRequest(Wire):
    data: CaseInsightsData
