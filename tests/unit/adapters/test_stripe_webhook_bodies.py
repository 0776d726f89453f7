"""The Stripe adapter's reading of a webhook: a bad signature is `webhook_signature_invalid`, a well signed body that
is not a Stripe event (not an object, no string `id` or `type`, a list where an object goes) is `webhook_invalid`."""

from __future__ import annotations

import time

import pytest
import stripe

from promptsaas.adapters.payments.stripe import StripePayments
from promptsaas.application.ports.payments import ProviderCredentials
from promptsaas.domain.billing import WebhookRejected

SECRET = "whsec_unit"
CREDENTIALS = ProviderCredentials("sk_test_unit", SECRET)


def signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    return {
        "stripe-signature": stripe.WebhookSignature.generate_signature_header(body.decode(), secret, int(time.time()))
    }


@pytest.mark.parametrize(
    "body",
    [
        b"[1,2]",
        b'"str"',
        b"null",
        b"{}",
        b'{"id": 5, "type": "invoice.paid"}',
        b'{"id": "evt_1", "type": ["invoice.paid"]}',
        b'{"id": "evt_1", "type": "invoice.paid", "data": {"object": "in_1"}}',
        b'{"id": "evt_1", "type": "invoice.paid", "data": {"object": {"id": "in_1", "lines": [1]}}}',
        b'{"id": "' + b"e" * 256 + b'", "type": "invoice.paid"}',
    ],
)
def test_a_signed_body_that_is_not_a_stripe_event_is_invalid_not_badly_signed(body: bytes) -> None:
    with pytest.raises(WebhookRejected) as refused:
        StripePayments().parse_webhook(CREDENTIALS, body, signed(body))
    assert refused.value.code == "webhook_invalid"
    assert "not a Stripe event" in refused.value.message
    assert "object has no attribute" not in refused.value.message  # no Python internals in an error body


def test_a_bad_signature_stays_webhook_signature_invalid() -> None:
    body = b'{"id": "evt_1", "type": "invoice.paid"}'
    with pytest.raises(WebhookRejected) as refused:
        StripePayments().parse_webhook(CREDENTIALS, body, signed(body, "whsec_other"))
    assert refused.value.code == "webhook_signature_invalid"


def test_a_signed_event_of_a_type_the_platform_ignores_is_read() -> None:
    body = b'{"id": "evt_1", "type": "customer.created", "created": 1700000000, "data": {"object": {"id": "cus_1"}}}'
    event = StripePayments().parse_webhook(CREDENTIALS, body, signed(body))
    assert (event.event_id, event.type, event.change) == ("evt_1", "customer.created", None)
