"""A local SMTP sink for development (#14.5): what the app sends lands in a
Maildir that /dev/mails shows, so a newcomer sees the e-mails without a relay.

`make run` starts it when no SMTP_HOST is given:
    python -m dansmarue.devtools.mailsink --port 1025 --dir .run/mails
"""

import argparse
import mailbox
import signal
import threading
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP, Envelope
    from aiosmtpd.smtp import Session as SMTPSession

KEEP = 500  # newest messages kept; a development sink must not fill the disk
# What email.message_from_bytes(raw, policy=policy.default) does, typed as EmailMessage.
_PARSER = BytesParser(EmailMessage, policy=policy.default)


class MaildirHandler:
    """aiosmtpd handler: each accepted message becomes one Maildir file."""

    def __init__(self, folder: str | Path) -> None:
        self.box = mailbox.Maildir(str(folder), create=True)

    async def handle_DATA(self, server: "SMTP", session: "SMTPSession", envelope: "Envelope") -> str:
        raw = envelope.original_content or envelope.content
        assert isinstance(raw, bytes)  # the Controller keeps decode_data off: the bytes received
        message = _PARSER.parsebytes(raw)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.box.add(message)
        _trim(self.box)
        return "250 OK"


def _trim(box: mailbox.Maildir) -> None:
    keys = sorted(box.keys())
    for key in keys[:-KEEP]:
        box.discard(key)


@dataclass(frozen=True)
class CaughtMail:
    key: str
    to: str
    subject: str
    sent_at: datetime | None
    text: str
    html: str
    attachments: list[str]


def caught(folder: str | Path) -> list[CaughtMail]:
    """The caught messages, newest first."""
    box = mailbox.Maildir(str(folder), create=True)
    mails = [_read(key, box.get_bytes(key)) for key in box.keys()]  # noqa: SIM118 (a Maildir iterates over messages)
    return sorted(mails, key=lambda m: (m.sent_at is not None, m.sent_at, m.key), reverse=True)


def one(folder: str | Path, key: str) -> CaughtMail | None:
    box = mailbox.Maildir(str(folder), create=True)
    try:
        return _read(key, box.get_bytes(key))
    except KeyError:
        return None


def _read(key: str, raw: bytes) -> CaughtMail:
    message = _PARSER.parsebytes(raw)
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    try:
        sent_at = parsedate_to_datetime(message["Date"]) if message["Date"] else None
    except (TypeError, ValueError):
        sent_at = None
    return CaughtMail(
        key=key,
        to=str(message.get("X-Envelope-To") or message.get("To") or ""),
        subject=str(message.get("Subject") or ""),
        sent_at=sent_at,
        text=text.get_content() if text else "",
        html=html.get_content() if html else "",
        attachments=[part.get_filename() or part.get_content_type() for part in message.iter_attachments()],
    )


def serve(folder: str | Path, host: str = "127.0.0.1", port: int = 1025) -> "Controller":
    """Start the sink in a background thread; returns the aiosmtpd Controller."""
    from aiosmtpd.controller import Controller

    controller = Controller(MaildirHandler(folder), hostname=host, port=port)
    controller.start()
    return controller


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Local SMTP sink for development")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--dir", default=".run/mails")
    args = parser.parse_args(argv)
    controller = serve(args.dir, args.host, args.port)
    print(f"[mailsink] SMTP on {args.host}:{controller.port}, messages in {args.dir}", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
