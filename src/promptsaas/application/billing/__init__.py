"""Billing: subscription state changes from every payment provider. Never references prompts, templates or models."""
