"""Mail over SMTP (aiosmtplib), configured by one URL: `smtp://user:password@host:587` (STARTTLS whenever the
server offers it) or `smtps://user:password@host:465` (TLS from the first byte); `?from=` is not read here."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from promptsaas.application.ports.mail import Mail, Mailer, MailNotSent

SCHEMES = {"smtp": 587, "smtps": 465}
TIMEOUT_SECONDS = 15.0


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    implicit_tls: bool
    username: str | None = None
    password: str | None = field(default=None, repr=False)


def smtp_server(url: str) -> SmtpServer:
    """The server an `smtp://` or `smtps://` URL names; `ValueError` naming what is wrong (never the password)."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise ValueError("PROMPTSAAS_SMTP_URL must look like smtp://user:password@host:587 or smtps://host:465")
    try:
        port = parts.port or SCHEMES[parts.scheme]
    except ValueError:
        raise ValueError("PROMPTSAAS_SMTP_URL has a port that is not a number") from None
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    return SmtpServer(parts.hostname, port, parts.scheme == "smtps", username, password)


class SmtpMailer(Mailer):
    def __init__(self, server: SmtpServer, sender: str, timeout: float = TIMEOUT_SECONDS) -> None:
        self._server = server
        self._sender = sender
        self._timeout = timeout

    async def send(self, mail: Mail) -> None:
        import aiosmtplib

        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = mail.to
        message["Subject"] = mail.subject
        message.set_content(mail.text)
        server = self._server
        try:
            await aiosmtplib.send(
                message,
                hostname=server.host,
                port=server.port,
                username=server.username,
                password=server.password,
                use_tls=server.implicit_tls,
                timeout=self._timeout,
            )
        except (aiosmtplib.SMTPException, OSError) as error:
            code = getattr(error, "code", None)
            raise MailNotSent(
                f"{server.host}:{server.port} refused or failed ({type(error).__name__} {code or ''})"
            ) from None
