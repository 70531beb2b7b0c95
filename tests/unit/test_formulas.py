"""The closure-condition formula language, table-driven: values, errors and hostile input."""

from __future__ import annotations

import time
from typing import Any

import pytest

from casedesk.domain.formulas import parser as formulas
from casedesk.domain.formulas.parser import FormulaError, parse

CASE: dict[str, Any] = {
    "case_id": 42,
    "name": "Suspicious login",
    "description": "Seen from 10.0.0.1",
    "status": "OPEN",
    "priority": "HIGH",
    "assignees": [{"id": 1, "email": "jane@tines.io", "first_name": "Jane"}],
    "tags": [{"id": 7, "name": "login"}, {"id": 8, "name": "security"}],
    "metadata": {"verdict": "benign", "score": "7", "empty": "", "list": []},
    "records": [],
    "resolved_by": None,
}
CONTEXT = {"team_case": CASE}

VALUES: list[tuple[str, Any]] = [
    # literals
    ("=1", 1),
    ("=1.5", 1.5),
    ("='single'", "single"),
    ('="dou\\"ble"', 'dou"ble'),
    ("=TRUE", True),
    ("=FALSE", False),
    ("=NULL", None),
    ("=[1, 2, 3]", [1, 2, 3]),
    ('={"a": 1, b: [2]}', {"a": 1, "b": [2]}),
    ("=ARRAY(1, 'x')", [1, "x"]),
    # paths and indexing
    ("=team_case.name", "Suspicious login"),
    ("=team_case.case_id", 42),
    ("=team_case.assignees[0].email", "jane@tines.io"),
    ("=team_case.tags[-1].name", "security"),
    ("=team_case.tags[5]", None),
    ('=team_case["metadata"]["verdict"]', "benign"),
    ("=team_case.metadata.missing", None),
    ("=team_case.name.length", None),
    ("=team_case.metadata.verdict", "benign"),
    # comparison and arithmetic
    ("=SIZE(team_case.assignees) > 0", True),
    ("=SIZE(team_case.tags) >= 3", False),
    ("=team_case.metadata.score > 5", True),
    ("=team_case.metadata.score = 7", True),
    ('=team_case.priority = "HIGH"', True),
    ('=team_case.priority == "high"', False),
    ('=team_case.priority != "LOW"', True),
    ('=team_case.priority <> "HIGH"', False),
    ("=1 = TRUE", False),
    ("=NULL = NULL", True),
    ("=[1, 2] = [1, 2]", True),
    ('="a" < "b"', True),
    ("=1 + 2 * 3", 7),
    ("=(1 + 2) * 3", 9),
    ("=10 / 4", 2.5),
    ("=7 - -2", 9),
    # logic: only FALSE and NULL are falsy
    ("=TRUE && FALSE", False),
    ("=TRUE AND TRUE", True),
    ("=FALSE || NULL", False),
    ("=FALSE OR 0", True),
    ('=[] && ""', True),
    ("=!FALSE", True),
    ("=NULL || team_case.name", True),
    ("=FALSE && 1/0", False),  # short-circuit: the division never runs
    # text
    ('=team_case.name & " #" & team_case.case_id', "Suspicious login #42"),
    ('="x" & NULL & TRUE & 1.0', "xtrue1"),
    # functions
    ("=SIZE(team_case.name)", 16),
    ("=SIZE(team_case.metadata)", 4),
    ("=SIZE(NULL)", 0),
    ("=IS_BLANK(team_case.metadata.empty)", True),
    ("=IS_BLANK(team_case.metadata.list)", True),
    ("=IS_BLANK('  ')", True),
    ("=IS_BLANK(0)", False),
    ("=IS_BLANK(team_case.resolved_by)", True),
    ("=IS_PRESENT(team_case.description)", True),
    ("=IS_EMPTY(team_case.records)", True),
    ("=IS_EMPTY(team_case.name)", False),
    ('=INCLUDES(team_case.tags, "login")', True),
    ('=INCLUDES(team_case.tags, "triaged")', False),
    ('=INCLUDES(team_case.assignees, "jane@tines.io")', True),
    ('=INCLUDES(team_case.description, "10.0.0")', True),
    ('=INCLUDES(team_case.metadata, "verdict")', True),
    ("=INCLUDES([1, 2], 2)", True),
    ("=NOT(IS_BLANK(team_case.name))", True),
    ("=NOT([])", False),
    ('=IF(SIZE(team_case.tags) > 1, "many", "few")', "many"),
    ("=IF(FALSE, 1)", None),
    ("=IF(TRUE, 1, 1/0)", 1),  # lazy
    ("=UPCASE(team_case.metadata.verdict)", "BENIGN"),
    ("=DOWNCASE('ABC')", "abc"),
    # whitespace and the optional leading '='
    ("  SIZE( team_case.tags )  ", 2),
]


@pytest.mark.parametrize(("formula", "expected"), VALUES)
def test_values(formula: str, expected: Any) -> None:
    assert parse(formula).evaluate(CONTEXT) == expected


