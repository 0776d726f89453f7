"""What an operator sees of the HTTP shell: request ids, the access line, metrics, the `/metrics` route."""
