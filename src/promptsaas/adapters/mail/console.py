"""Mail for development (printed to the server's console, links and all) and for a production without a mail
server (dropped with a warning that names no link, since a log is no place for a reset link)."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from promptsaas.application.ports.mail import Mail, Mailer, MailNotSent

log = logging.getLogger("promptsaas.mail")


class ConsoleMailer(Mailer):
    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    async def send(self, mail: Mail) -> None:
        stream = self._stream or sys.stderr
        stream.write(f"--- mail to {mail.to}: {mail.subject}\n{mail.text}\n---\n")
        stream.flush()


class NoMailer(Mailer):
    async def send(self, mail: Mail) -> None:
        raise MailNotSent("PROMPTSAAS_SMTP_URL is not set, so no mail leaves this server")
