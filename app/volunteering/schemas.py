"""Input and output schemas of activities, shifts, signups and volunteers' records."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from app.core.api import PageQuerySchema
from app.core.fields import StrictInteger, Trimmed, between, moment, text
from app.core.themes import Theme
from app.volunteering.models import ActivityStatus
from app.volunteering.services.shifts import DATE_RANGE, EARLIEST, LATEST, MAX_SHIFTS

THEMES = validate.OneOf([t.value for t in Theme], error=_l("Choose one of the five themes."))
MAX_CAPACITY = 10_000
PLACES_RANGE = _l("Give a number of places from 1 to 10,000.")
MAX_ID = 2**31 - 1  # ids are 32-bit: larger numbers name nothing (and overflow SQLite's integers)
IDS = validate.Range(0, MAX_ID, error=_l("Unknown id."))
PERIOD = validate.Range(EARLIEST, LATEST, error=DATE_RANGE)
CHOICES = _l("Choose one of: {choices}.")


def _capacity(**kwargs) -> StrictInteger:
    return StrictInteger(validate=validate.Range(1, MAX_CAPACITY, error=PLACES_RANGE), **kwargs)


class ShiftUpdateSchema(Schema):
    """Change a shift; lowering the capacity below the confirmed count needs overflow=waitlist."""

    starts_at = moment()
    ends_at = moment()
    capacity = _capacity()
    task = Trimmed(validate=text(maximum=120), metadata={"collapse": True})
    overflow = fields.String(
        load_default="refuse",
        validate=validate.OneOf(["refuse", "waitlist"], error=CHOICES),
        metadata={"description": "what to do with confirmed volunteers beyond a lower capacity"},
    )


class ShiftCreateSchema(Schema):
    """A new shift of an activity."""

    starts_at = moment(required=True)
    ends_at = moment(required=True)
    capacity = _capacity(required=True)
    task = Trimmed(load_default="", validate=text(maximum=120), metadata={"collapse": True})


def _requirements():
    return fields.List(
        Trimmed(validate=text(1, 200)),
        validate=validate.Length(max=20, error=_l("Name at most 20 requirements.")),
    )


class ActivityUpdateSchema(Schema):
    """Change an activity; only the fields sent change (its organisers; organisers: staff)."""

    title = Trimmed(validate=text(3, 120), metadata={"collapse": True})
    description = Trimmed(validate=text(maximum=5000))
    theme = fields.String(validate=THEMES)
    location = Trimmed(validate=text(maximum=200), metadata={"collapse": True})
    lat = fields.Float(allow_none=True, validate=between(-90, 90))
    lon = fields.Float(allow_none=True, validate=between(-180, 180))
    requirements = _requirements()
    proposal = StrictInteger(
        allow_none=True, validate=IDS, metadata={"description": "a selected idea"}
    )
    organisers = fields.List(
        StrictInteger(validate=IDS),
        validate=validate.Length(max=20, error=_l("Name at most 20 organisers.")),
    )
    status = fields.String(
        validate=validate.OneOf([s.value for s in ActivityStatus], error=CHOICES)
    )


class ActivityCreateSchema(ActivityUpdateSchema):
    """A new activity with its shifts (published unless status is "draft")."""

    title = Trimmed(required=True, validate=text(3, 120), metadata={"collapse": True})
    description = Trimmed(load_default="", validate=text(maximum=5000))
    theme = fields.String(required=True, validate=THEMES)
    neighbourhood = fields.String(required=True, validate=text(1, 80))
    shifts = fields.List(
        fields.Nested(ShiftCreateSchema),
        required=True,
        validate=validate.Length(1, MAX_SHIFTS, error=_l("Add 1 to 50 shifts.")),
    )

    @validates_schema
    def _both_or_neither(self, data, **kwargs):
        if (data.get("lat") is None) != (data.get("lon") is None):
            raise ValidationError(_l("Give both latitude and longitude, or neither."), "lon")


class ActivityQuerySchema(PageQuerySchema):
    """Filters of the activity list (activities that have not ended, soonest first)."""

    neighbourhood = fields.String(validate=text(1, 80))
    theme = fields.String(validate=THEMES)
    proposal = fields.Integer(validate=IDS)  # from the query string: "12" is how a number arrives
    from_ = moment(data_key="from", validate=PERIOD)
    to = moment(validate=PERIOD)

    class Meta:
        ordered = True

    @validates_schema
    def _period_in_order(self, data, **kwargs):
        if data.get("from_") and data.get("to") and data["to"] < data["from_"]:
            raise ValidationError(_l("The end of the period comes before its start."), "to")

    @post_load
    def _from(self, data, **kwargs):
        if "from_" in data:
            data["from"] = data.pop("from_")
        return data


class MySignupSchema(Schema):
    """The caller's place on a shift."""

    status = fields.String()
    waitlist_position = fields.Integer(allow_none=True)
    checked_in_at = fields.DateTime(allow_none=True)
    attendance = fields.String(allow_none=True)


