"""Insights: typed references to what a case is about (seed 002)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.model.case_insight import CaseInsight
from datadog_api_client.v2.model.case_insight_type import CaseInsightType
from datadog_api_client.v2.model.case_insights_attributes import CaseInsightsAttributes
from datadog_api_client.v2.model.case_insights_data import CaseInsightsData
from datadog_api_client.v2.model.case_insights_request import CaseInsightsRequest
from datadog_api_client.v2.model.case_resource_type import CaseResourceType

from tests.api import dd


def insights_request(*items: tuple[str, str]) -> CaseInsightsRequest:
    return CaseInsightsRequest(
        data=CaseInsightsData(
            type=CaseResourceType.CASE,
            attributes=CaseInsightsAttributes(
                insights=[
                    CaseInsight(type=CaseInsightType(kind), ref=f"/{kind.lower()}/{rid}", resource_id=rid)
                    for kind, rid in items
                ]
            ),
        )
    )


def test_add_dedupe_remove_and_search(
    cases_api: CaseManagementApi, http: httpx.Client, project: dict[str, Any]
) -> None:
    case = dd.create_case(cases_api, project["id"]).data
    added = cases_api.add_case_insights(
        case.id, insights_request(("MONITOR", "123"), ("SECURITY_SIGNAL", "s-1"))
    )
    assert [(i["type"], i["resource_id"]) for i in added.data.attributes["insights"]] == [
        ("MONITOR", "123"),
        ("SECURITY_SIGNAL", "s-1"),
    ]
    again = cases_api.add_case_insights(case.id, insights_request(("MONITOR", "123"), ("INCIDENT", "IR-4")))
    assert [(i["type"], i["resource_id"]) for i in again.data.attributes["insights"]] == [
        ("MONITOR", "123"),
        ("SECURITY_SIGNAL", "s-1"),
        ("INCIDENT", "IR-4"),
    ]
    assert again.data.attributes["insights"][0]["ref"] == "/monitor/123"

    key = project["attributes"]["key"]
    found = http.get("/api/v2/cases", params={"filter": f"project:{key} insight.type:monitor"}).json()["data"]
    assert [c["id"] for c in found] == [case.id]
    found = http.get("/api/v2/cases", params={"filter": f"project:{key} insight.resource_id:s-1"}).json()[
        "data"
    ]
    assert [c["id"] for c in found] == [case.id]

    removed = cases_api.remove_case_insights(case.id, insights_request(("MONITOR", "123")))
    assert [(i["type"], i["resource_id"]) for i in removed.data.attributes["insights"]] == [
        ("SECURITY_SIGNAL", "s-1"),
        ("INCIDENT", "IR-4"),
    ]
    kinds = [
        c["attributes"]["event"]["kind"]
        for c in http.get(f"/api/v2/cases/{case.id}/timelines").json()["data"]
    ]
    assert kinds[:3] == ["case.insights_removed", "case.insights_added", "case.insights_added"]


def test_a_hundred_insights_at_once_but_not_more(http: httpx.Client, project: dict[str, Any]) -> None:
    case = http.post("/api/v2/cases", json=dd.create_body(project["id"])).json()["data"]["id"]

    def body(count: int) -> dict[str, Any]:
        items = [{"type": "EVENT", "ref": f"/e/{i}", "resource_id": f"e-{i}"} for i in range(count)]
        return {"data": {"type": "case", "attributes": {"insights": items}}}

    ok = http.put(f"/api/v2/cases/{case}/insights", json=body(100))
    assert ok.status_code == 200
    assert len(ok.json()["data"]["attributes"]["insights"]) == 100
    too_many = http.put(f"/api/v2/cases/{case}/insights", json=body(101))
    assert too_many.status_code == 400
    [error] = too_many.json()["errors"]
    assert error["source"]["pointer"] == "/data/attributes/insights"


@pytest.mark.parametrize(
    ("insight", "pointer"),
    [
        ({"type": "MONITORS", "ref": "/m/1", "resource_id": "1"}, "/data/attributes/insights/0/type"),
        ({"type": "MONITOR", "ref": "/m/1"}, "/data/attributes/insights/0/resource_id"),
        ({"type": "MONITOR", "ref": "/m/1", "resource_id": " "}, "/data/attributes/resource_id"),
    ],
)
def test_bad_insights_are_refused_with_object_errors(
    http: httpx.Client, project: dict[str, Any], insight: dict[str, str], pointer: str
) -> None:
    case = http.post("/api/v2/cases", json=dd.create_body(project["id"])).json()["data"]["id"]
    body = {"data": {"type": "case", "attributes": {"insights": [insight]}}}
    for target in (case, str(uuid.uuid4())):
        response = http.put(f"/api/v2/cases/{target}/insights", json=body)
        assert response.status_code == 400, response.text
        [error] = response.json()["errors"]
        assert error["status"] == "400"
        assert error["source"]["pointer"] == pointer


def test_unknown_case_is_a_404_object(cases_api: CaseManagementApi) -> None:
    with pytest.raises(ApiException) as missing:
        cases_api.add_case_insights(str(uuid.uuid4()), insights_request(("MONITOR", "1")))
    assert missing.value.status == 404
    assert missing.value.body["errors"][0]["detail"] == "case not found"
