"""The metrics of one application, in a registry of its own (never prometheus-client's
global one, so several applications in one process do not collide).

- `casedesk_http_requests_total{method,route,status}` and
  `casedesk_http_request_duration_seconds{method,route}`: requests by route template.
- `casedesk_outbox_pending` and `casedesk_outbox_oldest_pending_age_seconds`: read from
  the database at each scrape (`OutboxBacklog`).
- `casedesk_deliveries_waiting{channel}` (pending and failed), `casedesk_deliveries_dead{channel}`
  and `casedesk_delivery_oldest_waiting_age_seconds`: read at each scrape too.
- `casedesk_delivery_attempts_total{channel,result}` and
  `casedesk_delivery_attempt_duration_seconds{channel}`: the `DeliveryMetrics` port, fed
  by the worker running in this process.

A `casedesk worker` process (or the parent of `casedesk serve --workers N`) has no HTTP
application: it serves a `DeliveryTelemetry` (the same metrics without the HTTP ones) on a
port of its own (entrypoints/metrics_server.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.domain.notifications.outcomes import Result
from casedesk.services.ports.backlog import OutboxBacklog
from casedesk.services.ports.metrics import DeliveryMetrics

# Deliveries wait on receivers across the internet: the buckets reach past the 30 s timeouts.
DELIVERY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class PrometheusDeliveryMetrics:
    """The `DeliveryMetrics` port."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.attempts = Counter(
            "casedesk_delivery_attempts",
            "Delivery attempts, by channel and how they ended.",
            ["channel", "result"],
            registry=registry,
        )
        self.duration = Histogram(
            "casedesk_delivery_attempt_duration_seconds",
            "How long one delivery attempt took, by channel.",
            ["channel"],
            buckets=DELIVERY_BUCKETS,
            registry=registry,
        )
        for kind in ChannelKind.sent():  # every series exists from the start, at 0
            self.duration.labels(kind.value)
            for result in Result:
                self.attempts.labels(kind.value, result.value)

    def attempted(self, kind: ChannelKind, result: Result, seconds: float) -> None:
        self.attempts.labels(kind.value, result.value).inc()
        self.duration.labels(kind.value).observe(seconds)


class BacklogCollector(Collector):
    """The outbox's depth and the age of its oldest pending event, the deliveries waiting
    and dead per channel and the age of the oldest waiting one, read at each scrape."""

    def __init__(self, backlog: OutboxBacklog, clock: Callable[[], datetime]) -> None:
        self.source = backlog
        self.clock = clock

    def describe(self) -> Iterable[Metric]:
        # Declared without values, so registering the collector reads no database.
        return self.families()

    def collect(self) -> Iterable[Metric]:
        backlog = self.source.backlog()
        now = self.clock()
        pending, oldest, waiting, dead, oldest_waiting = families = self.families()
        pending.add_metric([], backlog.pending)
        oldest.add_metric([], age(now, backlog.oldest))
        for kind in ChannelKind.sent():  # every channel has its series, at 0 when nothing waits
            waiting.add_metric([kind.value], backlog.waiting.get(kind.value, 0))
            dead.add_metric([kind.value], backlog.dead.get(kind.value, 0))
        oldest_waiting.add_metric([], age(now, backlog.oldest_waiting))
        return families

    @staticmethod
    def families() -> list[GaugeMetricFamily]:
        return [
            GaugeMetricFamily("casedesk_outbox_pending", "Recorded events not yet delivered."),
            GaugeMetricFamily(
                "casedesk_outbox_oldest_pending_age_seconds",
                "Seconds since the oldest event not yet delivered happened (0 when none waits).",
            ),
            GaugeMetricFamily(
                "casedesk_deliveries_waiting",
                "Deliveries waiting for an attempt (pending or failed), by channel.",
                labels=["channel"],
            ),
            GaugeMetricFamily(
                "casedesk_deliveries_dead",
                "Deliveries given up on, waiting for a manual retry, by channel.",
                labels=["channel"],
            ),
            GaugeMetricFamily(
                "casedesk_delivery_oldest_waiting_age_seconds",
                "Seconds since the oldest waiting delivery was created (0 when none waits).",
            ),
        ]


def age(now: datetime, since: datetime | None) -> float:
    return max((now - since).total_seconds(), 0.0) if since is not None else 0.0


class DeliveryTelemetry:
    """A registry of the delivery metrics: what a worker reports (`deliveries`) and the
    backlog read at each scrape. A `casedesk worker` process serves one of its own."""

    content_type = CONTENT_TYPE_LATEST  # of `exposition()`

    def __init__(self, backlog: OutboxBacklog, clock: Callable[[], datetime] | None = None) -> None:
        self.registry = CollectorRegistry()
        self.deliveries: DeliveryMetrics = PrometheusDeliveryMetrics(self.registry)
        self.registry.register(BacklogCollector(backlog, clock or (lambda: datetime.now(UTC))))

    def exposition(self) -> bytes:
        """Every metric in Prometheus' text format (`content_type`)."""
        return generate_latest(self.registry)


class Telemetry(DeliveryTelemetry):
    """One application's registry: the delivery metrics and the HTTP requests."""

    def __init__(self, backlog: OutboxBacklog, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__(backlog, clock)
        self.requests = Counter(
            "casedesk_http_requests",
            "HTTP requests answered, by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "casedesk_http_request_duration_seconds",
            "Time from a request's arrival to the end of its answer, by method and route template.",
            ["method", "route"],
            registry=self.registry,
        )

    def request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)
