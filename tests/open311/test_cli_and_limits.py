"""`flask open311 create-key / revoke-key / list-keys`, and the rate limits of POSTs."""

from __future__ import annotations

from sqlalchemy import select

from app.open311.models import Open311Partner
from app.open311.services import hash_key
from tests.open311.conftest import HERE, V2, errors


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=["open311", *args])


def partner(db, name: str) -> Open311Partner:
    db.session.expire_all()  # the command ran in its own session
    return db.session.scalar(select(Open311Partner).where(Open311Partner.name == name))


def litter(key: str) -> dict:
    return {"api_key": key, "service_code": "zwerfvuil", "lat": HERE[0], "long": HERE[1]}


def test_create_key_prints_a_key_that_works_and_keeps_only_its_hash(app, db, client):
    result = run(app, "create-key", "Gemeente Gouda")
    assert result.exit_code == 0, result.output
    key = result.stdout.strip()
    assert len(key) >= 40 and "\n" not in key
    stored = partner(db, "Gemeente Gouda")
    assert stored.key_hash == hash_key(key) and key not in stored.key_hash
    assert stored.revoked_at is None
    assert client.post(f"{V2}/requests.json", data=litter(key)).status_code == 201


def test_create_key_refuses_a_second_key_unless_replacing(app, db, client):
    old = run(app, "create-key", "Buurtapp").stdout.strip()
    again = run(app, "create-key", "Buurtapp")
    assert again.exit_code != 0 and "--replace" in again.stderr
    new = run(app, "create-key", "Buurtapp", "--replace").stdout.strip()
    assert new != old
    errors(client.post(f"{V2}/requests.json", data=litter(old)), 403)
    assert client.post(f"{V2}/requests.json", data=litter(new)).status_code == 201


def test_revoke_key_stops_the_key(app, db, client):
    key = run(app, "create-key", "Buurtapp").stdout.strip()
    result = run(app, "revoke-key", "Buurtapp")
    assert result.exit_code == 0 and "revoked" in result.stdout
    assert partner(db, "Buurtapp").revoked_at is not None
    errors(client.post(f"{V2}/requests.json", data=litter(key)), 403)
    assert run(app, "revoke-key", "Buurtapp").exit_code == 0  # twice is harmless


def test_revoke_key_of_an_unknown_partner_fails(app):
    result = run(app, "revoke-key", "Niemand")
    assert result.exit_code != 0 and "Niemand" in result.stderr


def test_list_keys_shows_partners_and_their_state(app):
    run(app, "create-key", "Actief")
    run(app, "create-key", "Oud")
    run(app, "revoke-key", "Oud")
    lines = run(app, "list-keys").stdout.splitlines()
    assert [line.split("\t")[:2][0] for line in lines] == ["Actief", "Oud"]
    assert "active" in lines[0] and "revoked" in lines[1]


def test_posts_are_limited_per_key(limited, db):
    from app.open311.services import create_key

    app = limited(OPEN311_POST_LIMIT="2/minute")
    first, _ = create_key(db.session, "Eerste")
    second, _ = create_key(db.session, "Tweede")
    db.session.commit()
    client = app.test_client()
    statuses = [client.post(f"{V2}/requests.json", data=litter(first)).status_code for _ in "abc"]
    assert statuses == [201, 201, 429]
    refused = client.post(f"{V2}/requests.xml", data=litter(first))
    errors(refused, 429, "xml")
    assert int(refused.headers["Retry-After"]) > 0
    assert client.post(f"{V2}/requests.json", data=litter(second)).status_code == 201


def test_refused_keys_are_limited_per_address(limited, db):
    from app.open311.services import create_key

    app = limited(OPEN311_BAD_KEY_LIMIT="2/minute")
    key, _ = create_key(db.session, "Eerste")
    db.session.commit()
    client = app.test_client()
    statuses = [
        client.post(f"{V2}/requests.json", data=litter(f"geraden-{n}")).status_code
        for n in range(3)
    ]
    assert statuses == [403, 403, 429]
    errors(client.post(f"{V2}/requests.json", data=litter(key)), 429)
