"""Jobs: the durable pipeline from a committed change to an RQ worker.

Owns the job registry (every job declared once: function, queue, retries,
timeout, idempotency key), the transactional outbox, the relay to RQ (the relay
process woken by NOTIFY, `wakeup`; after commit with OUTBOX_RELAY=after_commit;
and from the scheduler), queue names and retry policy, and the
`flask jobs` administration. The job functions themselves are thin wrappers
in `workers/jobs` named by the registry (strings: dansmarue never imports workers).
May import: platform and the foundations.
"""
