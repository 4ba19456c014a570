"""Channels behind one interface: e-mail over SMTP, push over a web hook."""

import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol

import requests


@dataclass(frozen=True)
class Message:
    recipient: str  # an e-mail address, or a push token
    subject: str
    text: str
    html: str | None = None
    data: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)  # extra mail headers (List-Unsubscribe…)


class Channel(Protocol):
    name: str

    def send(self, message: Message) -> None:
        """Deliver or raise; raising lets the job retry later."""


class EmailChannel:
    name = "email"

    def __init__(
        self, host: str, port: int, sender: str, timeout: float = 10, message_id_domain: str = "localhost"
    ):
        self.host, self.port, self.sender, self.timeout = host, port, sender, timeout
        self.message_id_domain = message_id_domain

    def send(self, message: Message) -> None:
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = message.recipient
        mail["Subject"] = message.subject
        # Spam filters score down a mail without Date: or with a Message-ID of a foreign domain.
        mail["Date"] = formatdate(localtime=False, usegmt=True)
        mail["Message-ID"] = make_msgid(domain=self.message_id_domain)
        mail["Auto-Submitted"] = "auto-generated"
        for name, value in message.headers.items():
            mail[name] = value
        mail.set_content(message.text)
        if message.html:
            mail.add_alternative(message.html, subtype="html")
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            smtp.send_message(mail)


class WebhookChannel:
    """Push notifications through a gateway web hook (e.g. an FCM/APNs relay)."""

    name = "push"

    def __init__(self, url: str, timeout: float = 5):
        self.url, self.timeout = url, timeout

    def send(self, message: Message) -> None:
        response = requests.post(
            self.url,
            json={
                "to": message.recipient,
                "title": message.subject,
                "body": message.text,
                "data": message.data,
            },
            timeout=self.timeout,
        )
        response.raise_for_status()
