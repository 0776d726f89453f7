"""Payment providers: Stripe, manual grants (and Telegram Stars), each implementing `ports.payments`."""
