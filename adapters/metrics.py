"""The town's metrics in Prometheus' text format (prometheus-client), one registry per process.

Counted as it happens: LINE webhook requests (latency by status) and the events they carried,
outbox deliveries by channel and outcome, job durations by kind and outcome. Read at each scrape:
the outbox's backlog and how long its oldest due message has waited (a query on the database,
so every process reports the same figures). See docs/adr/0036-logs-readiness-metrics.md for why
one registry per process and what that means under gunicorn and Celery."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from application.ports.queries import OutboxBacklog

__all__ = ["CONTENT_TYPE", "PrometheusMetrics", "serving_metrics"]

log = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_WEBHOOK_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_JOB_BUCKETS = (0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0)


class _Backlog(Collector):
    """The outbox gauges, read from the database when scraped (nothing when it does not
    answer: /readyz says so, and a scrape still shows the counters)."""

    def __init__(self, read: Callable[[], OutboxBacklog], now: Callable[[], dt.datetime]) -> None:
        self._read, self._now = read, now

    def collect(self) -> Iterator[Metric]:
        try:
            backlog = self._read()
        except Exception as error:  # the type only: a driver's message may name the host
            log.warning("outbox backlog not read for the metrics: %s", type(error).__name__)
            return
        age = (0.0 if backlog.oldest_due_at is None
               else max((self._now() - backlog.oldest_due_at).total_seconds(), 0.0))
        yield GaugeMetricFamily("madoguchi_outbox_backlog",
                                "Outbox messages not sent yet (pending or being sent)",
                                value=backlog.waiting)
        yield GaugeMetricFamily("madoguchi_outbox_oldest_due_age_seconds",
                                "How long the oldest due outbox message has waited (0: none due)",
                                value=age)


class PrometheusMetrics:
    """The `Metrics` port (application/ports/metrics.py) and the web's own counters."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._webhook_seconds = Histogram(
            "madoguchi_webhook_request_seconds", "LINE webhook requests: time to answer",
            ["status"], buckets=_WEBHOOK_BUCKETS, registry=self.registry)
        self._webhook_events = Counter(
            "madoguchi_webhook_events_received", "Events received in signed LINE webhooks",
            registry=self.registry)
        self._deliveries = Counter(
            "madoguchi_outbox_deliveries", "Outbox messages handled, by channel and outcome "
            "(sent, retry, failed)", ["channel", "outcome"], registry=self.registry)
        self._job_seconds = Histogram(
            "madoguchi_job_duration_seconds", "Jobs run, by kind and outcome (succeeded, "
            "failed, crashed)", ["kind", "outcome"], buckets=_JOB_BUCKETS,
            registry=self.registry)

    def watch_backlog(self, read: Callable[[], OutboxBacklog],
                      now: Callable[[], dt.datetime]) -> PrometheusMetrics:
        self.registry.register(_Backlog(read, now))
        return self

    def webhook_answered(self, status: int, seconds: float, events: int) -> None:
        self._webhook_seconds.labels(status=str(status)).observe(seconds)
        if events:
            self._webhook_events.inc(events)

    def delivered(self, channel: str, outcome: str, count: int = 1) -> None:
        self._deliveries.labels(channel=channel, outcome=outcome).inc(count)

    def job_ran(self, kind: str, outcome: str, seconds: float) -> None:
        self._job_seconds.labels(kind=kind, outcome=outcome).observe(seconds)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


@contextmanager
def serving_metrics(metrics: PrometheusMetrics, host: str, port: int) -> Iterator[int]:
    """This process's metrics over HTTP on `host:port` (a Celery worker, which has no web app to
    ask), without a token: bind it to an address only the monitoring system reaches. Yields the
    port (0 picks a free one); stopped when the block ends."""
    server, thread = start_http_server(port, addr=host, registry=metrics.registry)
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
