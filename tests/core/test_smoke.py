def test_home_page_renders(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Leefbaar" in response.data


def test_api_login_round_trip(api, make_user):
    user = make_user()
    response = api.login(user.email)
    assert response.status_code == 200, response.get_json()
    assert api.get("/me").get_json()["email"] == user.email
