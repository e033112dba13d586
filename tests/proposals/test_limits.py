"""Writing ideas, comments and flags is rate-limited per person, across the API and the pages."""

from flask import Flask

from tests.conftest import ApiClient, form_token, problem

IDEA = {
    "title": "Een idee voor de wijk",
    "body": "Tekst",
    "theme": "samen",
    "neighbourhood": "korte-akkeren",
}


def logged_in(app: Flask, user) -> ApiClient:
    client = ApiClient(app.test_client())
    assert client.login(user.email).status_code == 200
    return client


def test_writing_ideas_is_limited_per_person(limited, wijk, resident, make_resident):
    neighbour = make_resident()
    app = limited(IDEA_LIMIT_PER_USER="2/hour")
    client = logged_in(app, resident)
    statuses = [client.post("/proposals", json=IDEA).status_code for _ in range(3)]
    assert statuses == [201, 201, 429]
    body = problem(client.post("/proposals", json=IDEA), 429)
    assert body["detail"]
    assert logged_in(app, neighbour).post("/proposals", json=IDEA).status_code == 201


def test_the_idea_form_and_the_api_share_one_budget(limited, wijk, resident):
    app = limited(IDEA_LIMIT_PER_USER="1/hour")
    client = logged_in(app, resident)
    assert client.post("/proposals", json=IDEA).status_code == 201
    form = client.client.get("/ideeen/nieuw")
    assert form.status_code == 200  # reading the form costs nothing
    data = {**IDEA, "csrf_token": form_token(form), "round": "", "budget": ""}
    assert client.client.post("/ideeen/nieuw", data=data).status_code == 429


def test_comments_are_limited_per_person(limited, resident, make_proposal):
    idea = make_proposal()
    app = limited(COMMENT_LIMIT_PER_USER="2/hour")
    client = logged_in(app, resident)
    path = f"/proposals/{idea.id}/comments"
    statuses = [client.post(path, json={"body": "Goed plan"}).status_code for _ in range(3)]
    assert statuses == [201, 201, 429]


def test_flags_are_limited_per_person(limited, make_resident, make_proposal):
    ideas = [make_proposal(), make_proposal()]
    flagger = make_resident()
    app = limited(FLAG_LIMIT_PER_USER="1/hour")
    client = logged_in(app, flagger)
    assert client.post(f"/proposals/{ideas[0].id}/flag", json={"reason": "spam"}).status_code == 201
    problem(client.post(f"/proposals/{ideas[1].id}/flag", json={"reason": "spam"}), 429)
