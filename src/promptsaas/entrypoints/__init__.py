"""Shells over the application: the composition root, the embeddable library, and (later) HTTP, bot and CLI."""
