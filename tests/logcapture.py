"""Every log line the suite writes, formatted as production formats them, so a
last test can check that none holds personal data (#14.2)."""

import logging

from dansmarue.platform import logs

LINES: list[str] = []
# aiosmtpd's own server log: the tests' fake SMTP relay and the development
# sink, which stand for the city's mail relay, not for this app's logs.
FOREIGN = ("mail.log",)


class CollectingHandler(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.setFormatter(logs.JsonFormatter())

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(FOREIGN):
            return
        try:
            LINES.append(self.format(record))
        except Exception:  # a broken record must not break the test it logs in
            self.handleError(record)
