"""Job functions: module-level functions of ids, idempotent, enqueued via the outbox."""
