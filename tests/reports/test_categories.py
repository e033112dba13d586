"""Report categories: the standard set, languages, admin management."""

from __future__ import annotations

from tests.conftest import problem

NEW = {
    "code": "kapotte-bank",
    "name_nl": "Kapotte bank",
    "name_en": "Broken bench",
    "theme": "heel",
}


def test_categories_list_the_standard_dutch_set_in_order(api):
    items = api.get("/report-categories").get_json()["items"]
    codes = [item["code"] for item in items]
    assert codes[:3] == ["lekkage", "verwarming", "elektra"]
    assert {"zwerfvuil", "grofvuil", "graffiti", "lift", "overlast", "groen"} <= set(codes)
    lekkage = items[0]
    assert lekkage["name"] == "Lekkage"
    assert lekkage["private"] is True
    assert lekkage["questions"][0]["label"] == "In welke ruimte?"


def test_categories_speak_english_when_asked(api):
    headers = {"Accept-Language": "en"}
    lekkage = api.get("/report-categories", headers=headers).get_json()["items"][0]
    assert lekkage["name"] == "Leak"
    assert lekkage["questions"][0]["values"][0] == {"key": "keuken", "name": "Kitchen"}


def test_inactive_categories_are_hidden_except_for_admins_who_ask(api, api_as, admin):
    manager = api_as(admin)
    assert manager.patch("/report-categories/groen", json={"active": False}).status_code == 200
    assert "groen" not in [i["code"] for i in api.get("/report-categories").get_json()["items"]]
    everything = manager.get("/report-categories?include_inactive=true").get_json()["items"]
    assert "groen" in [item["code"] for item in everything]


def test_admin_adds_a_category_with_a_list_question(api_as, admin):
    question = {
        "code": "plek",
        "datatype": "singlevaluelist",
        "required": True,
        "label_nl": "Waar?",
        "label_en": "Where?",
        "values": [{"key": "park", "name_nl": "Park", "name_en": "Park"}],
    }
    response = api_as(admin).post("/report-categories", json={**NEW, "questions": [question]})
    assert response.status_code == 201
    assert response.get_json()["questions"][0]["values"] == [{"key": "park", "name": "Park"}]


def test_a_list_question_needs_options(api_as, admin):
    question = {"code": "plek", "datatype": "multivaluelist", "label_nl": "W", "label_en": "W"}
    response = api_as(admin).post("/report-categories", json={**NEW, "questions": [question]})
    assert "values" in str(problem(response, 422)["errors"])


def test_category_codes_are_unique(api_as, admin):
    response = api_as(admin).post("/report-categories", json={**NEW, "code": "lift"})
    problem(response, 409)


def test_staff_of_the_whole_corporation_manage_categories(api_as, staff):
    manager = api_as(staff)
    assert manager.post("/report-categories", json=NEW).status_code == 201
    assert manager.patch("/report-categories/lift", json={"handling_days": 2}).status_code == 200


def test_residents_cannot_manage_categories_and_learn_nothing(api_as, resident):
    problem(api_as(resident).post("/report-categories", json={"code": "!"}), 403)
    problem(api_as(resident).patch("/report-categories/lift", json={"active": False}), 403)


def test_staff_tied_to_neighbourhoods_cannot_manage_categories(api_as, staff, assign, wijk):
    assign(staff, wijk)
    problem(api_as(staff).post("/report-categories", json=NEW), 403)
    problem(api_as(staff).patch("/report-categories/lift", json={"active": False}), 403)


def test_visitors_must_log_in_to_manage_categories(api):
    problem(api.post("/report-categories", json=NEW), 401)
