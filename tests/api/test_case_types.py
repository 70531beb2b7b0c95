"""Case types and their custom attribute configurations, through the official client."""

from __future__ import annotations

import uuid

import httpx
import pytest
from datadog_api_client import ApiClient
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v2.api.case_management_attribute_api import CaseManagementAttributeApi
from datadog_api_client.v2.api.case_management_type_api import CaseManagementTypeApi
from datadog_api_client.v2.model.case_type_create import CaseTypeCreate
from datadog_api_client.v2.model.case_type_create_request import CaseTypeCreateRequest
from datadog_api_client.v2.model.case_type_resource_attributes import CaseTypeResourceAttributes
from datadog_api_client.v2.model.case_type_resource_type import CaseTypeResourceType
from datadog_api_client.v2.model.case_type_update import CaseTypeUpdate
from datadog_api_client.v2.model.case_type_update_request import CaseTypeUpdateRequest
from datadog_api_client.v2.model.custom_attribute_config_attributes_create import (
    CustomAttributeConfigAttributesCreate,
)
from datadog_api_client.v2.model.custom_attribute_config_create import CustomAttributeConfigCreate
from datadog_api_client.v2.model.custom_attribute_config_create_request import (
    CustomAttributeConfigCreateRequest,
)
from datadog_api_client.v2.model.custom_attribute_config_resource_type import (
    CustomAttributeConfigResourceType,
)
from datadog_api_client.v2.model.custom_attribute_config_update import CustomAttributeConfigUpdate
from datadog_api_client.v2.model.custom_attribute_config_update_attributes import (
    CustomAttributeConfigUpdateAttributes,
)
from datadog_api_client.v2.model.custom_attribute_config_update_request import (
    CustomAttributeConfigUpdateRequest,
)
from datadog_api_client.v2.model.custom_attribute_select_option import CustomAttributeSelectOption
from datadog_api_client.v2.model.custom_attribute_type import CustomAttributeType
from datadog_api_client.v2.model.custom_attribute_type_data import CustomAttributeTypeData

from tests.api import dd
from tests.api.accounts import api_as, key_headers, new_keys
from tests.support import Server


@pytest.fixture(scope="module")
def types_api(dd_client: ApiClient) -> CaseManagementTypeApi:
    return CaseManagementTypeApi(dd_client)


@pytest.fixture(scope="module")
def attrs_api(dd_client: ApiClient) -> CaseManagementAttributeApi:
    return CaseManagementAttributeApi(dd_client)


def type_request(name: str, description: str = "", emoji: str = "") -> CaseTypeCreateRequest:
    return CaseTypeCreateRequest(
        data=CaseTypeCreate(
            type=CaseTypeResourceType.CASE_TYPE,
            attributes=CaseTypeResourceAttributes(name=name, description=description, emoji=emoji),
        )
    )


def config_request(
    key: str, kind: str, is_multi: bool = False, options: list[str] | None = None
) -> CustomAttributeConfigCreateRequest:
    attrs = CustomAttributeConfigAttributesCreate(
        key=key, display_name=key.title(), type=CustomAttributeType(kind), is_multi=is_multi
    )
    if options is not None:
        attrs["type_data"] = {"options": [{"value": o} for o in options]}
    return CustomAttributeConfigCreateRequest(
        data=CustomAttributeConfigCreate(
            type=CustomAttributeConfigResourceType.CUSTOM_ATTRIBUTE, attributes=attrs
        )
    )


@pytest.fixture
def custom_type(types_api: CaseManagementTypeApi) -> str:
    created = types_api.create_case_type(type_request(f"Change {uuid.uuid4().hex[:6]}", "Changes", "🔧"))
    return str(created.data.id)


def test_builtin_types_are_listed_and_survive_deletion(types_api: CaseManagementTypeApi) -> None:
    listed = {str(t.id): t.attributes.name for t in types_api.get_all_case_types().data}
    assert listed[dd.STANDARD] == "Standard"
    assert listed[dd.SECURITY] == "Security"
    for builtin in (dd.STANDARD, dd.SECURITY):
        with pytest.raises(ApiException) as refused:
            types_api.delete_case_type(builtin)
        assert refused.value.status == 400
        [message] = dd.error_messages(refused.value)
        assert "built-in" in message
        assert message.startswith('parameter "case_type_id"')
    listed_after = {str(t.id) for t in types_api.get_all_case_types().data}
    assert {dd.STANDARD, dd.SECURITY} <= listed_after


