"""GET /media/<id>/<variant>: authorisation through registered rules, safe headers, caching."""

from __future__ import annotations

import io
import uuid

import pytest
from PIL import Image

from app.core.db import commit
from app.core.media import register_media_access
from app.core.storage import get_storage
from app.core.uploads import photo_file_key, photo_json, save_photos
from tests.core.images import jpeg

PUBLIC_ALBUM = 0


def album_access(session, viewer, owner_id: int) -> str | None:
    """Album 0 is public; album n is private to user n."""
    if owner_id == PUBLIC_ALBUM:
        return "public"
    if viewer is not None and viewer.id == owner_id:
        return "private"
    return None


register_media_access("test-album", album_access)


@pytest.fixture
def app(make_app, tmp_path):
    application = make_app(STORAGE_LOCAL_ROOT=str(tmp_path / "uploads"))
    with application.app_context():
        yield application


@pytest.fixture
def owner(make_user):
    return make_user()


@pytest.fixture
def add_photo(db, owner):
    """Store a photo in an album (public unless a user's id is given) and return its URLs."""

    def add(album: int = PUBLIC_ALBUM, owner_type: str = "test-album") -> dict:
        [photo] = save_photos(
            db.session,
            [jpeg(2000, 1000)],
            owner_type=owner_type,
            owner_id=album,
            uploader_id=owner.id,
        )
        commit(db.session)
        return photo_json(photo) | {"storage_key": photo.storage_key}

    return add


def test_public_photo_is_served_to_anyone_with_long_caching(client, add_photo):
    response = client.get(add_photo()["url"])
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_public_photo_for_a_logged_in_viewer_is_kept_only_by_the_browser(
    client, login, owner, add_photo
):
    url = add_photo()["url"]
    login(owner)
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, max-age=31536000, immutable"


def test_private_photo_is_served_to_who_may_see_it_without_storing(client, login, owner, add_photo):
    url = add_photo(album=owner.id)["url"]
    login(owner)
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"


def test_private_photo_is_not_found_for_other_users(client, login, make_user, owner, add_photo):
    url = add_photo(album=owner.id)["url"]
    login(make_user())
    response = client.get(url)
    assert response.status_code == 404
    assert b"\xff\xd8" not in response.data


def test_private_photo_is_not_found_for_visitors(client, owner, add_photo):
    assert client.get(add_photo(album=owner.id)["url"]).status_code == 404


def test_photo_has_its_type_and_may_not_be_sniffed_or_run(client, add_photo):
    response = client.get(add_photo()["url"])
    assert response.mimetype == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_display_and_thumbnail_have_their_sizes(client, add_photo):
    urls = add_photo()
    for url, size in ((urls["url"], (1600, 800)), (urls["thumbnail_url"], (400, 200))):
        with Image.open(io.BytesIO(client.get(url).data)) as image:
            assert image.size == size


def test_unknown_variant_is_not_found(client, add_photo):
    photo_id = add_photo()["id"]
    for variant in ("original", "display.jpg", "THUMB"):
        assert client.get(f"/media/{photo_id}/{variant}").status_code == 404


def test_unknown_photo_is_not_found(client):
    assert client.get(f"/media/{uuid.uuid4()}/display").status_code == 404


def test_malformed_id_is_not_found(client):
    assert client.get("/media/12/display").status_code == 404


def test_photo_of_an_owner_type_without_a_rule_is_not_found(client, add_photo):
    assert client.get(add_photo(owner_type="unregistered")["url"]).status_code == 404


def test_photo_whose_file_is_gone_is_not_found(client, add_photo):
    urls = add_photo()
    get_storage().delete(photo_file_key(urls["storage_key"], "display"))
    assert client.get(urls["url"]).status_code == 404
    assert client.get(urls["thumbnail_url"]).status_code == 200


def test_refusals_do_not_reveal_that_a_photo_exists(client, owner, add_photo):
    def page(path: str) -> tuple[int, str]:
        response = client.get(path)
        text = response.get_data(as_text=True).replace(path, "PATH")
        return response.status_code, text.replace(response.headers["X-Request-ID"], "ID")

    assert page(add_photo(album=owner.id)["url"]) == page(f"/media/{uuid.uuid4()}/display")