TRUTH: list[tuple[str, bool]] = [
    ("=0", True),
    ("=''", True),
    ("=[]", True),
    ("={}", True),
    ("=FALSE", False),
    ("=NULL", False),
    ("=team_case.nothing", False),
]


@pytest.mark.parametrize(("formula", "holds"), TRUTH)
def test_only_false_and_null_are_falsy(formula: str, holds: bool) -> None:
    assert parse(formula).holds(CONTEXT) is holds


PARSE_ERRORS: list[tuple[str, str]] = [
    ("", "empty"),
    ("=", "empty"),
    ("=SIZE(team_case.tags", "expected ')'"),
    ("=1 +", "the end"),
    ("=1 2", "unexpected"),
    ("=EVAL('1')", "unknown function EVAL"),
    ("=__import__('os')", "unknown function __import__"),
    ("=size(team_case.tags)", "unknown function size"),
    ("=SIZE()", "SIZE takes 1 argument"),
    ("=IF(TRUE)", "IF takes 2 to 3 arguments"),
    ("=incident.name", "unknown name 'incident'"),
    ("=true", "unknown name 'true'"),
    ("=team_case.", "member name"),
    ("=1 ; 2", "unexpected character"),
    ("='unterminated", "unexpected character"),
    ("=AND", "unexpected AND"),
    ("={1: 2}", "object key"),
    ("=1e999", "too large"),
]


@pytest.mark.parametrize(("formula", "message"), PARSE_ERRORS)
def test_parse_errors(formula: str, message: str) -> None:
    with pytest.raises(FormulaError, match=None) as raised:
        parse(formula)
    assert message in str(raised.value)


EVALUATION_ERRORS: list[tuple[str, str]] = [
    ("=1 / 0", "division by zero"),
    ("=team_case.name + 1", "cannot apply +"),
    ("=team_case.tags > 1", "cannot compare"),
    ("=SIZE(1)", "SIZE needs"),
    ("=IS_EMPTY(TRUE)", "IS_EMPTY needs"),
    ("=INCLUDES(1, 1)", "INCLUDES needs"),
    ("=-team_case.tags", "cannot negate"),
    ("=team_case.tags & 'x'", "cannot join"),
    ("=999999999999999 * 999999999999999", "out of range"),
]


@pytest.mark.parametrize(("formula", "message"), EVALUATION_ERRORS)
def test_evaluation_errors(formula: str, message: str) -> None:
    compiled = parse(formula)
    with pytest.raises(FormulaError) as raised:
        compiled.evaluate(CONTEXT)
    assert message in str(raised.value)


# -- hostile input -----------------------------------------------------------------------


def fast(action: Any) -> Any:
    started = time.perf_counter()
    try:
        return action()
    finally:
        assert time.perf_counter() - started < 1.0


HOSTILE: list[tuple[str, str]] = [
    ("(" * 200 + "1" + ")" * 200, "nests at most"),
    ("(" * 600 + "1" + ")" * 600, "at most 1000 tokens"),
    ("=" + "-" * 200 + "1", "nests at most"),
    ("=" + "NOT(" * 100 + "TRUE" + ")" * 100, "nests at most"),
    ("=" + "[" * 100 + "]" * 100, "nests at most"),
    ("=" + "1+" * 999 + "1", "tokens"),
    ('="' + "a" * 5000 + '"', "at most 2000 characters"),
    ("=1" + " " * 3000, "at most 2000 characters"),
    ("=\x00", "unexpected character"),
    ("=𝔰𝔦𝔷𝔢(1)", "unexpected character"),
]


@pytest.mark.parametrize(("formula", "message"), HOSTILE)
def test_hostile_formulas_are_refused_fast(formula: str, message: str) -> None:
    with pytest.raises(FormulaError) as raised:
        fast(lambda: parse(formula))
    assert message in str(raised.value)


def test_texts_cannot_grow_without_bound() -> None:
    context = {"team_case": {"name": "x" * 60_000}}
    compiled = parse("=team_case.name & team_case.name")
    with pytest.raises(FormulaError, match="longer than"):
        fast(lambda: compiled.evaluate(context))


def test_the_largest_formula_evaluates_quickly() -> None:
    formula = "=" + " && ".join(["SIZE(team_case.tags) > 0"] * 70)
    assert len(formula) <= formulas.FORMULA_MAX
    assert fast(lambda: parse(formula).holds(CONTEXT)) is True


def test_long_member_chains_are_linear() -> None:
    assert fast(lambda: parse("=team_case" + ".tags[0]" * 150).evaluate(CONTEXT)) is None


def test_deep_but_allowed_nesting_evaluates() -> None:
    depth = formulas.DEPTH_MAX - 2
    assert parse("=" + "(" * depth + "1" + ")" * depth).evaluate(CONTEXT) == 1


def test_evaluation_is_bounded_in_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formulas, "STEPS_MAX", 10)
    with pytest.raises(FormulaError, match="too long"):
        parse("=" + " + ".join(["1"] * 20)).evaluate(CONTEXT)
