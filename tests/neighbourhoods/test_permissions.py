"""Who may manage which neighbourhood: roles, staff assignments, API and pages."""

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from app.core.errors import Forbidden
from app.neighbourhoods.models import Household, InviteCode, Neighbourhood
from app.neighbourhoods.permissions import can_manage, check_can_create, manageable
from tests.conftest import problem
from tests.neighbourhoods.helpers import row

ROLES = ["anonymous", "resident", "staff", "admin"]
EXPECTED = {"anonymous": 401, "resident": 403}


@pytest.fixture
def world(make_neighbourhood, make_household):
    """A neighbourhood with one home, for every endpoint of the matrix."""
    noord = make_neighbourhood("Noord")
    return {"household": make_household(noord, postcode="2806CD")}


@pytest.fixture
def as_role(api, make_user, admin):
    """Log the API client in with a role (or leave it anonymous)."""

    def do(role: str):
        if role != "anonymous":
            user = admin if role == "admin" else make_user(role)
            assert api.login(user.email).status_code == 200
        return api

    return do


STAFF_ENDPOINTS = {
    "create": (lambda w: ("POST", "/neighbourhoods", {"json": {"name": "Zuid"}}), 201),
    "update": (lambda w: ("PATCH", "/neighbourhoods/noord", {"json": {"description": "x"}}), 200),
    "import-json": (
        lambda w: ("POST", "/neighbourhoods/noord/households", {"json": {"households": [row()]}}),
        201,
    ),
    "import-csv": (
        lambda w: (
            "POST",
            "/neighbourhoods/noord/households",
            {
                "data": b"straat;huisnummer;postcode;plaats\r\nLindelaan;1;2806AB;Gouda\r\n",
                "content_type": "text/csv",
            },
        ),
        201,
    ),
    "invite-code": (
        lambda w: ("POST", f"/households/{w['household'].id}/invite-code", {}),
        201,
    ),
}


@pytest.mark.parametrize("endpoint", list(STAFF_ENDPOINTS))
@pytest.mark.parametrize("role", ROLES)
def test_role_endpoint_matrix(world, as_role, count, role, endpoint):
    request, allowed = STAFF_ENDPOINTS[endpoint]
    method, path, kwargs = request(world)
    client = as_role(role)
    before = [count(model) for model in (Neighbourhood, Household, InviteCode)]
    response = client.request(method, path, **kwargs)
    expected = EXPECTED.get(role, allowed)
    if expected >= 400:
        problem(response, expected)
        assert [count(model) for model in (Neighbourhood, Household, InviteCode)] == before
    else:
        assert response.status_code == expected, response.get_json()


@pytest.mark.parametrize("role", ["anonymous", "resident"])
def test_public_reads_are_open_to_everyone(world, as_role, role):
    client = as_role(role)
    assert client.get("/neighbourhoods").status_code == 200
    assert client.get("/neighbourhoods/noord").status_code == 200


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("POST", "/neighbourhoods", {"name": 5, "focus": "x"}),
        ("PATCH", "/neighbourhoods/noord", {"slug": "x"}),
        ("POST", "/neighbourhoods/noord/households", {"households": "x"}),
    ],
)
@pytest.mark.parametrize("role, status", [("anonymous", 401), ("resident", 403)])
def test_outsiders_get_no_validation_details(world, as_role, role, status, method, path, body):
    body = problem(as_role(role).request(method, path, json=body), status)
    assert "errors" not in body


def test_patch_by_resident_changes_nothing(world, as_role, db):
    problem(as_role("resident").patch("/neighbourhoods/noord", json={"name": "Gekaapt"}), 403)
    db.session.commit()
    assert db.session.scalar(select(Neighbourhood.name)) == "Noord"


# Staff assigned to neighbourhoods


@pytest.fixture
def assigned_api(api, make_user, make_neighbourhood, make_household, assign):
    """Staff assigned to Noord only, logged in; Zuid is someone else's."""
    noord, zuid = make_neighbourhood("Noord"), make_neighbourhood("Zuid")
    make_household(noord, number=1, postcode="2806AB")
    make_household(zuid, number=1, postcode="2803CD")
    staff = make_user("staff", email="noord@example.com")
    assign(staff, noord)
    assert api.login(staff.email).status_code == 200
    return api


def _household_id(db, slug: str) -> int:
    db.session.commit()
    query = select(Household.id).join(Neighbourhood).where(Neighbourhood.slug == slug)
    return db.session.scalar(query)


def test_assigned_staff_edit_their_neighbourhood(assigned_api):
    assert assigned_api.patch("/neighbourhoods/noord", json={"description": "x"}).status_code == 200


def test_assigned_staff_cannot_edit_another_neighbourhood(assigned_api):
    problem(assigned_api.patch("/neighbourhoods/zuid", json={"description": "x"}), 403)


