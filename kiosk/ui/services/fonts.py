"""The kiosk's own typeface, so every machine draws the same words in the same space.

Without it Qt takes whatever fontconfig offers: with Debian's fonts-noto-core the pages fit,
with only DejaVu Sans (wider) a 200% Spanish button needed 1084 px in a 1000 px slot. Atkinson
Hyperlegible (Braille Institute, SIL Open Font License 1.1, see resources/fonts/OFL.txt) was
drawn for low-vision readers: letters that are easy to tell apart (I l 1, 0 O) and it covers
Spanish (á é í ó ú ñ ü ¿ ¡).
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from kiosk.config import RESOURCES

log = logging.getLogger(__name__)

FONT_DIR = RESOURCES / "fonts"
FAMILY = "Atkinson Hyperlegible"


def load_fonts(app: QApplication) -> str:
    """Register the shipped font files and make them the application's font.

    Returns the family in use; if the files are missing (a broken install) the system's
    font stays and the reason is logged: the kiosk still works, only less predictably.
    """
    families: set[str] = set()
    for path in sorted(FONT_DIR.glob("*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.error("could not load the font %s", path.name)
            continue
        families.update(QFontDatabase.applicationFontFamilies(font_id))
    if FAMILY not in families:
        log.error("the kiosk's font is missing from %s; using the system's", FONT_DIR)
        return app.font().family()
    font = QFont(FAMILY)
    font.setStyleHint(QFont.StyleHint.SansSerif)
    # Hinting snaps letters to whole pixels in the way the machine's fontconfig says, which
    # moved words by a pixel or two between machines; the font's own widths are the same
    # everywhere (and at these sizes hinting adds nothing a reader can see).
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    app.setFont(font)
    return FAMILY
