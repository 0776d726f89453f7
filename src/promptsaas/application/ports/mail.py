"""Sending mail: verification, password reset and invite links reach their owner only this way."""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Mail:
    to: str
    subject: str
    text: str


class MailNotSent(Exception):
    """The mail server refused or could not be reached; the message names no secret."""


class Mailer(Protocol):
    @abstractmethod
    async def send(self, mail: Mail) -> None:
        """Hand the mail to the mail server; `MailNotSent` when it cannot."""
