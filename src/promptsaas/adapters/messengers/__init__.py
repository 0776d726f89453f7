"""Messenger adapters: each implements `application.ports.messenger.Messenger` for one chat app."""
