"""Use cases for an incident's sub-resources and for the organisation's incident settings."""

from __future__ import annotations

import uuid
from datetime import datetime

from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.incidents import commands as ic
from casedesk.domain.incidents.items import ItemKind, clean
from casedesk.domain.incidents.settings import GLOBAL_SETTINGS_ID, Setting, SettingKind
from casedesk.domain.incidents.settings import clean as clean_setting
from casedesk.domain.users import Principal
from casedesk.services.incidents.handlers import active_user
from casedesk.services.ports.uow import UnitOfWork

# Notification templates and rules are configured within their incident type, the way a
# sub-resource lives under its parent: an unknown type is a missing resource (404), not a
# wrong value. Elsewhere the type is an ordinary reference and an unknown one is a 400.
KINDS_UNDER_AN_INCIDENT_TYPE = frozenset({SettingKind.NOTIFICATION_TEMPLATE, SettingKind.NOTIFICATION_RULE})


def add_item(uow: UnitOfWork, cmd: ic.AddIncidentItem, who: Principal, now: datetime) -> uuid.UUID:
    attributes = clean(cmd.kind, cmd.attributes)
    incident = uow.incidents.get(cmd.incident)
    if cmd.kind is ItemKind.RESPONDER:
        active_user(uow, uuid.UUID(attributes["user_id"]), "user")
    return incident.add_item(cmd.kind, attributes, who.user_id, now).id


def update_item(uow: UnitOfWork, cmd: ic.UpdateIncidentItem, who: Principal, now: datetime) -> uuid.UUID:
    incident = uow.incidents.get(cmd.incident)
    return incident.update_item(cmd.kind, cmd.item_id, cmd.changes, who.user_id, now).id


def remove_item(uow: UnitOfWork, cmd: ic.RemoveIncidentItem, who: Principal, now: datetime) -> uuid.UUID:
    incident = uow.incidents.get(cmd.incident)
    incident.remove_item(cmd.kind, cmd.item_id, who.user_id, now)
    return cmd.item_id


# -- settings ----------------------------------------------------------------------------


def create_setting(
    uow: UnitOfWork, cmd: ic.CreateIncidentSetting, who: Principal, now: datetime
) -> uuid.UUID:
    attributes = clean_setting(cmd.kind, cmd.attributes)
    setting = Setting(uuid.uuid4(), cmd.kind, attributes, now, who.user_id, now, who.user_id)
    _check(uow, setting, who, now)
    uow.incident_settings.add(setting)
    return setting.id


def update_setting(
    uow: UnitOfWork, cmd: ic.UpdateIncidentSetting, who: Principal, now: datetime
) -> uuid.UUID:
    setting = uow.incident_settings.get(cmd.kind, cmd.setting_id)
    was_default = bool(setting.attributes.get("is_default"))
    setting.change(cmd.changes, who.user_id, now)
    if was_default and not setting.attributes.get("is_default"):
        raise ValidationFailed("is_default", "make another incident type the default instead")
    _check(uow, setting, who, now)
    uow.incident_settings.save(setting)
    return setting.id


def delete_setting(
    uow: UnitOfWork, cmd: ic.DeleteIncidentSetting, who: Principal, now: datetime
) -> uuid.UUID:
    setting = uow.incident_settings.get(cmd.kind, cmd.setting_id)
    if cmd.kind is SettingKind.INCIDENT_TYPE and setting.attributes.get("is_default"):
        raise ValidationFailed("incident_type_id", "the default incident type cannot be deleted")
    setting.deleted_at, setting.modified_at, setting.modified_by = now, now, who.user_id
    uow.incident_settings.save(setting)
    return setting.id


def put_global_settings(
    uow: UnitOfWork, cmd: ic.PutGlobalIncidentSettings, who: Principal, now: datetime
) -> uuid.UUID:
    """There is one global settings document; the first change creates it."""
    existing = uow.incident_settings.all(SettingKind.GLOBAL_SETTINGS)
    if not existing:
        setting = Setting(GLOBAL_SETTINGS_ID, SettingKind.GLOBAL_SETTINGS, {}, now, who.user_id)
        setting.change(cmd.changes, who.user_id, now)
        uow.incident_settings.add(setting)
        return setting.id
    setting = existing[0]
    setting.change(cmd.changes, who.user_id, now)
    uow.incident_settings.save(setting)
    return setting.id


def _check(uow: UnitOfWork, setting: Setting, who: Principal, now: datetime) -> None:
    """The rules that reach beyond one setting: one default incident type, the incident type
    a setting names exists, and a user-defined field's name is unique within its type."""
    if setting.kind is SettingKind.INCIDENT_TYPE and setting.attributes.get("is_default"):
        for other in uow.incident_settings.all(SettingKind.INCIDENT_TYPE):
            if other.id != setting.id and other.attributes.get("is_default"):
                other.change({"is_default": False}, who.user_id, now)
                uow.incident_settings.save(other)
    type_id = setting.incident_type_id
    if type_id is not None and setting.kind is not SettingKind.INCIDENT_TYPE:
        try:
            uow.incident_settings.get(SettingKind.INCIDENT_TYPE, type_id)
        except NotFound:
            if setting.kind in KINDS_UNDER_AN_INCIDENT_TYPE:
                raise NotFound(f"incident type {type_id}", type_id) from None
            raise ValidationFailed("incident_type", f"incident type {type_id} does not exist") from None
    if setting.kind is SettingKind.USER_DEFINED_FIELD:
        for other in uow.incident_settings.all(SettingKind.USER_DEFINED_FIELD):
            if other.id != setting.id and other.incident_type_id == type_id and other.name == setting.name:
                raise ValidationFailed(
                    "name", f"the incident type already has a field named {setting.name!r}"
                )
