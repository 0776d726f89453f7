"""In-memory persistence: fast unit tests and the `Platform.in_memory()` library mode."""
