"""Reports with photos: multipart filing, adding later, who sees them, replays and failures."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from app.core.idempotency import IdempotencyKey
from app.core.uploads import Photo
from app.reports.models import Report
from tests.conftest import problem
from tests.core.images import jpeg, png
from tests.reports.conftest import HERE

FIELDS = {
    "category": "zwerfvuil",
    "description": "Afval bij de bank.",
    "lat": str(HERE[0]),
    "lon": str(HERE[1]),
}
LEAK = {
    "category": "lekkage",
    "description": "Lekt.",
    "attribute[ruimte]": "keuken",
    "attribute[spoed]": "nee",
}


def form(fields: dict, *photos: bytes, names=None) -> dict:
    files = [
        (io.BytesIO(data), (names or {}).get(i, f"foto{i}.jpg")) for i, data in enumerate(photos)
    ]
    return {"data": {**fields, "photos": files}, "content_type": "multipart/form-data"}


@pytest.fixture
def stored_files(app) -> callable:
    """Return the set of files under the local photo storage, to see what a request left."""
    root = Path(app.config["STORAGE_LOCAL_ROOT"])
    return lambda: {path for path in root.rglob("*") if path.is_file()}


def test_a_report_with_two_photos(resident_api, api):
    response = resident_api.post("/reports", **form(FIELDS, jpeg(), png()))
    assert response.status_code == 201, response.get_json()
    photos = response.get_json()["photos"]
    assert len(photos) == 2
    shown = api.client.get(photos[0]["thumbnail_url"])
    assert shown.status_code == 200
    assert shown.mimetype.startswith("image/")
    assert "public" in shown.headers["Cache-Control"]


def test_photos_of_a_private_report_are_for_reporter_and_staff_only(
    resident_api, staff_api, api, api_as, make_resident
):
    report = resident_api.post("/reports", **form(LEAK, jpeg())).get_json()
    url = report["photos"][0]["url"]
    mine = resident_api.client.get(url)
    assert mine.status_code == 200
    assert mine.headers["Cache-Control"] == "private, no-store"
    assert staff_api.client.get(url).status_code == 200
    assert api.client.get(url).status_code == 404
    assert api_as(make_resident()).client.get(url).status_code == 404


def test_a_file_that_is_no_photo_leaves_nothing_behind(resident_api, db, stored_files):
    before = stored_files()
    fake = b"%PDF-1.4 not a photo at all"
    response = resident_api.post("/reports", **form(FIELDS, jpeg(), fake))
    assert "photos" in problem(response, 422)["errors"]
    assert db.session.query(Report).count() == 0
    assert db.session.query(Photo).count() == 0
    assert stored_files() == before


def test_a_report_that_fails_after_its_photos_leaves_no_files(resident_api, db, stored_files):
    before = stored_files()
    response = resident_api.post("/reports", **form({**FIELDS, "category": "nee"}, jpeg()))
    problem(response, 422)
    assert db.session.query(Photo).count() == 0
    assert stored_files() == before


def test_at_most_five_photos(resident_api, db):
    response = resident_api.post("/reports", **form(FIELDS, *[jpeg()] * 6))
    assert "photos" in problem(response, 422)["errors"]
    assert db.session.query(Report).count() == 0


def test_visitors_are_turned_away_before_their_photos_are_read(api):
    problem(api.post("/reports", **form(FIELDS, jpeg())), 401)


def test_the_reporter_adds_photos_later_up_to_five(resident_api):
    report = resident_api.post("/reports", **form(FIELDS, jpeg(), jpeg())).get_json()
    path = f"/reports/{report['id']}/photos"
    added = resident_api.post(path, **form({}, png(), png(), png()))
    assert added.status_code == 201
    assert len(added.get_json()["photos"]) == 5
    problem(resident_api.post(path, **form({}, png())), 422)


def test_adding_needs_a_photo(resident_api, make_report):
    report = make_report()
    response = resident_api.post(f"/reports/{report.id}/photos", **form({}))
    assert "photos" in problem(response, 422)["errors"]


def test_neighbours_cannot_add_photos_to_someone_elses_report(api_as, make_resident, make_report):
    report = make_report()
    response = api_as(make_resident()).post(f"/reports/{report.id}/photos", **form({}, jpeg()))
    problem(response, 403)


def test_a_replayed_report_with_a_key_is_filed_once(resident_api, db):
    headers = {"Idempotency-Key": "outbox-7f3a"}
    body = form(FIELDS, jpeg())
    first = resident_api.post("/reports", headers=headers, **body)
    again = resident_api.post("/reports", headers=headers, **form(FIELDS, jpeg()))
    assert first.status_code == again.status_code == 201
    assert again.get_json()["id"] == first.get_json()["id"]
    assert db.session.query(Report).count() == 1
    assert db.session.query(Photo).count() == 1


def test_a_key_used_for_another_report_is_refused(resident_api, db):
    headers = {"Idempotency-Key": "outbox-7f3b"}
    resident_api.post("/reports", headers=headers, json={**FIELDS, "lat": HERE[0], "lon": HERE[1]})
    other = {**FIELDS, "description": "Iets anders.", "lat": HERE[0], "lon": HERE[1]}
    problem(resident_api.post("/reports", headers=headers, json=other), 422)
    assert db.session.query(Report).count() == 1
    assert db.session.query(IdempotencyKey).count() == 1
