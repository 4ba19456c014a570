"""/metrics (#14.1): Prometheus text that parses, counters that move with real
requests, state gauges that match the database, and its guard."""

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from dansmarue.models import Category, OutboxJob
from tests.residents.conftest import GRAFFITI, body, config_for

TOUR_EIFFEL_SOUTH = {"latitude": 48.70, "longitude": 2.29}  # outside Paris


@pytest.fixture
def graffiti(session):
    return session.scalar(select(Category).where(Category.label == GRAFFITI))


def samples(client, **kwargs) -> dict:
    answer = client.get("/metrics", **kwargs)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.mimetype == "text/plain"
    found = {}
    for family in text_string_to_metric_families(answer.get_data(as_text=True)):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(found: dict, name: str, **labels) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def test_reports_accepted_and_refused_are_counted_by_channel(client, graffiti):
    before = samples(client)
    assert client.post("/api/v1/reports", json=body(graffiti)).status_code == 201
    assert client.post("/api/v1/reports", json=body(graffiti, **TOUR_EIFFEL_SOUTH)).status_code == 422
    after = samples(client)
    name = "dansmarue_reports_total"
    assert (
        value(after, name, channel="api", outcome="accepted")
        == value(before, name, channel="api", outcome="accepted") + 1
    )
    assert (
        value(after, name, channel="api", outcome="outside-service-area")
        == value(before, name, channel="api", outcome="outside-service-area") + 1
    )
    route = {"endpoint": "/api/v1/reports", "method": "POST", "status": "201"}
    assert (
        value(after, "dansmarue_http_requests_total", **route)
        == value(before, "dansmarue_http_requests_total", **route) + 1
    )
    assert (
        value(
            after, "dansmarue_http_request_duration_seconds_count", endpoint="/api/v1/reports", method="POST"
        )
        >= 2
    )


def test_the_outbox_gauge_is_the_database_count(client, session, graffiti):
    assert client.post("/api/v1/reports", json=body(graffiti)).status_code == 201
    pending = session.scalar(select(func.count()).select_from(OutboxJob).where(OutboxJob.status == "pending"))
    found = samples(client)
    assert pending > 0
    assert value(found, "dansmarue_outbox_rows", status="pending") == pending
    assert value(found, "dansmarue_outbox_oldest_pending_seconds") >= 0
    assert value(found, "dansmarue_reports_open", situation="open") >= 1


def test_without_a_token_only_loopback_is_answered(client):
    far = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert far.status_code == 403 and far.mimetype == "application/problem+json"


@pytest.fixture
def guarded(tmp_path):
    from dansmarue import create_app

    return create_app(config_for(tmp_path) | {"METRICS_TOKEN": "s3cret-token"}).test_client()


def test_with_a_token_the_bearer_must_match(guarded):
    assert guarded.get("/metrics").status_code == 401
    assert guarded.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 401
    ok = guarded.get(
        "/metrics",
        headers={"Authorization": "Bearer s3cret-token"},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    assert ok.status_code == 200 and b"dansmarue_http_requests_total" in ok.data


def test_the_grafana_dashboard_graphs_only_metrics_that_exist(client, graffiti):
    """docs/grafana-dashboard.json is built on the names /metrics serves."""
    import json
    import re
    from pathlib import Path

    client.post("/api/v1/reports", json=body(graffiti))
    served = {
        family.name
        for family in text_string_to_metric_families(client.get("/metrics").get_data(as_text=True))
    }
    dashboard = json.loads((Path(__file__).parents[2] / "docs/grafana-dashboard.json").read_text())
    used = {
        name
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"dansmarue_[a-z0-9_]+", target["expr"])
    }
    base = {re.sub(r"_(bucket|total|count|sum)$", "", name) for name in used}
    assert len(dashboard["panels"]) >= 10
    assert base <= served | {re.sub(r"_total$", "", s) for s in served}, base - served
