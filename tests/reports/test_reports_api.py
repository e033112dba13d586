"""Filing, reading, listing and following reports through the API."""

from __future__ import annotations

import pytest

from app.reports.models import Report
from tests.conftest import problem
from tests.reports.conftest import CLOSE_BY, HERE

LITTER = {
    "category": "zwerfvuil",
    "description": "Afval naast de container.",
    "lat": HERE[0],
    "lon": HERE[1],
}
LEAK = {
    "category": "lekkage",
    "description": "Het lekt in de badkamer.",
    "attributes": {"ruimte": "badkamer", "spoed": "nee"},
}


def test_a_resident_files_a_public_report(resident_api, wijk):
    response = resident_api.post("/reports", json=LITTER)
    assert response.status_code == 201
    report = response.get_json()
    assert report["status"] == "submitted"
    assert report["status_label"] == "Ontvangen"
    assert report["category"]["code"] == "zwerfvuil"
    assert report["neighbourhood"] == wijk.slug
    assert report["mine"] is True and report["following"] is True
    assert [u["status"] for u in report["updates"]] == ["submitted"]
    assert "reporter" not in report


def test_others_see_a_public_report_without_the_reporters_name(api, api_as, make_user, resident):
    created = api_as(resident).post("/reports", json=LITTER).get_json()
    for client in (api, api_as(make_user())):
        seen = client.get(f"/reports/{created['id']}").get_json()
        assert seen["description"] == LITTER["description"]
        assert "reporter" not in seen and seen["mine"] is False
        assert resident.display_name not in str(seen)


def test_staff_see_who_reported(staff_api, resident_api, resident):
    created = resident_api.post("/reports", json=LITTER).get_json()
    assert staff_api.get(f"/reports/{created['id']}").get_json()["reporter"] == (
        resident.display_name
    )


def test_a_report_inside_the_home_is_private_to_reporter_and_staff(
    api, api_as, make_resident, resident_api, staff_api
):
    created = resident_api.post("/reports", json=LEAK).get_json()
    assert created["private"] is True and created["lat"] is None
    assert resident_api.get(f"/reports/{created['id']}").status_code == 200
    assert staff_api.get(f"/reports/{created['id']}").status_code == 200
    problem(api.get(f"/reports/{created['id']}"), 404)
    problem(api_as(make_resident()).get(f"/reports/{created['id']}"), 404)


def test_reporting_inside_the_home_needs_a_linked_address(api_as, make_user):
    response = api_as(make_user()).post("/reports", json=LEAK)
    assert "category" in problem(response, 422)["errors"]


def test_required_questions_must_be_answered(resident_api):
    response = resident_api.post("/reports", json={**LEAK, "attributes": {"spoed": "nee"}})
    assert "ruimte" in problem(response, 422)["errors"]["attributes"]


def test_answers_must_be_one_of_the_options(resident_api):
    answers = {"ruimte": "zolder", "spoed": "nee"}
    response = resident_api.post("/reports", json={**LEAK, "attributes": answers})
    assert "ruimte" in problem(response, 422)["errors"]["attributes"]


def test_unknown_questions_are_refused(resident_api):
    answers = {**LEAK["attributes"], "kleur": "rood"}
    response = resident_api.post("/reports", json={**LEAK, "attributes": answers})
    assert "kleur" in problem(response, 422)["errors"]["attributes"]


def test_a_multipart_report_takes_several_answers_to_a_list_question(resident_api):
    form = {
        "category": "overlast",
        "description": "Elke nacht lawaai.",
        "lat": str(HERE[0]),
        "lon": str(HERE[1]),
        "attribute[soort][]": ["geluid", "stank"],
    }
    response = resident_api.post("/reports", data=form, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["answers"] == {"soort": ["geluid", "stank"]}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lat": None, "lon": None}, "lat"),
        ({"lon": None}, "lon"),
        ({"lat": 91}, "lat"),
        ({"description": "   "}, "description"),
        ({"description": "x" * 4001}, "description"),
        ({"category": "bestaat-niet"}, "category"),
        ({"status": "resolved"}, "status"),
        ({"complex": "7"}, "complex"),
    ],
)
def test_bad_reports_are_refused_by_field(resident_api, change, field, db):
    response = resident_api.post("/reports", json={**LITTER, **change})
    assert field in problem(response, 422)["errors"]
    assert db.session.query(Report).count() == 0


