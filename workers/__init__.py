"""Background work: the outbox relay, RQ jobs, the worker and the scheduler.

- `relay`: pending outbox rows → RQ (`python -m workers.scheduler` every 3 s,
  and `autorelay` right after commits when OUTBOX_AUTO_RELAY is on).
- `runner.run_outbox_job`: the wrapper of every outbox job (status, retries
  with backoff, dead letters); `flask jobs status|dead|replay|relay`.
- `worker`: ``python -m workers.worker`` (queues in `queues.QUEUES`).
- `schedule` / `scheduler`: periodic jobs as data, one run per slot.
- `jobs.*`: photos, dispatch, notify, maintenance (and sla, by the Delays issue).
- `notify`: channels (e-mail, push web hook) and once-only delivery.

Importing this package builds nothing; `workers.app.get_app()` builds the
Flask app once per process when a job or an entry point needs it.
"""
