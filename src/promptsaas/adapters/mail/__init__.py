"""Mail adapters: SMTP for real delivery, the console for development, and a refusal when none is configured."""
