"""Months of use in minutes: random taps, idle resets and sign-ups, watching memory and objects.

    .venv/bin/python bench/soak.py [--steps 10000] [--resets 1000] [--fills 500] [--seed 1]

Builds the real kiosk with ``kiosk.app.build`` on the offscreen platform (the tests' screen),
with a real sign-up store and keys (cheap key derivation) in a temporary data folder, and
taps it the way a patient does: every tap and swipe goes to the QWindow where the widget is,
typing goes through the on-screen keyboard's keys. Mixed in at random: ``--resets`` idle
resets through the real IdleGuard (its timer cut to 1 ms for that reset, a 10 ms countdown)
and ``--fills`` new patients who fill in the whole form and send it.

After a reset the window is on its start screen with a fresh form, so it must hold the same
widgets and QObjects each time (compared class by class; the keyboard keeps its last layout,
so there is one baseline per layout). Every 500 steps it samples RSS (VmRSS), the heap in use
(glibc mallinfo2), widgets, QObjects (walked from the app and every top-level widget), Python
objects and binding wrappers, each time after showing every page once (a page keeps its
picture drawn at its size, about 2 MB: samples in different states would differ by up to
25 MB); growth is counted from the first sample after ``--warmup`` steps.
Aims: every reset back to the baseline; RSS growth under 5 MiB. Exit code 1 if missed.
"""

from __future__ import annotations

import argparse
import collections
import ctypes
import gc
import logging
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCREEN = ROOT / "tests" / "ui" / "offscreen-screen.json"
SAMPLE_EVERY = 500
RSS_AIM_KIB = 5 * 1024
PASSPHRASE = "soak test front desk"
NAMES = ("Ana Ruiz", "Zoë Peña-Núñez", "Li Wei", "Ciarán O'Brien", "Jürgen Weiß", "Amélie Côté")
NOTES = ("back pain", "mornings", "left leg", "after work", "ça va", "thanks")
# Made on first use, not with their page: a text's root frame on its first layout, a gesture
# the first time a finger touches a scroll area. So they are checked against their owners (one
# per document, one per touch-scrolled area) instead of the baseline.
LAZY = {"QTextFrame": "QTextDocument", "QFlickGesture": "QScroller", "QPanGesture": "QScroller"}

Classes = collections.Counter[str]


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


def _libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = _MallInfo2
    except (OSError, AttributeError):
        return None
    return libc


def heap_kib(libc: ctypes.CDLL | None) -> int:
    """What malloc has handed out and not had back (glibc, main arena): live C/C++ memory,
    without the free pages RSS still counts. -1 where glibc is not there."""
    if libc is None:
        return -1
    info = libc.mallinfo2()
    return int(info.uordblks + info.hblkhd) // 1024


