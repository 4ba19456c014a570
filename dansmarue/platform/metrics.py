"""Prometheus metrics that operators graph (docs/grafana-dashboard.json).

Counters and histograms are plain in-memory objects (creating them connects to
nothing). Under gunicorn and the workers, PROMETHEUS_MULTIPROC_DIR makes every
process write its values to that folder (prometheus-client's multiprocess
mode) and `/metrics` adds them up; without it, the process's own registry is
served. Gauges of the service's state (outbox, queues, SLA) are read at scrape
time by `api/metrics/collector.py`, not kept here.
"""

import os
import time
from collections.abc import Iterable
from typing import Literal

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

HTTP_REQUESTS = Counter(
    "dansmarue_http_requests_total", "HTTP requests answered", ["endpoint", "method", "status"]
)
HTTP_LATENCY = Histogram(
    "dansmarue_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["endpoint", "method"],
    buckets=LATENCY_BUCKETS,
)
REPORTS = Counter(
    "dansmarue_reports_total",
    "Reports at intake: accepted, or the refusal's problem type",
    ["channel", "outcome"],
)
JOBS = Counter("dansmarue_jobs_total", "Outbox jobs run, by outcome", ["job", "outcome"])
JOB_DURATION = Histogram(
    "dansmarue_job_duration_seconds",
    "Time to run one outbox job",
    ["job"],
    buckets=(*LATENCY_BUCKETS, 30, 60, 300),
)
EMAILS = Counter("dansmarue_emails_total", "E-mails and pushes sent or failed", ["channel", "outcome"])
PHOTO_SECONDS = Histogram(
    "dansmarue_photo_processing_seconds",
    "Time to process one photo (decode, strip, derivatives)",
    ["outcome"],
    buckets=(*LATENCY_BUCKETS, 30),
)


def job_name(path: str) -> str:
    """workers.jobs.notify.send_acknowledgement -> notify.send_acknowledgement."""
    return ".".join(path.split(".")[-2:])


class timed:
    """`with timed() as t: ...` then `t.seconds`."""

    def __enter__(self) -> "timed":
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        self.seconds = time.perf_counter() - self.start
        return False


def render(extra_collectors: Iterable[Collector] = ()) -> tuple[bytes, str]:
    """The text exposition of every process's metrics plus `extra_collectors`."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_Forward(REGISTRY))
    for collector in extra_collectors:
        registry.register(collector)
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _Forward:
    """The process registry's metrics inside a scrape registry of its own."""

    def __init__(self, source: CollectorRegistry) -> None:
        self.source = source

    def collect(self) -> Iterable[Metric]:
        return self.source.collect()
