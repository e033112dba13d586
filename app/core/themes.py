"""The five livability themes that every proposal, activity and report carries."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice


class Theme(enum.StrEnum):
    """Schoon, heel, veilig, prettig: the base everywhere; samen: social interventions on top."""

    SCHOON = "schoon"
    HEEL = "heel"
    VEILIG = "veilig"
    PRETTIG = "prettig"
    SAMEN = "samen"


THEME_LABELS = {
    Theme.SCHOON: _l("Clean"),
    Theme.HEEL: _l("Intact"),
    Theme.VEILIG: _l("Safe"),
    Theme.PRETTIG: _l("Pleasant"),
    Theme.SAMEN: _l("Together"),
}


def theme_choices() -> list[SelectChoice]:
    """Return the five themes as form choices."""
    return [SelectChoice(str(theme), label) for theme, label in THEME_LABELS.items()]
