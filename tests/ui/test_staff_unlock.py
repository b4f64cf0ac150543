"""The way into the staff panel under attack: slow checks off the UI thread, one count for
PIN and passphrase, a full disk, and nothing decrypted left behind after a lock (issue 13).

The panel is built on its own with a real PinGuard, a real keys file and a real store, so a
test can hand it a gated hasher or a test clock.
"""

from __future__ import annotations

import gc
import json
import threading
import weakref

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QListWidget, QWidget

from kiosk.audit import AuditLog
from kiosk.config import I18N_DIR
from kiosk.i18n import load_strings
from kiosk.security import LOCKOUT_AFTER, PinGuard
from kiosk.signups.crypto import FLOOR_COST, MEMLIMIT_FLOOR, OPSLIMIT_FLOOR, create_keys
from kiosk.signups.entry import Signup
from kiosk.signups.service import SignupService
from kiosk.signups.store import SignupStore
from kiosk.staff_session import StaffSession
from kiosk.ui.pages.staff.panel import StaffPanel
from kiosk.ui.widgets.theme import Metrics
from tests.small_disk import fill, small_tmpfs

from .conftest import PASSPHRASE, PIN, WAIT_MS

CANARY = "Xochitl Canary-Quintero"


class Gate:
    """Holds a check on the worker thread until the UI thread has run a few timer ticks.

    If the check ran on the UI thread, no tick could come, and the wait would time out.
    """

    def __init__(self) -> None:
        self.open = threading.Event()
        self.timed_out = False

    def wait(self) -> None:
        if not self.open.wait(WAIT_MS / 1000):
            self.timed_out = True


class GatedHasher(PasswordHasher):
    def __init__(self, gate: Gate | None = None) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.gate = gate

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        if self.gate is not None:
            self.gate.wait()
        return super().verify(hash, password)


class GatedService(SignupService):
    gate: Gate | None = None

    def unlock(self, passphrase: str):  # type: ignore[no-untyped-def]
        if self.gate is not None:
            self.gate.wait()
        return super().unlock(passphrase)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def make_panel(qtbot, make_settings, tmp_path):
    stores = []

    def make(data=None, hasher=None, clock=None):
        settings = make_settings(data_dir=data or tmp_path / "data")
        store = SignupStore.open(settings.signups_db)
        stores.append(store)
        create_keys(settings.keys_file, PASSPHRASE, opslimit=OPSLIMIT_FLOOR,
                    memlimit=MEMLIMIT_FLOOR)
        guard = PinGuard(settings.pin_file, hasher=hasher or GatedHasher(),
                         **({"clock": clock} if clock else {}))
        guard.set_pin(PIN)
        service = GatedService(store, settings.keys_file, AuditLog(settings.audit_log),
                               key_cost=FLOOR_COST)
        service.submit(Signup(name=CANARY, phone="+12025550143", email="", note="",
                              contact_time="morning", consent_version="en-2026-11-1"))
        panel = StaffPanel(load_strings(I18N_DIR, "en"), Metrics.for_theme(settings.theme),
                           StaffSession(guard, service), None, settings.retention_days, list,
                           60_000, phone_region=settings.phone_region)
        qtbot.addWidget(panel)
        panel.resize(1920, 1080)
        panel.show()
        panel.open()
        return panel, guard, service

    yield make
    for store in stores:
        store.close()


def ticking(panel, gate: Gate) -> list[int]:
    """A UI-thread timer that opens the gate after its third tick; returns the ticks."""
    ticks: list[int] = []

    def tick() -> None:
        ticks.append(1)
        if len(ticks) == 3:
            gate.open.set()

    timer = QTimer(panel)
    timer.timeout.connect(tick)
    timer.start(5)
    return ticks


def answer(qtbot, panel, action) -> None:
    """Do ``action`` and wait until the page no longer says "Opening…"."""
    action()
    qtbot.waitUntil(lambda: "Opening…" not in (panel.pin.message.text(),
                                               panel.passphrase.message.text()),
                    timeout=2 * WAIT_MS)


