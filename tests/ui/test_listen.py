"""The Listen button with the real espeak-ng, its sound going to a file instead of a sound
card (tests/wav_sink.py as the player): its states, what stops it, and what it highlights."""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QFontMetrics

from kiosk.config import I18N_DIR
from kiosk.content.last_good import load_live
from kiosk.i18n import load_translations
from kiosk.session import ATTRACT
from kiosk.speech import SpeechConfig
from kiosk.ui.pages.section import URGENT_SLUG
from kiosk.ui.shell.window import KioskWindow
from kiosk.ui.widgets.listen_button import ListenButton, Speaker

from .conftest import LANDSCAPE, WAIT_MS, cheap_services
from .test_layout import LOOKS, SIZES, _block_rect, _blocks, _show, lengthen

SINK = Path(__file__).resolve().parents[1] / "wav_sink.py"
pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                reason="espeak-ng is not installed (scripts/system-packages.sh)")


@pytest.fixture
def sink(tmp_path):
    return tmp_path / "heard.wav", tmp_path / "player-pids"


def speaker_to(out: Path, pids: Path, *, paced: bool) -> Speaker:
    player = (sys.executable, str(SINK), str(out), "--pids", str(pids),
              *(("--paced",) if paced else ()))
    return Speaker(SpeechConfig(player=player, rate=300))


@pytest.fixture
def listening(qtbot, make_settings, tmp_path, sink):
    """A kiosk window whose Listen buttons play through the sink, at a sound card's pace."""
    stores = []

    def make(size=LANDSCAPE, *, paced=True, content_dir=None, **changes) -> KioskWindow:
        settings = make_settings(content_dir, data_dir=tmp_path / f"data{len(stores)}", **changes)
        services = cheap_services(settings)
        stores.append(services.signups.store)
        services.speaker = speaker_to(*sink, paced=paced)
        window = KioskWindow(settings, load_translations(I18N_DIR, settings.languages),
                             load_live(settings).content, services)
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        return window

    yield make
    for store in stores:
        store.close()


def listen_button(window: KioskWindow) -> ListenButton:
    index = window.current_index()
    assert index is not None
    button = window.section_pages[index].listen
    assert isinstance(button, ListenButton)
    return button


def accessible_name(widget) -> str:
    return QAccessible.queryAccessibleInterface(widget).text(QAccessible.Text.Name)


def players_alive(pids: Path) -> list[int]:
    alive = []
    for pid in map(int, pids.read_text(encoding="ascii").split()):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        alive.append(pid)
    return alive


def start_reading(qtbot, window: KioskWindow, heard: Path) -> ListenButton:
    button = listen_button(window)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert button.speaking
    qtbot.waitUntil(lambda: heard.exists() and heard.stat().st_size > 4000, timeout=WAIT_MS)
    return button


def test_every_section_page_has_listen_first_in_both_languages(qtbot, listening):
    window = listening()
    for language in ("en", "es"):
        window.present(replace(window.presentation, language=language))
        pages = window.section_pages
        assert pages
        strings = window.strings
        for index, page in enumerate(pages):
            window.show_section(index)
            assert isinstance(page.listen, ListenButton), page.section.slug
            # Beside the title, on its first line: the first control on the page.
            # A rebuilt page shows at the event loop's next turn (QLayout queues the show).
            qtbot.waitUntil(page.listen.isVisible, timeout=WAIT_MS)
            assert page.listen.y() <= page.title.y() + page.title.height() // 2
            assert page.listen.x() > page.title.x()
            assert page.listen.text() == strings["listen"]
            assert accessible_name(page.listen) == strings["listen_name"]
        assert any(page.section.slug == URGENT_SLUG for page in pages)


def test_listen_turns_into_stop_reads_aloud_and_comes_back(qtbot, listening, sink):
    heard, _ = sink
    window = listening(paced=False)
    window.show_section(0)
    button = listen_button(window)
    strings = window.strings
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert button.text() == strings["listen_stop"]
    assert accessible_name(button) == strings["listen_stop_name"]
    with qtbot.waitSignal(window.services.speaker.finished, timeout=WAIT_MS * 6):
        pass
    assert button.text() == strings["listen"]
    assert accessible_name(button) == strings["listen_name"]
    assert button.highlighted is None
    # Every paragraph was spoken: one WAV stream each, all with sound in them.
    streams = heard.read_bytes().count(b"RIFF")
    assert streams == len(button._paragraphs) >= 3


