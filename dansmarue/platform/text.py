"""Text received from residents and clients, made safe to store and show."""

import hmac
import re
import unicodedata

# Bidirectional overrides can disguise text; NUL cannot be stored at all.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def clean_text(value: str, *, multiline: bool) -> str:
    """Drop control characters (keeping newlines if `multiline`) and trim."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    keep = "\n" if multiline else ""
    value = "".join(ch for ch in value if ch in keep or unicodedata.category(ch) not in ("Cc", "Cs"))
    value = _BIDI.sub("", value)
    if not multiline:
        value = " ".join(value.split())
    return value.strip()


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable_text(value: str) -> str:
    """Only what PostgreSQL cannot store removed (NUL, lone surrogates), trimmed.

    The resident API cleans more (clean_text); other channels keep their text
    as sent and escape it on output.
    """
    return _UNSTORABLE.sub("", value).strip()


# One plain address (ASCII, as SMTP without SMTPUTF8 takes it): no display
# name, no list ("a@x, b@y" would mail both), no space, CR or LF (header
# injection, and a job failing every retry).
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDRESS = re.compile(rf"[A-Za-z0-9.!#$%&'*+/=?^_`{{|}}~-]{{1,64}}@{_LABEL}(?:\.{_LABEL})+")


def same_secret(sent: str | None, expected: str) -> bool:
    """Whether a client's token is the expected secret, in constant time, for
    any text sent (hmac.compare_digest refuses non-ASCII str with a TypeError,
    and a lone surrogate cannot be encoded strictly)."""
    return hmac.compare_digest(
        (sent or "").encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    )


def is_mail_address(value: str) -> bool:
    return len(value) <= 254 and _ADDRESS.fullmatch(value) is not None
