"""The accounts JSON API: CSRF, registration and login, with good and bad input."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from argon2 import PasswordHasher

from app.accounts import services
from app.accounts.models import User
from app.accounts.passwords import needs_rehash
from app.core.db import commit
from tests.accounts.conftest import dutch
from tests.conftest import PASSWORD, problem


def registration(**fields) -> dict:
    return {"email": "jan@example.com", "password": PASSWORD, "display_name": "Jan", **fields}


# CSRF


def test_csrf_token_is_handed_out(api):
    response = api.get("/auth/csrf")
    assert response.status_code == 200
    assert response.get_json()["csrf_token"]


def test_post_without_csrf_token_is_refused(api):
    body = problem(api.post("/auth/register", json=registration(), csrf=False), 400)
    assert body["type"].endswith("csrf")


def test_post_with_a_wrong_csrf_token_is_refused(api):
    response = api.post("/auth/register", json=registration(), headers={"X-CSRFToken": "forged"})
    assert problem(response, 400)["type"].endswith("csrf")


def test_csrf_token_of_another_session_is_refused(api, make_api):
    response = api.post(
        "/auth/register", json=registration(), headers={"X-CSRFToken": make_api().csrf()}
    )
    assert problem(response, 400)["type"].endswith("csrf")


def test_refused_csrf_creates_no_account(api, db):
    api.post("/auth/register", json=registration(), csrf=False)
    assert services.find_user_by_email(db.session, "jan@example.com") is None


def test_patch_without_csrf_token_is_refused(api, make_user):
    user = make_user()
    api.login(user.email)
    response = api.patch("/me", json={"display_name": "Hacker"}, csrf=False)
    assert problem(response, 400)["type"].endswith("csrf")
    assert api.get("/me").get_json()["display_name"] == user.display_name


# Register


def test_register_answers_201_with_the_account(api):
    response = api.post("/auth/register", json=registration())
    assert response.status_code == 201
    body = response.get_json()
    assert body["email"] == "jan@example.com"
    assert body["role"] == "resident"
    assert body["verified"] is False


def test_register_logs_in(api):
    api.post("/auth/register", json=registration())
    assert api.get("/me").get_json()["email"] == "jan@example.com"


def test_register_normalises_the_email_to_lower_case(api):
    response = api.post("/auth/register", json=registration(email="Jan@Example.COM"))
    assert response.get_json()["email"] == "jan@example.com"


def test_register_refuses_a_taken_email_with_409(api, make_user):
    make_user(email="jan@example.com")
    body = problem(api.post("/auth/register", json=registration(email="JAN@example.com")), 409)
    assert body["errors"]["email"]


def test_register_refuses_a_bad_email_with_422(api):
    body = problem(api.post("/auth/register", json=registration(email="jan.example.com")), 422)
    assert body["errors"]["email"]


def test_register_refuses_a_short_password(api):
    body = problem(api.post("/auth/register", json=registration(password="kort123")), 422)
    assert body["errors"]["password"]


def test_register_refuses_a_password_over_128_characters(api):
    response = api.post("/auth/register", json=registration(password="lange zin " * 13))
    assert problem(response, 422)["errors"]["password"]


def test_register_refuses_a_huge_password_before_hashing(api):
    response = api.post("/auth/register", json=registration(password="x" * 100_000))
    assert problem(response, 422)["errors"]["password"]


def test_register_refuses_a_common_password(api):
    response = api.post("/auth/register", json=registration(password="welkom2026"))
    assert problem(response, 422)["errors"]["password"]


def test_register_refuses_the_email_as_password(api):
    fields = registration(email="jan.jansen@example.com", password="jan.jansen@example.com")
    assert problem(api.post("/auth/register", json=fields), 422)["errors"]["password"]


def test_register_refuses_the_name_as_password(api):
    fields = registration(display_name="Mohamed El Amrani", password="Mohamed El Amrani")
    assert problem(api.post("/auth/register", json=fields), 422)["errors"]["password"]


def test_register_accepts_a_long_lowercase_sentence(api):
    response = api.post("/auth/register", json=registration(password="ik woon hier al jaren"))
    assert response.status_code == 201


def test_register_refuses_missing_fields(api):
    body = problem(api.post("/auth/register", json={}), 422)
    assert set(body["errors"]) == {"email", "password", "display_name"}


def test_register_refuses_a_blank_name(api):
    body = problem(api.post("/auth/register", json=registration(display_name="   ")), 422)
    assert body["errors"]["display_name"]


def test_register_refuses_a_name_over_80_characters(api):
    body = problem(api.post("/auth/register", json=registration(display_name="J" * 81)), 422)
    assert body["errors"]["display_name"]


def test_register_refuses_an_email_over_254_characters(api):
    email = "j" * 60 + "@" + ".".join(["a" * 60] * 4) + ".nl"
    body = problem(api.post("/auth/register", json=registration(email=email)), 422)
    assert body["errors"]["email"]


def test_register_refuses_wrong_types(api):
    body = problem(api.post("/auth/register", json=registration(email=42, password=["x"])), 422)
    assert {"email", "password"} <= set(body["errors"])


def test_register_refuses_to_choose_a_role(api, db):
    body = problem(api.post("/auth/register", json=registration(role="admin")), 422)
    assert body["errors"]["role"]
    assert services.find_user_by_email(db.session, "jan@example.com") is None


def test_register_refuses_an_unsupported_language(api):
    body = problem(api.post("/auth/register", json=registration(language="de")), 422)
    assert body["errors"]["language"]


def test_register_refuses_malformed_json(api):
    response = api.post("/auth/register", data='{"email": ', content_type="application/json")
    assert problem(response, 400)["type"].endswith("malformed-json")


def test_register_refuses_a_json_array(api):
    assert problem(api.post("/auth/register", json=[registration()]), 422)


def test_register_refuses_form_encoding(api):
    response = api.post("/auth/register", data=registration())
    problem(response, 415)


def test_register_refuses_an_oversized_body(api):
    response = api.post("/auth/register", json=registration(display_name="J" * 1_100_000))
    problem(response, 413)


def test_concurrent_registrations_of_one_email_create_one_account(app, make_api, db):
    clients = [make_api() for _ in range(4)]
    for client in clients:
        client.csrf()

    def attempt(client):
        return client.post("/auth/register", json=registration()).status_code

    with ThreadPoolExecutor(len(clients)) as pool:
        statuses = sorted(pool.map(attempt, clients))
    assert statuses == [201, 409, 409, 409]
    assert db.session.query(User).filter_by(email="jan@example.com").count() == 1


# Log in


def test_login_answers_200_with_the_account(api, make_user):
    user = make_user(language="en")
    response = api.login(user.email)
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == user.id
    assert body["email"] == user.email
    assert body["display_name"] == user.display_name
    assert body["role"] == "resident"
    assert body["verified"] is False
    assert body["language"] == "en"


def test_login_does_not_reveal_the_password_hash(api, make_user):
    user = make_user()
    body = api.login(user.email).get_json()
    assert not {"password", "password_hash", "session_version"} & set(body)


def test_login_accepts_the_email_in_any_case(api, make_user):
    user = make_user(email="jan@example.com")
    assert api.login(" JAN@Example.com").status_code == 200
    assert api.get("/me").get_json()["id"] == user.id


def test_login_refuses_a_wrong_password_with_401(api, make_user):
    user = make_user()
    problem(api.login(user.email, "bijna goed maar niet helemaal"), 401)
    problem(api.get("/me"), 401)


def test_wrong_password_and_unknown_email_get_the_same_answer(api, make_user):
    user = make_user()
    wrong = problem(api.login(user.email, "bijna goed maar niet helemaal"), 401)
    unknown = problem(api.login("niemand@example.com"), 401)
    for key in ("status", "title", "detail", "type"):
        assert wrong[key] == unknown[key]


def test_login_refuses_missing_fields(api):
    body = problem(api.post("/auth/login", json={"email": "jan@example.com"}), 422)
    assert body["errors"]["password"]


def test_login_refuses_a_huge_password_before_hashing(api, make_user):
    user = make_user()
    body = problem(api.login(user.email, "x" * 5000), 422)
    assert body["errors"]["password"]


def test_login_refuses_malformed_json(api):
    response = api.post("/auth/login", data="{email", content_type="application/json")
    assert problem(response, 400)["type"].endswith("malformed-json")


def test_login_refuses_wrong_types(api):
    response = api.post("/auth/login", json={"email": ["jan@example.com"], "password": 12})
    assert set(problem(response, 422)["errors"]) == {"email", "password"}


def test_login_stores_an_argon2id_hash_on_registration(api, db):
    api.post("/auth/register", json=registration())
    user = services.find_user_by_email(db.session, "jan@example.com")
    assert user.password_hash.startswith("$argon2id$")


def test_login_rehashes_an_outdated_hash(api, db, make_user):
    user = make_user()
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    user.password_hash = weak
    commit(db.session)
    assert api.login(user.email).status_code == 200
    db.session.refresh(user)
    assert user.password_hash != weak
    assert user.password_hash.startswith("$argon2id$")
    assert not needs_rehash(user.password_hash)


def test_login_still_works_after_the_rehash(api, make_api, db, make_user):
    user = make_user()
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    commit(db.session)
    api.login(user.email)
    assert make_api().login(user.email).status_code == 200


def test_login_switches_from_another_account(api, make_user):
    first, second = make_user(), make_user()
    api.login(first.email)
    api.login(second.email)
    assert api.get("/me").get_json()["id"] == second.id


def test_errors_come_in_dutch_by_default(api, make_user):
    user = make_user()
    body = problem(api.login(user.email, "bijna goed maar niet helemaal"), 401)
    assert body["detail"] == dutch("The e-mail address or password is not correct.")


def test_unknown_api_path_is_a_problem(api):
    problem(api.get("/does-not-exist"), 404)


def test_register_takes_the_language_of_the_request(api):
    response = api.post("/auth/register", json=registration(), headers={"Accept-Language": "en"})
    assert response.get_json()["language"] == "en"


def test_register_prefers_the_chosen_language(api):
    fields = registration(language="nl")
    response = api.post("/auth/register", json=fields, headers={"Accept-Language": "en"})
    assert response.get_json()["language"] == "nl"


def test_failed_login_neither_waits_for_nor_takes_the_sqlite_write_lock(app, api, make_user, db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite locking")
    user = make_user()
    api.csrf()
    writer = db.engine.raw_connection()
    try:
        writer.execute("BEGIN IMMEDIATE")  # another request is busy writing
        response = api.login(user.email, "not the password")
        assert response.status_code == 401
    finally:
        writer.rollback()
        writer.close()
