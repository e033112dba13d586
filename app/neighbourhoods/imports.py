"""Read homes to import from JSON, or from a CSV file as exported by spreadsheets."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from flask import Request
from flask_babel import gettext
from marshmallow import ValidationError

from app.core.errors import RuleViolation, translate_messages
from app.neighbourhoods.schemas import MAX_IMPORT_ROWS, HouseholdImportSchema

# Column names accepted in a CSV header, Dutch or English.
COLUMN_ALIASES = {
    "street": "street",
    "straat": "street",
    "straatnaam": "street",
    "number": "number",
    "huisnummer": "number",
    "nummer": "number",
    "addition": "addition",
    "toevoeging": "addition",
    "huisnummertoevoeging": "addition",
    "postcode": "postcode",
    "postal_code": "postcode",
    "city": "city",
    "plaats": "city",
    "woonplaats": "city",
    "complex": "complex",
    "complexnaam": "complex",
}


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RuleViolation(gettext("This file is not a CSV text file."))


def rows_from_csv(raw: bytes) -> list[dict[str, Any]]:
    """Parse CSV (comma, semicolon or tab separated) with a header row into dicts."""
    text = _decode(raw)
    if "\x00" in text:
        raise RuleViolation(gettext("This file is not a CSV text file."))
    # The header names the columns, so its most frequent separator is the file's separator;
    # csv.Sniffer guesses wrong when quoted cells hold separators or rows differ in length.
    header = re.split(r"[\r\n]", text, maxsplit=1)[0]
    delimiter = max(",;\t", key=header.count)
    # newline="" lets csv see \r, \n and \r\n line ends (old Mac exports use \r only).
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _read_rows(reader)
    except csv.Error:  # e.g. a stray quote or a field over the csv module's size limit
        raise RuleViolation(gettext("This file is not a CSV text file.")) from None


def _read_rows(reader) -> list[dict[str, Any]]:
    header = next(reader, None)
    columns = [COLUMN_ALIASES.get(name.strip().lower()) for name in header or []]
    if not header or not {"street", "number", "postcode", "city"} <= set(columns):
        raise RuleViolation(
            gettext("The first row must name the columns: street, number, postcode, city.")
        )
    rows = []
    for values in reader:
        if not any(value.strip() for value in values):
            continue
        if len(rows) >= MAX_IMPORT_ROWS:
            raise RuleViolation(gettext("Send 1 to 5000 homes at a time."))
        rows.append({c: v for c, v in zip(columns, values, strict=False) if c and v.strip()})
    return rows


def household_rows(request: Request) -> list[dict[str, Any]]:
    """Return validated rows from a JSON body, a CSV body or an uploaded CSV file."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            message = gettext("Choose a CSV file.")
            raise RuleViolation(message, errors={"file": [message]})
        payload: Any = {"households": rows_from_csv(upload.read())}
    elif request.mimetype == "text/csv":
        payload = {"households": rows_from_csv(request.get_data())}
    else:
        payload = request.get_json()
    try:
        return HouseholdImportSchema().load(payload)["households"]
    except ValidationError as error:
        raise RuleViolation(
            gettext("Some rows are not valid. Nothing was added."),
            errors=translate_messages(error.messages),
        ) from None
