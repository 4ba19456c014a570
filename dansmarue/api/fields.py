"""Marshmallow fields shared by the API packages."""
import math
import re
import unicodedata

from marshmallow import ValidationError, fields

# Bidirectional overrides can disguise text; NUL cannot be stored at all.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def clean_text(value: str, *, multiline: bool) -> str:
    """Drop control characters (keeping newlines if `multiline`) and trim."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    keep = "\n" if multiline else ""
    value = "".join(ch for ch in value
                    if ch in keep or unicodedata.category(ch) not in ("Cc", "Cs"))
    value = _BIDI.sub("", value)
    if not multiline:
        value = " ".join(value.split())
    return value.strip()


class CleanString(fields.String):
    """A string without control characters; length checked after cleaning."""

    def __init__(self, *, max_length: int, multiline: bool = False, **kwargs):
        self.max_length = max_length
        self.multiline = multiline
        kwargs.setdefault("metadata", {}).setdefault("maxLength", max_length)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = clean_text(super()._deserialize(value, attr, data, **kwargs),
                          multiline=self.multiline)
        if len(text) > self.max_length:
            raise ValidationError(f"{self.max_length} caractères au maximum.")
        return text


class Coordinate(fields.Float):
    """A finite WGS84 coordinate (never a bool, never NaN or infinity)."""

    def __init__(self, low: float, high: float, **kwargs):
        self.low, self.high = low, high
        kwargs.setdefault("metadata", {}).update(minimum=low, maximum=high)
        super().__init__(allow_nan=False, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError("Nombre attendu.")
        number = super()._deserialize(value, attr, data, **kwargs)
        if not math.isfinite(number) or not self.low <= number <= self.high:
            raise ValidationError(f"Doit être compris entre {self.low:g} et {self.high:g}.")
        return number


class StrictInteger(fields.Integer):
    """An integer that refuses booleans (JSON true is not 1)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError("Entier attendu.")
        return super()._deserialize(value, attr, data, **kwargs)
