"""What every messenger shares: the person behind a chat, its commands and conversation turn, and account links.

`service.ChannelService` is the one entry a messenger shell calls; `wording` says its answers in plain sentences.
"""

from promptsaas.application.channels.linking import IssuedCode, Linked, LinkService
from promptsaas.application.channels.people import People, Person
from promptsaas.application.channels.service import ChannelService

__all__ = ["ChannelService", "IssuedCode", "LinkService", "Linked", "People", "Person"]
