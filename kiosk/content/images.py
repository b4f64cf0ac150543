"""Check that an illustration exists and can be decoded, without Qt and without full decoding.

Raster files are opened with Pillow, which reads the header and decodes a reduced-size draft
(JPEG) or checks chunk checksums (PNG); SVG is parsed with defusedxml so a hostile file cannot
expand entities, and must not be too complex to draw (see svg.py). The kiosk itself decodes
pictures with Qt, scaled to the screen, on the screen's thread: a PNG is decoded in full
first (a 49-megapixel one took 0.55 s here, against 0.19 s for a JPEG of the same size, which
Qt decodes scaled down), hence the lower limit for PNG.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from PIL import Image, UnidentifiedImageError

from kiosk.content.svg import drawing_problem

# The formats the kiosk shows, as Pillow names what it finds in the file (it calls a camera's
# JPEG with a preview picture inside "MPO"). The name is not trusted: Qt picks its decoder
# from the bytes, so a GIF or TIFF called .png would be decoded in full by a plugin the pixel
# limits below never covered. A PNG called .jpg is still a PNG, and limited as one.
FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
RASTER_SUFFIXES = set(FORMATS)
SUFFIXES = RASTER_SUFFIXES | {".svg"}
# Pixel limits per real format; every format the kiosk accepts has one.
MAX_MEGAPIXELS = 50
MAX_PNG_MEGAPIXELS = 16
MEGAPIXEL_LIMITS = {"JPEG": MAX_MEGAPIXELS, "MPO": MAX_MEGAPIXELS, "PNG": MAX_PNG_MEGAPIXELS}
MAX_SVG_BYTES = 2 * 1024 * 1024
MAX_RASTER_BYTES = 40 * 1024 * 1024


def _check_svg(path: Path) -> str | None:
    if path.stat().st_size > MAX_SVG_BYTES:
        return f"the drawing '{path.name}' is over {MAX_SVG_BYTES // 1024 // 1024} MB; simplify it"
    try:
        root = SafeET.parse(path).getroot()
    except (SafeET.ParseError, DefusedXmlException) as e:
        return f"the drawing '{path.name}' is not a valid SVG file ({e})"
    if root is None or not root.tag.endswith("svg"):
        return f"'{path.name}' is not an SVG drawing"
    return drawing_problem(path.name, root, _embedded_picture_problem)


def _embedded_picture_problem(name: str, data: bytes) -> str | None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                return _size_problem(f"the picture inside the drawing '{name}'", image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            return f"the picture inside the drawing '{name}' is far too large"
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            return f"the drawing '{name}' has a picture inside it that cannot be read"


def _size_problem(what: str, image: Image.Image) -> str | None:
    width, height = image.size
    limit = MEGAPIXEL_LIMITS.get(image.format or "")
    if limit is None:
        return (f"{what} is a {image.format or 'unknown'} file; the kiosk shows PNG and JPEG "
                "pictures only (save it again as one of those)")
    if width * height <= limit * 1_000_000:
        return None
    if image.format == "PNG":
        return (f"{what} is a PNG of {width}x{height} pixels; keep PNG pictures under "
                f"{MAX_PNG_MEGAPIXELS} megapixels (save it smaller, or save a photo as JPEG)")
    return f"{what} is {width}x{height} pixels; keep photos under {limit} megapixels"


def _format_problem(path: Path, image: Image.Image) -> str | None:
    if image.format in MEGAPIXEL_LIMITS:
        return None
    return (f"the picture '{path.name}' is really a {image.format or 'unknown'} file, not "
            f"{FORMATS[path.suffix.lower()]} as its name says; the kiosk shows PNG and JPEG "
            "pictures only, so save it again as one of those")


def _check_raster(path: Path) -> str | None:
    if path.stat().st_size > MAX_RASTER_BYTES:
        return (f"the picture '{path.name}' is over {MAX_RASTER_BYTES // 1024 // 1024} MB; "
                "save a smaller copy")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as image:
                wrong = _format_problem(path, image)
                if wrong:
                    return wrong
                too_big = _size_problem(f"the picture '{path.name}'", image)
                if too_big:
                    return too_big
                width, height = image.size
                if image.format in ("JPEG", "MPO"):
                    image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                    image.load()
                else:
                    image.verify()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            return f"the picture '{path.name}' is far too large; save a smaller copy"
        except UnidentifiedImageError:
            return f"'{path.name}' is not a picture the kiosk can show (use SVG, PNG or JPEG)"
        except (OSError, SyntaxError, ValueError) as e:
            return f"the picture '{path.name}' is damaged or cut short ({e})"
    return None


def check_image(path: Path) -> str | None:
    """Return why ``path`` cannot be shown, or None when it can."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        return f"'{path.name}' is not SVG, PNG or JPEG"
    try:
        if not path.is_file():
            return f"the picture '{path.name}' is not in the images folder"
        return _check_svg(path) if suffix == ".svg" else _check_raster(path)
    except OSError as e:
        return f"cannot read the picture '{path.name}': {e.strerror}"
