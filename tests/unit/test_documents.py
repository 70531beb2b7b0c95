"""The document codec: typed values read from JSON with pointers to what is refused, and
written back with exactly the members they were read with."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

import pytest

from casedesk.domain.documents import Pairs, from_document, key, pairs_get, to_document
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.handles import Handle


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


@dataclass(frozen=True)
class Inner:
    count: int | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        if self.count is not None and self.count < 0:
            raise ValidationFailed("count", "must not be negative")


@dataclass(frozen=True)
class Outer:
    name: str
    kind: Colour = field(metadata=key("type"))
    flag: bool = False
    levels: tuple[Level, ...] = ()
    inner: Inner | None = None
    items: tuple[Inner, ...] | None = None
    labels: Pairs[str] | None = None
    handle: Handle | None = None
    extra: object | None = None


FULL: dict[str, Any] = {
    "name": "n",
    "type": "red",
    "flag": True,
    "levels": [2, 1],
    "inner": {"count": 3},
    "items": [{"note": "a"}, {}],
    "labels": {"b": "2", "a": "1"},
    "handle": "@slack-ops",
    "extra": {"any": ["json", 1, None]},
}


def refusal(document: object, path: str = "", lenient: bool = False) -> tuple[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        from_document(Outer, document, path=path, lenient=lenient)
    return caught.value.field, caught.value.message


def test_a_document_reads_back_exactly() -> None:
    value = from_document(Outer, FULL)
    assert value.kind is Colour.RED
    assert value.levels == (Level.HIGH, Level.LOW)
    assert value.items == (Inner(note="a"), Inner())
    assert value.handle == Handle("@slack-ops")
    assert pairs_get(value.labels, "a") == "1"
    assert to_document(value) == FULL
    # Free keys keep the order they were written in.
    assert list(to_document(value)["labels"]) == ["b", "a"]


def test_absent_and_null_members_stay_absent_and_defaults_are_written() -> None:
    value = from_document(Outer, {"name": "n", "type": "blue", "inner": None})
    assert value.inner is None
    assert to_document(value) == {"name": "n", "type": "blue", "flag": False, "levels": []}


def test_any_json_is_copied_not_shared() -> None:
    inside: list[int] = [1]
    value = from_document(Outer, {"name": "n", "type": "red", "extra": {"list": inside}})
    inside.append(2)
    assert value.extra == {"list": [1]}


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"flag": "true"}, "flag", "must be true or false"),
        ({"flag": 1}, "flag", "must be true or false"),
        ({"name": 5}, "name", "must be a string"),
        ({"name": "x" * 10_001}, "name", "must be at most 10000 characters"),
        ({"type": "green"}, "type", "invalid type 'green'; must be one of red, blue"),
        ({"levels": [1, "2"]}, "levels/1", "invalid levels '2'; must be one of 1, 2"),
        ({"levels": [True]}, "levels/0", "invalid levels True; must be one of 1, 2"),
        ({"levels": {"a": 1}}, "levels", "must be a list"),
        ({"inner": []}, "inner", "must be an object"),
        ({"inner": {"count": 1.5}}, "inner/count", "must be a whole number"),
        ({"inner": {"count": -1}}, "inner/count", "must not be negative"),
        ({"items": [{}, {"nope": 1}]}, "items/1/nope", "unknown member; this object has count, note"),
        ({"labels": {"a": 1}}, "labels/a", "must be a string"),
        ({"labels": ["a"]}, "labels", "must be an object"),
        ({"handle": "@nope"}, "handle", "unknown handle form '@nope'"),
        ({"name": None}, "name", "must not be null"),
    ],
)
def test_each_wrong_member_is_refused_at_its_path(change: dict[str, Any], path: str, message: str) -> None:
    field_path, text = refusal({**FULL, **change}, path="settings")
    assert field_path == f"settings/{path}"
    assert text.startswith(message)


def test_required_members_and_the_document_itself() -> None:
    assert refusal({"type": "red"}) == ("name", "this member is required")
    assert refusal(["not", "an", "object"]) == ("", "must be an object")
    assert refusal({**FULL, "kind": "red"})[0] == "kind"  # the document key is `type`


def test_lenient_reading_drops_what_it_cannot_read() -> None:
    stored = {**FULL, "gone": 1, "flag": "yes", "inner": {"count": -1}, "items": [{"x": 1}]}
    value = from_document(Outer, stored, lenient=True)
    assert value.flag is False
    assert value.inner is None
    assert value.items == (Inner(),)
    assert value.levels == (Level.HIGH, Level.LOW)
    # A required member cannot be dropped.
    assert refusal({"type": "red"}, lenient=True) == ("name", "this member is required")


def test_only_document_values_can_be_written() -> None:
    with pytest.raises(TypeError):
        to_document({"a": 1})
    with pytest.raises(TypeError):
        to_document(Outer)
