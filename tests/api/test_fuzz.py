"""Property-based fuzzing of every operation casedesk serves, from its own `/openapi.json`,
against a real server on a database of its own: no answer is a 5xx, and every answer has a
status and a body the document declares for that operation.

Each operation gets `CASEDESK_FUZZ_EXAMPLES` generated requests (a few by default, so the
suite stays quick); set it higher for a long run, e.g. `CASEDESK_FUZZ_EXAMPLES=100`."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support import Server, running_server, throwaway_database

DEFAULT_EXAMPLES = 5
EXAMPLES = int(os.environ.get("CASEDESK_FUZZ_EXAMPLES", DEFAULT_EXAMPLES))
CREDENTIALS = frozenset({"authorization", "x-user-token", "x-user-email", "dd-api-key", "dd-application-key"})
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def fuzzed_server() -> Iterator[Server]:
    """A server of its own: what the fuzzer creates and deletes stays out of other tests' way."""
    with throwaway_database() as url, running_server(url) as srv:
        yield srv


@pytest.fixture(scope="module")
def served_schema(fuzzed_server: Server) -> schemathesis.BaseSchema:
    config = schemathesis.Config.from_dict(
        {
            "base-url": fuzzed_server.url,
        }
    )
    # Read here rather than by schemathesis, whose 10 s read timeout a loaded machine can
    # overrun while the document is built for the first time.
    document = httpx.get(f"{fuzzed_server.url}/openapi.json", timeout=120)
    document.raise_for_status()
    return schemathesis.openapi.from_dict(document.json(), config=config)


def test_no_answer_is_a_server_error_or_off_the_declared_schema(
    served_schema: schemathesis.BaseSchema, fuzzed_server: Server
) -> None:
    keys = fuzzed_server.admin
    headers = {
        "DD-API-KEY": keys.api_key,
        "DD-APPLICATION-KEY": keys.app_key,
        "Authorization": f"Bearer {keys.app_key}",
    }
    failures: dict[str, str] = {}
    answers: Counter[int] = Counter()
    operations = []
    for result in served_schema.get_all_operations():
        if isinstance(result, Ok):
            operations.append(result.ok())
        else:
            failures[f"the document ({len(failures)})"] = str(result.err())[:1500]
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=EXAMPLES <= DEFAULT_EXAMPLES,
            suppress_health_check=list(HealthCheck),
            database=None,
            phases=[Phase.explicit, Phase.generate],
        )
        def fuzz(case: schemathesis.Case[Any]) -> None:
            # The credentials are the fixture's: generated ones would only test refusals.
            for name in [n for n in case.headers or {} if n.lower() in CREDENTIALS]:
                del case.headers[name]
            response = case.call(headers=headers, timeout=30)
            answers[response.status_code] += 1
            case.validate_response(response, checks=CHECKS, headers=headers)

        try:
            fuzz()
        except BaseException as exc:  # schemathesis raises a group: report every operation's
            if not isinstance(exc, Exception | BaseExceptionGroup):
                raise
            failures[operation.label] = str(exc)[:1500]
    print(f"{len(operations)} operations, {answers.total()} requests, by status: {sorted(answers.items())}")
    assert len(operations) > 100
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in sorted(failures.items()))
