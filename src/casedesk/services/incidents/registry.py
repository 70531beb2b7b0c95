"""The handlers and required scopes of the incident commands; the message bus and `authz`
merge these tables into theirs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from casedesk.domain.commands import Command
from casedesk.domain.incidents import commands as ic
from casedesk.domain.vocab import Scope
from casedesk.services.incidents import handlers as incidents
from casedesk.services.incidents import items as incident_parts
from casedesk.services.ports.uow import UnitOfWork

INCIDENT_HANDLERS: dict[type[Command], Callable[[UnitOfWork, Any, Any, datetime], Any]] = {
    ic.CreateIncident: incidents.create_incident,
    ic.ImportIncident: incidents.import_incident,
    ic.UpdateIncident: incidents.update_incident,
    ic.DeleteIncident: incidents.delete_incident,
    ic.LinkIncidentToCase: incidents.link_to_case,
    ic.AddIncidentItem: incident_parts.add_item,
    ic.UpdateIncidentItem: incident_parts.update_item,
    ic.RemoveIncidentItem: incident_parts.remove_item,
    ic.CreateIncidentSetting: incident_parts.create_setting,
    ic.UpdateIncidentSetting: incident_parts.update_setting,
    ic.DeleteIncidentSetting: incident_parts.delete_setting,
    ic.PutGlobalIncidentSettings: incident_parts.put_global_settings,
}

INCIDENT_SCOPES: dict[type[Command], Scope] = {
    ic.CreateIncident: Scope.INCIDENT_WRITE,
    ic.ImportIncident: Scope.INCIDENT_WRITE,
    ic.UpdateIncident: Scope.INCIDENT_WRITE,
    ic.DeleteIncident: Scope.INCIDENT_WRITE,
    # Linking changes the case (Datadog asks for cases_write); the incident is only read.
    ic.LinkIncidentToCase: Scope.CASES_WRITE,
    ic.AddIncidentItem: Scope.INCIDENT_WRITE,
    ic.UpdateIncidentItem: Scope.INCIDENT_WRITE,
    ic.RemoveIncidentItem: Scope.INCIDENT_WRITE,
    ic.CreateIncidentSetting: Scope.INCIDENT_SETTINGS_WRITE,
    ic.UpdateIncidentSetting: Scope.INCIDENT_SETTINGS_WRITE,
    ic.DeleteIncidentSetting: Scope.INCIDENT_SETTINGS_WRITE,
    ic.PutGlobalIncidentSettings: Scope.INCIDENT_SETTINGS_WRITE,
}
