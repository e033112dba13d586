"""Invite codes and address verification: API, the /account form, and a real race."""

import re
from datetime import datetime, timedelta
from functools import partial

import pytest
from sqlalchemy import select, update

from app.accounts.models import User
from app.core.db import utcnow
from app.neighbourhoods.models import InviteCode
from app.neighbourhoods.services import verify_household
from tests.conftest import PASSWORD, form_token, problem
from tests.live import Browser, race
from tests.neighbourhoods.helpers import CODE_PATTERN


@pytest.fixture
def household(make_neighbourhood, make_household):
    return make_household(make_neighbourhood("Noord"), number=1, postcode="2806AB")


@pytest.fixture
def resident_api(api, resident):
    assert api.login(resident.email).status_code == 200
    return api


def _verify(client, code):
    return client.post("/me/verify", json={"code": code})


# Issuing codes


def test_issue_code_answers_201_with_code_and_expiry(staff_api, household):
    response = staff_api.post(f"/households/{household.id}/invite-code")
    assert response.status_code == 201
    body = response.get_json()
    assert re.match(CODE_PATTERN, body["code"]), body["code"]
    assert (body["household_id"], body["address"]) == (household.id, "Lindelaan 1, 2806 AB Gouda")
    expires = datetime.fromisoformat(body["expires_at"])
    assert abs(expires - (utcnow() + timedelta(days=90))) < timedelta(minutes=1)


def test_issued_code_links_a_resident(staff_api, make_api, resident, household):
    code = staff_api.post(f"/households/{household.id}/invite-code").get_json()["code"]
    other = make_api()
    other.login(resident.email)
    assert _verify(other, code).status_code == 200


def test_new_code_makes_the_older_unused_one_stop_working(staff_api, make_api, resident, household):
    path = f"/households/{household.id}/invite-code"
    old = staff_api.post(path).get_json()["code"]
    new = staff_api.post(path).get_json()["code"]
    other = make_api()
    other.login(resident.email)
    assert "code" in problem(_verify(other, old), 422)["errors"]
    assert _verify(other, new).status_code == 200


def test_issue_code_for_unknown_household_is_a_404_problem(staff_api):
    problem(staff_api.post("/households/999999/invite-code"), 404)


def test_issue_code_by_staff_of_another_neighbourhood_is_a_403_problem(
    api, make_user, make_neighbourhood, household, assign, count
):
    staff = make_user("staff")
    assign(staff, make_neighbourhood("Zuid"))
    api.login(staff.email)
    problem(api.post(f"/households/{household.id}/invite-code"), 403)
    assert count(InviteCode) == 0


def test_issue_code_with_a_non_numeric_id_is_not_found(staff_api):
    problem(staff_api.post("/households/abc/invite-code"), 404)


# Verifying through the API


def test_verify_links_the_resident(resident_api, household, issue_code):
    response = _verify(resident_api, issue_code(household))
    assert response.status_code == 200
    body = response.get_json()
    assert body["verified"] is True
    assert (body["household"], body["home_neighbourhood"]) == (
        "Lindelaan 1, 2806 AB Gouda",
        "noord",
    )


def test_me_shows_the_verified_address_afterwards(resident_api, household, issue_code):
    _verify(resident_api, issue_code(household))
    body = resident_api.get("/me").get_json()
    assert body["verified"] is True and body["household"] == "Lindelaan 1, 2806 AB Gouda"


@pytest.mark.parametrize(
    "typed",
    [
        lambda c: c.lower(),
        lambda c: c.replace("-", ""),
        lambda c: c.replace("-", " "),
        lambda c: f"  {c[:2]} {c[2:4]} - {c[5:7]} {c[7:]}  ",
    ],
)
def test_verify_ignores_case_dashes_and_spaces(resident_api, household, issue_code, typed):
    assert _verify(resident_api, typed(issue_code(household))).status_code == 200


def test_residents_of_one_household_share_it_with_their_own_codes(
    api, make_api, make_user, household, issue_code
):
    first, second = make_user(), make_user()
    api.login(first.email)
    assert _verify(api, issue_code(household)).status_code == 200
    other = make_api()
    other.login(second.email)
    assert _verify(other, issue_code(household)).get_json()["household"] == (
        "Lindelaan 1, 2806 AB Gouda"
    )
    assert api.get("/me").get_json()["verified"] is True


def test_replaying_a_used_code_is_a_409_problem(resident_api, household, issue_code):
    code = issue_code(household)
    _verify(resident_api, code)
    assert "code" in problem(_verify(resident_api, code), 409)["errors"]


