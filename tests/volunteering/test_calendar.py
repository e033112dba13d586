"""Calendars: an activity's shifts as an .ics file, and the volunteer's private feed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from app.core.db import commit, utcnow, write_intent
from app.volunteering.services import shifts as shift_services
from app.volunteering.services import signups
from tests.conftest import problem
from tests.volunteering.conftest import in_days, shift_data


def _parse(response) -> Calendar:
    assert response.status_code == 200, response.data[:500]
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.data)


def _uids(calendar: Calendar) -> list[str]:
    return [str(event["UID"]) for event in calendar.events]


def _sign_up(db, user, shift) -> str:
    with write_intent():
        signup, _ = signups.sign_up(db.session, user, shift.id)
        commit(db.session)
    return signup.status


def _feed_path(app, client) -> str:
    """Make the user's private address through the API; return its path on this server."""
    response = client.post("/me/calendar")
    assert response.status_code == 201, response.get_json()
    return response.get_json()["url"].removeprefix(app.config["BASE_URL"].rstrip("/"))


def _last_sunday_of_march(year: int) -> datetime:
    day = datetime(year, 3, 31, tzinfo=UTC)
    return day - timedelta(days=(day.weekday() + 1) % 7)


@pytest.fixture
def cleanup(make_activity):
    """A published clean-up at a spot on the map, with a morning and an afternoon shift."""
    return make_activity(
        lat=52.0115,
        lon=4.7104,
        shifts=[
            shift_data(in_days(3, hour=8), task="Koffie schenken"),
            shift_data(in_days(3, hour=13), capacity=3),
        ],
    )


def test_activity_calendar_has_one_event_per_shift(app, api, cleanup):
    calendar = _parse(api.get(f"/activities/{cleanup.id}.ics"))
    assert str(calendar["VERSION"]) == "2.0" and str(calendar["PRODID"])
    assert (str(calendar["CALSCALE"]), str(calendar["METHOD"])) == ("GREGORIAN", "PUBLISH")
    assert str(calendar["X-WR-CALNAME"]) == "Opruimdag in de wijk"
    events = calendar.events
    assert [event.start.astimezone(UTC) for event in events] == [
        shift.starts_at for shift in cleanup.shifts
    ]
    assert [event.end.astimezone(UTC) for event in events] == [
        shift.ends_at for shift in cleanup.shifts
    ]
    assert [str(event["SUMMARY"]) for event in events] == [
        "Opruimdag in de wijk \N{EN DASH} Koffie schenken",
        "Opruimdag in de wijk",
    ]
    first = events[0]
    assert str(first["LOCATION"]) == "Speeltuin Akkerplein"
    assert (first["GEO"].latitude, first["GEO"].longitude) == (52.0115, 4.7104)
    page = f"{app.config['BASE_URL'].rstrip('/')}/activiteiten/{cleanup.id}"
    assert str(first["URL"]) == page
    assert "Neem handschoenen mee" in str(first["DESCRIPTION"]) and page in first["DESCRIPTION"]
    assert first["DTSTAMP"].dt.tzinfo is not None


def test_activity_calendar_times_are_amsterdam_with_its_timezone(api, make_activity):
    # A shift over the night the clocks go forward: 01:30 CET to 04:30 CEST is two hours.
    change = _last_sunday_of_march(utcnow().year + 1).replace(hour=0, minute=30)
    activity = make_activity(shifts=[shift_data(change, hours=2)])
    response = api.get(f"/activities/{activity.id}.ics")
    day = change.strftime("%Y%m%d").encode()
    assert b"DTSTART;TZID=Europe/Amsterdam:" + day + b"T013000\r\n" in response.data
    assert b"DTEND;TZID=Europe/Amsterdam:" + day + b"T043000\r\n" in response.data
    calendar = _parse(response)
    assert [zone.tz_name for zone in calendar.timezones] == ["Europe/Amsterdam"]
    assert not calendar.get_missing_tzids()
    [event] = calendar.events
    assert str(event.start.tzinfo) == "Europe/Amsterdam"
    assert event.start.astimezone(UTC) == change
    assert event.end.astimezone(UTC) == change + timedelta(hours=2)


def test_activity_calendar_uids_are_stable(app, api, cleanup):
    first = _uids(_parse(api.get(f"/activities/{cleanup.id}.ics")))
    again = _uids(_parse(api.get(f"/activities/{cleanup.id}.ics")))
    assert first == again == [f"shift-{shift.id}@127.0.0.1" for shift in cleanup.shifts]


def test_activity_calendar_is_a_download(api, cleanup):
    response = api.get(f"/activities/{cleanup.id}.ics")
    disposition = response.headers["Content-Disposition"]
    assert disposition == 'attachment; filename="opruimdag-in-de-wijk.ics"'


def test_activity_calendar_leaves_out_cancelled_shifts(db, api, staff, cleanup):
    morning, afternoon = cleanup.shifts
    shift_services.cancel_shift(db.session, staff, morning)
    commit(db.session)
    assert _uids(_parse(api.get(f"/activities/{cleanup.id}.ics"))) == [
        f"shift-{afternoon.id}@127.0.0.1"
    ]


def test_activity_calendar_does_not_clash_with_the_activity(api, cleanup):
    assert api.get(f"/activities/{cleanup.id}").mimetype == "application/json"
    assert api.get(f"/activities/{cleanup.id}.ics").mimetype == "text/calendar"


