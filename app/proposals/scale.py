"""Scale data for benchmarks: many verified residents, ideas and votes, inserted in bulk.

`flask seed-demo --scale` calls seed_scale(). Rows go in with Core executemany batches, not ORM
objects; the votes are planned in Python first, so every idea is inserted with its true
vote_count and trending_score (the same sum of 2^weight per vote as services/votes.py keeps).
Residents log in as bewoner<N>@<SCALE_DOMAIN> with SCALE_PASSWORD.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
import time
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from app.accounts.models import Role, User
from app.accounts.passwords import hash_password
from app.core.db import utcnow
from app.core.themes import Theme
from app.neighbourhoods.models import Household, Neighbourhood
from app.neighbourhoods.services import slugify
from app.proposals.models import Proposal, Round, Status, Vote, VoteStyle, VoteUnit
from app.proposals.scale_words import (
    ADJECTIVES,
    FIRST_NAMES,
    LAST_NAMES,
    NEW_NEIGHBOURHOODS,
    PLACES,
    SENTENCES,
    STREETS,
    THINGS,
)
from app.proposals.services.votes import TRENDING_EPOCH, TRENDING_HALF_LIFE_SECONDS

SCALE_DOMAIN = "schaal.leefbaar.nl"
SCALE_PASSWORD = "leefbaar-schaal-2026"  # noqa: S105  (printed for the demo; not a real secret)
SCALE_ROUND_TITLE = "Buurtbudget (schaaltest)"
VOTES_PER_RESIDENT = 50  # the rounds' limit
VOTES_EACH = 25  # what a resident has cast on average: half their votes are left to use
RESIDENTS_PER_HOME = 2
BATCH = 5000  # rows per executemany; insertmanyvalues splits them below the parameter limits
SEED = 2026
DAY = timedelta(days=1)

STATUS_MIX = (
    (Status.PUBLISHED, 92),
    (Status.SUBMITTED, 3),
    (Status.DRAFT, 2),
    (Status.REJECTED, 2),
    (Status.WITHDRAWN, 1),
)


@dataclass
class _Area:
    """One neighbourhood's share of the scale data while it is being made."""

    neighbourhood_id: int
    slug: str
    round_id: int = 0
    ideas: int = 0
    votes: int = 0
    residents: list[int] = field(default_factory=list)
    published: list[int] = field(default_factory=list)  # indexes into the idea plan


def seed_scale(
    session: Session, ideas: int = 100_000, votes: int = 1_000_000, neighbourhoods: int = 3
) -> list[str]:
    """Fill the database with ideas, residents and votes for benchmarks; return lines to print.

    Running it again changes nothing: the data is recognised by its first resident's e-mail.
    """
    first = session.scalar(select(User.id).where(User.email == resident_email(1)))
    if first is not None:
        return ["Scale data is already there.", *_summary(session)]
    started = time.perf_counter()
    rng = random.Random(SEED)  # noqa: S311  (repeatable demo data, not secrets)
    now = utcnow().replace(microsecond=0)
    areas = _areas(session, neighbourhoods, now)
    _share(areas, ideas, votes)
    _add_residents(session, areas, now)
    plan = _plan_ideas(rng, areas, now)
    counts, scores, voters = _plan_votes(rng, areas, plan, now)
    ids = _insert_ideas(session, rng, areas, plan, counts, scores)
    _insert_votes(session, areas, ids, voters)
    seconds = time.perf_counter() - started
    return [f"Scale data made in {seconds:.1f} s.", *_summary(session)]


def resident_email(number: int) -> str:
    """Return the e-mail address of the numbered scale resident (from 1)."""
    return f"bewoner{number}@{SCALE_DOMAIN}"


def _summary(session: Session) -> list[str]:
    rounds = session.execute(
        select(Neighbourhood.slug, Round.id)
        .join(Round, Round.neighbourhood_id == Neighbourhood.id)
        .where(Round.title == SCALE_ROUND_TITLE)
        .order_by(Neighbourhood.id)
    ).all()
    residents = session.scalar(
        select(func.count()).select_from(User).where(User.email.like(f"%@{SCALE_DOMAIN}"))
    )
    total_ideas = session.scalar(select(func.count()).select_from(Proposal))
    total_votes = session.scalar(select(func.count()).select_from(Vote))
    return [
        f"  {total_ideas:,} ideas and {total_votes:,} votes in the database",
        f"  {residents:,} verified residents: {resident_email(1)} … {resident_email(residents)}",
        f"  password for all: {SCALE_PASSWORD}",
        *(
            f"  round {round_id} in /api/v1/proposals?neighbourhood={slug}"
            for slug, round_id in rounds
        ),
    ]


