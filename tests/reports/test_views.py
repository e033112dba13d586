"""The report pages: the list, filing a report, one report with its forms, the staff queue."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.core.uploads import Photo
from app.reports.models import Report, ReportFeedback, ReportFollower, Status
from app.reports.services import workflow
from tests.conftest import PASSWORD, form_token
from tests.core.images import jpeg
from tests.reports.conftest import HERE

TOMORROW = date.today() + timedelta(days=1)
LEAK_ANSWERS = {"ruimte": "keuken", "spoed": "nee"}


@pytest.fixture
def client_as(app):
    """Return a new browser-like client, logged in as the given user through the form."""

    def log_in(user):
        client = app.test_client()
        page = client.get("/inloggen")
        response = client.post(
            "/inloggen",
            data={"email": user.email, "password": PASSWORD, "csrf_token": form_token(page)},
        )
        assert response.status_code == 302
        return client

    return log_in


@pytest.fixture
def as_resident(client_as, resident):
    return client_as(resident)


@pytest.fixture
def as_staff(client_as, staff):
    return client_as(staff)


def post_form(client, path, fields, *photos, page=None):
    """Post a form the way a browser does, with the page's CSRF token and any photos."""
    page = page or client.get(path)
    data = {"csrf_token": form_token(page), **fields}
    if photos:
        data["photos"] = [(io.BytesIO(p), f"foto{i}.jpg") for i, p in enumerate(photos)]
    return client.post(path, data=data, content_type="multipart/form-data")


def litter(**extra):
    return {
        "category": "zwerfvuil",
        "description": "Een berg afval bij de bank.",
        "lat": str(HERE[0]),
        "lon": str(HERE[1]),
        **extra,
    }


def leak(**extra):
    return {
        "category": "lekkage",
        "description": "Het lekt in de badkamer.",
        "answer-lekkage-ruimte": "badkamer",
        "answer-lekkage-spoed": "nee",
        **extra,
    }


def move(db, staff, report, status, **data):
    workflow.change_status(db.session, staff, report, {"status": status, **data})
    db.session.commit()


def text(response) -> str:
    return response.get_data(as_text=True)


# The list


def test_visitors_see_public_reports_only(client, make_report):
    make_report(description="Zwerfvuil bij de speeltuin.")
    make_report("lekkage", description="Lekkage in de keuken.", attributes=LEAK_ANSWERS)
    page = client.get("/meldingen")
    assert page.status_code == 200
    assert "Zwerfvuil bij de speeltuin." in text(page)
    assert "Lekkage in de keuken." not in text(page)
    assert 'id="mine-title"' not in text(page)


def test_residents_see_their_own_reports_with_their_status(as_resident, make_report):
    make_report("lekkage", description="Lekkage in de keuken.", attributes=LEAK_ANSWERS)
    page = as_resident.get("/meldingen")
    mine = text(page).split('id="mine-title"')[1].split('id="public-title"')[0]
    assert "Lekkage in de keuken." in mine
    assert "status-submitted" in mine


def test_the_list_filters_by_category_status_and_neighbourhood(
    client, make_report, make_neighbourhood, make_resident, db, staff
):
    make_report(description="Afval bij de bank.")
    graffiti = make_report("graffiti", description="Tekening op de muur.")
    move(db, staff, graffiti, "resolved")
    elsewhere = make_report(by=make_resident(make_neighbourhood("Bloemendaal")))
    elsewhere.description = "Afval in Bloemendaal."
    db.session.commit()
    page = text(client.get("/meldingen?categorie=graffiti"))
    assert "Tekening op de muur." in page and "Afval bij de bank." not in page
    page = text(client.get("/meldingen?status=open"))
    assert "Afval bij de bank." in page and "Tekening op de muur." not in page
    page = text(client.get("/meldingen?wijk=bloemendaal"))
    assert "Afval in Bloemendaal." in page and "Afval bij de bank." not in page


def test_the_list_pages_with_a_cursor(client, make_report):
    for n in range(21):
        make_report(description=f"Melding nummer {n:02d}.")
    first = text(client.get("/meldingen"))
    assert "Melding nummer 20." in first and "Melding nummer 00." not in first
    more = re.search(r'href="(/meldingen\?cursor=[^"#]+)', first).group(1)
    second = text(client.get(more.replace("&amp;", "&")))
    assert "Melding nummer 00." in second and "Melding nummer 20." not in second


