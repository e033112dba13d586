"""`flask seed-demo`: a believable Dutch demo, created once (running it again changes nothing)."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select

from app.accounts import services as accounts
from app.accounts.models import Role, User
from app.core.db import commit, write_intent
from app.extensions import db
from app.neighbourhoods import services as neighbourhoods
from app.neighbourhoods.models import Household
from app.proposals.demo import seed_proposals
from app.reports.catalogue import seed_categories
from app.volunteering.demo import seed_activities

DEMO_PASSWORD = "leefbaar-demo-2026"  # noqa: S105  (printed for the demo; not a real secret)
DEMO_USERS = (
    ("admin@demo.leefbaar.nl", "Anouk Beheer", Role.ADMIN),
    ("medewerker@demo.leefbaar.nl", "Sanne de Vries", Role.STAFF),
    ("bewoner@demo.leefbaar.nl", "Mohamed El Amrani", Role.RESIDENT),
    ("buur@demo.leefbaar.nl", "Joke Jansen", Role.RESIDENT),
)
DEMO_NEIGHBOURHOODS = (
    {
        "name": "Korte Akkeren",
        "description": "Naoorlogse wijk met veel portiekflats, speeltuinen en een buurthuis.",
        "focus": True,
        "focus_reason": (
            "Veel meldingen over zwerfvuil en donkere plekken; weinig bewoners doen mee."
        ),
        "boundary": {
            "type": "Polygon",
            "coordinates": [
                [
                    [4.690, 52.008],
                    [4.705, 52.008],
                    [4.705, 52.018],
                    [4.690, 52.018],
                    [4.690, 52.008],
                ]
            ],
        },
        "streets": [("Van Hogendorpplein", "Korte Akkeren Noord"), ("Ronsseweg", "Ronssehof")],
        "postcode": "2806",
    },
    {
        "name": "Bloemendaal",
        "description": "Groene wijk met eengezinswoningen en seniorenflats aan het water.",
        "focus": False,
        "focus_reason": "",
        "boundary": None,
        "streets": [("Anjerlaan", "Bloemenhof"), ("Irisstraat", "Bloemenhof")],
        "postcode": "2803",
    },
    {
        "name": "Reeuwijk-Dorp",
        "description": "Dorpskern met een hechte gemeenschap en veel vrijwilligers.",
        "focus": False,
        "focus_reason": "",
        "boundary": None,
        "streets": [("Dorpsstraat", "Dorpskern"), ("Kerkweg", None)],
        "postcode": "2811",
    },
)


def _households(spec: dict) -> list[dict]:
    rows = []
    for street_index, (street, complex_name) in enumerate(spec["streets"]):
        letters = "AB" if street_index == 0 else "CD"
        for number in range(1, 13):
            rows.append(
                {
                    "street": street,
                    "number": number,
                    "addition": "",
                    "complex": complex_name,
                    "postcode": f"{spec['postcode']}{letters[number % 2]}{letters[number % 2]}",
                    "city": "Gouda" if spec["postcode"] != "2811" else "Reeuwijk",
                }
            )
    return rows


def _login_lines() -> list[str]:
    return [
        f"Demo log-ins (password for all: {DEMO_PASSWORD}):",
        *(f"  {role.value:<9} {email}" for email, _, role in DEMO_USERS),
    ]


def seed_demo() -> list[str]:
    """Create the demo data unless it exists; return the lines to print."""
    session = db.session
    if session.scalar(select(User).where(User.email == DEMO_USERS[0][0])):
        return ["Demo data is already there.", *_login_lines()]
    users = {
        email: accounts.create_user(
            session, email=email, password=DEMO_PASSWORD, display_name=name, role=role
        )
        for email, name, role in DEMO_USERS
    }
    admin = users[DEMO_USERS[0][0]]
    for spec in DEMO_NEIGHBOURHOODS:
        data = {k: spec[k] for k in ("name", "description", "focus", "focus_reason", "boundary")}
        neighbourhood = neighbourhoods.create_neighbourhood(session, admin, data)
        neighbourhoods.import_households(session, admin, neighbourhood, _households(spec))
    first_home = session.scalars(select(Household).order_by(Household.id)).first()
    resident = users["bewoner@demo.leefbaar.nl"]
    issued = neighbourhoods.issue_invite_code(session, admin, first_home)
    neighbourhoods.verify_household(session, resident, issued.code)
    staff = users["medewerker@demo.leefbaar.nl"]
    selected_idea = seed_proposals(session, staff, resident)
    seed_activities(session, staff, resident, users["buur@demo.leefbaar.nl"], selected_idea)
    seed_categories(session)
    spare = neighbourhoods.issue_invite_code(
        session, admin, session.scalars(select(Household).order_by(Household.id.desc())).first()
    )
    commit(session)
    lines = _login_lines()
    lines.append(f"Unused invite code for {spare.address}: {spare.code}")
    return lines


def init_demo(app: Flask) -> None:
    """Register `flask seed-demo`."""

    @app.cli.command("seed-demo")
    @click.option(
        "--scale", is_flag=True, help="Also add 100,000 ideas and 1,000,000 votes (benchmarks)."
    )
    def seed_demo_command(scale: bool) -> None:
        """Create demo neighbourhoods, homes, accounts, ideas and a round (once)."""
        with write_intent():
            lines = seed_demo()
            if scale:
                from app.proposals.scale import seed_scale

                lines += seed_scale(db.session)
                commit(db.session)
            for line in lines:
                click.echo(line)
