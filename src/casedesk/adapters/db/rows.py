"""Row ⇄ domain object translation, shared by the repositories and the read model."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import RowMapping

from casedesk.domain.cases.case import Case
from casedesk.domain.cases.case_types import CaseType
from casedesk.domain.cases.closure import ClosureCondition
from casedesk.domain.cases.custom_attributes import CustomAttributeConfig, CustomAttributeType
from casedesk.domain.cases.values import Insight
from casedesk.domain.documents import from_document, to_document
from casedesk.domain.projects.project import Project
from casedesk.domain.projects.settings import ProjectSettings
from casedesk.domain.users import AppKey, Role, User
from casedesk.domain.vocab import CaseStatus, InsightType, Priority, ResolvedReason, Scope


def case_from_row(row: RowMapping) -> Case:
    return Case(
        id=row["id"],
        number=row["number"],
        project_id=row["project_id"],
        key=row["key"],
        type_id=row["type_id"],
        title=row["title"],
        description=row["description"],
        priority=Priority(row["priority"]),
        status=CaseStatus(row["status"]),
        # The primary only; the repositories that need the others load them from case_assignees.
        assignee_ids=[row["assignee_id"]] if row["assignee_id"] else [],
        created_by=row["created_by"],
        modified_by=row["modified_by"],
        created_at=row["created_at"],
        modified_at=row["modified_at"],
        closed_at=row["closed_at"],
        archived_at=row["archived_at"],
        due_date=row["due_date"],
        resolved_reason=ResolvedReason(row["resolved_reason"]) if row["resolved_reason"] else None,
        attributes=dict(row["attributes"] or {}),
        custom_attributes=dict(row["custom_attributes"] or {}),
        metadata=dict(row["metadata"] or {}),
        closure_conditions=[
            ClosureCondition(c["name"], c["formula"]) for c in row["closure_conditions"] or []
        ],
        opened_at=row["opened_at"],
        opened_by=row["opened_by"],
        closed_by=row["closed_by"],
    )


def case_to_row(case: Case) -> dict[str, Any]:
    return {
        "id": case.id,
        "number": case.number,
        "project_id": case.project_id,
        "key": case.key,
        "type_id": case.type_id,
        "title": case.title,
        "description": case.description,
        "priority": case.priority.value,
        "priority_urgency": case.priority.urgency,
        "status": case.status.value,
        "status_rank": case.status.sort_rank,
        "assignee_id": case.assignee_id,
        "created_by": case.created_by,
        "modified_by": case.modified_by,
        "created_at": case.created_at,
        "modified_at": case.modified_at,
        "closed_at": case.closed_at,
        "archived_at": case.archived_at,
        "due_date": case.due_date,
        "resolved_reason": case.resolved_reason.value if case.resolved_reason else None,
        "attributes": case.attributes,
        "custom_attributes": case.custom_attributes,
        "metadata": case.metadata,
        "closure_conditions": [c.as_data() for c in case.closure_conditions],
        "opened_at": case.opened_at,
        "opened_by": case.opened_by,
        "closed_by": case.closed_by,
    }


MEMBER, PROJECT_ADMIN = "member", "admin"


def project_from_row(row: RowMapping, members: list[tuple[uuid.UUID, str]]) -> Project:
    """`members`: (user id, role) pairs from `project_members`."""
    return Project(
        id=row["id"],
        name=row["name"],
        key=row["key"],
        handle=row["handle"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        modified_at=row["modified_at"],
        deleted_at=row["deleted_at"],
        # Rows written before settings were checked may hold members that are no longer
        # accepted (the handle, unknown or malformed members): reading drops them.
        settings=from_document(ProjectSettings, row["settings"] or {}, lenient=True),
        enabled_custom_case_types=list(row["enabled_custom_case_types"] or []),
        member_ids=[user_id for user_id, _ in members],
        admin_ids={user_id for user_id, role in members if role == PROJECT_ADMIN},
        number=row["number"],
        restricted=bool(row["restricted"]),
    )


def project_to_row(project: Project) -> dict[str, Any]:
    return {
        "id": project.id,
        "name": project.name,
        "key": project.key,
        "handle": project.handle,
        "settings": to_document(project.settings),
        "enabled_custom_case_types": project.enabled_custom_case_types,
        "created_by": project.created_by,
        "created_at": project.created_at,
        "modified_at": project.modified_at,
        "deleted_at": project.deleted_at,
        "restricted": project.restricted,
    }


def member_rows(project: Project) -> list[tuple[uuid.UUID, str]]:
    return [(u, PROJECT_ADMIN if u in project.admin_ids else MEMBER) for u in project.member_ids]


def user_from_row(row: Mapping[Any, Any]) -> User:
    return User(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        title=row["title"],
        disabled=row["disabled"],
        created_at=row["created_at"],
        modified_at=row["modified_at"],
        number=row["number"],
        role=Role(row["role"]),
    )


def app_key_from_row(row: RowMapping) -> AppKey:
    return AppKey(
        id=row["id"],
        user_id=row["user_id"],
        name=row["name"],
        key_hash=row["key_hash"],
        last4=row["last4"],
        scopes=known_scopes(row["scopes"]),
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
        last_used_at=row["last_used_at"],
    )


def known_scopes(names: list[str]) -> frozenset[Scope]:
    """The stored scope names casedesk still knows (a retired one grants nothing)."""
    return frozenset(Scope(name) for name in names if name in Scope._value2member_map_)


def user_to_row(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "title": user.title,
        "disabled": user.disabled,
        "role": user.role.value,
        "created_at": user.created_at,
        "modified_at": user.modified_at,
    }


def case_type_from_row(row: RowMapping) -> CaseType:
    return CaseType(
        id=row["id"],
        name=row["name"],
        description=row["description"],
        emoji=row["emoji"],
        deleted_at=row["deleted_at"],
        created_at=row["created_at"],
        modified_at=row["modified_at"],
    )


def case_type_to_row(case_type: CaseType) -> dict[str, Any]:
    return {
        "id": case_type.id,
        "name": case_type.name,
        "description": case_type.description,
        "emoji": case_type.emoji,
        "deleted_at": case_type.deleted_at,
        "created_at": case_type.created_at,
        "modified_at": case_type.modified_at,
    }


def config_from_row(row: RowMapping) -> CustomAttributeConfig:
    return CustomAttributeConfig(
        id=row["id"],
        case_type_id=row["case_type_id"],
        key=row["key"],
        display_name=row["display_name"],
        description=row["description"],
        type=CustomAttributeType(row["type"]),
        is_multi=row["is_multi"],
        options=list(row["options"] or []),
        created_at=row["created_at"],
        modified_at=row["modified_at"],
    )


def config_to_row(config: CustomAttributeConfig) -> dict[str, Any]:
    return {
        "id": config.id,
        "case_type_id": config.case_type_id,
        "key": config.key,
        "display_name": config.display_name,
        "description": config.description,
        "type": config.type.value,
        "is_multi": config.is_multi,
        "options": config.options,
        "created_at": config.created_at,
        "modified_at": config.modified_at,
    }


def insight_from_row(row: RowMapping) -> Insight:
    return Insight(
        type=InsightType(row["type"]),
        ref=row["ref"],
        resource_id=row["resource_id"],
        added_at=row["created_at"],
    )
