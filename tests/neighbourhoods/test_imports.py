"""Importing homes through the API: JSON, CSV bodies and uploads; all rows or none."""

import io
import random
from functools import partial

import pytest
from sqlalchemy import select

from app.neighbourhoods.models import Complex, Household
from tests.conftest import problem
from tests.live import Browser, race
from tests.neighbourhoods.helpers import csv_file, row

URL = "/neighbourhoods/noord/households"


@pytest.fixture
def noord(make_neighbourhood):
    return make_neighbourhood("Noord")


def _post_csv(api, body: bytes, content_type: str = "text/csv"):
    return api.post(URL, data=body, content_type=content_type)


def _upload(api, body: bytes, filename: str = "adressen.csv"):
    return api.post(URL, data={"file": (io.BytesIO(body), filename)})


def _addresses(db) -> list[str]:
    db.session.commit()
    return [h.address_line for h in db.session.scalars(select(Household).order_by(Household.id))]


# JSON


def test_json_import_answers_201_with_the_new_homes(staff_api, noord):
    response = staff_api.post(URL, json={"households": [row(1), row(2, complex="Ronssehof")]})
    assert response.status_code == 201
    items = response.get_json()["items"]
    assert [set(item) for item in items] == [
        {
            "id",
            "street",
            "number",
            "addition",
            "postcode",
            "city",
            "address",
            "neighbourhood",
            "complex",
        }
    ] * 2
    assert [(i["address"], i["neighbourhood"], i["complex"]) for i in items] == [
        ("Lindelaan 1, 2806 AB Gouda", "noord", None),
        ("Lindelaan 2, 2806 AB Gouda", "noord", "Ronssehof"),
    ]


def test_json_import_stores_the_homes(staff_api, noord, db):
    staff_api.post(URL, json={"households": [row(1), row(3)]})
    assert _addresses(db) == ["Lindelaan 1, 2806 AB Gouda", "Lindelaan 3, 2806 AB Gouda"]


def test_import_normalises_postcode_and_addition(staff_api, noord):
    data = {"households": [row(1, postcode=" 2806 ab ", addition=" b2 ")]}
    [item] = staff_api.post(URL, json=data).get_json()["items"]
    assert (item["postcode"], item["addition"]) == ("2806AB", "B2")


def test_import_tidies_white_space_in_street_and_city(staff_api, noord):
    data = {"households": [row(1, street="  Van  Hogendorpplein ", city=" Gouda ")]}
    [item] = staff_api.post(URL, json=data).get_json()["items"]
    assert (item["street"], item["city"]) == ("Van Hogendorpplein", "Gouda")


def test_import_accepts_the_number_as_text(staff_api, noord):
    [item] = staff_api.post(URL, json={"households": [row("12")]}).get_json()["items"]
    assert item["number"] == 12


def test_import_creates_complexes_by_name_and_reuses_them(staff_api, noord, db, count):
    staff_api.post(URL, json={"households": [row(1, complex="Hof"), row(2, complex="Hof")]})
    staff_api.post(URL, json={"households": [row(3, complex="Hof"), row(4, complex="Toren")]})
    assert count(Complex) == 2
    complexes = staff_api.get("/neighbourhoods/noord").get_json()["complexes"]
    assert [c["name"] for c in complexes] == ["Hof", "Toren"]


def test_blank_complex_means_no_complex(staff_api, noord, count):
    [item] = staff_api.post(URL, json={"households": [row(1, complex="  ")]}).get_json()["items"]
    assert item["complex"] is None and count(Complex) == 0


def test_import_into_unknown_neighbourhood_is_a_404_problem(staff_api):
    problem(staff_api.post("/neighbourhoods/nergens/households", json={"households": [row()]}), 404)


# Duplicates: every refused row is named, and nothing is imported


