"""Open311 bodies in JSON or XML, following the spec's "Spark convention".

The same Python value (dicts, lists, scalars) is written both ways: a list
becomes a JSON array and, in XML, repeated child elements whose singular
name comes from `ITEM_NAMES`. XML is built with the standard library.
"""

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any

from flask import Response

from dansmarue import city

MIMETYPES = {"json": "application/json", "xml": "text/xml"}

# Characters XML 1.0 cannot carry at all (a resident's text may hold them).
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# Plural (list) element -> the name of each item, in XML.
ITEM_NAMES = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "service_requests": "request",
    "errors": "error",
    "notes": "note",
    "photos": "photo",
    "service_request_updates": "request_update",
    "groups": "group",
}


def iso(moment: datetime | None) -> str | None:
    """W3C date-time with the zone, in Paris time (e.g. 2024-05-02T14:03:00+02:00)."""
    if moment is None:
        return None
    return moment.astimezone(city.tz()).isoformat(timespec="seconds")


def render(fmt: str, root: str, value: Any, status: int = 200) -> Response:
    """A response in `fmt` ("json" or "xml"); `root` names the XML root element."""
    if fmt == "xml":
        element = ET.Element(root)
        _fill(element, root, value)
        body = ET.tostring(element, encoding="unicode")
        text = '<?xml version="1.0" encoding="utf-8"?>\n' + body
    else:
        text = json.dumps(value, ensure_ascii=False)
    return Response(text, status=status, content_type=f"{MIMETYPES[fmt]}; charset=utf-8")


def errors(fmt: str, status: int, messages: list[str], code: int | str | None = None) -> Response:
    """The spec's error body: [{code, description}] / <errors><error>."""
    items = [{"code": code or status, "description": m} for m in messages]
    return render(fmt, "errors", items, status)


def _fill(element: ET.Element, name: str, value: Any) -> None:
    if isinstance(value, list):
        item_name = ITEM_NAMES.get(name, "item")
        for item in value:
            _fill(ET.SubElement(element, item_name), item_name, item)
    elif isinstance(value, dict):
        for key, inner in value.items():
            _fill(ET.SubElement(element, key), key, inner)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = XML_FORBIDDEN.sub("", str(value))