def test_a_bad_cursor_or_filter_shows_a_message_not_an_error(client, make_report):
    make_report()
    page = client.get("/meldingen?cursor=verzonnen&status=kapot", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "This page link is no longer valid." in text(page)


def test_the_map_gets_the_points_of_the_public_reports(client, make_report):
    report = make_report()
    page = text(client.get("/meldingen"))
    assert 'data-map="points"' in page
    assert f"/meldingen/{report.id}" in page.split('data-map="points"')[1].split(">")[0]


# Filing a report


def test_filing_needs_a_login(client):
    response = client.get("/melden")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


def test_the_form_shows_every_category_with_its_icon(as_resident):
    page = text(as_resident.get("/melden"))
    assert page.count('name="category"') == 15
    assert "#drop" in page and "#litter" in page
    assert page.count('data-private="true"') == 5
    assert 'accept="image/*"' in page and 'capture="environment"' in page
    assert 'data-map="picker"' in page


def test_a_resident_files_a_report_with_a_photo(as_resident, db, resident, wijk):
    response = post_form(as_resident, "/melden", litter(), jpeg())
    assert response.status_code == 302, text(response)[:2000]
    report = db.session.scalars(select(Report)).one()
    assert response.headers["Location"] == f"/meldingen/{report.id}"
    assert report.reporter_id == resident.id and report.neighbourhood_id == wijk.id
    assert (report.lat, report.lon) == HERE
    assert db.session.scalars(select(Photo)).one().owner_id == report.id
    page = text(as_resident.get(response.headers["Location"]))
    assert "Een berg afval bij de bank." in page and 'class="notice"' in page


def test_a_report_inside_the_home_uses_the_home_address(as_resident, db, resident):
    response = post_form(as_resident, "/melden", leak())
    assert response.status_code == 302
    report = db.session.scalars(select(Report)).one()
    assert report.private and report.household_id == resident.household_id
    assert report.answers == {"ruimte": "badkamer", "spoed": "nee"}


def test_a_complex_can_be_the_place(as_resident, db, make_household, wijk):
    home = make_household(wijk, complex="Ronssehof")
    fields = litter(lat="", lon="", complex=str(home.complex_id))
    assert post_form(as_resident, "/melden", fields).status_code == 302
    assert db.session.scalars(select(Report)).one().complex_id == home.complex_id


def test_the_form_shows_errors_on_the_fields(as_resident, db):
    response = post_form(as_resident, "/melden", {"description": "", "lat": "noord"})
    assert response.status_code == 422
    page = text(response)
    assert 'id="category-error"' in page and 'aria-describedby="category-error"' in page
    assert 'aria-describedby="description-help description-error"' in page
    assert 'id="lat-error"' in page
    assert 'href="#description"' in page  # the summary links to the field
    assert "data-has-errors" in page
    assert db.session.scalar(select(Report.id)) is None


def test_errors_are_in_the_residents_language(client_as, make_resident):
    english = client_as(make_resident(language="en"))
    page = text(post_form(english, "/melden", {"description": "Iets."}))
    assert "Choose what you want to report." in page


def test_missing_answers_are_marked_on_the_question(as_resident, db):
    fields = leak()
    del fields["answer-lekkage-ruimte"]
    response = post_form(as_resident, "/melden", fields)
    assert response.status_code == 422
    page = text(response)
    assert 'id="answer-lekkage-ruimte-error"' in page
    assert 'aria-describedby="answer-lekkage-ruimte-error"' in page
    assert "answer-graffiti-aanstootgevend" not in page  # only the chosen category's questions


def test_a_public_report_needs_a_place(as_resident, db):
    response = post_form(as_resident, "/melden", litter(lat="", lon=""))
    assert response.status_code == 422
    assert 'id="lat-error"' in text(response)
    assert db.session.scalar(select(Report.id)) is None


def test_a_file_that_is_no_photo_is_refused_and_nothing_is_saved(as_resident, db):
    response = post_form(as_resident, "/melden", litter(), b"no photo at all")
    assert response.status_code == 422
    page = text(response)
    assert 'id="photos-error"' in page and 'aria-describedby="photos-help photos-error"' in page
    assert db.session.scalar(select(Report.id)) is None
    assert db.session.scalar(select(Photo.id)) is None


def test_unverified_residents_are_asked_to_link_their_address(client_as, make_user, db):
    newcomer = client_as(make_user())
    page = text(newcomer.get("/melden"))
    assert 'href="/account"' in page
    response = post_form(newcomer, "/melden", leak())
    assert response.status_code == 422
    assert 'id="category-error"' in text(response)
    assert db.session.scalar(select(Report.id)) is None


# One report


def test_the_report_page_shows_the_report_and_its_timeline(client, make_report, resident):
    report = make_report(description="Kapotte fles op het pad.")
    page = text(client.get(f"/meldingen/{report.id}"))
    assert "Kapotte fles op het pad." in page
    assert 'id="tijdlijn"' in page and "status-submitted" in page
    assert resident.display_name not in page
    assert "Log in" in page or "Inloggen" in page or "/inloggen" in page


def test_a_private_report_is_not_found_for_others(client, client_as, make_report, make_resident):
    report = make_report("lekkage", attributes=LEAK_ANSWERS)
    assert client.get(f"/meldingen/{report.id}").status_code == 404
    assert client_as(make_resident()).get(f"/meldingen/{report.id}").status_code == 404


def test_the_photos_are_thumbnails_linking_to_the_larger_version(as_resident, db):
    post_form(as_resident, "/melden", litter(), jpeg())
    report = db.session.scalars(select(Report)).one()
    page = text(as_resident.get(f"/meldingen/{report.id}"))
    photo = db.session.scalars(select(Photo)).one()
    assert f'href="/media/{photo.id}/display"' in page
    assert f'src="/media/{photo.id}/thumb"' in page


def test_staff_see_internal_notes_marked_and_residents_do_not(
    as_staff, as_resident, make_report, db, staff
):
    report = make_report()
    move(db, staff, report, "acknowledged", note="Aannemer is duur.", public=False)
    staff_page = text(as_staff.get(f"/meldingen/{report.id}"))
    assert "Aannemer is duur." in staff_page and "timeline-item internal" in staff_page
    assert "Aannemer is duur." not in text(as_resident.get(f"/meldingen/{report.id}"))


def test_following_and_unfollowing(client_as, make_resident, make_report, db):
    report = make_report()
    neighbour = make_resident()
    browser = client_as(neighbour)
    path = f"/meldingen/{report.id}"
    page = browser.get(path)
    response = post_form(browser, f"{path}/volgen", {"action": "follow"}, page=page)
    assert response.status_code == 302
    assert db.session.get(ReportFollower, (report.id, neighbour.id)) is not None
    post_form(browser, f"{path}/volgen", {"action": "unfollow"}, page=page)
    db.session.expire_all()
    assert db.session.get(ReportFollower, (report.id, neighbour.id)) is None


def test_the_reporter_reopens_a_fixed_report(as_resident, make_report, db, staff):
    report = make_report()
    move(db, staff, report, "resolved")
    path = f"/meldingen/{report.id}"
    page = as_resident.get(path)
    assert 'id="heropenen"' in text(page)
    empty = post_form(as_resident, f"{path}/heropenen", {"reason": ""}, page=page)
    assert empty.status_code == 422 and 'id="reopen-reason-error"' in text(empty)
    done = post_form(as_resident, f"{path}/heropenen", {"reason": "Er ligt weer afval."}, page=page)
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Report, report.id).status == Status.SUBMITTED


