"""Runs last (pytest collects tests/ in name order): no log line written during
the suite holds an e-mail address, a password or a secret token (#14.2)."""

import re

from tests.logcapture import LINES

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
# The only address a line may name: the app's own sender, which is no one's.
SENDER = {"noreply@dansmarue.local"}
# secrets.token_urlsafe(32): API tokens, CSRF tokens, photo access keys.
TOKEN = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")
WORDS = re.compile(r"Bearer\s+\S|password[\"']?\s*[:=]", re.IGNORECASE)


def test_the_log_lines_hold_no_personal_data(client):
    client.post("/api/v1/auth/login", json={"email": "nobody@example.org", "password": "wrong-one"})
    assert LINES, "the suite's log lines were not captured"
    leaks = []
    for line in LINES:
        addresses = {m.group(0) for m in EMAIL.finditer(line)} - SENDER
        if addresses or TOKEN.search(line) or WORDS.search(line):
            leaks.append(line)
    assert not leaks, f"{len(leaks)} log lines hold personal data, e.g. {leaks[:3]}"
