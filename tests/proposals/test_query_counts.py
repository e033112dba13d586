"""The idea list costs a fixed, small number of SQL queries whatever the page size."""

from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import event

MAX_QUERIES = 4


@contextlib.contextmanager
def counted(engine):
    """Count the SQL statements the app sends (not BEGIN or PRAGMA)."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def many_ideas(make_round, make_proposal, make_resident, api_as):
    chosen = make_round()
    ideas = [make_proposal(voting_round=chosen) for _ in range(25)]
    voter = api_as(make_resident())
    for idea in ideas[:3]:
        voter.put(f"/proposals/{idea.id}/vote")
    return ideas


@pytest.mark.parametrize("who", ["visitor", "resident", "staff"])
def test_the_list_needs_at_most_four_queries_at_any_page_size(
    db, api, api_as, resident, staff, many_ideas, who
):
    client = {"visitor": api, "resident": api_as(resident), "staff": api_as(staff)}[who]
    counts = {}
    for limit in (1, 20, 100):
        with counted(db.engine) as statements:
            page = client.get(f"/proposals?neighbourhood=korte-akkeren&sort=popular&limit={limit}")
        assert page.status_code == 200
        counts[limit] = len(statements)
    cursor = client.get("/proposals?neighbourhood=korte-akkeren&sort=popular&limit=5")
    with counted(db.engine) as statements:
        deep = client.get(
            "/proposals?neighbourhood=korte-akkeren&sort=popular&limit=5"
            f"&cursor={cursor.get_json()['next_cursor']}"
        )
    assert deep.status_code == 200 and deep.get_json()["items"]
    counts["deep"] = len(statements)
    assert len(set(counts.values())) == 1, counts
    assert counts[20] <= MAX_QUERIES, statements
