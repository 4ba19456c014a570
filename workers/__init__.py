"""Process entry points and thin job wrappers; the logic lives in `dansmarue`.

- `worker`: ``python -m workers.worker`` (queues in `dansmarue.jobs.registry.QUEUES`).
- `scheduler` / `schedule`: periodic jobs as data, one run per slot.
- `relay`: ``python -m workers.relay``, the outbox relay woken by PostgreSQL NOTIFY.
- `runner.run_outbox_job`: the wrapper every outbox job runs in (status,
  retries with backoff, dead letters); `flask jobs status|dead|replay|relay`.
- `jobs.*`: one thin wrapper per job declared in `dansmarue.jobs.registry`
  (photos, dispatch, notify, sla, maintenance).

`workers` depends on `dansmarue`, never the reverse. Importing this package
builds nothing; `dansmarue.jobs.context.get_app()` builds the Flask app once
per process when a job or an entry point needs it.
"""
