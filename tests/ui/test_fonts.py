"""The kiosk draws with the font it ships, whatever fonts the machine has (issue 19, §3)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QFont, QRawFont
from PySide6.QtWidgets import QAbstractButton, QLabel

from kiosk.config import I18N_DIR
from kiosk.content.loader import load_content
from kiosk.i18n import load_translations
from kiosk.ui.services import fonts
from tests.conftest import REAL_CONTENT

PROBE = Path(__file__).with_name("font_probe.py")
# Characters the font need not draw: spaces and line breaks.
BLANK = set(" \n\t\u00a0")


def _probe(data_dir: Path, environ: dict[str, str]) -> dict[str, object]:
    done = subprocess.run([sys.executable, str(PROBE), str(data_dir)], env=environ,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def test_screens_are_laid_out_the_same_without_any_system_font(tmp_path):
    """The layout of every section, the start screen and the topics, at 200% Spanish in
    portrait (the tightest) and normal English in landscape, with the machine's fonts and
    with an empty fontconfig (no font at all but the kiosk's own)."""
    no_fonts = tmp_path / "fonts.conf"
    no_fonts.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n",
        encoding="utf-8")
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "FONTCONFIG"))}
    environ["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    with_system = _probe(tmp_path / "a", environ)
    without = _probe(tmp_path / "b", {**environ, "FONTCONFIG_FILE": str(no_fonts)})
    assert with_system["family"] == [fonts.FAMILY]
    differ = [page for page in with_system if with_system[page] != without.get(page)]
    assert differ == []


def test_the_font_draws_every_character_the_kiosk_shows(qapp, make_window):
    font = QRawFont.fromFont(QFont(fonts.FAMILY))
    assert font.familyName() == fonts.FAMILY
    texts: list[str] = []
    for strings in load_translations(I18N_DIR, ("en", "es")).values():
        texts += strings.values()
    content = load_content(REAL_CONTENT, ("en", "es"), "en").content
    assert content is not None
    for language in ("en", "es"):
        for section in content.sections(language):
            texts += [section.title, section.image_alt, section.html]
    # And what the widgets put around the words (arrows on Back and Next, "A+", "Aa").
    window = make_window()
    for show in (window.show_attract, lambda: window.show_section(0), window.show_topics):
        show()
        texts += [w.text() for kind in (QLabel, QAbstractButton)
                  for w in window.findChildren(kind) if w.isVisible()]
    missing = sorted({ch for text in texts for ch in text
                      if ch not in BLANK and not font.supportsCharacter(ord(ch))})
    assert missing == []
