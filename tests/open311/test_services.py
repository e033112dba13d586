"""Discovery, the service list and service definitions, field by field, in JSON and XML."""

from __future__ import annotations

from app.core.db import commit
from app.reports.models import Category
from tests.open311.conftest import V2, errors, xml

SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
ATTRIBUTE_FIELDS = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
]
PRIVATE = {"lekkage", "verwarming", "elektra", "deur-slot", "schimmel"}


def test_discovery_names_the_v2_endpoint_and_both_formats(client):
    body = client.get(f"{V2}/discovery.json").get_json()
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    [endpoint] = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://localhost/open311/v2"
    assert endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert endpoint["changeset"] and body["contact"] and body["key_service"]


def test_discovery_in_xml_has_the_spec_elements(client):
    root = xml(client.get(f"{V2}/discovery.xml"))
    assert root.tag == "discovery"
    assert [child.tag for child in root] == ["changeset", "contact", "key_service", "endpoints"]
    [endpoint] = root.find("endpoints")
    assert endpoint.tag == "endpoint"
    assert [f.text for f in endpoint.find("formats")] == ["text/xml", "application/json"]
    assert [f.tag for f in endpoint.find("formats")] == ["format", "format"]


def test_services_are_the_public_active_categories_in_order(client, db):
    response = client.get(f"{V2}/services.json")
    assert response.content_type == "application/json; charset=utf-8"
    services = response.get_json()
    codes = [service["service_code"] for service in services]
    assert "zwerfvuil" in codes and not PRIVATE & set(codes)
    expected = db.session.query(Category.code).filter_by(private=False, active=True)
    assert set(codes) == {code for (code,) in expected}
    assert all(list(service) == SERVICE_FIELDS for service in services)


def test_a_service_has_dutch_names_its_theme_and_metadata(client):
    services = {s["service_code"]: s for s in client.get(f"{V2}/services.json").get_json()}
    litter, nuisance = services["zwerfvuil"], services["overlast"]
    assert litter["service_name"] == "Zwerfvuil" and litter["type"] == "realtime"
    assert litter["metadata"] is False and nuisance["metadata"] is True
    assert "Litter" in litter["keywords"]
    assert litter["group"] == "Schoon"


def test_locale_asks_for_english_names(client):
    services = client.get(f"{V2}/services.json?locale=en_GB").get_json()
    litter = next(s for s in services if s["service_code"] == "zwerfvuil")
    assert (litter["service_name"], litter["group"]) == ("Litter", "Clean")


def test_services_in_xml_are_service_elements(client):
    root = xml(client.get(f"{V2}/services.xml"))
    assert root.tag == "services"
    assert {child.tag for child in root} == {"service"}
    litter = next(s for s in root if s.findtext("service_code") == "zwerfvuil")
    assert [field.tag for field in litter] == SERVICE_FIELDS
    assert litter.findtext("metadata") == "false" and litter.findtext("type") == "realtime"
    assert litter.find("description").text is None  # null is an empty element
    assert not PRIVATE & {s.findtext("service_code") for s in root}


def test_an_inactive_category_is_no_service(client, db):
    db.session.query(Category).filter_by(code="graffiti").update({"active": False})
    commit(db.session)
    codes = [s["service_code"] for s in client.get(f"{V2}/services.json").get_json()]
    assert "graffiti" not in codes
    errors(client.get(f"{V2}/services/graffiti.json"), 404)


def test_a_definition_lists_attributes_with_values(client):
    body = client.get(f"{V2}/services/overlast.json").get_json()
    assert list(body) == ["service_code", "attributes"] and body["service_code"] == "overlast"
    [attribute] = body["attributes"]
    assert list(attribute) == ATTRIBUTE_FIELDS
    assert attribute["variable"] is True and attribute["code"] == "soort"
    assert attribute["datatype"] == "multivaluelist" and attribute["required"] is True
    assert attribute["order"] == 1 and attribute["description"] == "Wat voor overlast?"
    assert attribute["datatype_description"] is None
    assert attribute["values"][0] == {"key": "geluid", "name": "Geluid"}


def test_datatypes_order_and_required_follow_the_questions(client, db):
    db.session.add(
        Category(
            code="test-alles",
            name_nl="Alles",
            name_en="Everything",
            theme="heel",
            questions=[
                {"code": "tekst", "datatype": "string", "required": True, "label_nl": "T"},
                {"code": "getal", "datatype": "number", "label_nl": "G"},
                {
                    "code": "een",
                    "datatype": "singlevaluelist",
                    "label_nl": "E",
                    "values": [{"key": 1, "name_nl": "Eén"}],
                },
                {
                    "code": "meer",
                    "datatype": "multivaluelist",
                    "label_nl": "M",
                    "values": [{"key": "a", "name_nl": "A"}, {"key": "b", "name_nl": "B"}],
                },
            ],
        )
    )
    commit(db.session)
    attributes = client.get(f"{V2}/services/test-alles.json").get_json()["attributes"]
    assert [(a["code"], a["datatype"], a["order"], a["required"]) for a in attributes] == [
        ("tekst", "string", 1, True),
        ("getal", "number", 2, False),
        ("een", "singlevaluelist", 3, False),
        ("meer", "multivaluelist", 4, False),
    ]
    assert attributes[0]["values"] == [] and attributes[2]["values"] == [
        {"key": "1", "name": "Eén"}
    ]
    assert [v["key"] for v in attributes[3]["values"]] == ["a", "b"]


def test_a_definition_in_xml_nests_attributes_and_values(client):
    root = xml(client.get(f"{V2}/services/overlast.xml"))
    assert root.tag == "service_definition"
    assert [child.tag for child in root] == ["service_code", "attributes"]
    [attribute] = root.find("attributes")
    assert attribute.tag == "attribute"
    assert [field.tag for field in attribute] == ATTRIBUTE_FIELDS
    assert attribute.findtext("required") == "true" and attribute.findtext("order") == "1"
    values = attribute.find("values")
    assert {value.tag for value in values} == {"value"}
    assert (values[0].findtext("key"), values[0].findtext("name")) == ("geluid", "Geluid")


def test_private_and_unknown_services_are_404_in_both_formats(client):
    for code in ("lekkage", "bestaat-niet"):
        assert "not found" in errors(client.get(f"{V2}/services/{code}.json"), 404)[0]
        errors(client.get(f"{V2}/services/{code}.xml"), 404, "xml")


def test_unknown_paths_and_formats_answer_in_the_errors_format(client):
    errors(client.get(f"{V2}/bestaat-niet.json"), 404)
    errors(client.get(f"{V2}/services.csv"), 404, "xml")  # XML: the spec's required format
    response = client.delete(f"{V2}/services.json")
    errors(response, 405)
    assert response.headers["Allow"] == "GET"


def test_a_failure_is_a_500_in_the_errors_format_with_only_a_reference(client, db, caplog):
    db.session.add(Category(code="kapot", name_nl="Kapot", name_en="Broken", theme="onbekend"))
    commit(db.session)  # a theme that does not exist: presenting it fails
    with caplog.at_level("ERROR"):
        response = client.get(f"{V2}/services.xml", headers={"X-Request-ID": "req-12345678"})
    [text] = errors(response, 500, "xml")
    assert "req-12345678" in text and "Traceback" not in response.get_data(as_text=True)
    assert any("req-12345678" in r.getMessage() and r.exc_info for r in caplog.records)