def test_malformed_json_is_a_400(resident_api):
    response = resident_api.post(
        "/reports", data="{not json", headers={"Content-Type": "application/json"}
    )
    problem(response, 400)


def test_visitors_must_log_in_to_report(api):
    problem(api.post("/reports", json=LITTER), 401)


def test_the_list_shows_public_reports_and_ones_own_private_ones(
    api, api_as, make_resident, make_report, resident, resident_api
):
    litter, leak = make_report(), make_report("lekkage", attributes=LEAK["attributes"])
    other = make_report(by=make_resident())
    mine = [item["id"] for item in resident_api.get("/reports").get_json()["items"]]
    assert mine == [other.id, leak.id, litter.id]
    public = [item["id"] for item in api.get("/reports").get_json()["items"]]
    assert public == [other.id, litter.id]
    only_mine = resident_api.get("/reports?mine=true").get_json()["items"]
    assert [item["id"] for item in only_mine] == [leak.id, litter.id]


def test_the_list_filters_by_status_category_and_neighbourhood(
    api, make_report, make_resident, make_neighbourhood
):
    elsewhere = make_neighbourhood("Bloemendaal")
    make_report()
    graffiti = make_report("graffiti")
    far = make_report(by=make_resident(elsewhere))
    assert [i["id"] for i in api.get("/reports?category=graffiti").get_json()["items"]] == [
        graffiti.id
    ]
    by_place = api.get(f"/reports?neighbourhood={elsewhere.slug}").get_json()["items"]
    assert [item["id"] for item in by_place] == [far.id]
    assert len(api.get("/reports?status=submitted").get_json()["items"]) == 3
    assert api.get("/reports?status=resolved").get_json()["items"] == []


def test_the_list_pages_with_a_cursor(api, make_report):
    ids = [make_report().id for _ in range(3)]
    first = api.get("/reports?limit=2").get_json()
    second = api.get(f"/reports?limit=2&cursor={first['next_cursor']}").get_json()
    assert [i["id"] for i in first["items"] + second["items"]] == ids[::-1]
    assert second["next_cursor"] is None


def test_nearby_finds_open_public_reports_of_the_same_category(api, make_report, db):
    near = make_report(lat=CLOSE_BY[0], lon=CLOSE_BY[1])
    make_report(lat=52.02, lon=4.72)  # about a kilometre away
    make_report("graffiti")
    closed = make_report()
    closed.status = "resolved"
    db.session.commit()
    query = f"lat={HERE[0]}&lon={HERE[1]}&category=zwerfvuil"
    items = api.get(f"/reports/nearby?{query}").get_json()["items"]
    assert [item["id"] for item in items] == [near.id]
    assert 20 <= items[0]["distance_m"] <= 40


def test_nearby_never_shows_private_reports(api, make_report):
    make_report("lekkage", attributes=LEAK["attributes"])
    query = f"lat={HERE[0]}&lon={HERE[1]}&category=lekkage"
    assert api.get(f"/reports/nearby?{query}").get_json()["items"] == []


def test_nearby_needs_a_point(api):
    assert "lat" in problem(api.get("/reports/nearby?category=zwerfvuil"), 422)["errors"]


def test_a_resident_follows_an_existing_report_instead_of_reporting_again(
    api_as, make_resident, make_report
):
    report = make_report()
    neighbour = api_as(make_resident())
    assert neighbour.put(f"/reports/{report.id}/follow").status_code == 204
    assert neighbour.put(f"/reports/{report.id}/follow").status_code == 204
    assert neighbour.get(f"/reports/{report.id}").get_json()["following"] is True
    assert neighbour.delete(f"/reports/{report.id}/follow").status_code == 204
    assert neighbour.get(f"/reports/{report.id}").get_json()["following"] is False


def test_nobody_can_follow_a_private_report_of_someone_else(api_as, make_resident, make_report):
    report = make_report("lekkage", attributes=LEAK["attributes"])
    problem(api_as(make_resident()).put(f"/reports/{report.id}/follow"), 404)
