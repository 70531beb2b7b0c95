"""Case types and the custom attributes they define."""

from __future__ import annotations

import uuid
from datetime import datetime

from casedesk.domain.cases.case_types import (
    CaseType,
    CreateCaseType,
    DeleteCaseType,
    UpdateCaseType,
    clean_emoji,
    clean_type_name,
)
from casedesk.domain.cases.custom_attributes import (
    CreateCustomAttributeConfig,
    CustomAttributeConfig,
    DeleteCustomAttributeConfig,
    UpdateCustomAttributeConfig,
    clean_key,
    clean_options,
)
from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.users import Principal
from casedesk.services.ports.uow import UnitOfWork

DISPLAY_NAME_MAX = 200


def _live_type(uow: UnitOfWork, type_id: uuid.UUID) -> CaseType:
    case_type = uow.case_types.get(type_id)
    if case_type.deleted_at is not None:
        raise NotFound("case_type", type_id)
    return case_type


def _display_name(name: str) -> str:
    stripped = name.strip()
    if not stripped or len(stripped) > DISPLAY_NAME_MAX:
        raise ValidationFailed("display_name", f"display_name must be 1 to {DISPLAY_NAME_MAX} characters")
    return stripped


def create_case_type(uow: UnitOfWork, cmd: CreateCaseType, who: Principal, now: datetime) -> uuid.UUID:
    case_type = CaseType.create(name=cmd.name, description=cmd.description, emoji=cmd.emoji, now=now)
    uow.case_types.add(case_type)
    return case_type.id


def update_case_type(uow: UnitOfWork, cmd: UpdateCaseType, who: Principal, now: datetime) -> uuid.UUID:
    if cmd.name is not None:
        clean_type_name(cmd.name)
    if cmd.emoji is not None:
        clean_emoji(cmd.emoji)
    case_type = _live_type(uow, cmd.type_id)
    case_type.update(name=cmd.name, description=cmd.description, emoji=cmd.emoji, now=now)
    uow.case_types.save(case_type)
    return case_type.id


def delete_case_type(uow: UnitOfWork, cmd: DeleteCaseType, who: Principal, now: datetime) -> uuid.UUID:
    # Soft delete: cases of the type keep it; new cases cannot use it.
    case_type = _live_type(uow, cmd.type_id)
    case_type.delete(now)
    uow.case_types.save(case_type)
    return case_type.id


def create_custom_attribute(
    uow: UnitOfWork, cmd: CreateCustomAttributeConfig, who: Principal, now: datetime
) -> uuid.UUID:
    config = CustomAttributeConfig(
        id=uuid.uuid4(),
        case_type_id=cmd.type_id,
        key=clean_key(cmd.key),
        display_name=_display_name(cmd.display_name),
        description=cmd.description,
        type=cmd.type,
        is_multi=cmd.is_multi,
        options=clean_options(list(cmd.options)),
        created_at=now,
        modified_at=now,
    )
    _live_type(uow, cmd.type_id)
    if uow.custom_attributes.find(cmd.type_id, config.key) is not None:
        raise ValidationFailed("key", f"the case type already has a custom attribute {config.key!r}")
    uow.custom_attributes.add(config)
    return config.id


def update_custom_attribute(
    uow: UnitOfWork, cmd: UpdateCustomAttributeConfig, who: Principal, now: datetime
) -> uuid.UUID:
    display_name = _display_name(cmd.display_name) if cmd.display_name is not None else None
    options = clean_options(list(cmd.options)) if cmd.options is not None else None
    _live_type(uow, cmd.type_id)
    config = uow.custom_attributes.get(cmd.type_id, cmd.config_id)
    if cmd.type is not None and cmd.type is not config.type and uow.custom_attributes.in_use(config):
        raise ValidationFailed(
            "type", f"custom attribute {config.key!r} has values on cases; its type cannot change"
        )
    config.display_name = display_name or config.display_name
    config.description = cmd.description if cmd.description is not None else config.description
    config.type = cmd.type or config.type
    config.options = options if options is not None else config.options
    config.modified_at = now
    uow.custom_attributes.save(config)
    return config.id


def delete_custom_attribute(
    uow: UnitOfWork, cmd: DeleteCustomAttributeConfig, who: Principal, now: datetime
) -> uuid.UUID:
    _live_type(uow, cmd.type_id)
    config = uow.custom_attributes.get(cmd.type_id, cmd.config_id)
    if uow.custom_attributes.in_use(config):
        raise ValidationFailed(
            "custom_attribute_id", f"custom attribute {config.key!r} has values on cases; remove them first"
        )
    uow.custom_attributes.delete(config)
    return config.id
