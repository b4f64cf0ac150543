"""Screenshots of the front-desk app into docs/screenshots/: locked, the list, a new arrival,
the kiosks' status, and the server-down banner, at 1920x1080 and 1080x1920.

    .venv/bin/python scripts/desk_screenshots.py [--out DIR] [--only landscape|portrait]

Runs the real desk window (built by ``kiosk.desk_app.build_desk``) on Qt's offscreen
platform against a real, throw-away PostgreSQL (Debian's, as the tests start it), with
made-up sign-ups sent through the kiosk role and made-up heartbeats.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCREEN = ROOT / "tests" / "ui" / "offscreen-screen.json"
SIZES = {"landscape": (1920, 1080), "portrait": (1080, 1920)}
PASSPHRASE = "demo passphrase for screenshots"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", default="", help="landscape or portrait")
    args = parser.parse_args()
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={SCREEN}"
    sys.path.insert(0, str(ROOT))

    import nacl.public
    import psycopg
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from kiosk.config import load_settings
    from kiosk.desk_app import DeskOptions, build_desk
    from kiosk.server.config import ServerConfig
    from kiosk.server.kiosk_link import Heartbeat, KioskLink
    from kiosk.signups import crypto
    from kiosk.signups.entry import Signup
    from kiosk.ui.desk.window import DeskWindow
    from kiosk.ui.services import fonts
    from tests.postgres import PostgresServer, find_bin_dir

    bin_dir = find_bin_dir()
    if bin_dir is None:
        print("error: PostgreSQL's server is not installed (apt-get install postgresql)",
              file=sys.stderr)
        return 1
    app = QApplication(sys.argv[:1])
    fonts.load_fonts(app)
    server = PostgresServer.start_new(bin_dir)
    args.out.mkdir(parents=True, exist_ok=True)

    def wait_for(done: Callable[[], bool], timeout_s: float = 30.0) -> None:
        deadline = time.monotonic() + timeout_s
        while not done():
            if time.monotonic() > deadline:
                raise TimeoutError("the desk did not get there in time")
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)

    def signup(name: str, phone: str = "", email: str = "", note: str = "",
               language: str = "en", time_: str = "morning") -> Signup:
        return Signup(name=name, phone=phone, email=email, contact_time=time_, note=note,
                      consent_version="consent-2026-01", language=language)

    now = datetime.now(UTC)
    people = [
        (signup("Marta Ruiz", phone="+12025550111", note="Dolor en la pierna izquierda",
                language="es", time_="afternoon"), "Waiting room", 26 * 60),
        (signup("Sam Okafor", email="sam.okafor@example.org", time_="evening"), "Hall",
         5 * 60),
        (signup("Zoë Quinn", phone="+12025550176", email="zoe@example.org",
                note="Prefers text messages"), "Waiting room", 95),
        (signup("Ana Peña", phone="+442079460958", note="Visiting from London",
                language="es"), "Hall", 30),
    ]
    try:
        for orientation, size in SIZES.items():
            if args.only and args.only != orientation:
                continue
            clinic = server.fresh_clinic()
            with tempfile.TemporaryDirectory() as data:
                settings = load_settings(data_dir=Path(data), windowed=True, environ={})
                crypto.create_keys(settings.keys_file, PASSPHRASE,
                                   opslimit=crypto.OPSLIMIT_FLOOR,
                                   memlimit=crypto.MEMLIMIT_FLOOR)
                public = crypto.load_public_key(settings.keys_file)
                links = {name: KioskLink(ServerConfig(conninfo=clinic.kiosk_conninfo,
                                                      kiosk_name=name))
                         for name in ("Waiting room", "Hall", "Upstairs")}

                def send(s: Signup, kiosk: str, minutes_ago: int,
                         links: dict[str, KioskLink] = links,
                         public: nacl.public.PublicKey = public) -> uuid.UUID:
                    entry = uuid.uuid4()
                    links[kiosk].send(entry, crypto.seal(public, s.to_json()),
                                      now - timedelta(minutes=minutes_ago), s.consent_version)
                    return entry

                first = send(*people[0])
                for person in people[1:3]:
                    send(*person)
                with psycopg.connect(clinic.admin_conninfo) as conn:
                    conn.execute("UPDATE entries SET contacted_at = now() - interval "
                                  "'20 hours' WHERE id = %s", (first,))
                    conn.execute(
                        "INSERT INTO heartbeats (kiosk, at, program_version, content_version,"
                        " waiting, last_error) VALUES ('Upstairs', now() - interval "
                        "'3 hours', '0.1.0', 'pages-12', 0, NULL)")
                links["Waiting room"].heartbeat(Heartbeat("0.1.0", "pages-12", 0))
                links["Hall"].heartbeat(Heartbeat("0.1.0", "pages-12", 2,
                                                  "ServerUnavailable"))
                with psycopg.connect(clinic.admin_conninfo) as conn:
                    # The Hall kiosk has held two sign-ups for a while (a blocked network).
                    conn.execute("UPDATE heartbeats SET at = at - interval '1 hour' "
                                 "WHERE kiosk = 'Hall' AND waiting = 0")
                desk = build_desk(settings, DeskOptions(
                    conninfo=clinic.desk_conninfo, desk_user="screenshots",
                    key_cost=crypto.FLOOR_COST, tick_ms=20), app)
                window = desk.window
                window.resize(*size)
                window.show()
                desk.link.start()

                def shot(name: str, orientation: str = orientation,
                         window: DeskWindow = window) -> None:
                    app.processEvents()
                    path = args.out / f"desk-{orientation}-{name}.png"
                    window.grab().save(str(path))
                    print(path)

                shot("01-locked")
                window.lock_view.passphrase.setText(PASSPHRASE)
                window.lock_view.button.click()
                wait_for(lambda w=window: w.is_unlocked and w.signups.table.rowCount() == 3)
                shot("02-list")
                send(*people[3])
                wait_for(lambda w=window: w.signups.notice.isVisible())
                shot("03-new-arrival")
                window.tabs.setCurrentWidget(window.kiosks)
                wait_for(lambda w=window: w.kiosks.table.rowCount() == 3)
                shot("04-kiosks")
                window.tabs.setCurrentWidget(window.signups)
                window.signups.acknowledge()
                for link in links.values():
                    link.close()
                server.stop()
                wait_for(lambda w=window: w.banner.isVisible())
                shot("05-server-down")
                server.start()
                wait_for(lambda w=window: not w.banner.isVisible())
                window.lock("screenshots")
                desk.close(app)
                window.close()
                window.deleteLater()
    finally:
        server.destroy()
    return 0


if __name__ == "__main__":
    sys.exit(main())