def type_passphrase(panel, text: str) -> None:
    panel.passphrase.edit.setText(text)
    panel.passphrase.edit.returnPressed.emit()


def test_the_screen_keeps_moving_while_the_pin_is_checked(qtbot, make_panel):
    gate = Gate()
    panel, _guard, _service = make_panel(hasher=GatedHasher(gate))
    ticks = ticking(panel, gate)
    panel.pin.type_pin(PIN)
    shown = panel.pin.message.text()
    keys_enabled = [key.isEnabled() for key in panel.pin.keys.values()]
    qtbot.waitUntil(lambda: panel.step is panel.passphrase, timeout=2 * WAIT_MS)
    assert not gate.timed_out, "the PIN was checked on the UI thread"
    assert len(ticks) >= 3
    assert shown == "Opening…"
    assert not any(keys_enabled)
    assert all(key.isEnabled() for key in panel.pin.keys.values())


def test_the_screen_keeps_moving_while_the_passphrase_is_checked(qtbot, make_panel):
    panel, _guard, service = make_panel()
    panel.pin.type_pin(PIN)
    qtbot.waitUntil(lambda: panel.step is panel.passphrase, timeout=WAIT_MS)
    gate = Gate()
    service.gate = gate
    ticks = ticking(panel, gate)
    type_passphrase(panel, PASSPHRASE)
    shown = panel.passphrase.message.text()
    field_enabled = panel.passphrase.edit.isEnabled()
    type_passphrase(panel, PASSPHRASE)  # a second tap while busy is not a second try
    qtbot.waitUntil(lambda: panel.unlocked, timeout=2 * WAIT_MS)
    assert not gate.timed_out, "the passphrase was checked on the UI thread"
    assert len(ticks) >= 3
    assert (shown, field_enabled) == ("Opening…", False)
    assert panel.step is panel.signups
    assert [r["action"] for r in service.audit.records()].count("unlock") == 1


@pytest.mark.expect_log("kiosk.security", r"wrong tries in a row; locked for")
def test_wrong_passphrases_wait_and_lock_like_wrong_pins(qtbot, make_panel):
    """Issue 13 item 2: 20 wrong passphrases went through in 9 s once the PIN was right."""
    clock = Clock()
    panel, _guard, service = make_panel(clock=clock)
    answer(qtbot, panel, lambda: panel.pin.type_pin(PIN))
    answer(qtbot, panel, lambda: type_passphrase(panel, "wrong guess one"))
    assert panel.passphrase.message.text() == "That passphrase is not right."
    answer(qtbot, panel, lambda: type_passphrase(panel, "wrong guess two"))
    assert panel.passphrase.message.text() == (
        "That passphrase is not right. Please wait 1 seconds before trying again.")
    answer(qtbot, panel, lambda: type_passphrase(panel, PASSPHRASE))  # too soon: not looked at
    assert not panel.unlocked
    assert panel.passphrase.message.text() == "Please wait 1 seconds before trying again."
    for _ in range(LOCKOUT_AFTER - 2):
        clock.now += 60
        answer(qtbot, panel, lambda: type_passphrase(panel, "another wrong guess"))
    assert "locked until" in panel.passphrase.message.text()
    clock.now += 60
    answer(qtbot, panel, lambda: type_passphrase(panel, PASSPHRASE))
    assert not panel.unlocked
    refused = [r["detail"] for r in service.audit.records() if r["action"] == "unlock refused"]
    assert refused.count("wrong passphrase") == LOCKOUT_AFTER
    assert refused.count("too soon") == 1
    assert refused.count("locked") == 1


@pytest.mark.expect_log("kiosk.audit", r"cannot write the audit log \(wrong pin\)")
@pytest.mark.expect_log("kiosk.security", r"cannot record a staff try \(No space left")
def test_a_full_disk_keeps_the_panel_shut_and_says_why(qtbot, make_panel, tmp_path, caplog):
    """Issue 13 item 1, through the panel: the right PIN must not open it on a full disk."""
    with small_tmpfs(tmp_path / "disk", size="2m") as disk:
        panel, _guard, _service = make_panel(data=disk / "data")
        fill(disk)
        answer(qtbot, panel, lambda: panel.pin.type_pin(PIN))
        assert panel.step is panel.pin
        assert panel.pin.message.text().startswith(
            "The panel cannot open now: the kiosk cannot save to its disk")
        assert "every try is refused" in caplog.text
        panel.close()


