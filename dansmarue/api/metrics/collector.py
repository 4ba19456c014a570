"""Gauges of the service's state, read when /metrics is scraped: the outbox,
the RQ queues, dead letters and the SLA picture (cheap queries on partial
indexes; a failing component yields no sample rather than a failed scrape)."""

from collections.abc import Iterator
from datetime import timedelta

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from sqlalchemy import func, select

from dansmarue.jobs.queues import all_queues, redis_connection
from dansmarue.models import OutboxJob, Report, db, utcnow
from dansmarue.sla.clock import overdue_clause


class StateCollector:
    def collect(self) -> Iterator[Metric]:
        yield from self._outbox()
        yield from self._queues()
        yield from self._sla()

    def _outbox(self) -> Iterator[Metric]:
        try:
            rows = db.session.execute(
                select(OutboxJob.status, func.count(), func.min(OutboxJob.created_at))
                .where(OutboxJob.status != "done")
                .group_by(OutboxJob.status)
            ).all()
        except Exception:
            db.session.rollback()
            return
        by_status = {status: (count, oldest) for status, count, oldest in rows}
        rows_gauge = GaugeMetricFamily("dansmarue_outbox_rows", "Outbox rows not done yet", labels=["status"])
        for status in ("pending", "failed", "dead"):
            rows_gauge.add_metric([status], by_status.get(status, (0, None))[0])
        yield rows_gauge
        oldest = [o for s, (_, o) in by_status.items() if s in ("pending", "failed") and o]
        age = (utcnow() - min(oldest)).total_seconds() if oldest else 0
        yield GaugeMetricFamily(
            "dansmarue_outbox_oldest_pending_seconds",
            "Age of the oldest outbox row waiting to run",
            value=age,
        )

    def _queues(self) -> Iterator[Metric]:
        try:
            queues = [(q.name, q.count, q.failed_job_registry.count) for q in all_queues(redis_connection())]
        except Exception:  # Redis down: the outbox gauges still tell the story
            return
        depth = GaugeMetricFamily("dansmarue_queue_jobs", "Jobs waiting in an RQ queue", labels=["queue"])
        failed = GaugeMetricFamily(
            "dansmarue_queue_failed_jobs", "Jobs in an RQ queue's failed registry", labels=["queue"]
        )
        for name, count, failures in queues:
            depth.add_metric([name], count)
            failed.add_metric([name], failures)
        yield depth
        yield failed

    def _sla(self) -> Iterator[Metric]:
        now = utcnow()
        try:
            open_, overdue, soon = db.session.execute(
                select(
                    func.count().filter(Report.closed_at.is_(None)),
                    func.count().filter(overdue_clause()),
                    func.count().filter(
                        Report.closed_at.is_(None),
                        Report.due_at > now,
                        Report.due_at <= now + timedelta(hours=24),
                    ),
                ).where(Report.closed_at.is_(None))
            ).one()
        except Exception:
            db.session.rollback()
            return
        gauge = GaugeMetricFamily(
            "dansmarue_reports_open", "Open reports by SLA situation", labels=["situation"]
        )
        gauge.add_metric(["open"], open_)
        gauge.add_metric(["overdue"], overdue)
        gauge.add_metric(["due_within_24h"], soon)
        yield gauge
