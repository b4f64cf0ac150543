"""Regenerate docs/screenshots/: every screen of the kiosk, landscape and portrait.

    .venv/bin/python scripts/screenshots.py [--content DIR] [--out DIR] [--only PREFIX]

Each screen in every configured language at normal and 200% text, and in high contrast:
``landscape-00-attract.png`` is the default language at normal text, ``es-200-portrait-...``
Spanish at 200%, ``contrast-landscape-...`` the high-contrast colours.

Runs the real window (built by ``kiosk.app.build``) on Qt's offscreen platform, with a
throw-away data folder holding demo keys, PIN, one made-up sign-up and one entry that does
not open with the clinic's key, so the form, the keyboard, the thank-you page and the staff
panel (with its "could not be read" row) can be shown too.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCREEN = ROOT / "tests" / "ui" / "offscreen-screen.json"
SINK = ROOT / "tests" / "wav_sink.py"
SIZES = {"landscape": (1920, 1080), "portrait": (1080, 1920)}
# High contrast: the start screen, one section, the urgent page, topics, the form with its
# keyboard and errors, the thank-you page.
CONTRAST_SHOTS = ("00", "03", "09", "90", "92", "93", "94", "97")
DEMO_PIN = "246813"
# Paints before a screen's pictures must all be drawn for their final size.
SETTLE_TRIES = 6
DEMO_PASSPHRASE = "demo passphrase for screenshots"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, help="content folder (default: the shipped one)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", default="", help="only the variant with this prefix, e.g. es-200")
    args = parser.parse_args()
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={SCREEN}"
    sys.path.insert(0, str(ROOT))

    from argon2 import PasswordHasher
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from kiosk.app import build
    from kiosk.config import RESOURCES, load_settings
    from kiosk.security import PinGuard
    from kiosk.session import Presentation
    from kiosk.signups.crypto import MEMLIMIT_FLOOR, OPSLIMIT_FLOOR, create_keys
    from kiosk.signups.entry import Signup
    from kiosk.take_home import TakeHomeConfig
    from kiosk.ui.services import fonts, pictures

    app = QApplication(sys.argv[:1])
    fonts.load_fonts(app)
    with tempfile.TemporaryDirectory() as data:
        # Take home (issue 17) as a clinic would switch it on: a demo domain, phone and
        # address, and the second page pointing at the clinic's page on its topic.
        content = Path(data) / "content"
        shutil.copytree(args.content or RESOURCES / "content", content)
        for language in ("en", "es"):
            for page in sorted((content / language).glob("20-*.md"))[:1]:
                text = page.read_text(encoding="utf-8")
                page.write_text(text.replace(
                    "\norder:", f"\nmore_info: https://www.example-clinic.com/{language}/"
                    f"{page.stem[3:]}\norder:", 1), encoding="utf-8")
        settings = load_settings(content_dir=content, data_dir=Path(data), windowed=True,
                                 environ={})
        settings = settings.with_overrides(take_home=TakeHomeConfig(
            enabled=True, domains=("example-clinic.com",), phone="+1 202 555 0143",
            address="12 Elm Street, Springfield"))
        # The Listen button shows only with a sound output: here its sound goes to a stand-in
        # that takes as long as a sound card, so "Stop" and the highlight can be shown.
        speech = replace(settings.speech, player=(sys.executable, str(SINK), os.devnull,
                                                  "--paced"))
        # The content was written a moment ago: start-up must take it, not wait for it to
        # settle (it would show the shipped pages, without the take-home address).
        settings = settings.with_overrides(export_dir=Path(data) / "usb", speech=speech,
                                           reload_settle_ms=0)
        create_keys(settings.keys_file, DEMO_PASSPHRASE,
                    opslimit=OPSLIMIT_FLOOR,
                    memlimit=MEMLIMIT_FLOOR)
        PinGuard(settings.pin_file, hasher=PasswordHasher(time_cost=1, memory_cost=8,
                                                          parallelism=1)).set_pin(DEMO_PIN)
        kiosk = build(settings)
        window = kiosk.window
        if not window.sections:
            print("the content has errors; run 'kiosk check' first", file=sys.stderr)
            return 1
        service = window.services.signups
        assert service is not None
        service.submit(Signup(name="Zoë Peña-Núñez (example)", phone="+12025550143",
                              email="zoe@example.com", contact_time="afternoon",
                              note="Left leg, since March", consent_version="en-2026-11-1"))
        # Sealed to no key at all: the panel lists it as "could not be read".
        service.store.add(b"not sealed to the clinic's key" * 8, "en-2026-11-1")
        window.show()
        args.out.mkdir(parents=True, exist_ok=True)

        def wait_for(done: Callable[[], bool], timeout_s: float = 30.0,
                     what: str = "the staff panel did not answer") -> None:
            """Let the event loop run until ``done()`` (PySide6's QTest has no qWaitFor)."""
            deadline = time.monotonic() + timeout_s
            while not done():
                if time.monotonic() > deadline:
                    raise TimeoutError(what)
                app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)

        def form_with_keyboard() -> None:
            window.show_signup()
            window.form.edits["name"].setText("Zoë Peña-Núñez")
            window.form.edits["name"].setFocus()

        def form_with_error() -> None:
            window.show_signup()
            window.form.edits["name"].setText("Zoë Peña-Núñez")
            window.form.edits["email"].setText("zoe@")
            window.form.submit()

        def staff_list() -> None:
            window.show_staff()
            # Both checks run on a worker thread: wait for each answer.
            window.staff.pin.type_pin(DEMO_PIN)
            wait_for(lambda: not window.staff.checking.busy)
            window.staff.passphrase.edit.setText(DEMO_PASSPHRASE)
            window.staff.passphrase.edit.returnPressed.emit()
            wait_for(lambda: not window.staff.checking.busy)
            if not window.staff.unlocked:
                raise RuntimeError("the demo PIN and passphrase did not open the staff panel")
            # A row selected, as when staff are about to mark it contacted: the made-up one.
            window.staff.signups.list.setCurrentRow(window.staff.signups.list.count() - 1)

        def pin_typed() -> None:
            window.show_staff()
            for digit in DEMO_PIN[:4]:
                window.staff.pin.keys[digit].click()

        def pin_opening() -> None:
            # What the pad shows while a worker checks the PIN (OK has emptied the dots); the
            # check itself is too quick to catch on screen, so the shot sets that state directly.
            window.show_staff()
            window.staff.pin.set_busy(True)

        def still_there() -> None:
            window.show_section(0)
            window.idle.warn_now()

        def reading_options() -> None:
            window.show_section(0)
            window.header.access.more.setChecked(True)

        def listen_playing() -> None:
            window.show_section(1)
            button = window.section_pages[1].listen
            assert button is not None
            button.click()
            # The second paragraph highlighted: the title has been read, the text is.
            wait_for(lambda: getattr(button, "highlighted", None) == 2, 20.0,
                     "Listen did not reach the second paragraph")

        shots: list[tuple[str, Callable[[], object]]] = [
            ("00-attract", window.show_attract),
            *[(f"{i + 1:02d}-{s.slug}", lambda i=i: window.show_section(i))
              for i, s in enumerate(window.sections)],
            ("90-all-topics", window.show_topics),
            ("91-signup-form", window.show_signup),
            ("92-signup-keyboard", form_with_keyboard),
            ("93-signup-error", form_with_error),
            ("94-thank-you", window.show_thanks),
            ("95-staff-pin", pin_typed),
            ("95-staff-pin-opening", pin_opening),
            ("96-staff-list", staff_list),
            ("97-still-there", still_there),
            # Larger text: the header's "Aa" opened (at normal text the three show anyway).
            ("98-reading-options", reading_options),
            ("99-listen-playing", listen_playing),
        ]
        default = Presentation.default(settings)
        variants = {"": default, "contrast-": replace(default, high_contrast=True)}
        for language in settings.languages:
            for percent in (100, 200):
                prefix = "" if (language, percent) == (default.language, 100) else (
                    f"{language}-{percent}-")
                variants[prefix] = replace(default, language=language, text_percent=percent)
        for prefix, presentation in variants.items():
            if args.only and not prefix.startswith(args.only):
                continue
            for orientation, size in SIZES.items():
                window.resize(*size)
                window.present(presentation)
                for name, show in shots:
                    if prefix == "contrast-" and name[:2] not in CONTRAST_SHOTS:
                        continue
                    if name.startswith("98-") and not window.header.folded:
                        continue
                    window.reset_signup()
                    if window.services.speaker is not None:
                        window.services.speaker.stop()
                    show()
                    # A paint starts drawing this screen's pictures on workers, at the size
                    # each has then; a picture not ready at once keeps its last (other-sized)
                    # drawing until it is. The layout may still move a picture after the
                    # first paint, so the shot is the first grab that started no drawing:
                    # every picture in it is drawn for the size it has.
                    for _attempt in range(SETTLE_TRIES):
                        for _ in range(3):
                            app.processEvents()
                        shot = window.grab()
                        pending = [p for p in window.findChildren(pictures.BackgroundPicture)
                                   if p.pending]
                        if not pending:
                            break
                        for picture in pending:
                            picture.wait()
                    else:
                        print(f"{prefix}{orientation}-{name}: the pictures did not settle "
                              f"in {SETTLE_TRIES} paints", file=sys.stderr)
                        return 1
                    if (window.width(), window.height()) != size:
                        print(f"{prefix}{orientation}-{name}: the window is "
                              f"{window.width()}x{window.height()}, not the screen's "
                              f"{size[0]}x{size[1]}", file=sys.stderr)
                        return 1
                    path = args.out / f"{prefix}{orientation}-{name}.png"
                    shot.save(str(path), "PNG", 0)  # 0: smallest file, same pixels
                    print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
                window.staff.lock()
                window.present(default)
                # Let the layout settle at normal text first: until it does, the window keeps
                # the last minimum size (at 200% text in landscape, wider than a portrait
                # screen), and the next resize would stop there.
                app.processEvents()
        kiosk.close()
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
