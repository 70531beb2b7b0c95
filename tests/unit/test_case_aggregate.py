"""The Case aggregate: what each change does to the case and which event it records."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from casedesk.domain import events as ev
from casedesk.domain.cases.case import UNNUMBERED, Case
from casedesk.domain.cases.case_types import CaseType, builtin_case_types
from casedesk.domain.cases.mentions import excerpt
from casedesk.domain.cases.values import (
    COMMENT_MAX,
    DESCRIPTION_MAX,
    TITLE_MAX,
    clean_attributes,
    clean_comment,
    clean_description,
    clean_tags,
    clean_title,
)
from casedesk.domain.errors import InvalidTransition, ValidationFailed
from casedesk.domain.events import CaseEvent
from casedesk.domain.ids import UserRef
from casedesk.domain.limits import Limits, in_force
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


def nobody(refs: Sequence[UserRef]) -> list[uuid.UUID]:
    """A lookup for mentions that knows no one."""
    return []


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
        "attributes": {},
        "actor": CREATOR,
        "now": T0,
        "mentions": nobody,
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
    case = open_case(assignee_ids=[assignee], attributes={"env": ["prod", "prod", "eu"]})

    assert case.title == "Disk full on db-1"
    assert (case.number, case.key, case.type_id) == (7, "OPS-3", STANDARD_CASE_TYPE_ID)
    assert case.attributes == {"env": ["prod", "eu"]}
    assert (case.created_by, case.created_at) == (CREATOR, T0)
    assert (case.modified_by, case.modified_at) == (CREATOR, T0)
    created, assigned = case.events
    assert created.kind == CaseEvent.CREATED
    assert (assigned.kind, assigned.data) == (CaseEvent.ASSIGNED, {"old": None, "new": str(assignee)})
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


def test_an_unnumbered_case_takes_its_numbers_into_its_created_event() -> None:
    case = open_case(number=UNNUMBERED, key="", assignee_ids=[uuid.uuid4()])
    case.take_numbers(12, "OPS-4")

    assert (case.number, case.key) == (12, "OPS-4")
    created, assigned = case.events
    assert created.data["key"] == "OPS-4"
    assert "key" not in assigned.data
    with pytest.raises(RuntimeError):
        case.take_numbers(13, "OPS-5")


def test_open_gives_each_case_its_own_id() -> None:
    assert open_case().id != open_case().id


def test_a_case_is_opened_before_it_is_closed() -> None:
    with pytest.raises(InvalidTransition) as refused:
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
    assert last_event(case).kind == CaseEvent.STATUS_CHANGED
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
        CaseEvent.CREATED,
        CaseEvent.RESOLVED_REASON_CHANGED,
        CaseEvent.STATUS_CHANGED,
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
    ("priority", lambda case: case.change_priority(Priority.P1, EDITOR, later()), CaseEvent.PRIORITY_CHANGED,
     {"old": "P2", "new": "P1"}),
    ("title", lambda case: case.retitle(" New title ", EDITOR, later()), CaseEvent.TITLE_CHANGED,
     {"old": "Disk full on db-1", "new": "New title"}),
    ("description", lambda case: case.describe("more", EDITOR, later(), nobody),
     CaseEvent.DESCRIPTION_CHANGED, {"old": "", "new": "more"}),
    ("due date", lambda case: case.set_due_date(date(2030, 2, 1), EDITOR, later()),
     CaseEvent.DUE_DATE_CHANGED, {"old": None, "new": "2030-02-01"}),
    ("attributes", lambda case: case.set_attributes({"team": ["a"]}, EDITOR, later()),
     CaseEvent.ATTRIBUTES_CHANGED, {"old": {}, "new": {"team": ["a"]}}),
    ("reason", lambda case: case.set_resolved_reason(ResolvedReason.TESTING, EDITOR, later()),
     CaseEvent.RESOLVED_REASON_CHANGED, {"old": None, "new": "TESTING"}),
    ("archive", lambda case: case.archive(EDITOR, later()), CaseEvent.ARCHIVED,
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
        (CaseEvent.ASSIGNED, {"old": None, "new": str(first)}),
        (CaseEvent.ASSIGNED, {"old": str(first), "new": str(second)}),
        (CaseEvent.ASSIGNEE_REMOVED, {"user_id": str(first)}),
        (CaseEvent.UNASSIGNED, {"old": str(second), "new": None}),
    ]


def test_the_primary_assignee_is_the_first_of_an_ordered_list() -> None:
    case = open_case()
    ann, bob, cy = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    case.set_assignees([ann, bob, cy], EDITOR, later(1))
    assert (case.assignee_id, case.assignee_ids) == (ann, [ann, bob, cy])
    # Making someone the primary keeps the others, in order.
    case.assign(cy, EDITOR, later(2))
    assert case.assignee_ids == [cy, bob]
    assert [(e.kind, e.data) for e in case.events[1:]] == [
        (CaseEvent.ASSIGNED, {"old": None, "new": str(ann)}),
        (CaseEvent.ASSIGNEE_ADDED, {"user_id": str(bob)}),
        (CaseEvent.ASSIGNEE_ADDED, {"user_id": str(cy)}),
        (CaseEvent.ASSIGNED, {"old": str(ann), "new": str(cy)}),
        (CaseEvent.ASSIGNEE_REMOVED, {"user_id": str(ann)}),
    ]
    case.unassign(EDITOR, later(3))
    assert case.assignee_ids == []
    assert [(e.kind, e.data) for e in case.events[-2:]] == [
        (CaseEvent.UNASSIGNED, {"old": str(cy), "new": None}),
        (CaseEvent.ASSIGNEE_REMOVED, {"user_id": str(bob)}),
    ]
    with pytest.raises(ValidationFailed) as refused:
        case.set_assignees([uuid.uuid4() for _ in range(51)], EDITOR, later(4))
    assert refused.value.field == "assignees"


def test_tags_sent_as_the_tags_attribute_are_a_tag_change() -> None:
    case = open_case(attributes={"env": ["prod"], "tags": ["a"]})
    assert [e.kind for e in case.events] == [CaseEvent.CREATED, CaseEvent.TAGS_ADDED]
    case.set_attributes({"env": ["prod"], "tags": [" b ", "a"]}, EDITOR, later(1))
    assert case.attributes == {"env": ["prod"], "tags": ["b", "a"]}
    assert (last_event(case).kind, last_event(case).data) == (CaseEvent.TAGS_ADDED, {"tags": ["b"]})
    case.set_attributes({"team": ["x"]}, EDITOR, later(2))
    assert case.attributes == {"team": ["x"]}
    assert [(e.kind, e.data) for e in case.events[-2:]] == [
        (CaseEvent.TAGS_REMOVED, {"tags": ["b", "a"]}),
        (CaseEvent.ATTRIBUTES_CHANGED, {"old": {"env": ["prod"]}, "new": {"team": ["x"]}}),
    ]
    with pytest.raises(ValidationFailed) as refused:
        case.set_attributes({"tags": [""]}, EDITOR, later(3))
    assert refused.value.field == "tags"


def test_mentions_are_detected_wherever_text_is_written() -> None:
    ann, bob = uuid.uuid4(), uuid.uuid4()
    known = {UserRef(number=12): ann, UserRef(id=bob): bob}

    def lookup(refs: Sequence[UserRef]) -> list[uuid.UUID]:
        return [known[r] for r in refs if r in known]

    def mentions(case: Case) -> list[tuple[list[str], str]]:
        return [
            (e.data["user_ids"], e.data["in"]) for e in case.events if e.kind == CaseEvent.USERS_MENTIONED
        ]

    case = open_case(description="for <@user-12> and <@user-99>", mentions=lookup)
    case.describe(f"for <@user-12>, then <@user-{bob}>", EDITOR, later(1), lookup)
    cell = case.comment(f"ping <@user-{bob}> <@user-{bob}>", EDITOR, later(2), lookup)
    case.comment_updated(cell.id, cell.data["message"], "ping <@user-12>", EDITOR, later(3), lookup)
    assert mentions(case) == [
        ([str(ann)], "description"),
        # An edit names only who it newly mentions.
        ([str(bob)], "description"),
        ([str(bob)], "comment"),
        ([str(ann)], "comment"),
    ]
    mention = next(e for e in case.events if e.kind == CaseEvent.USERS_MENTIONED)
    assert not mention.appends_timeline
    # Each carries the text that mentions them, as it reads after the change.
    excerpts = [e.data["excerpt"] for e in case.events if e.kind == CaseEvent.USERS_MENTIONED]
    assert excerpts[2:] == [f"ping <@user-{bob}> <@user-{bob}>", "ping <@user-12>"]


def test_a_mention_carries_at_most_a_thousand_characters_of_its_text() -> None:
    ann = uuid.uuid4()
    case = open_case()
    words = "lorem " * 300
    case.comment(f"<@user-{ann}> {words}", EDITOR, later(1), lambda refs: [ann])
    [excerpt] = [e.data["excerpt"] for e in case.events if e.kind == CaseEvent.USERS_MENTIONED]
    assert len(excerpt) <= 1000
    assert excerpt.startswith(f"<@user-{ann}> lorem")
    assert excerpt.endswith("lorem…")  # cut between words


def test_an_excerpt_of_text_without_spaces_is_cut_at_the_limit() -> None:
    assert excerpt("x" * 1000) == "x" * 1000
    assert excerpt("x" * 1001) == "x" * 999 + "…"
    assert excerpt("ab cd", limit=4) == "ab…"


def test_archive_and_unarchive() -> None:
    case = open_case()
    case.archive(EDITOR, later(1))
    assert case.archived_at == later(1)
    case.unarchive(EDITOR, later(2))
    case.unarchive(EDITOR, later(3))
    assert case.archived_at is None
    assert last_event(case).kind == CaseEvent.UNARCHIVED
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
    cell = case.comment("looking into it", EDITOR, later(), nobody)
    assert cell is last_event(case)
    assert cell.kind == CaseEvent.COMMENTED
    assert cell.data == {"message": "looking into it"}
    assert cell.appends_timeline


def test_comment_edits_and_deletions_do_not_add_cells() -> None:
    case = open_case()
    cell = case.comment("first", EDITOR, later(1), nobody)
    case.comment_updated(cell.id, "first", "second", EDITOR, later(2), nobody)
    case.comment_deleted(cell.id, "second", EDITOR, later(3))
    updated, deleted = case.events[-2:]
    assert (updated.kind, updated.appends_timeline) == (CaseEvent.COMMENT_UPDATED, False)
    assert updated.data == {"cell_id": str(cell.id), "old": "first", "new": "second"}
    assert (deleted.kind, deleted.appends_timeline) == (CaseEvent.COMMENT_DELETED, False)
    assert deleted.data == {"cell_id": str(cell.id), "message": "second"}
    assert case.modified_at == later(3)


@pytest.mark.parametrize("message", ["", "  \n ", "x" * (COMMENT_MAX + 1)])
def test_bad_comments_are_refused(message: str) -> None:
    case = open_case()
    with pytest.raises(ValidationFailed) as refused:
        case.comment(message, EDITOR, later(), nobody)
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


BOUNDS = Limits()
LONG_KEY = "k" * (BOUNDS.attribute_key_length + 1)


def test_clean_attributes_keeps_order_and_drops_repeats() -> None:
    assert clean_attributes({" env ": ["b", "a", "b"], "team": []}) == {"env": ["b", "a"], "team": []}
    assert clean_attributes({"k" * BOUNDS.attribute_key_length: ["v"] * BOUNDS.attribute_values}) == {
        "k" * BOUNDS.attribute_key_length: ["v"]
    }
    most = {f"k{i}": ["v"] for i in range(BOUNDS.attribute_keys)}
    assert clean_attributes({**most, "tags": ["t"]}) == {**most, "tags": ["t"]}


@pytest.mark.parametrize(
    ("attributes", "field"),
    [
        ({"": ["x"]}, "attributes/"),
        ({"   ": ["x"]}, "attributes/   "),
        (
            {"k" * (BOUNDS.attribute_key_length + 1): ["x"]},
            "attributes/" + "k" * (BOUNDS.attribute_key_length + 1),
        ),
        ({"env": [str(i) for i in range(BOUNDS.attribute_values + 1)]}, "attributes/env"),
        ({"a/b~c": ["ok", "x" * (BOUNDS.attribute_value_length + 1)]}, "attributes/a~1b~0c"),
        ({f"k{i}": ["v"] for i in range(BOUNDS.attribute_keys + 1)}, "attributes"),
    ],
)
def test_clean_attributes_limits_name_the_attribute_at_fault(
    attributes: dict[str, list[str]], field: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        clean_attributes(attributes)
    assert refused.value.field == field


def test_attribute_and_tag_limits_are_the_ones_in_force() -> None:
    tight = Limits(attribute_keys=2, attribute_values=2, attribute_value_length=3, tags=1, tag_length=4)
    with in_force(tight):
        assert clean_attributes({"a": ["1", "2"], "b": ["abc"]}) == {"a": ["1", "2"], "b": ["abc"]}
        for refused_map in ({"a": ["1"], "b": ["2"], "c": ["3"]}, {"a": ["1", "2", "3"]}, {"a": ["abcd"]}):
            with pytest.raises(ValidationFailed):
                clean_attributes(refused_map)
        with pytest.raises(ValidationFailed) as refused:
            clean_tags(["one", "two"])
        assert refused.value.field == "tags"
        with pytest.raises(ValidationFailed):
            clean_tags(["toolong"])
    assert clean_attributes({"a": ["1"], "b": ["2"], "c": ["3"]})  # the defaults are back
