"""`flask volunteering remind`."""

from datetime import timedelta


def test_flask_volunteering_remind_signals_a_due_reminder_once(app, db, make_activity, make_user):
    from app.core.db import commit, utcnow
    from app.core.signals import shift_reminder_due
    from app.volunteering.services.signups import sign_up
    from tests.volunteering.conftest import shift_data

    activity = make_activity(shifts=[shift_data(utcnow() + timedelta(hours=5))])
    sign_up(db.session, make_user(), activity.shifts[0].id)
    commit(db.session)
    runner = app.test_cli_runner()
    with shift_reminder_due.connected_to(lambda sender, **payload: sent.append(payload)):
        sent: list[dict] = []
        first = runner.invoke(args=["volunteering", "remind"])
        second = runner.invoke(args=["volunteering", "remind"])
    assert "Shift reminders sent: 1." in first.output
    assert "Shift reminders sent: 0." in second.output
    assert [payload["kind"] for payload in sent] == ["day_before"]
