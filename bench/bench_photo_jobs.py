"""End-to-end photo jobs through the outbox and RQ, and the relay's throughput.

Run: ``python bench/bench_photo_jobs.py [--photos 24]`` with DATABASE_URL and
REDIS_URL pointing at a migrated database with reference data (``make setup``).
Everything runs pinned to one core (forked work horses inherit the pinning);
PostgreSQL and Redis run in their own processes.

Cases, each on the same 12 MP phone-like JPEGs (from bench_photos):
- baseline: raw decode, and the pure ``imaging.process_photo``, in-process;
- the job function ``workers.jobs.photos.process_photo`` called directly (DB + files);
- outbox → relay → RQ ``SimpleWorker`` burst (no fork);
- outbox → relay → RQ forking ``Worker`` burst (one fork per job, as in production).
Relay: N outbox rows → RQ with ``relay_outbox`` (one ``enqueue_many`` pipeline
per batch) vs a baseline of one ``Queue.enqueue`` per row.
Rows and queues it creates are removed at the end; queues use the prefix ``bench-``.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_photos import cpu_model, pin_one_core, raw_decode, synth_phone_jpeg  # noqa: E402

from bench.common import RESULTS, append_results  # noqa: E402

PREFIX = "bench-"
GRAFFITI = "Graffitis et autocollants sur mur, façade sur rue, pont et descente d'eau pluviale"


def build_app(media_root: str):
    from dansmarue import create_app

    return create_app(
        {
            "MEDIA_ROOT": media_root,
            "RQ_QUEUE_PREFIX": PREFIX,
            "OUTBOX_AUTO_RELAY": False,
            "JOBS_RETRY_INTERVALS": [0],
        }
    )


def make_photos(images: list[bytes], count: int) -> tuple[int, list[int]]:
    """A report with `count` photo rows (files written), committed."""
    import hashlib
    import secrets

    from sqlalchemy import select

    from dansmarue.models import Category, Photo, db
    from dansmarue.platform import storage
    from dansmarue.reports import intake

    category_id = db.session.scalar(select(Category.id).where(Category.label == GRAFFITI))
    report = intake.create_report(
        category_id=category_id, latitude=48.8539252, longitude=2.3801912, description="bench"
    )
    db.session.flush()
    ids = []
    for n in range(count):
        data = images[n % len(images)]
        key = storage.new_key("originals", "jpg")
        storage.write(key, data)
        # Views are unique per report: spread the rows over bench-only reports.
        photo = Photo(
            report_id=report.id,
            view="extra",
            access_key=secrets.token_urlsafe(32),
            storage_key=key,
            mime_type="image/jpeg",
            size_bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            status="pending",
        )
        if n:
            other = intake.create_report(
                category_id=category_id, latitude=48.8539252, longitude=2.3801912, description="bench"
            )
            db.session.flush()
            photo.report_id = other.id
        db.session.add(photo)
        db.session.flush()
        ids.append(photo.id)
    db.session.commit()
    return report.id, ids


def reset(photo_ids):
    from sqlalchemy import update

    from dansmarue.models import Photo, db

    db.session.execute(
        update(Photo)
        .where(Photo.id.in_(photo_ids))
        .values(status="pending", display_key=None, thumb_key=None, phash=None)
    )
    db.session.commit()


def queue_jobs(photo_ids, tag):
    from dansmarue.jobs import outbox
    from dansmarue.models import db

    for photo_id in photo_ids:
        outbox.add_job(
            "workers.jobs.photos.process_photo", photo_id, queue="photos", dedup_key=f"bench:{tag}:{photo_id}"
        )
    db.session.commit()


def check_ready(photo_ids):
    from sqlalchemy import func, select

    from dansmarue.models import Photo, db

    db.session.expire_all()
    ready = db.session.scalar(select(func.count()).where(Photo.id.in_(photo_ids), Photo.status == "ready"))
    assert ready == len(photo_ids), f"only {ready}/{len(photo_ids)} photos ready"


def run_rq(app, photo_ids, tag, forking: bool, queue_name: str = "photos", setup=None):
    """Outbox rows → relay → RQ worker burst; seconds from the first job's start to
    the last job's end, read from RQ's own job timestamps (worker start-up excluded)."""
    from rq import SimpleWorker
    from rq.job import Job

    import dansmarue.jobs.context as worker_app
    from dansmarue.jobs.queues import get_queue, redis_connection, rq_job_id
    from dansmarue.jobs.relay import relay_outbox
    from dansmarue.models import db

    with app.app_context():
        if setup is None:
            reset(photo_ids)
            queue_jobs(photo_ids, tag)
        else:
            setup(tag)
        connection = redis_connection()
        relay_outbox()
        job_ids = [rq_job_id(row_id) for row_id in outbox_ids(tag)]
        queue = get_queue(queue_name, connection)
        db.session.remove()
        db.engine.dispose()
    if forking:  # the production entry point, in its own lean process
        env = {
            **os.environ,
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "REDIS_URL": app.config["REDIS_URL"],
            "MEDIA_ROOT": app.config["MEDIA_ROOT"],
            "RQ_QUEUE_PREFIX": PREFIX,
            "OUTBOX_AUTO_RELAY": "false",
        }
        subprocess.run(
            [
                sys.executable,
                "-m",
                "workers.worker",
                "--burst",
                "--queues",
                queue_name,
                "--log-level",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
    else:
        worker_app._app = app  # what get_app() builds in a worker process
        SimpleWorker([queue], connection=connection).work(burst=True, logging_level="WARNING")
    jobs = Job.fetch_many(job_ids, connection=connection)
    assert all(job is not None and job.ended_at for job in jobs), "some jobs did not run"
    first = min(job.started_at for job in jobs)
    last = max(job.ended_at for job in jobs)
    return (last - first).total_seconds()


def noop_jobs(count: int):
    """`count` outbox jobs that do almost nothing (an acknowledgement for no report)."""

    def setup(tag):
        from dansmarue.jobs import outbox
        from dansmarue.models import db

        for n in range(count):
            outbox.add_job(
                "workers.jobs.notify.send_acknowledgement",
                -n - 1,
                queue="default",
                dedup_key=f"bench:{tag}:{n}",
            )
        db.session.commit()

    return setup


def outbox_ids(tag):
    from sqlalchemy import select

    from dansmarue.models import OutboxJob, db

    return db.session.scalars(
        select(OutboxJob.id).where(OutboxJob.dedup_key.like(f"bench:{tag}:%")).order_by(OutboxJob.id)
    ).all()


def relay_figures(count: int) -> tuple[float, float]:
    """(baseline one-enqueue-per-row seconds, relay_outbox seconds) for `count` rows."""
    from rq import Queue
    from sqlalchemy import delete, select

    from dansmarue.jobs import outbox
    from dansmarue.jobs.queues import get_queue, redis_connection, rq_job_id
    from dansmarue.jobs.relay import relay_outbox
    from dansmarue.models import OutboxJob, db

    connection = redis_connection()
    for n in range(count):
        outbox.add_job(
            "workers.jobs.photos.process_photo", -n - 1, queue="default", dedup_key=f"bench:relay:{n}"
        )
    db.session.commit()
    rows = db.session.scalars(
        select(OutboxJob).where(OutboxJob.dedup_key.like("bench:relay:%")).order_by(OutboxJob.id)
    ).all()
    queue: Queue = get_queue("default", connection)
    start = time.perf_counter()
    for row in rows:  # baseline: one round trip per job
        queue.enqueue("workers.runner.run_outbox_job", row.id, job_id=f"base-{row.id}")
    baseline = time.perf_counter() - start
    queue.empty()
    start = time.perf_counter()
    relayed = relay_outbox()
    ours = time.perf_counter() - start
    assert relayed == count, relayed
    assert queue.count == count and queue.job_ids[0] == rq_job_id(rows[0].id)
    queue.empty()
    db.session.execute(delete(OutboxJob).where(OutboxJob.dedup_key.like("bench:relay:%")))
    db.session.commit()
    return baseline, ours


def cleanup(app, report_ids_before: int, job_ids_before: int):
    from sqlalchemy import delete

    from dansmarue.jobs.queues import all_queues, redis_connection
    from dansmarue.models import OutboxJob, Report, db

    db.session.rollback()
    db.session.execute(delete(OutboxJob).where(OutboxJob.id > job_ids_before))
    db.session.execute(delete(Report).where(Report.id > report_ids_before))
    db.session.commit()
    connection = redis_connection()
    for queue in all_queues(connection):
        queue.empty()
        queue.delete(delete_jobs=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--photos", type=int, default=24, help="photo jobs per case")
    parser.add_argument("--distinct", type=int, default=4, help="distinct synthetic photos")
    parser.add_argument("--relay-rows", type=int, default=2000)
    parser.add_argument("--noop-jobs", type=int, default=200)
    parser.add_argument("--no-write", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args()

    from sqlalchemy import func, select

    from dansmarue.media.imaging import process_photo as pure_process
    from dansmarue.models import OutboxJob, Report, db
    from workers.jobs.photos import process_photo as job_process

    pinning = pin_one_core()
    media_root = tempfile.mkdtemp(prefix="bench-media-")
    app = build_app(media_root)
    print(f"Synthesising {args.distinct} 12 MP photos...", flush=True)
    images = [synth_phone_jpeg(seed) for seed in range(args.distinct)]
    ctx = app.app_context()
    ctx.push()
    marks = (
        db.session.scalar(select(func.coalesce(func.max(Report.id), 0))),
        db.session.scalar(select(func.coalesce(func.max(OutboxJob.id), 0))),
    )
    rows = []
    try:
        _, photo_ids = make_photos(images, args.photos)
        n = len(photo_ids)

        raw_decode(images[0])
        start = time.perf_counter()
        for i in range(n):
            raw_decode(images[i % len(images)])
        raw = time.perf_counter() - start
        rows.append(("raw decode (baseline)", raw))

        start = time.perf_counter()
        for i in range(n):
            pure_process(images[i % len(images)])
        rows.append(("imaging.process_photo, pure (no DB, no files)", time.perf_counter() - start))

        reset(photo_ids)
        start = time.perf_counter()
        for photo_id in photo_ids:
            job_process(photo_id)
        rows.append(("job function called directly (DB + files)", time.perf_counter() - start))
        check_ready(photo_ids)

        ctx.pop()  # jobs must build/push their own context, as in a worker
        ctx = None
        elapsed = run_rq(app, photo_ids, "simple", forking=False)
        rows.append(("outbox → relay → RQ SimpleWorker (in-process)", elapsed))
        elapsed = run_rq(app, photo_ids, "fork", forking=True)
        rows.append(("outbox → relay → `python -m workers.worker` (fork per job)", elapsed))
        noop = []
        for forking in (False, True):
            seconds = run_rq(app, [], f"noop-{forking}", forking, "default", noop_jobs(args.noop_jobs))
            noop.append(1000 * seconds / args.noop_jobs)
        ctx = app.app_context()
        ctx.push()
        check_ready(photo_ids)
        baseline_relay, ours_relay = relay_figures(args.relay_rows)
    finally:
        if ctx is None:
            ctx = app.app_context()
            ctx.push()
        cleanup(app, *marks)
        ctx.pop()
        shutil.rmtree(media_root, ignore_errors=True)

    lines = [
        "| case | photos | seconds | photos/s | ms/photo | time vs raw decode |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, seconds in rows:
        lines.append(
            f"| {name} | {n} | {seconds:.2f} | {n / seconds:.1f} | "
            f"{1000 * seconds / n:.1f} | {seconds / raw:.2f}x |"
        )
    relay_line = (
        f"Relay of {args.relay_rows} outbox rows: {args.relay_rows / ours_relay:,.0f} "
        f"rows/s with relay_outbox (SKIP LOCKED claim + enqueue_many pipeline + "
        f"status update) vs {args.relay_rows / baseline_relay:,.0f} jobs/s for one "
        f"Queue.enqueue per row ({baseline_relay / ours_relay:.1f}x)."
    )
    fork_rate, simple_rate = n / rows[-1][1], n / rows[-2][1]
    fork_overhead = 1000 * (rows[-1][1] - rows[1][1]) / n
    simple_overhead = 1000 * (rows[-2][1] - rows[1][1]) / n
    summary = (
        f"End to end, per core: {fork_rate:.1f} photos/s with `python -m workers.worker` "
        f"(a fork per job isolates the decoder from hostile files; {fork_overhead:.1f} "
        f"ms/photo of queue, fork, DB and file overhead over the pure pipeline), "
        f"{simple_rate:.1f}/s without fork (`--simple`, {simple_overhead:.1f} ms/photo). "
        f"Target >= 12/s: fork {'MET' if fork_rate >= 12 else 'NOT MET'}, "
        f"no fork {'MET' if simple_rate >= 12 else 'NOT MET'}."
    )
    noop_line = (
        f"Per-job cost of the pipeline (outbox bookkeeping + RQ), {args.noop_jobs} "
        f"near-empty jobs: {noop[0]:.1f} ms/job without fork, {noop[1]:.1f} ms/job "
        f"with a fork per job."
    )
    context = (
        f"{cpu_model()}, {pinning}; Python {platform.python_version()}; "
        f"{n} jobs per case over {args.distinct} distinct 4032x3024 q90 JPEGs; "
        f"PostgreSQL and Redis local, in their own processes"
    )
    table = "\n".join(lines)
    load = os.getloadavg()[0]
    context += f"; load average {load:.2f} on {os.cpu_count()} CPUs"
    print(), print(context), print(table), print(summary), print(noop_line), print(relay_line)
    if not args.no_write:
        append_results(
            "photo jobs end to end (bench/bench_photo_jobs.py)",
            f"{context}\n\n{table}\n\n{summary}\n\n{noop_line}\n\n{relay_line}",
        )
        print(f"Appended to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
