"""Report categories and the answers to their questions (Open311 service attributes)."""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale, gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.core.errors import Conflict, NotFound, RuleViolation
from app.reports.models import Category
from app.reports.permissions import check_can_manage_categories

DATATYPES = ("string", "number", "singlevaluelist", "multivaluelist")
MAX_ANSWER_LENGTH = 500


def localized(category_or_item: Any, field: str = "name") -> str:
    """Return the Dutch or English text of a category, question or value."""
    language = str(get_locale() or "nl")
    if isinstance(category_or_item, dict):
        return category_or_item.get(f"{field}_{language}") or category_or_item.get(f"{field}_nl")
    return getattr(category_or_item, f"{field}_{language}", None) or getattr(
        category_or_item, f"{field}_nl"
    )


def list_categories(session: Session, *, include_inactive: bool = False) -> list[Category]:
    """Return the categories in their display order."""
    query = select(Category).order_by(Category.position, Category.id)
    if not include_inactive:
        query = query.where(Category.active.is_(True))
    return list(session.scalars(query))


def get_category(session: Session, code: str, *, active_only: bool = True) -> Category:
    """Return a category by code, or raise NotFound."""
    category = session.scalar(select(Category).where(Category.code == code))
    if category is None or (active_only and not category.active):
        raise NotFound(gettext("This category does not exist."))
    return category


def create_category(session: Session, user: User, data: dict) -> Category:
    """Add a category (staff of the whole corporation); codes are unique."""
    check_can_manage_categories(session, user)
    if session.scalar(select(Category.id).where(Category.code == data["code"])) is not None:
        raise Conflict(gettext("A category with this code exists already."))
    category = Category(**data)
    session.add(category)
    session.flush()
    return category


def update_category(session: Session, user: User, category: Category, data: dict) -> Category:
    """Change a category; its code stays, so partners' links keep working."""
    check_can_manage_categories(session, user)
    for name, value in data.items():
        setattr(category, name, value)
    session.flush()
    return category


def _answer(question: dict, raw: Any) -> Any:
    """Check one answer against its question; return the clean value or raise ValueError."""
    datatype = question["datatype"]
    keys = {str(value["key"]) for value in question.get("values", [])}
    if datatype == "multivaluelist":
        values = raw if isinstance(raw, list) else [raw]
        values = [str(value) for value in values]
        if not values or any(value not in keys for value in values):
            raise ValueError(gettext("Choose from the options given."))
        return sorted(set(values))
    if isinstance(raw, list):
        if len(raw) != 1:
            raise ValueError(gettext("Give one answer."))
        raw = raw[0]
    if datatype == "number":
        if isinstance(raw, bool):
            raise ValueError(gettext("Enter a number."))
        try:
            number = float(str(raw).replace(",", "."))
        except ValueError:
            raise ValueError(gettext("Enter a number.")) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError(gettext("Enter a number."))
        return int(number) if number.is_integer() else number
    if datatype == "singlevaluelist":
        if str(raw) not in keys:
            raise ValueError(gettext("Choose from the options given."))
        return str(raw)
    text = str(raw).strip()
    if len(text) > MAX_ANSWER_LENGTH:
        raise ValueError(gettext("Keep this under %(num)d characters.", num=MAX_ANSWER_LENGTH))
    return text


def check_answers(category: Category, answers: dict[str, Any]) -> dict[str, Any]:
    """Validate the answers to a category's questions; raise RuleViolation keyed by question."""
    questions = {question["code"]: question for question in category.questions or []}
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for code in answers:
        if code not in questions:
            errors[code] = [gettext("This category has no such question.")]
    for code, question in questions.items():
        raw = answers.get(code)
        if raw in (None, "", []):
            if question.get("required"):
                errors[code] = [gettext("Please answer this question.")]
            continue
        try:
            value = _answer(question, raw)
        except ValueError as error:
            errors[code] = [str(error)]
            continue
        if value not in ("", []):
            clean[code] = value
    if errors:
        raise RuleViolation(
            gettext("Some answers are missing or not valid."), errors={"attributes": errors}
        )
    return clean
