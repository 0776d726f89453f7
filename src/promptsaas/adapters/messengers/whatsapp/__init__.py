"""The WhatsApp Cloud API (Meta's Graph API) over httpx."""
