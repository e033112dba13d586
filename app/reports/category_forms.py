"""The form staff use to add and change report categories, with their questions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from app.core.themes import theme_choices
from app.reports.models import Category
from app.reports.services.categories import DATATYPES

ICONS = (
    "report",
    "drop",
    "heat",
    "bolt",
    "key",
    "damp",
    "lift",
    "light",
    "door",
    "litter",
    "sofa",
    "spray",
    "warning",
    "noise",
    "tree",
    "swing",
    "home",
    "map",
)
DATATYPE_LABELS = {
    "string": _l("Text"),
    "number": _l("Number"),
    "singlevaluelist": _l("One choice"),
    "multivaluelist": _l("Several choices"),
}


class QuestionForm(Form):
    """One extra question; an empty code leaves it out."""

    code = StringField(_l("Code"), description=_l("Small letters, digits and _, e.g. room."))
    datatype = SelectField(
        _l("Kind of answer"), choices=[SelectChoice(d, DATATYPE_LABELS[d]) for d in DATATYPES]
    )
    required = BooleanField(_l("An answer is required"))
    label_nl = StringField(_l("Question in Dutch"))
    label_en = StringField(_l("Question in English"))
    options = TextAreaField(
        _l("Choices"),
        description=_l("One per line: key | Dutch | English, e.g. kitchen | Keuken | Kitchen."),
    )


class CategoryForm(FlaskForm):
    """A report category: names, theme, icon, handling and questions."""

    code = StringField(_l("Code"), description=_l("Partners use it; it cannot change later."))
    name_nl = StringField(_l("Name in Dutch"))
    name_en = StringField(_l("Name in English"))
    theme = SelectField(_l("Theme"), choices=theme_choices())
    icon = SelectField(_l("Icon"), choices=[SelectChoice(icon, icon) for icon in ICONS])
    private = BooleanField(_l("Inside a home (only the reporter and staff see these reports)"))
    handling_days = IntegerField(_l("Expected handling time in days"), [Optional()])
    nearby_metres = IntegerField(
        _l("Distance for “already reported nearby”, in metres"), [Optional()]
    )
    position = IntegerField(_l("Order in the list"), [Optional()])
    active = BooleanField(_l("Active: residents can choose it"))
    questions = FieldList(FormField(QuestionForm), min_entries=1)

    def fill(self, category: Category) -> None:
        """Show a category's current values, its questions and one empty question to add."""
        for name in (
            "code",
            "name_nl",
            "name_en",
            "theme",
            "icon",
            "private",
            "handling_days",
            "nearby_metres",
            "position",
            "active",
        ):
            getattr(self, name).data = getattr(category, name)
        while self.questions.entries:
            self.questions.pop_entry()
        for question in [*(category.questions or []), {}]:
            self.questions.append_entry(
                {
                    **question,
                    "options": "\n".join(
                        f"{v['key']} | {v['name_nl']} | {v['name_en']}"
                        for v in question.get("values", [])
                    ),
                }
            )

    def data_for_service(self, *, new: bool) -> dict:
        """Return the fields as the category schemas take them (empty questions left out)."""
        data = {
            name: getattr(self, name).data
            for name in ("name_nl", "name_en", "theme", "icon", "private", "active")
        }
        for name in ("handling_days", "nearby_metres", "position"):
            if getattr(self, name).data is not None:
                data[name] = getattr(self, name).data
        if new:
            data["code"] = (self.code.data or "").strip()
        data["questions"] = [
            _question(entry.data)
            for entry in self.questions.entries
            if (entry.data["code"] or "").strip()
        ]
        return data


def _question(entry: dict) -> dict:
    values = []
    for line in (entry["options"] or "").splitlines():
        parts = [part.strip() for part in line.split("|")]
        if any(parts):
            key, nl, en = [*parts, "", "", ""][:3]
            values.append({"key": key, "name_nl": nl or key, "name_en": en or nl or key})
    return {
        "code": entry["code"].strip(),
        "datatype": entry["datatype"],
        "required": bool(entry["required"]),
        "label_nl": (entry["label_nl"] or "").strip(),
        "label_en": (entry["label_en"] or "").strip(),
        "values": values,
    }
