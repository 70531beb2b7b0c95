"""Maintenance windows: a named case query and a time span, guarded by the event management
scopes (`event_correlation_config_read`/`_write`)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v2.api.case_management_api import CaseManagementApi

from tests.api import accounts, dd
from tests.api import dd_builders as ddr
from tests.support import Keys, Server

START = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)
END = START + timedelta(hours=6)
PATH = "/api/v2/maintenance_windows"


def window_body(**attributes: Any) -> dict[str, Any]:
    values = {
        "name": "Weekly maintenance",
        "query": "project:SEC",
        "start_at": "2026-06-01T00:00:00Z",
        "end_at": "2026-06-01T06:00:00Z",
        **attributes,
    }
    return {
        "data": {
            "type": "maintenance_window",
            "attributes": {k: v for k, v in values.items() if v is not None},
        }
    }


def test_create_list_update_delete(cases_api: CaseManagementApi, server: Server) -> None:
    created = cases_api.create_maintenance_window(
        ddr.window_request("DB migration", "project:SEC", START, END)
    )
    assert not created._unparsed
    window = created.data
    assert window.type.value == "maintenance_window"
    attrs = window.attributes
    assert (attrs.name, attrs.query, attrs.start_at, attrs.end_at) == (
        "DB migration",
        "project:SEC",
        START,
        END,
    )
    assert attrs.created_by == attrs.updated_by == server.admin.user_id

    later = cases_api.create_maintenance_window(
        ddr.window_request("Later", "priority:P5", START + timedelta(days=1), END + timedelta(days=1))
    ).data
    listed = cases_api.list_maintenance_windows()
    assert not listed._unparsed
    ids = [w.id for w in listed.data]
    assert ids.index(window.id) < ids.index(later.id)

    renamed = cases_api.update_maintenance_window(
        window.id, ddr.window_update(name="DB migration, part 2")
    ).data
    assert (renamed.attributes.name, renamed.attributes.start_at, renamed.attributes.end_at) == (
        "DB migration, part 2",
        START,
        END,
    )
    extended = cases_api.update_maintenance_window(
        window.id, ddr.window_update(end_at=END + timedelta(hours=2))
    )
    assert extended.data.attributes.end_at == END + timedelta(hours=2)
    assert extended.data.attributes.query == "project:SEC"

    cases_api.delete_maintenance_window(window.id)
    assert window.id not in {w.id for w in cases_api.list_maintenance_windows().data}
    with pytest.raises(ApiException) as gone:
        cases_api.delete_maintenance_window(window.id)
    assert gone.value.status == 404


def test_times_are_kept_in_utc(http: httpx.Client) -> None:
    response = http.post(
        PATH, json=window_body(start_at="2026-06-01T02:00:00+02:00", end_at="2026-06-01T09:30:00.5+02:00")
    )
    assert response.status_code == 201, response.text
    attrs = response.json()["data"]["attributes"]
    assert datetime.fromisoformat(attrs["start_at"]) == START
    assert datetime.fromisoformat(attrs["start_at"]).utcoffset() == timedelta(0)
    assert datetime.fromisoformat(attrs["end_at"]) == datetime(2026, 6, 1, 7, 30, 0, 500000, tzinfo=UTC)


def test_an_update_must_keep_the_end_after_the_start(
    cases_api: CaseManagementApi, http: httpx.Client
) -> None:
    window = cases_api.create_maintenance_window(ddr.window_request("Night", "status:open", START, END)).data
    body = window_body(name=None, query=None, start_at="2026-06-01T07:00:00Z", end_at=None)
    response = http.put(f"{PATH}/{window.id}", json=body)
    assert response.status_code == 400
    assert dd.only_message(response).startswith("/data/attributes/end_at: ")
    eastern = timezone(timedelta(hours=-5))
    moved = cases_api.update_maintenance_window(
        window.id, ddr.window_update(start_at=datetime(2026, 5, 31, 20, 0, tzinfo=eastern))
    ).data
    assert moved.attributes.start_at == START + timedelta(hours=1)


@pytest.mark.parametrize(
    ("attributes", "pointer"),
    [
        ({"start_at": "2026-06-01T00:00:00"}, "/data/attributes/start_at"),
        ({"end_at": "next tuesday"}, "/data/attributes/end_at"),
        ({"end_at": "2026-06-01T00:00:00Z"}, "/data/attributes/end_at"),
        ({"end_at": "2026-05-31T00:00:00Z"}, "/data/attributes/end_at"),
        ({"query": "status:(open"}, "/data/attributes/query"),
        ({"query": "priority:urgent"}, "/data/attributes/query"),
        ({"name": " "}, "/data/attributes/name"),
        ({"name": None}, "/data/attributes/name"),
        ({"start_at": 12}, "/data/attributes/start_at"),
    ],
)
def test_malformed_windows_are_refused(http: httpx.Client, attributes: dict[str, Any], pointer: str) -> None:
    response = http.post(PATH, json=window_body(**attributes))
    assert response.status_code == 400, response.text
    assert dd.only_message(response).startswith(f"{pointer}: ")
    if attributes == {"name": None}:
        return  # an update may leave the name out
    # The same checks hold on update, before the window is looked up.
    update = http.put(f"{PATH}/{uuid.uuid4()}", json=window_body(**attributes))
    assert update.status_code == 400, update.text
    assert dd.only_message(update).startswith(f"{pointer}: ")


def test_wrong_resource_type_is_400(http: httpx.Client) -> None:
    body = window_body()
    body["data"]["type"] = "window"
    response = http.post(PATH, json=body)
    assert response.status_code == 400
    assert dd.only_message(response).startswith("/data/type: ")


def test_ids_are_checked(http: httpx.Client) -> None:
    for method in ("PUT", "DELETE"):
        body = window_body() if method == "PUT" else None
        malformed = http.request(method, f"{PATH}/not-a-window", json=body)
        assert malformed.status_code == 400
        assert dd.only_message(malformed).startswith('parameter "maintenance_window_id": ')
        unknown = http.request(method, f"{PATH}/{uuid.uuid4()}", json=body)
        assert unknown.status_code == 404
        assert dd.only_message(unknown) == "maintenance window not found"


@pytest.fixture(scope="module")
def config_reader(server: Server) -> Keys:
    return accounts.new_keys(server, "event_correlation_config_read", label="config-reader")


@pytest.fixture(scope="module")
def config_writer(server: Server) -> Keys:
    return accounts.new_keys(server, "event_correlation_config_write", label="config-writer")


@pytest.fixture(scope="module")
def case_writer(server: Server) -> Keys:
    return accounts.new_keys(server, "cases_write", label="case-writer")


def test_scopes(server: Server, config_reader: Keys, config_writer: Keys, case_writer: Keys) -> None:
    # The write scope implies the read scope.
    with accounts.api_as(server, config_writer) as api:
        window = api.create_maintenance_window(ddr.window_request("Writer's", "status:open", START, END)).data
        assert window.id in {w.id for w in api.list_maintenance_windows().data}
        api.update_maintenance_window(window.id, ddr.window_update(name="Renamed"))
    with accounts.api_as(server, config_reader) as api:
        assert window.id in {w.id for w in api.list_maintenance_windows().data}
        for call in (
            lambda: api.create_maintenance_window(ddr.window_request("Reader's", "", START, END)),
            lambda: api.update_maintenance_window(window.id, ddr.window_update(name="Hijacked")),
            lambda: api.delete_maintenance_window(window.id),
        ):
            with pytest.raises(ApiException) as refused:
                call()
            assert refused.value.status == 403
    # Case scopes do not reach maintenance windows.
    with accounts.api_as(server, case_writer) as api, pytest.raises(ApiException) as refused:
        api.list_maintenance_windows()
    assert refused.value.status == 403
    with accounts.http_as(server, {}) as anonymous:
        assert anonymous.get(PATH).status_code == 401
        assert anonymous.post(PATH, json=window_body()).status_code == 401
        assert anonymous.put(f"{PATH}/{window.id}", json=window_body()).status_code == 401
        assert anonymous.delete(f"{PATH}/{window.id}").status_code == 401
    with accounts.api_as(server, config_writer) as api:
        [kept] = [w for w in api.list_maintenance_windows().data if w.id == window.id]
        assert kept.attributes.name == "Renamed"
        api.delete_maintenance_window(window.id)


@pytest.mark.parametrize(
    ("member", "text"),
    [("end_at", "9999-12-31T23:59:59-01:00"), ("start_at", "0001-01-01T00:00:00+01:00")],
)
def test_a_time_whose_instant_no_utc_date_holds_is_400(http: httpx.Client, member: str, text: str) -> None:
    before = http.get(PATH).json()
    response = http.post(PATH, json=window_body(**{member: text}))
    assert response.status_code == 400, response.text
    assert dd.only_message(response).startswith(f"/data/attributes/{member}: ")
    assert http.get(PATH).json() == before
