"""The HTML pages: neighbourhoods for everyone, and the staff pages under /beheer."""

import io
import re

import pytest
from sqlalchemy import select

from app.neighbourhoods import services
from app.neighbourhoods.models import Household, InviteCode, Neighbourhood
from tests.conftest import form_token
from tests.neighbourhoods.helpers import CODE_PATTERN, csv_file, row

SQUARE = [[4.69, 52.008], [4.705, 52.008], [4.705, 52.018], [4.69, 52.018], [4.69, 52.008]]


@pytest.fixture
def staff_client(client, login, staff):
    """The browser, logged in as a staff member who manages every neighbourhood."""
    login(staff)
    return client


def _text(response) -> str:
    return response.get_data(as_text=True)


def _form(client, path: str, **fields):
    token = form_token(client.get(path))
    return client.post(path, data={"csrf_token": token, **fields})


def _upload(client, body: bytes, slug: str = "noord"):
    token = form_token(client.get(f"/beheer/wijken/{slug}"))
    data = {"csrf_token": token, "file": (io.BytesIO(body), "adressen.csv")}
    return client.post(f"/beheer/wijken/{slug}/adressen", data=data)


# Public pages


def test_neighbourhood_list_shows_every_neighbourhood_by_name(client, make_neighbourhood):
    for name in ("Zuid", "Noord", "Bloemendaal"):
        make_neighbourhood(name)
    page = _text(client.get("/wijken"))
    assert [page.index(n) for n in ("Bloemendaal", "Noord", "Zuid")] == sorted(
        page.index(n) for n in ("Bloemendaal", "Noord", "Zuid")
    )
    assert 'href="/wijken/noord"' in page


def test_neighbourhood_list_marks_focus_neighbourhoods(client, make_neighbourhood):
    make_neighbourhood("Noord", focus=True, focus_reason="Zwerfvuil")
    assert "Focuswijk" in _text(client.get("/wijken"))


def test_neighbourhood_page_shows_details_and_complexes(client, make_neighbourhood, make_household):
    noord = make_neighbourhood(
        "Noord", description="Portiekflats", focus=True, focus_reason="Donkere plekken"
    )
    make_household(noord, complex="Ronssehof")
    page = _text(client.get("/wijken/noord"))
    for text in ("Noord", "Portiekflats", "Focuswijk", "Donkere plekken", "Ronssehof"):
        assert text in page


def test_neighbourhood_page_does_not_show_addresses(client, make_neighbourhood, make_household):
    make_household(make_neighbourhood("Noord"), street="Geheimstraat")
    assert "Geheimstraat" not in _text(client.get("/wijken/noord"))


def test_unknown_neighbourhood_page_is_a_404_page(client):
    response = client.get("/wijken/nergens")
    assert (response.status_code, response.mimetype) == (404, "text/html")


def test_names_are_escaped_on_the_pages(client, make_neighbourhood):
    make_neighbourhood("<script>alert(1)</script>", description="<b>vet</b>")
    for path in ("/wijken", "/wijken/script-alert-1-script"):
        page = _text(client.get(path))
        assert "<script>alert" not in page and "&lt;script&gt;alert(1)" in page


# /beheer/wijken


def test_staff_list_shows_neighbourhoods_and_the_new_form(staff_client, make_neighbourhood):
    make_neighbourhood("Noord")
    page = _text(staff_client.get("/beheer/wijken"))
    assert 'href="/beheer/wijken/noord"' in page and 'name="focus_reason"' in page


def test_staff_list_shows_only_assigned_neighbourhoods(
    client, login, make_user, make_neighbourhood, assign
):
    noord = make_neighbourhood("Noord")
    make_neighbourhood("Zuid")
    staff = make_user("staff")
    assign(staff, noord)
    login(staff)
    page = _text(client.get("/beheer/wijken"))
    assert "/beheer/wijken/noord" in page and "/beheer/wijken/zuid" not in page


def test_create_form_adds_a_neighbourhood(staff_client, db):
    response = _form(
        staff_client,
        "/beheer/wijken",
        name=" Oud  Zuid ",
        description="Flats",
        focus="y",
        focus_reason="Zwerfvuil",
    )
    assert (response.status_code, response.headers["Location"]) == (302, "/beheer/wijken/oud-zuid")
    db.session.commit()
    stored = db.session.scalar(select(Neighbourhood))
    assert (stored.name, stored.description, stored.focus) == ("Oud Zuid", "Flats", True)


def test_create_form_asks_why_for_focus(staff_client, count):
    response = _form(staff_client, "/beheer/wijken", name="Noord", focus="y")
    assert response.status_code == 422
    assert "Schrijf op waarom dit een focuswijk is." in _text(response)
    assert count(Neighbourhood) == 0


