"""Fixtures of the Open311 tests: categories, a partner's key, reports and a posting client."""

from __future__ import annotations

from collections.abc import Callable
from xml.etree import ElementTree as ET

import pytest

from app.core.db import commit
from app.open311 import services as open311_services
from app.reports.catalogue import seed_categories
from app.reports.models import Report
from app.reports.services import workflow
from tests.conftest import HERE

V2 = "/open311/v2"


@pytest.fixture(autouse=True)
def categories(db) -> None:
    """The standard Dutch categories (lekkage is private, zwerfvuil public, …)."""
    seed_categories(db.session)
    commit(db.session)


@pytest.fixture
def make_key(db) -> Callable[[str], str]:
    """Create a partner and return its new API key."""

    def create(name: str = "Gemeente Gouda") -> str:
        key, _ = open311_services.create_key(db.session, name)
        commit(db.session)
        return key

    return create


@pytest.fixture
def key(make_key) -> str:
    """The API key of the partner "Gemeente Gouda"."""
    return make_key()


@pytest.fixture
def post(client, key) -> Callable:
    """Post a service request, form-encoded (default: litter at HERE with the partner's key)."""

    def send(fmt: str = "json", **fields):
        data = {"api_key": key, "service_code": "zwerfvuil", "lat": HERE[0], "long": HERE[1]}
        data.update(fields)
        data = {name: value for name, value in data.items() if value is not None}
        return client.post(f"{V2}/requests.{fmt}", data=data)

    return send


@pytest.fixture
def move(db, staff) -> Callable[..., None]:
    """Move a report on as staff: move(report, "planned", expected_on=..., note=...)."""

    def change(report: Report, status: str, **fields) -> None:
        workflow.change_status(db.session, staff, report, {"status": status, **fields})
        commit(db.session)

    return change


def xml(response) -> ET.Element:
    """Parse an XML answer after checking its declaration and content type."""
    assert response.content_type == "text/xml; charset=utf-8"
    assert response.data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.data)  # noqa: S314  (our own server's answer)


def errors(response, status: int, fmt: str = "json") -> list[str]:
    """Check an answer in the spec's errors format; return the descriptions."""
    assert response.status_code == status, (response.status_code, response.data[:500])
    if fmt == "xml":
        root = xml(response)
        assert root.tag == "errors" and [e.tag for e in root] == ["error"] * len(root)
        assert all(e.findtext("code") == str(status) for e in root)
        return [e.findtext("description") for e in root]
    assert response.content_type == "application/json; charset=utf-8"
    body = response.get_json()
    assert isinstance(body, list) and body
    assert all(set(e) == {"code", "description"} and e["code"] == status for e in body)
    return [e["description"] for e in body]