def test_an_answer_that_comes_after_a_lock_is_thrown_away(qtbot, make_panel):
    panel, _guard, service = make_panel()
    answer(qtbot, panel, lambda: panel.pin.type_pin(PIN))
    gate = Gate()
    service.gate = gate
    type_passphrase(panel, PASSPHRASE)
    panel.lock()  # the idle timer, say, while the passphrase is being checked
    with qtbot.waitSignal(panel.checking.finished, timeout=2 * WAIT_MS):
        gate.open.set()
    assert not panel.unlocked
    assert panel.signups.list.count() == 0


def texts_in(widget: QWidget) -> list[str]:
    texts = []
    for child in [widget, *widget.findChildren(QWidget)]:
        texts += [child.accessibleName(), child.accessibleDescription(), child.toolTip()]
        if isinstance(child, QLabel | QAbstractButton | QLineEdit):
            texts.append(child.text())
        if isinstance(child, QListWidget):
            texts += [child.item(i).text() for i in range(child.count())]
    return texts


def test_locking_drops_the_key_and_every_decrypted_entry(qtbot, make_panel):
    panel, _guard, _service = make_panel()
    answer(qtbot, panel, lambda: panel.pin.type_pin(PIN))
    answer(qtbot, panel, lambda: type_passphrase(panel, PASSPHRASE))
    assert any(CANARY in text for text in texts_in(panel))  # the search can find it
    reader = weakref.ref(panel.session.reader)
    panel.lock()
    gc.collect()
    assert reader() is None, "something still holds the Reader (the private key)"
    assert not any(CANARY in text for text in texts_in(panel))
    assert not any(PASSPHRASE in text for text in texts_in(panel))


def test_the_pin_pad_shows_and_says_how_many_digits_were_typed(make_panel):
    panel, _guard, _service = make_panel()
    for digit in "135":
        panel.pin.keys[digit].click()
    assert panel.pin.dots.text() == "●●●"
    assert panel.pin.dots.accessibleName() == "Digits typed: 3"
    panel.pin.keys["⌫"].click()
    assert panel.pin.dots.accessibleName() == "Digits typed: 2"
    assert "13" not in panel.pin.dots.accessibleName()


def test_a_panel_deleted_during_a_check_lets_the_worker_end_quietly(qtbot, make_panel):
    """The panel is rebuilt when the presentation changes; a check may still be running."""
    gate = Gate()
    panel, _guard, _service = make_panel(hasher=GatedHasher(gate))
    panel.pin.type_pin(PIN)
    assert panel.checking.busy
    # The check's worker, found as anyone would: by the name the panel gives it.
    [worker] = [t for t in threading.enumerate() if t.name == "staff-check"]
    destroyed = []
    panel.destroyed.connect(lambda: destroyed.append(1))
    panel.deleteLater()
    qtbot.waitUntil(lambda: bool(destroyed), timeout=WAIT_MS)
    gate.open.set()
    worker.join(WAIT_MS / 1000)
    assert not worker.is_alive()
    # An error on the worker would be a PytestUnhandledThreadExceptionWarning: an error here.


@pytest.mark.expect_log("kiosk.security", r"the staff PIN is shorter than 6 digits")
def test_an_old_4_digit_pin_opens_and_the_page_asks_for_a_6_digit_one(qtbot, make_panel):
    panel, guard, _service = make_panel()
    state = json.loads(guard.path.read_text())
    state["hash"] = GatedHasher().hash("2468")  # set before 6 digits were required
    guard.path.write_text(json.dumps(state))
    answer(qtbot, panel, lambda: panel.pin.type_pin("2468"))
    assert panel.step is panel.passphrase
    assert panel.passphrase.message.text() == (
        "This PIN is shorter than 6 digits. Please ask IT to set a 6-digit PIN with "
        "'kiosk set-pin'.")
