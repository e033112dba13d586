"""Rules of the neighbourhood services: slugs, focus, imports, invite codes, verification."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.core.db import commit, utcnow
from app.core.errors import Conflict, Forbidden, NotFound, RuleViolation
from app.neighbourhoods import services
from app.neighbourhoods.models import Complex, Household, InviteCode
from tests.neighbourhoods.helpers import CODE_PATTERN, row


def _import(db, actor, neighbourhood, rows, **kwargs):
    added = services.import_households(db.session, actor, neighbourhood, rows, **kwargs)
    commit(db.session)
    return added


def _row(number=1, **fields):
    return {"addition": "", "complex": None, **row(number, **fields)}


def test_slugify_turns_accents_spaces_and_punctuation_into_dashes():
    assert services.slugify("  Ééndracht  Oud-Zuid (Gouda) ") == "eendracht-oud-zuid-gouda"


def test_slugify_falls_back_when_nothing_latin_is_left():
    assert services.slugify("北京 !!") == "wijk"


def test_create_neighbourhood_stores_fields_and_slug(db, admin):
    neighbourhood = services.create_neighbourhood(
        db.session,
        admin,
        {
            "name": "Korte Akkeren",
            "description": "Portiekflats",
            "focus": True,
            "focus_reason": "x",
        },
    )
    assert (neighbourhood.slug, neighbourhood.description) == ("korte-akkeren", "Portiekflats")
    assert neighbourhood.focus and neighbourhood.focus_reason == "x"


def test_same_slug_base_gets_the_next_free_number(make_neighbourhood):
    slugs = [make_neighbourhood(name).slug for name in ("Oud Zuid", "Oud-Zuid", "Oud  zuid!")]
    assert slugs == ["oud-zuid", "oud-zuid-2", "oud-zuid-3"]


def test_slug_prefix_of_another_slug_is_not_taken(make_neighbourhood):
    make_neighbourhood("Noordoost")
    assert make_neighbourhood("Noord").slug == "noord"


def test_slug_of_a_name_that_grows_when_normalised_fits_its_column(make_neighbourhood):
    neighbourhood = make_neighbourhood("\ufb03" * 80)  # the ligature "ffi" becomes three letters
    assert 0 < len(neighbourhood.slug) <= 80


def test_numbered_slug_of_a_long_name_fits_its_column(make_neighbourhood):
    make_neighbourhood("a" * 80)
    second = make_neighbourhood("A" * 80)
    assert second.slug.endswith("-2") and len(second.slug) <= 80


def test_duplicate_name_is_a_conflict_on_name(db, admin, make_neighbourhood):
    make_neighbourhood("Bloemendaal")
    with pytest.raises(Conflict) as caught:
        services.create_neighbourhood(db.session, admin, {"name": "Bloemendaal"})
    assert "name" in caught.value.errors


def test_focus_without_reason_is_refused(db, admin):
    with pytest.raises(RuleViolation) as caught:
        services.create_neighbourhood(db.session, admin, {"name": "Noord", "focus": True})
    assert "focus_reason" in caught.value.errors


def test_get_unknown_neighbourhood_raises_not_found(db):
    with pytest.raises(NotFound):
        services.get_neighbourhood(db.session, "nergens")


def test_rename_keeps_the_slug(db, admin, make_neighbourhood):
    neighbourhood = make_neighbourhood("Noord")
    services.update_neighbourhood(db.session, admin, neighbourhood, {"name": "Gouda Noord"})
    commit(db.session)
    assert services.get_neighbourhood(db.session, "noord").name == "Gouda Noord"


def test_update_changes_only_the_given_fields(db, admin, make_neighbourhood):
    neighbourhood = make_neighbourhood("Noord", description="Oud", focus=True, focus_reason="R")
    services.update_neighbourhood(db.session, admin, neighbourhood, {"description": "Nieuw"})
    assert (neighbourhood.name, neighbourhood.description) == ("Noord", "Nieuw")
    assert (neighbourhood.focus, neighbourhood.focus_reason) == (True, "R")


def test_rename_to_another_neighbourhoods_name_is_a_conflict(db, admin, make_neighbourhood):
    make_neighbourhood("Noord")
    zuid = make_neighbourhood("Zuid")
    with pytest.raises(Conflict):
        services.update_neighbourhood(db.session, admin, zuid, {"name": "Noord"})


def test_saving_the_own_name_again_is_allowed(db, admin, make_neighbourhood):
    noord = make_neighbourhood("Noord")
    services.update_neighbourhood(db.session, admin, noord, {"name": "Noord"})
    assert noord.name == "Noord"


def test_clearing_the_reason_of_a_focus_neighbourhood_is_refused(db, admin, make_neighbourhood):
    noord = make_neighbourhood("Noord", focus=True, focus_reason="Veel zwerfvuil")
    with pytest.raises(RuleViolation) as caught:
        services.update_neighbourhood(db.session, admin, noord, {"focus_reason": ""})
    assert "focus_reason" in caught.value.errors


def test_import_adds_every_row_to_the_neighbourhood(db, admin, make_neighbourhood):
    noord = make_neighbourhood("Noord")
    added = _import(db, admin, noord, [_row(1), _row(2, addition="A")])
    assert [h.address_line for h in added] == [
        "Lindelaan 1, 2806 AB Gouda",
        "Lindelaan 2-A, 2806 AB Gouda",
    ]
    assert {h.neighbourhood_id for h in added} == {noord.id}


def test_import_creates_complexes_by_name_and_reuses_them(db, admin, make_neighbourhood):
    noord = make_neighbourhood("Noord")
    _import(db, admin, noord, [_row(1, complex="Ronssehof"), _row(2, complex="Ronssehof")])
    [third] = _import(db, admin, noord, [_row(3, complex="Ronssehof")])
    complexes = db.session.scalars(select(Complex)).all()
    assert [c.name for c in complexes] == ["Ronssehof"]
    assert third.complex_id == complexes[0].id


def test_complexes_with_one_name_in_two_neighbourhoods_are_separate(db, admin, make_neighbourhood):
    noord, zuid = make_neighbourhood("Noord"), make_neighbourhood("Zuid")
    _import(db, admin, noord, [_row(1, complex="Hof")])
    _import(db, admin, zuid, [_row(2, complex="Hof")])
    assert len(db.session.scalars(select(Complex)).all()) == 2


def test_import_refuses_a_duplicate_within_the_batch_and_adds_nothing(
    db, admin, make_neighbourhood
):
    noord = make_neighbourhood("Noord")
    with pytest.raises(RuleViolation) as caught:
        services.import_households(db.session, admin, noord, [_row(1), _row(2), _row(1)])
    assert list(caught.value.errors["households"]) == [2]
    assert "1" in caught.value.errors["households"][2]["address"][0]
    db.session.rollback()
    assert db.session.scalars(select(Household)).all() == []


def test_duplicate_message_counts_rows_from_first_row(db, admin, make_neighbourhood):
    noord = make_neighbourhood("Noord")
    with pytest.raises(RuleViolation) as caught:
        services.import_households(db.session, admin, noord, [_row(1), _row(1)], first_row=2)
    [message] = caught.value.errors["households"][1]["address"]
    assert re.search(r"\b2\b", message), message


def test_import_refuses_addresses_registered_in_any_neighbourhood(
    db, admin, make_neighbourhood, make_household
):
    make_household(make_neighbourhood("Zuid"), number=7, postcode="2806AB")
    noord = make_neighbourhood("Noord")
    with pytest.raises(RuleViolation) as caught:
        services.import_households(db.session, admin, noord, [_row(6), _row(7)])
    assert list(caught.value.errors["households"]) == [1]


def test_same_number_with_another_addition_is_another_home(db, admin, make_neighbourhood):
    noord = make_neighbourhood("Noord")
    added = _import(db, admin, noord, [_row(5), _row(5, addition="A"), _row(5, addition="B")])
    assert len(added) == 3


def test_import_checks_more_addresses_than_one_query_batch(db, admin, make_neighbourhood):
    noord = make_neighbourhood("Noord")
    _import(db, admin, noord, [_row(1200)])
    with pytest.raises(RuleViolation) as caught:
        services.import_households(db.session, admin, noord, [_row(n) for n in range(1, 1201)])
    assert list(caught.value.errors["households"]) == [1199]


def test_invite_code_has_the_letter_format(db, admin, make_household):
    issued = services.issue_invite_code(db.session, admin, make_household())
    assert re.match(CODE_PATTERN, issued.code), issued.code


def test_invite_codes_differ_each_time(db, admin, make_household):
    household = make_household()
    codes = {services.issue_invite_code(db.session, admin, household).code for _ in range(20)}
    assert len(codes) == 20


def test_only_a_hash_of_the_invite_code_is_stored(db, admin, make_household):
    issued = services.issue_invite_code(db.session, admin, make_household())
    stored = db.session.scalar(select(InviteCode))
    plain = services.normalize_code(issued.code)
    assert plain not in stored.code_hash and stored.code_hash != plain


def test_invite_code_expires_after_the_configured_days(app, db, admin, make_household):
    app.config["INVITE_CODE_DAYS"] = 30
    issued = services.issue_invite_code(db.session, admin, make_household())
    assert abs(issued.expires_at - (utcnow() + timedelta(days=30))) < timedelta(minutes=1)


def test_verify_links_the_resident_to_household_and_neighbourhood(
    db, make_user, make_household, issue_code
):
    household = make_household()
    resident = make_user()
    services.verify_household(db.session, resident, issue_code(household))
    assert resident.household is household and resident.verified
    assert resident.home_neighbourhood is household.neighbourhood
    assert resident.verified_at is not None


def test_verify_ignores_case_spaces_and_dashes(db, make_user, make_household, issue_code):
    code = issue_code(make_household())
    typed = " " + code.lower().replace("-", " - ") + "\t"
    assert services.verify_household(db.session, make_user(), typed) is not None


def test_verify_records_who_used_the_code(db, make_user, make_household, issue_code):
    resident = make_user()
    services.verify_household(db.session, resident, issue_code(make_household()))
    invite = db.session.scalar(select(InviteCode))
    assert invite.used_by_id == resident.id and invite.used_at is not None


def test_used_code_is_a_conflict(db, make_user, make_household, issue_code):
    code = issue_code(make_household())
    services.verify_household(db.session, make_user(), code)
    with pytest.raises(Conflict):
        services.verify_household(db.session, make_user(), code)


def test_expired_code_is_refused(db, make_user, make_household, issue_code):
    code = issue_code(make_household())
    db.session.execute(update(InviteCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    with pytest.raises(RuleViolation) as caught:
        services.verify_household(db.session, make_user(), code)
    assert "code" in caught.value.errors


def test_wrong_code_is_refused(db, make_user, make_household, issue_code):
    issue_code(make_household())
    with pytest.raises(RuleViolation) as caught:
        services.verify_household(db.session, make_user(), "ABCD-EFGH")
    assert "code" in caught.value.errors


def test_new_code_makes_the_older_unused_one_stop_working(
    db, make_user, make_household, issue_code
):
    household = make_household()
    old = issue_code(household)
    issue_code(household)
    with pytest.raises(RuleViolation):
        services.verify_household(db.session, make_user(), old)


def test_new_code_leaves_a_used_code_used(db, make_user, make_household, issue_code):
    household = make_household()
    first = issue_code(household)
    services.verify_household(db.session, make_user(), first)
    commit(db.session)
    issue_code(household)
    invite = db.session.scalars(select(InviteCode).order_by(InviteCode.id)).first()
    assert invite.used_at is not None and invite.expires_at > utcnow()


def test_new_code_leaves_codes_of_other_households_working(
    db, make_user, make_household, issue_code
):
    first, second = make_household(), make_household()
    code = issue_code(first)
    issue_code(second)
    assert services.verify_household(db.session, make_user(), code) is first


def test_residents_of_one_household_each_use_their_own_code(
    db, make_user, make_household, issue_code
):
    household = make_household()
    partner, child = make_user(), make_user()
    services.verify_household(db.session, partner, issue_code(household))
    commit(db.session)
    services.verify_household(db.session, child, issue_code(household))
    assert partner.household is household and child.household is household


def test_verifying_again_moves_the_resident_to_the_new_home(
    db, make_user, make_neighbourhood, make_household, issue_code
):
    resident = make_user()
    services.verify_household(db.session, resident, issue_code(make_household()))
    new_home = make_household(make_neighbourhood("Zuid"), postcode="2803CD")
    services.verify_household(db.session, resident, issue_code(new_home))
    assert resident.household is new_home and resident.home_neighbourhood.slug == "zuid"


def test_get_household_of_unknown_id_raises_not_found(db, admin):
    with pytest.raises(NotFound):
        services.get_household(db.session, admin, 999_999)


def test_get_household_refuses_staff_of_another_neighbourhood(
    db, make_user, make_neighbourhood, make_household, assign
):
    household = make_household()
    staff = make_user("staff")
    assign(staff, make_neighbourhood("Elders"))
    with pytest.raises(Forbidden):
        services.get_household(db.session, staff, household.id)