def test_stop_ends_the_reading_and_its_processes(qtbot, listening, sink):
    heard, pids = sink
    window = listening()
    window.show_section(1)
    button = start_reading(qtbot, window, heard)
    assert players_alive(pids)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not button.speaking
    assert button.text() == window.strings["listen"]
    assert players_alive(pids) == []


def test_a_page_change_stops_the_reading(qtbot, listening, sink):
    heard, pids = sink
    window = listening()
    window.show_section(2)
    button = start_reading(qtbot, window, heard)
    window.controller.go_next()
    assert not button.speaking
    assert window.services.speaker.owner is None
    assert players_alive(pids) == []


def test_a_language_change_stops_the_reading(qtbot, listening, sink):
    heard, pids = sink
    window = listening()
    window.show_section(2)
    start_reading(qtbot, window, heard)
    window.present(replace(window.presentation, language="es"))
    assert window.services.speaker.owner is None
    assert players_alive(pids) == []
    assert listen_button(window).text() == "Escuchar"


def test_the_idle_reset_stops_the_reading(qtbot, listening, sink):
    heard, pids = sink
    window = listening(idle_ms=400, idle_countdown_ms=400)
    window.show_section(3)
    start_reading(qtbot, window, heard)
    qtbot.waitUntil(lambda: window.current_page == ATTRACT, timeout=WAIT_MS * 3)
    assert window.services.speaker.owner is None
    assert players_alive(pids) == []


def test_the_paragraph_being_read_is_highlighted(qtbot, listening):
    window = listening()
    window.show_section(0)
    button = listen_button(window)
    text = window.section_pages[0].text
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    # Paragraph 0 is the title (a label, not highlighted in the text); then the first block.
    qtbot.waitUntil(lambda: button.highlighted == 1, timeout=WAIT_MS * 3)
    selections = text.extraSelections()
    assert len(selections) == 1
    first_block = _blocks(window.section_pages[0])[0].text()
    assert selections[0].cursor.selectedText().strip() == first_block.strip()
    button.stop()
    assert text.extraSelections() == []


def test_no_speaker_means_no_button_on_any_page(make_window):
    # app.py makes no speaker when the engine, the player or a sound output is missing.
    window = make_window()
    assert window.services.speaker is None
    assert all(page.listen is None for page in window.section_pages)
    window.present(replace(window.presentation, language="es"))
    assert all(page.listen is None for page in window.section_pages)


@pytest.mark.expect_log("kiosk.ui.widgets.listen_button", r"speech player ended")
def test_a_player_that_fails_stops_quietly(qtbot, listening, sink, caplog):
    window = listening()
    window.services.speaker._config = SpeechConfig(player=("false",))
    window.show_section(0)
    button = listen_button(window)
    with qtbot.waitSignal(window.services.speaker.finished, timeout=WAIT_MS):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not button.speaking
    assert "reading stopped" in caplog.text


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("look", LOOKS)
def test_with_listen_every_sign_still_fits_and_the_words_keep_their_room(
        qtbot, listening, content_dir, size, look):
    """The layout tests' two promises, on pages that have the Listen button (as every kiosk
    with a sound output does): the urgent page's signs all on screen, titles of two lines
    at most, the first paragraph whole. Staff may write a fifth more: the longer content."""
    lengthen(content_dir)
    window = listening(size, content_dir=content_dir, languages=("en", "es"))
    window.present(replace(window.presentation, language=look[0], text_percent=look[1]))
    problems = []
    for index, section in enumerate(window.sections):
        page = _show(qtbot, window, index)
        assert page.listen is not None
        viewport = page.text.viewport().rect()
        blocks = _blocks(page)
        if not viewport.contains(_block_rect(page, blocks[0])):
            problems.append(f"{section.slug}: first paragraph not whole")
        line = QFontMetrics(page.title.font()).lineSpacing()
        if page.title.height() > 2 * line + 2:
            problems.append(f"{section.slug}: title of more than two lines")
        if section.slug == URGENT_SLUG:
            hidden = [b.text() for b in blocks if b.textList() is not None
                      and not viewport.contains(_block_rect(page, b))]
            if hidden:
                problems.append(f"urgent signs below the fold: {hidden}")
    assert problems == [], "\n".join(problems)
