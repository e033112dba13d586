"""Helpers of the neighbourhoods tests: rows and CSV files to import."""

from __future__ import annotations

CSV_HEADER = "straat;huisnummer;toevoeging;postcode;plaats;complex"
CODE_PATTERN = r"^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}$"


def csv_file(*rows: str, header: str = CSV_HEADER, encoding: str = "utf-8-sig") -> bytes:
    """Return a CSV file as a Dutch spreadsheet saves it: header line, CRLF line ends."""
    return "\r\n".join([header, *rows, ""]).encode(encoding)


def row(number: int = 1, **fields) -> dict:
    """Return one valid household row for a JSON import."""
    return {
        "street": "Lindelaan",
        "number": number,
        "postcode": "2806AB",
        "city": "Gouda",
        **fields,
    }
