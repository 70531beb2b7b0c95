from __future__ import annotations

from typing import Any

import pytest

from casedesk.entrypoints.http.text_guard import bad_text, find_bad_text


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ({"a": "fine", "b": ["x", "y\x00"], "c": "\x00"}, ("b", "1")),
        ({"a": [{"b": "\ud800"}]}, ("a", "0", "b")),
        ({"k\x00": 1}, ("k\\u0000",)),
        ("\x00", ()),
        ({"ok": [1, 2.5, None, True, {"x": "y"}]}, None),
        ("emoji 🛡️ and accents é are fine", None),
    ],
)
def test_finds_the_first_unstorable_text(document: Any, path: tuple[str, ...] | None) -> None:
    assert find_bad_text(document) == path


def test_deep_nesting_does_not_exhaust_the_stack() -> None:
    document: Any = "\x00"
    for _ in range(3_000):
        document = [document]
    found = find_bad_text(document)
    assert found is not None
    assert len(found) == 3_000


@pytest.mark.parametrize(
    ("text", "bad"), [("plain", False), ("nul\x00", True), ("\udfff", True), ("", False)]
)
def test_bad_text(text: str, bad: bool) -> None:
    assert bad_text(text) is bad
