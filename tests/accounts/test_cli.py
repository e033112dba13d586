"""`flask users create` and `flask users set-role`."""

from app.accounts import services
from app.accounts.models import Role
from app.accounts.passwords import verify_password
from tests.conftest import PASSWORD, problem


def run(app, *args: str, **kwargs):
    return app.test_cli_runner().invoke(args=["users", *args], **kwargs)


def find(db, email: str):
    db.session.expire_all()  # the command ran in its own app context and session
    return services.find_user_by_email(db.session, email)


def test_create_makes_an_account_with_the_role(app, db):
    result = run(
        app,
        "create",
        "sanne@example.com",
        "--role",
        "staff",
        "--password",
        PASSWORD,
        "--name",
        "Sanne de Vries",
    )
    assert result.exit_code == 0, result.output
    assert "sanne@example.com" in result.output
    user = find(db, "sanne@example.com")
    assert (user.role, user.display_name) == (Role.STAFF, "Sanne de Vries")
    assert verify_password(user.password_hash, PASSWORD)


def test_create_makes_a_resident_by_default(app, db):
    result = run(app, "create", "jan@example.com", "--password", PASSWORD, "--name", "Jan")
    assert result.exit_code == 0, result.output
    assert find(db, "jan@example.com").role == Role.RESIDENT


def test_create_normalises_the_email(app, db):
    run(app, "create", "Sanne@Example.COM", "--password", PASSWORD, "--name", "Sanne")
    assert find(db, "sanne@example.com") is not None


def test_create_asks_for_the_password_twice(app, db):
    result = run(
        app, "create", "jan@example.com", "--name", "Jan", input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert find(db, "jan@example.com") is not None


def test_create_refuses_a_weak_password_with_a_message(app, db):
    result = run(app, "create", "jan@example.com", "--password", "kort", "--name", "Jan")
    assert result.exit_code != 0
    assert "10" in result.output
    assert find(db, "jan@example.com") is None


def test_create_refuses_a_common_password(app, db):
    result = run(app, "create", "jan@example.com", "--password", "welkom2026", "--name", "Jan")
    assert result.exit_code != 0
    assert result.output.strip()
    assert find(db, "jan@example.com") is None


def test_create_refuses_a_taken_email(app, db, make_user):
    make_user(email="jan@example.com", name="Jan")
    result = run(app, "create", "JAN@example.com", "--password", PASSWORD, "--name", "Ander")
    assert result.exit_code != 0
    assert result.output.strip()
    assert find(db, "jan@example.com").display_name == "Jan"


def test_create_refuses_an_invalid_email(app):
    result = run(app, "create", "geen-adres", "--password", PASSWORD, "--name", "Jan")
    assert result.exit_code != 0
    assert result.output.strip()


def test_create_refuses_an_unknown_role(app, db):
    result = run(
        app, "create", "jan@example.com", "--role", "king", "--password", PASSWORD, "--name", "Jan"
    )
    assert result.exit_code == 2
    assert "king" in result.output
    assert find(db, "jan@example.com") is None


def test_create_needs_a_name(app, db):
    result = run(app, "create", "jan@example.com", "--password", PASSWORD)
    assert result.exit_code == 2
    assert find(db, "jan@example.com") is None


def test_created_account_can_log_in(app, api):
    run(
        app, "create", "sanne@example.com", "--role", "admin", "--password", PASSWORD, "--name", "S"
    )
    assert api.login("sanne@example.com").get_json()["role"] == "admin"


def test_set_role_changes_the_role(app, db, make_user):
    user = make_user(email="jan@example.com")
    result = run(app, "set-role", "jan@example.com", "staff")
    assert result.exit_code == 0, result.output
    assert "staff" in result.output
    assert find(db, user.email).role == Role.STAFF


def test_set_role_finds_the_email_in_any_case(app, db, make_user):
    make_user(email="jan@example.com")
    assert run(app, "set-role", "JAN@example.com", "admin").exit_code == 0
    assert find(db, "jan@example.com").role == Role.ADMIN


def test_set_role_ends_the_sessions(app, api, make_user):
    user = make_user()
    api.login(user.email)
    run(app, "set-role", user.email, "staff")
    problem(api.get("/me"), 401)


def test_set_role_refuses_an_unknown_email(app):
    result = run(app, "set-role", "niemand@example.com", "staff")
    assert result.exit_code != 0
    assert "niemand@example.com" in result.output


def test_set_role_refuses_an_unknown_role(app, db, make_user):
    user = make_user()
    result = run(app, "set-role", user.email, "king")
    assert result.exit_code == 2
    assert find(db, user.email).role == Role.RESIDENT
