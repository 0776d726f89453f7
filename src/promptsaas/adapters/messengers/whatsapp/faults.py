"""Graph API error bodies as the port's typed faults: which are worth another try, and none naming a token."""

from __future__ import annotations

from typing import Any

from promptsaas.application.ports.whatsapp import (
    OutsideWindow,
    WhatsAppRateLimited,
    WhatsAppRejected,
    WhatsAppSendFailed,
    WhatsAppTokenExpired,
)

RATE_LIMIT_CODES = frozenset({4, 80007, 130429, 131048, 131056, 613})
"""App, account, throughput, spam and pair rate limits: wait and try again."""
TOKEN_CODES = frozenset({190})
OUTSIDE_WINDOW = 131047
DETAIL_CHARS = 200


def fault_from(status: int, body: Any) -> WhatsAppSendFailed:
    """The fault for an error response: Meta's `error.code` decides, else the HTTP status."""
    error = body.get("error") if isinstance(body, dict) else None
    error = error if isinstance(error, dict) else {}
    code = error.get("code") if isinstance(error.get("code"), int) else None
    title = str(error.get("error_user_title") or error.get("message") or f"HTTP {status}")[:DETAIL_CHARS]
    text = f"WhatsApp refused the call ({code or status}): {title}"
    if code == OUTSIDE_WINDOW:
        return OutsideWindow(
            f"WhatsApp refused the message (131047): more than 24 hours since the person last wrote, {title}",
            graph_code=code,
        )
    if code in TOKEN_CODES or status == 401:
        return WhatsAppTokenExpired(f"WhatsApp refused the access token ({code or status}): {title}", graph_code=code)
    if code in RATE_LIMIT_CODES or status == 429:
        return WhatsAppRateLimited(
            f"WhatsApp is rate-limiting this number ({code or status}): {title}", graph_code=code
        )
    if status >= 500:
        return WhatsAppSendFailed(text, graph_code=code)
    return WhatsAppRejected(text, graph_code=code)
