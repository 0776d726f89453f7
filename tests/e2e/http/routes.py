"""Every operation the app serves, read from `app.routes`, with a valid example body for those that take one.

A route added later is enumerated automatically; one that takes a body needs an entry in `BODIES`, and the suites
say so by failing on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from litestar import Litestar
from litestar.routes import HTTPRoute

IGNORED_METHODS = {"OPTIONS", "HEAD"}
DOCS_PREFIX = "/schema"
STATIC_PREFIX = "/static"
PUBLIC = {"/healthz", "/readyz"}
OWN_SUITES = {"/metrics", "/v1/models", "/v1/chat/completions", "/v1/billing/checkout", "/v1/billing/portal"}
"""Left to their own suites: `/metrics` has its own token or addresses (test_observability), the OpenAI-compatible
routes answer OpenAI's error shape, not problem+json (tests/e2e/openai), and checkout and portal call the payment
provider (tests/integration/billing)."""
WEB_APP = "promptsaas.entrypoints.web"
"""The web pages (member app and console) answer HTML over cookies; tests/e2e/web covers them."""

BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/v1/auth/register"): {"email": "someone@example.com", "password": "pa55word-long-enough"},
    ("POST", "/v1/auth/login"): {"email": "someone@example.com", "password": "pa55word-long-enough"},
    ("POST", "/v1/auth/refresh"): {"refresh_token": "not-a-refresh-token"},
    ("POST", "/v1/auth/logout"): {"refresh_token": "not-a-refresh-token"},
    ("POST", "/v1/auth/oauth/{provider}"): {"id_token": "not-an-id-token"},
    ("POST", "/v1/me/api-keys"): {"name": "probe"},
    ("PUT", "/v1/me/provider-keys/{provider}"): {"api_key": "sk-probe-0123456789"},
    ("POST", "/v1/agents/{slug}/runs"): {"input": "hello"},
    ("POST", "/v1/admin/agents"): {"slug": "probe-agent", "name": "Probe"},
    ("PATCH", "/v1/admin/agents/{slug}"): {"name": "Renamed"},
    ("POST", "/v1/admin/agents/{slug}/versions"): {"system": "Be brief.", "model": "offline:echo"},
    ("POST", "/v1/admin/plans"): {"code": "probe-plan", "name": "Probe plan"},
    ("PATCH", "/v1/admin/plans/{code}"): {"name": "Renamed"},
    ("PUT", "/v1/admin/catalog"): {"agents": []},
    ("PUT", "/v1/admin/models/{model_id}"): {"input_usd_per_mtok": 1.0, "output_usd_per_mtok": 2.0},
    ("PATCH", "/v1/admin/users/{user_id}"): {"status": "active"},
    ("POST", "/v1/admin/subscriptions"): {"email": "someone@example.com", "plan": "pro"},
    ("POST", "/v1/auth/verify-email"): {"token": "not-a-link-token"},
    ("POST", "/v1/auth/forgot-password"): {"email": "someone@example.com"},
    ("POST", "/v1/auth/reset-password"): {"token": "not-a-link-token", "password": "pa55word-long-enough"},
    ("POST", "/v1/me/password"): {"current_password": "pa55word-long-enough", "new_password": "pa55word-longer-still"},
    ("POST", "/v1/admin/invites"): {"email": "probe-invite@example.com"},
    ("PUT", "/v1/admin/signup-mode"): {"mode": "open"},
    ("PUT", "/v1/admin/billing/stripe"): {"secret_key": "sk_test_probe", "webhook_secret": "whsec_probe"},
    ("PUT", "/v1/admin/channels/telegram"): {"bot_token": "123456:probe-token"},
    ("PUT", "/v1/admin/channels/whatsapp"): {
        "phone_number_id": "1234567890",
        "access_token": "probe-access-token",
        "app_secret": "probe-app-secret",
        "verify_token": "probe-verify-token",
    },
    ("POST", "/v1/billing/checkout"): {"plan": "pro", "interval": "month"},
    ("POST", "/v1/chat/completions"): {"model": "tutor", "messages": [{"role": "user", "content": "hello"}]},
    ("POST", "/v1/me/link"): {"code": "not-a-link-code"},
}


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    """The path with `{name}` placeholders, as the OpenAPI document writes it."""
    takes_body: bool

    @property
    def params(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.template)

    @property
    def admin(self) -> bool:
        return self.template.startswith("/v1/admin")

    @property
    def anonymous(self) -> bool:
        """Sign-in routes, health, and webhooks (their credential is the provider's signature or secret)."""
        return self.template.startswith(("/v1/auth/", "/v1/webhooks/")) or self.template in PUBLIC

    def path(self, values: dict[str, str]) -> str:
        return re.sub(r"{(\w+)}", lambda m: values[m.group(1)], self.template)

    def body(self) -> dict[str, Any] | None:
        if not self.takes_body:
            return None
        example = BODIES.get((self.method, self.template))
        assert example is not None, f"add an example body for {self} to tests/e2e/http/routes.py"
        return dict(example)

    def __str__(self) -> str:
        return f"{self.method} {self.template}"


def operations(app: Litestar) -> list[Operation]:
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith((DOCS_PREFIX, STATIC_PREFIX)):
            continue
        if route.path_format in OWN_SUITES:
            continue
        for method, (handler, _) in route.route_handler_map.items():
            if method in IGNORED_METHODS or handler.fn.__module__.startswith(WEB_APP):
                continue
            takes_body = "data" in handler.parsed_fn_signature.parameters
            found.append(Operation(method, route.path_format, takes_body))
    return sorted(found, key=lambda o: (o.template, o.method))


def tenant_scoped(app: Litestar) -> list[Operation]:
    """Operations whose tenant comes from the credential (every member and admin route)."""
    return [o for o in operations(app) if not o.anonymous]
