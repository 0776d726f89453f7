"""Use cases of promptsaas, one module per area; `ports` holds the interfaces adapters implement."""
