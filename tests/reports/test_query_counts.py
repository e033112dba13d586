"""The report list costs the same number of SQL queries whatever the page size."""

from __future__ import annotations

import io

import pytest

from tests.core.images import jpeg
from tests.proposals.test_query_counts import counted


@pytest.fixture
def many_reports(make_report, make_resident, assign, staff, wijk, db):
    reports = [make_report(by=make_resident()) for _ in range(12)]
    assign(staff, wijk)  # a staff member tied to a neighbourhood: their scope is looked up
    return reports


@pytest.mark.parametrize("who", ["visitor", "resident", "staff"])
def test_the_list_costs_the_same_at_any_page_size(
    db, app, api, api_as, resident, staff, many_reports, who
):
    client = {"visitor": api, "resident": api_as(resident), "staff": api_as(staff)}[who]
    counts = []
    for limit in (2, 10):
        with counted(db.engine) as statements:
            response = client.get(f"/reports?limit={limit}")
        assert len(response.get_json()["items"]) == limit
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_photos_of_a_page_come_in_one_query(db, resident_api, api):
    form = {"category": "zwerfvuil", "description": "Afval", "lat": "52.0115", "lon": "4.7104"}
    for _ in range(3):
        photos = [(io.BytesIO(jpeg()), "a.jpg")]
        response = resident_api.post(
            "/reports", data={**form, "photos": photos}, content_type="multipart/form-data"
        )
        assert response.status_code == 201
    with counted(db.engine) as few:
        api.get("/reports?limit=1")
    with counted(db.engine) as many:
        api.get("/reports?limit=3")
    assert len(few) == len(many)


def test_the_staff_queue_costs_the_same_at_any_length(
    db, client, login, staff, make_user, make_report
):
    login(staff)
    make_report()
    with counted(db.engine) as few:
        client.get("/beheer/meldingen")
    for _ in range(8):  # each assigned to another colleague
        make_report().assignee_id = make_user("staff").id
    db.session.commit()
    with counted(db.engine) as many:
        assert client.get("/beheer/meldingen").status_code == 200
    assert len(many) <= len(few) + 1  # +1: the assignees, loaded together
