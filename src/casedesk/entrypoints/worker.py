"""`casedesk worker` (the delivery worker on its own) and `casedesk deliveries` (the delivery
log: list, show, retry)."""

from __future__ import annotations

import asyncio
import json
import signal
from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from casedesk.bootstrap import Container, bootstrap
from casedesk.domain.errors import DomainError, NotFound
from casedesk.domain.notifications.deliveries import DeliveryState
from casedesk.entrypoints.metrics_server import Exposition, MetricsServer, start_metrics_server
from casedesk.entrypoints.worker_run import WorkerRun
from casedesk.services.ports.deliveries import AttemptView, DeliveryDetail, DeliveryView
from casedesk.services.ports.metrics import DeliveryMetrics
from casedesk.services.search.times import parse_time

deliveries_app = typer.Typer(help="Read the delivery log and retry deliveries.", no_args_is_help=True)
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)
    app.add_typer(deliveries_app, name="deliveries")


def fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=1)


def describe(exc: DomainError) -> str:
    if isinstance(exc, NotFound):
        return f"{exc.resource} {exc.ref} not found"
    return exc.message


MetricsPort = Annotated[
    int | None,
    typer.Option(
        min=0,
        max=65535,
        help="Serve the worker's metrics at http://HOST:PORT/metrics (0: a free port; "
        "default CASEDESK_WORKER_METRICS_PORT, else none).",
    ),
]
MetricsHost = Annotated[
    str | None,
    typer.Option(help="Address the metrics are served on (default CASEDESK_WORKER_METRICS_HOST, 127.0.0.1)."),
]


def open_metrics(container: Container, telemetry: Exposition, host: str | None, port: int) -> MetricsServer:
    """`telemetry` served on its own port (the API's token guards it too), or the command fails."""
    host = host or container.settings.worker_metrics_host
    try:
        server = start_metrics_server(telemetry, host, port, container.settings.metrics_token)
    except OSError as exc:
        container.close()
        fail(f"cannot serve metrics on {host}:{port}: {exc.strerror or exc}")
        raise  # unreachable: fail exits
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"metrics at http://{shown}:{server.port}/metrics", err=True)
    return server


def worker(
    concurrency: Annotated[
        int | None, typer.Option(min=1, help="Sends in flight at once (default CASEDESK_WORKER_CONCURRENCY).")
    ] = None,
    metrics_port: MetricsPort = None,
    metrics_host: MetricsHost = None,
) -> None:
    """Run the delivery worker until interrupted (SIGINT or SIGTERM); the sends in flight
    finish first. Any number of workers may share a PostgreSQL database."""
    container = bootstrap(migrate=True)
    port = container.settings.worker_metrics_port if metrics_port is None else metrics_port
    metrics: DeliveryMetrics | None = None
    server: MetricsServer | None = None
    if port is not None:
        telemetry = container.worker_telemetry()
        metrics, server = telemetry.deliveries, open_metrics(container, telemetry, metrics_host, port)
    run = WorkerRun(container.worker(concurrency=concurrency, metrics=metrics))

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        typer.echo(f"worker {run.worker.name} started", err=True)
        await run.run(stop)

    try:
        asyncio.run(main())
    finally:
        if server is not None:
            server.close()
        container.close()


def parse_state(text: str | None) -> DeliveryState | None:
    if text is None:
        return None
    try:
        return DeliveryState(text.strip().lower())
    except ValueError:
        fail(f"unknown status {text!r}; statuses: {', '.join(s.value for s in DeliveryState)}")
        raise  # unreachable: fail exits


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def delivery_json(item: DeliveryView) -> dict[str, Any]:
    return {
        "id": item.id,
        "status": item.state.value,
        "channel": item.kind.value,
        "destination": item.name,
        "destination_key": item.destination_key,
        "event_id": str(item.event_id),
        "event_type": item.event_kind,
        "subject_type": item.subject_type,
        "subject_id": str(item.subject_id),
        "subject": item.subject_ref,
        "attempts": item.attempts,
        "next_attempt_at": iso(item.next_attempt_at),
        "last_result": item.last_result,
        "last_status": item.last_status,
        "last_error": item.last_error,
        "suppressed_by": item.suppressed_by,
        "created_at": iso(item.created_at),
        "delivered_at": iso(item.delivered_at),
    }


