"""Signed tokens: a volunteer's check-in code and the secret of their calendar address."""

from __future__ import annotations

import pytest
from itsdangerous import URLSafeSerializer

from app.core.db import commit
from app.core.errors import NotFound, RuleViolation
from app.volunteering.services import tokens


def test_a_check_in_code_names_its_volunteer(app, resident, make_user):
    other = make_user()
    assert tokens.volunteer_from_pass(tokens.pass_token(resident)) == resident.id
    assert tokens.volunteer_from_pass(tokens.pass_token(other)) == other.id
    assert tokens.pass_token(resident) != tokens.pass_token(other)


@pytest.mark.parametrize(
    "secret, salt, payload",
    [
        ("another secret", "volunteering-pass", 1),  # made up elsewhere
        (None, "volunteering-calendar", 1),  # ours, for another purpose
        (None, "volunteering-pass", "1"),  # ours, but not a user id
        (None, "volunteering-pass", [1, 1]),
    ],
)
def test_only_our_own_check_in_codes_pass(app, secret, salt, payload):
    code = URLSafeSerializer(secret or app.config["SECRET_KEY"], salt=salt).dumps(payload)
    with pytest.raises(RuleViolation) as refused:
        tokens.volunteer_from_pass(code)
    assert "code" in refused.value.errors


def test_a_new_calendar_address_revokes_the_old_one(db, resident):
    first = tokens.calendar_token(tokens.renew_calendar(db.session, resident))
    commit(db.session)
    assert tokens.owner_of_calendar(db.session, first).id == resident.id
    second = tokens.calendar_token(tokens.renew_calendar(db.session, resident))
    commit(db.session)
    assert tokens.owner_of_calendar(db.session, second).id == resident.id
    with pytest.raises(NotFound):
        tokens.owner_of_calendar(db.session, first)


def test_a_switched_off_calendar_address_opens_nothing(db, resident):
    secret = tokens.calendar_token(tokens.renew_calendar(db.session, resident))
    tokens.revoke_calendar(db.session, resident)
    commit(db.session)
    for token in (secret, tokens.pass_token(resident), "x", ""):
        with pytest.raises(NotFound):
            tokens.owner_of_calendar(db.session, token)