def test_create_update_delete_a_case_type(
    types_api: CaseManagementTypeApi, cases_api: object, http: httpx.Client, project: dict[str, object]
) -> None:
    created = types_api.create_case_type(type_request("Change request", "Planned changes", "🔧")).data
    assert created.attributes.name == "Change request"
    assert created.attributes.emoji == "🔧"
    updated = types_api.update_case_type(
        str(created.id),
        CaseTypeUpdateRequest(
            data=CaseTypeUpdate(
                type=CaseTypeResourceType.CASE_TYPE,
                attributes=CaseTypeResourceAttributes(name="Change", description="Changes"),
            )
        ),
    ).data
    assert (updated.attributes.name, updated.attributes.description) == ("Change", "Changes")

    # A case of the type outlives the type's deletion; new cases can no longer use it.
    case = http.post("/api/v2/cases", json=dd.create_body(str(project["id"]), type_id=str(created.id)))
    assert case.status_code == 201, case.text
    types_api.delete_case_type(str(created.id))
    assert str(created.id) not in {str(t.id) for t in types_api.get_all_case_types().data}
    kept = http.get(f"/api/v2/cases/{case.json()['data']['id']}").json()["data"]["attributes"]
    assert kept["type_id"] == str(created.id)
    again = http.post("/api/v2/cases", json=dd.create_body(str(project["id"]), type_id=str(created.id)))
    assert again.status_code == 400
    assert dd.only_message(again).startswith("/data/attributes/type_id")
    with pytest.raises(ApiException) as gone:
        types_api.delete_case_type(str(created.id))
    assert gone.value.status == 404


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"data": {"type": "case_type", "attributes": {"name": "  "}}}, "/data/attributes/name"),
        ({"data": {"type": "case_type", "attributes": {}}}, "/data/attributes/name"),
        ({"data": {"type": "case", "attributes": {"name": "x"}}}, "/data/type"),
        (
            {"data": {"type": "case_type", "attributes": {"name": "x", "emoji": "x" * 40}}},
            "/data/attributes/emoji",
        ),
    ],
)
def test_bad_case_types_are_refused(http: httpx.Client, body: dict[str, object], pointer: str) -> None:
    response = http.post("/api/v2/cases/types", json=body)
    assert response.status_code == 400
    assert dd.only_message(response).startswith(pointer)


def test_a_case_type_emoji_must_be_an_emoji(types_api: CaseManagementTypeApi) -> None:
    with pytest.raises(ApiException) as refused:
        types_api.create_case_type(type_request("Not an emoji", emoji="notanemoji"))
    assert refused.value.status == 400
    [message] = dd.error_messages(refused.value)
    assert message.startswith("/data/attributes/emoji: ")
    assert "not an emoji" in message
    assert "Not an emoji" not in {t.attributes.name for t in types_api.get_all_case_types().data}

    # The contract's own example (skin tone + ZWJ + sign + VS16), and no emoji at all.
    detective = "\U0001f575\U0001f3fb\u200d\u2642\ufe0f"
    created = types_api.create_case_type(type_request("Investigation", emoji=detective)).data
    assert created.attributes.emoji == detective
    assert types_api.create_case_type(type_request("Plain")).data.attributes.emoji == ""

    def update(emoji: str) -> CaseTypeUpdateRequest:
        attributes = CaseTypeResourceAttributes(name="Investigation", emoji=emoji)
        return CaseTypeUpdateRequest(
            data=CaseTypeUpdate(type=CaseTypeResourceType.CASE_TYPE, attributes=attributes)
        )

    with pytest.raises(ApiException) as refused_update:
        types_api.update_case_type(str(created.id), update("🔧🔧"))
    assert refused_update.value.status == 400
    assert dd.error_messages(refused_update.value)[0].startswith("/data/attributes/emoji: ")
    assert types_api.update_case_type(str(created.id), update("🇫🇷")).data.attributes.emoji == "🇫🇷"


def test_case_type_errors(http: httpx.Client) -> None:
    body = {"data": {"type": "case_type", "attributes": {"name": "x"}}}
    assert http.put("/api/v2/cases/types/not-a-uuid", json=body).status_code == 400
    assert http.put(f"/api/v2/cases/types/{uuid.uuid4()}", json=body).status_code == 404
    assert http.delete(f"/api/v2/cases/types/{uuid.uuid4()}").status_code == 404
    assert http.get(f"/api/v2/cases/types/{uuid.uuid4()}/custom_attributes").status_code == 404


