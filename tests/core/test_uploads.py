"""The photo pipeline: formats, orientation, metadata, sizes, refusals, limits and rollback."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Blueprint, request
from PIL import Image
from sqlalchemy import event, select
from werkzeug.datastructures import FileStorage

from app.core.db import commit, utcnow
from app.core.errors import RuleViolation
from app.core.security import accepts
from app.core.uploads import (
    Photo,
    PhotoRejected,
    UploadQuotaExceeded,
    delete_photos,
    photo_json,
    photos_of,
    prepare_photos,
    process_image,
    save_photos,
)
from app.extensions import csrf, db
from tests.conftest import problem
from tests.core.images import (
    BLUE,
    RED,
    colour_at,
    encode,
    files,
    heic,
    jpeg,
    looks_like,
    metadata_free,
    png,
    png_header_only,
    size_of,
    srgb_icc,
    two_colours,
    webp,
)

probe = Blueprint("photo_probe", __name__)


@probe.post("/api/v1/test-photos/<int:owner_id>")
@accepts("multipart/form-data")
def upload(owner_id: int):
    """Save the sent photos, then do what the form says: commit, refuse or crash."""
    photos = save_photos(
        db.session,
        request.files.getlist("photos"),
        owner_type="probe",
        owner_id=owner_id,
        uploader_id=int(request.form["uploader"]),
    )
    if request.form.get("then") == "refuse":
        raise RuleViolation("Refused after saving.")
    if request.form.get("then") == "crash":
        raise RuntimeError("crash after saving")
    commit(db.session)
    return {"photos": [photo_json(photo) for photo in photos]}, 201


csrf.exempt(probe)


@pytest.fixture
def app(make_app, tmp_path):
    """The app with its uploads in tmp_path and a test upload endpoint under /api/."""
    application = make_app(STORAGE_LOCAL_ROOT=str(tmp_path / "uploads"))
    application.register_blueprint(probe)
    with application.app_context():
        yield application


@pytest.fixture
def stored_files(tmp_path):
    """List the files in the upload folder."""
    return lambda: sorted(p for p in (tmp_path / "uploads").rglob("*") if p.is_file())


@pytest.fixture
def uploader(make_user):
    """The user who uploads."""
    return make_user()


@pytest.fixture
def save(db, uploader):
    """save(*payloads, owner_id=1): save_photos for the uploader with FileStorage uploads."""

    def do(*payloads: bytes, owner_id: int = 1, uploads=None, **kwargs):
        return save_photos(
            db.session,
            uploads or files(*payloads),
            owner_type="probe",
            owner_id=owner_id,
            uploader_id=uploader.id,
            **kwargs,
        )

    return do


def post_photos(client, owner_id: int, uploader, *payloads: bytes, then: str = "commit"):
    data = {"uploader": str(uploader.id), "then": then}
    data["photos"] = [
        (io.BytesIO(p), f"photo{i}.jpg", "image/jpeg") for i, p in enumerate(payloads)
    ]
    return client.post(f"/api/v1/test-photos/{owner_id}", data=data)


def rejection(data: bytes) -> str:
    with pytest.raises(PhotoRejected) as caught:
        process_image(data)
    assert caught.value.status == 422
    assert caught.value.errors == {"photos": [caught.value.message]}
    return caught.value.message


# --- Formats -------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [jpeg, png, webp, heic], ids=["jpeg", "png", "webp", "heic"])
def test_accepted_formats_become_jpeg(make):
    photo = process_image(make())
    assert photo.content_type == "image/jpeg"
    assert Image.open(io.BytesIO(photo.display)).format == "JPEG"
    assert Image.open(io.BytesIO(photo.thumbnail)).format == "JPEG"
    assert (photo.width, photo.height) == (300, 200)


def test_photo_keeps_its_picture():
    photo = process_image(png())
    assert looks_like(colour_at(photo.display, 0.1, 0.5), RED)
    assert looks_like(colour_at(photo.display, 0.9, 0.5), BLUE)


def test_transparent_png_is_flattened_on_white():
    image = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    photo = process_image(encode(image, "PNG"))
    assert looks_like(colour_at(photo.display, 0.5, 0.5), (255, 255, 255))


def test_sixteen_bit_grey_png_keeps_its_brightness():
    image = Image.new("I;16", (50, 50), 32768)
    assert colour_at(process_image(encode(image, "PNG")).display, 0.5, 0.5)[0] in range(120, 136)


def test_format_is_decided_by_content_not_by_name(save):
    saved = save(uploads=files(png(), name="notes.txt", mimetype="text/plain"))
    assert saved[0].content_type == "image/jpeg"


# --- Orientation, metadata, sizes --------------------------------------------------------------


def test_exif_orientation_is_applied():
    # Orientation 6: the camera was turned; shown upright, the left (red) half is at the top.
    photo = process_image(jpeg(300, 200, orientation=6))
    assert (photo.width, photo.height) == (200, 300)
    assert looks_like(colour_at(photo.display, 0.5, 0.1), RED)
    assert looks_like(colour_at(photo.display, 0.5, 0.9), BLUE)


def test_heic_orientation_is_applied():
    photo = process_image(heic(300, 200, orientation=6))
    assert (photo.width, photo.height) == (200, 300)
    assert looks_like(colour_at(photo.display, 0.5, 0.1), RED)


def test_gps_device_and_time_are_removed():
    source = jpeg(orientation=1)
    assert b"Phonemaker" in source and Image.open(io.BytesIO(source)).getexif().get_ifd(0x8825)
    photo = process_image(source)
    for data in (photo.display, photo.thumbnail):
        assert metadata_free(data)
        assert b"Phonemaker" not in data and b"2026:11:24" not in data


def test_icc_profile_and_xmp_are_removed():
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    source = encode(two_colours(), "JPEG", icc_profile=srgb_icc(), xmp=xmp)
    assert "icc_profile" in Image.open(io.BytesIO(source)).info
    photo = process_image(source)
    assert metadata_free(photo.display) and b"xmpmeta" not in photo.display


def test_display_version_is_1600_pixels_on_the_longest_side():
    photo = process_image(jpeg(4000, 3000))
    assert size_of(photo.display) == (1600, 1200) == (photo.width, photo.height)


def test_thumbnail_is_400_pixels_on_the_longest_side():
    assert size_of(process_image(jpeg(3000, 4000)).thumbnail) == (300, 400)


def test_small_photos_are_not_enlarged():
    photo = process_image(png(120, 80))
    assert size_of(photo.display) == size_of(photo.thumbnail) == (120, 80)


# --- Refusals ----------------------------------------------------------------------------------


def test_pdf_is_rejected():
    message = rejection(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    assert "not a photo" in message and "HEIC" in message


def test_html_named_like_a_photo_is_rejected(save, stored_files):
    html = b"<!doctype html><script>alert(document.cookie)</script>"
    with pytest.raises(PhotoRejected, match="geen foto"):
        save(html)
    assert stored_files() == []


def test_other_image_formats_are_rejected():
    assert "not a photo" in rejection(encode(two_colours(), "GIF"))


def test_corrupt_jpeg_is_rejected():
    data = bytearray(jpeg(600, 400))
    data[400:-2] = bytes(range(256)) * ((len(data) - 402) // 256) + b"\x00" * (
        (len(data) - 402) % 256
    )
    assert "damaged" in rejection(bytes(data))


def test_truncated_jpeg_is_rejected():
    data = jpeg(600, 400)
    assert "damaged" in rejection(data[: len(data) // 2])


def test_truncated_png_is_rejected():
    data = png(600, 400)
    assert "damaged" in rejection(data[: len(data) // 2])


def test_pixel_bomb_is_rejected_without_decoding():
    assert "too many pixels" in rejection(png_header_only(20_000, 20_000))


def test_photo_over_40_megapixels_is_rejected():
    assert "too many pixels" in rejection(png_header_only(8000, 5001))


def test_file_over_the_size_limit_is_rejected(app):
    app.config["UPLOAD_MAX_FILE_BYTES"] = 1000
    with pytest.raises(PhotoRejected, match="te groot"):
        prepare_photos(files(jpeg(600, 400)))


def test_photos_prepared_before_the_transaction_can_be_saved(app, save):
    prepared = prepare_photos(files(jpeg(4000, 3000)))
    [photo] = save(uploads=prepared)
    assert (photo.width, photo.height) == (1600, 1200)


def test_empty_file_field_is_ignored(app):
    assert prepare_photos([FileStorage(io.BytesIO(b""), filename="")]) == []


# --- Storing -----------------------------------------------------------------------------------


def test_save_photos_adds_rows_and_files(save, db, stored_files):
    saved = save(jpeg(), png(), owner_id=7)
    commit(db.session)
    rows = db.session.scalars(select(Photo).order_by(Photo.position)).all()
    assert rows == saved and [p.position for p in rows] == [0, 1]
    assert all(p.owner_type == "probe" and p.owner_id == 7 for p in rows)
    assert len(stored_files()) == 4  # display and thumbnail of each


def test_storage_keys_are_random_and_not_the_public_id(save, stored_files):
    [photo] = save(jpeg())
    assert len(photo.storage_key) == 32 and str(photo.id) not in photo.storage_key
    assert all(photo.storage_key in path.name for path in stored_files())


def test_files_are_kept_outside_static(app, save, stored_files):
    save(jpeg())
    static = Path(app.static_folder).resolve()
    assert not any(path.resolve().is_relative_to(static) for path in stored_files())


def test_one_bad_photo_rejects_the_whole_upload(save, db, stored_files):
    with pytest.raises(PhotoRejected):
        save(jpeg(), b"not a photo")
    assert db.session.scalars(select(Photo)).all() == [] and stored_files() == []


def test_more_than_five_photos_are_rejected(save):
    with pytest.raises(PhotoRejected, match="hoogstens 5"):
        save(*[png()] * 6)


def test_existing_photos_count_towards_the_five(save, db, stored_files):
    save(*[png()] * 4)
    commit(db.session)
    with pytest.raises(PhotoRejected, match="hoogstens 5"):
        save(png(), png())
    db.session.rollback()
    assert len(stored_files()) == 8


def test_daily_quota_is_a_429(app, save):
    app.config["UPLOAD_DAILY_QUOTA"] = 3
    save(png(), png(), owner_id=1)
    with pytest.raises(UploadQuotaExceeded) as caught:
        save(png(), png(), owner_id=2)
    assert caught.value.status == 429 and "photos" in caught.value.errors


def test_daily_quota_counts_only_the_last_24_hours(app, save, db):
    app.config["UPLOAD_DAILY_QUOTA"] = 2
    [old, _] = save(png(), png(), owner_id=1)
    old.created_at = utcnow() - timedelta(hours=25)
    db.session.flush()
    assert len(save(png(), owner_id=2)) == 1


def test_delete_photos_removes_rows_now_and_files_after_commit(save, db, stored_files):
    save(png(), owner_id=1)
    save(png(), owner_id=2)
    commit(db.session)
    assert delete_photos(db.session, "probe", [1]) == 1
    assert [p.owner_id for p in db.session.scalars(select(Photo))] == [2]
    assert len(stored_files()) == 4
    commit(db.session)
    assert len(stored_files()) == 2


def test_deleting_photos_then_rolling_back_keeps_the_files(save, db, stored_files):
    save(png())
    commit(db.session)
    delete_photos(db.session, "probe", [1])
    db.session.rollback()
    assert len(db.session.scalars(select(Photo)).all()) == 1 and len(stored_files()) == 2


def test_photos_of_groups_by_owner_in_position_order_with_one_query(save, db):
    first = save(png(), jpeg())
    later = save(webp(), start_position=2)
    other = save(png(), owner_id=2)
    commit(db.session)
    statements = []

    def count(connection, cursor, statement, *args) -> None:
        if not statement.startswith("BEGIN"):  # SQLite's BEGIN is sent as a statement
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        found = photos_of(db.session, "probe", [1, 2, 3])
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert found == {1: first + later, 2: other, 3: []}
    assert len(statements) == 1


def test_photo_json_gives_the_media_addresses(save):
    [photo] = save(png())
    assert photo_json(photo) == {
        "id": str(photo.id),
        "url": f"/media/{photo.id}/display",
        "thumbnail_url": f"/media/{photo.id}/thumb",
    }


# --- Through a request ---------------------------------------------------------------------------


def test_request_that_fails_after_saving_leaves_no_file_and_no_row(
    client, uploader, db, stored_files
):
    response = post_photos(client, 1, uploader, jpeg(), png(), then="refuse")
    problem(response, 422)
    assert db.session.scalars(select(Photo)).all() == [] and stored_files() == []


def test_request_that_crashes_after_saving_leaves_no_file_and_no_row(
    client, uploader, db, stored_files
):
    problem(post_photos(client, 1, uploader, jpeg(), then="crash"), 500)
    assert db.session.scalars(select(Photo)).all() == [] and stored_files() == []


def test_committed_request_keeps_its_photos(client, uploader, db, stored_files):
    response = post_photos(client, 1, uploader, jpeg(), heic())
    assert response.status_code == 201, response.data
    assert len(response.get_json()["photos"]) == 2
    assert len(db.session.scalars(select(Photo)).all()) == 2 and len(stored_files()) == 4


def test_rejected_photo_is_a_422_problem_about_the_photos_field(client, uploader, stored_files):
    body = problem(post_photos(client, 1, uploader, png_header_only(20_000, 20_000)), 422)
    assert body["type"].endswith("/photo-rejected")
    assert body["errors"] == {"photos": [body["detail"]]} and "te veel pixels" in body["detail"]
    assert stored_files() == []


def test_quota_is_a_429_problem(app, client, uploader):
    app.config["UPLOAD_DAILY_QUOTA"] = 1
    body = problem(post_photos(client, 1, uploader, png(), png()), 429)
    assert "photos" in body["errors"]


def test_upload_over_25_megabytes_is_a_413_problem(client, uploader, stored_files):
    # A hand-made body: the test client would spool a file this big to an unclosed temp file.
    head = (
        b'--b\r\nContent-Disposition: form-data; name="uploader"\r\n\r\n%d\r\n'
        b'--b\r\nContent-Disposition: form-data; name="photos"; filename="big.jpg"\r\n'
        b"Content-Type: image/jpeg\r\n\r\n"
    ) % uploader.id
    body = head + b"\xff\xd8" + bytes(25 * 1024 * 1024) + b"\r\n--b--\r\n"
    response = client.post(
        "/api/v1/test-photos/1", data=body, content_type="multipart/form-data; boundary=b"
    )
    problem(response, 413)
    assert stored_files() == []