def test_draft_calendar_only_for_its_organisers(api, api_as, make_activity, make_resident, staff):
    draft = make_activity(status="draft")
    problem(api.get(f"/activities/{draft.id}.ics"), 404)
    problem(api_as(make_resident()).get(f"/activities/{draft.id}.ics"), 404)
    assert len(_parse(api_as(staff).get(f"/activities/{draft.id}.ics")).events) == 1


def test_unknown_activity_calendar_is_404(api):
    problem(api.get("/activities/999999.ics"), 404)


def test_calendar_lines_are_crlf_and_folded(api, make_activity):
    activity = make_activity(
        title="Koffie \N{EN DASH} taart en thee in café \N{EN DASH} Hoekje " * 3,
        description="Wij zorgen voor koffie. " * 20,
    )
    raw = api.get(f"/activities/{activity.id}.ics").data
    lines = raw.split(b"\r\n")
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 75 and any(line[:1] == b" " for line in lines)


def test_calendar_address_is_off_until_made(app, api_as, resident):
    client = api_as(resident)
    assert client.get("/me/calendar").get_json() == {
        "active": False,
        "url": None,
        "webcal_url": None,
    }
    made = client.post("/me/calendar")
    assert made.status_code == 201
    body = made.get_json()
    base = app.config["BASE_URL"].rstrip("/")
    assert body["active"] is True and body["url"].startswith(f"{base}/api/v1/me/calendar.ics?")
    assert body["webcal_url"] == "webcal://" + body["url"].split("://", 1)[1]
    assert client.get("/me/calendar").get_json() == body


def test_calendar_address_needs_login(api):
    problem(api.get("/me/calendar"), 401)
    problem(api.post("/me/calendar"), 401)
    problem(api.delete("/me/calendar"), 401)


def test_calendar_address_changes_need_the_csrf_header(api_as, resident):
    problem(api_as(resident).post("/me/calendar", csrf=False), 400)


def test_feed_holds_only_my_confirmed_shifts(
    app, db, client, api_as, make_activity, make_user, staff
):
    me, other = make_user(), make_user()
    one_place = [shift_data(in_days(day), capacity=1) for day in (2, 3, 4, 5, 6)]
    activity = make_activity(shifts=one_place)
    mine, full, left, called_off, theirs = activity.shifts
    _sign_up(db, me, mine)
    _sign_up(db, other, full)
    assert _sign_up(db, me, full) == "waitlisted"
    _sign_up(db, me, left)
    with write_intent():
        signups.cancel_signup(db.session, me, left.id)
        commit(db.session)
    _sign_up(db, me, called_off)
    _sign_up(db, other, theirs)
    shift_services.cancel_shift(db.session, staff, called_off)
    commit(db.session)
    calendar = _parse(client.get(_feed_path(app, api_as(me))))
    assert _uids(calendar) == [f"shift-{mine.id}@127.0.0.1"]
    assert calendar.events[0].start.astimezone(UTC) == mine.starts_at


def test_feed_keeps_the_last_month(app, db, client, api_as, make_activity, make_user, staff):
    me = make_user()
    activity = make_activity(shifts=[shift_data(in_days(day)) for day in (1, 2, 3)])
    recent, old, coming = activity.shifts
    for shift in activity.shifts:
        _sign_up(db, me, shift)
    with write_intent():
        for shift, days in ((recent, -10), (old, -40)):
            locked = shift_services.lock_shift(db.session, shift.id)
            shift_services.update_shift(db.session, staff, locked, shift_data(in_days(days)))
        commit(db.session)
    calendar = _parse(client.get(_feed_path(app, api_as(me))))
    assert _uids(calendar) == [f"shift-{recent.id}@127.0.0.1", f"shift-{coming.id}@127.0.0.1"]


def test_feed_is_private_and_sets_no_cookie(app, db, client, api_as, resident, shift):
    _sign_up(db, resident, shift)
    response = client.get(_feed_path(app, api_as(resident)))
    calendar = _parse(response)
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "private, no-store"
    assert str(calendar["X-WR-CALNAME"]) and calendar["REFRESH-INTERVAL"].dt == timedelta(hours=1)
    assert str(calendar["X-PUBLISHED-TTL"]) == "PT1H"
    assert len(calendar.events) == 1


def test_empty_feed_is_a_valid_calendar(app, client, api_as, resident):
    calendar = _parse(client.get(_feed_path(app, api_as(resident))))
    assert calendar.events == [] and str(calendar["VERSION"]) == "2.0"


def test_renewed_address_replaces_the_old_one(app, client, api_as, resident):
    owner = api_as(resident)
    old = _feed_path(app, owner)
    new = _feed_path(app, owner)
    assert new != old
    problem(client.get(old), 404)
    assert client.get(new).status_code == 200


def test_switched_off_address_stops_working(app, client, api_as, resident):
    owner = api_as(resident)
    path = _feed_path(app, owner)
    assert owner.delete("/me/calendar").status_code == 204
    problem(client.get(path), 404)
    assert owner.get("/me/calendar").get_json()["active"] is False
    assert client.get(_feed_path(app, owner)).status_code == 200


def test_feed_without_a_good_token_is_refused(client, api):
    problem(api.get("/me/calendar.ics"), 422)
    problem(api.get("/me/calendar.ics?token=made-up"), 404)
    assert "Set-Cookie" not in client.get("/api/v1/me/calendar.ics?token=x").headers
