"""Photos: the intake pipeline for uploaded images, and the Photo rows that point at the files.

The model is shared by every feature that takes photos (reports now, ideas later). A photo
belongs to one owner (owner_type + owner_id, e.g. "report" 12); who may see it is decided by
that owner's feature (app/core/media). Uploads are recognised by their content (JPEG, PNG, WebP,
HEIC/HEIF), turned upright, stripped of all metadata and stored as a display version and a
thumbnail through app/core/storage, under random keys.
"""

from __future__ import annotations

import io
import logging
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pillow_heif
import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from flask_babel import gettext
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError
from sqlalchemy import ForeignKey, Index, String, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column
from werkzeug.datastructures import FileStorage

from app.core.db import Base, utcnow
from app.core.errors import DomainError, RuleViolation
from app.core.storage import delete_after_commit, get_storage, put_in_transaction

log = logging.getLogger(__name__)

pillow_heif.register_heif_opener()

MAX_PHOTOS = 5  # per owner (a report, an idea)
MAX_PIXELS = 40_000_000  # a 40-megapixel photo decodes to 120-160 MB: the most we allow
MAX_FILE_BYTES = 20 * 1024 * 1024
DAILY_QUOTA = 60  # photos per uploader per 24 hours
DISPLAY_SIZE = 1600  # longest side, in pixels
THUMBNAIL_SIZE = 400
VARIANTS = ("display", "thumb")

# Only these decoders ever see an upload: what a file is follows from its bytes, not its name.
OPENED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
ACCEPTED_FORMATS = frozenset({*OPENED_FORMATS, "MPO"})  # MPO: phone JPEGs with a depth map

# JPEG rather than WebP: on our two-core servers libjpeg-turbo encodes a 1600 px photo about
# 25 times faster than libwebp (5 ms against 140 ms), every browser and mail client shows it,
# and photos of defects need no transparency. WebP would save roughly a third of the bytes.
OUTPUT_TYPE = "image/jpeg"
DISPLAY_QUALITY = 82
THUMBNAIL_QUALITY = 78
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


class Photo(Base):
    """One stored photo: a display version and a thumbnail, without any metadata."""

    __tablename__ = "photos"
    __table_args__ = (Index("ix_photos_owner", "owner_type", "owner_id"),)

    # The public id in /media/<id>/<variant>; the files live under storage_key, which is
    # never shown, so a URL tells nothing about where or how the files are kept.
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    owner_type: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)
    uploader_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    content_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int]
    height: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class PhotoRejected(RuleViolation):
    """An upload is not a photo we can use, or there are too many; nothing was stored."""

    code = "photo-rejected"

    def __init__(self, message: str) -> None:
        super().__init__(message, errors={"photos": [message]})


class UploadQuotaExceeded(DomainError):
    """The uploader added too many photos in the last 24 hours (429: try again later)."""

    status = 429
    code = "upload-quota"

    def __init__(self, message: str) -> None:
        super().__init__(message, errors={"photos": [message]})


@dataclass(frozen=True)
class ProcessedPhoto:
    """A photo ready to store: both versions encoded, without metadata."""

    display: bytes
    thumbnail: bytes
    content_type: str
    width: int
    height: int


# --- The image pipeline (no app or database needed) -------------------------------------------


def _not_a_photo() -> PhotoRejected:
    return PhotoRejected(
        gettext("This file is not a photo we can read: use JPEG, PNG, WebP or HEIC.")
    )


def _too_many_pixels() -> PhotoRejected:
    return PhotoRejected(gettext("This photo has too many pixels. Please send a smaller one."))


def _fitted_size(size: tuple[int, int], longest: int) -> tuple[int, int]:
    width, height = size
    if max(width, height) <= longest:
        return size
    scale = longest / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _fit(image: Image.Image, longest: int) -> Image.Image:
    size = _fitted_size(image.size, longest)
    if size == image.size:
        return image
    # reducing_gap: shrink by whole factors first (cheap box filter), so at most a factor 2 is
    # left to resample; HAMMING, sharper than bilinear, does that in 60 % of BICUBIC's time.
    return image.resize(size, Image.Resampling.HAMMING, reducing_gap=2.0)


def _resizable(image: Image.Image) -> Image.Image:
    """Bring any decoded mode to RGB(A), L or CMYK, which can be resized smoothly."""
    if image.mode in ("RGB", "RGBA", "L", "CMYK"):
        return image
    if image.mode.startswith("I"):  # 16-bit PNG grey: scale to 8 bits instead of clipping
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    has_alpha = "A" in image.mode or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


