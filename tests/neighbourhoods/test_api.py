"""The neighbourhoods JSON API: public reads, staff writes, problem documents."""

import base64
import json
from functools import partial

import pytest

from app.neighbourhoods.models import Neighbourhood
from tests.conftest import problem
from tests.live import Browser, race

SQUARE = [[4.69, 52.008], [4.705, 52.008], [4.705, 52.018], [4.69, 52.018], [4.69, 52.008]]
POLYGON = {"type": "Polygon", "coordinates": [SQUARE]}


def _cursor(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


# Public reads


def test_list_answers_items_and_next_cursor(api, make_neighbourhood):
    make_neighbourhood("Noord")
    body = api.get("/neighbourhoods").get_json()
    assert [n["slug"] for n in body["items"]] == ["noord"] and body["next_cursor"] is None


def test_list_shows_public_fields_with_complexes(api, make_neighbourhood, make_household):
    noord = make_neighbourhood("Noord", focus=True, focus_reason="Zwerfvuil", boundary=POLYGON)
    make_household(noord, complex="Ronssehof")
    [item] = api.get("/neighbourhoods").get_json()["items"]
    assert item == {
        "slug": "noord",
        "name": "Noord",
        "description": "",
        "focus": True,
        "focus_reason": "Zwerfvuil",
        "boundary": POLYGON,
        "complexes": [{"id": item["complexes"][0]["id"], "name": "Ronssehof"}],
    }


def test_walking_all_pages_returns_every_neighbourhood_once_by_name(api, make_neighbourhood):
    names = ["Zuid", "Bos", "Centrum", "Akker", "Haven", "Dorp", "Molen"]
    for name in names:
        make_neighbourhood(name)
    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = api.get("/neighbourhoods", query_string=query).get_json()
        seen += [item["name"] for item in body["items"]]
        pages, cursor = pages + 1, body["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(names) and pages == 4


def test_list_returns_at_most_limit_items(api, make_neighbourhood):
    for name in ("Noord", "Oost", "Zuid"):
        make_neighbourhood(name)
    body = api.get("/neighbourhoods?limit=2").get_json()
    assert len(body["items"]) == 2 and body["next_cursor"]


def test_list_accepts_the_largest_limit(api, make_neighbourhood):
    make_neighbourhood("Noord")
    assert api.get("/neighbourhoods?limit=100").status_code == 200


@pytest.mark.parametrize("limit", ["0", "101", "-1", "abc", "1.5", ""])
def test_list_refuses_a_bad_limit(api, limit):
    body = problem(api.get(f"/neighbourhoods?limit={limit}"), 422)
    assert "limit" in body["errors"]


@pytest.mark.parametrize(
    "cursor", ["!!!", "abc", "bm90IGpzb24", _cursor({"a": 1}), _cursor(["Noord"]), _cursor([])]
)
def test_list_refuses_a_garbage_cursor(api, make_neighbourhood, cursor):
    make_neighbourhood("Noord")
    body = problem(api.get("/neighbourhoods", query_string={"cursor": cursor}), 422)
    assert "cursor" in body["errors"]


@pytest.mark.parametrize("cursor", [_cursor([{"a": 1}, [2]]), _cursor(["Noord", "een"])])
def test_list_refuses_a_cursor_with_values_of_the_wrong_type(api, make_neighbourhood, cursor):
    make_neighbourhood("Noord")
    problem(api.get("/neighbourhoods", query_string={"cursor": cursor}), 422)


def test_get_shows_one_neighbourhood(api, make_neighbourhood):
    make_neighbourhood("Korte Akkeren", description="Portiekflats")
    body = api.get("/neighbourhoods/korte-akkeren").get_json()
    assert (body["name"], body["description"]) == ("Korte Akkeren", "Portiekflats")


def test_get_unknown_neighbourhood_is_a_404_problem(api):
    problem(api.get("/neighbourhoods/nergens"), 404)


# Staff: create


def test_create_answers_201_with_slug(staff_api):
    response = staff_api.post("/neighbourhoods", json={"name": "Korte Akkeren"})
    assert response.status_code == 201
    assert response.get_json()["slug"] == "korte-akkeren"


def test_create_stores_every_field(staff_api, db):
    data = {
        "name": "Noord",
        "description": "Flats",
        "boundary": POLYGON,
        "focus": True,
        "focus_reason": "Donkere plekken",
    }
    assert staff_api.post("/neighbourhoods", json=data).status_code == 201
    stored = db.session.query(Neighbourhood).one()
    assert {k: getattr(stored, k) for k in data} == data


def test_create_tidies_the_name_and_slugifies_accents_and_spaces(staff_api):
    body = staff_api.post("/neighbourhoods", json={"name": "  Ééndracht   Zuid "}).get_json()
    assert (body["name"], body["slug"]) == ("Ééndracht Zuid", "eendracht-zuid")


def test_create_with_a_taken_name_is_a_409_problem(staff_api, make_neighbourhood, count):
    make_neighbourhood("Noord")
    body = problem(staff_api.post("/neighbourhoods", json={"name": "Noord"}), 409)
    assert "name" in body["errors"] and count(Neighbourhood) == 1


def test_create_with_the_same_slug_base_gets_a_numbered_slug(staff_api, make_neighbourhood):
    make_neighbourhood("Oud-Zuid")
    assert staff_api.post("/neighbourhoods", json={"name": "Oud Zuid"}).get_json()["slug"] == (
        "oud-zuid-2"
    )


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_create_focus_without_reason_is_refused_on_focus_reason(staff_api, count, reason):
    data = {"name": "Noord", "focus": True}
    if reason is not None:
        data["focus_reason"] = reason
    body = problem(staff_api.post("/neighbourhoods", json=data), 422)
    assert "focus_reason" in body["errors"] and count(Neighbourhood) == 0


@pytest.mark.parametrize(
    "data, field",
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "N"}, "name"),
        ({"name": "N" * 81}, "name"),
        ({"name": 12}, "name"),
        ({"name": None}, "name"),
        ({"name": ["Noord"]}, "name"),
        ({"name": "Noord", "description": "x" * 5001}, "description"),
        ({"name": "Noord", "description": 5}, "description"),
        ({"name": "Noord", "focus": "misschien"}, "focus"),
        ({"name": "Noord", "focus": None}, "focus"),
        ({"name": "Noord", "focus_reason": "x" * 1001}, "focus_reason"),
        ({"name": "Noord", "slug": "eigen"}, "slug"),
        ({"name": "Noord", "id": 1}, "id"),
    ],
)
def test_create_refuses_bad_fields(staff_api, count, data, field):
    body = problem(staff_api.post("/neighbourhoods", json=data), 422)
    assert field in body["errors"] and count(Neighbourhood) == 0


