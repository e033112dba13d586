"""The standard Dutch set of report categories; `flask reports seed-categories` adds them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.reports.models import Category


def _question(code, nl, en, datatype="string", required=False, values=()):
    return {
        "code": code,
        "datatype": datatype,
        "required": required,
        "label_nl": nl,
        "label_en": en,
        "values": [
            {"key": key, "name_nl": name_nl, "name_en": name_en} for key, name_nl, name_en in values
        ],
    }


ROOM = _question(
    "ruimte",
    "In welke ruimte?",
    "Which room?",
    "singlevaluelist",
    True,
    [
        ("keuken", "Keuken", "Kitchen"),
        ("badkamer", "Badkamer", "Bathroom"),
        ("toilet", "Toilet", "Toilet"),
        ("woonkamer", "Woonkamer", "Living room"),
        ("slaapkamer", "Slaapkamer", "Bedroom"),
        ("anders", "Ergens anders", "Somewhere else"),
    ],
)
URGENT = _question(
    "spoed",
    "Is het gevaarlijk of loopt er veel water?",
    "Is it dangerous, or is a lot of water running?",
    "singlevaluelist",
    True,
    [("ja", "Ja", "Yes"), ("nee", "Nee", "No")],
)
FLOOR = _question("verdieping", "Op welke verdieping?", "On which floor?", "number")

# code, Dutch name, English name, theme, icon, private, handling days, nearby metres, questions
CATEGORIES = [
    ("lekkage", "Lekkage", "Leak", "heel", "drop", True, 2, 0, [ROOM, URGENT]),
    (
        "verwarming",
        "Verwarming of warm water",
        "Heating or hot water",
        "heel",
        "heat",
        True,
        2,
        0,
        [
            _question(
                "geen_warm_water",
                "Heb je ook geen warm water?",
                "Is there no hot water either?",
                "singlevaluelist",
                True,
                [("ja", "Ja", "Yes"), ("nee", "Nee", "No")],
            )
        ],
    ),
    ("elektra", "Elektra", "Electricity", "veilig", "bolt", True, 3, 0, [ROOM, URGENT]),
    ("deur-slot", "Deur of slot", "Door or lock", "veilig", "key", True, 5, 0, [ROOM]),
    ("schimmel", "Schimmel of vocht", "Mould or damp", "heel", "damp", True, 10, 0, [ROOM]),
    ("lift", "Lift", "Lift", "heel", "lift", False, 1, 30, [FLOOR]),
    (
        "trappenhuis-verlichting",
        "Verlichting trappenhuis of galerij",
        "Lighting in stairwell or gallery",
        "veilig",
        "light",
        False,
        5,
        30,
        [FLOOR],
    ),
    (
        "portiekdeur",
        "Portiekdeur of intercom",
        "Entrance door or intercom",
        "veilig",
        "door",
        False,
        3,
        30,
        [],
    ),
    ("zwerfvuil", "Zwerfvuil", "Litter", "schoon", "litter", False, 5, 50, []),
    (
        "grofvuil",
        "Grofvuil",
        "Bulky waste",
        "schoon",
        "sofa",
        False,
        5,
        50,
        [
            _question(
                "omvang",
                "Hoeveel ligt er?",
                "How much is there?",
                "singlevaluelist",
                False,
                [
                    ("klein", "Een paar spullen", "A few things"),
                    ("groot", "Een grote stapel", "A big pile"),
                ],
            )
        ],
    ),
    (
        "graffiti",
        "Graffiti",
        "Graffiti",
        "schoon",
        "spray",
        False,
        10,
        30,
        [
            _question(
                "aanstootgevend",
                "Is de tekst of tekening kwetsend?",
                "Is it offensive?",
                "singlevaluelist",
                False,
                [("ja", "Ja", "Yes"), ("nee", "Nee", "No")],
            )
        ],
    ),
    (
        "onveilige-situatie",
        "Onveilige situatie",
        "Unsafe situation",
        "veilig",
        "warning",
        False,
        2,
        50,
        [],
    ),
    (
        "overlast",
        "Overlast",
        "Nuisance",
        "prettig",
        "noise",
        False,
        10,
        50,
        [
            _question(
                "soort",
                "Wat voor overlast?",
                "What kind of nuisance?",
                "multivaluelist",
                True,
                [
                    ("geluid", "Geluid", "Noise"),
                    ("stank", "Stank", "Smell"),
                    ("hangjongeren", "Hangplek", "Loitering"),
                    ("dieren", "Dieren", "Animals"),
                    ("anders", "Iets anders", "Something else"),
                ],
            )
        ],
    ),
    ("groen", "Groen en bomen", "Greenery and trees", "prettig", "tree", False, 15, 50, []),
    ("speelplek", "Speelplek", "Playground", "veilig", "swing", False, 5, 50, []),
]


def seed_categories(session: Session) -> int:
    """Add the standard categories that are missing (by code); return how many were added."""
    present = set(session.scalars(select(Category.code)))
    added = 0
    for position, row in enumerate(CATEGORIES):
        code, nl, en, theme, icon, private, days, metres, questions = row
        if code in present:
            continue
        session.add(
            Category(
                code=code,
                name_nl=nl,
                name_en=en,
                theme=theme,
                icon=icon,
                private=private,
                handling_days=days,
                nearby_metres=metres or 50,
                questions=questions,
                position=position * 10,
            )
        )
        added += 1
    session.flush()
    return added
