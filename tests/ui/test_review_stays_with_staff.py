"""A page's review and sources are for staff: no patient screen shows or announces them."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QLabel, QTextBrowser, QWidget

REVIEWER = "Dr. Qx Unseen (test data)"
SOURCE_HOST = "sources.example.org"


def everything_a_patient_can_read(window) -> str:
    parts = [window.windowTitle(), window.accessibleName()]
    for widget in window.findChildren(QWidget):
        parts += [widget.accessibleName(), widget.accessibleDescription(), widget.toolTip()]
        if isinstance(widget, QLabel | QAbstractButton):
            parts.append(widget.text())
        if isinstance(widget, QTextBrowser):
            parts.append(widget.toPlainText())
            parts.append(widget.toHtml())
    return "\n".join(parts)


def test_the_reviewer_and_sources_never_reach_a_patient_screen(make_window, content_dir):
    page = content_dir / "en" / "10-the-sciatic-nerve.md"
    text = page.read_text(encoding="utf-8")
    text = text.replace("reviewed_by:\n", f"reviewed_by: {REVIEWER}\n", 1)
    text = text.replace("reviewed_on:\n", "reviewed_on: 2026-01-02\n", 1)
    text = text.replace("\n---\n", f"\nsource: Test source https://{SOURCE_HOST}/page\n---\n", 1)
    page.write_text(text, encoding="utf-8")
    window = make_window(content=content_dir)
    section = window.sections[0]
    assert section.review.reviewed_by == REVIEWER  # the review did load
    for show in (window.show_attract, lambda: window.show_section(0), window.show_topics):
        show()
        seen = everything_a_patient_can_read(window)
        assert REVIEWER not in seen
        assert SOURCE_HOST not in seen
        assert "2026-01-02" not in seen