def test_create_form_refuses_a_taken_name(staff_client, make_neighbourhood, count):
    make_neighbourhood("Noord")
    response = _form(staff_client, "/beheer/wijken", name="Noord")
    assert response.status_code == 422 and "Er is al een wijk met deze naam." in _text(response)
    assert count(Neighbourhood) == 1


def test_create_form_needs_a_name(staff_client, count):
    response = _form(staff_client, "/beheer/wijken", name="   ")
    assert response.status_code == 422 and "Vul dit in." in _text(response)
    assert count(Neighbourhood) == 0


def test_create_form_refuses_assigned_staff(
    client, login, make_user, make_neighbourhood, assign, count
):
    staff = make_user("staff")
    assign(staff, make_neighbourhood("Noord"))
    login(staff)
    response = _form(client, "/beheer/wijken", name="Zuid")
    assert response.status_code == 422
    assert "Alleen medewerkers die voor de hele woningcorporatie werken" in _text(response)
    assert count(Neighbourhood) == 1


def test_create_form_needs_its_csrf_token(staff_client, count):
    assert staff_client.post("/beheer/wijken", data={"name": "Noord"}).status_code == 400
    assert count(Neighbourhood) == 0


def test_create_form_by_resident_is_forbidden(client, login, make_user, count):
    login(make_user())
    token = form_token(client.get("/account"))
    response = client.post("/beheer/wijken", data={"name": "Noord", "csrf_token": token})
    assert response.status_code == 403 and count(Neighbourhood) == 0


# /beheer/wijken/<slug>


def test_manage_page_shows_the_filled_in_form_and_addresses(
    staff_client, make_neighbourhood, make_household
):
    noord = make_neighbourhood("Noord", description="Portiekflats")
    make_household(noord, number=1, postcode="2806AB", complex="Ronssehof")
    page = _text(staff_client.get("/beheer/wijken/noord"))
    assert 'value="Noord"' in page and "Portiekflats</textarea>" in page
    assert "Lindelaan 1, 2806 AB Gouda" in page and "Ronssehof" in page
    assert "Adressen (1)" in page and "Nieuwe code" in page


def test_manage_form_renames_and_keeps_the_slug(staff_client, make_neighbourhood, db):
    make_neighbourhood("Noord")
    response = _form(staff_client, "/beheer/wijken/noord", name="Gouda-Noord")
    assert (response.status_code, response.headers["Location"]) == (302, "/beheer/wijken/noord")
    assert "Opgeslagen." in _text(staff_client.get("/beheer/wijken/noord"))
    db.session.commit()
    assert db.session.scalar(select(Neighbourhood.name)) == "Gouda-Noord"


def test_manage_form_keeps_the_boundary(staff_client, make_neighbourhood, db):
    boundary = {"type": "Polygon", "coordinates": [SQUARE]}
    make_neighbourhood("Noord", boundary=boundary)
    _form(staff_client, "/beheer/wijken/noord", name="Noord", description="Nieuw")
    db.session.commit()
    assert db.session.scalar(select(Neighbourhood.boundary)) == boundary


def test_manage_form_asks_why_for_focus(staff_client, make_neighbourhood, db):
    make_neighbourhood("Noord")
    response = _form(staff_client, "/beheer/wijken/noord", name="Noord", focus="y")
    assert response.status_code == 422
    assert "Schrijf op waarom dit een focuswijk is." in _text(response)
    db.session.commit()
    assert db.session.scalar(select(Neighbourhood.focus)) is False


def test_manage_form_refuses_a_taken_name(staff_client, make_neighbourhood):
    make_neighbourhood("Noord")
    make_neighbourhood("Zuid")
    response = _form(staff_client, "/beheer/wijken/zuid", name="Noord")
    assert response.status_code == 422 and "Er is al een wijk met deze naam." in _text(response)


def test_manage_page_of_unknown_neighbourhood_is_a_404_page(staff_client):
    assert staff_client.get("/beheer/wijken/nergens").status_code == 404


def test_manage_form_by_staff_of_another_neighbourhood_is_forbidden(
    client, login, make_user, make_neighbourhood, assign, db
):
    noord = make_neighbourhood("Noord")
    make_neighbourhood("Zuid")
    staff = make_user("staff")
    assign(staff, noord)
    login(staff)
    token = form_token(client.get("/beheer/wijken/noord"))
    response = client.post("/beheer/wijken/zuid", data={"name": "Gekaapt", "csrf_token": token})
    assert response.status_code == 403
    db.session.commit()
    assert db.session.scalar(select(Neighbourhood.name).where(Neighbourhood.slug == "zuid")) == (
        "Zuid"
    )