@pytest.mark.parametrize("payload", [[{"name": "Noord"}], "Noord", 12, None])
def test_create_refuses_a_body_that_is_not_an_object(staff_api, count, payload):
    response = staff_api.post(
        "/neighbourhoods", data=json.dumps(payload), content_type="application/json"
    )
    problem(response, 422)
    assert count(Neighbourhood) == 0


def test_create_with_malformed_json_is_a_400_problem(staff_api):
    response = staff_api.post("/neighbourhoods", data='{"name": ', content_type="application/json")
    problem(response, 400)


def test_create_with_another_content_type_is_a_415_problem(staff_api):
    response = staff_api.post("/neighbourhoods", data="name=Noord", content_type="text/plain")
    problem(response, 415)


def test_create_with_an_oversized_body_is_a_413_problem(staff_api):
    data = {"name": "Noord", "description": "x" * 1_100_000}
    problem(staff_api.post("/neighbourhoods", json=data), 413)


def test_create_without_csrf_token_is_refused(staff_api, count):
    response = staff_api.post("/neighbourhoods", json={"name": "Noord"}, csrf=False)
    problem(response, 400)
    assert count(Neighbourhood) == 0


# Staff: boundary


def test_create_accepts_a_multipolygon_boundary(staff_api):
    boundary = {"type": "MultiPolygon", "coordinates": [[SQUARE], [SQUARE]]}
    response = staff_api.post("/neighbourhoods", json={"name": "Noord", "boundary": boundary})
    assert response.status_code == 201 and response.get_json()["boundary"] == boundary


def test_create_accepts_a_polygon_with_a_hole_and_altitudes(staff_api):
    hole = [[4.7, 52.01, 0], [4.701, 52.01, 0], [4.701, 52.011, 0], [4.7, 52.01, 0]]
    boundary = {"type": "Polygon", "coordinates": [SQUARE, hole]}
    response = staff_api.post("/neighbourhoods", json={"name": "Noord", "boundary": boundary})
    assert response.status_code == 201