def test_duplicate_within_the_upload_is_refused_per_row(staff_api, noord, count):
    data = {"households": [row(1), row(2), row(1), row(2)]}
    body = problem(staff_api.post(URL, json=data), 422)
    rows = body["errors"]["households"]
    assert set(rows) == {"2", "3"}
    assert "1" in rows["2"]["address"][0] and "2" in rows["3"]["address"][0]
    assert count(Household) == 0


def test_spellings_of_one_postcode_are_one_address(staff_api, noord, count):
    data = {"households": [row(1, postcode="2806AB"), row(1, postcode="2806 ab")]}
    assert set(problem(staff_api.post(URL, json=data), 422)["errors"]["households"]) == {"1"}
    assert count(Household) == 0


def test_existing_address_is_refused_and_nothing_is_imported(staff_api, noord, db, count):
    assert staff_api.post(URL, json={"households": [row(1)]}).status_code == 201
    before = count(Household)
    body = problem(staff_api.post(URL, json={"households": [row(2), row(1), row(3)]}), 422)
    assert list(body["errors"]["households"]) == ["1"]
    assert body["errors"]["households"]["1"]["address"]
    assert count(Household) == before == 1


def test_address_registered_in_another_neighbourhood_is_refused(
    staff_api, noord, make_neighbourhood, make_household, count
):
    make_household(make_neighbourhood("Zuid"), number=8, postcode="2806AB")
    problem(staff_api.post(URL, json={"households": [row(8)]}), 422)
    assert count(Household) == 1


def test_duplicate_rows_in_a_csv_are_refused_and_nothing_is_imported(staff_api, noord, count):
    body = csv_file(
        "Lindelaan;1;;2806AB;Gouda;", "Lindelaan;2;;2806AB;Gouda;", "Lindelaan;1;;2806 AB;Gouda;"
    )
    assert list(problem(_post_csv(staff_api, body), 422)["errors"]["households"]) == ["2"]
    assert count(Household) == 0


# Invalid rows


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"postcode": "2806"}, "postcode"),
        ({"postcode": "0806AB"}, "postcode"),
        ({"postcode": "2806SS"}, "postcode"),
        ({"postcode": "ABCD12"}, "postcode"),
        ({"postcode": "2806 A B"}, "postcode"),
        ({"postcode": 2806}, "postcode"),
        ({"number": 0}, "number"),
        ({"number": -3}, "number"),
        ({"number": 100_000}, "number"),
        ({"number": "twaalf"}, "number"),
        ({"number": 1.5}, "number"),
        ({"number": True}, "number"),
        ({"number": None}, "number"),
        ({"street": ""}, "street"),
        ({"street": "   "}, "street"),
        ({"street": "x" * 121}, "street"),
        ({"street": ["Lindelaan"]}, "street"),
        ({"city": ""}, "city"),
        ({"addition": "A-1"}, "addition"),
        ({"addition": "A" * 11}, "addition"),
        ({"complex": "x" * 121}, "complex"),
        ({"complex": 5}, "complex"),
        ({"neighbourhood": "zuid"}, "neighbourhood"),
    ],
)
def test_invalid_row_is_refused_on_its_field_and_nothing_is_imported(
    staff_api, noord, count, changes, field
):
    data = {"households": [row(1), {**row(2), **changes}]}
    body = problem(staff_api.post(URL, json=data), 422)
    assert list(body["errors"]["households"]) == ["1"]
    assert field in body["errors"]["households"]["1"]
    assert count(Household) == 0


@pytest.mark.parametrize("field", ["street", "number", "postcode", "city"])
def test_row_missing_a_required_field_is_refused(staff_api, noord, count, field):
    incomplete = {k: v for k, v in row(2).items() if k != field}
    body = problem(staff_api.post(URL, json={"households": [row(1), incomplete]}), 422)
    assert field in body["errors"]["households"]["1"]
    assert count(Household) == 0