def test_others_get_no_reopen_or_feedback_form(client_as, make_resident, make_report, db, staff):
    report = make_report()
    move(db, staff, report, "resolved")
    page = text(client_as(make_resident()).get(f"/meldingen/{report.id}"))
    assert 'id="heropenen"' not in page and 'id="beoordeling"' not in page


def test_the_reporter_gives_feedback_once(as_resident, make_report, db, staff):
    report = make_report()
    move(db, staff, report, "resolved")
    path = f"/meldingen/{report.id}"
    page = as_resident.get(path)
    assert text(page).count('name="satisfaction"') == 5
    missing = post_form(as_resident, f"{path}/beoordeling", {"fixed": "yes"}, page=page)
    assert missing.status_code == 422 and 'id="satisfaction-error"' in text(missing)
    fields = {"fixed": "yes", "satisfaction": "4", "remark": "Snel opgelost."}
    assert post_form(as_resident, f"{path}/beoordeling", fields, page=page).status_code == 302
    feedback = db.session.scalars(select(ReportFeedback)).one()
    assert (feedback.fixed, feedback.satisfaction) == (True, 4)
    again = post_form(as_resident, f"{path}/beoordeling", fields, page=page)
    assert again.status_code == 422
    assert 'name="satisfaction"' not in text(as_resident.get(path))


