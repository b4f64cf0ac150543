"""Run by test_fonts.py in a child process: lays out the kiosk's screens and prints where
every visible widget is, as JSON. The child is started once with the machine's fonts and
once with none at all (an empty fontconfig), so the two outputs show whether the layout
depends on anything but the font the kiosk ships.

    python tests/ui/font_probe.py DATA_DIR
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(data_dir: Path) -> int:
    os.environ["QT_QPA_PLATFORM"] = (
        "offscreen:configfile=" + str(Path(__file__).with_name("offscreen-screen.json")))
    sys.path.insert(0, str(ROOT))
    from PySide6.QtWidgets import QApplication, QWidget

    from kiosk.app import build
    from kiosk.config import load_settings
    from kiosk.ui.services import fonts

    app = QApplication(sys.argv[:1])
    family = fonts.load_fonts(app)
    settings = load_settings(data_dir=data_dir, windowed=True, environ={})
    kiosk = build(settings)
    window = kiosk.window
    window.show()
    shots: dict[str, list[object]] = {"family": [family]}
    for name, (size, language, percent) in {
        "es-200-portrait": ((1080, 1920), "es", 200),
        "en-100-landscape": ((1920, 1080), "en", 100),
    }.items():
        window.resize(*size)
        window.present(replace(window.presentation, language=language, text_percent=percent))
        pages = [("attract", window.show_attract), ("topics", window.show_topics)]
        pages += [(s.slug, lambda i=i: window.show_section(i))
                  for i, s in enumerate(window.sections)]
        for page, show in pages:
            show()
            for _ in range(5):
                app.processEvents()
            shots[f"{name}/{page}"] = sorted(
                [type(w).__name__, w.objectName(), *w.geometry().getRect()]
                for w in window.findChildren(QWidget) if w.isVisible())
    kiosk.close()
    window.close()
    sys.stdout.write(json.dumps(shots) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
