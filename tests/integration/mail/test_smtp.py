"""The SMTP mailer against a real SMTP server on loopback (aiosmtpd): the mail arrives as sent, a refused or absent
server is `MailNotSent` naming no password, and `PROMPTSAAS_SMTP_URL` is read as documented."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword

from promptsaas.adapters.mail.smtp import SmtpMailer, SmtpServer, smtp_server
from promptsaas.application.ports.mail import Mail, MailNotSent

SECRET = "s3cret-smtp-pa55"


class Inbox:
    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and data.login == b"mailer" and data.password == SECRET.encode()
    return AuthResult(success=ok)


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=authenticator, auth_require_tls=False)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


async def test_a_mail_reaches_the_server_with_its_sender_subject_and_text(inbox: tuple[Inbox, int]) -> None:
    box, port = inbox
    server = smtp_server(f"smtp://mailer:{SECRET}@127.0.0.1:{port}")
    mailer = SmtpMailer(server, "Acme <no-reply@acme.example>")

    await mailer.send(Mail("ann@example.com", "Confirm your email address", "open https://app/verify?token=abc"))

    (envelope,) = box.envelopes
    message = message_from_bytes(envelope.original_content or b"")
    assert envelope.rcpt_tos == ["ann@example.com"]
    assert (message["From"], message["Subject"]) == ("Acme <no-reply@acme.example>", "Confirm your email address")
    assert "https://app/verify?token=abc" in message.get_payload()


async def test_a_refused_login_is_mail_not_sent_without_the_password(inbox: tuple[Inbox, int]) -> None:
    box, port = inbox
    mailer = SmtpMailer(smtp_server(f"smtp://mailer:wrong-pa55@127.0.0.1:{port}"), "no-reply@acme.example")

    with pytest.raises(MailNotSent) as refused:
        await mailer.send(Mail("ann@example.com", "Hello", "text"))

    assert "wrong-pa55" not in str(refused.value)
    assert box.envelopes == []


async def test_an_unreachable_server_is_mail_not_sent() -> None:
    mailer = SmtpMailer(SmtpServer("127.0.0.1", free_port(), False), "no-reply@acme.example", timeout=2)

    with pytest.raises(MailNotSent):
        await mailer.send(Mail("ann@example.com", "Hello", "text"))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example:2525", SmtpServer("mail.example", 2525, False)),
        ("smtps://u%40x:p%3Aw@mail.example", SmtpServer("mail.example", 465, True, "u@x", "p:w")),
        ("smtp://mail.example", SmtpServer("mail.example", 587, False)),
    ],
)
def test_the_smtp_url_names_host_port_tls_and_login(url: str, expected: SmtpServer) -> None:
    assert smtp_server(url) == expected


@pytest.mark.parametrize("url", ["http://mail.example", "smtp://", "smtp://host:notaport"])
def test_a_malformed_smtp_url_is_refused_without_echoing_it(url: str) -> None:
    with pytest.raises(ValueError, match="PROMPTSAAS_SMTP_URL") as refused:
        smtp_server(url + "?x=" + SECRET)
    assert SECRET not in str(refused.value)
