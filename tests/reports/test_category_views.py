"""The staff pages for report categories: list, add, change, and who may use them."""

from __future__ import annotations

import pytest

from app.reports.models import Category
from tests.conftest import form_token

NEW = {
    "code": "kapotte-bank",
    "name_nl": "Kapotte bank",
    "name_en": "Broken bench",
    "theme": "heel",
    "icon": "warning",
    "handling_days": "7",
    "nearby_metres": "40",
    "position": "200",
    "active": "y",
    "questions-0-code": "plek",
    "questions-0-datatype": "singlevaluelist",
    "questions-0-required": "y",
    "questions-0-label_nl": "Waar?",
    "questions-0-label_en": "Where?",
    "questions-0-options": "park | Park | Park\nplein | Plein | Square",
}


@pytest.fixture
def as_staff(client, login, staff):
    """The default client, logged in as staff of the whole corporation."""
    login(staff)
    return client


def post(client, path: str, data: dict):
    return client.post(path, data={**data, "csrf_token": form_token(client.get(path))})


def test_staff_see_every_category_also_inactive_ones(as_staff, db):
    db.session.query(Category).filter_by(code="groen").one().active = False
    db.session.commit()
    page = as_staff.get("/beheer/categorieen").get_data(as_text=True)
    assert "Lekkage" in page and "Groen en bomen" in page and "Niet actief" in page


def test_staff_add_a_category_with_a_list_question(as_staff, db):
    response = post(as_staff, "/beheer/categorieen/nieuw", NEW)
    assert response.status_code == 302
    category = db.session.query(Category).filter_by(code="kapotte-bank").one()
    assert category.handling_days == 7 and category.active
    [question] = category.questions
    assert question["required"] is True
    assert question["values"][1] == {"key": "plein", "name_nl": "Plein", "name_en": "Square"}


def test_staff_change_a_category_and_remove_its_question(as_staff, db):
    page = as_staff.get("/beheer/categorieen/lekkage").get_data(as_text=True)
    assert 'value="Lekkage"' in page and "keuken | Keuken | Kitchen" in page
    data = {
        "name_nl": "Lekkage of wateroverlast",
        "name_en": "Leak",
        "theme": "heel",
        "icon": "drop",
        "private": "y",
        "handling_days": "1",
        "nearby_metres": "50",
        "position": "0",
        "active": "y",
        "questions-0-code": "",
        "questions-0-datatype": "string",
    }
    assert post(as_staff, "/beheer/categorieen/lekkage", data).status_code == 302
    category = db.session.query(Category).filter_by(code="lekkage").one()
    db.session.refresh(category)
    assert category.name_nl == "Lekkage of wateroverlast"
    assert category.questions == [] and category.handling_days == 1


def test_a_list_question_without_choices_is_shown_as_an_error(as_staff, db):
    data = {**NEW, "questions-0-options": ""}
    response = post(as_staff, "/beheer/categorieen/nieuw", data)
    assert response.status_code == 200
    assert "Een keuzevraag heeft antwoorden nodig." in response.get_data(as_text=True)
    assert db.session.query(Category).filter_by(code="kapotte-bank").count() == 0


def test_an_empty_name_is_shown_as_an_error(as_staff):
    response = post(as_staff, "/beheer/categorieen/nieuw", {**NEW, "name_nl": ""})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_residents_and_assigned_staff_may_not_manage_categories(
    client, login, resident, make_user, assign, wijk
):
    login(resident)
    assert client.get("/beheer/categorieen").status_code == 403
    assigned = make_user("staff")
    assign(assigned, wijk)
    client.post("/uitloggen", data={"csrf_token": form_token(client.get("/uitloggen"))})
    login(assigned)
    assert client.get("/beheer/categorieen/lekkage").status_code == 403


def test_visitors_are_sent_to_log_in(client):
    response = client.get("/beheer/categorieen")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