def test_the_reporter_adds_photos(as_resident, make_report, db):
    report = make_report()
    path = f"/meldingen/{report.id}"
    response = post_form(
        as_resident, f"{path}/fotos", {}, jpeg(), jpeg(), page=as_resident.get(path)
    )
    assert response.status_code == 302
    assert len(db.session.scalars(select(Photo)).all()) == 2


def test_adding_no_photo_shows_an_error(as_resident, make_report):
    report = make_report()
    path = f"/meldingen/{report.id}"
    response = post_form(as_resident, f"{path}/fotos", {}, page=as_resident.get(path))
    assert response.status_code == 422 and 'id="photos-error"' in text(response)


def test_staff_get_only_the_allowed_next_statuses(as_staff, make_report, db, staff):
    report = make_report()
    move(db, staff, report, "in_progress")
    page = text(as_staff.get(f"/meldingen/{report.id}"))
    select_html = page.split('id="status"')[1].split("</select>")[0]
    assert 'value="resolved"' in select_html and 'value="acknowledged"' not in select_html


def test_staff_change_the_status_with_a_note(as_staff, make_report, db):
    report = make_report()
    path = f"/meldingen/{report.id}"
    fields = {"status": "planned", "note": "Volgende week.", "visibility": "public"}
    fields["expected_on"] = TOMORROW.isoformat()
    response = post_form(as_staff, f"{path}/status", fields)
    assert response.status_code == 302
    db.session.expire_all()
    changed = db.session.get(Report, report.id)
    assert changed.status == Status.PLANNED and changed.expected_on == TOMORROW


def test_planned_without_a_date_is_marked_on_the_date_field(as_staff, make_report, db):
    report = make_report()
    path = f"/meldingen/{report.id}"
    response = post_form(as_staff, f"{path}/status", {"status": "planned", "visibility": "public"})
    assert response.status_code == 422
    assert 'id="expected_on-error"' in text(response)
    db.session.expire_all()
    assert db.session.get(Report, report.id).status == Status.SUBMITTED


def test_staff_assign_a_report(as_staff, make_report, db, staff):
    report = make_report()
    path = f"/meldingen/{report.id}"
    fields = {"assignee": str(staff.id), "contractor": "Schoonmaak BV"}
    assert post_form(as_staff, f"{path}/toewijzen", fields).status_code == 302
    db.session.expire_all()
    assigned = db.session.get(Report, report.id)
    assert (assigned.assignee_id, assigned.contractor) == (staff.id, "Schoonmaak BV")


def test_residents_cannot_handle_reports(as_resident, make_report, db):
    report = make_report()
    path = f"/meldingen/{report.id}"
    page = as_resident.get(path)
    assert 'id="behandelen"' not in text(page)
    response = post_form(as_resident, f"{path}/status", {"status": "resolved"}, page=page)
    assert response.status_code == 403


# The staff queue


def test_the_queue_is_for_staff_only(client, as_resident):
    assert as_resident.get("/beheer/meldingen").status_code == 403
    response = client.get("/beheer/meldingen")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


def test_the_queue_shows_open_reports_longest_unchanged_first(as_staff, make_report, db, staff):
    first, second, done = make_report(), make_report(), make_report()
    move(db, staff, first, "acknowledged")  # changed last, so now after the second
    move(db, staff, done, "resolved")
    page = text(as_staff.get("/beheer/meldingen"))
    assert page.index(f'id="pick-{second.id}"') < page.index(f'id="pick-{first.id}"')
    assert f'id="pick-{done.id}"' not in page
    everything = text(as_staff.get("/beheer/meldingen?status=all"))
    assert f'id="pick-{done.id}"' in everything
    assigned = text(as_staff.get("/beheer/meldingen?mij=1"))
    assert 'id="pick-' not in assigned


