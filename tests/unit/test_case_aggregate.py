"""The Case aggregate: what each change does to the case and which event it records."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from casedesk.domain import events as ev
from casedesk.domain.cases.case import (
    ATTRIBUTE_KEY_MAX,
    ATTRIBUTE_VALUE_LENGTH_MAX,
    ATTRIBUTE_VALUES_MAX,
    COMMENT_MAX,
    DESCRIPTION_MAX,
    TITLE_MAX,
    Case,
    clean_attributes,
    clean_comment,
    clean_description,
    clean_title,
)
from casedesk.domain.cases.case_types import CaseType, builtin_case_types
from casedesk.domain.errors import InvalidTransition, ValidationFailed
from casedesk.domain.vocab import (
    SECURITY_CASE_TYPE_ID,
    STANDARD_CASE_TYPE_ID,
    CaseStatus,
    Priority,
    ResolvedReason,
)

T0 = datetime(2030, 1, 1, 8, 0, tzinfo=UTC)
CREATOR = uuid.uuid4()
EDITOR = uuid.uuid4()
TYPES = {case_type.id: case_type for case_type in builtin_case_types()}
STANDARD = TYPES[STANDARD_CASE_TYPE_ID]
SECURITY = TYPES[SECURITY_CASE_TYPE_ID]


def open_case(case_type: CaseType = STANDARD, **overrides: Any) -> Case:
    fields: dict[str, Any] = {
        "number": 7,
        "project_id": uuid.uuid4(),
        "key": "OPS-3",
        "case_type": case_type,
        "title": "  Disk full on db-1  ",
        "description": "",
        "priority": Priority.P2,
        "status": CaseStatus.OPEN,
        "assignee_id": None,
        "attributes": {},
        "actor": CREATOR,
        "now": T0,
    }
    return Case.open(**{**fields, **overrides})


def status_of(case: Case) -> CaseStatus:
    return case.status


def later(minutes: int = 1) -> datetime:
    return T0 + timedelta(minutes=minutes)


def last_event(case: Case) -> ev.Event:
    return case.events[-1]


# -- opening ------------------------------------------------------------------------------


def test_open_records_a_created_event() -> None:
    assignee = uuid.uuid4()
    case = open_case(assignee_id=assignee, attributes={"env": ["prod", "prod", "eu"]})

    assert case.title == "Disk full on db-1"
    assert (case.number, case.key, case.type_id) == (7, "OPS-3", STANDARD_CASE_TYPE_ID)
    assert case.attributes == {"env": ["prod", "eu"]}
    assert (case.created_by, case.created_at) == (CREATOR, T0)
    assert (case.modified_by, case.modified_at) == (CREATOR, T0)
    [created] = case.events
    assert created.kind == ev.CASE_CREATED
    assert (created.subject_type, created.subject_id, created.actor_id, created.at) == (
        "case",
        case.id,
        CREATOR,
        T0,
    )
    assert created.appends_timeline
    assert created.data == {
        "key": "OPS-3",
        "title": "Disk full on db-1",
        "priority": "P2",
        "status": "OPEN",
        "assignee_id": str(assignee),
    }


def test_open_gives_each_case_its_own_id() -> None:
    assert open_case().id != open_case().id


def test_a_case_cannot_be_created_closed() -> None:
    with pytest.raises(ValidationFailed) as refused:
        open_case(status=CaseStatus.CLOSED)
    assert refused.value.field == "status"


def test_a_case_can_be_created_in_progress() -> None:
    assert open_case(status=CaseStatus.IN_PROGRESS).status is CaseStatus.IN_PROGRESS


def test_a_deleted_case_type_takes_no_new_cases() -> None:
    gone = CaseType(id=uuid.uuid4(), name="Old", deleted_at=T0)
    with pytest.raises(ValidationFailed) as refused:
        open_case(case_type=gone)
    assert refused.value.field == "type_id"


@pytest.mark.parametrize(("field", "value"), [("title", ""), ("description", "x" * (DESCRIPTION_MAX + 1))])
def test_open_checks_its_text(field: str, value: str) -> None:
    overrides: dict[str, Any] = {field: value}
    with pytest.raises(ValidationFailed) as refused:
        open_case(**overrides)
    assert refused.value.field == field


# -- status and the Security rule ---------------------------------------------------------


def test_closing_sets_closed_at_and_reopening_clears_it() -> None:
    case = open_case()
    case.change_status(CaseStatus.CLOSED, STANDARD, EDITOR, later(5))
    assert case.status is CaseStatus.CLOSED
    assert case.closed_at == later(5)
    assert last_event(case).kind == ev.CASE_STATUS_CHANGED
    assert last_event(case).data == {"old": "OPEN", "new": "CLOSED"}
    assert (case.modified_by, case.modified_at) == (EDITOR, later(5))

    case.change_status(CaseStatus.IN_PROGRESS, STANDARD, EDITOR, later(6))
    assert case.closed_at is None
    assert last_event(case).data == {"old": "CLOSED", "new": "IN_PROGRESS"}


def test_a_security_case_needs_a_reason_to_close() -> None:
    case = open_case(case_type=SECURITY)
    with pytest.raises(InvalidTransition) as refused:
        case.change_status(CaseStatus.CLOSED, SECURITY, EDITOR, later())
    assert refused.value.field == "security_resolved_reason"
    assert "FALSE_POSITIVE" in refused.value.message
    assert status_of(case) is CaseStatus.OPEN
    assert case.closed_at is None
    assert len(case.events) == 1

    case.set_resolved_reason(ResolvedReason.FALSE_POSITIVE, EDITOR, later(2))
    case.change_status(CaseStatus.CLOSED, SECURITY, EDITOR, later(3))
    assert case.status is CaseStatus.CLOSED
    assert [e.kind for e in case.events] == [
        ev.CASE_CREATED,
        ev.CASE_RESOLVED_REASON_CHANGED,
        ev.CASE_STATUS_CHANGED,
    ]


def test_a_security_case_moves_freely_short_of_closing() -> None:
    case = open_case(case_type=SECURITY)
    case.change_status(CaseStatus.IN_PROGRESS, SECURITY, EDITOR, later())
    assert case.status is CaseStatus.IN_PROGRESS


def test_only_the_security_type_requires_a_reason() -> None:
    assert not STANDARD.requires_resolved_reason
    assert SECURITY.requires_resolved_reason
    custom = CaseType(id=uuid.uuid4(), name="Custom")
    assert not custom.requires_resolved_reason
    assert not custom.builtin
    assert STANDARD.builtin


# -- other changes ------------------------------------------------------------------------


CHANGES = [
    ("priority", lambda case: case.change_priority(Priority.P1, EDITOR, later()), ev.CASE_PRIORITY_CHANGED,
     {"old": "P2", "new": "P1"}),
    ("title", lambda case: case.retitle(" New title ", EDITOR, later()), ev.CASE_TITLE_CHANGED,
     {"old": "Disk full on db-1", "new": "New title"}),
    ("description", lambda case: case.describe("more", EDITOR, later()), ev.CASE_DESCRIPTION_CHANGED,
     {"old": "", "new": "more"}),
    ("due date", lambda case: case.set_due_date(date(2030, 2, 1), EDITOR, later()), ev.CASE_DUE_DATE_CHANGED,
     {"old": None, "new": "2030-02-01"}),
    ("attributes", lambda case: case.set_attributes({"team": ["a"]}, EDITOR, later()),
     ev.CASE_ATTRIBUTES_CHANGED, {"old": {}, "new": {"team": ["a"]}}),
    ("reason", lambda case: case.set_resolved_reason(ResolvedReason.TESTING, EDITOR, later()),
     ev.CASE_RESOLVED_REASON_CHANGED, {"old": None, "new": "TESTING"}),
    ("archive", lambda case: case.archive(EDITOR, later()), ev.CASE_ARCHIVED,
     {"old": None, "new": later().isoformat()}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "change", "kind", "data"), CHANGES, ids=[c[0] for c in CHANGES])
def test_each_change_records_old_and_new(name: str, change: Any, kind: str, data: dict[str, Any]) -> None:
    case = open_case()
    change(case)
    assert len(case.events) == 2
    event = last_event(case)
    assert (event.kind, event.data, event.actor_id, event.at) == (kind, data, EDITOR, later())
    assert (case.modified_by, case.modified_at) == (EDITOR, later())


@pytest.mark.parametrize(("name", "change", "kind", "data"), CHANGES, ids=[c[0] for c in CHANGES])
def test_repeating_a_change_records_nothing_more(
    name: str, change: Any, kind: str, data: dict[str, Any]
) -> None:
    case = open_case()
    change(case)
    change(case)
    assert len(case.events) == 2


def test_assign_and_unassign() -> None:
    case = open_case()
    first, second = uuid.uuid4(), uuid.uuid4()
    case.unassign(EDITOR, later())
    assert len(case.events) == 1  # nobody to unassign

    case.assign(first, EDITOR, later(1))
    case.assign(second, EDITOR, later(2))
    case.assign(second, EDITOR, later(3))
    case.unassign(EDITOR, later(4))
    assert case.assignee_id is None
    assert [(e.kind, e.data) for e in case.events[1:]] == [
        (ev.CASE_ASSIGNED, {"old": None, "new": str(first)}),
        (ev.CASE_ASSIGNED, {"old": str(first), "new": str(second)}),
        (ev.CASE_UNASSIGNED, {"old": str(second), "new": None}),
    ]


def test_archive_and_unarchive() -> None:
    case = open_case()
    case.archive(EDITOR, later(1))
    assert case.archived_at == later(1)
    case.unarchive(EDITOR, later(2))
    case.unarchive(EDITOR, later(3))
    assert case.archived_at is None
    assert last_event(case).kind == ev.CASE_UNARCHIVED
    assert last_event(case).data == {"old": later(1).isoformat(), "new": None}
    assert len(case.events) == 3


def test_clearing_the_due_date() -> None:
    case = open_case()
    case.set_due_date(date(2030, 2, 1), EDITOR, later(1))
    case.set_due_date(None, EDITOR, later(2))
    assert case.due_date is None
    assert last_event(case).data == {"old": "2030-02-01", "new": None}


def test_set_attributes_replaces_the_whole_map() -> None:
    case = open_case(attributes={"env": ["prod"], "team": ["a"]})
    case.set_attributes({"env": ["dev"]}, EDITOR, later())
    assert case.attributes == {"env": ["dev"]}


def test_a_refused_change_leaves_the_case_alone() -> None:
    case = open_case()
    with pytest.raises(ValidationFailed):
        case.retitle("   ", EDITOR, later())
    with pytest.raises(ValidationFailed):
        case.set_attributes({"": ["x"]}, EDITOR, later())
    assert case.title == "Disk full on db-1"
    assert (case.modified_by, case.modified_at) == (CREATOR, T0)
    assert len(case.events) == 1


# -- comments -----------------------------------------------------------------------------


def test_comment_returns_the_cell_event() -> None:
    case = open_case()
    cell = case.comment("looking into it", EDITOR, later())
    assert cell is last_event(case)
    assert cell.kind == ev.CASE_COMMENTED
    assert cell.data == {"message": "looking into it"}
    assert cell.appends_timeline


def test_comment_edits_and_deletions_do_not_add_cells() -> None:
    case = open_case()
    cell = case.comment("first", EDITOR, later(1))
    case.comment_updated(cell.id, "first", "second", EDITOR, later(2))
    case.comment_deleted(cell.id, "second", EDITOR, later(3))
    updated, deleted = case.events[-2:]
    assert (updated.kind, updated.appends_timeline) == (ev.CASE_COMMENT_UPDATED, False)
    assert updated.data == {"cell_id": str(cell.id), "old": "first", "new": "second"}
    assert (deleted.kind, deleted.appends_timeline) == (ev.CASE_COMMENT_DELETED, False)
    assert deleted.data == {"cell_id": str(cell.id), "message": "second"}
    assert case.modified_at == later(3)


@pytest.mark.parametrize("message", ["", "  \n ", "x" * (COMMENT_MAX + 1)])
def test_bad_comments_are_refused(message: str) -> None:
    case = open_case()
    with pytest.raises(ValidationFailed) as refused:
        case.comment(message, EDITOR, later())
    assert refused.value.field == "comment"
    assert len(case.events) == 1


# -- the cleaning functions ---------------------------------------------------------------


def test_clean_title() -> None:
    assert clean_title("  a  ") == "a"
    assert clean_title("x" * TITLE_MAX) == "x" * TITLE_MAX
    # Surrounding spaces do not count against the limit.
    assert clean_title(" " + "x" * TITLE_MAX + " ") == "x" * TITLE_MAX
    for bad in ("", "   ", "x" * (TITLE_MAX + 1)):
        with pytest.raises(ValidationFailed) as refused:
            clean_title(bad)
        assert refused.value.field == "title"


def test_clean_description_and_comment_limits() -> None:
    assert clean_description("") == ""
    assert clean_description("x" * DESCRIPTION_MAX) == "x" * DESCRIPTION_MAX
    assert clean_comment("  keep my spacing ") == "  keep my spacing "
    with pytest.raises(ValidationFailed):
        clean_description("x" * (DESCRIPTION_MAX + 1))


def test_clean_attributes_keeps_order_and_drops_repeats() -> None:
    assert clean_attributes({" env ": ["b", "a", "b"], "team": []}) == {"env": ["b", "a"], "team": []}
    assert clean_attributes({"k" * ATTRIBUTE_KEY_MAX: ["v"] * ATTRIBUTE_VALUES_MAX}) == {
        "k" * ATTRIBUTE_KEY_MAX: ["v"]
    }


@pytest.mark.parametrize(
    "attributes",
    [
        {"": ["x"]},
        {"   ": ["x"]},
        {"k" * (ATTRIBUTE_KEY_MAX + 1): ["x"]},
        {"env": [str(i) for i in range(ATTRIBUTE_VALUES_MAX + 1)]},
        {"env": ["ok", "x" * (ATTRIBUTE_VALUE_LENGTH_MAX + 1)]},
    ],
)
def test_clean_attributes_limits(attributes: dict[str, list[str]]) -> None:
    with pytest.raises(ValidationFailed) as refused:
        clean_attributes(attributes)
    assert refused.value.field == "attributes"
