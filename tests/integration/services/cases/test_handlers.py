"""Case handlers on the real unit of work: values checked before lookups, unknown targets,
assignees, the Security type's closing rule and the life of a comment."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select

from casedesk.adapters.db.schema import core as t
from casedesk.bootstrap import Container
from casedesk.domain import users as uc
from casedesk.domain.cases import commands as c
from casedesk.domain.errors import InvalidTransition, NotFound, ValidationFailed
from casedesk.domain.events import CaseEvent
from casedesk.domain.ids import CaseRef, UserRef
from casedesk.domain.projects import commands as pc
from casedesk.domain.users import Principal
from casedesk.domain.vocab import SECURITY_CASE_TYPE_ID, STANDARD_CASE_TYPE_ID, CaseStatus, ResolvedReason
from casedesk.services.bus import MessageBus
from casedesk.services.ports.access import Visibility
from tests.integration.helpers import NOW, events, kinds


@pytest.fixture
def project_id(bus: MessageBus, admin: Principal) -> uuid.UUID:
    created: uuid.UUID = bus.handle(pc.CreateProject(name="Operations", key="ops"), admin)
    return created


def new_case(bus: MessageBus, who: Principal, project: str, **fields: Any) -> CaseRef:
    command = c.CreateCase(
        **{"title": "Disk full", "type_id": STANDARD_CASE_TYPE_ID, "project": project, **fields}
    )
    return CaseRef(id=bus.handle(command, who))


def test_values_are_checked_before_the_case_is_looked_up(bus: MessageBus, admin: Principal) -> None:
    """Commands refuse what they can check alone when they are built."""
    unknown = CaseRef(id=uuid.uuid4())
    for build in (
        lambda: c.RetitleCase(unknown, " "),
        lambda: c.DescribeCase(unknown, "x" * 100_001),
        lambda: c.SetCaseAttributes(unknown, {"": ["x"]}),
        lambda: c.CommentOnCase(unknown, ""),
        lambda: c.UpdateCaseComment(unknown, uuid.uuid4(), ""),
    ):
        with pytest.raises(ValidationFailed):
            bus.handle(build(), admin)
    with pytest.raises(ValidationFailed) as refused:
        bus.handle(c.CreateCase(title="", project="NOPE", type_id=STANDARD_CASE_TYPE_ID), admin)
    assert refused.value.field == "title"


def test_unknown_targets(bus: MessageBus, admin: Principal, project_id: uuid.UUID) -> None:
    with pytest.raises(NotFound):
        bus.handle(c.ChangeCaseStatus(CaseRef(key="OPS-99"), CaseStatus.CLOSED), admin)
    with pytest.raises(NotFound):
        new_case(bus, admin, "NOPE")
    with pytest.raises(NotFound):
        new_case(bus, admin, "OPS", type_id=uuid.uuid4())


def test_assignees_must_exist_and_be_active(
    db: Container, bus: MessageBus, admin: Principal, project_id: uuid.UUID
) -> None:
    with pytest.raises(ValidationFailed) as unknown:
        new_case(bus, admin, "OPS", assignees=(UserRef(id=uuid.uuid4()),))
    assert unknown.value.field == "assignees"

    gone = bus.handle(uc.CreateUser(email="gone@example.com"), Principal.operator())
    bus.handle(uc.DisableUser(gone), admin)
    with pytest.raises(ValidationFailed) as disabled:
        new_case(bus, admin, "OPS", assignees=(UserRef(id=gone),))
    assert "disabled" in disabled.value.message
    ref = new_case(bus, admin, "OPS")
    with pytest.raises(ValidationFailed) as on_assign:
        bus.handle(c.AssignCase(ref, UserRef(id=gone)), admin)
    assert on_assign.value.field == "assignee"

    bus.handle(c.AssignCase(ref, UserRef(id=admin.user_id)), admin)
    assert db.read.case(Visibility.everything(), ref).case.assignee_ids == (admin.user_id,)


def test_security_cases_close_only_with_a_reason(
    db: Container, bus: MessageBus, admin: Principal, project_id: uuid.UUID
) -> None:
    ref = new_case(bus, admin, "OPS", type_id=SECURITY_CASE_TYPE_ID)
    with pytest.raises(InvalidTransition):
        bus.handle(c.ChangeCaseStatus(ref, CaseStatus.CLOSED), admin)
    assert db.read.case(Visibility.everything(), ref).case.status is CaseStatus.OPEN
    bus.handle(c.SetCaseResolvedReason(ref, ResolvedReason.TRUE_POSITIVE), admin)
    bus.handle(c.ChangeCaseStatus(ref, CaseStatus.CLOSED), admin)
    case = db.read.case(Visibility.everything(), ref).case
    assert (case.status, case.resolved_reason) == (CaseStatus.CLOSED, ResolvedReason.TRUE_POSITIVE)


def comment_cell(db: Container, cell_id: uuid.UUID) -> tuple[Any, ...]:
    """A comment's timeline row as stored, deleted or not: message, edit and deletion times."""
    tl = t.timeline_events
    with db.engine.connect() as conn:
        row = conn.execute(select(tl).where(tl.c.id == cell_id)).mappings().one()
    return row["data"]["message"], row["modified_at"], row["deleted_at"]


def test_comment_lifecycle(db: Container, bus: MessageBus, admin: Principal, project_id: uuid.UUID) -> None:
    ref = new_case(bus, admin, "OPS")
    cell_id = bus.handle(c.CommentOnCase(ref, "first"), admin)
    assert comment_cell(db, cell_id) == ("first", None, None)

    bus.handle(c.UpdateCaseComment(ref, cell_id, "second"), admin)
    assert comment_cell(db, cell_id) == ("second", NOW, None)

    outbox_before = len(events(db, t.outbox))
    bus.handle(c.UpdateCaseComment(ref, cell_id, "second"), admin)
    assert len(events(db, t.outbox)) == outbox_before  # an edit to the same text is no edit

    bus.handle(c.DeleteCaseComment(ref, cell_id), admin)
    assert comment_cell(db, cell_id) == ("second", NOW, NOW)
    with pytest.raises(NotFound):
        db.read.comment(Visibility.everything(), ref, cell_id)
    with pytest.raises(NotFound):
        bus.handle(c.DeleteCaseComment(ref, cell_id), admin)
    other = new_case(bus, admin, "OPS")
    live = bus.handle(c.CommentOnCase(ref, "still here"), admin)
    with pytest.raises(NotFound):
        bus.handle(c.UpdateCaseComment(other, live, "not yours"), admin)
    assert db.read.comment(Visibility.everything(), ref, live).data["message"] == "still here"
    assert kinds(events(db, t.outbox, ref.id)) == [
        CaseEvent.CREATED,
        CaseEvent.COMMENTED,
        CaseEvent.COMMENT_UPDATED,
        CaseEvent.COMMENT_DELETED,
        CaseEvent.COMMENTED,
    ]
    assert kinds(events(db, t.timeline_events, ref.id)) == [
        CaseEvent.CREATED,
        CaseEvent.COMMENTED,
        CaseEvent.COMMENTED,
    ]
