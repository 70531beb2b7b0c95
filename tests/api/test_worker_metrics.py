"""A delivery worker without an HTTP application of its own serves its metrics on a port:
`casedesk worker --metrics-port`, beside a `casedesk serve --no-worker`, and the parent of
`casedesk serve --workers 2`. Real processes, a webhook configured through Datadog's
integration API, a rule naming it, cases created through the API, a loopback receiver, and
a scrape of the port."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.api import dd
from tests.api.channels import unique
from tests.api.notifying import eventually, rule_body
from tests.receivers.webhook import Answer, WebhookReceiver, receiving
from tests.support import (
    OUTBOUND_ALLOW,
    Samples,
    Server,
    free_port,
    metric_samples,
    metric_value,
    running_server,
    stop_process,
    throwaway_database,
)

HOOKS = "/api/v1/integration/webhooks/configuration/webhooks"
TOKEN = "scrape-token-for-the-worker"
FAST = {"CASEDESK_WORKER_POLL_MS": "20", "CASEDESK_DELIVERY_RETRY_SCHEDULE": "100ms,100ms"}
ANNOUNCED = re.compile(r"metrics at (http://\S+/metrics)")


@contextmanager
def served(env: dict[str, str], args: tuple[str, ...]) -> Iterator[tuple[Server, httpx.Client]]:
    """`casedesk serve` with `args` on a database of its own, and HTTP to it as its admin."""
    with throwaway_database() as url, running_server(url, env, args=args) as server:
        headers = {"DD-API-KEY": server.admin.api_key, "DD-APPLICATION-KEY": server.admin.app_key}
        with httpx.Client(base_url=server.url, headers=headers, timeout=30) as http:
            yield server, http


@contextmanager
def webhook_rule(server: Server, http: httpx.Client) -> Iterator[tuple[WebhookReceiver, dict[str, Any]]]:
    """A project whose rule sends every new case to a webhook on a loopback receiver."""
    hook = unique("metrics")
    made = http.post(HOOKS, json={"name": hook, "url": "https://hooks.example.com/placeholder"})
    assert made.status_code == 201, made.text
    shown = server.cli("webhooks", "secret", hook, "--json")
    assert shown.returncode == 0, shown.stderr
    key = "W" + unique("m").split("-")[1].upper()[:7]
    body = {"data": {"type": "project", "attributes": {"name": "Metrics", "key": key}}}
    project = http.post("/api/v2/cases/projects", json=body)
    assert project.status_code == 201, project.text
    with receiving(json.loads(shown.stdout)["secret"]) as receiver:
        moved = http.put(f"{HOOKS}/{hook}", json={"url": receiver.url})
        assert moved.status_code == 200, moved.text
        recipient = {"type": "HTTP", "data": {"name": hook}}
        rules = f"/api/v2/cases/projects/{project.json()['data']['id']}/notification_rules"
        made = http.post(rules, json=rule_body(recipient))
        assert made.status_code == 201, made.text
        yield receiver, project.json()["data"]


def create_cases(http: httpx.Client, project: dict[str, Any], count: int) -> None:
    for n in range(count):
        created = http.post("/api/v2/cases", json=dd.create_body(project["id"], f"metered {n}"))
        assert created.status_code == 201, created.text


@contextmanager
def worker_process(server: Server, env: dict[str, str]) -> Iterator[str]:
    """`casedesk worker --metrics-port 0` on the server's database; yields the metrics URL
    it announces."""
    with tempfile.NamedTemporaryFile(prefix="casedesk-worker-", suffix=".log") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "casedesk", "worker", "--metrics-port", "0"],
            env={
                **os.environ,
                "CASEDESK_DATABASE_URL": server.database_url,
                "CASEDESK_DATA_DIR": server.data_dir,
                "CASEDESK_OUTBOUND_ALLOW": OUTBOUND_ALLOW,
                **FAST,
                **env,
            },
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            announced = eventually(lambda: ANNOUNCED.search(read(log.name, process)), bool, timeout=60)
            assert announced is not None
            yield announced.group(1)
        finally:
            stop_process(process, timeout=20)


def read(path: str, process: subprocess.Popen[bytes]) -> str:
    text = Path(path).read_text()
    if process.poll() is not None:
        raise AssertionError(f"the worker exited with {process.returncode}:\n{text}")
    return text


def scrape(url: str, **headers: str) -> Samples:
    response = httpx.get(url, headers=headers, timeout=10)
    return metric_samples(response)


def delivered(count: int) -> Callable[[Samples], bool]:
    """Whether a scrape counts `count` webhook attempts that delivered."""
    return lambda s: (
        metric_value(s, "casedesk_delivery_attempts_total", channel="webhook", result="delivered") == count
    )


def test_a_standalone_worker_serves_its_delivery_metrics_behind_the_token() -> None:
    env = {"CASEDESK_METRICS_TOKEN": TOKEN}
    with (
        served(env, ("--no-worker",)) as (server, http),
        webhook_rule(server, http) as (receiver, project),
        worker_process(server, env) as metrics_url,
    ):
        refused = httpx.get(metrics_url, timeout=10)
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == "Bearer"
        wrong = httpx.get(metrics_url, headers={"Authorization": "Bearer nope"}, timeout=10)
        assert wrong.status_code == 401
        bearer = {"Authorization": f"Bearer {TOKEN}"}
        elsewhere = metrics_url.removesuffix("/metrics") + "/"
        assert httpx.get(elsewhere, headers=bearer).status_code == 404
        posted = httpx.post(metrics_url, headers=bearer)
        assert (posted.status_code, posted.headers["allow"]) == (405, "GET")
        before = scrape(metrics_url, **bearer)
        assert delivered(0)(before)

        receiver.script(Answer(500))  # the first send fails, and is tried again
        create_cases(http, project, 3)
        receiver.wait_for(lambda r: len(r.accepted) == 3)
        after = eventually(lambda: scrape(metrics_url, **bearer), delivered(3))
    attempts = "casedesk_delivery_attempts_total"
    assert metric_value(after, attempts, channel="webhook", result="transient") == 1
    assert metric_value(after, "casedesk_delivery_attempt_duration_seconds_count", channel="webhook") == 4
    assert metric_value(after, "casedesk_delivery_attempt_duration_seconds_sum", channel="webhook") > 0
    assert metric_value(after, attempts, channel="slack", result="delivered") == 0
    # The backlog is read from the database at the scrape; no HTTP metrics in a worker.
    assert ("casedesk_outbox_pending", frozenset()) in after
    assert not any(name.startswith("casedesk_http_") for name, _ in after)


def test_the_parent_of_several_http_processes_serves_its_worker_s_metrics() -> None:
    port = free_port()
    args = ("--workers", "2", "--metrics-port", str(port))
    with served(FAST, args) as (server, http), webhook_rule(server, http) as (receiver, project):
        metrics_url = f"http://127.0.0.1:{port}/metrics"
        create_cases(http, project, 2)
        receiver.wait_for(lambda r: len(r.accepted) == 2)
        after = eventually(lambda: scrape(metrics_url), delivered(2))
        # The HTTP processes' own /metrics keep their request metrics (no token is set).
        assert http.get("/metrics").status_code == 200
    assert metric_value(after, "casedesk_delivery_attempt_duration_seconds_count", channel="webhook") == 2


def test_metrics_port_needs_a_worker_to_report() -> None:
    with throwaway_database() as url:
        done = subprocess.run(
            [sys.executable, "-m", "casedesk", "serve", "--no-worker", "--metrics-port", "0"],
            env={**os.environ, "CASEDESK_DATABASE_URL": url},
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 1
    assert "--no-worker" in done.stderr