def test_bulk_change_moves_all_chosen_reports(as_staff, make_report, db):
    reports = [make_report(), make_report()]
    fields = {
        "reports": [str(r.id) for r in reports],
        "status": "acknowledged",
        "note": "We kijken ernaar.",
        "visibility": "public",
    }
    response = post_form(as_staff, "/beheer/meldingen", fields)
    assert response.status_code == 302
    db.session.expire_all()
    assert {db.session.get(Report, r.id).status for r in reports} == {Status.ACKNOWLEDGED}


def test_bulk_change_is_all_or_nothing(as_staff, make_report, db, staff):
    open_report, closed = make_report(), make_report()
    move(db, staff, closed, "resolved")
    fields = {
        "reports": [str(open_report.id), str(closed.id)],
        "status": "in_progress",
        "visibility": "public",
    }
    response = post_form(as_staff, "/beheer/meldingen?status=all", fields)
    assert response.status_code == 422
    page = text(response)
    assert f"{closed.id}:" in page and 'class="error-summary"' in page
    assert f'id="pick-{open_report.id}" checked' in page
    db.session.expire_all()
    assert db.session.get(Report, open_report.id).status == Status.SUBMITTED
    assert db.session.get(Report, closed.id).status == Status.RESOLVED


def test_bulk_change_needs_chosen_reports(as_staff, make_report):
    make_report()
    response = post_form(as_staff, "/beheer/meldingen", {"status": "acknowledged"})
    assert response.status_code == 422 and 'href="#reports"' in text(response)


def test_staff_of_one_neighbourhood_handle_only_its_reports(
    client_as, make_user, make_neighbourhood, assign, make_report, db
):
    report = make_report()
    elsewhere = make_user("staff")
    assign(elsewhere, make_neighbourhood("Bloemendaal"))
    browser = client_as(elsewhere)
    assert f'id="pick-{report.id}"' not in text(browser.get("/beheer/meldingen"))
    fields = {"reports": [str(report.id)], "status": "acknowledged", "visibility": "public"}
    response = post_form(browser, "/beheer/meldingen", fields, page=browser.get("/meldingen"))
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Report, report.id).status == Status.SUBMITTED


# Maps and navigation


def test_map_pages_keep_the_strict_policy_without_a_tile_server(client):
    policy = client.get("/meldingen").headers["Content-Security-Policy"]
    assert "img-src 'self' data: blob:;" in policy


def test_a_configured_tile_server_is_allowed_on_map_pages_only(make_app, make_report):
    app = make_app(MAP_TILE_URL="https://{s}.tile.example.org/{z}/{x}/{y}.png")
    client = app.test_client()
    make_report()
    page = client.get("/meldingen")
    assert (
        "img-src 'self' data: blob: https://*.tile.example.org;"
        in page.headers["Content-Security-Policy"]
    )
    assert 'data-tiles="https://{s}.tile.example.org/{z}/{x}/{y}.png"' in text(page)
    assert "tile.example.org" not in client.get("/").headers["Content-Security-Policy"]


def test_leaflet_is_served_from_our_own_server_with_long_caching(as_resident):
    page = text(as_resident.get("/melden"))
    url = re.search(r'data-leaflet-js="([^"]+)"', page).group(1).replace("&amp;", "&")
    response = as_resident.get(url)
    response.close()
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert as_resident.get("/vendor/leaflet/../../__init__.py").status_code == 404


def test_the_menu_has_reports_and_the_staff_menu_the_queue(as_staff):
    page = text(as_staff.get("/meldingen"))
    assert 'href="/meldingen" aria-current="page"' in page
    assert 'href="/beheer/meldingen"' in page


# The offline outbox (drawn by static/pwa/outbox-page.js; the texts come from the page)


def test_the_form_carries_the_outbox_list_and_its_messages(as_resident):
    page = text(as_resident.get("/melden"))
    for part in ("data-outbox ", "data-outbox-item", "data-outbox-queued", "data-outbox-refused"):
        assert part in page
    assert 'data-text-confirm="' in page and 'data-text-waiting="' in page


def test_the_outbox_list_is_for_people_logged_in(client, as_resident):
    assert "data-outbox " not in text(client.get("/meldingen"))
    assert "data-outbox " in text(as_resident.get("/meldingen"))


def test_every_page_loads_the_outbox_and_names_the_logout_forms(as_resident):
    page = text(as_resident.get("/"))
    assert "/static/pwa/outbox.js?v=" in page and "/static/pwa/outbox-page.js?v=" in page
    assert 'data-logout-paths="/uitloggen /account/overal-uitloggen"' in page
