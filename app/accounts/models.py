"""The user account."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base, TimestampMixin

if TYPE_CHECKING:  # the neighbourhoods feature sits above accounts; names only for typing
    from app.neighbourhoods.models import Household, Neighbourhood


class Role(enum.StrEnum):
    """What a user may do: residents take part, staff run things, admins manage everything."""

    RESIDENT = "resident"
    STAFF = "staff"
    ADMIN = "admin"


class User(UserMixin, TimestampMixin, Base):
    """A registered person: resident, staff member or admin."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(80))
    role: Mapped[Role] = mapped_column(
        String(16), default=Role.RESIDENT, server_default=Role.RESIDENT.value
    )
    language: Mapped[str] = mapped_column(String(5), default="nl", server_default="nl")
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    last_login_at: Mapped[datetime | None]
    verified_at: Mapped[datetime | None]
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("households.id", ondelete="SET NULL"), index=True
    )
    home_neighbourhood_id: Mapped[int | None] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="SET NULL"), index=True
    )

    # Loaded when used, not joined: every logged-in request loads its user, few need these.
    household: Mapped[Household | None] = relationship("Household")
    home_neighbourhood: Mapped[Neighbourhood | None] = relationship("Neighbourhood")

    def get_id(self) -> str:
        """Identify the user and the session generation in the login cookie."""
        return f"{self.id}:{self.session_version}"

    @property
    def verified(self) -> bool:
        """Tell whether the resident proved an address with an invite code."""
        return self.household_id is not None

    @property
    def is_staff(self) -> bool:
        """Tell whether the user works for the corporation (staff or admin)."""
        return self.role in (Role.STAFF, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        """Tell whether the user manages the whole installation."""
        return self.role == Role.ADMIN


def neighbourhood_model() -> type:
    """Return the Neighbourhood class without importing the feature that sits above accounts."""
    return User.home_neighbourhood.property.mapper.class_