def test_assigned_staff_import_into_their_neighbourhood(assigned_api):
    response = assigned_api.post("/neighbourhoods/noord/households", json={"households": [row(5)]})
    assert response.status_code == 201


def test_assigned_staff_cannot_import_elsewhere(assigned_api, count):
    response = assigned_api.post("/neighbourhoods/zuid/households", json={"households": [row(5)]})
    problem(response, 403)
    assert count(Household) == 2


def test_assigned_staff_issue_codes_for_their_homes(assigned_api, db):
    response = assigned_api.post(f"/households/{_household_id(db, 'noord')}/invite-code")
    assert response.status_code == 201


def test_assigned_staff_cannot_issue_codes_for_other_homes(assigned_api, db):
    problem(assigned_api.post(f"/households/{_household_id(db, 'zuid')}/invite-code"), 403)


def test_assigned_staff_cannot_create_neighbourhoods(assigned_api, count):
    problem(assigned_api.post("/neighbourhoods", json={"name": "Oost"}), 403)
    assert count(Neighbourhood) == 2


def test_staff_assigned_to_two_neighbourhoods_manage_both(
    api, make_user, make_neighbourhood, assign
):
    noord, zuid = make_neighbourhood("Noord"), make_neighbourhood("Zuid")
    make_neighbourhood("Oost")
    staff = make_user("staff")
    assign(staff, noord, zuid)
    api.login(staff.email)
    statuses = [
        api.patch(f"/neighbourhoods/{slug}", json={"description": "x"}).status_code
        for slug in ("noord", "zuid", "oost")
    ]
    assert statuses == [200, 200, 403]


def test_unassigned_staff_manage_every_neighbourhood(staff_api, make_neighbourhood):
    make_neighbourhood("Noord")
    make_neighbourhood("Zuid")
    for slug in ("noord", "zuid"):
        assert (
            staff_api.patch(f"/neighbourhoods/{slug}", json={"description": "x"}).status_code == 200
        )


def test_admin_with_assignments_still_manages_everything(api, admin, make_neighbourhood, assign):
    noord = make_neighbourhood("Noord")
    make_neighbourhood("Zuid")
    assign(admin, noord)
    api.login(admin.email)
    assert api.patch("/neighbourhoods/zuid", json={"description": "x"}).status_code == 200
    assert api.post("/neighbourhoods", json={"name": "Oost"}).status_code == 201


# The permission functions


def test_residents_manage_nothing(db, make_user, make_neighbourhood, assign):
    noord = make_neighbourhood("Noord")
    resident = make_user()
    assign(resident, noord)  # a stray assignment row must not grant anything
    assert not can_manage(db.session, resident, noord)


def test_manageable_lists_only_assigned_neighbourhoods(db, make_user, make_neighbourhood, assign):
    noord = make_neighbourhood("Noord")
    make_neighbourhood("Zuid")
    staff = make_user("staff")
    assign(staff, noord)
    query = manageable(db.session, staff, select(Neighbourhood.slug))
    assert db.session.scalars(query).all() == ["noord"]


def test_manageable_lists_everything_for_unassigned_staff(db, make_user, make_neighbourhood):
    make_neighbourhood("Noord")
    make_neighbourhood("Zuid")
    query = manageable(db.session, make_user("staff"), select(Neighbourhood.slug))
    assert sorted(db.session.scalars(query)) == ["noord", "zuid"]


def test_manageable_lists_nothing_for_residents(db, make_user, make_neighbourhood):
    make_neighbourhood("Noord")
    query = manageable(db.session, make_user(), select(Neighbourhood.slug))
    assert db.session.scalars(query).all() == []


def test_residents_cannot_create_neighbourhoods(db, make_user):
    with pytest.raises(Forbidden):
        check_can_create(db.session, make_user())


# HTML pages


@pytest.mark.parametrize("path", ["/beheer/wijken", "/beheer/wijken/noord"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, world, path):
    response = client.get(path)
    location = urlsplit(response.headers["Location"])
    assert (response.status_code, location.path) == (302, "/inloggen")
    assert parse_qs(location.query)["next"] == [path]


@pytest.mark.parametrize("path", ["/beheer/wijken", "/beheer/wijken/noord"])
def test_residents_get_403_on_staff_pages(client, login, world, make_user, path):
    login(make_user())
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/beheer/wijken", "/beheer/wijken/noord"])
def test_staff_open_the_staff_pages(client, login, world, staff, path):
    login(staff)
    assert client.get(path).status_code == 200


def test_assigned_staff_get_403_on_another_neighbourhoods_page(
    client, login, make_user, make_neighbourhood, assign
):
    noord = make_neighbourhood("Noord")
    make_neighbourhood("Zuid")
    staff = make_user("staff")
    assign(staff, noord)
    login(staff)
    assert client.get("/beheer/wijken/zuid").status_code == 403
