"""The channels an agent answers on."""

from enum import StrEnum


class Channel(StrEnum):
    WEB = "web"
    MOBILE = "mobile"
    API = "api"
    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"
    LIBRARY = "library"
    CLI = "cli"
