"""What a sign-up costs in SQL: its answer is built from what it wrote, not read back."""

from __future__ import annotations

from tests.proposals.test_query_counts import counted


def _signup_statements(db, client, shift_id: int, method: str) -> list[str]:
    with counted(db.engine) as statements:
        response = client.request(method, f"/shifts/{shift_id}/signup")
    assert response.status_code in (200, 201), response.get_json()
    return [statement.split()[0].upper() for statement in statements]


def test_signing_up_and_cancelling_read_nothing_back_after_writing(db, api_as, make_user, shift):
    shift_id = shift.id
    client = api_as(make_user())
    client.csrf()
    signing_up = _signup_statements(db, client, shift_id, "POST")
    # user, lock volunteer, lock shift with its activity, earlier signup, overlap; then writes
    assert signing_up == ["SELECT"] * 5 + ["UPDATE", "INSERT"], signing_up
    cancelling = _signup_statements(db, client, shift_id, "DELETE")
    # user, lock shift with its activity, the signup (nobody waits); then the two writes
    assert cancelling == ["SELECT"] * 3 + ["UPDATE", "UPDATE"], cancelling