def _upright(image: Image.Image) -> Image.Image:
    """Apply the EXIF orientation; an unreadable orientation leaves the photo as it is."""
    try:
        ImageOps.exif_transpose(image, in_place=True)
    except Exception:  # broken EXIF is common; a sideways photo beats a refused one
        log.info("Ignoring unreadable EXIF orientation", exc_info=True)
    return image


def _flat_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Flatten transparency on white and convert the colours to sRGB, as browsers assume."""
    if image.mode == "RGBA":
        white = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(white, image).convert("RGB")
    if icc_profile and image.mode in ("RGB", "CMYK"):
        try:
            embedded = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            converted = ImageCms.profileToProfile(image, embedded, _SRGB, outputMode="RGB")
            if converted is not None:
                image = converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            log.info("Ignoring unusable ICC profile", exc_info=True)
    return image if image.mode in ("RGB", "L") else image.convert("RGB")


def _encode(image: Image.Image, quality: int, *, progressive: bool) -> bytes:
    image.info = {}  # nothing of the original (EXIF, GPS, XMP, ICC, comments) goes along
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True, progressive=progressive)
    return out.getvalue()


def _display_image(source: Image.Image) -> Image.Image:
    """Decode as little as needed for the display size, then turn the result upright."""
    icc_profile = source.info.get("icc_profile")
    if source.format in ("JPEG", "MPO"):
        # Let libjpeg decode at 1/2, 1/4 or 1/8 scale: far fewer pixels to decode and resize.
        source.draft(None, _fitted_size(source.size, DISPLAY_SIZE))
    source.load()
    image = _upright(_fit(_resizable(source), DISPLAY_SIZE))
    return _flat_srgb(image, icc_profile)


def process_image(data: bytes, *, max_pixels: int = MAX_PIXELS) -> ProcessedPhoto:
    """Turn an uploaded file into an upright display version and thumbnail, or refuse it."""
    try:
        with Image.open(io.BytesIO(data), formats=OPENED_FORMATS) as source:
            if source.format not in ACCEPTED_FORMATS:
                raise _not_a_photo()
            # Width and height come from the header: refuse before decoding a single pixel.
            if source.width * source.height > max_pixels:
                raise _too_many_pixels()
            display = _display_image(source)
    except PhotoRejected:
        raise
    except UnidentifiedImageError:
        raise _not_a_photo() from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own, larger limit (the warning is an exception where warnings are errors).
        raise _too_many_pixels() from None
    except Exception:
        # Decoders answer damaged input with OSError, SyntaxError, ValueError, struct.error…
        log.info("Refused an unreadable photo", exc_info=True)
        raise PhotoRejected(gettext("This photo is damaged or incomplete.")) from None
    thumbnail = _fit(display, THUMBNAIL_SIZE)
    return ProcessedPhoto(
        # Progressive: on a slow connection the display version shows blurred, then sharp.
        display=_encode(display, DISPLAY_QUALITY, progressive=True),
        thumbnail=_encode(thumbnail, THUMBNAIL_QUALITY, progressive=False),
        content_type=OUTPUT_TYPE,
        width=display.width,
        height=display.height,
    )


# --- Storing and finding photos ---------------------------------------------------------------

Upload = FileStorage | tuple[str, bytes] | bytes | ProcessedPhoto


def _read(item: Upload, max_bytes: int) -> bytes | ProcessedPhoto | None:
    """Return the upload's bytes (at most max_bytes), or None for an empty file field."""
    if isinstance(item, ProcessedPhoto | bytes):
        data = item
    elif isinstance(item, tuple):
        data = item[1]
    else:
        data = item.stream.read(max_bytes + 1)
        if not data and not item.filename:  # a file input the user left empty
            return None
    if isinstance(data, bytes) and len(data) > max_bytes:
        raise PhotoRejected(
            gettext(
                "This photo is too large. The limit is %(size)d MB per photo.",
                size=max_bytes // (1024 * 1024),
            )
        )
    return data


def _too_many_photos() -> PhotoRejected:
    return PhotoRejected(gettext("You can add at most %(max)d photos.", max=MAX_PHOTOS))


def prepare_photos(files: Iterable[Upload]) -> list[ProcessedPhoto]:
    """Read and process every upload before any database work; one bad file refuses all."""
    config = current_app.config
    max_bytes = config.get("UPLOAD_MAX_FILE_BYTES", MAX_FILE_BYTES)
    uploads = [data for data in (_read(item, max_bytes) for item in files) if data is not None]
    if len(uploads) > MAX_PHOTOS:  # before the expensive part
        raise _too_many_photos()
    max_pixels = config.get("UPLOAD_MAX_PIXELS", MAX_PIXELS)
    return [
        data if isinstance(data, ProcessedPhoto) else process_image(data, max_pixels=max_pixels)
        for data in uploads
    ]


