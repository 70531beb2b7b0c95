"""Custom attribute values on cases are checked against their type's configuration."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.model.case_resource_type import CaseResourceType
from datadog_api_client.v2.model.case_update_custom_attribute import CaseUpdateCustomAttribute
from datadog_api_client.v2.model.case_update_custom_attribute_request import CaseUpdateCustomAttributeRequest
from datadog_api_client.v2.model.custom_attribute_type import CustomAttributeType
from datadog_api_client.v2.model.custom_attribute_value import CustomAttributeValue

from tests.api import dd

TYPES = "/api/v2/cases/types"


@pytest.fixture(scope="module")
def configured(http: httpx.Client) -> dict[str, str]:
    """A case type with one attribute of each kind, a project, and a case of that type."""
    type_id = http.post(
        TYPES, json={"data": {"type": "case_type", "attributes": {"name": "Ops change"}}}
    ).json()["data"]["id"]
    specs = [
        ("region", "SELECT", False, ["eu", "us"]),
        ("zones", "SELECT", True, ["a", "b", "c"]),
        ("cost", "NUMBER", False, None),
        ("scores", "NUMBER", True, None),
        ("owner", "TEXT", False, None),
        ("runbook", "URL", False, None),
    ]
    for key, kind, multi, options in specs:
        attributes: dict[str, Any] = {"key": key, "display_name": key, "type": kind, "is_multi": multi}
        if options:
            attributes["type_data"] = {"options": [{"value": o} for o in options]}
        response = http.post(
            f"{TYPES}/{type_id}/custom_attributes",
            json={"data": {"type": "custom_attribute", "attributes": attributes}},
        )
        assert response.status_code == 201, response.text
    key = "CA" + uuid.uuid4().hex[:6].upper()
    project = http.post(
        "/api/v2/cases/projects", json={"data": {"type": "project", "attributes": {"name": "CA", "key": key}}}
    ).json()
    case = http.post("/api/v2/cases", json=dd.create_body(project["data"]["id"], type_id=type_id)).json()
    return {
        "type_id": type_id,
        "project_id": project["data"]["id"],
        "project_key": key,
        "case": case["data"]["id"],
    }


def set_value(http: httpx.Client, case: str, key: str, kind: str, multi: bool, value: Any) -> httpx.Response:
    body = {"data": {"type": "case", "attributes": {"type": kind, "is_multi": multi, "value": value}}}
    return http.post(f"/api/v2/cases/{case}/custom_attributes/{key}", json=body)


@pytest.mark.parametrize(
    ("key", "kind", "multi", "value", "stored"),
    [
        ("region", "SELECT", False, "eu", "eu"),
        ("zones", "SELECT", True, ["a", "c", "a"], ["a", "c"]),
        ("cost", "NUMBER", False, 12.5, 12.5),
        ("cost", "NUMBER", False, 3, 3.0),
        ("scores", "NUMBER", True, [1, 2.5], [1.0, 2.5]),
        ("owner", "TEXT", False, "storage team", "storage team"),
        ("runbook", "URL", False, "https://wiki.example.com/rb/1", "https://wiki.example.com/rb/1"),
    ],
)
def test_valid_values_are_stored(
    http: httpx.Client, configured: dict[str, str], key: str, kind: str, multi: bool, value: Any, stored: Any
) -> None:
    response = set_value(http, configured["case"], key, kind, multi, value)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["attributes"]["custom_attributes"][key] == {
        "type": kind,
        "is_multi": multi,
        "value": stored,
    }


@pytest.mark.parametrize(
    ("key", "kind", "multi", "value", "pointer", "words"),
    [
        ("region", "SELECT", False, "mars", "/data/attributes/value", "not an option"),
        ("region", "SELECT", True, ["eu"], "/data/attributes/is_multi", "single value"),
        ("zones", "SELECT", True, "a", "/data/attributes/value", "list"),
        ("cost", "NUMBER", False, "12", "/data/attributes/value", "number"),
        ("cost", "TEXT", False, "12", "/data/attributes/type", "NUMBER"),
        ("scores", "NUMBER", True, [1, "x"], "/data/attributes/value", "number"),
        ("runbook", "URL", False, "wiki/rb", "/data/attributes/value", "URL"),
        ("runbook", "URL", False, "javascript:alert(1)", "/data/attributes/value", "URL"),
        ("owner", "TEXT", False, "x" * 501, "/data/attributes/value", "500"),
    ],
)
def test_invalid_values_are_refused_and_change_nothing(
    http: httpx.Client,
    configured: dict[str, str],
    key: str,
    kind: str,
    multi: bool,
    value: Any,
    pointer: str,
    words: str,
) -> None:
    before = http.get(f"/api/v2/cases/{configured['case']}").json()
    response = set_value(http, configured["case"], key, kind, multi, value)
    assert response.status_code == 400, response.text
    message = dd.only_message(response)
    assert message.startswith(pointer), message
    assert words in message
    assert http.get(f"/api/v2/cases/{configured['case']}").json() == before


def test_unknown_case_is_404_but_bad_values_are_400_first(
    http: httpx.Client, configured: dict[str, str]
) -> None:
    assert set_value(http, str(uuid.uuid4()), "owner", "TEXT", False, "x").status_code == 404
    assert set_value(http, str(uuid.uuid4()), "owner", "DATE", False, "x").status_code == 400


def text_value_request(value: str) -> CaseUpdateCustomAttributeRequest:
    attributes = CustomAttributeValue(type=CustomAttributeType.TEXT, is_multi=False, value=value)
    return CaseUpdateCustomAttributeRequest(
        data=CaseUpdateCustomAttribute(attributes=attributes, type=CaseResourceType.CASE)
    )


@pytest.mark.parametrize("key", ["nosuch", "region"])
def test_a_key_the_case_type_does_not_define_is_404_and_changes_nothing(
    cases_api: CaseManagementApi, http: httpx.Client, configured: dict[str, str], key: str
) -> None:
    # "region" is defined, but by another type than the Standard type of this case.
    case_id = dd.create_case(cases_api, configured["project_id"]).data.id
    before = http.get(f"/api/v2/cases/{case_id}").json()
    with pytest.raises(ApiException) as updated:
        cases_api.update_case_custom_attribute(case_id, key, text_value_request("x"))
    with pytest.raises(ApiException) as deleted:
        cases_api.delete_case_custom_attribute(case_id, key)
    for refused in (updated.value, deleted.value):
        assert refused.status == 404
        (message,) = dd.error_messages(refused)
        assert repr(key) in message
    assert http.get(f"/api/v2/cases/{case_id}").json() == before


def test_deleting_a_defined_key_without_a_value_is_a_no_op(
    cases_api: CaseManagementApi, configured: dict[str, str]
) -> None:
    case_id = dd.create_case(cases_api, configured["project_id"], type_id=configured["type_id"]).data.id
    removed = cases_api.delete_case_custom_attribute(case_id, "owner")
    assert "owner" not in removed.data.attributes.custom_attributes
    updated = cases_api.update_case_custom_attribute(case_id, "owner", text_value_request("ops"))
    assert updated.data.attributes.custom_attributes["owner"].value == "ops"


def test_remove_a_value(http: httpx.Client, configured: dict[str, str]) -> None:
    set_value(http, configured["case"], "owner", "TEXT", False, "someone")
    removed = http.delete(f"/api/v2/cases/{configured['case']}/custom_attributes/owner")
    assert removed.status_code == 200
    assert "owner" not in removed.json()["data"]["attributes"]["custom_attributes"]
    timeline = http.get(f"/api/v2/cases/{configured['case']}/timelines").json()["data"]
    assert timeline[0]["attributes"]["event"]["kind"] == "case.custom_attribute_changed"
    assert timeline[0]["attributes"]["event"]["new"] is None


def test_create_with_custom_attributes_and_search_them(
    http: httpx.Client, configured: dict[str, str]
) -> None:
    body = dd.create_body(configured["project_id"], type_id=configured["type_id"])
    body["data"]["attributes"]["custom_attributes"] = {
        "region": {"type": "SELECT", "is_multi": False, "value": "us"},
        "scores": {"type": "NUMBER", "is_multi": True, "value": [7, 8]},
    }
    created = http.post("/api/v2/cases", json=body)
    assert created.status_code == 201, created.text
    key = created.json()["data"]["attributes"]["key"]
    project = configured["project_key"]

    def keys(query: str) -> set[str]:
        found = http.get("/api/v2/cases", params={"filter": f"project:{project} {query}", "page[size]": 100})
        assert found.status_code == 200, found.text
        return {c["attributes"]["key"] for c in found.json()["data"]}

    assert key in keys("custom_attributes.region:us")
    assert key in keys("custom_attributes.scores:7")
    assert key not in keys("custom_attributes.region:eu")
    assert key not in keys("-custom_attributes.region:*")

    wrong = dd.create_body(configured["project_id"], type_id=configured["type_id"])
    wrong["data"]["attributes"]["custom_attributes"] = {
        "region": {"type": "SELECT", "is_multi": False, "value": "x"}
    }
    refused = http.post("/api/v2/cases", json=wrong)
    assert refused.status_code == 400
    other_type = dd.create_body(configured["project_id"])
    other_type["data"]["attributes"]["custom_attributes"] = {
        "region": {"type": "SELECT", "is_multi": False, "value": "eu"}
    }
    assert http.post("/api/v2/cases", json=other_type).status_code == 400


def test_a_config_in_use_cannot_change_type_or_be_deleted(
    http: httpx.Client, configured: dict[str, str]
) -> None:
    set_value(http, configured["case"], "region", "SELECT", False, "eu")
    configs = http.get(f"{TYPES}/{configured['type_id']}/custom_attributes").json()["data"]
    region = next(c for c in configs if c["attributes"]["key"] == "region")
    url = f"{TYPES}/{configured['type_id']}/custom_attributes/{region['id']}"
    retype = http.put(url, json={"data": {"type": "custom_attribute", "attributes": {"type": "TEXT"}}})
    assert retype.status_code == 400
    assert http.delete(url).status_code == 400
    assert http.get(f"{TYPES}/{configured['type_id']}/custom_attributes").json()["data"] == configs
