"""Ports: the `typing.Protocol` interfaces the application needs from the outside world."""
