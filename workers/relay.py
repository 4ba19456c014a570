"""Relay process: ``python -m workers.relay [--catch-up SECONDS]``.

Moves committed outbox rows to RQ within milliseconds of their commit,
woken by PostgreSQL's NOTIFY (`dansmarue.jobs.wakeup`); `make run` starts it
when OUTBOX_RELAY=process (the default). Ctrl-C / SIGTERM stop it within a
second. Any number may run: the rows are claimed with SKIP LOCKED.
"""

import argparse
import logging
import os
import signal
import sys
import threading

from dansmarue.jobs.context import get_app
from dansmarue.jobs.wakeup import RelayLoop, listen_dsn
from dansmarue.platform import logs

log = logging.getLogger("workers.relay")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workers.relay")
    parser.add_argument("--catch-up", type=float, default=None, help="seconds between catch-up rounds")
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    logs.configure(args.log_level, os.environ.get("LOG_FORMAT", "json"))
    app = get_app()
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    catch_up = args.catch_up if args.catch_up is not None else app.config["OUTBOX_RELAY_CATCHUP"]
    loop = RelayLoop(listen_dsn(app.config["SQLALCHEMY_DATABASE_URI"]), catch_up=catch_up)
    with app.app_context():
        loop.run(stop)
    log.info("relay stopped (%d job(s) relayed, rounds %s)", loop.relayed, loop.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
