"""Marshmallow fields shared by the API packages."""

import math
from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError, fields, validate
from sqlalchemy.orm import InstrumentedAttribute

from dansmarue.models import integer_max
from dansmarue.platform.text import clean_text


class CleanString(fields.String):
    """A string without control characters; length checked after cleaning."""

    def __init__(self, *, max_length: int, multiline: bool = False, **kwargs: Any) -> None:
        self.max_length = max_length
        self.multiline = multiline
        kwargs.setdefault("metadata", {}).setdefault("maxLength", max_length)
        super().__init__(**kwargs)

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> str:
        text = clean_text(super()._deserialize(value, attr, data, **kwargs), multiline=self.multiline)
        if len(text) > self.max_length:
            raise ValidationError(f"{self.max_length} caractères au maximum.")
        return text


class Coordinate(fields.Float):
    """A finite WGS84 coordinate (never a bool, never NaN or infinity)."""

    def __init__(self, low: float, high: float, **kwargs: Any) -> None:
        self.low, self.high = low, high
        kwargs.setdefault("metadata", {}).update(minimum=low, maximum=high)
        super().__init__(allow_nan=False, **kwargs)

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> float:
        if isinstance(value, bool):
            raise ValidationError("Nombre attendu.")
        number = super()._deserialize(value, attr, data, **kwargs)
        if not math.isfinite(number) or not self.low <= number <= self.high:
            raise ValidationError(f"Doit être compris entre {self.low:g} et {self.high:g}.")
        return number


class StrictInteger(fields.Integer):
    """An integer that refuses booleans (JSON true is not 1)."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> int:
        if isinstance(value, bool):
            raise ValidationError("Entier attendu.")
        return super()._deserialize(value, attr, data, **kwargs)


class RowId(StrictInteger):
    """The id of a row of `column`'s table: from 1 to what the column's own type
    holds (a larger number would reach the query as a database error, #20.3)."""

    def __init__(self, column: InstrumentedAttribute[int], **kwargs: Any) -> None:
        highest = integer_max(column)
        refused = f"Identifiant hors limites (1 à {highest})."
        kwargs.setdefault("validate", validate.Range(1, highest, error=refused))
        super().__init__(**kwargs)


class LatLon(fields.String):
    """A point as "lat,lon" (WGS84, finite, in range): loads as (lat, lon)."""

    def _deserialize(  # type: ignore[override]  # loads a tuple, not the text
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> tuple[float, float]:
        parts = super()._deserialize(value, attr, data, **kwargs).split(",")
        if len(parts) != 2:
            raise ValidationError("Deux nombres séparés par une virgule attendus : lat,lon.")
        try:
            lat, lon = (float(p) for p in parts)
        except ValueError:
            raise ValidationError("Nombres attendus : lat,lon.") from None
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValidationError("Coordonnées hors limites (lat de -90 à 90, lon de -180 à 180).")
        return lat, lon
