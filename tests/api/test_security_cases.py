"""A Security case cannot be closed until someone says why."""

from __future__ import annotations

from typing import Any

import pytest
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v2.api.case_management_api import CaseManagementApi

from tests.api import dd


def test_security_case_needs_a_resolved_reason_to_close(
    cases_api: CaseManagementApi, project: dict[str, Any]
) -> None:
    case = dd.create_case(cases_api, project["id"], "Suspicious login", type_id=dd.SECURITY).data
    assert case.attributes.type_id == dd.SECURITY

    with pytest.raises(ApiException) as refused:
        cases_api.update_status(case.id, dd.status_request("CLOSED"))
    assert refused.value.status == 400
    [message] = dd.error_messages(refused.value)
    assert message.startswith("/data/attributes/security_resolved_reason: ")
    assert "resolved reason" in message
    assert cases_api.get_case(case.id).data.attributes.status.value == "OPEN"

    with_reason = cases_api.update_case_resolved_reason(case.id, dd.resolved_reason_request("FALSE_POSITIVE"))
    assert with_reason.data.attributes["security_resolved_reason"] == "FALSE_POSITIVE"
    closed = cases_api.update_status(case.id, dd.status_request("CLOSED")).data.attributes
    assert closed.status.value == "CLOSED"
    assert closed.status_group.value == "SG_CLOSED"
    assert closed.closed_at is not None


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("testing", "TESTING"),
        ("false positive", "FALSE_POSITIVE"),
        ("One-Time Exception", "ONE_TIME_EXCEPTION"),
        ("TRUE_POSITIVE", "TRUE_POSITIVE"),
        ("BENIGN_POSITIVE", "BENIGN_POSITIVE"),
    ],
)
def test_resolved_reasons_accept_the_products_wording(
    cases_api: CaseManagementApi, project: dict[str, Any], given: str, stored: str
) -> None:
    case = dd.create_case(cases_api, project["id"], type_id=dd.SECURITY).data
    updated = cases_api.update_case_resolved_reason(case.id, dd.resolved_reason_request(given))
    assert updated.data.attributes["security_resolved_reason"] == stored


def test_unknown_resolved_reason_is_refused_with_a_pointer(
    cases_api: CaseManagementApi, project: dict[str, Any]
) -> None:
    case = dd.create_case(cases_api, project["id"], type_id=dd.SECURITY).data
    with pytest.raises(ApiException) as refused:
        cases_api.update_case_resolved_reason(case.id, dd.resolved_reason_request("BORED"))
    assert refused.value.status == 400
    [message] = dd.error_messages(refused.value)
    assert message.startswith("/data/attributes/security_resolved_reason: ")
    assert "BORED" in message


def test_standard_case_closes_without_a_reason(cases_api: CaseManagementApi, project: dict[str, Any]) -> None:
    case = dd.create_case(cases_api, project["id"]).data
    closed = cases_api.update_status(case.id, dd.status_request("CLOSED"))
    assert closed.data.attributes.status.value == "CLOSED"