def test_manage_page_pages_through_addresses(staff_client, make_neighbourhood, db, admin):
    noord = make_neighbourhood("Noord")
    rows = [{**row(n), "addition": "", "complex": None} for n in range(1, 52)]
    services.import_households(db.session, admin, noord, rows)
    db.session.commit()
    first = _text(staff_client.get("/beheer/wijken/noord"))
    assert "Adressen (51)" in first and first.count("Nieuwe code") == 50
    cursor = re.search(r'href="\?cursor=([^"]+)"', first).group(1)
    second = _text(staff_client.get(f"/beheer/wijken/noord?cursor={cursor}"))
    assert second.count("Nieuwe code") == 1 and "Lindelaan 51," in second


def test_manage_page_with_a_garbage_cursor_is_refused(staff_client, make_neighbourhood):
    make_neighbourhood("Noord")
    assert staff_client.get("/beheer/wijken/noord?cursor=%%%").status_code == 422


# "New code" button


def test_new_code_button_shows_the_code_once(staff_client, make_neighbourhood, make_household):
    household = make_household(make_neighbourhood("Noord"), number=1, postcode="2806AB")
    path = f"/beheer/adressen/{household.id}/code"
    token = form_token(staff_client.get("/beheer/wijken/noord"))
    response = staff_client.post(path, data={"csrf_token": token})
    assert response.status_code == 200
    page = _text(response)
    code = re.search(r'class="invite-code">([^<]+)<', page).group(1)
    assert re.match(CODE_PATTERN, code) and "Lindelaan 1, 2806 AB Gouda" in page
    assert code not in _text(staff_client.get("/beheer/wijken/noord"))


def test_code_from_the_button_links_a_resident(
    staff_client, make_api, resident, make_neighbourhood, make_household
):
    household = make_household(make_neighbourhood("Noord"), number=1, postcode="2806AB")
    token = form_token(staff_client.get("/beheer/wijken/noord"))
    page = _text(
        staff_client.post(f"/beheer/adressen/{household.id}/code", data={"csrf_token": token})
    )
    code = re.search(r'class="invite-code">([^<]+)<', page).group(1)
    api = make_api()
    api.login(resident.email)
    assert api.post("/me/verify", json={"code": code}).get_json()["verified"] is True


def test_new_code_button_for_unknown_address_is_a_404_page(staff_client, make_neighbourhood):
    make_neighbourhood("Noord")
    token = form_token(staff_client.get("/beheer/wijken/noord"))
    assert (
        staff_client.post("/beheer/adressen/999999/code", data={"csrf_token": token}).status_code
        == 404
    )


def test_new_code_button_for_another_neighbourhood_is_forbidden(
    client, login, make_user, make_neighbourhood, make_household, assign, count
):
    noord = make_neighbourhood("Noord")
    household = make_household(make_neighbourhood("Zuid"), number=1, postcode="2806AB")
    staff = make_user("staff")
    assign(staff, noord)
    login(staff)
    token = form_token(client.get("/beheer/wijken/noord"))
    response = client.post(f"/beheer/adressen/{household.id}/code", data={"csrf_token": token})
    assert response.status_code == 403 and count(InviteCode) == 0


def test_new_code_button_by_resident_is_forbidden(client, login, make_user, make_household):
    household = make_household()
    login(make_user())
    token = form_token(client.get("/account"))
    response = client.post(f"/beheer/adressen/{household.id}/code", data={"csrf_token": token})
    assert response.status_code == 403


# Uploading addresses


def test_upload_adds_the_addresses(staff_client, make_neighbourhood, count):
    make_neighbourhood("Noord")
    body = csv_file("Ronsseweg;1;;2806 ab;Gouda;Ronssehof", "Ronsseweg;2;A;2806AB;Gouda;Ronssehof")
    response = _upload(staff_client, body)
    assert (response.status_code, response.headers["Location"]) == (302, "/beheer/wijken/noord")
    page = _text(staff_client.get("/beheer/wijken/noord"))
    assert "Adressen toegevoegd: 2." in page and "Ronsseweg 2-A, 2806 AB Gouda" in page
    assert count(Household) == 2


def test_upload_of_a_cp1252_file_keeps_accents(staff_client, make_neighbourhood):
    make_neighbourhood("Noord")
    _upload(staff_client, csv_file("Hélène Swarthstraat;4;;2806AB;Gouda;", encoding="cp1252"))
    assert "Hélène Swarthstraat 4" in _text(staff_client.get("/beheer/wijken/noord"))