class ShiftSchema(Schema):
    """A shift with its places, as everyone may see it."""

    id = fields.Integer()
    activity = fields.Integer(attribute="activity_id")
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    task = fields.String()
    capacity = fields.Integer()
    confirmed_count = fields.Integer()
    places_left = fields.Integer()
    waitlist_count = fields.Integer()
    cancelled = fields.Function(lambda shift: shift.cancelled_at is not None)
    attendance_confirmed = fields.Function(lambda shift: shift.attendance_confirmed_at is not None)
    my_signup = fields.Nested(MySignupSchema, allow_none=True)


class NeighbourhoodBriefSchema(Schema):
    """Where an activity takes place."""

    slug = fields.String()
    name = fields.String()


class ActivitySchema(Schema):
    """An activity with its shifts."""

    id = fields.Integer()
    title = fields.String()
    description = fields.String()
    neighbourhood = fields.Nested(NeighbourhoodBriefSchema)
    theme = fields.String()
    location = fields.String()
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    requirements = fields.List(fields.String())
    status = fields.String()
    proposal = fields.Integer(attribute="proposal_id", allow_none=True)
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    can_organise = fields.Boolean()
    organisers = fields.Function(
        lambda activity: [user.display_name for user in activity.organisers]
    )
    url = fields.Function(lambda activity: f"/activiteiten/{activity.id}")
    calendar_url = fields.Function(lambda activity: f"/api/v1/activities/{activity.id}.ics")
    shifts = fields.List(fields.Nested(ShiftSchema))


class SignupSchema(Schema):
    """A volunteer's signup: confirmed, waitlisted (with the place in the queue) or cancelled."""

    id = fields.Integer()
    shift = fields.Integer(attribute="shift_id")
    activity = fields.Function(lambda signup: signup.shift.activity_id)
    status = fields.String()
    waitlist_position = fields.Integer(allow_none=True)
    signed_up_at = fields.DateTime()
    confirmed_at = fields.DateTime(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)
    checked_in_at = fields.DateTime(allow_none=True)
    attendance = fields.String(allow_none=True)
    minutes_credited = fields.Integer()


class ShiftBriefSchema(Schema):
    """A shift as named in a volunteer's own list."""

    id = fields.Integer()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    task = fields.String()
    cancelled = fields.Function(lambda shift: shift.cancelled_at is not None)
    activity = fields.Function(
        lambda shift: {
            "id": shift.activity.id,
            "title": shift.activity.title,
            "status": shift.activity.status,
            "location": shift.activity.location,
            "url": f"/activiteiten/{shift.activity.id}",
        }
    )


class MySignupEntrySchema(SignupSchema):
    """One of my signups, with its shift and activity."""

    shift = fields.Nested(ShiftBriefSchema)


class MySignupsSchema(Schema):
    """My upcoming and past shifts."""

    upcoming = fields.List(fields.Nested(MySignupEntrySchema))
    past = fields.List(fields.Nested(MySignupEntrySchema))


class VolunteeringSchema(Schema):
    """A volunteer's record: credited hours, what they did, and their check-in code."""

    minutes = fields.Integer()
    hours = fields.Float()
    shifts_done = fields.Integer()
    activities_done = fields.Integer()
    no_shows = fields.Integer()
    check_in_code = fields.String(
        metadata={"description": "the signed code in the volunteer's QR code, for check-in"}
    )
    history = fields.List(fields.Nested(MySignupEntrySchema))


class AttendeeSchema(Schema):
    """A volunteer on an organiser's list: name and status only, never contact details."""

    user_id = fields.Integer()
    display_name = fields.Function(lambda signup: signup.user.display_name)
    status = fields.String()
    waitlist_position = fields.Integer(allow_none=True)
    checked_in_at = fields.DateTime(allow_none=True)
    attendance = fields.String(allow_none=True)


class CheckInSchema(Schema):
    """Check a volunteer in by their user id, or by the code of their QR code."""

    user_id = StrictInteger(validate=IDS)
    code = fields.String(validate=text(1, 200))

    @validates_schema
    def _one_of(self, data, **kwargs):
        if ("user_id" in data) == ("code" in data):
            raise ValidationError(_l("Send either user_id or code."), "user_id")


class AttendanceSchema(Schema):
    """Confirm who came: without a list, those who were checked in."""

    attended = fields.List(StrictInteger(validate=IDS), validate=validate.Length(max=MAX_CAPACITY))
