"""Storage backends (local disk, S3 against a local moto server) and files in transactions."""

from __future__ import annotations

import secrets
import socket
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from app.config import ConfigurationError
from app.core.storage import (
    LocalStorage,
    MissingFile,
    S3Storage,
    delete_after_commit,
    get_storage,
    put_in_transaction,
)
from app.core.uploads import photo_json, save_photos
from tests.core.images import png

BUCKET = "leefbaar-photos"


@pytest.fixture
def local(tmp_path) -> LocalStorage:
    return LocalStorage(tmp_path / "uploads")


def files_in(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


@pytest.fixture(scope="module")
def s3_url():
    """A real S3 protocol server (moto) on 127.0.0.1, with an empty bucket."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    s3_client(url).create_bucket(Bucket=BUCKET)
    yield url
    server.stop()


def s3_client(url: str):
    return boto3.client(
        "s3",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def s3_settings(url: str, prefix: str = "photos/") -> dict:
    return {
        "STORAGE_BACKEND": "s3",
        "STORAGE_S3_BUCKET": BUCKET,
        "STORAGE_S3_ENDPOINT_URL": url,
        "STORAGE_S3_REGION": "us-east-1",
        "STORAGE_S3_ACCESS_KEY_ID": "test",
        "STORAGE_S3_SECRET_ACCESS_KEY": "test",
        "STORAGE_S3_PREFIX": prefix,
    }


# --- Local disk ------------------------------------------------------------------------------


def test_local_storage_round_trip(local):
    local.put("abc-display", b"photo", "image/jpeg")
    assert local.get("abc-display") == b"photo"


def test_local_storage_replaces_a_file_and_leaves_no_temporary_files(local):
    local.put("abc-display", b"old", "image/jpeg")
    local.put("abc-display", b"new", "image/jpeg")
    assert local.get("abc-display") == b"new"
    assert [path.name for path in files_in(local.root)] == ["abc-display"]


def test_local_storage_missing_file_raises_missing_file(local):
    with pytest.raises(MissingFile):
        local.get("nothing-here")


def test_local_storage_deleting_a_missing_file_is_fine(local):
    local.put("abc", b"x", "image/jpeg")
    local.delete("abc")
    local.delete("abc")
    assert files_in(local.root) == []


@pytest.mark.parametrize(
    "key", ["../secret", "a/b", "a\\b", "photo.jpg", ".", "..", "", "/etc/passwd", "a\x00b"]
)
def test_local_storage_refuses_unsafe_keys(local, key):
    for action in (
        lambda: local.put(key, b"x", "image/jpeg"),
        lambda: local.get(key),
        lambda: local.delete(key),
    ):
        with pytest.raises(ValueError, match="unsafe storage key"):
            action()
    assert not local.root.exists()


def test_local_storage_defaults_to_instance_uploads(make_app):
    app = make_app(STORAGE_LOCAL_ROOT=None)
    assert get_storage(app).root == Path(app.instance_path) / "uploads"


def test_local_storage_under_static_is_refused(make_app):
    app = make_app()
    app.config["STORAGE_LOCAL_ROOT"] = str(Path(app.static_folder) / "uploads")
    with pytest.raises(ConfigurationError, match="static"):
        get_storage(app)


def test_storage_is_built_once_per_app(make_app):
    app = make_app()
    assert get_storage(app) is get_storage(app)
    assert get_storage(app) is not get_storage(make_app())


def test_unknown_storage_backend_is_refused(make_app):
    with pytest.raises(ConfigurationError, match="STORAGE_BACKEND"):
        get_storage(make_app(STORAGE_BACKEND="floppy"))


def test_s3_backend_needs_a_bucket(make_app):
    with pytest.raises(ConfigurationError, match="STORAGE_S3_BUCKET"):
        get_storage(make_app(STORAGE_BACKEND="s3", STORAGE_S3_BUCKET=None))


# --- Files in transactions ---------------------------------------------------------------------


def test_files_written_in_a_committed_transaction_stay(db, local):
    put_in_transaction(db.session, local, "kept", b"x", "image/jpeg")
    db.session.commit()
    assert local.get("kept") == b"x"


def test_files_written_in_a_rolled_back_transaction_are_deleted(db, local):
    put_in_transaction(db.session, local, "gone", b"x", "image/jpeg")
    assert local.get("gone") == b"x"
    db.session.rollback()
    assert files_in(local.root) == []


def test_files_written_in_a_session_closed_without_commit_are_deleted(db, local):
    put_in_transaction(db.session, local, "gone", b"x", "image/jpeg")
    db.session.close()
    assert files_in(local.root) == []


def test_rolled_back_savepoint_deletes_only_its_own_files(db, local):
    put_in_transaction(db.session, local, "outer", b"x", "image/jpeg")
    savepoint = db.session.begin_nested()
    put_in_transaction(db.session, local, "inner", b"x", "image/jpeg")
    savepoint.rollback()
    db.session.commit()
    assert [path.name for path in files_in(local.root)] == ["outer"]


def test_released_savepoint_files_go_if_the_transaction_rolls_back(db, local):
    with db.session.begin_nested():
        put_in_transaction(db.session, local, "inner", b"x", "image/jpeg")
    db.session.rollback()
    assert files_in(local.root) == []


def test_files_to_delete_go_only_after_commit(db, local):
    local.put("old", b"x", "image/jpeg")
    db.session.commit()
    delete_after_commit(db.session, local, ["old"])
    assert local.get("old") == b"x"
    db.session.commit()
    assert files_in(local.root) == []


def test_files_to_delete_stay_when_the_transaction_rolls_back(db, local):
    local.put("old", b"x", "image/jpeg")
    delete_after_commit(db.session, local, ["old"])
    db.session.rollback()
    db.session.commit()
    assert local.get("old") == b"x"


# --- S3-compatible object storage --------------------------------------------------------------


def test_s3_storage_round_trip(make_app, s3_url):
    storage = get_storage(make_app(**s3_settings(s3_url)))
    assert isinstance(storage, S3Storage)
    storage.put("abc-display", b"photo", "image/jpeg")
    assert storage.get("abc-display") == b"photo"
    stored = s3_client(s3_url).get_object(Bucket=BUCKET, Key="photos/abc-display")
    assert stored["ContentType"] == "image/jpeg"
    storage.delete("abc-display")
    with pytest.raises(MissingFile):
        storage.get("abc-display")


def test_s3_storage_missing_object_raises_missing_file(make_app, s3_url):
    with pytest.raises(MissingFile):
        get_storage(make_app(**s3_settings(s3_url))).get("never-stored")


def test_s3_storage_refuses_unsafe_keys(make_app, s3_url):
    with pytest.raises(ValueError, match="unsafe storage key"):
        get_storage(make_app(**s3_settings(s3_url))).put("../x", b"x", "image/jpeg")


def test_photos_are_saved_and_served_through_s3(make_app, make_user, s3_url):
    prefix = f"served-{secrets.token_hex(4)}/"  # the server outlives one database's run
    app = make_app(**s3_settings(s3_url, prefix=prefix))
    with app.app_context():
        from app.core.media import register_media_access
        from app.extensions import db

        register_media_access("s3-probe", lambda session, viewer, owner_id: "public")
        uploader = make_user()
        [photo] = save_photos(
            db.session, [png()], owner_type="s3-probe", owner_id=1, uploader_id=uploader.id
        )
        db.session.commit()
        keys = s3_client(s3_url).list_objects_v2(Bucket=BUCKET, Prefix=prefix)["Contents"]
        assert sorted(item["Key"] for item in keys) == [
            f"{prefix}{photo.storage_key}-display",
            f"{prefix}{photo.storage_key}-thumb",
        ]
        response = app.test_client().get(photo_json(photo)["url"])
        assert response.status_code == 200 and response.data[:2] == b"\xff\xd8"
