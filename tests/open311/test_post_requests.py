"""POST requests: keys, services, locations, attributes, and the report it becomes."""

from __future__ import annotations

from sqlalchemy import select

from app.open311.models import Open311Request
from app.reports.models import Report, ReportUpdate
from tests.open311.conftest import HERE, V2, errors, xml

# Korte Akkeren's boundary around HERE, as GeoJSON ([lon, lat]); a hole cut out in the east.
AROUND_HERE = {
    "type": "Polygon",
    "coordinates": [
        [[4.70, 52.00], [4.72, 52.00], [4.72, 52.02], [4.70, 52.02], [4.70, 52.00]],
        [[4.715, 52.005], [4.719, 52.005], [4.719, 52.015], [4.715, 52.015], [4.715, 52.005]],
    ],
}


def only_report(db) -> Report:
    [report] = db.session.scalars(select(Report)).all()
    return report


def test_a_valid_post_is_201_with_the_new_id(post, db):
    response = post(description="Zakken afval bij de bank.", account_id="u-77")
    assert response.status_code == 201
    [receipt] = response.get_json()
    assert list(receipt) == ["service_request_id", "service_notice", "account_id"]
    report = only_report(db)
    assert receipt["service_request_id"] == str(report.id)
    assert receipt["account_id"] == "u-77" and "5 dagen" in receipt["service_notice"]
    assert (report.description, report.source, report.reporter_id) == (
        "Zakken afval bij de bank.",
        "open311",
        None,
    )
    assert (report.lat, report.lon) == HERE


def test_a_post_in_xml_answers_service_requests(post):
    root = xml(post("xml"))
    assert root.tag == "service_requests"
    [request] = root
    assert request.tag == "request"
    assert [f.tag for f in request] == ["service_request_id", "service_notice", "account_id"]
    assert request.findtext("service_request_id").isdigit()
    assert request.find("account_id").text is None


def test_the_report_is_attributed_to_the_partner(post, db, make_key):
    other = make_key("Buurtapp BV")
    post(api_key=other, address_string="Lindelaan 12, Gouda")
    report = only_report(db)
    link = db.session.get(Open311Request, report.id)
    assert link.partner.name == "Buurtapp BV"
    assert link.address_string == "Lindelaan 12, Gouda"
    notes = db.session.scalars(select(ReportUpdate).where(ReportUpdate.report_id == report.id))
    internal = [u.note for u in notes if not u.public]
    assert internal and "Buurtapp BV" in internal[0] and "Lindelaan 12" in internal[0]


def test_the_report_shows_in_the_app_api_and_staff_see_the_partner(post, api, api_as, staff):
    report_id = int(post(description="Kapotte bank").get_json()[0]["service_request_id"])
    listed = api.get("/reports").get_json()["items"]
    assert [(r["id"], r["description"]) for r in listed] == [(report_id, "Kapotte bank")]
    staff_view = api_as(staff).get(f"/reports/{report_id}").get_json()
    assert any("Gemeente Gouda" in u["note"] for u in staff_view["updates"])
    assert "Gemeente Gouda" not in str(api.get(f"/reports/{report_id}").get_json())


def test_a_missing_wrong_or_revoked_key_is_403(post, client, key, db):
    assert "api_key" in errors(post(api_key=None), 403)[0]
    errors(post(api_key="not-a-key"), 403)
    errors(post("xml", api_key=""), 403, "xml")
    assert (
        client.application.test_cli_runner()
        .invoke(args=["open311", "revoke-key", "Gemeente Gouda"])
        .exit_code
        == 0
    )
    errors(post(), 403)
    assert db.session.scalar(select(Report.id)) is None


def test_the_key_may_also_come_in_the_query_string(client, key):
    response = client.post(
        f"{V2}/requests.json?api_key={key}",
        data={"service_code": "zwerfvuil", "lat": HERE[0], "long": HERE[1]},
    )
    assert response.status_code == 201


def test_an_unknown_or_private_service_is_404(post, db):
    assert "bestaat-niet" in errors(post(service_code="bestaat-niet"), 404)[0]
    errors(post("xml", service_code="lekkage"), 404, "xml")
    assert db.session.scalar(select(Report.id)) is None


def test_a_missing_service_code_is_400(post):
    assert "service_code" in errors(post(service_code=""), 400)[0]


