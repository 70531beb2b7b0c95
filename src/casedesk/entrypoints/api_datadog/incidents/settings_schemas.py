"""The attributes of the incident settings' requests, member by member as the contract types
them, so a wrong JSON type (an object for a boolean, `0` for `false`, a number for a string)
is a 400 at the member's pointer before the document reaches the core.

Every member is optional here: which ones a create must carry is the kind's `Spec.required`,
and a PATCH carries only what changes. Members the contract does not declare are ignored, as
everywhere in the dialect; the kinds the core reads as typed rules (notification rules,
automation rules) refuse them, as the core does.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, ConfigDict, StrictInt

from casedesk.domain.incidents.settings import SettingKind
from casedesk.entrypoints.api_datadog.wire import Wire, one_of

UserDefinedFieldType = Annotated[StrictInt, AfterValidator(one_of(1, 2, 3, 4, 5, 6, 7, 8))]
ExecutionType = Annotated[StrictInt, AfterValidator(one_of(1, 2))]
# Members the server sets; a request may carry them (the contract lists them), they are not kept.
READ_ONLY = frozenset({"createdAt", "modifiedAt", "createdBy", "lastModifiedBy"})


class Attributes(Wire):
    pass


class RuleAttributes(Wire):
    model_config = ConfigDict(extra="forbid")


class IncidentTypeConfiguration(Wire):
    allow_incident_deletion: bool | None = None
    allow_workflows: bool | None = None
    create_message: str | None = None
    editable_timestamps: bool | None = None
    private_incidents: bool | None = None
    private_incidents_by_default: bool | None = None
    slug_source: Literal["default", "servicenow"] | None = None
    test_incidents: bool | None = None


class IncidentTypeAttributes(Attributes):
    configuration: IncidentTypeConfiguration | None = None
    createdAt: str | None = None  # noqa: N815 (the contract's names)
    createdBy: str | None = None  # noqa: N815
    lastModifiedBy: str | None = None  # noqa: N815
    modifiedAt: str | None = None  # noqa: N815
    description: str | None = None
    is_default: bool | None = None
    name: str | None = None
    prefix: str | None = None


class ValidValue(Wire):
    description: str | None = None
    display_name: str | None = None
    short_description: str | None = None
    value: str


class UserDefinedFieldAttributes(Attributes):
    category: Literal["what_happened", "why_it_happened"] | None = None
    collected: Literal["active", "stable", "resolved", "completed"] | None = None
    default_value: str | None = None
    display_name: str | None = None
    name: str | None = None
    ordinal: str | None = None
    required: bool | None = None
    tag_key: str | None = None
    type: UserDefinedFieldType | None = None
    valid_values: list[ValidValue] | None = None


class ImpactFieldChoice(Wire):
    description: str | None = None
    display_name: str | None = None
    value: str


class ImpactFieldAttributes(Attributes):
    display_name: str | None = None
    field_choices: list[ImpactFieldChoice] | None = None
    field_type: (
        Literal["dropdown", "text", "textarray", "metrictag", "number", "datetime", "multiselect"] | None
    ) = None
    name: str | None = None
    tag_key: str | None = None


class NotificationTemplateAttributes(Attributes):
    category: str | None = None
    content: str | None = None
    name: str | None = None
    subject: str | None = None


class Condition(Wire):
    model_config = ConfigDict(extra="forbid")
    field: str
    values: list[str]


class NotificationRuleAttributes(RuleAttributes):
    conditions: list[Condition] | None = None
    enabled: bool | None = None
    # Each handle is parsed by the core into its form, which says what a handle may be.
    handles: list[Any] | None = None
    renotify_on: list[str] | None = None
    trigger: str | None = None
    visibility: Literal["all", "organization", "private"] | None = None


class ConfluenceSettings(Wire):
    account_id: str | None = None
    parent_id: str | None = None
    space_id: str | None = None


class GoogleDocsSettings(Wire):
    account_id: str | None = None
    parent_folder_id: str | None = None


class PostmortemTemplateAttributes(Attributes):
    confluence_postmortem_settings: ConfluenceSettings | None = None
    content: str | None = None
    google_docs_postmortem_settings: GoogleDocsSettings | None = None
    is_default: str | None = None
    location: Literal["datadog_notebooks", "confluence", "google_docs"] | None = None
    name: str | None = None


class QueryCondition(Wire):
    model_config = ConfigDict(extra="forbid")
    normalized_query: str | None = None
    raw_query: str | None = None


Trigger = Literal["incident_saved_trigger", "incident_created_trigger", "incident_modified_trigger"]


class RuleSettingAttributes(RuleAttributes):
    condition: QueryCondition | None = None
    condition_table_type: int | None = None
    conditions: list[Condition] | None = None
    enabled: bool | None = None
    execution_type: ExecutionType | None = None
    incident_type_uuid: str | None = None
    match_any_condition: bool | None = None
    task_id: str | None = None
    task_payload: str | None = None
    trigger: Trigger | None = None


class RolePolicy(Wire):
    is_single: bool


class UserDefinedRoleAttributes(Attributes):
    description: str | None = None
    name: str | None = None
    policy: RolePolicy | None = None


class HandleFields(Wire):
    severity: list[str] | None = None


class GlobalHandleAttributes(Attributes):
    fields: HandleFields | None = None
    name: str | None = None


class GlobalSettingsAttributes(Attributes):
    analytics_dashboard_id: str | None = None


ATTRIBUTES: dict[SettingKind, type[Wire]] = {
    SettingKind.INCIDENT_TYPE: IncidentTypeAttributes,
    SettingKind.USER_DEFINED_FIELD: UserDefinedFieldAttributes,
    SettingKind.IMPACT_FIELD: ImpactFieldAttributes,
    SettingKind.NOTIFICATION_TEMPLATE: NotificationTemplateAttributes,
    SettingKind.NOTIFICATION_RULE: NotificationRuleAttributes,
    SettingKind.POSTMORTEM_TEMPLATE: PostmortemTemplateAttributes,
    SettingKind.RULE: RuleSettingAttributes,
    SettingKind.USER_DEFINED_ROLE: UserDefinedRoleAttributes,
    SettingKind.GLOBAL_HANDLE: GlobalHandleAttributes,
    SettingKind.GLOBAL_SETTINGS: GlobalSettingsAttributes,
}
