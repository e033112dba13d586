"""Report categories, reports (defects and nuisances), their timeline, feedback and followers."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, String, Text, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.core.db import Base, TimestampMixin, utcnow
from app.neighbourhoods.models import Complex, Household, Neighbourhood


class Status(enum.StrEnum):
    """Where a report is; the allowed moves are in reports/lifecycle.py."""

    SUBMITTED = "submitted"
    ACKNOWLEDGED = "acknowledged"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    DUPLICATE = "duplicate"
    REFERRED = "referred"
    NOT_OUR_RESPONSIBILITY = "not_our_responsibility"
    CLOSED_UNRESOLVED = "closed_unresolved"


class Category(Base):
    """A kind of report, managed by staff; its questions follow Open311 service attributes."""

    __tablename__ = "report_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_nl: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    theme: Mapped[str] = mapped_column(String(10))
    icon: Mapped[str] = mapped_column(String(40), default="report", server_default="report")
    private: Mapped[bool] = mapped_column(default=False, server_default=false())
    # [{code, datatype (string|number|singlevaluelist|multivaluelist), required, label_nl,
    #   label_en, values: [{key, name_nl, name_en}]}]
    questions: Mapped[list] = mapped_column(JSON, default=list)
    handling_days: Mapped[int] = mapped_column(default=5, server_default="5")
    nearby_metres: Mapped[int] = mapped_column(default=50, server_default="50")
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    position: Mapped[int] = mapped_column(default=0, server_default="0")


class Report(TimestampMixin, Base):
    """A defect or nuisance someone reported: private (inside a home) or public."""

    __tablename__ = "reports"
    __table_args__ = (
        Index("ix_reports_status_created", "status", "created_at"),
        Index("ix_reports_category_status", "category_id", "status"),
        Index("ix_reports_neighbourhood_id", "neighbourhood_id", "id"),
        CheckConstraint(
            "(lat IS NULL AND lon IS NULL) OR (lat IS NOT NULL AND lon IS NOT NULL)",
            name="location_pair",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("report_categories.id"))
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    neighbourhood_id: Mapped[int | None] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="SET NULL")
    )
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("households.id", ondelete="SET NULL")
    )
    complex_id: Mapped[int | None] = mapped_column(ForeignKey("complexes.id", ondelete="SET NULL"))
    private: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str] = mapped_column(Text)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(24), default=Status.SUBMITTED)
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    expected_on: Mapped[date | None]
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("reports.id", ondelete="SET NULL")
    )
    referred_to: Mapped[str] = mapped_column(String(120), default="", server_default="")
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    contractor: Mapped[str] = mapped_column(String(120), default="", server_default="")
    resolved_at: Mapped[datetime | None]
    reopen_count: Mapped[int] = mapped_column(default=0, server_default="0")
    source: Mapped[str] = mapped_column(String(20), default="app", server_default="app")

    category: Mapped[Category] = relationship(lazy="joined", innerjoin=True)
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    neighbourhood: Mapped[Neighbourhood | None] = relationship()
    household: Mapped[Household | None] = relationship()
    complex: Mapped[Complex | None] = relationship()


class ReportUpdate(Base):
    """One step on a report's timeline: a status change and/or a note, public or internal."""

    __tablename__ = "report_updates"
    __table_args__ = (Index("ix_report_updates_report", "report_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str | None] = mapped_column(String(24))  # the new status, if it changed
    note: Mapped[str] = mapped_column(Text, default="")
    public: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()


class ReportFeedback(Base):
    """What the reporter said after the report was resolved."""

    __tablename__ = "report_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), unique=True
    )
    fixed: Mapped[bool]
    satisfaction: Mapped[int]
    remark: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReportFollower(Base):
    """A resident who follows a report (e.g. instead of reporting the same thing again)."""

    __tablename__ = "report_followers"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
