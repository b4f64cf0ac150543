"""The desk's Pages view: a form per section, a live preview drawn by the kiosk's own page
widget, every problem `kiosk check` finds shown at its line while typing, Publish off while an
error stands, pictures checked before they are taken, history and one-click republish."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QTextCursor

from kiosk.content.versions import FolderVersionStore
from kiosk.ui.desk.pages.pages_view import PagesView

from .conftest import WAIT_MS

PAGE = "en/10-the-sciatic-nerve.md"


@pytest.fixture
def pages(qtbot, content_dir, make_settings, tmp_path):
    store = FolderVersionStore(tmp_path / "stick" / "kiosk-pages")
    view = PagesView(make_settings(content_dir), content_dir, store, "Rosa", check_pause_ms=50)
    qtbot.addWidget(view)
    view.resize(1920, 1080)
    view.show()
    qtbot.waitExposed(view)
    settle(qtbot, view)
    yield view, content_dir, store
    view.stop()


def settle(qtbot, view) -> None:
    """Wait until the check has seen the newest words (it runs off the UI thread)."""
    qtbot.waitUntil(lambda: view.settled, timeout=WAIT_MS * 3)


def type_at_end(qtbot, view, text: str) -> None:
    edit = view.form.body.edit
    cursor = edit.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    edit.setTextCursor(cursor)
    for number, line in enumerate(text.split("\n")):
        if number:  # QTest types no "\n": the Return key, as staff press it
            qtbot.keyClick(edit, Qt.Key.Key_Return)
        qtbot.keyClicks(edit, line)


def test_a_broken_link_shows_at_its_line_the_preview_follows_and_publish_stays_off(
        qtbot, pages):
    view, drafts, _store = pages
    assert view.publish.isEnabled()
    body_lines = view.form.body.text().count("\n") + 1
    type_at_end(qtbot, view, "\nSee [more](section:no-such-page) here.")
    assert not view.publish.isEnabled()
    # Drawn by the kiosk's page widget once typing pauses, whatever the check says.
    qtbot.waitUntil(lambda: "See more here." in view.preview.shown_text["en"],
                    timeout=WAIT_MS)
    settle(qtbot, view)
    line = body_lines + 1
    problem = view.form.body.edit.problems[line]
    assert problem.error
    assert "no-such-page" in problem.message
    items = [view.form.body.problem_list.item(i).text()
             for i in range(view.form.body.problem_list.count())]
    assert any(item.startswith(f"Line {line}: Problem:") and "no-such-page" in item
               for item in items)
    assert not view.publish.isEnabled()
    assert "Publish is off" in view.status.text()
    assert "section:no-such-page" in (drafts / PAGE).read_text(encoding="utf-8")
    view.publish_now()  # a click that slipped through changes nothing
    assert view.store.history() == []

    # Fixed with the link button: a real page, and Publish comes back.
    edit = view.form.body.edit
    edit.selectAll()
    text = edit.toPlainText().replace("See [more](section:no-such-page) here.", "See ")
    edit.setPlainText(text)
    cursor = edit.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    edit.setTextCursor(cursor)
    view.form.body.link_target.setCurrentIndex(
        view.form.body.link_target.findData("section:what-sciatica-feels-like"))
    qtbot.mouseClick(view.form.body.link, Qt.MouseButton.LeftButton)
    settle(qtbot, view)
    assert "(section:what-sciatica-feels-like)" in view.form.body.text()
    assert line not in view.form.body.edit.problems
    assert view.publish.isEnabled()


def test_bold_list_and_heading_buttons_write_the_marks(qtbot, pages):
    view, _drafts, _store = pages
    body = view.form.body
    body.set_text("Rest\nWalk a little\n")
    cursor = body.edit.textCursor()
    cursor.setPosition(0)
    cursor.setPosition(4, QTextCursor.MoveMode.KeepAnchor)
    body.edit.setTextCursor(cursor)
    qtbot.mouseClick(body.bold, Qt.MouseButton.LeftButton)
    assert body.text().startswith("**Rest**\n")
    cursor = body.edit.textCursor()
    cursor.setPosition(0)
    cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
    body.edit.setTextCursor(cursor)
    qtbot.mouseClick(body.list_button, Qt.MouseButton.LeftButton)
    assert body.text().startswith("- **Rest**\n- Walk a little\n")
    cursor = body.edit.textCursor()
    cursor.setPosition(0)
    body.edit.setTextCursor(cursor)
    qtbot.mouseClick(body.heading, Qt.MouseButton.LeftButton)
    assert body.text().startswith("## - **Rest**")


def choose(view, path: Path) -> None:
    """The file dialog's answer, through the form's dialog seam."""
    def answer(dialog) -> None:
        dialog.fileSelected.emit(str(path))
        dialog.done(0)

    view.form.open_dialog = answer
    view.form.choose_picture.click()


def test_a_picture_that_fails_the_check_is_refused_with_a_reason(qtbot, pages, tmp_path):
    view, drafts, _store = pages
    bad = tmp_path / "holiday.png"
    bad.write_bytes(b"this is not a picture")
    before = sorted(p.name for p in (drafts / "images").iterdir())
    choose(view, bad)
    note = view.form.notes["image"]
    assert note.isVisible()
    assert note.text().startswith("holiday.png cannot be used: ")
    assert len(note.text()) > len("holiday.png cannot be used: ") + 10
    assert view.form.draft().image == "sciatic-nerve-path.svg"
    assert sorted(p.name for p in (drafts / "images").iterdir()) == before

    good = tmp_path / "calm-back.svg"
    good.write_bytes((drafts / "images" / "hands-relax-back.svg").read_bytes())
    choose(view, good)
    assert not note.isVisible()
    assert view.form.draft().image == "calm-back.svg"
    assert (drafts / "images" / "calm-back.svg").read_bytes() == good.read_bytes()
    settle(qtbot, view)
    assert view.publish.isEnabled()


def test_publish_history_and_one_click_republish(qtbot, pages):
    view, _drafts, store = pages
    view.note.setText("first")
    with qtbot.waitSignal(view.published, timeout=WAIT_MS * 4):
        view.publish.click()
    view.form.title.setText("The sciatic nerve")
    settle(qtbot, view)
    view.note.setText("shorter title")
    with qtbot.waitSignal(view.published, timeout=WAIT_MS * 4):
        view.publish.click()
    assert [v.note for v in store.history()] == ["shorter title", "first"]
    assert view.history.list.count() == 2
    assert "patients see this one now" in view.history.list.item(0).text()

    view.history.select(1)
    view.history.preview.click()
    assert view.preview.shown_text["en"].startswith("What is the sciatic nerve?")
    assert "Version 1" in view.preview.caption.text()

    with qtbot.waitSignal(view.published, timeout=WAIT_MS * 4):
        view.history.republish.click()
    history = store.history()
    assert [v.number for v in history] == [3, 2, 1]
    assert history[0].note == "version 1 again"
    assert history[0].digest == history[2].digest
    assert "Version 3" in view.history.list.item(0).text()


def test_a_version_that_cannot_be_read_is_said_and_an_old_one_can_be_edited_again(
        qtbot, pages):
    view, drafts, _store = pages
    view.note.setText("first")
    with qtbot.waitSignal(view.published, timeout=WAIT_MS * 4):
        view.publish.click()
    view.tabs.setCurrentWidget(view.history)
    view.preview_version(7)
    assert "Version 7 cannot be shown" in view.status.text()
    assert view.tabs.currentWidget() is view.history  # nothing else shown
    view.open_version(7)
    assert "Version 7 cannot be opened" in view.status.text()

    view.form.title.setText("A new title")
    view.save_now()
    assert "A new title" in (drafts / PAGE).read_text(encoding="utf-8")
    view.open_version(1)
    assert "A new title" not in (drafts / PAGE).read_text(encoding="utf-8")
    assert view.form.title.text() != "A new title"
    settle(qtbot, view)


def test_a_version_can_be_given_a_start_time(qtbot, pages):
    view, _drafts, store = pages
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    view.starts.setChecked(True)
    view.start_time.setDateTime(QDateTime.fromSecsSinceEpoch(int(start.timestamp())))
    view.note.setText("holiday hours")
    with qtbot.waitSignal(view.published, timeout=WAIT_MS * 4):
        view.publish.click()
    version = store.history()[0]
    assert version.starts_at == start
    assert "goes live" in view.history.list.item(0).text()


def test_pages_are_added_removed_reordered_and_spanish_state_is_shown(qtbot, pages):
    view, _drafts, _store = pages
    first = view.sections.item(0).text()
    assert first.startswith("What is the sciatic nerve?")
    assert "Spanish: up to date" in first or "Spanish: older than English" in first
    view.form.title.setText("What is the sciatic nerve? (new)")
    view.save_now()
    assert "Spanish: older than English" in view.sections.item(0).text()

    view.move_page(1)
    settle(qtbot, view)
    assert view.sections.item(1).text().startswith("What is the sciatic nerve? (new)")
    assert view.publish.isEnabled()

    count = view.sections.count()
    view.add.click()
    assert view.sections.count() == count + 1
    assert view.form.title.text() == "New page"
    new = view.current
    assert new is not None
    assert new.exists()
    assert "Spanish: missing" in view.sections.currentItem().text()
    settle(qtbot, view)
    assert not view.publish.isEnabled()  # a new page needs its picture description
    assert view.form.notes["image_alt"].isVisible()

    view.remove.click()
    assert new.exists()  # the first click only asks
    view.remove.click()
    assert not new.exists()
    assert view.sections.count() == count
    settle(qtbot, view)
    assert view.publish.isEnabled()


def test_switching_language_edits_the_other_file_and_never_mixes_them(qtbot, pages):
    view, drafts, _store = pages
    english = (drafts / PAGE).read_text(encoding="utf-8")
    view.editing.setCurrentIndex(view.editing.findData("es"))
    assert view.current == drafts / "es" / "10-the-sciatic-nerve.md"
    assert view.form.title.text() == "\u00bfQu\u00e9 es el nervio ci\u00e1tico?"
    view.form.title.setText("El nervio ci\u00e1tico")
    view.editing.setCurrentIndex(view.editing.findData("en"))
    assert view.form.title.text() == "What is the sciatic nerve?"
    assert (drafts / PAGE).read_text(encoding="utf-8") == english
    assert "title: El nervio ci\u00e1tico\n" in (
        drafts / "es" / "10-the-sciatic-nerve.md").read_text(encoding="utf-8")
    settle(qtbot, view)
    assert view.preview.shown_text["es"].startswith("El nervio ci\u00e1tico")


def test_the_view_fits_a_portrait_screen(pages):
    view, _drafts, _store = pages
    assert view.minimumSizeHint().width() <= 1080
