"""The largest values the platform stores: each fits its column and leaves a run arithmetic that cannot overflow.

Every shell's schema (HTTP, catalog document) refuses a value past these, so nothing is stored that a run cannot use.
"""

from __future__ import annotations

MAX_COUNT = 2**63 - 1
"""A limit's amount, a price in minor units: a signed 64-bit column."""
MAX_USD_PER_MTOK = 100_000
"""A model price in USD per million tokens (today's dearest models are below 1,000)."""
MAX_CONTEXT_WINDOW = 100_000_000
"""Tokens a model reads at most."""
MAX_DAYS = 36_500
"""Retention, trial and subscription days: a hundred years, so a date plus them stays a date."""
MAX_PRIORITY = 1_000_000
"""A plan's priority, either sign: a 32-bit column."""
MAX_VERSION = 2**31 - 1
"""A prompt version's number: a 32-bit column."""
