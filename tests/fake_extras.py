"""In-memory `uow.attachments`, for handler tests without a database."""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from casedesk.domain.cases.attachments import Button, ButtonSpec, RecordField
from casedesk.domain.errors import NotFound
from casedesk.services.ports.attachments import RecordResults


@dataclass
class ExtrasStore:
    records: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    buttons: dict[int, Button] = field(default_factory=dict)
    comment_numbers: dict[tuple[uuid.UUID, int], uuid.UUID] = field(default_factory=dict)
    reactions: set[tuple[uuid.UUID, uuid.UUID, str]] = field(default_factory=set)
    files: dict[int, dict[str, Any]] = field(default_factory=dict)
    blobs: dict[str, bytes] = field(default_factory=dict)
    deleted_cases: set[uuid.UUID] = field(default_factory=set)
    last_id: int = 0


class FakeCaseExtrasRepository:
    def __init__(self, state: ExtrasStore) -> None:
        self.state = state

    def _next(self) -> int:
        self.state.last_id += 1
        return self.state.last_id

    def missing_records(self, record_ids: list[int]) -> list[int]:
        return [r for r in record_ids if r not in self.state.records]

    def record_results(self, record_ids: list[int]) -> RecordResults:
        return {r: self.state.records[r] for r in record_ids if r in self.state.records}

    def add_record(self, fields: tuple[RecordField, ...], actor: uuid.UUID, now: datetime) -> int:
        record_id = self._next()
        self.state.records[record_id] = [
            {"id": self._next(), "name": f.name, "value": f.value} for f in fields
        ]
        return record_id

    def buttons(self, case_id: uuid.UUID) -> list[Button]:
        return [b for b in self.state.buttons.values() if b.case_id == case_id]

    def add_button(self, case_id: uuid.UUID, spec: ButtonSpec, now: datetime) -> int:
        button = Button(self._next(), case_id, spec, now, now)
        self.state.buttons[button.id] = button
        return button.id

    def get_button(self, case_id: uuid.UUID, button_id: int) -> Button:
        button = self.state.buttons.get(button_id)
        if button is None or button.case_id != case_id:
            raise NotFound("button", button_id)
        return dataclasses.replace(button)

    def save_button(self, button: Button) -> None:
        self.state.buttons[button.id] = button

    def delete_button(self, button: Button) -> None:
        self.state.buttons.pop(button.id, None)

    def comment_cell(self, case_id: uuid.UUID, number: int) -> uuid.UUID:
        if (case_id, number) not in self.state.comment_numbers:
            raise NotFound("comment", number)
        return self.state.comment_numbers[(case_id, number)]

    def set_reaction(
        self, cell_id: uuid.UUID, user_id: uuid.UUID, emoji: str, add: bool, now: datetime
    ) -> bool:
        key = (cell_id, user_id, emoji)
        if add == (key in self.state.reactions):
            return False
        if add:
            self.state.reactions.add(key)
        else:
            self.state.reactions.discard(key)
        return True

    def add_file(
        self,
        case_id: uuid.UUID,
        filename: str,
        content_type: str,
        content: bytes,
        comment: str,
        actor: uuid.UUID,
        now: datetime,
    ) -> int:
        digest = hashlib.sha256(content).hexdigest()
        self.state.blobs[digest] = content
        file_id = self._next()
        self.state.files[file_id] = {"case_id": case_id, "filename": filename, "sha256": digest}
        return file_id
