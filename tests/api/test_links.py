"""Case links: create, list from either end, delete; each linked case's timeline tells."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v2.api.case_management_api import CaseManagementApi

from tests.api import accounts, dd
from tests.api import dd_builders as ddr
from tests.support import Keys, Server


@pytest.fixture(scope="module")
def reader(server: Server) -> Keys:
    return accounts.new_keys(server, "cases_read", label="reader")


@pytest.fixture
def pair(cases_api: CaseManagementApi, project: dict[str, Any]) -> tuple[Any, Any]:
    first = dd.create_case(cases_api, project["id"], "Database down").data
    second = dd.create_case(cases_api, project["id"], "Checkout failing").data
    return first, second


def events(http: httpx.Client, case_id: str, kind: str) -> list[dict[str, Any]]:
    cells = http.get(f"/api/v2/cases/{case_id}/timelines").json()["data"]
    return [c["attributes"] for c in cells if c["attributes"].get("event", {}).get("kind") == kind]


def test_create_list_and_delete_a_link(
    cases_api: CaseManagementApi, http: httpx.Client, pair: tuple[Any, Any]
) -> None:
    first, second = pair
    created = cases_api.create_case_link(ddr.link_request(first.id, second.id, "BLOCKS"))
    assert not created._unparsed
    link = created.data
    assert link.type.value == "link"
    assert link.attributes.to_dict() == {
        "parent_entity_type": "CASE",
        "parent_entity_id": first.id,
        "child_entity_type": "CASE",
        "child_entity_id": second.id,
        "relationship": "BLOCKS",
    }

    for end in (first, second):
        listed = cases_api.list_case_links(entity_type="CASE", entity_id=end.id)
        assert not listed._unparsed
        assert [item.id for item in listed.data] == [link.id]
    assert [i.id for i in cases_api.list_case_links("CASE", first.id, relationship="BLOCKS").data] == [
        link.id
    ]
    assert cases_api.list_case_links("CASE", first.id, relationship="CAUSES").data == []

    for end in (first, second):
        [cell] = events(http, end.id, "case.linked")
        assert cell["cell_content"]["message"] == (
            f"Ada Admin linked {first.attributes.key} BLOCKS {second.attributes.key}"
        )
        assert cell["event"]["link_id"] == link.id
        assert cell["event"]["relationship"] == "BLOCKS"

    cases_api.delete_case_link(link.id)
    assert cases_api.list_case_links("CASE", first.id).data == []
    for end in (first, second):
        [cell] = events(http, end.id, "case.unlinked")
        assert cell["cell_content"]["message"].startswith("Ada Admin removed the link ")
    with pytest.raises(ApiException) as gone:
        cases_api.delete_case_link(link.id)
    assert gone.value.status == 404


def test_cases_can_be_named_by_key_and_are_stored_by_id(
    cases_api: CaseManagementApi, pair: tuple[Any, Any]
) -> None:
    first, second = pair
    link = cases_api.create_case_link(
        ddr.link_request(first.attributes.key.lower(), second.id, "relates to")
    ).data
    assert link.attributes.parent_entity_id == first.id
    assert link.attributes.relationship == "RELATES_TO"
    by_key = cases_api.list_case_links("case", second.attributes.key)
    assert [item.id for item in by_key.data] == [link.id]


@pytest.mark.parametrize(
    "relationship",
    ["RELATES_TO", "CAUSES", "BLOCKS", "DUPLICATES", "PARENT_OF", "SUCCESSOR_OF", "ESCALATES_TO"],
)
def test_every_relationship(cases_api: CaseManagementApi, pair: tuple[Any, Any], relationship: str) -> None:
    first, second = pair
    link = cases_api.create_case_link(ddr.link_request(first.id, second.id, relationship)).data
    assert link.attributes.relationship == relationship


def test_links_to_other_entities(
    cases_api: CaseManagementApi, http: httpx.Client, pair: tuple[Any, Any]
) -> None:
    first, _ = pair
    incident = str(uuid.uuid4())
    link = cases_api.create_case_link(
        ddr.link_request(first.id, incident.upper(), "ESCALATES_TO", child_type="INCIDENT")
    ).data
    assert link.attributes.child_entity_type == "INCIDENT"
    assert link.attributes.child_entity_id == incident
    assert [i.id for i in cases_api.list_case_links("INCIDENT", incident).data] == [link.id]
    [cell] = events(http, first.id, "case.linked")
    assert cell["cell_content"]["message"].endswith(f"ESCALATES_TO INCIDENT {incident}")


def test_the_same_link_twice_is_refused(
    cases_api: CaseManagementApi, http: httpx.Client, pair: tuple[Any, Any]
) -> None:
    first, second = pair
    link = cases_api.create_case_link(ddr.link_request(first.id, second.id, "BLOCKS")).data
    again = http.post("/api/v2/cases/link", json=ddr.link_body(first.attributes.key, second.id, "BLOCKS"))
    assert again.status_code == 400
    message = dd.only_message(again)
    assert message.startswith("/data/attributes/relationship: ")
    assert link.id in message
    # The other direction is another link, and so is another relationship.
    assert (
        http.post("/api/v2/cases/link", json=ddr.link_body(second.id, first.id, "BLOCKS")).status_code == 201
    )
    assert (
        http.post("/api/v2/cases/link", json=ddr.link_body(first.id, second.id, "CAUSES")).status_code == 201
    )
    assert len(cases_api.list_case_links("CASE", first.id).data) == 3


def test_relates_to_is_symmetric(
    cases_api: CaseManagementApi, http: httpx.Client, pair: tuple[Any, Any]
) -> None:
    first, second = pair
    cases_api.create_case_link(ddr.link_request(first.id, second.id, "RELATES_TO"))
    reverse = http.post("/api/v2/cases/link", json=ddr.link_body(second.id, first.id, "RELATES_TO"))
    assert reverse.status_code == 400
    assert dd.only_message(reverse).startswith("/data/attributes/relationship: ")


@pytest.mark.parametrize("same", ["id", "key"])
def test_a_case_cannot_link_to_itself(http: httpx.Client, pair: tuple[Any, Any], same: str) -> None:
    first, _ = pair
    child = first.id if same == "id" else first.attributes.key
    response = http.post("/api/v2/cases/link", json=ddr.link_body(first.id, child))
    assert response.status_code == 400
    assert (
        dd.only_message(response) == "/data/attributes/child_entity_id: an entity cannot be linked to itself"
    )


def test_unknown_cases_are_404(http: httpx.Client, pair: tuple[Any, Any]) -> None:
    first, _ = pair
    for body, detail in [
        (ddr.link_body(str(uuid.uuid4()), first.id), "parent case not found"),
        (ddr.link_body(first.id, "NOSUCH-9"), "child case not found"),
    ]:
        response = http.post("/api/v2/cases/link", json=body)
        assert response.status_code == 404, response.text
        assert dd.only_message(response) == detail
    assert http.get(f"/api/v2/cases/link?entity_type=CASE&entity_id={uuid.uuid4()}").status_code == 404


SOME_CASE = dd.SOME_UUID

INVALID_LINKS = [
    ("unknown-relationship", {"relationship": "HATES"}, "/data/attributes/relationship"),
    ("unknown-entity-type", {"parent_entity_type": "TICKET"}, "/data/attributes/parent_entity_type"),
    ("malformed-case-id", {"child_entity_id": "not a case"}, "/data/attributes/child_entity_id"),
    (
        "malformed-incident-id",
        {"child_entity_type": "INCIDENT", "child_entity_id": "IR-12"},
        "/data/attributes/child_entity_id",
    ),
    (
        "no-case-at-either-end",
        {"parent_entity_type": "INCIDENT", "child_entity_type": "PAGE", "child_entity_id": SOME_CASE},
        "/data/attributes/parent_entity_type",
    ),
    ("missing-relationship", {"relationship": None}, "/data/attributes/relationship"),
]


@pytest.mark.parametrize(
    ("overrides", "pointer"), [i[1:] for i in INVALID_LINKS], ids=[i[0] for i in INVALID_LINKS]
)
def test_malformed_links_are_400_before_any_lookup(
    http: httpx.Client, overrides: dict[str, Any], pointer: str
) -> None:
    # Both ends are unknown: the malformed value is still what the answer names.
    body = ddr.link_body(str(uuid.uuid4()), str(uuid.uuid4()))
    attributes = body["data"]["attributes"]
    attributes.update(overrides)
    body["data"]["attributes"] = {k: v for k, v in attributes.items() if v is not None}
    response = http.post("/api/v2/cases/link", json=body)
    assert response.status_code == 400, response.text
    assert dd.only_message(response).startswith(f"{pointer}: ")


def test_wrong_resource_type_is_400(http: httpx.Client, pair: tuple[Any, Any]) -> None:
    first, second = pair
    body = ddr.link_body(first.id, second.id)
    body["data"]["type"] = "case"
    response = http.post("/api/v2/cases/link", json=body)
    assert response.status_code == 400
    assert dd.only_message(response).startswith("/data/type: ")


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("entity_id=" + SOME_CASE, "entity_type"),
        ("entity_type=CASE", "entity_id"),
        (f"entity_type=TICKET&entity_id={SOME_CASE}", "entity_type"),
        ("entity_type=CASE&entity_id=not-a-case", "entity_id"),
        ("entity_type=INCIDENT&entity_id=IR-1", "entity_id"),
        (f"entity_type=CASE&entity_id={SOME_CASE}&relationship=HATES", "relationship"),
    ],
)
def test_bad_list_parameters_are_400(http: httpx.Client, query: str, parameter: str) -> None:
    response = http.get(f"/api/v2/cases/link?{query}")
    assert response.status_code == 400, response.text
    assert dd.only_message(response).startswith(f'parameter "{parameter}": ')


def test_delete_checks_the_link_id(http: httpx.Client) -> None:
    malformed = http.delete("/api/v2/cases/link/not-a-uuid")
    assert malformed.status_code == 400
    assert dd.only_message(malformed).startswith('parameter "link_id": ')
    unknown = http.delete(f"/api/v2/cases/link/{uuid.uuid4()}")
    assert unknown.status_code == 404
    assert dd.only_message(unknown) == "link not found"


def test_who_may_link(
    server: Server, reader: Keys, cases_api: CaseManagementApi, pair: tuple[Any, Any]
) -> None:
    first, second = pair
    link = cases_api.create_case_link(ddr.link_request(first.id, second.id)).data
    with accounts.api_as(server, reader) as api:
        assert [item.id for item in api.list_case_links("CASE", first.id).data] == [link.id]
        for call in (
            lambda: api.create_case_link(ddr.link_request(second.id, first.id)),
            lambda: api.delete_case_link(link.id),
        ):
            with pytest.raises(ApiException) as refused:
                call()
            assert refused.value.status == 403
    with accounts.http_as(server, {}) as anonymous:
        assert anonymous.get(f"/api/v2/cases/link?entity_type=CASE&entity_id={first.id}").status_code == 401
        assert (
            anonymous.post("/api/v2/cases/link", json=ddr.link_body(second.id, first.id)).status_code == 401
        )
        assert anonymous.delete(f"/api/v2/cases/link/{link.id}").status_code == 401
    outsider = accounts.new_keys(server, "incident_read", label="outsider")
    with accounts.api_as(server, outsider) as api, pytest.raises(ApiException) as refused:
        api.list_case_links("CASE", first.id)
    assert refused.value.status == 403
    assert [item.id for item in cases_api.list_case_links("CASE", first.id).data] == [link.id]
