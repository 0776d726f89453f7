"""Stripe through the official SDK (`StripeClient`, async methods under `client.v1`)."""

from promptsaas.adapters.payments.stripe.provider import StripePayments

__all__ = ["StripePayments"]
