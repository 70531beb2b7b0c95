"""Saved case views on the real unit of work."""

from __future__ import annotations

import uuid

import pytest

from casedesk.bootstrap import Container
from casedesk.domain.cases.views import CreateCaseView, UpdateCaseView
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.ids import CaseRef
from casedesk.domain.users import Principal
from casedesk.services.bus import MessageBus
from casedesk.services.ports.access import Visibility


def test_view_queries_are_parsed_on_every_write(
    db: Container, bus: MessageBus, admin: Principal, two_cases: tuple[uuid.UUID, uuid.UUID]
) -> None:
    project_id = db.read.case(Visibility.everything(), CaseRef(id=two_cases[0])).case.project_id
    view_id = bus.handle(CreateCaseView(project_id, "Mine", "assignee:me status:open"), admin)
    assert db.read.case_view(Visibility.everything(), view_id).query == "assignee:me status:open"
    for command in (
        CreateCaseView(uuid.uuid4(), "Broken", "status:(open"),
        UpdateCaseView(uuid.uuid4(), query="priority:P9"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            bus.handle(command, admin)
        assert refused.value.field == "query"
