"""In-memory repositories for links, watchers, old case keys, views and maintenance windows.

Each works on the collection of the unit of work's private store copy it is given."""

from __future__ import annotations

import uuid
from datetime import datetime

from casedesk.domain.cases.links import CaseLink, Entity, Relationship
from casedesk.domain.cases.views import CaseView
from casedesk.domain.errors import NotFound
from casedesk.domain.maintenance import MaintenanceWindow


class FakeLinkRepository:
    def __init__(
        self, links: dict[uuid.UUID, CaseLink], case_numbers: dict[uuid.UUID, int] | None = None
    ) -> None:
        self.links = links
        self.case_numbers = case_numbers or {}

    def get(self, link_id: uuid.UUID) -> CaseLink:
        if link_id not in self.links:
            raise NotFound("link", link_id)
        return self.links[link_id]

    def find(self, parent: Entity, child: Entity, relationship: Relationship) -> CaseLink | None:
        for link in self.links.values():
            if (link.parent, link.child, link.relationship) == (parent, child, relationship):
                return link
        return None

    def add(self, link: CaseLink) -> None:
        self.links[link.id] = link

    def delete(self, link: CaseLink) -> None:
        self.links.pop(link.id, None)

    def linked_case_numbers(self, case_id: uuid.UUID) -> list[int]:
        others = set()
        for link in self.links.values():
            ends = {link.parent, link.child}
            if all(end.type.value == "CASE" for end in ends):
                ids = {end.id for end in ends}
                if case_id in ids:
                    others |= ids - {case_id}
        return sorted(self.case_numbers[o] for o in others if o in self.case_numbers)


class FakeWatcherRepository:
    def __init__(self, watchers: dict[tuple[uuid.UUID, uuid.UUID], datetime]) -> None:
        self.watchers = watchers

    def watching(self, case_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        return (case_id, user_id) in self.watchers

    def add(self, case_id: uuid.UUID, user_id: uuid.UUID, now: datetime) -> None:
        self.watchers[(case_id, user_id)] = now

    def remove(self, case_id: uuid.UUID, user_id: uuid.UUID) -> None:
        self.watchers.pop((case_id, user_id), None)


class FakeCaseKeyAliasRepository:
    def __init__(self, aliases: dict[str, uuid.UUID]) -> None:
        self.aliases = aliases

    def add(self, key: str, case_id: uuid.UUID) -> None:
        self.aliases[key] = case_id


class FakeCaseViewRepository:
    def __init__(self, views: dict[uuid.UUID, CaseView]) -> None:
        self.views = views

    def get(self, view_id: uuid.UUID) -> CaseView:
        if view_id not in self.views:
            raise NotFound("view", view_id)
        return self.views[view_id]

    def add(self, view: CaseView) -> None:
        self.views[view.id] = view

    def save(self, view: CaseView) -> None:
        self.views[view.id] = view

    def delete(self, view: CaseView) -> None:
        self.views.pop(view.id, None)


class FakeMaintenanceWindowRepository:
    def __init__(self, windows: dict[uuid.UUID, MaintenanceWindow]) -> None:
        self.windows = windows

    def get(self, window_id: uuid.UUID) -> MaintenanceWindow:
        if window_id not in self.windows:
            raise NotFound("maintenance window", window_id)
        return self.windows[window_id]

    def add(self, window: MaintenanceWindow) -> None:
        self.windows[window.id] = window

    def save(self, window: MaintenanceWindow) -> None:
        self.windows[window.id] = window

    def delete(self, window: MaintenanceWindow) -> None:
        self.windows.pop(window.id, None)
