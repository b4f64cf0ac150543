"""Check that an illustration exists and can be decoded, without Qt and without full decoding.

Raster files are opened with Pillow, which reads the header and decodes a reduced-size draft
(JPEG) or checks chunk checksums (PNG); SVG is parsed with defusedxml so a hostile file cannot
expand entities. The kiosk itself decodes pictures with Qt, scaled to the screen.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from PIL import Image, UnidentifiedImageError

RASTER_SUFFIXES = {".png", ".jpg", ".jpeg"}
SUFFIXES = RASTER_SUFFIXES | {".svg"}
MAX_MEGAPIXELS = 50
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
    return None


def _check_raster(path: Path) -> str | None:
    if path.stat().st_size > MAX_RASTER_BYTES:
        return (f"the picture '{path.name}' is over {MAX_RASTER_BYTES // 1024 // 1024} MB; "
                "save a smaller copy")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as image:
                width, height = image.size
                if width * height > MAX_MEGAPIXELS * 1_000_000:
                    return (f"the picture '{path.name}' is {width}x{height} pixels; keep photos "
                            f"under {MAX_MEGAPIXELS} megapixels")
                if image.format == "JPEG":
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
