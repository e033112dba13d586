"""Who may call which reports endpoint: one row per endpoint, one column per role."""

from __future__ import annotations

import pytest

from app.core.db import commit
from app.reports.services import workflow
from tests.conftest import HERE, matrix_mismatches

ROLES = (
    "visitor",
    "newcomer",
    "neighbour",
    "reporter",
    "outsider",
    "other_staff",
    "staff",
    "admin",
)
LITTER = {"category": "zwerfvuil", "description": "Afval", "lat": HERE[0], "lon": HERE[1]}
LEAK = {
    "category": "lekkage",
    "description": "Lekt",
    "attributes": {"ruimte": "keuken", "spoed": "nee"},
}
CATEGORY = {"code": "nieuw", "name_nl": "Nieuw", "name_en": "New", "theme": "heel"}
HANDLERS = {"staff": 200, "admin": 200}

# (method, path, body, {role: status}); {pub}: public report, {priv}: private report,
# {fixed} and {fixed2}: resolved public reports, all by the reporter.
MATRIX = [
    ("GET", "/report-categories", None, {"*": 200}),
    (
        "POST",
        "/report-categories",
        CATEGORY,
        {"*": 403, "visitor": 401, "staff": 201, "admin": 201},
    ),
    ("GET", "/reports", None, {"*": 200}),
    ("GET", f"/reports/nearby?lat={HERE[0]}&lon={HERE[1]}&category=zwerfvuil", None, {"*": 200}),
    ("POST", "/reports", LITTER, {"*": 201, "visitor": 401}),
    (
        "POST",
        "/reports",
        LEAK,
        {"*": 422, "visitor": 401, "neighbour": 201, "reporter": 201, "outsider": 201},
    ),
    ("GET", "/reports/{pub}", None, {"*": 200}),
    ("GET", "/reports/{priv}", None, {"*": 404, "reporter": 200, **HANDLERS}),
    ("PUT", "/reports/{pub}/follow", None, {"*": 204, "visitor": 401}),
    (
        "PUT",
        "/reports/{priv}/follow",
        None,
        {"*": 404, "visitor": 401, "reporter": 204, "staff": 204, "admin": 204},
    ),
    (
        "POST",
        "/reports/{pub}/status",
        {"status": "acknowledged"},
        {"*": 403, "visitor": 401, **HANDLERS},
    ),
    (
        "POST",
        "/reports/{priv}/status",
        {"status": "acknowledged"},
        {"*": 403, "visitor": 401, "other_staff": 404, **HANDLERS},
    ),
    (
        "POST",
        "/reports/{pub}/assign",
        {"contractor": "Schilder"},
        {"*": 403, "visitor": 401, **HANDLERS},
    ),
    (
        "POST",
        "/reports/{fixed}/reopen",
        {"reason": "Weer kapot"},
        {"*": 403, "visitor": 401, "reporter": 200, **HANDLERS},
    ),
    (
        "POST",
        "/reports/{fixed2}/feedback",
        {"fixed": True, "satisfaction": 4},
        {"*": 403, "visitor": 401, "reporter": 201},
    ),
]


@pytest.fixture
def make_world(db, matrix_client, make_neighbourhood, staff, make_report):
    """Build one role's client and the reporter's reports."""

    def build(role: str):
        other = make_neighbourhood("Bloemendaal")
        public, private = make_report(), make_report("lekkage", attributes=LEAK["attributes"])
        fixed, fixed2 = make_report(), make_report()
        for report in (fixed, fixed2):
            workflow.change_status(db.session, staff, report, {"status": "resolved"})
        commit(db.session)
        client = matrix_client(role, other)
        ids = {"pub": public.id, "priv": private.id, "fixed": fixed.id, "fixed2": fixed2.id}
        return client, ids

    return build


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(make_world, role):
    client, ids = make_world(role)
    wrong = matrix_mismatches(client, MATRIX, ids, role)
    assert not wrong, wrong
