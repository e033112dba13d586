"""GeoReport v2 documents in XML and JSON, and its W3C date-times.

The JSON follows the spec's Spark convention: the XML root of a list (services,
service_requests, errors) becomes a bare JSON array, nested lists become arrays, and an
empty XML element is a JSON null. The XML is written with the standard library only.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from flask import Response, current_app

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
MIMETYPES = {"xml": "text/xml", "json": "application/json"}
# The element name of one item in each list, as the spec names them.
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


def w3c(moment: datetime | None) -> str | None:
    """Write a moment as a W3C date-time in Dutch local time, with its UTC offset."""
    if moment is None:
        return None
    local = moment.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
    return local.replace(microsecond=0).isoformat()


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value: Any) -> None:
    """Put a value into an element: fields as children, list items as repeated children."""
    if isinstance(value, dict):
        for name, item in value.items():
            _fill(ET.SubElement(element, name), item)
    elif isinstance(value, list):
        for item in value:
            _fill(ET.SubElement(element, ITEMS[element.tag]), item)
    else:
        element.text = _text(value)


def to_xml(root: str, value: Any) -> bytes:
    """Return the document as UTF-8 XML with its declaration."""
    element = ET.Element(root)
    _fill(element, value)
    return XML_DECLARATION + ET.tostring(element, encoding="utf-8", xml_declaration=False)


def to_json(value: Any) -> bytes:
    """Return the document as UTF-8 JSON (the Spark convention drops the root element)."""
    return json.dumps(value, ensure_ascii=False).encode()


def document(fmt: str, root: str, value: Any, status: int = 200) -> Response:
    """Answer with the document in the format the URL's suffix asked for."""
    body = to_json(value) if fmt == "json" else to_xml(root, value)
    return Response(body, status=status, content_type=f"{MIMETYPES[fmt]}; charset=utf-8")


def errors_document(fmt: str, status: int, descriptions: list[str], headers=None) -> Response:
    """Answer with the spec's errors list; each error's code is the HTTP status."""
    errors = [{"code": status, "description": text} for text in descriptions]
    response = document(fmt, "errors", errors, status)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
