"""/metrics over real HTTP, on an application of its own (in this process, so the test can
reach its database and its delivery metrics): requests by route template and status, the
outbox's depth and age, deliveries by channel and result, and the optional bearer token."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from casedesk.bootstrap import Container, bootstrap
from casedesk.config import Settings
from casedesk.domain import users as uc
from casedesk.domain.notifications.deliveries import DeliveryState, Settlement, Trigger
from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.domain.notifications.outcomes import Outcome, Result
from casedesk.domain.users import IssuedKeys, Principal
from casedesk.domain.vocab import Scope
from casedesk.entrypoints.http.app import create_app
from casedesk.services.ports.deliveries import Attempt, NewDelivery
from casedesk.services.ports.outbox import OutboxMessage
from tests.api import dd
from tests.notices import case_notice
from tests.support import Samples, metric_samples, metric_value, serving_in_thread, throwaway_database


@pytest.fixture(scope="module")
def db() -> Iterator[Container]:
    with throwaway_database() as url:
        container = bootstrap(Settings(database_url=url, rate_limit=0), migrate=True)
        try:
            yield container
        finally:
            container.close()


@pytest.fixture(scope="module")
def app(db: Container) -> FastAPI:
    return create_app(db)


@pytest.fixture(scope="module")
def client(db: Container, app: FastAPI) -> Iterator[httpx.Client]:
    email = f"metrics.{uuid.uuid4().hex[:8]}@example.com"
    db.bus.handle(uc.CreateUser(email=email, name="Metrics"), Principal.operator())
    keys: IssuedKeys = db.bus.handle(
        uc.CreateKeys(user_email=email, scopes=Scope.all()), Principal.operator()
    )
    headers = {"DD-API-KEY": keys.api_key, "DD-APPLICATION-KEY": keys.app_key}
    with serving_in_thread(app) as url, httpx.Client(base_url=url, headers=headers, timeout=30) as http:
        yield http


def scrape(http: httpx.Client, **headers: str) -> Samples:
    response = http.get("/metrics", headers=headers)
    return metric_samples(response)


def test_requests_are_counted_by_route_template_and_status(client: httpx.Client) -> None:
    route = "/api/v2/cases/{case_id}"
    before = scrape(client)

    asked = [str(uuid.uuid4()) for _ in range(2)]
    for case_id in asked:
        assert client.get(f"/api/v2/cases/{case_id}").status_code == 404
    assert client.get("/healthz").status_code == 200

    after = scrape(client)
    counted = "casedesk_http_requests_total"
    assert (
        metric_value(after, counted, method="GET", route=route, status="404")
        - metric_value(before, counted, method="GET", route=route, status="404")
        == 2
    )
    assert (
        metric_value(after, counted, method="GET", route="/healthz", status="200")
        - metric_value(before, counted, method="GET", route="/healthz", status="200")
        == 1
    )
    timed = "casedesk_http_request_duration_seconds_count"
    assert (
        metric_value(after, timed, method="GET", route=route)
        - metric_value(before, timed, method="GET", route=route)
        == 2
    )
    assert metric_value(after, "casedesk_http_request_duration_seconds_sum", method="GET", route=route) > 0
    assert not any(case_id in client.get("/metrics").text for case_id in asked)


def test_a_path_no_route_matches_is_counted_as_unmatched(client: httpx.Client) -> None:
    before = scrape(client)

    assert client.get(f"/api/v2/no-such-thing/{uuid.uuid4()}").status_code == 404
    assert client.request("PROPFIND", "/healthz").status_code == 405

    after = scrape(client)
    counted = "casedesk_http_requests_total"
    unmatched = {"method": "GET", "route": "unmatched", "status": "404"}
    assert metric_value(after, counted, **unmatched) - metric_value(before, counted, **unmatched) == 1
    unusual = {"method": "other", "route": "/healthz", "status": "405"}
    assert metric_value(after, counted, **unusual) - metric_value(before, counted, **unusual) == 1


def test_the_outbox_depth_and_age_are_read_at_each_scrape(db: Container, client: httpx.Client) -> None:
    project = client.post(
        "/api/v2/cases/projects",
        json={"data": {"type": "project", "attributes": {"name": "Ops", "key": "MET"}}},
    )
    assert project.status_code == 201, project.text
    before = scrape(client)

    created = client.post("/api/v2/cases", json=dd.create_body(project.json()["data"]["id"]))
    assert created.status_code == 201, created.text

    after = scrape(client)
    assert metric_value(after, "casedesk_outbox_pending") > metric_value(before, "casedesk_outbox_pending")
    assert metric_value(after, "casedesk_outbox_oldest_pending_age_seconds") > 0

    settle_everything(db)
    drained = scrape(client)
    assert metric_value(drained, "casedesk_outbox_pending") == 0
    assert metric_value(drained, "casedesk_outbox_oldest_pending_age_seconds") == 0


def settle_everything(db: Container) -> None:
    now = datetime.now(UTC)
    while claimed := db.outbox.claim("metrics-test", now, limit=500):
        for message in claimed:
            db.outbox.settle(message, now)


def test_deliveries_are_counted_by_channel_and_result(app: FastAPI, client: httpx.Client) -> None:
    deliveries = app.state.telemetry.deliveries
    before = scrape(client)
    assert (
        "casedesk_delivery_attempts_total",
        frozenset({"channel": "slack", "result": "permanent"}.items()),
    ) in (before)

    deliveries.attempted(ChannelKind.EMAIL, Result.DELIVERED, 0.25)
    deliveries.attempted(ChannelKind.EMAIL, Result.TRANSIENT, 1.5)
    deliveries.attempted(ChannelKind.WEBHOOK, Result.DELIVERED, 0.1)

    after = scrape(client)

    def grew(name: str, **labels: str) -> float:
        return metric_value(after, name, **labels) - metric_value(before, name, **labels)

    attempts = "casedesk_delivery_attempts_total"
    assert grew(attempts, channel="email", result="delivered") == 1
    assert grew(attempts, channel="email", result="transient") == 1
    assert grew(attempts, channel="webhook", result="delivered") == 1
    assert grew(attempts, channel="slack", result="delivered") == 0
    assert grew("casedesk_delivery_attempt_duration_seconds_count", channel="email") == 2
    assert grew("casedesk_delivery_attempt_duration_seconds_sum", channel="email") == pytest.approx(1.75)
    assert grew("casedesk_delivery_attempt_duration_seconds_bucket", channel="email", le="0.5") == 1


def test_each_application_counts_in_a_registry_of_its_own(db: Container, client: httpx.Client) -> None:
    counted = "casedesk_http_requests_total"
    healthz = {"method": "GET", "route": "/healthz", "status": "200"}
    assert client.get("/healthz").status_code == 200
    mine = metric_value(scrape(client), counted, **healthz)

    other = create_app(db)
    with serving_in_thread(other) as url, httpx.Client(base_url=url) as fresh:
        for _ in range(3):
            assert fresh.get("/healthz").status_code == 200
        theirs = metric_value(scrape(fresh), counted, **healthz)

    assert theirs == 3
    assert metric_value(scrape(client), counted, **healthz) == mine


def test_a_metrics_token_requires_the_bearer(db: Container) -> None:
    guarded = create_app(replace_settings(db, metrics_token="s3cret-token"))
    with serving_in_thread(guarded) as url, httpx.Client(base_url=url) as http:
        assert http.get("/metrics").status_code == 401
        wrong = http.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        assert wrong.headers["www-authenticate"] == "Bearer"
        assert "casedesk_http_requests_total" in str(scrape(http, Authorization="Bearer s3cret-token"))


def replace_settings(db: Container, **changes: Any) -> Container:
    return replace(db, settings=db.settings.model_copy(update=changes))


def test_deliveries_waiting_and_dead_are_read_at_each_scrape(db: Container, client: httpx.Client) -> None:
    project = client.post(
        "/api/v2/cases/projects",
        json={"data": {"type": "project", "attributes": {"name": "Waiting", "key": "WAIT"}}},
    )
    assert project.status_code == 201, project.text
    created = client.post("/api/v2/cases", json=dd.create_body(project.json()["data"]["id"]))
    assert created.status_code == 201, created.text
    case_id = uuid.UUID(created.json()["data"]["id"])
    before = scrape(client)

    def plan(message: OutboxMessage) -> list[NewDelivery]:
        if message.subject_id != case_id:
            return []
        notice = case_notice(str(case_id))
        return [NewDelivery(ChannelKind.WEBHOOK, "gauge", "webhook:gauge", notice)]

    db.delivery_queue.fan_out(plan, "metrics-test", datetime.now(UTC), limit=500)
    waiting = scrape(client)
    grew = metric_value(waiting, "casedesk_deliveries_waiting", channel="webhook") - metric_value(
        before, "casedesk_deliveries_waiting", channel="webhook"
    )
    assert grew == 1
    assert metric_value(waiting, "casedesk_deliveries_waiting", channel="slack") == 0
    assert metric_value(waiting, "casedesk_delivery_oldest_waiting_age_seconds") > 0

    [claimed] = db.delivery_queue.claim("metrics-test", datetime.now(UTC), 10, timedelta(seconds=30))
    refused = Attempt(1, Trigger.INITIAL, datetime.now(UTC), 5, Outcome(Result.PERMANENT, status=400))
    assert db.delivery_queue.settle(claimed, refused, Settlement(DeliveryState.DEAD), datetime.now(UTC))
    dead = scrape(client)
    assert metric_value(dead, "casedesk_deliveries_waiting", channel="webhook") == metric_value(
        before, "casedesk_deliveries_waiting", channel="webhook"
    )
    assert metric_value(dead, "casedesk_deliveries_dead", channel="webhook") == (
        metric_value(before, "casedesk_deliveries_dead", channel="webhook") + 1
    )