def test_create_accepts_no_boundary(staff_api):
    response = staff_api.post("/neighbourhoods", json={"name": "Noord", "boundary": None})
    assert response.get_json()["boundary"] is None


OPEN_RING = [*SQUARE[:-1], [4.69, 52.009]]


@pytest.mark.parametrize(
    "boundary",
    [
        {"type": "Point", "coordinates": [4.69, 52.0]},
        {"type": "LineString", "coordinates": SQUARE},
        {"type": "Feature", "geometry": POLYGON},
        {"type": "Polygon"},
        {"coordinates": [SQUARE]},
        {"type": "Polygon", "coordinates": []},
        {"type": "Polygon", "coordinates": [OPEN_RING]},
        {"type": "Polygon", "coordinates": [SQUARE[:2] + SQUARE[:1]]},
        {"type": "Polygon", "coordinates": SQUARE},
        {"type": "Polygon", "coordinates": "4.69 52.0"},
        {"type": "Polygon", "coordinates": [[[181, 52], [4, 52], [4, 53], [181, 52]]]},
        {"type": "Polygon", "coordinates": [[[-181, 52], [4, 52], [4, 53], [-181, 52]]]},
        {"type": "Polygon", "coordinates": [[[4, 91], [4, 52], [5, 52], [4, 91]]]},
        {"type": "Polygon", "coordinates": [[[4, -91], [4, 52], [5, 52], [4, -91]]]},
        {"type": "Polygon", "coordinates": [[["4", "52"], [4, 53], [5, 53], ["4", "52"]]]},
        {"type": "Polygon", "coordinates": [[[True, 52], [4, 53], [5, 53], [True, 52]]]},
        {"type": "Polygon", "coordinates": [[[4], [4, 53], [5, 53], [4]]]},
        {"type": "Polygon", "coordinates": [[[4, 52, 0, 0], [4, 53], [5, 53], [4, 52, 0, 0]]]},
        {"type": "Polygon", "coordinates": [[None, [4, 53], [5, 53], None]]},
        {"type": "MultiPolygon", "coordinates": []},
        {"type": "MultiPolygon", "coordinates": [SQUARE]},
        {"type": "MultiPolygon", "coordinates": [[SQUARE], [[OPEN_RING]]]},
        {"type": "MultiPolygon", "coordinates": {"0": [SQUARE]}},
        {"type": "GeometryCollection", "geometries": [POLYGON]},
    ],
)
def test_create_refuses_an_invalid_boundary(staff_api, count, boundary):
    response = staff_api.post("/neighbourhoods", json={"name": "Noord", "boundary": boundary})
    assert "boundary" in problem(response, 422)["errors"]
    assert count(Neighbourhood) == 0


@pytest.mark.parametrize("boundary", ["POLYGON((4 52, 5 52, 5 53, 4 52))", [SQUARE], 12, True])
def test_create_refuses_a_boundary_that_is_not_an_object(staff_api, boundary):
    response = staff_api.post("/neighbourhoods", json={"name": "Noord", "boundary": boundary})
    assert "boundary" in problem(response, 422)["errors"]


def test_create_refuses_a_boundary_with_too_many_points(staff_api):
    ring = [[4, 52]] * 20_001  # short numbers: the body must stay under MAX_JSON_BYTES
    boundary = {"type": "Polygon", "coordinates": [ring]}
    response = staff_api.post("/neighbourhoods", json={"name": "Noord", "boundary": boundary})
    assert "boundary" in problem(response, 422)["errors"]


def test_create_refuses_non_finite_coordinates(staff_api):
    body = '{"name": "Noord", "boundary": {"type": "Polygon", "coordinates": '
    body += "[[[NaN, 52], [4, 53], [5, 53], [NaN, 52]]]}}"
    response = staff_api.post("/neighbourhoods", data=body, content_type="application/json")
    assert "boundary" in problem(response, 422)["errors"]


# Staff: update


def test_rename_keeps_the_slug(staff_api, make_neighbourhood):
    make_neighbourhood("Noord")
    body = staff_api.patch("/neighbourhoods/noord", json={"name": "Gouda-Noord"}).get_json()
    assert (body["name"], body["slug"]) == ("Gouda-Noord", "noord")
    assert staff_api.get("/neighbourhoods/noord").get_json()["name"] == "Gouda-Noord"


