"""PagerDuty services, configured with the official client's PagerDutyIntegrationApi: the
service key (the Events API v2 routing key) goes in and never comes out."""

from __future__ import annotations

import uuid

import httpx
import pytest
from datadog_api_client import ApiClient
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v1.api.pager_duty_integration_api import PagerDutyIntegrationApi
from datadog_api_client.v1.model.pager_duty_service import PagerDutyService
from datadog_api_client.v1.model.pager_duty_service_key import PagerDutyServiceKey
from sqlalchemy import text

from casedesk.bootstrap import Container
from casedesk.domain.notifications.destinations import ChannelKind
from tests.api import accounts
from tests.api.channels import client_as, unique
from tests.support import Server

SERVICES = "/api/v1/integration/pagerduty/configuration/services"


@pytest.fixture(scope="module")
def api(dd_client: ApiClient) -> PagerDutyIntegrationApi:
    return PagerDutyIntegrationApi(dd_client)


def test_create_get_update_delete(
    api: PagerDutyIntegrationApi, http: httpx.Client, container: Container
) -> None:
    name, key = unique("payments"), uuid.uuid4().hex
    created = api.create_pager_duty_integration_service(PagerDutyService(service_name=name, service_key=key))
    assert created.to_dict() == {"service_name": name}
    assert api.get_pager_duty_integration_service(name).service_name == name
    raw = http.get(f"{SERVICES}/{name}")
    assert raw.json() == {"service_name": name}
    found = container.destinations.find(ChannelKind.PAGERDUTY, name)
    assert found is not None
    assert (found.name, dict(found.secrets)) == (name, {"routing_key": key})
    with container.engine.connect() as conn:
        sealed = conn.execute(
            text("SELECT secrets FROM destinations WHERE name = :n"), {"n": name}
        ).scalar_one()
    assert key not in sealed

    new_key = uuid.uuid4().hex
    api.update_pager_duty_integration_service(name, PagerDutyServiceKey(service_key=new_key))
    found = container.destinations.find(ChannelKind.PAGERDUTY, name)
    assert found is not None
    assert found.secrets["routing_key"] == new_key

    api.delete_pager_duty_integration_service(name)
    assert container.destinations.find(ChannelKind.PAGERDUTY, name) is None
    for call in (api.get_pager_duty_integration_service, api.delete_pager_duty_integration_service):
        with pytest.raises(ApiException) as gone:
            call(name)
        assert gone.value.status == 404
    with pytest.raises(ApiException) as unknown:
        api.update_pager_duty_integration_service(name, PagerDutyServiceKey(service_key=new_key))
    assert unknown.value.status == 404


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"service_name": "has space", "service_key": "k"}, "/service_name"),
        ({"service_name": "ok", "service_key": "has space"}, "/service_key"),
        ({"service_name": "ok", "service_key": ""}, "/service_key"),
        ({"service_name": "ok"}, "/service_key"),
    ],
)
def test_bad_services_are_400s(http: httpx.Client, body: dict[str, object], pointer: str) -> None:
    response = http.post(SERVICES, json=body)
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0].startswith(f"{pointer}: ")


def test_a_taken_name_is_refused(api: PagerDutyIntegrationApi, http: httpx.Client) -> None:
    name = unique("svc")
    api.create_pager_duty_integration_service(PagerDutyService(service_name=name, service_key="k1"))
    again = http.post(SERVICES, json={"service_name": name, "service_key": "k2"})
    assert again.status_code == 400
    assert again.json()["errors"][0].startswith("/service_name: ")


def test_read_only_users_read_but_do_not_write(api: PagerDutyIntegrationApi, server: Server) -> None:
    name = unique("svc")
    api.create_pager_duty_integration_service(PagerDutyService(service_name=name, service_key="k1"))
    with client_as(server, accounts.new_keys(server, role="read_only")) as client:
        reader = PagerDutyIntegrationApi(client)
        assert reader.get_pager_duty_integration_service(name).service_name == name
        with pytest.raises(ApiException) as refused:
            reader.update_pager_duty_integration_service(name, PagerDutyServiceKey(service_key="k2"))
        assert refused.value.status == 403
