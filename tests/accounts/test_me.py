"""GET and PATCH /api/v1/me: one's own account, with good and bad input."""

from app.accounts.models import Role
from tests.accounts.conftest import english
from tests.conftest import problem


def test_me_needs_a_login(api):
    problem(api.get("/me"), 401)


def test_me_shows_the_own_account(api, make_user):
    user = make_user()
    api.login(user.email)
    body = api.get("/me").get_json()
    assert (body["id"], body["email"]) == (user.id, user.email)
    assert body["home_neighbourhood"] is None
    assert body["household"] is None


def test_me_shows_the_verified_household(api, make_user, make_household):
    household = make_household()
    user = make_user(household=household)
    api.login(user.email)
    body = api.get("/me").get_json()
    assert body["verified"] is True
    assert body["household"] == household.address_line
    assert body["home_neighbourhood"] == household.neighbourhood.slug


def test_patch_me_changes_the_display_name(api, make_user):
    user = make_user()
    api.login(user.email)
    response = api.patch("/me", json={"display_name": "  Joke   Jansen "})
    assert response.status_code == 200
    assert response.get_json()["display_name"] == "Joke Jansen"


def test_patch_me_changes_the_language(api, make_user):
    user = make_user()
    api.login(user.email)
    assert api.patch("/me", json={"language": "en"}).get_json()["language"] == "en"


def test_patch_me_refuses_an_unsupported_language(api, make_user):
    user = make_user()
    api.login(user.email)
    assert problem(api.patch("/me", json={"language": "de"}), 422)["errors"]["language"]


def test_patch_me_sets_the_home_neighbourhood(api, make_user, make_neighbourhood):
    neighbourhood = make_neighbourhood("Korte Akkeren")
    user = make_user()
    api.login(user.email)
    response = api.patch("/me", json={"home_neighbourhood": neighbourhood.slug})
    assert response.get_json()["home_neighbourhood"] == neighbourhood.slug


def test_patch_me_clears_the_home_neighbourhood_with_null(api, make_user, make_neighbourhood):
    neighbourhood = make_neighbourhood("Korte Akkeren")
    user = make_user()
    api.login(user.email)
    api.patch("/me", json={"home_neighbourhood": neighbourhood.slug})
    response = api.patch("/me", json={"home_neighbourhood": None})
    assert response.get_json()["home_neighbourhood"] is None


def test_patch_me_refuses_an_unknown_neighbourhood(api, make_user):
    user = make_user()
    api.login(user.email)
    body = problem(api.patch("/me", json={"home_neighbourhood": "atlantis"}), 422)
    assert body["errors"]["home_neighbourhood"]


def test_patch_me_refuses_unknown_fields(api, make_user):
    user = make_user()
    api.login(user.email)
    assert problem(api.patch("/me", json={"nickname": "Jantje"}), 422)["errors"]["nickname"]


def test_patch_me_cannot_raise_the_own_role(api, db, make_user):
    user = make_user()
    api.login(user.email)
    assert problem(api.patch("/me", json={"role": "admin"}), 422)["errors"]["role"]
    db.session.refresh(user)
    assert user.role == Role.RESIDENT


def test_patch_me_cannot_change_the_email(api, make_user):
    user = make_user()
    api.login(user.email)
    problem(api.patch("/me", json={"email": "ander@example.com"}), 422)
    assert api.get("/me").get_json()["email"] == user.email


def test_patch_me_cannot_touch_another_user(api, db, make_user):
    user, neighbour = make_user(), make_user(name="Buur")
    api.login(user.email)
    problem(api.patch("/me", json={"id": neighbour.id, "display_name": "Gehackt"}), 422)
    db.session.refresh(neighbour)
    assert neighbour.display_name == "Buur"


def test_patch_me_changes_only_the_own_account(api, db, make_user):
    user, neighbour = make_user(), make_user(name="Buur")
    api.login(user.email)
    api.patch("/me", json={"display_name": "Jan"})
    db.session.refresh(neighbour)
    assert neighbour.display_name == "Buur"


def test_patch_me_refuses_wrong_types(api, make_user):
    user = make_user()
    api.login(user.email)
    body = problem(api.patch("/me", json={"display_name": 7, "language": ["en"]}), 422)
    assert {"display_name", "language"} <= set(body["errors"])


def test_patch_me_refuses_a_blank_name(api, make_user):
    user = make_user()
    api.login(user.email)
    assert problem(api.patch("/me", json={"display_name": "  "}), 422)["errors"]["display_name"]


def test_patch_me_refuses_a_null_name(api, make_user):
    user = make_user()
    api.login(user.email)
    assert problem(api.patch("/me", json={"display_name": None}), 422)["errors"]["display_name"]


def test_patch_me_refuses_a_name_over_80_characters(api, make_user):
    user = make_user()
    api.login(user.email)
    problem(api.patch("/me", json={"display_name": "J" * 81}), 422)


def test_patch_me_refuses_malformed_json(api, make_user):
    user = make_user()
    api.login(user.email)
    response = api.patch("/me", data="{'language': 'en'}", content_type="application/json")
    assert problem(response, 400)["type"].endswith("malformed-json")


def test_patch_me_with_an_empty_object_changes_nothing(api, make_user):
    user = make_user()
    api.login(user.email)
    assert api.patch("/me", json={}).get_json()["display_name"] == user.display_name


def test_patch_me_needs_a_login(api):
    problem(api.patch("/me", json={"display_name": "Jan"}), 401)


def test_after_choosing_english_errors_come_in_english(api, make_user):
    user = make_user()
    api.login(user.email)
    api.patch("/me", json={"language": "en"})
    response = api.post(
        "/me/password",
        json={"current_password": "raden maar", "new_password": "een nieuw en lang wachtwoord"},
    )
    detail = problem(response, 422)["detail"]
    assert detail == english("Your current password is not correct.")


def test_after_choosing_english_pages_come_in_english(api, make_user):
    user = make_user()
    api.login(user.email)
    api.patch("/me", json={"language": "en"})
    page = api.client.get("/account", headers={"Accept-Language": "nl"})
    assert b'<html lang="en">' in page.data
    assert english("Your account").encode() in page.data
