"""The security adapters' defaults, apart from the libraries that use them, so settings can name them cheaply."""

OWASP_MEMORY_KIB = 19 * 1024
"""argon2id memory cost (KiB): OWASP's minimum recommendation, m=19 MiB."""
OWASP_TIME_COST = 2
"""argon2id iterations: OWASP's minimum recommendation, t=2."""
GOOGLE_JWKS_URL = "https://www.googleapis.com/oauth2/v3/certs"
APPLE_JWKS_URL = "https://appleid.apple.com/auth/keys"
GOOGLE_AUTHORIZE_URL = "https://accounts.google.com/o/oauth2/v2/auth"
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
APPLE_AUTHORIZE_URL = "https://appleid.apple.com/auth/authorize"
APPLE_TOKEN_URL = "https://appleid.apple.com/auth/token"
