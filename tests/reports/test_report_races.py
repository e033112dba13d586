"""Reports under real concurrency against the live server, on SQLite and PostgreSQL."""

from __future__ import annotations

from app.core.uploads import Photo
from app.reports.models import Report, ReportUpdate
from tests.core.images import jpeg
from tests.live import Browser, race
from tests.reports.conftest import HERE

FIELDS = {
    "category": "zwerfvuil",
    "description": "Afval bij de bank.",
    "lat": str(HERE[0]),
    "lon": str(HERE[1]),
}


def _device(live_url: str, db, user) -> Browser:
    email = user.email
    db.session.commit()  # end the test's read snapshot so the server's writes are seen
    device = Browser(live_url)
    device.login(email)
    return device


def _count(db, model) -> int:
    db.session.commit()
    return db.session.query(model).count()


def test_an_outbox_sending_one_report_ten_times_at_once_files_it_once(live_url, db, resident):
    device = _device(live_url, db, resident)
    device.opener.addheaders.append(("Idempotency-Key", "outbox-race-1"))
    photo = jpeg()
    answers: list[tuple[int, dict]] = []

    def send() -> tuple[int, dict]:
        answers.append(device.send_form("/api/v1/reports", FIELDS, [("photos", "a.jpg", photo)]))
        return answers[-1]

    statuses = race(*[send] * 10)
    assert set(statuses) <= {201, 409} and 201 in statuses, answers
    assert len({body["id"] for status, body in answers if status == 201}) == 1
    assert _count(db, Report) == 1
    assert _count(db, Photo) == 1


def test_simultaneous_identical_moves_by_staff_change_the_report_once(
    live_url, db, staff, make_report
):
    report = make_report()
    devices = [_device(live_url, db, staff) for _ in range(8)]
    path = f"/api/v1/reports/{report.id}/status"
    calls = [lambda d=d: d.call("POST", path, {"status": "acknowledged"}) for d in devices]
    statuses = race(*calls)
    assert sorted(statuses) == [200] + [409] * 7
    db.session.commit()
    moves = db.session.query(ReportUpdate).filter_by(report_id=report.id, status="acknowledged")
    assert moves.count() == 1
