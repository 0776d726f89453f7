"""The HTTP shell: a Litestar app serving members (web, mobile), public API clients and tenant admins."""
