"""Security adapters: password hashing (and, with the HTTP shell, tokens and ciphers)."""
