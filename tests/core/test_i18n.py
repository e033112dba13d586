"""Dutch is complete: every string in code and templates has a Dutch translation."""

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _source_messages() -> set[str]:
    found = set()
    for folder, method in (("app", "python"), ("templates", "jinja2")):
        pattern = "**.py" if method == "python" else "**.html"
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder,
            [(pattern, method)],
            keywords=KEYWORDS,
            options_map={pattern: {"extensions": "jinja2.ext.do"}} if method == "jinja2" else None,
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def _catalogue():
    with open(ROOT / "app/translations/nl/LC_MESSAGES/messages.po", "rb") as handle:
        return read_po(handle)


def test_every_string_is_translated_into_dutch():
    catalogue = _catalogue()
    missing = sorted(
        m
        for m in _source_messages()
        if not catalogue.get(m) or not catalogue.get(m).string or catalogue.get(m).fuzzy
    )
    assert not missing, f"Not translated into Dutch (run `make messages`): {missing}"


def test_translations_keep_their_placeholders():
    for message in _catalogue():
        if message.id and message.string:
            source = message.id if isinstance(message.id, str) else message.id[0]
            target = message.string if isinstance(message.string, str) else message.string[0]
            assert set(PLACEHOLDER.findall(source)) == set(PLACEHOLDER.findall(target)), source


def test_language_choice_is_remembered_for_visitors(client):
    page = client.get("/")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = client.post("/taal", data={"language": "en", "next": "/wijken", "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/wijken"
    assert b'<html lang="en">' in client.get("/").data


def test_language_switch_ignores_foreign_redirects(client):
    page = client.get("/")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = client.post(
        "/taal", data={"language": "nl", "next": "//evil.example/", "csrf_token": token}
    )
    assert response.headers["Location"] == "/"


def test_unknown_language_is_refused(client):
    page = client.get("/")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    assert client.post("/taal", data={"language": "de", "csrf_token": token}).status_code == 400