def test_used_code_does_not_work_for_another_resident(
    resident_api, make_api, make_user, household, issue_code, db
):
    code = issue_code(household)
    _verify(resident_api, code)
    other = make_api()
    other_user = make_user()
    other.login(other_user.email)
    problem(_verify(other, code), 409)
    db.session.commit()
    assert db.session.get(User, other_user.id).household_id is None


def test_expired_code_is_a_422_problem(resident_api, household, issue_code, db):
    code = issue_code(household)
    db.session.execute(update(InviteCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert "code" in problem(_verify(resident_api, code), 422)["errors"]


def test_wrong_code_is_a_422_problem(resident_api, household, issue_code):
    issue_code(household)
    assert "code" in problem(_verify(resident_api, "KM7Q-X3PD"), 422)["errors"]


def test_failed_verification_leaves_the_resident_unverified(resident_api, household, issue_code):
    issue_code(household)
    _verify(resident_api, "KM7Q-X3PD")
    assert resident_api.get("/me").get_json()["verified"] is False


def test_verify_needs_a_login(api, household, issue_code, count):
    problem(_verify(api, issue_code(household)), 401)
    assert count(InviteCode) == 1


@pytest.mark.parametrize(
    "body",
    [{}, {"code": None}, {"code": 12345678}, {"code": ""}, {"code": "AB"}, {"code": "A" * 21}],
)
def test_verify_refuses_a_bad_code_field(resident_api, body):
    response = resident_api.post("/me/verify", json=body)
    assert "code" in problem(response, 422)["errors"]


def test_verify_refuses_unknown_fields(resident_api, household, issue_code):
    body = {"code": issue_code(household), "household_id": household.id}
    assert "household_id" in problem(resident_api.post("/me/verify", json=body), 422)["errors"]


def test_verify_refuses_another_content_type(resident_api):
    response = resident_api.post("/me/verify", data="code=KM7Q-X3PD", content_type="text/plain")
    problem(response, 415)


def test_verify_limits_attempts_per_user(make_app, make_user):
    app = make_app(RATELIMIT_ENABLED=True, VERIFY_LIMIT_PER_USER="3/hour")
    with app.app_context():
        user = make_user()
        client = app.test_client()
        token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
        client.post(
            "/api/v1/auth/login",
            json={"email": user.email, "password": PASSWORD},
            headers={"X-CSRFToken": token},
        )
        token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
        statuses = [
            client.post(
                "/api/v1/me/verify", json={"code": "KM7Q-X3PD"}, headers={"X-CSRFToken": token}
            ).status_code
            for _ in range(4)
        ]
    assert statuses == [422, 422, 422, 429]


def _login(client, email):
    token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
    client.post(
        "/api/v1/auth/login",
        json={"email": email, "password": PASSWORD},
        headers={"X-CSRFToken": token},
    )
    return client.get("/api/v1/auth/csrf").get_json()["csrf_token"]


def test_verify_budget_survives_a_new_login_and_is_shared_with_the_form(make_app, make_user):
    app = make_app(RATELIMIT_ENABLED=True, VERIFY_LIMIT_PER_USER="3/hour")
    with app.app_context():
        email = make_user().email
        client = app.test_client()
        token = _login(client, email)
        client.post("/api/v1/me/verify", json={"code": "KM7Q-X3PD"}, headers={"X-CSRFToken": token})
        client.post("/api/v1/me/sessions/revoke", headers={"X-CSRFToken": token})
        token = _login(client, email)  # a fresh session must not bring a fresh budget
        client.post("/account/adres", data={"code": "KM7Q-X3PD", "csrf_token": token})
        client.post("/api/v1/me/verify", json={"code": "KM7Q-X3PD"}, headers={"X-CSRFToken": token})
        last = client.post(
            "/api/v1/me/verify", json={"code": "KM7Q-X3PD"}, headers={"X-CSRFToken": token}
        )
    assert last.status_code == 429


def test_verify_limits_attempts_per_client_address(make_app, make_user):
    app = make_app(RATELIMIT_ENABLED=True, VERIFY_LIMIT_PER_IP="2/hour")
    with app.app_context():
        emails = [make_user().email for _ in range(3)]
        statuses = []
        for email in emails:  # new accounts from one address do not buy more guesses
            client = app.test_client()
            token = _login(client, email)
            response = client.post(
                "/api/v1/me/verify", json={"code": "KM7Q-X3PD"}, headers={"X-CSRFToken": token}
            )
            statuses.append(response.status_code)
    assert statuses == [422, 422, 429]


# The form on /account


def test_account_page_shows_the_code_form(client, login, resident):
    login(resident)
    page = client.get("/account").get_data(as_text=True)
    assert 'action="/account/adres"' in page and 'name="code"' in page


def test_account_form_links_the_home(client, login, resident, household, issue_code):
    login(resident)
    token = form_token(client.get("/account"))
    response = client.post(
        "/account/adres", data={"code": issue_code(household), "csrf_token": token}
    )
    assert (response.status_code, response.headers["Location"]) == (302, "/account")
    page = client.get("/account").get_data(as_text=True)
    assert "Bedankt! Je account is gekoppeld aan Lindelaan 1, 2806 AB Gouda." in page


def test_account_form_shows_a_wrong_code(client, login, resident, household, issue_code):
    issue_code(household)
    login(resident)
    token = form_token(client.get("/account"))
    response = client.post("/account/adres", data={"code": "KM7Q-X3PD", "csrf_token": token})
    assert response.status_code == 422
    assert "Deze code klopt niet." in response.get_data(as_text=True)


def test_account_form_shows_a_used_code(client, login, make_user, household, issue_code, db):
    code = issue_code(household)
    verify_household(db.session, make_user(), code)
    db.session.commit()
    login(make_user())
    token = form_token(client.get("/account"))
    response = client.post("/account/adres", data={"code": code, "csrf_token": token})
    assert response.status_code == 422
    assert "Deze code is al gebruikt." in response.get_data(as_text=True)


def test_account_form_asks_for_a_code(client, login, resident):
    login(resident)
    token = form_token(client.get("/account"))
    response = client.post("/account/adres", data={"code": "  ", "csrf_token": token})
    assert response.status_code == 422 and "Vul dit in." in response.get_data(as_text=True)


def test_account_form_needs_its_csrf_token(client, login, resident, household, issue_code, db):
    login(resident)
    response = client.post("/account/adres", data={"code": issue_code(household)})
    assert response.status_code == 400
    db.session.commit()
    assert db.session.get(User, resident.id).household_id is None


def test_account_form_needs_a_login(client, household, issue_code, db):
    token = form_token(client.get("/inloggen"))
    data = {"code": issue_code(household), "csrf_token": token}
    assert client.post("/account/adres", data=data).status_code == 401
    db.session.commit()
    assert db.session.scalar(select(InviteCode.used_at)) is None


# Two residents type the same code at the same moment, against a real threaded server


def test_one_code_used_at_once_by_two_residents_links_exactly_one(
    live_url, db, make_user, make_neighbourhood, make_household, issue_code
):
    noord = make_neighbourhood("Noord")
    users = [make_user(), make_user()]
    codes = [issue_code(make_household(noord, number=n, postcode="2806AB")) for n in (1, 2, 3)]
    emails = [user.email for user in users]
    db.session.commit()  # the test holds no transaction while the server works
    browsers = [Browser(live_url), Browser(live_url)]
    for browser, email in zip(browsers, emails, strict=True):
        browser.login(email)
    for code in codes:  # a few rounds, so the race is really run
        statuses = race(
            *(partial(b.call, "POST", "/api/v1/me/verify", {"code": code}) for b in browsers)
        )
        assert sorted(statuses) == [200, 409], statuses
    db.session.commit()
    used_by = db.session.scalars(select(InviteCode.used_by_id)).all()
    assert len(used_by) == 3 and set(used_by) <= {u.id for u in users}


def test_two_codes_made_at_once_leave_one_working(
    live_url, db, make_user, make_neighbourhood, make_household, issue_code
):
    noord = make_neighbourhood("Noord")
    households = [make_household(noord, number=n, postcode="2806AB") for n in (1, 2, 3)]
    issue_code(households[0])  # with and without an older code to replace
    ids = [h.id for h in households]
    emails = [make_user("staff").email for _ in range(2)]
    db.session.commit()  # the test holds no transaction while the server works
    browsers = [Browser(live_url), Browser(live_url)]
    for browser, email in zip(browsers, emails, strict=True):
        browser.login(email)
    for household_id in ids:
        path = f"/api/v1/households/{household_id}/invite-code"
        assert race(*(partial(b.call, "POST", path) for b in browsers)) == [201, 201]
    db.session.commit()
    working = db.session.scalars(
        select(InviteCode.household_id).where(
            InviteCode.used_at.is_(None), InviteCode.expires_at > utcnow()
        )
    ).all()
    assert sorted(working) == sorted(ids)


def test_staff_account_page_has_no_home_section(client, login, make_user):
    login(make_user("staff"))
    page = client.get("/account").get_data(as_text=True)
    assert 'action="/account/adres"' not in page
