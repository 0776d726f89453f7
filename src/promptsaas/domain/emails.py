"""Email addresses normalised once, so two spellings of one mailbox (or a look-alike of it) never make two accounts.

NFKC folds fullwidth and compatibility forms, invisible characters are removed, the domain is lowercased, loses a
trailing dot and is stored in its ASCII (IDNA) form, and a part that mixes scripts (a Cyrillic `е` among Latin
letters) is refused rather than stored beside the address it imitates; so is any control character (NUL among them).
"""

from __future__ import annotations

import re
import unicodedata

from promptsaas.domain.errors import InvalidInput

MAX_EMAIL = 254
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u034f\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\ufeff"))
CONTROL = frozenset({"Cc", "Cf", "Cs", "Co"})
"""Control, format, surrogate and private-use characters: no mailbox has one, and NUL cannot even be stored."""
LOCAL = re.compile(r"^[^@\s\"(),:;<>\[\\\]]{1,64}\Z")
LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)\Z")


def normalize_email(email: str) -> str:
    """The one stored form of an address; `InvalidInput` (field `email`) for anything that is not an address."""
    text = unicodedata.normalize("NFKC", email).translate(INVISIBLE).strip().lower()
    if any(unicodedata.category(ch) in CONTROL for ch in text):
        raise InvalidInput("an email address must not contain a control character", field="email")
    local, at, domain = text.rpartition("@")
    if not at or not LOCAL.match(local) or "@" in local:
        raise _invalid(email)
    domain = domain.rstrip(".")
    if _mixes_scripts(local) or any(_mixes_scripts(label) for label in domain.split(".")):
        raise InvalidInput(f"{email!r} mixes alphabets, as look-alike addresses do", field="email")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise _invalid(email) from None
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(LABEL.match(label) for label in labels):
        raise _invalid(email)
    normalized = f"{local}@{ascii_domain}"
    if len(normalized) > MAX_EMAIL:
        raise _invalid(email)
    return normalized


def _mixes_scripts(part: str) -> bool:
    """True when the letters of `part` come from more than one script (Latin, Cyrillic, Greek, ...)."""
    scripts = {unicodedata.name(ch, "?").split(" ")[0] for ch in part if ch.isalpha()}
    return len(scripts) > 1


def _invalid(email: str) -> InvalidInput:
    return InvalidInput(f"{email[:80]!r} is not an email address", field="email")
