"""GET requests: fields, status mapping, filters, the 90-day window, the cap and privacy."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import insert, select, update

from app.core.db import commit, utcnow
from app.reports.models import Category, Report
from tests.open311.conftest import V2, errors, xml

REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


def listed(client, query: str = "") -> list[str]:
    response = client.get(f"{V2}/requests.json?{query}")
    assert response.status_code == 200, response.data
    return [item["service_request_id"] for item in response.get_json()]


def backdate(db, report: Report, days: float) -> None:
    moment = utcnow() - timedelta(days=days)
    db.session.execute(update(Report).where(Report.id == report.id).values(created_at=moment))
    commit(db.session)


def test_a_request_has_every_field_in_order_with_string_ids(client, make_report):
    report = make_report(description="Afval bij de bank.")
    [item] = client.get(f"{V2}/requests/{report.id}.json").get_json()
    assert list(item) == REQUEST_FIELDS
    assert item["service_request_id"] == str(report.id)
    assert (item["service_code"], item["service_name"]) == ("zwerfvuil", "Zwerfvuil")
    assert item["description"] == "Afval bij de bank."
    assert (item["lat"], item["long"]) == (report.lat, report.lon)
    assert item["status"] == "open" and item["expected_datetime"] is None


def test_datetimes_are_w3c_with_an_offset(client, make_report):
    report = make_report()
    [item] = client.get(f"{V2}/requests/{report.id}.json").get_json()
    for field in ("requested_datetime", "updated_datetime"):
        moment = datetime.fromisoformat(item[field])
        assert moment.utcoffset() in (timedelta(hours=1), timedelta(hours=2))
        assert item[field][-6] in "+-" and item[field][-3] == ":" and "." not in item[field]
        assert abs(moment - report.created_at) < timedelta(seconds=2)


def test_a_request_in_xml_has_the_spec_elements(client, make_report):
    report = make_report()
    root = xml(client.get(f"{V2}/requests/{report.id}.xml"))
    assert root.tag == "service_requests"
    [request] = root
    assert request.tag == "request" and [f.tag for f in request] == REQUEST_FIELDS
    assert request.findtext("service_request_id") == str(report.id)
    assert request.findtext("status") == "open"
    assert request.find("zipcode").text is None


def test_status_maps_to_open_and_closed_with_the_detail_in_notes(client, make_report, move):
    report = make_report()
    [item] = client.get(f"{V2}/requests/{report.id}.json?locale=en").get_json()
    assert (item["status"], item["status_notes"]) == ("open", "Received")
    move(report, "in_progress", note="We komen vandaag.")
    [item] = client.get(f"{V2}/requests/{report.id}.json").get_json()
    assert item["status"] == "open" and item["status_notes"].endswith("We komen vandaag.")
    move(report, "resolved", note="Opgeruimd.")
    [item] = client.get(f"{V2}/requests/{report.id}.json?locale=en").get_json()
    assert (item["status"], item["status_notes"]) == ("closed", "Fixed. Opgeruimd.")
    closed_at = datetime.fromisoformat(item["updated_datetime"])
    assert abs(closed_at - report.status_changed_at) < timedelta(seconds=1)


def test_every_closed_status_is_closed(client, make_report, move):
    original = make_report()
    details = {
        "resolved": {},
        "duplicate": {"duplicate_of": original.id},
        "referred": {"referred_to": "Gemeente Gouda"},
        "not_our_responsibility": {},
        "closed_unresolved": {"note": "Niet te vinden."},
    }
    for status, fields in details.items():
        report = make_report()
        move(report, status, **fields)
        [item] = client.get(f"{V2}/requests/{report.id}.json").get_json()
        assert item["status"] == "closed", status


def test_internal_notes_never_reach_status_notes(client, make_report, move):
    report = make_report()
    move(report, "acknowledged", note="Openbaar bericht.")
    move(report, "acknowledged", note="Aannemer is duur.", public=False)
    [item] = client.get(f"{V2}/requests/{report.id}.json").get_json()
    assert "Aannemer" not in str(item) and item["status_notes"].endswith("Openbaar bericht.")


def test_agency_responsible_is_the_contractor_or_the_referred_party(
    client, db, staff, make_report, move
):
    from app.reports.services import workflow

    assigned, referred = make_report(), make_report()
    workflow.assign(db.session, staff, assigned, {"assignee": staff.id, "contractor": "Groen BV"})
    commit(db.session)
    move(referred, "referred", referred_to="Gemeente Gouda")
    items = {i["service_request_id"]: i for i in client.get(f"{V2}/requests.json").get_json()}
    assert items[str(assigned.id)]["agency_responsible"] == "Groen BV"
    assert staff.display_name not in str(items)  # staff names are never shown
    assert items[str(referred.id)]["agency_responsible"] == "Gemeente Gouda"
    assert "Gemeente Gouda" in items[str(referred.id)]["status_notes"]


def test_expected_datetime_is_the_planned_date(client, make_report, move):
    report = make_report()
    day = date.today() + timedelta(days=3)
    move(report, "planned", expected_on=day)
    [item] = client.get(f"{V2}/requests/{report.id}.json").get_json()
    expected = datetime.fromisoformat(item["expected_datetime"])
    assert expected.date() == day and expected.utcoffset() is not None
    move(report, "resolved")
    [item] = client.get(f"{V2}/requests/{report.id}.json").get_json()
    assert item["expected_datetime"] is None


def test_address_comes_from_the_partner_or_the_complex(client, db, post, make_report, wijk):
    from app.neighbourhoods.models import Complex

    complex_ = Complex(neighbourhood_id=wijk.id, name="De Linde")
    db.session.add(complex_)
    commit(db.session)
    by_app = make_report(lat=None, lon=None, complex=complex_.id)
    posted = post(lat=None, long=None, address_string="Lindelaan 12, Gouda").get_json()[0]
    items = {i["service_request_id"]: i for i in client.get(f"{V2}/requests.json").get_json()}
    assert items[str(by_app.id)]["address"] == "De Linde, Korte Akkeren"
    assert items[str(by_app.id)]["address_id"] == str(complex_.id)
    assert items[posted["service_request_id"]]["address"] == "Lindelaan 12, Gouda"


def test_private_reports_are_never_listed_nor_shown(client, make_report, db):
    leak = make_report("lekkage", attributes={"ruimte": "keuken", "spoed": "nee"})
    public = make_report()
    assert listed(client) == [str(public.id)]
    assert listed(client, f"service_request_id={leak.id},{public.id}") == [str(public.id)]
    assert listed(client, "service_code=lekkage") == []
    errors(client.get(f"{V2}/requests/{leak.id}.json"), 404)
    errors(client.get(f"{V2}/requests/{leak.id}.xml"), 404, "xml")
    # A category made private later hides its earlier public reports too.
    db.session.execute(update(Category).where(Category.code == "zwerfvuil").values(private=True))
    commit(db.session)
    assert listed(client) == []
    errors(client.get(f"{V2}/requests/{public.id}.json"), 404)


def test_an_unknown_request_is_404(client):
    errors(client.get(f"{V2}/requests/123456.json"), 404)
    errors(client.get(f"{V2}/requests/abc.json"), 404)


def test_filter_by_ids_overrides_every_other_filter(client, db, make_report):
    old, new = make_report(), make_report()
    backdate(db, old, 200)
    assert listed(client) == [str(new.id)]
    query = f"service_request_id={old.id},{new.id}&status=closed&service_code=graffiti"
    assert sorted(listed(client, query)) == sorted([str(old.id), str(new.id)])
    assert listed(client, f"service_request_id={old.id}&service_request_id=999999") == [str(old.id)]
    assert errors(client.get(f"{V2}/requests.json?service_request_id=1,x"), 400)


def test_filter_by_service_codes(client, make_report):
    litter, graffiti = make_report(), make_report("graffiti")
    make_report("groen")
    assert listed(client, "service_code=zwerfvuil") == [str(litter.id)]
    both = listed(client, "service_code=zwerfvuil,graffiti")
    assert sorted(both) == sorted([str(litter.id), str(graffiti.id)])
    assert listed(client, "service_code=zwerfvuil&service_code=graffiti") == both
    assert len(listed(client, "service_code=")) == 3  # empty is the same as absent


def test_filter_by_status(client, make_report, move):
    open_, closed = make_report(), make_report()
    move(closed, "resolved")
    assert listed(client, "status=open") == [str(open_.id)]
    assert listed(client, "status=closed") == [str(closed.id)]
    assert len(listed(client, "status=open,closed")) == 2
    assert "status" in errors(client.get(f"{V2}/requests.json?status=fixed"), 400)[0]


def test_the_default_window_is_the_latest_90_days_newest_first(client, db, make_report):
    reports = [make_report() for _ in range(3)]
    backdate(db, reports[0], 91)
    backdate(db, reports[1], 89)
    assert listed(client) == [str(reports[2].id), str(reports[1].id)]


def test_start_and_end_date_choose_the_window(client, db, make_report):
    reports = [make_report() for _ in range(3)]
    for report, days in zip(reports, (150, 100, 10), strict=True):
        backdate(db, report, days)
    start = (utcnow() - timedelta(days=120)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (utcnow() - timedelta(days=50)).isoformat()
    assert listed(client, f"start_date={start}&end_date={end.replace('+', '%2B')}") == [
        str(reports[1].id)
    ]
    assert listed(client, f"start_date={start}") == [str(reports[1].id)]  # start + 90 days
    assert listed(client, f"end_date={end.replace('+', '%2B')}") == [str(reports[1].id)]
    assert listed(client, f"end_date={end}") == [str(reports[1].id)]  # an unencoded "+"


def test_a_window_over_90_days_or_backwards_is_400(client):
    query = "start_date=2026-01-01T00:00:00Z&end_date=2026-04-02T00:00:00Z"
    assert "90 days" in errors(client.get(f"{V2}/requests.json?{query}"), 400)[0]
    query = "start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z"
    errors(client.get(f"{V2}/requests.xml?{query}"), 400, "xml")


@pytest.mark.parametrize("value", ["2026-01-01", "2026-01-01T00:00:00", "gisteren"])
def test_dates_need_a_w3c_datetime_with_a_time_zone(client, value):
    assert "start_date" in errors(client.get(f"{V2}/requests.json?start_date={value}"), 400)[0]


def test_at_most_1000_requests_are_returned(client, db, resident):
    category_id = db.session.scalar(select(Category.id).where(Category.code == "zwerfvuil"))
    now = utcnow()
    rows = [
        {
            "category_id": category_id,
            "reporter_id": resident.id,
            "private": False,
            "description": f"Melding {n}",
            "answers": {},
            "status": "submitted",
            "status_changed_at": now,
            "created_at": now - timedelta(seconds=n),
            "updated_at": now,
        }
        for n in range(1001)
    ]
    db.session.execute(insert(Report), rows)
    commit(db.session)
    items = client.get(f"{V2}/requests.json").get_json()
    assert len(items) == 1000
    assert items[0]["description"] == "Melding 0" and items[-1]["description"] == "Melding 999"


def test_media_url_is_the_first_photo_of_a_public_report(client, api_as, resident):
    import io
    from urllib.parse import urlsplit

    from tests.core.images import jpeg

    fields = {"category": "zwerfvuil", "description": "Met foto.", "lat": "52.0", "lon": "4.7"}
    photo = (io.BytesIO(jpeg()), "foto.jpg")
    created = api_as(resident).post(
        "/reports", data={**fields, "photos": [photo]}, content_type="multipart/form-data"
    )
    assert created.status_code == 201, created.data
    [item] = client.get(f"{V2}/requests/{created.get_json()['id']}.json").get_json()
    url = urlsplit(item["media_url"])
    assert (url.scheme, url.netloc) == ("http", "localhost")
    assert client.get(url.path).status_code == 200


def test_the_list_in_xml_is_request_elements_newest_first(client, make_report):
    first, second = make_report(), make_report()
    root = xml(client.get(f"{V2}/requests.xml?status=open"))
    assert root.tag == "service_requests" and [r.tag for r in root] == ["request", "request"]
    assert [r.findtext("service_request_id") for r in root] == [str(second.id), str(first.id)]