def attempt_json(item: AttemptView) -> dict[str, Any]:
    return {
        "attempt": item.number,
        "trigger": item.trigger.value,
        "started_at": iso(item.started_at),
        "duration_ms": item.duration_ms,
        "result": item.result,
        "status": item.status,
        "error": item.error,
        "response": item.snippet,
        "next_attempt_at": iso(item.next_attempt_at),
    }


def line(item: DeliveryView) -> str:
    # A suppressed delivery was never tried: what suppressed it is its outcome.
    outcome = item.last_error or (str(item.last_status) if item.last_status else item.suppressed_by or "-")
    return (
        f"{item.id}  {item.state.value:<10} {item.destination_key}  {item.event_kind}  "
        f"{item.subject_ref or item.subject_id}  attempts={item.attempts}  {outcome}"
    )


def with_container() -> Container:
    return bootstrap(migrate=True)


@deliveries_app.command("list")
def deliveries_list(
    status: Annotated[
        str | None, typer.Option(help="pending, failed, delivered, dead or suppressed.")
    ] = None,
    case: Annotated[str | None, typer.Option("--case", help="Only this case's (its key).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="How many, newest first.")] = 100,
    as_json: JsonFlag = False,
) -> None:
    """Deliveries, newest first."""
    state = parse_state(status)
    container = with_container()
    try:
        found = container.deliveries.deliveries(state=state, case=case, limit=limit)
    except DomainError as exc:
        fail(describe(exc))
    finally:
        container.close()
    if as_json:
        typer.echo(json.dumps([delivery_json(d) for d in found]))
        return
    for item in found:
        typer.echo(line(item))


@deliveries_app.command("show")
def deliveries_show(
    delivery_id: Annotated[str, typer.Argument(help="The delivery's id (msg_…).")],
    as_json: JsonFlag = False,
) -> None:
    """One delivery with every attempt made at it."""
    container = with_container()
    try:
        detail = container.deliveries.delivery(delivery_id)
    except DomainError as exc:
        fail(describe(exc))
    finally:
        container.close()
    if as_json:
        shown = {**delivery_json(detail.delivery), "notice": detail.notice}
        shown["attempt_log"] = [attempt_json(a) for a in detail.attempts]
        typer.echo(json.dumps(shown))
        return
    print_detail(detail)


def print_detail(detail: DeliveryDetail) -> None:
    for key, value in delivery_json(detail.delivery).items():
        typer.echo(f"{key + ':':<17}{'' if value is None else value}")
    for attempt in detail.attempts:
        outcome = attempt.error or attempt.status or ""
        typer.echo(
            f"  #{attempt.number} {attempt.trigger.value:<9} {iso(attempt.started_at)}  {attempt.result} "
            f"{outcome}  {attempt.duration_ms} ms  next {iso(attempt.next_attempt_at) or '-'}"
        )


@deliveries_app.command("retry")
def deliveries_retry(
    delivery_ids: Annotated[list[str] | None, typer.Argument(help="Deliveries to retry (msg_…).")] = None,
    dead: Annotated[bool, typer.Option("--dead", help="Retry every dead delivery.")] = False,
    since: Annotated[
        str | None, typer.Option(help="With --dead: only those created since (ISO 8601 or now-2h).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Send deliveries again under their own ids (a webhook's webhook-id stays the same)."""
    ids = delivery_ids or []
    if dead == bool(ids):
        fail("name deliveries to retry, or give --dead (not both)")
    if since is not None and not dead:
        fail("--since goes with --dead")
    now = datetime.now(UTC)
    start = None
    if since is not None:
        parsed = parse_time(since.strip(), now)
        if parsed is None:
            fail(f"--since: {since!r} is not a time such as 2026-01-31T10:00:00Z or now-2h")
        else:
            start = parsed.at
    container = with_container()
    try:
        done = container.deliveries.retry_dead(start, now) if dead else container.deliveries.retry(ids, now)
    except DomainError as exc:
        fail(describe(exc))
    finally:
        container.close()
    if as_json:
        typer.echo(json.dumps({"retried": done}))
        return
    typer.echo(f"{len(done)} deliver{'y' if len(done) == 1 else 'ies'} will be sent again")
    for item in done:
        typer.echo(item)