def test_invalid_csv_rows_are_named_by_index(staff_api, noord, count):
    body = csv_file(
        "Lindelaan;1;;2806AB;Gouda;",
        ";2;;2806AB;Gouda;",
        "Lindelaan;0;;2806AB;Gouda;",
        "Lindelaan;4;;28O6AB;Gouda;",
    )
    rows = problem(_post_csv(staff_api, body), 422)["errors"]["households"]
    assert (set(rows), "street" in rows["1"], "number" in rows["2"]) == (
        {"1", "2", "3"},
        True,
        True,
    )
    assert "postcode" in rows["3"] and count(Household) == 0


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"households": []},
        {"households": None},
        {"households": "Lindelaan 1"},
        {"households": {"0": row()}},
        {"households": ["Lindelaan 1"]},
        {"households": [row()], "replace": True},
    ],
)
def test_import_refuses_a_malformed_batch(staff_api, noord, count, payload):
    problem(staff_api.post(URL, json=payload), 422)
    assert count(Household) == 0


def test_import_refuses_a_json_array_body(staff_api, noord):
    problem(staff_api.post(URL, json=[row()]), 422)


def test_import_with_malformed_json_is_a_400_problem(staff_api, noord):
    response = staff_api.post(URL, data='{"households": [', content_type="application/json")
    problem(response, 400)


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/xml", "application/x-www-form-urlencoded"]
)
def test_import_with_another_content_type_is_a_415_problem(staff_api, noord, count, content_type):
    body = csv_file("Lindelaan;1;;2806AB;Gouda;")
    problem(_post_csv(staff_api, body, content_type), 415)
    assert count(Household) == 0


def test_import_without_a_body_or_type_is_a_415_problem(staff_api, noord):
    problem(staff_api.post(URL), 415)


def test_import_with_an_empty_json_body_is_a_400_problem(staff_api, noord):
    problem(staff_api.post(URL, data=b"", content_type="application/json"), 400)


# CSV bodies


def test_csv_with_dutch_headers_semicolons_and_bom_is_imported(staff_api, noord, db):
    body = csv_file("Ronsseweg;1;A;2806 ab;Gouda;Ronssehof", "Ronsseweg;3;;2806AB;Gouda;")
    assert body.startswith(b"\xef\xbb\xbf")
    assert _post_csv(staff_api, body).status_code == 201
    assert _addresses(db) == ["Ronsseweg 1-A, 2806 AB Gouda", "Ronsseweg 3, 2806 AB Gouda"]


def test_csv_saved_as_cp1252_keeps_accented_letters(staff_api, noord, db):
    body = csv_file("Hélène Swarthstraat;4;;2806AB;Gouda;Café-complex", encoding="cp1252")
    assert "é".encode("cp1252") in body and "é".encode() not in body
    [item] = _post_csv(staff_api, body).get_json()["items"]
    assert (item["street"], item["complex"]) == ("Hélène Swarthstraat", "Café-complex")


def test_csv_in_utf8_without_bom_is_imported(staff_api, noord):
    body = csv_file("Hélène Swarthstraat;4;;2806AB;Gouda;", encoding="utf-8")
    assert _post_csv(staff_api, body).get_json()["items"][0]["street"] == "Hélène Swarthstraat"


def test_csv_with_english_headers_and_commas_is_imported(staff_api, noord):
    body = csv_file("Lindelaan,1,,2806AB,Gouda", header="street,number,addition,postcode,city")
    assert _post_csv(staff_api, body).status_code == 201


def test_csv_with_tabs_is_imported(staff_api, noord):
    body = csv_file("Lindelaan\t1\t2806AB\tGouda", header="straat\thuisnummer\tpostcode\tplaats")
    assert _post_csv(staff_api, body).status_code == 201


def test_csv_with_old_mac_line_ends_is_imported(staff_api, noord, db):
    body = csv_file("Lindelaan;1;;2806AB;Gouda;", "Lindelaan;2;;2806AB;Gouda;").replace(
        b"\r\n", b"\r"
    )
    assert _post_csv(staff_api, body).status_code == 201
    assert len(_addresses(db)) == 2


