"""Neighbourhoods, complexes, households, invite codes and staff assignments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base, TimestampMixin

staff_assignments = Table(
    "staff_assignments",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "neighbourhood_id", ForeignKey("neighbourhoods.id", ondelete="CASCADE"), primary_key=True
    ),
)


class Neighbourhood(TimestampMixin, Base):
    """A district or village; focus neighbourhoods get attention first."""

    __tablename__ = "neighbourhoods"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Deferred: large, and only the neighbourhood API shows it (it undefers it there).
    boundary: Mapped[dict | None] = mapped_column(JSON, deferred=True)
    focus: Mapped[bool] = mapped_column(default=False, server_default=false())
    focus_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    complexes: Mapped[list[Complex]] = relationship(
        back_populates="neighbourhood", order_by="Complex.name"
    )


class Complex(Base):
    """A group of the corporation's buildings in a neighbourhood."""

    __tablename__ = "complexes"
    __table_args__ = (UniqueConstraint("neighbourhood_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))

    neighbourhood: Mapped[Neighbourhood] = relationship(back_populates="complexes")


class Household(Base):
    """One rented home; residents link to it with an invite code."""

    __tablename__ = "households"
    __table_args__ = (UniqueConstraint("postcode", "number", "addition"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="CASCADE"), index=True
    )
    complex_id: Mapped[int | None] = mapped_column(
        ForeignKey("complexes.id", ondelete="SET NULL"), index=True
    )
    street: Mapped[str] = mapped_column(String(120))
    number: Mapped[int]
    addition: Mapped[str] = mapped_column(String(10), default="", server_default="")
    postcode: Mapped[str] = mapped_column(String(6))
    city: Mapped[str] = mapped_column(String(80))

    neighbourhood: Mapped[Neighbourhood] = relationship(lazy="joined")
    complex: Mapped[Complex | None] = relationship()

    @property
    def address_line(self) -> str:
        """Return the address as people write it: 'Lindelaan 12-A, 1234 AB Gouda'."""
        number = f"{self.number}-{self.addition}" if self.addition else str(self.number)
        postcode = f"{self.postcode[:4]} {self.postcode[4:]}"
        return f"{self.street} {number}, {postcode} {self.city}"


class InviteCode(Base):
    """A single-use, expiring code printed on a letter to a household."""

    __tablename__ = "invite_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    household: Mapped[Household] = relationship()