@dataclass
class Sample:
    steps: int
    resets: int
    fills: int
    rss_kib: int
    heap_kib: int
    widgets: int
    qobjects: int
    python: int
    wrappers: int
    seconds: float
    classes: Classes = field(repr=False)
    types: Classes = field(repr=False)

    HEAD = ("| steps | resets | fills | RSS MiB | heap MiB | widgets | QObjects "
            "| Python objects | wrappers | s |\n"
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")

    def row(self, label: str = "") -> str:
        return (f"| {self.steps}{label} | {self.resets} | {self.fills} "
                f"| {self.rss_kib / 1024:.1f} | {self.heap_kib / 1024:.1f} "
                f"| {self.widgets} | {self.qobjects} "
                f"| {self.python} | {self.wrappers} | {self.seconds:.0f} |")


class Soak:
    """Drives one kiosk window with taps; counts what is alive."""

    def __init__(self, app, kiosk, rng: random.Random) -> None:
        self.app, self.kiosk, self.window, self.rng = app, kiosk, kiosk.window, rng
        self.expired = 0
        self.window.idle.expired.connect(self._on_expired)
        self.steps = self.resets = self.fills = self.failed_fills = self.missed_taps = 0
        self.actions: Classes = collections.Counter()
        self.baselines: dict[str, tuple[Classes, Classes]] = {}
        self.compared = 0
        self.off_baseline: list[str] = []
        self.samples: list[Sample] = []
        self.warmup = 0
        self.libc = _libc()
        # --trim: give free heap pages back before reading RSS, to tell a leak (live memory
        # grows) from fragmentation (RSS grows, live memory does not).
        self.trim = False

    # Fingers -------------------------------------------------------------------------

    def settle(self) -> None:
        self.app.processEvents()
        self.app.processEvents()

    def tap(self, widget, at=None) -> bool:
        """Press and release on the QWindow over ``widget``, if a finger could reach it."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        if widget is None or not widget.isVisible():
            self.missed_taps += 1
            return False
        point = widget.mapTo(self.window, widget.rect().center() if at is None else at)
        hit = self.window.childAt(point)
        if hit is None or not (hit is widget or widget.isAncestorOf(hit)):
            self.missed_taps += 1
            return False
        QTest.mouseClick(self.window.windowHandle(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.NoModifier, point)
        self.settle()
        return True

    def drag(self, widget, dx: int, dy: int) -> None:
        from PySide6.QtCore import QPoint, Qt
        from PySide6.QtTest import QTest

        handle = self.window.windowHandle()
        start = widget.mapTo(self.window, widget.rect().center())
        left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        QTest.mousePress(handle, left, none, start)
        for step in range(1, 11):
            QTest.mouseMove(handle, start + QPoint(dx * step // 10, dy * step // 10), 5)
        QTest.mouseRelease(handle, left, none, start + QPoint(dx, dy), 5)
        self.settle()

    def into_view(self, area, widget) -> None:
        from kiosk.ui.input.touch import scroll_into_view

        scroll_into_view(area, widget, 8)
        self.settle()

    # What a patient does -------------------------------------------------------------

    def page(self) -> str:
        return str(self.window.current_page)

    def section_page(self):
        index = self.window.current_index()
        return None if index is None else self.window.section_pages[index]

    def tap_link(self) -> None:
        page = self.section_page()
        if page is None:
            return
        text = page.text
        positions = []
        block = text.document().begin()
        while block.isValid():
            fragments = block.begin()
            while not fragments.atEnd():
                fragment = fragments.fragment()
                if fragment.charFormat().anchorHref():
                    positions.append(fragment.position() + 1)
                fragments += 1
            block = block.next()
        if not positions:
            return
        cursor = text.textCursor()
        cursor.setPosition(self.rng.choice(positions))
        text.setTextCursor(cursor)
        text.ensureCursorVisible()
        self.settle()
        self.tap(text.viewport(), text.cursorRect(cursor).center())

    def type_text(self, text: str) -> None:
        """Tap the keys a person would: shift for capitals, the accent layer for accents."""
        from kiosk.ui.widgets.keyboard import LAYOUTS

        keyboard = self.window.keyboard
        accented = {k.text for row in LAYOUTS["accents"] for k in row if k.action == "type"}
        for char in text:
            if not keyboard.isVisible():
                return
            if char == " ":
                self.tap(keyboard.button("space"))
                continue
            lower = char.lower()
            if keyboard.layout_name in ("text", "accents"):
                wanted = "accents" if lower in accented else "text"
                if keyboard.layout_name != wanted:
                    self.tap(keyboard.button("àé" if wanted == "accents" else "abc"))
                if char != lower:
                    self.tap(keyboard.button("⇧"))
            try:
                self.tap(keyboard.button(lower))
            except KeyError:
                self.missed_taps += 1

    def fill_field(self, name: str, text: str) -> None:
        form = self.window.form
        edit = form.edits[name]
        self.into_view(form.scroll_area, edit)
        if self.tap(edit) and self.window.keyboard.isVisible():
            self.type_text(text)

    def phone(self) -> str:
        return f"20255501{self.rng.randrange(10, 100)}"

    def some_typing(self) -> None:
        name = self.rng.choice(("name", "phone", "email", "note"))
        text = {"name": self.rng.choice(NAMES), "phone": self.phone(), "email": "ana@mail.org",
                "note": self.rng.choice(NOTES)}[name]
        self.fill_field(name, text[: self.rng.randint(1, len(text))])
        if self.rng.random() < 0.5 and self.window.keyboard.isVisible():
            self.tap(self.window.keyboard.button("Done"))

    def access(self) -> None:
        """Language, text size or contrast: every page is built anew."""
        host = self.window.attract if self.page() == "attract" else self.window.header
        self.tap(self.rng.choice([b for b in host.access.buttons() if b.isVisible()]))

    def choices(self) -> dict[str, Callable[[], object]]:
        """What a finger can do on the page on screen."""
        w, page = self.window, self.page()
        actions: dict[str, Callable[[], object]] = {}
        if page == "attract":
            actions["start"] = lambda: self.tap(w.attract.start)
            actions["access"] = self.access
        if w.header.isVisible() and w.header.home.isVisible():
            actions["home"] = lambda: self.tap(w.header.home)
            actions["topics"] = lambda: self.tap(w.header.topics)
        section = self.section_page()
        if section is not None:
            actions["next"] = lambda: self.tap(w.nav.next)
            actions["back"] = lambda: self.tap(w.nav.back)
            if w.nav.dots.dots:
                actions["dot"] = lambda: self.tap(self.rng.choice(w.nav.dots.dots))
            actions["swipe"] = lambda: self.drag(section.illustration,
                                                 self.rng.choice((-400, 400)), 10)
            actions["scroll"] = lambda: self.drag(section.text.viewport(), 0,
                                                  self.rng.choice((-300, 300)))
            actions["link"] = self.tap_link
            actions["access"] = self.access
        if page == "topics" and w.topics.buttons:
            def topic() -> None:
                button = self.rng.choice(w.topics.buttons)
                self.into_view(w.topics.scroll_area, button)
                self.tap(button)
            actions["topic"] = topic
        if page == "signup":
            actions["type"] = self.some_typing
            actions["form_back"] = lambda: self.tap(w.form.back)
            actions["send_incomplete"] = lambda: self.tap(w.form.send)
        if page in ("thanks", "signup-not-ready"):
            message = w.thanks if page == "thanks" else w.not_ready
            actions["message_button"] = lambda: self.tap(message.button)
        return actions

    def step(self) -> None:
        actions = self.choices()
        if not actions:
            self.window.show_attract()
            self.settle()
            return
        name = self.rng.choice(sorted(actions))
        # Rebuilding every page is the costly path; a patient taps it once or twice a visit.
        if name == "access" and self.rng.random() > 0.15:
            name = self.rng.choice(sorted(set(actions) - {"access"}))
        self.actions[name] += 1
        actions[name]()
        self.steps += 1

    # Resets and sign-ups -------------------------------------------------------------

    def _on_expired(self) -> None:
        self.expired += 1

    def idle_reset(self) -> None:
        """Walk away mid-visit and let the real idle timer and countdown run out."""
        if self.page() == "attract":
            self.tap(self.window.attract.start)
        for _ in range(self.rng.randint(0, 4)):
            self.step()
        if self.page() == "attract":
            self.tap(self.window.attract.start)
        before = self.expired
        self.window.idle.set_idle_ms(1)
        deadline = time.monotonic() + 10
        while self.expired == before:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the idle reset never came (page {self.page()})")
            self.app.processEvents()
        self.flush_deletes()
        if self.page() != "attract":
            raise RuntimeError(f"after the idle reset the page is {self.page()}")
        self.resets += 1

    def fill_form(self) -> None:
        """A new patient signs up: last page, Next, type every field, tick, Send."""
        w = self.window
        if w.header.isVisible() and w.header.home.isVisible():
            self.tap(w.header.home)  # the form empties on the start screen
        if self.page() != "attract":
            w.show_attract()
            self.settle()
        self.tap(w.attract.start)
        self.tap(w.header.topics)
        last = w.topics.buttons[-1]
        self.into_view(w.topics.scroll_area, last)
        self.tap(last)
        self.tap(w.nav.next)
        store = w.services.signups.store
        before = len(store.entries())
        if self.page() == "signup":
            form = w.form
            self.fill_field("name", self.rng.choice(NAMES))
            self.fill_field("phone", self.phone())
            if self.rng.random() < 0.5:
                self.fill_field("email", "ana@mail.org")
            if self.rng.random() < 0.5:
                self.fill_field("note", self.rng.choice(NOTES))
            if w.keyboard.isVisible():
                self.tap(w.keyboard.button("Done"))
            time_button = self.rng.choice(form.times.buttons())
            self.into_view(form.scroll_area, time_button)
            self.tap(time_button)
            self.into_view(form.scroll_area, form.consent)
            self.tap(form.consent)
            self.tap(form.send)
        if self.page() == "thanks" and len(store.entries()) == before + 1:
            self.fills += 1
        else:
            self.failed_fills += 1

    # Counting ------------------------------------------------------------------------

    def flush_deletes(self) -> None:
        """Let the pages built in slices after a rebuild finish, and the deleted ones go:
        counts are compared between the same states."""
        from PySide6.QtCore import QEvent

        deadline = time.monotonic() + 10
        while self.window.building and time.monotonic() < deadline:
            self.app.processEvents()
        for _ in range(2):
            self.app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            self.app.processEvents()

    def counts(self) -> tuple[Classes, Classes]:
        """(widgets, QObjects) per class: every widget, and the QObjects reachable from the
        app and each top-level widget (a leaked parentless widget is a top-level one).

        Walks ``children()``: ``findChildren`` would itself leak, as PySide6 6.11 keeps every
        object it returns referenced from the root's wrapper after the object is deleted."""
        from PySide6.QtWidgets import QApplication

        widgets = collections.Counter(w.metaObject().className()
                                      for w in QApplication.allWidgets())
        qobjects: Classes = collections.Counter()
        pending = [self.app, *QApplication.topLevelWidgets()]
        while pending:
            current = pending.pop()
            qobjects[current.metaObject().className()] += 1
            pending.extend(current.children())
        return widgets, qobjects

    def compare_with_baseline(self) -> None:
        """After a reset: the same widgets and QObjects as after the first reset."""
        widgets, all_qobjects = self.counts()
        qobjects, over = split_lazy(all_qobjects)
        key = self.window.keyboard.layout_name
        base_widgets, base_qobjects = self.baselines.setdefault(key, (widgets, qobjects))
        self.compared += 1
        problems = [f"{label} {name} {count - base[name]:+d}"
                    for label, now, base in (("widget", widgets, base_widgets),
                                             ("QObject", qobjects, base_qobjects))
                    for name, count in (now | base).items() if now[name] != base[name]]
        problems += over
        if problems:
            self.off_baseline.append(f"reset {self.resets} (step {self.steps}, keyboard {key}): "
                                     + ", ".join(problems))

    def sample(self, started: float) -> Sample:
        from kiosk.ui.widgets.keyboard import TEXT

        # Sampled in one state each time: every page drawn once since the last rebuild (each
        # keeps its picture drawn at its size, about 2 MB, and its text laid out), then the
        # start screen as after a reset, with the (hidden) keyboard on its letters.
        self.window.start_over()
        for index in range(len(self.window.sections)):
            self.window.show_section(index)
            self.settle()
        self.window.start_over()
        self.window.keyboard.set_layout(TEXT)
        self.flush_deletes()
        widgets, qobjects = self.counts()
        gc.collect()
        types = collections.Counter(type(o).__name__ for o in gc.get_objects())
        try:
            from shiboken6 import Shiboken

            wrappers = len(Shiboken.getAllValidWrappers())
        except (ImportError, AttributeError):
            wrappers = -1
        if self.trim and self.libc is not None:
            self.libc.malloc_trim(0)
        sample = Sample(self.steps, self.resets, self.fills, rss_kib(), heap_kib(self.libc),
                        widgets.total(),
                        qobjects.total(), types.total(), wrappers,
                        time.perf_counter() - started, qobjects, types)
        # Keep the class counts of the baseline sample and the latest only: kept for every
        # sample they would themselves be the memory that grows.
        base = next((old for old in self.samples if old.steps >= self.warmup), None)
        for old in self.samples:
            if old is not base:
                old.classes, old.types = collections.Counter(), collections.Counter()
        self.samples.append(sample)
        return sample

    def exercise_everything(self) -> None:
        """Every kind of thing a patient does, once, before anything is compared: Qt makes
        some objects on first use (the keyboard's input device on the first key, say)."""
        w = self.window
        self.fill_form()
        for button in (b for b in w.attract.access.buttons() if b.isVisible()):
            w.show_attract()
            self.settle()
            self.tap(button)
        self.idle_reset()
        self.tap(w.attract.start)
        self.tap_link()
        self.drag(self.section_page().illustration, -400, 10)
        self.drag(self.section_page().text.viewport(), 0, -300)
        self.tap(w.header.topics)
        w.show_signup()
        self.settle()
        for name, text in (("name", "Zoë"), ("phone", "1"), ("email", "a@")):
            self.fill_field(name, text)
        self.idle_reset()

    def run(self, plan: list[str], warmup: int, out: Callable[[str], None]) -> None:
        self.warmup = warmup
        started = time.perf_counter()
        next_sample = 0
        out(Sample.HEAD)
        for kind in plan:
            if kind == "step":
                self.step()
                if self.steps >= next_sample:
                    out(self.sample(started).row())
                    next_sample += SAMPLE_EVERY
            elif kind == "fill":
                self.fill_form()
            else:
                self.idle_reset()
                if self.steps >= warmup:
                    self.compare_with_baseline()
        out(self.sample(started).row(" (end)"))


def split_lazy(qobjects: Classes) -> tuple[Classes, list[str]]:
    """(the QObjects without those made on first use, how those exceed their owners)."""
    rest = collections.Counter(qobjects)
    over = []
    for name, owner in LAZY.items():
        count = rest.pop(name, 0)
        if count > qobjects[owner]:
            over.append(f"{count} {name} for {qobjects[owner]} {owner}")
    return rest, over


def build_kiosk(settings):
    """The real kiosk on ``settings``, with the clinic's keys made quickly."""

    from kiosk.app import build
    from kiosk.signups.crypto import MEMLIMIT_FLOOR, OPSLIMIT_FLOOR, create_keys

    create_keys(settings.keys_file, PASSPHRASE, opslimit=OPSLIMIT_FLOOR,
                memlimit=MEMLIMIT_FLOOR)
    return build(settings)


def make_plan(rng: random.Random, steps: int, resets: int, fills: int) -> list[str]:
    plan = ["step"] * steps + ["reset"] * resets + ["fill"] * fills
    rng.shuffle(plan)
    return plan


def growth(samples: list[Sample], warmup: int) -> tuple[Sample, Sample]:
    """The first sample after warm-up and the last one."""
    after = [s for s in samples if s.steps >= warmup] or samples
    return after[0], samples[-1]


def report(soak: Soak, warmup: int) -> bool:
    base, last = growth(soak.samples, warmup)
    rss = last.rss_kib - base.rss_kib
    print(f"\nafter warm-up (step {base.steps} to {last.steps}):")
    heap = last.heap_kib - base.heap_kib
    print(f"  RSS {rss:+d} KiB ({rss / 1024:+.2f} MiB; aim under +{RSS_AIM_KIB // 1024} MiB), "
          f"heap in use {heap:+d} KiB, "
          f"widgets {last.widgets - base.widgets:+d}, QObjects {last.qobjects - base.qobjects:+d}"
          f", Python objects {last.python - base.python:+d}, "
          f"wrappers {last.wrappers - base.wrappers:+d}")
    after = [s for s in soak.samples if s.steps >= warmup]
    if len(after) >= 3:
        xs, ys = [s.steps for s in after], [s.rss_kib for s in after]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        slope = (sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
                 / max(1e-9, sum((x - mx) ** 2 for x in xs)))
        print(f"  RSS trend {slope * 1000:+.1f} KiB per 1000 steps (least squares), "
              f"peak {max(ys) / 1024:.1f} MiB")
    for label, now, then in (("QObjects", last.classes, base.classes),
                             ("Python objects", last.types, base.types)):
        changed = sorted(((now[k] - then[k], k) for k in now | then if now[k] != then[k]),
                         key=lambda item: -abs(item[0]))[:6]
        if changed:
            print(f"  {label} that changed most: "
                  + ", ".join(f"{k} {d:+d}" for d, k in changed))
    print(f"  resets compared with the baseline: {soak.compared}, "
          f"not back to it: {len(soak.off_baseline)}")
    for line in soak.off_baseline[:10]:
        print(f"    {line}")
    ok = rss < RSS_AIM_KIB and not soak.off_baseline and not soak.failed_fills
    print(f"  verdict: {'met' if ok else 'MISSED'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10_000, help="random navigation steps")
    parser.add_argument("--resets", type=int, default=1_000, help="idle resets")
    parser.add_argument("--fills", type=int, default=500, help="forms filled in and sent")
    parser.add_argument("--warmup", type=int, default=1_000,
                        help="steps before the baseline (caches fill up meanwhile)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--portrait", action="store_true", help="1080x1920, not 1920x1080")
    parser.add_argument("--trim", action="store_true",
                        help="malloc_trim before each RSS sample (fragmentation or leak?)")
    args = parser.parse_args()
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={SCREEN}"
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    from PySide6.QtCore import QtMsgType, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from kiosk.config import load_settings

    qt_messages: Classes = collections.Counter()

    def on_qt_message(kind: QtMsgType, _context: object, message: str) -> None:
        if kind != QtMsgType.QtDebugMsg and "propagateSizeHints" not in message:
            qt_messages[message] += 1

    qInstallMessageHandler(on_qt_message)
    app = QApplication(sys.argv[:1])
    rng = random.Random(args.seed)
    print(f"soak: {args.steps} steps, {args.resets} resets, {args.fills} fills, "
          f"seed {args.seed}, warm-up {args.warmup} steps")
    with tempfile.TemporaryDirectory(prefix="kiosk-soak-") as data:
        settings = load_settings(data_dir=Path(data), windowed=True, environ={})
        # Long waits while walking; each reset cuts the idle timer, then one 10 ms tick.
        kiosk = build_kiosk(settings.with_overrides(idle_countdown_ms=10))
        window = kiosk.window
        window.resize(*((1080, 1920) if args.portrait else (1920, 1080)))
        window.show()
        soak = Soak(app, kiosk, rng)
        soak.trim = args.trim
        soak.settle()
        soak.exercise_everything()
        soak.run(make_plan(rng, args.steps, args.resets, args.fills), args.warmup, print)
        entries = len(window.services.signups.store.entries())
        ok = report(soak, args.warmup)
        kiosk.close()
    print(f"sign-ups in the store: {entries} (sent {soak.fills}, failed {soak.failed_fills}); "
          f"taps that could not land: {soak.missed_taps}")
    print("actions: " + ", ".join(f"{k} {v}" for k, v in sorted(soak.actions.items())))
    print(f"Qt warnings: {qt_messages.total()}")
    for message, count in qt_messages.most_common(5):
        print(f"  {count}x {message[:200]}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
