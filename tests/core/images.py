"""Make test images in memory: every accepted format, metadata, damage and pixel bombs."""

from __future__ import annotations

import io
import struct
import zlib

import pillow_heif
from PIL import ExifTags, Image, ImageCms
from werkzeug.datastructures import FileStorage

pillow_heif.register_heif_opener()

RED = (220, 20, 20)
BLUE = (20, 20, 220)


def two_colours(width: int = 300, height: int = 200, mode: str = "RGB") -> Image.Image:
    """A picture whose left half is red and right half blue, so turning it shows."""
    image = Image.new("RGB", (width, height), BLUE)
    image.paste(RED, (0, 0, width // 2, height))
    return image.convert(mode)


def phone_exif(orientation: int | None = None) -> Image.Exif:
    """EXIF as a phone writes it: maker, model, time and a GPS position in Gouda."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Phonemaker"
    exif[ExifTags.Base.Model] = "Phone 12"
    exif[ExifTags.Base.DateTime] = "2026:11:24 10:00:00"
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 0.0, 50.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (4.0, 42.0, 30.0)
    return exif


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    """Save an image to bytes in the given Pillow format."""
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def jpeg(width: int = 300, height: int = 200, *, orientation: int | None = None, **options):
    """A JPEG with phone EXIF (GPS included)."""
    exif = phone_exif(orientation)
    return encode(two_colours(width, height), "JPEG", quality=90, exif=exif, **options)


def png(width: int = 300, height: int = 200, *, mode: str = "RGB", **options) -> bytes:
    """A PNG (mode RGBA for transparency)."""
    return encode(two_colours(width, height, mode), "PNG", **options)


def webp(width: int = 300, height: int = 200, **options) -> bytes:
    """A WebP with phone EXIF."""
    return encode(two_colours(width, height), "WEBP", exif=phone_exif(), **options)


def heic(width: int = 300, height: int = 200, *, orientation: int | None = None) -> bytes:
    """A HEIC as iPhones make them (pillow-heif), with phone EXIF."""
    exif = phone_exif(orientation).tobytes()
    return encode(two_colours(width, height), "HEIF", quality=80, exif=exif)


def srgb_icc() -> bytes:
    """The bytes of an sRGB ICC profile, to embed."""
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims width x height pixels but holds almost no data (a pixel bomb)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 16)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", idat)
        + _chunk(b"IEND", b"")
    )


def colour_at(data: bytes, x: float, y: float) -> tuple[int, ...]:
    """The colour at a relative position (0..1) of an encoded image."""
    with Image.open(io.BytesIO(data)) as image:
        rgb = image.convert("RGB")
        return rgb.getpixel((int(x * (rgb.width - 1)), int(y * (rgb.height - 1))))


def looks_like(colour: tuple[int, ...], expected: tuple[int, int, int]) -> bool:
    """Tell whether two colours are the same give or take JPEG's rounding."""
    return all(abs(a - b) < 40 for a, b in zip(colour, expected, strict=False))


def files(*payloads: bytes, name: str = "photo.jpg", mimetype: str = "image/jpeg"):
    """Wrap payloads as uploaded files, as request.files.getlist() gives them."""
    return [FileStorage(io.BytesIO(p), filename=name, content_type=mimetype) for p in payloads]


def size_of(data: bytes) -> tuple[int, int]:
    """Width and height of an encoded image."""
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def metadata_free(data: bytes) -> bool:
    """Tell whether an encoded image carries no EXIF, ICC, XMP or comment."""
    with Image.open(io.BytesIO(data)) as image:
        keys = set(image.info) & {"exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment"}
        return not keys and not image.getexif() and b"Exif\x00\x00" not in data
