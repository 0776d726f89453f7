"""Adapters: implementations of `application.ports` for the outside world."""
