"""The staff workflow, and the reporter's reopen and feedback."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.core import signals
from app.core.db import utcnow
from tests.conftest import problem

TOMORROW = (date.today() + timedelta(days=1)).isoformat()


@pytest.fixture
def report(make_report):
    """A fresh public litter report by the resident."""
    return make_report()


def move(client, report, status, **fields):
    return client.post(f"/reports/{report.id}/status", json={"status": status, **fields})


def test_staff_may_skip_forward_steps(staff_api, report):
    response = move(staff_api, report, "in_progress", note="We komen morgen.")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "in_progress"
    assert body["updates"][-1]["note"] == "We komen morgen."


def test_going_back_is_a_409_with_a_clear_message(staff_api, report):
    move(staff_api, report, "in_progress")
    detail = problem(move(staff_api, report, "acknowledged"), 409)["detail"]
    assert "Reopen" in detail or "Heropen" in detail


def test_a_closed_report_changes_only_through_reopen(staff_api, report):
    move(staff_api, report, "resolved")
    problem(move(staff_api, report, "in_progress"), 409)


def test_an_unknown_status_is_a_422(staff_api, report):
    assert "status" in problem(move(staff_api, report, "fixed"), 422)["errors"]


def test_planned_needs_an_expected_date(staff_api, report):
    assert "expected_on" in problem(move(staff_api, report, "planned"), 422)["errors"]
    response = move(staff_api, report, "planned", expected_on=TOMORROW)
    assert response.get_json()["expected_on"] == TOMORROW


def test_duplicate_points_to_the_original(staff_api, make_report, report):
    original = make_report()
    assert "duplicate_of" in problem(move(staff_api, report, "duplicate"), 422)["errors"]
    selfish = move(staff_api, report, "duplicate", duplicate_of=report.id)
    assert "duplicate_of" in problem(selfish, 422)["errors"]
    response = move(staff_api, report, "duplicate", duplicate_of=original.id)
    assert response.get_json()["duplicate_of"] == original.id


def test_referred_names_the_party_and_closing_unresolved_a_reason(staff_api, make_report):
    first, second = make_report(), make_report()
    assert "referred_to" in problem(move(staff_api, first, "referred"), 422)["errors"]
    done = move(staff_api, first, "referred", referred_to="Gemeente Gouda")
    assert done.get_json()["referred_to"] == "Gemeente Gouda"
    assert "note" in problem(move(staff_api, second, "closed_unresolved"), 422)["errors"]


def test_internal_notes_never_reach_residents(staff_api, resident_api, api, report):
    move(staff_api, report, "acknowledged", note="Aannemer is duur.", public=False)
    for client in (resident_api, api):
        body = client.get(f"/reports/{report.id}").get_json()
        assert "Aannemer" not in str(body)
        assert [u["status"] for u in body["updates"]] == ["submitted"]
    staff_view = staff_api.get(f"/reports/{report.id}").get_json()
    assert staff_view["updates"][-1]["note"] == "Aannemer is duur."


def test_a_note_without_a_move_keeps_the_status(staff_api, report):
    move(staff_api, report, "acknowledged")
    response = move(staff_api, report, "acknowledged", note="Nog even geduld.")
    assert response.get_json()["updates"][-1]["status"] is None
    problem(move(staff_api, report, "acknowledged"), 409)


def test_residents_cannot_handle_reports(resident_api, report):
    problem(move(resident_api, report, "resolved"), 403)
    problem(resident_api.post(f"/reports/{report.id}/assign", json={"contractor": "X"}), 403)


def test_staff_of_another_neighbourhood_cannot_handle_it(
    api_as, make_user, make_neighbourhood, assign, report
):
    elsewhere = make_user("staff")
    assign(elsewhere, make_neighbourhood("Bloemendaal"))
    problem(move(api_as(elsewhere), report, "resolved"), 403)


def test_staff_assign_to_a_colleague_and_a_contractor(staff_api, make_user, report):
    colleague = make_user("staff", name="Mila")
    response = staff_api.post(
        f"/reports/{report.id}/assign", json={"assignee": colleague.id, "contractor": "Bouwbedrijf"}
    )
    body = response.get_json()
    assert body["assignee"] == colleague.id and body["contractor"] == "Bouwbedrijf"
    assert body["updates"][-1]["public"] is False


def test_only_staff_can_be_assigned(staff_api, resident, report):
    response = staff_api.post(f"/reports/{report.id}/assign", json={"assignee": resident.id})
    assert "assignee" in problem(response, 422)["errors"]


def test_the_reporter_reopens_within_14_days(staff_api, resident_api, report):
    move(staff_api, report, "resolved")
    assert resident_api.get(f"/reports/{report.id}").get_json()["can_reopen"] is True
    response = resident_api.post(f"/reports/{report.id}/reopen", json={"reason": "Lekt weer."})
    assert response.get_json()["status"] == "submitted"
    assert "Lekt weer." in response.get_json()["updates"][-1]["note"]


def test_reopening_after_14_days_is_refused(staff_api, resident_api, report, db):
    move(staff_api, report, "resolved")
    report.resolved_at = utcnow() - timedelta(days=15)
    db.session.commit()
    problem(resident_api.post(f"/reports/{report.id}/reopen", json={"reason": "Nee"}), 409)


def test_others_cannot_reopen(staff_api, api_as, make_resident, report):
    move(staff_api, report, "resolved")
    neighbour = api_as(make_resident())
    problem(neighbour.post(f"/reports/{report.id}/reopen", json={"reason": "Nee"}), 403)


def test_staff_reopen_a_closed_report(staff_api, report):
    move(staff_api, report, "not_our_responsibility")
    response = staff_api.post(f"/reports/{report.id}/reopen", json={"reason": "Toch wel."})
    assert response.get_json()["status"] == "submitted"


def test_feedback_once_after_the_fix(staff_api, resident_api, report):
    path = f"/reports/{report.id}/feedback"
    problem(resident_api.post(path, json={"fixed": True, "satisfaction": 5}), 409)
    move(staff_api, report, "resolved")
    response = resident_api.post(path, json={"fixed": True, "satisfaction": 4, "remark": "Top"})
    assert response.status_code == 201
    problem(resident_api.post(path, json={"fixed": False, "satisfaction": 1}), 409)


def test_satisfaction_runs_from_1_to_5(staff_api, resident_api, report):
    move(staff_api, report, "resolved")
    response = resident_api.post(
        f"/reports/{report.id}/feedback", json={"fixed": True, "satisfaction": 6}
    )
    assert "satisfaction" in problem(response, 422)["errors"]


def test_a_public_move_signals_after_commit_and_an_internal_one_does_not(staff_api, report):
    heard = []
    with signals.report_status_changed.connected_to(lambda _, **kw: heard.append(kw)):
        move(staff_api, report, "acknowledged", public=False)
        move(staff_api, report, "in_progress")
    assert [(h["report_id"], h["status"]) for h in heard] == [(report.id, "in_progress")]
