"""The operator CLI `promptsaas` (typer): a thin shell over the library, one module per command group."""
