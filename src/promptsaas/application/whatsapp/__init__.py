"""The WhatsApp channel: the tenant's number settings, the signed webhook's inbox, and answering each message once."""
