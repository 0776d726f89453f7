"""The mailer from settings: SMTP when `PROMPTSAAS_SMTP_URL` is set, else the console in development and no mail
(with a warning per mail) in production. Built on first use, so aiosmtplib loads only when a mail goes out."""

from __future__ import annotations

from promptsaas.application.ports.mail import Mailer


def mailer(smtp_url: str | None, sender: str, *, production: bool) -> Mailer:
    if smtp_url:
        from promptsaas.adapters.mail.smtp import SmtpMailer, smtp_server

        return SmtpMailer(smtp_server(smtp_url), sender)
    from promptsaas.adapters.mail.console import ConsoleMailer, NoMailer

    return NoMailer() if production else ConsoleMailer()