def test_a_request_without_a_location_is_400(post):
    [text] = errors(post(lat=None, long=None), 400)
    assert "lat" in text and "address_string" in text and "address_id" in text


def test_lat_without_long_or_out_of_range_is_400(post):
    assert errors(post(long=None), 400)[0].startswith("long:")
    assert errors(post(lat="95"), 400)[0].startswith("lat:")
    assert errors(post(lat="noord"), 400)[0].startswith("lat:")


def test_an_address_string_alone_is_a_location(post, db):
    assert post(lat=None, long=None, address_string="Achter de Kerk 3").status_code == 201
    report = only_report(db)
    assert report.lat is None and report.neighbourhood_id is None


def test_address_id_is_one_of_our_complexes(post, db, make_neighbourhood):
    from app.neighbourhoods.models import Complex

    noord = make_neighbourhood("Noord")
    complex_ = Complex(neighbourhood_id=noord.id, name="De Linde")
    db.session.add(complex_)
    db.session.commit()
    assert errors(post(lat=None, long=None, address_id="999"), 400)[0].startswith("address_id")
    assert errors(post(lat=None, long=None, address_id="abc"), 400)[0].startswith("address_id")
    assert post(lat=None, long=None, address_id=str(complex_.id)).status_code == 201
    report = only_report(db)
    assert (report.complex_id, report.neighbourhood_id) == (complex_.id, noord.id)


def test_the_neighbourhood_is_the_one_whose_boundary_holds_the_point(post, db, make_neighbourhood):
    make_neighbourhood("Elders")
    wijk = make_neighbourhood("Korte Akkeren", boundary=AROUND_HERE)
    post()
    post(lat=52.010, long=4.717)  # in the hole
    post(lat=51.9, long=4.5)  # outside every boundary
    reports = db.session.scalars(select(Report).order_by(Report.id)).all()
    assert [r.neighbourhood_id for r in reports] == [wijk.id, None, None]


def test_attributes_are_checked_against_the_definition(post, db):
    [missing] = errors(post(service_code="overlast"), 400)
    assert missing.startswith("attribute[soort]:")
    assert errors(post(service_code="overlast", **{"attribute[soort]": "lawaai"}), 400)
    assert errors(post(**{"attribute[onbekend]": "x"}), 400)[0].startswith("attribute[onbekend]")
    fields = {"attribute[soort][]": ["geluid", "stank"]}
    assert post(service_code="overlast", **fields).status_code == 201
    assert only_report(db).answers == {"soort": ["geluid", "stank"]}


def test_several_attribute_errors_are_several_errors(post, db):
    from app.core.db import commit
    from app.reports.models import Category

    category = db.session.scalar(select(Category).where(Category.code == "grofvuil"))
    category.questions = [
        {"code": "a", "datatype": "number", "required": True, "label_nl": "A"},
        {"code": "b", "datatype": "string", "required": True, "label_nl": "B"},
    ]
    commit(db.session)
    texts = errors(post("xml", service_code="grofvuil", **{"attribute[a]": "veel"}), 400, "xml")
    assert sorted(text.split(":")[0] for text in texts) == ["attribute[a]", "attribute[b]"]


def test_media_url_is_ignored_and_said_so(post, db):
    response = post(media_url="https://example.org/foto.jpg")
    assert "media_url" in response.get_json()[0]["service_notice"]
    assert "example.org" not in str(only_report(db).__dict__)


def test_personal_details_of_the_submitter_are_not_stored(post, db):
    post(email="jan@example.com", first_name="Jan", last_name="Jansen", phone="0612345678")
    report = only_report(db)
    stored = str(report.__dict__) + str(db.session.get(Open311Request, report.id).__dict__)
    assert "jan@example.com" not in stored and "0612345678" not in stored


def test_a_description_over_4000_characters_is_400(post):
    assert errors(post(description="x" * 4001), 400)[0].startswith("description:")


def test_a_json_body_is_400(client, key):
    response = client.post(
        f"{V2}/requests.json", json={"api_key": key, "service_code": "zwerfvuil"}
    )
    errors(response, 403)  # the key belongs in the form (or the query string)
    response = client.post(f"{V2}/requests.json?api_key={key}", json={"service_code": "x"})
    assert "form-urlencoded" in errors(response, 400)[0]


def test_no_csrf_token_is_needed(post):
    # The app's forms and JSON API need one; Open311 partners authenticate with their key.
    assert post().status_code == 201
