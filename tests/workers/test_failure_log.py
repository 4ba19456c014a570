"""A failed attempt logs one line with its reason and retry time, no traceback (#19.14)."""

import logging

from rq import Queue, Retry

from workers.worker import DansMaRueSimpleWorker


def refuse_mail(address):
    raise ConnectionRefusedError(f"[Errno 111] Connection refused ({address})")


class Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


def test_one_line_per_failed_attempt(redis_conn):
    queue = Queue("failure-log-test", connection=redis_conn)
    queue.enqueue(refuse_mail, "smtp:25", retry=Retry(max=1, interval=600))
    caught, logger = Records(), logging.getLogger("rq.worker")
    logger.addHandler(caught)
    # alembic's fileConfig (run by the test set-up) disables loggers made before it.
    disabled, logger.disabled = logger.disabled, False
    try:
        DansMaRueSimpleWorker([queue], connection=redis_conn).work(burst=True, with_scheduler=False)
    finally:
        logger.removeHandler(caught)
        logger.disabled = disabled
    failures = [r for r in caught.records if "failed:" in r.getMessage()]
    assert len(failures) == 1
    line = failures[0].getMessage()
    assert "Connection refused" in line and "retry at " in line and "\n" not in line
    assert not any("Traceback" in r.getMessage() for r in caught.records)
    queue.empty()
