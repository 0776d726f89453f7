"""The `promptsaas` console script's entry point. It imports the CLI only when it runs: `serve --workers N` starts
each worker as a fresh interpreter (multiprocessing's spawn), which imports the script's own module again, and a
worker needs none of the CLI (typer, click, rich)."""

from __future__ import annotations


def run() -> None:
    """Run the CLI."""
    from promptsaas.entrypoints.cli.main import run as cli

    cli()