def test_update_changes_only_the_fields_sent(staff_api, make_neighbourhood):
    make_neighbourhood("Noord", description="Flats", focus=True, focus_reason="Zwerfvuil")
    body = staff_api.patch("/neighbourhoods/noord", json={"boundary": POLYGON}).get_json()
    assert (body["name"], body["description"], body["focus_reason"]) == (
        "Noord",
        "Flats",
        "Zwerfvuil",
    )
    assert body["focus"] is True and body["boundary"] == POLYGON


def test_update_with_an_empty_object_changes_nothing(staff_api, make_neighbourhood):
    make_neighbourhood("Noord", description="Flats")
    before = staff_api.get("/neighbourhoods/noord").get_json()
    response = staff_api.patch("/neighbourhoods/noord", json={})
    assert response.status_code == 200 and response.get_json() == before


def test_update_can_clear_the_boundary(staff_api, make_neighbourhood):
    make_neighbourhood("Noord", boundary=POLYGON)
    body = staff_api.patch("/neighbourhoods/noord", json={"boundary": None}).get_json()
    assert body["boundary"] is None


def test_update_can_end_focus(staff_api, make_neighbourhood):
    make_neighbourhood("Noord", focus=True, focus_reason="Zwerfvuil")
    assert (
        staff_api.patch("/neighbourhoods/noord", json={"focus": False}).get_json()["focus"] is False
    )


def test_update_to_focus_without_reason_is_refused_and_changes_nothing(
    staff_api, make_neighbourhood
):
    make_neighbourhood("Noord", description="Flats")
    response = staff_api.patch(
        "/neighbourhoods/noord", json={"focus": True, "description": "Anders"}
    )
    assert "focus_reason" in problem(response, 422)["errors"]
    after = staff_api.get("/neighbourhoods/noord").get_json()
    assert (after["focus"], after["description"]) == (False, "Flats")


def test_update_to_a_taken_name_is_a_409_problem(staff_api, make_neighbourhood):
    make_neighbourhood("Noord")
    make_neighbourhood("Zuid")
    body = problem(staff_api.patch("/neighbourhoods/zuid", json={"name": "Noord"}), 409)
    assert "name" in body["errors"]


@pytest.mark.parametrize(
    "data, field",
    [
        ({"name": None}, "name"),
        ({"name": ""}, "name"),
        ({"name": 7}, "name"),
        ({"slug": "ander"}, "slug"),
        ({"description": None}, "description"),
        ({"focus": "ja graag"}, "focus"),
        ({"boundary": {"type": "Point", "coordinates": [4, 52]}}, "boundary"),
    ],
)
def test_update_refuses_bad_fields(staff_api, make_neighbourhood, data, field):
    make_neighbourhood("Noord")
    assert field in problem(staff_api.patch("/neighbourhoods/noord", json=data), 422)["errors"]
    assert staff_api.get("/neighbourhoods/noord").get_json()["name"] == "Noord"


def test_update_unknown_neighbourhood_is_a_404_problem(staff_api):
    problem(staff_api.patch("/neighbourhoods/nergens", json={"name": "Ergens"}), 404)


def test_openapi_documents_the_three_import_body_types(api):
    spec = api.get("/openapi.json").get_json()
    body = spec["paths"]["/api/v1/neighbourhoods/{slug}/households"]["post"]["requestBody"]
    assert set(body["content"]) == {"application/json", "text/csv", "multipart/form-data"}


def test_creating_one_name_twice_at_once_makes_one_neighbourhood(live_url, db, make_user, count):
    emails = [make_user("staff").email for _ in range(2)]
    db.session.commit()  # the test holds no transaction while the server works
    browsers = [Browser(live_url), Browser(live_url)]
    for browser, email in zip(browsers, emails, strict=True):
        browser.login(email)
    for name in ("Oost", "West", "Zuid"):  # a few rounds, so the race is really run
        statuses = race(
            *(partial(b.call, "POST", "/api/v1/neighbourhoods", {"name": name}) for b in browsers)
        )
        assert sorted(statuses) == [201, 409], statuses
    assert count(Neighbourhood) == 3