def test_managing_types_needs_the_shared_settings_scope(server: Server) -> None:
    keys = new_keys(server, "cases_read,cases_write")
    headers = key_headers(keys)
    body = {"data": {"type": "case_type", "attributes": {"name": "Nope"}}}
    with httpx.Client(base_url=server.url, headers=headers) as client:
        assert client.post("/api/v2/cases/types", json=body).status_code == 403
        assert client.get("/api/v2/cases/types").status_code == 200
    with api_as(server, keys) as api:
        assert api.search_cases(filter="nothing-matches-this").data == []


def test_custom_attribute_configs(attrs_api: CaseManagementAttributeApi, custom_type: str) -> None:
    region = attrs_api.create_custom_attribute_config(
        custom_type, config_request("region", "SELECT", options=["eu", "us"])
    ).data
    cost = attrs_api.create_custom_attribute_config(custom_type, config_request("cost", "NUMBER")).data
    links = attrs_api.create_custom_attribute_config(
        custom_type, config_request("runbooks", "URL", True)
    ).data
    assert region.attributes.case_type_id == custom_type
    assert region.attributes["type_data"]["options"] == [{"value": "eu"}, {"value": "us"}]
    listed = attrs_api.get_all_custom_attribute_configs_by_case_type(custom_type).data
    assert {c.attributes.key for c in listed} == {"region", "cost", "runbooks"}
    everywhere = {str(c.id) for c in attrs_api.get_all_custom_attributes().data}
    assert {str(region.id), str(cost.id), str(links.id)} <= everywhere

    updated = attrs_api.update_custom_attribute_config(
        custom_type,
        str(region.id),
        CustomAttributeConfigUpdateRequest(
            data=CustomAttributeConfigUpdate(
                type=CustomAttributeConfigResourceType.CUSTOM_ATTRIBUTE,
                attributes=CustomAttributeConfigUpdateAttributes(
                    display_name="Region of impact",
                    type_data=CustomAttributeTypeData(
                        options=[CustomAttributeSelectOption(value=v) for v in ("eu", "us", "apac")]
                    ),
                ),
            )
        ),
    ).data
    assert updated.attributes.display_name == "Region of impact"
    assert [o["value"] for o in updated.attributes["type_data"]["options"]] == ["eu", "us", "apac"]

    attrs_api.delete_custom_attribute_config(custom_type, str(cost.id))
    listed = attrs_api.get_all_custom_attribute_configs_by_case_type(custom_type).data
    assert {c.attributes.key for c in listed} == {"region", "runbooks"}


def test_custom_attribute_config_errors(
    attrs_api: CaseManagementAttributeApi, http: httpx.Client, custom_type: str
) -> None:
    attrs_api.create_custom_attribute_config(custom_type, config_request("team", "TEXT"))
    with pytest.raises(ApiException) as duplicate:
        attrs_api.create_custom_attribute_config(custom_type, config_request("team", "TEXT"))
    assert duplicate.value.status == 400
    assert dd.error_messages(duplicate.value)[0].startswith("/data/attributes/key")

    base = f"/api/v2/cases/types/{custom_type}/custom_attributes"
    bad_key = {
        "data": {
            "type": "custom_attribute",
            "attributes": {"key": "9 lives", "display_name": "x", "type": "TEXT", "is_multi": False},
        }
    }
    assert dd.only_message(http.post(base, json=bad_key)).startswith("/data/attributes/key")
    bad_type = {
        "data": {
            "type": "custom_attribute",
            "attributes": {"key": "k", "display_name": "x", "type": "DATE", "is_multi": False},
        }
    }
    assert dd.only_message(http.post(base, json=bad_type)).startswith("/data/attributes/type")
    assert http.post(f"/api/v2/cases/types/{uuid.uuid4()}/custom_attributes", json=bad_key).status_code == 400
    good = {
        "data": {
            "type": "custom_attribute",
            "attributes": {"key": "ok", "display_name": "x", "type": "TEXT", "is_multi": False},
        }
    }
    assert http.post(f"/api/v2/cases/types/{uuid.uuid4()}/custom_attributes", json=good).status_code == 404
    assert http.delete(f"{base}/{uuid.uuid4()}").status_code == 404
    assert http.delete(f"{base}/nope").status_code == 400
