"""Screenshots of issue 16's screens into docs/screenshots/ (a sibling of screenshots.py).

    .venv/bin/python scripts/screenshots_pages.py [--out DIR] [--only desk|kiosk]

The desk's Pages view (``desk-pages-*``): the form with its live preview, a problem shown at
its line with Publish off, a picture refused, the preview in portrait at 200% text, and the
history with a version previewed. The kiosk's staff panel (``kiosk-pages-*``, landscape and
portrait): pages from a USB stick checked and their changes listed, and a tampered version
refused. Real widgets on Qt's offscreen platform, throw-away folders, demo keys and PIN.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCREEN = ROOT / "tests" / "ui" / "offscreen-screen.json"
SIZES = {"landscape": (1920, 1080), "portrait": (1080, 1920)}
DEMO_PIN = "246813"
DEMO_PASSPHRASE = "demo passphrase for screenshots"
PAGE = "en/10-the-sciatic-nerve.md"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", default="", choices=("", "desk", "kiosk"))
    args = parser.parse_args()
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={SCREEN}"
    sys.path.insert(0, str(ROOT))

    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from kiosk.ui.services import fonts

    app = QApplication(sys.argv[:1])
    fonts.load_fonts(app)
    args.out.mkdir(parents=True, exist_ok=True)

    def wait_for(done: Callable[[], bool], what: str, timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + timeout_s
        while not done():
            if time.monotonic() > deadline:
                raise TimeoutError(what)
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)

    def save(widget: object, name: str) -> None:
        for _ in range(5):
            app.processEvents()
        path = args.out / f"{name}.png"
        widget.grab().save(str(path), "PNG", 0)  # type: ignore[attr-defined]
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)

    with tempfile.TemporaryDirectory() as temp:
        if args.only in ("", "desk"):
            desk_shots(Path(temp) / "desk", save, wait_for)
        if args.only in ("", "kiosk"):
            kiosk_shots(Path(temp) / "kiosk", save, wait_for)
    return 0


def desk_shots(temp: Path, save: Callable[[object, str], None],
               wait_for: Callable[..., None]) -> None:
    from PySide6.QtGui import QTextCursor

    from kiosk.config import RESOURCES, load_settings
    from kiosk.content.versions import FolderVersionStore
    from kiosk.ui.desk.pages.pages_view import PagesView

    drafts = temp / "drafts"
    shutil.copytree(RESOURCES / "content", drafts)
    settings = load_settings(content_dir=drafts, data_dir=temp / "data", environ={})
    store = FolderVersionStore(temp / "usb" / "kiosk-pages")
    view = PagesView(settings, drafts, store, "Rosa (front desk)", check_pause_ms=50)

    def settled() -> bool:
        return view.settled

    for orientation, size in SIZES.items():
        view.resize(*size)
        view.show()
        wait_for(settled, "the first check")
        save(view, f"desk-pages-{orientation}")

    view.resize(*SIZES["landscape"])
    # Two versions published, the second with a new title, to show in History.
    view.note.setText("first version from the desk")
    view.publish_now()
    wait_for(settled, "publishing")
    view.form.title.setText("The sciatic nerve")
    view.save_now()
    wait_for(settled, "the check")
    view.note.setText("shorter title on the first page")
    view.publish_now()
    wait_for(settled, "publishing")
    view.history.select(1)
    view.history.preview.click()
    view.tabs.setCurrentWidget(view.history)
    save(view, "desk-pages-history")
    view.tabs.setCurrentWidget(view.preview)
    save(view, "desk-pages-version-preview")

    # A link to a page that does not exist, typed at the end: shown at its line.
    edit = view.form.body.edit
    cursor = edit.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    edit.setTextCursor(cursor)
    edit.insertPlainText("\nRead more on [stretches](section:stretches).")
    view.save_now()
    wait_for(settled, "the check")
    save(view, "desk-pages-problem")

    view.preview.portrait.setChecked(True)
    view.preview.larger.setChecked(True)
    save(view, "desk-pages-preview-portrait-200")
    view.preview.landscape.setChecked(True)
    view.preview.normal.setChecked(True)

    bad = temp / "holiday-photo.png"
    bad.write_bytes(b"this is not a picture")
    view.form.take_picture(bad)
    save(view, "desk-pages-picture-refused")
    view.stop()
    view.close()


def kiosk_shots(temp: Path, save: Callable[[object, str], None],
                wait_for: Callable[..., None]) -> None:
    from argon2 import PasswordHasher

    from kiosk.app import build
    from kiosk.config import RESOURCES, load_settings
    from kiosk.content.version_publish import publish_checked
    from kiosk.content.versions import FolderVersionStore
    from kiosk.security import PinGuard
    from kiosk.signups.crypto import MEMLIMIT_FLOOR, OPSLIMIT_FLOOR, create_keys

    content = temp / "content"
    shutil.copytree(RESOURCES / "content", content)
    stick = temp / "media" / "USB" / "kiosk-pages"
    draft = temp / "draft"
    shutil.copytree(RESOURCES / "content", draft)
    page = draft / PAGE
    page.write_text(page.read_text(encoding="utf-8").replace(
        "title: What is the sciatic nerve?", "title: The sciatic nerve", 1), encoding="utf-8")
    (draft / "es" / "99-talk-to-us.md").unlink()
    settings = load_settings(content_dir=content, data_dir=temp / "data", windowed=True,
                             environ={}).with_overrides(usb_pages=(str(stick),),
                                                        reload_settle_ms=0)
    publish_checked(draft, load_settings(content_dir=draft, data_dir=temp / "d2", environ={}),
                    FolderVersionStore(stick), author="Rosa", note="shorter first title")
    create_keys(settings.keys_file, DEMO_PASSPHRASE, opslimit=OPSLIMIT_FLOOR,
                memlimit=MEMLIMIT_FLOOR)
    PinGuard(settings.pin_file, hasher=PasswordHasher(time_cost=1, memory_cost=8,
                                                      parallelism=1)).set_pin(DEMO_PIN)
    kiosk = build(settings)
    window = kiosk.window
    window.show()

    def open_pages() -> None:
        window.show_staff()
        window.staff.pin.type_pin(DEMO_PIN)
        wait_for(lambda: not window.staff.checking.busy, "the PIN check")
        window.staff.passphrase.edit.setText(DEMO_PASSPHRASE)
        window.staff.passphrase.edit.returnPressed.emit()
        wait_for(lambda: not window.staff.checking.busy, "the passphrase check")
        window.staff.signups.pages.click()

    for orientation, size in SIZES.items():
        window.resize(*size)
        open_pages()
        screen = window.staff.pages
        assert screen is not None
        screen.load.click()
        wait_for(lambda s=screen: not s.working.busy, "the USB check")
        save(window, f"kiosk-pages-usb-load-{orientation}")
        screen.cancel.click()
        window.staff.lock()

    # The stick's version tampered with after it was published: refused, nothing changes.
    tampered = FolderVersionStore(stick).files_of(1) / PAGE
    tampered.chmod(0o644)
    tampered.write_text(tampered.read_text(encoding="utf-8") + "\nAdded later.\n",
                        encoding="utf-8")
    for orientation, size in SIZES.items():
        window.resize(*size)
        open_pages()
        screen = window.staff.pages
        assert screen is not None
        screen.load.click()
        wait_for(lambda s=screen: not s.working.busy, "the USB check")
        save(window, f"kiosk-pages-refused-{orientation}")
        window.staff.lock()
    kiosk.close()
    window.allow_close()
    window.close()


if __name__ == "__main__":
    sys.exit(main())