def test_upload_with_a_duplicate_names_both_file_lines(staff_client, make_neighbourhood, count):
    make_neighbourhood("Noord")
    body = csv_file(
        "Lindelaan;1;;2806AB;Gouda;", "Lindelaan;2;;2806AB;Gouda;", "Lindelaan;1;;2806AB;Gouda;"
    )
    response = _upload(staff_client, body)
    page = _text(response)
    assert response.status_code == 422 and "Importeren mislukt" in page
    assert "Regel 4 van het bestand" in page and "Dit adres staat ook in regel 2." in page
    assert count(Household) == 0


def test_upload_with_an_existing_address_imports_nothing(
    staff_client, make_neighbourhood, make_household, count
):
    noord = make_neighbourhood("Noord")
    make_household(noord, number=2, postcode="2806AB")
    response = _upload(
        staff_client, csv_file("Lindelaan;1;;2806AB;Gouda;", "Lindelaan;2;;2806AB;Gouda;")
    )
    page = _text(response)
    assert "Regel 3 van het bestand" in page and "Dit adres is al toegevoegd." in page
    assert count(Household) == 1


def test_upload_shows_invalid_rows_with_line_and_column(staff_client, make_neighbourhood, count):
    make_neighbourhood("Noord")
    body = csv_file("Lindelaan;1;;2806AB;Gouda;", ";2;;2806AB;Gouda;", "Lindelaan;3;;28O6AB;Gouda;")
    response = _upload(staff_client, body)
    page = _text(response)
    assert response.status_code == 422
    assert re.search(r"Regel 3 van het bestand:\s*street: Dit veld is verplicht.", page), page
    assert re.search(r"Regel 4 van het bestand:\s*postcode: Vul een Nederlandse postcode", page)
    assert count(Household) == 0


def test_upload_of_a_file_without_homes_says_why(staff_client, make_neighbourhood):
    make_neighbourhood("Noord")
    response = _upload(staff_client, csv_file())
    assert response.status_code == 422
    assert "Stuur 1 tot en met 5000 woningen per keer." in _text(response)


def test_upload_of_binary_garbage_is_refused(staff_client, make_neighbourhood, count):
    make_neighbourhood("Noord")
    response = _upload(staff_client, bytes(range(256)) * 4)
    assert response.status_code == 422
    assert "Dit bestand is geen CSV-tekstbestand." in _text(response)
    assert count(Household) == 0


def test_upload_without_a_file_asks_for_one(staff_client, make_neighbourhood):
    make_neighbourhood("Noord")
    token = form_token(staff_client.get("/beheer/wijken/noord"))
    response = staff_client.post("/beheer/wijken/noord/adressen", data={"csrf_token": token})
    assert response.status_code == 422 and "Kies een CSV-bestand." in _text(response)


def test_upload_into_another_neighbourhood_is_forbidden(
    client, login, make_user, make_neighbourhood, assign, count
):
    noord = make_neighbourhood("Noord")
    make_neighbourhood("Zuid")
    staff = make_user("staff")
    assign(staff, noord)
    login(staff)
    response = _upload(client, csv_file("Lindelaan;1;;2806AB;Gouda;"), slug="noord")
    assert response.status_code == 302
    token = form_token(client.get("/beheer/wijken/noord"))
    data = {
        "csrf_token": token,
        "file": (io.BytesIO(csv_file("Lindelaan;9;;2806AB;Gouda;")), "a.csv"),
    }
    assert client.post("/beheer/wijken/zuid/adressen", data=data).status_code == 403
    assert count(Household) == 1


def test_manage_form_needs_a_name(staff_client, make_neighbourhood, db):
    make_neighbourhood("Noord")
    response = _form(staff_client, "/beheer/wijken/noord", name="")
    assert response.status_code == 422 and "Vul dit in." in _text(response)
    db.session.commit()
    assert db.session.scalar(select(Neighbourhood.name)) == "Noord"


def test_address_list_loads_complexes_in_one_query(client, login, make_user, db, admin):
    from sqlalchemy import event

    from app.neighbourhoods import services

    neighbourhood = services.create_neighbourhood(db.session, admin, {"name": "Telwijk"})
    rows = [
        {
            "street": "Lindelaan",
            "number": n,
            "addition": "",
            "postcode": "2806AB",
            "city": "Gouda",
            "complex": f"Blok {n}",
        }
        for n in range(1, 21)
    ]
    services.import_households(db.session, admin, neighbourhood, rows)
    db.session.commit()
    login(make_user("staff"))
    statements = []

    def count(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = client.get("/beheer/wijken/telwijk")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert page.status_code == 200 and b"Blok 20" in page.data
    assert len(statements) < 12, statements
