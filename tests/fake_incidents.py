"""In-memory incident repositories for the fake unit of work (see `fakes.py`)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from casedesk.domain.errors import NotFound
from casedesk.domain.incidents.commands import IncidentRef
from casedesk.domain.incidents.incident import Incident
from casedesk.domain.incidents.settings import Setting, SettingKind

if TYPE_CHECKING:
    from tests.fakes import Store


class FakeIncidentRepository:
    def __init__(self, state: Store) -> None:
        self.state = state

    def get(self, ref: IncidentRef) -> Incident:
        for incident in self.state.incidents.values():
            if incident.deleted_at is None and (incident.id == ref.id or incident.public_id == ref.public_id):
                return incident
        raise NotFound("incident", ref)

    def add(self, incident: Incident) -> None:
        self.state.incidents[incident.id] = incident

    def linked_to_case(self, case_id: uuid.UUID) -> list[Incident]:
        linked = [i for i in self.state.incidents.values() if i.case_id == case_id]
        return sorted(linked, key=lambda i: i.public_id)

    def next_public_id(self) -> int:
        self.state.incident_public_id += 1
        return self.state.incident_public_id


class FakeIncidentSettingRepository:
    def __init__(self, state: Store) -> None:
        self.state = state

    def get(self, kind: SettingKind, setting_id: uuid.UUID) -> Setting:
        setting = self.state.incident_settings.get(setting_id)
        if setting is None or setting.kind is not kind or setting.deleted_at is not None:
            raise NotFound(kind.label, setting_id)
        return setting

    def all(self, kind: SettingKind, *, lock: bool = True) -> list[Setting]:
        found = [s for s in self.state.incident_settings.values() if s.kind is kind and s.deleted_at is None]
        return sorted(found, key=lambda s: s.created_at)

    def add(self, setting: Setting) -> None:
        self.state.incident_settings[setting.id] = setting

    def save(self, setting: Setting) -> None:
        self.state.incident_settings[setting.id] = setting