def test_csv_with_unix_line_ends_is_imported(staff_api, noord, db):
    body = csv_file("Lindelaan;1;;2806AB;Gouda;", "Lindelaan;2;;2806AB;Gouda;").replace(
        b"\r\n", b"\n"
    )
    assert _post_csv(staff_api, body).status_code == 201
    assert len(_addresses(db)) == 2


def test_csv_quoted_field_may_hold_the_separator(staff_api, noord):
    body = csv_file(
        'Lindelaan;1;;2806AB;Gouda;"Hof; fase 2"', 'Lindelaan;2;;2806AB;Gouda;"Hof; fase 2"'
    )
    items = _post_csv(staff_api, body).get_json()["items"]
    assert [i["complex"] for i in items] == ["Hof; fase 2"] * 2


def test_csv_keeps_city_names_that_start_with_an_apostrophe(staff_api, noord):
    body = csv_file(
        "Lange Poten;1;;2511AB;'s-Gravenhage;",
        "Lange Poten;2;;2511AB;'s-Gravenhage;",
    )
    items = _post_csv(staff_api, body).get_json()["items"]
    assert [i["city"] for i in items] == ["'s-Gravenhage"] * 2


def test_csv_columns_may_come_in_any_order_and_case(staff_api, noord):
    body = csv_file("gouda;2806AB;7;Lindelaan", header=" Plaats ;POSTCODE;Huisnummer;Straat")
    [item] = _post_csv(staff_api, body).get_json()["items"]
    assert item["address"] == "Lindelaan 7, 2806 AB gouda"


def test_csv_ignores_unknown_columns_and_blank_lines(staff_api, noord, db):
    body = csv_file(
        "Lindelaan;1;2806AB;Gouda;bel aan",
        ";;;;",
        "",
        header="straat;huisnummer;postcode;plaats;opmerking",
    )
    assert _post_csv(staff_api, body).status_code == 201
    assert _addresses(db) == ["Lindelaan 1, 2806 AB Gouda"]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"straat;huisnummer;postcode\r\nLindelaan;1;2806AB\r\n",
        b"adres;plaats\r\nLindelaan 1;Gouda\r\n",
        b"Lindelaan;1;;2806AB;Gouda;\r\n",
    ],
)
def test_csv_without_the_required_columns_is_refused(staff_api, noord, count, body):
    problem(_post_csv(staff_api, body), 422)
    assert count(Household) == 0


def test_csv_with_only_a_header_is_refused(staff_api, noord):
    problem(_post_csv(staff_api, csv_file()), 422)


@pytest.mark.parametrize(
    "body",
    [
        random.Random(1).randbytes(4096),
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
        b"straat;huisnummer;postcode;plaats\r\nLinde\x00laan;1;2806AB;Gouda\r\n",
        "straat;huisnummer;postcode;plaats\r\nLindelaan;1;2806AB;Gouda\r\n".encode("utf-16"),
    ],
)
def test_binary_garbage_as_csv_is_refused(staff_api, noord, count, body):
    problem(_post_csv(staff_api, body), 422)
    assert count(Household) == 0


def test_csv_with_an_enormous_field_is_refused(staff_api, noord, count):
    body = csv_file("Lindelaan;1;;2806AB;Gouda;", "Lindelaan;2;;2806AB;Gouda;" + "x" * 200_000)
    problem(_post_csv(staff_api, body), 422)
    assert count(Household) == 0


def test_csv_with_5000_homes_is_imported(staff_api, noord, count):
    lines = [f"Lindelaan;{n % 9999 + 1};{'AB'[n // 9999]};2806AB;Gouda;" for n in range(5000)]
    assert _post_csv(staff_api, csv_file(*lines)).status_code == 201
    assert count(Household) == 5000


def test_csv_with_more_than_5000_homes_is_refused(staff_api, noord, count):
    lines = [f"Lindelaan;{n + 1};;2806AB;Gouda;" for n in range(5001)]
    problem(_post_csv(staff_api, csv_file(*lines)), 422)
    assert count(Household) == 0


