"""How JSON columns are decoded (`adapters/db/engine.json_from_database`): as the standard
library would, also for what the fast parser refuses."""

from __future__ import annotations

import json

import pytest

from casedesk.adapters.db.engine import json_from_database

DOCUMENTS = [
    '{"tags": ["db", "prod"], "env": ["prod"]}',
    "{}",
    "[]",
    '{"a": 1, "a": 2}',
    '{"big": 123456789012345678901234567890, "float": 0.1, "neg": -0.0, "exp": 1e-7}',
    '{"text": "caf\\u00e9 \\ud83d\\ude00 \\u0000 \\n line"}',
    '[{"id": "6c19c2c0-8b8d-448a-b874-c0b5ee09392b", "disabled": false, "modified_at": null}]',
    '"\\ud800 a lone surrogate"',
]


@pytest.mark.parametrize("document", DOCUMENTS)
@pytest.mark.parametrize("as_bytes", [False, True])
def test_a_json_column_decodes_as_the_standard_library_decodes_it(document: str, as_bytes: bool) -> None:
    given = document.encode() if as_bytes else document
    decoded = json_from_database(given)
    assert decoded == json.loads(document)
    assert json.dumps(decoded) == json.dumps(json.loads(document))


def test_text_that_is_no_json_is_refused() -> None:
    with pytest.raises(json.JSONDecodeError):
        json_from_database('{"unfinished": ')
