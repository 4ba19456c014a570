"""Rejection raised when an upload is not an acceptable photo."""

from __future__ import annotations

NOT_AN_IMAGE = "not_an_image"
TOO_LARGE = "too_large"
DECOMPRESSION_BOMB = "decompression_bomb"
TRUNCATED = "truncated"
UNSUPPORTED_TYPE = "unsupported_type"

# Shown to residents as-is, hence French and free of technical jargon.
_DEFAULT_REASONS = {
    NOT_AN_IMAGE: "Le fichier n'est pas une image JPEG, PNG, WebP ou HEIC.",
    TOO_LARGE: "La photo est trop lourde.",
    DECOMPRESSION_BOMB: "L'image est trop grande (trop de pixels).",
    TRUNCATED: "Le fichier image est incomplet ou endommagé.",
    UNSUPPORTED_TYPE: "Ce format d'image n'est pas accepté : envoyez une photo JPEG, PNG, WebP ou HEIC.",
}

CODES = frozenset(_DEFAULT_REASONS)


class ImageRejected(Exception):
    """An upload refused before anything is stored.

    ``code`` is stable and meant for machines (API error bodies, metrics),
    ``reason`` is a short French message for residents and ``detail`` is an
    English hint for logs only (never shown to users).
    """

    def __init__(self, code: str, reason: str | None = None, *, detail: str | None = None):
        if code not in CODES:
            raise ValueError(f"unknown rejection code: {code!r}")
        self.code = code
        self.reason = reason or _DEFAULT_REASONS[code]
        self.detail = detail
        super().__init__(f"{code}: {detail or self.reason}")

    def field_error(self, key: str, **extra: str) -> dict:
        """The one field-error shape of a refused photo (every channel): its
        domain key, the French reason and the stable code."""
        return {"field": key, "message": self.reason, "code": self.code, **extra}
