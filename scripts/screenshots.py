"""Regenerate docs/screenshots/: every screen of the kiosk, landscape and portrait.

    .venv/bin/python scripts/screenshots.py [--content DIR] [--out DIR]

Runs on Qt's offscreen platform (no display needed) with the real window and content.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCREEN = ROOT / "tests" / "ui" / "offscreen-screen.json"
SIZES = {"landscape": (1920, 1080), "portrait": (1080, 1920)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, help="content folder (default: the shipped one)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={SCREEN}"

    from PySide6.QtWidgets import QApplication

    from kiosk.config import I18N_DIR, load_settings
    from kiosk.content.last_good import load_live
    from kiosk.i18n import load_strings
    from kiosk.ui.window import KioskWindow

    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as data:
        settings = load_settings(content_dir=args.content, data_dir=Path(data), windowed=True,
                                 environ={})
        result = load_live(settings)
        if not result.ok or result.content is None:
            for problem in result.problems:
                print(problem, file=sys.stderr)
            return 1
        args.out.mkdir(parents=True, exist_ok=True)
        window = KioskWindow(settings, load_strings(I18N_DIR, settings.default_language),
                             result.content)
        window.show()
        shots = [("00-attract", window.show_attract), ("99-all-topics", window.show_topics)]
        shots += [(f"{i + 1:02d}-{s.slug}", lambda i=i: window.show_section(i))
                  for i, s in enumerate(window.sections)]
        for orientation, size in SIZES.items():
            window.resize(*size)
            for name, show in shots:
                show()
                app.processEvents()
                path = args.out / f"{orientation}-{name}.png"
                window.grab().save(str(path))
                print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
