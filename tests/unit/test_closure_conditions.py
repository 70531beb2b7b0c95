"""What closure conditions read and refuse without a case: priority words and formulas."""

from __future__ import annotations

import pytest

from casedesk.domain.cases.closure import ClosureCondition, priority_word
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.vocab import Priority
from casedesk.entrypoints.api_tines.mapping import priority_from_word


def test_priority_words_map_onto_the_domain_scale() -> None:
    assert [priority_from_word(w) for w in ("critical", "HIGH", "Medium", "low", "info")] == [
        Priority.P1, Priority.P2, Priority.P3, Priority.P4, Priority.P5,
    ]  # fmt: skip
    assert priority_word(Priority.P2) == "HIGH"
    assert priority_word(Priority.NOT_DEFINED) is None
    with pytest.raises(ValidationFailed):
        priority_from_word("urgent")


def test_a_condition_that_does_not_parse_is_refused_with_its_name() -> None:
    with pytest.raises(ValidationFailed, match="'needs tags'") as raised:
        ClosureCondition("needs tags", "=SIZE(")
    assert raised.value.field == "closure_conditions"