def _batches(rows: Iterable[dict], size: int = BATCH) -> Iterator[list[dict]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _insert(session: Session, table: Table, rows: Iterable[dict], returning: bool = False):
    """Insert rows in executemany batches; return the new ids in row order if asked."""
    ids: list[int] = []
    statement = insert(table)
    if returning:
        statement = statement.returning(table.c.id, sort_by_parameter_order=True)
    for batch in _batches(rows):
        result = session.execute(statement, batch)
        if returning:
            ids.extend(result.scalars())
    return ids


def _areas(session: Session, wanted: int, now: datetime) -> list[_Area]:
    """Reuse the first neighbourhoods, add the missing ones, and open a round in each."""
    found = list(session.scalars(select(Neighbourhood).order_by(Neighbourhood.id).limit(wanted)))
    taken = {n.name for n in session.scalars(select(Neighbourhood))}
    for name in (n for n in NEW_NEIGHBOURHOODS if n not in taken):
        if len(found) >= wanted:
            break
        neighbourhood = Neighbourhood(
            name=name, slug=slugify(name), description=f"{name}: wijk voor de schaaltest."
        )
        session.add(neighbourhood)
        found.append(neighbourhood)
    session.flush()
    staff = session.scalar(select(User.id).where(User.role == Role.ADMIN).order_by(User.id))
    areas = [_Area(n.id, n.slug) for n in found]
    round_ids = _insert(
        session,
        Round.__table__,
        (
            {
                "neighbourhood_id": area.neighbourhood_id,
                "title": SCALE_ROUND_TITLE,
                "description": "Stem op de ideeën die de buurt beter maken.",
                "budget_cents": 100_000_000,
                "submission_opens_at": now - 60 * DAY,
                "submission_closes_at": now + 30 * DAY,
                "voting_opens_at": now - 14 * DAY,
                "voting_closes_at": now + 60 * DAY,
                "style": VoteStyle.APPROVAL.value,
                "votes_per_resident": VOTES_PER_RESIDENT,
                "vote_unit": VoteUnit.PERSON.value,
                "hide_counts": False,
                "created_by_id": staff,
                "created_at": now - 60 * DAY,
                "updated_at": now - 60 * DAY,
            }
            for area in areas
        ),
        returning=True,
    )
    for area, round_id in zip(areas, round_ids, strict=True):
        area.round_id = round_id
    return areas


def _share(areas: list[_Area], ideas: int, votes: int) -> None:
    """Split ideas and votes evenly over the neighbourhoods; size the residents to the votes."""
    for index, area in enumerate(areas):
        area.ideas = ideas // len(areas) + (index < ideas % len(areas))
        area.votes = votes // len(areas) + (index < votes % len(areas))


def _add_residents(session: Session, areas: list[_Area], now: datetime) -> None:
    """Add homes and verified residents: enough for each to have cast about VOTES_EACH votes."""
    password_hash = hash_password(SCALE_PASSWORD)  # argon2 once, shared by every resident
    number = itertools.count(1)
    for index, area in enumerate(areas):
        # At most half of an area's public ideas per resident, so distinct picks stay cheap.
        each = max(1, min(VOTES_EACH, area.ideas * 45 // 200))
        residents = max(2, math.ceil(area.votes / each))
        homes = math.ceil(residents / RESIDENTS_PER_HOME)
        home_ids = _insert(
            session,
            Household.__table__,
            (
                {
                    "neighbourhood_id": area.neighbourhood_id,
                    "complex_id": None,
                    "street": STREETS[home % len(STREETS)],
                    "number": home % 200 + 1,
                    "addition": "",
                    # 2890AA, 2890AB, …: postcodes the demo and tests do not use
                    "postcode": f"{2890 + index}{_letters(home // 200)}",
                    "city": "Gouda",
                }
                for home in range(homes)
            ),
            returning=True,
        )
        area.residents = _insert(
            session,
            User.__table__,
            (
                {
                    "email": resident_email(n := next(number)),
                    "password_hash": password_hash,
                    "display_name": f"{FIRST_NAMES[n % 20]} {LAST_NAMES[n * 7 % 16]}",
                    "role": Role.RESIDENT.value,
                    "language": "nl",
                    "session_version": 1,
                    "last_login_at": None,
                    "verified_at": now - 90 * DAY,
                    "household_id": home_ids[person // RESIDENTS_PER_HOME],
                    "home_neighbourhood_id": area.neighbourhood_id,
                    "created_at": now - 90 * DAY,
                    "updated_at": now - 90 * DAY,
                }
                for person in range(residents)
            ),
            returning=True,
        )


def _letters(number: int) -> str:
    return chr(65 + number // 26 % 26) + chr(65 + number % 26)


def _plan_ideas(rng: random.Random, areas: list[_Area], now: datetime) -> list[tuple]:
    """Return (created_at, area index, status) per idea, oldest first; note the public ones."""
    statuses = [status for status, _ in STATUS_MIX]
    weights = list(itertools.accumulate(share for _, share in STATUS_MIX))
    plan = []
    for index, area in enumerate(areas):
        for _ in range(area.ideas):
            created = now - 75 * DAY + timedelta(seconds=rng.randrange(60 * 24 * 3600))
            plan.append((created, index, rng.choices(statuses, cum_weights=weights)[0]))
    plan.sort(key=lambda idea: idea[0])
    for position, (_, index, status) in enumerate(plan):
        if status == Status.PUBLISHED:
            areas[index].published.append(position)
    return plan


def _plan_votes(
    rng: random.Random, areas: list[_Area], plan: list[tuple], now: datetime
) -> tuple[array, list[float], list[tuple[int, array, array]]]:
    """Let each resident pick distinct public ideas, a few of them far more popular.

    Return the votes per idea, the trending score per idea, and per resident the ideas and
    the vote times. Popularity follows a Zipf-like curve over a random order of the ideas.
    """
    counts = array("l", bytes(8 * len(plan)))
    sums = [0.0] * len(plan)
    voters = []
    opened = (now - 14 * DAY).timestamp()
    span = now.timestamp() - 60 - opened
    top = (now.timestamp() - TRENDING_EPOCH) / TRENDING_HALF_LIFE_SECONDS
    for area in areas:
        ideas = area.published[:]
        if not ideas or not area.votes:
            continue
        rng.shuffle(ideas)
        cumulative = list(
            itertools.accumulate(1 / (rank + 5) ** 0.85 for rank in range(len(ideas)))
        )
        total = cumulative[-1]
        left = area.votes
        for position, user_id in enumerate(area.residents):
            mine = min(len(ideas), math.ceil(left / (len(area.residents) - position)))
            left -= mine
            chosen: dict[int, None] = {}
            for _ in range(20):
                for _ in range(mine - len(chosen)):
                    chosen[ideas[bisect.bisect(cumulative, rng.random() * total)]] = None
                if len(chosen) >= mine:
                    break
            else:  # a rare resident with very popular taste: fill up evenly
                rest = [idea for idea in ideas if idea not in chosen]
                chosen.update(dict.fromkeys(rng.sample(rest, mine - len(chosen))))
            picked = array("l", chosen)
            times = array("d", (opened + rng.random() * span for _ in picked))
            for idea, moment in zip(picked, times, strict=True):
                counts[idea] += 1
                # Relative to now, so old and new votes add up without overflow.
                sums[idea] += 2 ** ((moment - TRENDING_EPOCH) / TRENDING_HALF_LIFE_SECONDS - top)
            voters.append((user_id, picked, times))
    scores = [top + math.log2(total) if total > 0 else 0.0 for total in sums]
    return counts, scores, voters


def _insert_ideas(
    session: Session,
    rng: random.Random,
    areas: list[_Area],
    plan: list[tuple],
    counts: array,
    scores: list[float],
) -> list[int]:
    """Insert the ideas with their final counts; return their ids in plan order."""
    themes = [theme.value for theme in Theme]

    def rows() -> Iterator[dict]:
        for position, (created, index, status) in enumerate(plan):
            area = areas[index]
            submitted = created + timedelta(hours=rng.randrange(1, 48))
            public = status == Status.PUBLISHED
            thing = rng.choice(THINGS)
            yield {
                "neighbourhood_id": area.neighbourhood_id,
                "round_id": area.round_id,
                "author_id": rng.choice(area.residents),
                "title": f"{rng.choice(ADJECTIVES)} {thing} {rng.choice(PLACES)}",
                "body": " ".join(rng.sample(SENTENCES, rng.randrange(2, 5))),
                "theme": rng.choice(themes),
                "budget_cents": rng.randrange(5, 500) * 10_000 if rng.random() < 0.8 else None,
                "lat": None,
                "lon": None,
                "complex_id": None,
                "corporation_role": None,
                "status": status.value,
                "status_before_hidden": None,
                "decision_reason": "Past niet in dit buurtbudget." if status == "rejected" else "",
                "vote_count": counts[position],
                "comment_count": 0,
                "trending_score": scores[position],
                "progress": None,
                "submitted_at": None if status == Status.DRAFT else submitted,
                "published_at": submitted + DAY if public else None,
                "created_at": created,
                "updated_at": submitted + DAY if public else created,
            }

    return _insert(session, Proposal.__table__, rows(), returning=True)


def _insert_votes(
    session: Session,
    areas: list[_Area],
    ids: list[int],
    voters: list[tuple[int, array, array]],
) -> None:
    """Insert one vote row per (idea, resident), as cast_vote would have."""
    round_of = {user: area.round_id for area in areas for user in area.residents}

    def rows() -> Iterator[dict]:
        for user_id, picked, times in voters:
            ballot = f"user:{user_id}"
            round_id = round_of[user_id]
            for idea, moment in zip(picked, times, strict=True):
                yield {
                    "proposal_id": ids[idea],
                    "round_id": round_id,
                    "ballot": ballot,
                    "user_id": user_id,
                    "created_at": datetime.fromtimestamp(moment, UTC),
                }

    _insert(session, Vote.__table__, rows())