_users = sa.table("users", sa.column("id"))


def _check_limits(session: Session, owner_type: str, owner_id: int, uploader_id: int, n: int):
    # Concurrent uploads of one person queue on their user row (PostgreSQL; SQLite writers
    # queue anyway), so two requests cannot both pass the quota. Adding to an owner that
    # others may add to too needs the owner's row locked by the caller.
    session.execute(select(_users.c.id).where(_users.c.id == uploader_id).with_for_update())
    existing = session.scalar(
        select(func.count())
        .select_from(Photo)
        .where(Photo.owner_type == owner_type, Photo.owner_id == owner_id)
    )
    if existing + n > MAX_PHOTOS:
        raise _too_many_photos()
    quota = current_app.config.get("UPLOAD_DAILY_QUOTA", DAILY_QUOTA)
    recent = session.scalar(
        select(func.count())
        .select_from(Photo)
        .where(Photo.uploader_id == uploader_id, Photo.created_at > utcnow() - timedelta(days=1))
    )
    if recent + n > quota:
        raise UploadQuotaExceeded(
            gettext(
                "You added %(quota)d photos in the last 24 hours. That is the most we allow. "
                "Please try again later.",
                quota=quota,
            )
        )


def photo_file_key(storage_key: str, variant: str) -> str:
    """Return the storage key of one variant ("display" or "thumb") of a photo."""
    return f"{storage_key}-{variant}"


def save_photos(
    session: Session,
    files: Iterable[Upload],
    *,
    owner_type: str,
    owner_id: int,
    uploader_id: int,
    start_position: int = 0,
) -> list[Photo]:
    """Check, process and store uploaded photos for an owner; flush their rows.

    `files` are werkzeug FileStorage objects, (filename, bytes) pairs, bytes, or photos from
    prepare_photos (call that first to do the slow part before the transaction starts).
    Raises PhotoRejected (422) for an unusable file or more than MAX_PHOTOS per owner, and
    UploadQuotaExceeded (429) past UPLOAD_DAILY_QUOTA. If the transaction does not commit,
    the written files are deleted again.
    """
    prepared = prepare_photos(files)
    if not prepared:
        return []
    _check_limits(session, owner_type, owner_id, uploader_id, len(prepared))
    storage = get_storage()
    photos = []
    for position, processed in enumerate(prepared, start=start_position):
        storage_key = secrets.token_hex(16)
        for variant, data in zip(VARIANTS, (processed.display, processed.thumbnail), strict=True):
            key = photo_file_key(storage_key, variant)
            put_in_transaction(session, storage, key, data, processed.content_type)
        photo = Photo(
            storage_key=storage_key,
            owner_type=owner_type,
            owner_id=owner_id,
            position=position,
            uploader_id=uploader_id,
            content_type=processed.content_type,
            width=processed.width,
            height=processed.height,
        )
        session.add(photo)
        photos.append(photo)
    session.flush()
    return photos


def delete_photos(session: Session, owner_type: str, owner_ids: Iterable[int]) -> int:
    """Delete the owners' photo rows now and their files once the transaction commits."""
    ids = list(owner_ids)
    if not ids:
        return 0
    statement = (
        delete(Photo)
        .where(Photo.owner_type == owner_type, Photo.owner_id.in_(ids))
        .returning(Photo.storage_key)
    )
    storage_keys = session.scalars(statement).all()
    keys = [photo_file_key(key, variant) for key in storage_keys for variant in VARIANTS]
    delete_after_commit(session, get_storage(), keys)
    return len(storage_keys)


def photos_of(
    session: Session, owner_type: str, owner_ids: Iterable[int]
) -> dict[int, list[Photo]]:
    """Return each owner's photos in order, in one query (owners without photos get [])."""
    found: dict[int, list[Photo]] = {owner_id: [] for owner_id in owner_ids}
    if not found:
        return found
    photos = session.scalars(
        select(Photo)
        .where(Photo.owner_type == owner_type, Photo.owner_id.in_(list(found)))
        .order_by(Photo.owner_id, Photo.position, Photo.created_at, Photo.id)
    )
    for photo in photos:
        found[photo.owner_id].append(photo)
    return found


def _media_url(photo: Photo, variant: str) -> str:
    if has_request_context():
        return url_for("media.photo", photo_id=photo.id, variant=variant)
    return f"/media/{photo.id}/{variant}"  # jobs and the CLI have no request to build from


def photo_json(photo: Photo) -> dict[str, str]:
    """Return a photo's id and the relative addresses of its two versions."""
    return {
        "id": str(photo.id),
        "url": _media_url(photo, "display"),
        "thumbnail_url": _media_url(photo, "thumb"),
    }
