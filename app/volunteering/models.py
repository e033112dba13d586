"""Activities, their shifts, volunteers' signups, organisers and private calendar feeds."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.core.db import Base, TimestampMixin, utcnow
from app.neighbourhoods.models import Neighbourhood


class ActivityStatus(enum.StrEnum):
    """Where an activity is: only drafts are hidden from residents."""

    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


class SignupStatus(enum.StrEnum):
    """A volunteer's place on a shift."""

    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class Attendance(enum.StrEnum):
    """What the organiser recorded after the shift."""

    ATTENDED = "attended"
    NO_SHOW = "no_show"


# Residents (or extra staff) whom staff made organisers of one activity.
activity_organisers = Table(
    "activity_organisers",
    Base.metadata,
    Column("activity_id", ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Activity(TimestampMixin, Base):
    """Something volunteers do together in a neighbourhood, in one or more shifts."""

    __tablename__ = "activities"
    __table_args__ = (
        Index("ix_activities_starts_at", "starts_at", "id"),
        Index("ix_activities_neighbourhood_starts", "neighbourhood_id", "starts_at"),
        CheckConstraint(
            "(lat IS NULL AND lon IS NULL) OR (lat IS NOT NULL AND lon IS NOT NULL)",
            name="location_pair",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    neighbourhood_id: Mapped[int] = mapped_column(ForeignKey("neighbourhoods.id"))
    theme: Mapped[str] = mapped_column(String(10))
    location: Mapped[str] = mapped_column(String(200), default="")
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    requirements: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(12), default=ActivityStatus.PUBLISHED)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposals.id", ondelete="SET NULL"), index=True
    )
    # First start and last end of its shifts that still take place (for listing by date).
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]

    neighbourhood: Mapped[Neighbourhood] = relationship(lazy="joined", innerjoin=True)
    created_by: Mapped[User | None] = relationship()
    organisers: Mapped[list[User]] = relationship(secondary=activity_organisers)
    shifts: Mapped[list[Shift]] = relationship(
        back_populates="activity", order_by="Shift.starts_at, Shift.id"
    )


class Shift(Base):
    """A time slot of an activity; signups beyond its capacity go on the waitlist."""

    __tablename__ = "activity_shifts"
    __table_args__ = (
        Index("ix_activity_shifts_activity", "activity_id", "starts_at"),
        Index("ix_activity_shifts_starts_at", "starts_at"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        # The database itself refuses overbooking, whatever the code above it does.
        CheckConstraint(
            "confirmed_count >= 0 AND confirmed_count <= capacity", name="within_capacity"
        ),
        CheckConstraint("waitlist_count >= 0", name="waitlist_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    capacity: Mapped[int]
    task: Mapped[str] = mapped_column(String(120), default="")
    confirmed_count: Mapped[int] = mapped_column(default=0, server_default="0")
    waitlist_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # Hands out queue numbers: the waitlist is served in the order people signed up.
    last_queue_number: Mapped[int] = mapped_column(default=0, server_default="0")
    cancelled_at: Mapped[datetime | None]
    attendance_confirmed_at: Mapped[datetime | None]
    reminded_day_before_at: Mapped[datetime | None]
    reminded_hours_before_at: Mapped[datetime | None]

    activity: Mapped[Activity] = relationship(back_populates="shifts")

    @property
    def places_left(self) -> int:
        """Return how many more volunteers can be confirmed."""
        return max(self.capacity - self.confirmed_count, 0)

    @property
    def minutes(self) -> int:
        """Return the length of the shift in whole minutes."""
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class Signup(Base):
    """One volunteer's place on one shift: confirmed, waitlisted or cancelled."""

    __tablename__ = "shift_signups"
    __table_args__ = (
        UniqueConstraint("shift_id", "user_id"),
        Index("ix_shift_signups_queue", "shift_id", "status", "queue_number"),
        Index("ix_shift_signups_user", "user_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("activity_shifts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12))
    queue_number: Mapped[int]
    signed_up_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    checked_in_at: Mapped[datetime | None]
    checked_in_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    attendance: Mapped[str | None] = mapped_column(String(10))
    minutes_credited: Mapped[int] = mapped_column(default=0, server_default="0")

    shift: Mapped[Shift] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class CalendarFeed(Base):
    """A volunteer's private calendar address; a new version revokes the old address."""

    __tablename__ = "volunteer_calendar_feeds"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
