"""Authentication: passwords and sign-up, sessions (access and refresh tokens), API keys, OAuth sign-in."""
