"""A third-party Open311 client, used as a black box against a real local server.

The client is `georeport` (PyPI), a GeoReport v2 wrapper that reads services, definitions
and requests in JSON and XML. It cannot post requests, and the older Python wrappers that
could (`open311` 1.1, `three` 0.8) are Python 2 only and fail on import under Python 3
(implicit relative imports; itertools.ifilter), so requests are posted with `requests`,
form-encoded, as a partner's server would.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest
import requests
from georeport import GeoReport

from tests.open311.conftest import HERE


@pytest.fixture
def endpoint(live_url) -> str:
    """The GeoReport v2 endpoint of the running server."""
    return f"{live_url}/open311/v2"


def post(endpoint: str, fmt: str, **fields) -> requests.Response:
    return requests.post(f"{endpoint}/requests.{fmt}", data=fields, timeout=10)


def test_the_client_reads_services_and_definitions_in_both_formats(endpoint):
    for output_format in ("json", "xml"):
        client = GeoReport(endpoint, output_format=output_format)
        services = client.get_service_list()
        codes = {service["service_code"] for service in services}
        assert "zwerfvuil" in codes and "lekkage" not in codes
        definition = client.get_service_definition("overlast")
        attributes = definition["attributes"]
        attribute = attributes[0] if output_format == "json" else attributes["attribute"]
        assert attribute["code"] == "soort"


def test_a_posted_request_can_be_followed_with_the_client(endpoint, key, live_url):
    discovery = requests.get(f"{live_url}/open311/v2/discovery.json", timeout=10).json()
    assert discovery["endpoints"][0]["url"] == endpoint
    response = post(
        endpoint,
        "xml",
        api_key=key,
        service_code="overlast",
        lat=HERE[0],
        long=HERE[1],
        description="Harde muziek in de nacht.",
        **{"attribute[soort][]": ["geluid"]},
    )
    assert response.status_code == 201
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    answer = ET.fromstring(response.content)  # noqa: S314  (our own server's answer)
    request_id = answer.findtext("request/service_request_id")

    client = GeoReport(endpoint)
    found = client.get_service_request(request_id)
    assert found["service_request_id"] == request_id and found["status"] == "open"
    listed = client.get_service_requests(service_code="overlast", status="open")
    assert [item["service_request_id"] for item in listed] == [request_id]
    in_xml = GeoReport(endpoint, output_format="xml").get_service_request(request_id)
    assert in_xml["description"] == "Harde muziek in de nacht."


def test_the_client_sees_errors_as_http_errors(endpoint, key):
    client = GeoReport(endpoint)
    with pytest.raises(requests.HTTPError) as raised:
        client.get_service_definition("lekkage")
    assert raised.value.response.status_code == 404
    assert raised.value.response.json()[0]["code"] == 404
    refused = post(endpoint, "json", api_key="fout", service_code="zwerfvuil", lat=1, long=1)
    assert refused.status_code == 403 and refused.json()[0]["code"] == 403
