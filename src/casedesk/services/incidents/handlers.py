"""Incident use cases: load, ask the aggregate, and let the bus commit once."""

from __future__ import annotations

import uuid
from datetime import datetime

from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.incidents import commands as ic
from casedesk.domain.incidents.fields import BUILTIN_FIELDS, FieldInput, clean_fields
from casedesk.domain.incidents.incident import Incident
from casedesk.domain.incidents.settings import SettingKind, check_field_against
from casedesk.domain.incidents.values import CustomerImpact, clean_handles, clean_title
from casedesk.domain.incidents.vocab import DEFAULT_INCIDENT_TYPE_ID
from casedesk.domain.users import Principal
from casedesk.services.ports.uow import UnitOfWork


def active_user(uow: UnitOfWork, user_id: uuid.UUID, field: str) -> uuid.UUID:
    try:
        user = uow.users.get(user_id)
    except NotFound:
        raise ValidationFailed(field, f"user {user_id} does not exist") from None
    if user.disabled:
        raise ValidationFailed(field, f"user {user.email} is disabled")
    return user.id


def incident_type(uow: UnitOfWork, type_id: uuid.UUID | None) -> uuid.UUID:
    """The type asked for, or the organisation's default type."""
    if type_id is not None:
        try:
            return uow.incident_settings.get(SettingKind.INCIDENT_TYPE, type_id).id
        except NotFound:
            raise ValidationFailed("incident_type_uuid", f"incident type {type_id} does not exist") from None
    types = uow.incident_settings.all(SettingKind.INCIDENT_TYPE, lock=False)
    default = next((t for t in types if t.attributes.get("is_default")), None)
    return default.id if default else (types[0].id if types else DEFAULT_INCIDENT_TYPE_ID)


def check_fields(uow: UnitOfWork, type_id: uuid.UUID, fields: dict[str, FieldInput]) -> None:
    """Fields that a user-defined field of the incident's type describes must fit it."""
    custom = [name for name in fields if name not in BUILTIN_FIELDS]
    if not custom:
        return
    definitions = {
        d.name: d
        for d in uow.incident_settings.all(SettingKind.USER_DEFINED_FIELD, lock=False)
        if d.incident_type_id == type_id
    }
    for name in custom:
        if name in definitions:
            check_field_against(definitions[name], name, fields[name])


def create_incident(uow: UnitOfWork, cmd: ic.CreateIncident, who: Principal, now: datetime) -> uuid.UUID:
    # Malformed values are refused before anything is looked up.
    clean_title(cmd.title)
    fields = clean_fields(cmd.fields)
    impact = CustomerImpact(cmd.customer_impacted, cmd.customer_impact_scope).checked(now)
    clean_handles(cmd.notification_handles)
    type_id = incident_type(uow, cmd.incident_type_id)
    commander = active_user(uow, cmd.commander_id, "commander_user") if cmd.commander_id else None
    check_fields(uow, type_id, fields)
    incident = Incident.declare(
        public_id=uow.incidents.next_public_id(),
        title=cmd.title,
        incident_type_id=type_id,
        impact=impact,
        fields=fields,
        commander_id=commander,
        is_test=cmd.is_test,
        handles=cmd.notification_handles,
        cells=cmd.initial_cells,
        actor=who.user_id,
        now=now,
    )
    uow.incidents.add(incident)
    return incident.id


def import_incident(uow: UnitOfWork, cmd: ic.ImportIncident, who: Principal, now: datetime) -> uuid.UUID:
    clean_title(cmd.title)
    fields = clean_fields(cmd.fields)
    for name, moment in (("declared", cmd.declared), ("detected", cmd.detected), ("resolved", cmd.resolved)):
        if moment is not None and moment > now:
            raise ValidationFailed(name, f"{name} is in the future")
    if cmd.declared and cmd.resolved and cmd.resolved < cmd.declared:
        raise ValidationFailed("resolved", "resolved precedes declared")
    type_id = incident_type(uow, cmd.incident_type_id)
    commander = active_user(uow, cmd.commander_id, "commander_user") if cmd.commander_id else None
    declarer = active_user(uow, cmd.declared_by, "declared_by_user") if cmd.declared_by else who.user_id
    check_fields(uow, type_id, fields)
    incident = Incident.declare(
        public_id=uow.incidents.next_public_id(),
        title=cmd.title,
        incident_type_id=type_id,
        impact=CustomerImpact(False),
        fields=fields,
        commander_id=commander,
        is_test=False,
        handles=(),
        cells=(),
        actor=who.user_id,
        now=now,
        declared=cmd.declared,
        detected=cmd.detected,
        resolved=cmd.resolved,
        visibility=cmd.visibility,
    )
    incident.declared_by = declarer
    uow.incidents.add(incident)
    return incident.id


def update_incident(uow: UnitOfWork, cmd: ic.UpdateIncident, who: Principal, now: datetime) -> uuid.UUID:
    given = {name for name in ic.UPDATE_MEMBERS if getattr(cmd, name) is not ic.UNSET}
    if "title" in given:
        clean_title(cmd.title)
    fields = clean_fields(cmd.fields)
    if "notification_handles" in given:
        clean_handles(cmd.notification_handles)
    incident = uow.incidents.get(cmd.incident)
    actor = who.user_id
    if "title" in given:
        incident.retitle(cmd.title, actor, now)
    if given & ic.IMPACT_MEMBERS:
        incident.set_customer_impact(_impact(incident.impact, cmd, given), actor, now)
    if "detected" in given:
        incident.set_detected(cmd.detected, actor, now)
    if fields:
        check_fields(uow, incident.incident_type_id, fields)
        incident.set_fields(fields, actor, now)
    if "notification_handles" in given:
        incident.set_notification_handles(cmd.notification_handles, actor, now)
    if "commander_id" in given:
        commander = active_user(uow, cmd.commander_id, "commander_user") if cmd.commander_id else None
        incident.set_commander(commander, actor, now)
    return incident.id


def _impact(current: CustomerImpact, cmd: ic.UpdateIncident, given: set[str]) -> CustomerImpact:
    impacted = cmd.customer_impacted if "customer_impacted" in given else current.impacted
    if not impacted:
        # No impact: what the impact was (scope, start, end) no longer applies.
        start = cmd.customer_impact_start if "customer_impact_start" in given else None
        end = cmd.customer_impact_end if "customer_impact_end" in given else None
        return CustomerImpact(False, None, start, end)
    return CustomerImpact(
        True,
        cmd.customer_impact_scope if "customer_impact_scope" in given else current.scope,
        cmd.customer_impact_start if "customer_impact_start" in given else current.start,
        cmd.customer_impact_end if "customer_impact_end" in given else current.end,
    )


def delete_incident(uow: UnitOfWork, cmd: ic.DeleteIncident, who: Principal, now: datetime) -> uuid.UUID:
    incident = uow.incidents.get(cmd.incident)
    incident.delete(who.user_id, now)
    return incident.id


def link_to_case(uow: UnitOfWork, cmd: ic.LinkIncidentToCase, who: Principal, now: datetime) -> uuid.UUID:
    """Links the incident to the case; returns the case's id. Each side records the link."""
    case = uow.cases.get(cmd.case)
    incident = uow.incidents.get(cmd.incident)
    if incident.case_id != case.id:
        incident.link_case(case.id, case.key, who.user_id, now)
        case.incident_linked(incident.id, incident.public_id, who.user_id, now)
    return case.id