def test_json_with_more_than_5000_homes_is_refused(app, staff_api, noord, count):
    app.config["MAX_JSON_BYTES"] = 2 * 1024 * 1024  # let the body through to the row limit
    data = {"households": [row(n + 1) for n in range(5001)]}
    assert "households" in problem(staff_api.post(URL, json=data), 422)["errors"]
    assert count(Household) == 0


def test_json_larger_than_the_body_limit_is_a_413_problem(staff_api, noord, count):
    data = {"households": [row(n + 1, street="x" * 100) for n in range(7000)]}
    problem(staff_api.post(URL, json=data), 413)
    assert count(Household) == 0


# Uploads (multipart/form-data)


def test_uploaded_file_is_imported(staff_api, noord, db):
    response = _upload(staff_api, csv_file("Ronsseweg;5;;2806AB;Gouda;Ronssehof"))
    assert response.status_code == 201
    assert _addresses(db) == ["Ronsseweg 5, 2806 AB Gouda"]


def test_uploaded_cp1252_file_is_imported(staff_api, noord):
    response = _upload(
        staff_api, csv_file("Hélène Swarthstraat;4;;2806AB;Gouda;", encoding="cp1252")
    )
    assert response.get_json()["items"][0]["street"] == "Hélène Swarthstraat"


def test_upload_without_file_field_is_refused_on_file(staff_api, noord):
    response = staff_api.post(URL, data={"bestand": (io.BytesIO(csv_file()), "a.csv")})
    assert "file" in problem(response, 422)["errors"]


def test_uploaded_binary_garbage_is_refused(staff_api, noord, count):
    problem(_upload(staff_api, random.Random(2).randbytes(2048), "foto.jpg"), 422)
    assert count(Household) == 0


def test_uploaded_file_with_duplicates_imports_nothing(staff_api, noord, count):
    body = csv_file("Lindelaan;1;;2806AB;Gouda;", "Lindelaan;1;;2806AB;Gouda;")
    assert list(problem(_upload(staff_api, body), 422)["errors"]["households"]) == ["1"]
    assert count(Household) == 0


def test_importing_one_address_twice_at_once_adds_it_once(live_url, db, make_user, noord, count):
    emails = [make_user("staff").email for _ in range(2)]
    db.session.commit()  # the test holds no transaction while the server works
    browsers = [Browser(live_url), Browser(live_url)]
    for browser, email in zip(browsers, emails, strict=True):
        browser.login(email)
    body = {"households": [row(n, complex="Hof") for n in range(1, 51)]}
    statuses = race(*(partial(b.call, "POST", f"/api/v1{URL}", body) for b in browsers))
    assert sorted(statuses)[0] == 201 and sorted(statuses)[1] in (409, 422), statuses
    assert count(Household) == 50 and count(Complex) == 1


def test_row_errors_are_in_the_users_language(staff_api, noord):
    incomplete = {k: v for k, v in row(2).items() if k != "street"}
    body = problem(staff_api.post(URL, json={"households": [incomplete]}), 422)
    assert body["errors"]["households"]["0"]["street"] == ["Dit veld is verplicht."]


def test_csv_larger_than_the_upload_limit_is_a_413_problem(app, staff_api, noord, count):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    lines = [f"Lindelaan;{n % 9999 + 1};;2806AB;Gouda;{'x' * 100}" for n in range(12_000)]
    problem(_post_csv(staff_api, csv_file(*lines)), 413)
    assert count(Household) == 0


def test_uploaded_file_larger_than_the_upload_limit_is_a_413_problem(app, staff_api, noord):
    # Stay under 500 kB: the test client spools larger multipart bodies to a file it never closes.
    app.config["MAX_CONTENT_LENGTH"] = 100 * 1024
    problem(_upload(staff_api, csv_file(*["Lindelaan;1;;2806AB;Gouda;" + "x" * 100] * 2000)), 413)
