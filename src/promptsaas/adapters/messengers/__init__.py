"""Messenger adapters: each implements its messenger's port in `application.ports`."""
