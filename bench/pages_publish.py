"""Publish to shown: a page version published at the desk until two kiosks have checked it
and swapped it into their content folders, against the server's NOTIFY reaching a bare
LISTEN connection in the same run.

    .venv/bin/python bench/pages_publish.py [--quick] [--publishes N] [--json FILE]

The server is a real PostgreSQL from Debian's binaries (tests/postgres.py), fsync on, over
TCP to 127.0.0.1. The desk publishes with ``publish_checked`` into ``PgVersionStore`` (the
full check first, as the desk's Publish button does). Each kiosk is a thread doing what the
kiosk's ``PagesFollower`` does: LISTEN ``kiosk_pages``, then ``KioskPages.follow``
(download, every sha256, the full `kiosk check`, the renameat2 swap), each kiosk with its
own content and data folders. Publishes alternate between two titles so each is new. The
baseline is a third, bare psycopg connection LISTENing on the same channel: the time until
the notification arrives (both clocks start before the desk's own check and insert).
Figures are p50 and p99 over every publish and both kiosks.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from _common import BUNDLED_CONTENT, ROOT, Row, emit, median, parser, percentile

PAGE = "en/10-the-sciatic-nerve.md"
WAIT_S = 60.0


def main() -> int:
    args_parser = parser(__doc__)
    args_parser.add_argument("--publishes", type=int, default=50)
    args = args_parser.parse_args()
    publishes = 3 if args.quick else args.publishes
    sys.path.insert(0, str(ROOT))

    import psycopg

    from kiosk.config import load_settings
    from kiosk.content.kiosk_pages import KioskPages
    from kiosk.content.version_publish import publish_checked
    from kiosk.server.errors import ServerUnavailable
    from kiosk.server.page_versions import PgVersionStore
    from kiosk.server.schema import PAGES_CHANNEL
    from tests.postgres import PostgresServer, find_bin_dir

    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise SystemExit("PostgreSQL's server is not installed: apt-get install postgresql")
    server = PostgresServer.start_new(bin_dir, durable=True)
    shown_ms: list[float] = []
    notified_ms: list[float] = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-pages-") as scratch:
            base = Path(scratch)
            clinic = server.fresh_clinic()

            def conninfo(role: str, password: str) -> str:
                return server.conninfo(role, password, dbname=clinic.dbname, tcp=True)

            drafts = []
            for number in range(2):
                draft = base / f"draft{number}"
                shutil.copytree(BUNDLED_CONTENT, draft)
                page = draft / PAGE
                page.write_text(page.read_text(encoding="utf-8").replace(
                    "title: What is the sciatic nerve?", f"title: Version {number}", 1),
                    encoding="utf-8")
                drafts.append(draft)

            def settings_for(content: Path, data: Path):  # type: ignore[no-untyped-def]
                return load_settings(content_dir=content, data_dir=data, environ={}
                                     ).with_overrides(cache_dir=base / "cache")

            desk_settings = [settings_for(d, base / "desk-data") for d in drafts]
            desk = PgVersionStore(conninfo(clinic.desk_role, clinic.desk_password))
            stop = threading.Event()
            shown_at: list[dict[str, float]] = []
            kiosks = []
            for number in range(2):
                content = base / f"kiosk{number}" / "content"
                shutil.copytree(BUNDLED_CONTENT, content)
                pages = KioskPages(settings_for(content, base / f"kiosk{number}" / "data"))
                store = PgVersionStore(conninfo(clinic.kiosk_role, clinic.kiosk_password))
                seen: dict[str, float] = {}
                shown_at.append(seen)

                def follow(pages=pages, store=store, seen=seen) -> None:  # type: ignore[no-untyped-def]
                    while not stop.is_set():
                        done = pages.follow(store)
                        if done.shown is not None:
                            seen[done.shown.digest] = time.perf_counter()
                        if done.refused:
                            raise SystemExit(f"a kiosk refused a version: {done.refused}")
                        try:
                            store.wait_for_change(0.5)
                        except ServerUnavailable:
                            if stop.is_set():  # closed at the end of the run
                                return
                            raise

                thread = threading.Thread(target=follow, daemon=True)
                thread.start()
                kiosks.append((thread, store))
            listener = psycopg.connect(conninfo(clinic.kiosk_role, clinic.kiosk_password),
                                       autocommit=True)
            listener.execute(f"LISTEN {PAGES_CHANNEL}")

            for n in range(publishes + 1):  # the first publish warms the drawing cache
                which = n % 2
                start = time.perf_counter()
                done = publish_checked(drafts[which], desk_settings[which], desk,
                                       author="bench", note=f"publish {n}")
                assert done.version is not None, [str(p) for p in done.result.errors]
                for _ in listener.notifies(timeout=WAIT_S, stop_after=1):
                    notified = time.perf_counter()
                digest = done.version.digest
                deadline = time.monotonic() + WAIT_S
                while not all(digest in seen for seen in shown_at):
                    if time.monotonic() > deadline:
                        raise SystemExit(f"publish {n} was not shown on both kiosks")
                    time.sleep(0.005)
                if n:
                    notified_ms.append((notified - start) * 1000)
                    shown_ms.extend((seen.pop(digest) - start) * 1000 for seen in shown_at)
                else:
                    for seen in shown_at:
                        seen.pop(digest)
            stop.set()
            listener.close()
            desk.close()
            for thread, store in kiosks:
                store.close()
                thread.join(10)
    finally:
        server.destroy()

    p99, base_p99 = percentile(shown_ms, 0.99), percentile(notified_ms, 0.99)
    rows = [
        Row("publish to shown on two kiosks, p50", median(shown_ms), "ms",
            median(notified_ms), "NOTIFY at a bare LISTEN", "-", None),
        Row("publish to shown on two kiosks, p99", p99, "ms", base_p99,
            "NOTIFY at a bare LISTEN", "<= 5000 ms", p99 <= 5000),
    ]
    emit("Publishing pages to the kiosks", rows, args.json,
         [f"{publishes} publishes, alternating two versions of the shipped pages, each "
          "checked at the desk, then on each of two kiosks downloaded, hashed, checked in "
          "full and swapped into its content folder (the watcher's reload is not included: "
          "bench/reload_stall.py measures it); PostgreSQL with fsync on, TCP to 127.0.0.1"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
