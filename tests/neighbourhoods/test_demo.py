"""`flask seed-demo`: believable demo data, created once."""

import re

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.demo import DEMO_PASSWORD
from app.neighbourhoods.models import Complex, Household, InviteCode, Neighbourhood
from app.neighbourhoods.schemas import HouseholdRowSchema, validate_boundary


@pytest.fixture
def seed(app, db):
    """Run `flask seed-demo` and return its output."""

    def run() -> str:
        result = app.test_cli_runner().invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        db.session.commit()
        return result.output

    return run


def _row_counts(db) -> dict[str, int]:
    db.session.commit()
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def test_seed_demo_creates_three_neighbourhoods_one_of_them_focus(seed, db):
    seed()
    neighbourhoods = db.session.scalars(select(Neighbourhood).order_by(Neighbourhood.name)).all()
    assert [n.slug for n in neighbourhoods] == ["bloemendaal", "korte-akkeren", "reeuwijk-dorp"]
    assert [n.name for n in neighbourhoods if n.focus] == ["Korte Akkeren"]
    assert all(n.focus_reason for n in neighbourhoods if n.focus)


def test_seed_demo_adds_homes_and_complexes_to_every_neighbourhood(seed, db):
    seed()
    per_neighbourhood = db.session.execute(
        select(Household.neighbourhood_id, func.count()).group_by(Household.neighbourhood_id)
    ).all()
    assert len(per_neighbourhood) == 3 and all(n > 0 for _, n in per_neighbourhood)
    assert db.session.scalar(select(func.count()).select_from(Complex)) > 0


def test_seed_demo_creates_admin_staff_and_residents(seed, db):
    seed()
    roles = sorted(db.session.scalars(select(User.role)))
    assert roles.count(Role.ADMIN) == 1 and roles.count(Role.STAFF) == 1
    assert roles.count(Role.RESIDENT) >= 2


def test_seed_demo_verifies_one_resident(seed, db):
    seed()
    resident = db.session.scalar(select(User).where(User.email == "bewoner@demo.leefbaar.nl"))
    assert resident.verified and resident.home_neighbourhood is not None


def test_demo_accounts_log_in_with_the_printed_password(seed, make_api):
    output = seed()
    assert DEMO_PASSWORD in output
    for email in re.findall(r"\S+@demo\.leefbaar\.nl", output):
        client = make_api()
        assert client.login(email, DEMO_PASSWORD).status_code == 200, email


def test_printed_spare_code_verifies_the_other_resident(seed, make_api):
    output = seed()
    code = re.search(r"\b([A-Z2-9]{4}-[A-Z2-9]{4})\b", output).group(1)
    client = make_api()
    client.login("buur@demo.leefbaar.nl", DEMO_PASSWORD)
    assert client.post("/me/verify", json={"code": code}).get_json()["verified"] is True


def test_running_seed_demo_twice_changes_nothing(seed, db):
    seed()
    before = _row_counts(db)
    output = seed()
    assert _row_counts(db) == before
    assert before["neighbourhoods"] == 3 and before["invite_codes"] == 2
    assert "already" in output


def test_demo_homes_would_pass_the_import_checks(seed, db):
    seed()
    schema = HouseholdRowSchema()
    for household in db.session.scalars(select(Household)):
        data = {k: getattr(household, k) for k in ("street", "number", "postcode", "city")}
        assert schema.load({**data, "addition": household.addition})["postcode"] == data["postcode"]


def test_demo_boundaries_are_valid_geojson(seed, db):
    seed()
    boundaries = db.session.scalars(select(Neighbourhood.boundary)).all()
    for boundary in filter(None, boundaries):
        validate_boundary(boundary)
    assert any(boundaries)


def test_seed_demo_leaves_one_unused_invite_code(seed, db):
    seed()
    assert (
        db.session.scalar(
            select(func.count()).select_from(InviteCode).where(InviteCode.used_at.is_(None))
        )
        == 1
    )


def test_second_run_still_prints_the_demo_logins(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo"])
    output = runner.invoke(args=["seed-demo"]).output
    assert "already there" in output
    assert "medewerker@demo.leefbaar.nl" in output
