"""Take home: the QR codes read from the rendered screen's pixels (zbar), as a phone would,
on a section page and the thank-you page, in both orientations, at 200% text and in high
contrast (issue 17)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtGui import QAccessible, QImage
from PySide6.QtWidgets import QLabel

from kiosk.config import I18N_DIR
from kiosk.content.last_good import load_live
from kiosk.i18n import load_translations
from kiosk.take_home import TakeHomeConfig
from kiosk.ui.shell.window import KioskWindow
from kiosk.ui.widgets.qr_code import MIN_CODE_PX, QrCode

from .conftest import LANDSCAPE, PORTRAIT, WAIT_MS

zbar = pytest.importorskip("pyzbar.pyzbar", reason="pyzbar and libzbar0 decode the codes")

ADDRESS = "https://www.example-clinic.com/sciatica/what-it-feels-like?from=kiosk"
TAKE_HOME = TakeHomeConfig(enabled=True, domains=("example-clinic.com",),
                           phone="+1 202 555 0143", address="12 Elm Street, Springfield")


def add_more_info(content, slug: str, address: str) -> None:
    for language in ("en", "es"):
        page = next((content / language).glob(f"*-{slug}.md"))
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace("\norder:", f"\nmore_info: {address}\norder:", 1),
                        encoding="utf-8")


def screen_codes(window: KioskWindow) -> list[str]:
    """Every QR code zbar finds in the window's pixels, as a phone camera would see them."""
    image = window.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    raw = bytes(image.constBits())
    pixels = b"".join(raw[y * stride:y * stride + width] for y in range(height))
    return [found.data.decode("utf-8") for found in zbar.decode((pixels, width, height))
            if found.type == "QRCODE"]


@pytest.fixture
def take_home_window(make_window, make_settings, content_dir, tmp_path):
    add_more_info(content_dir, "what-sciatica-feels-like", ADDRESS)

    def make(size, percent=100, language="en", high_contrast=False) -> KioskWindow:
        settings = make_settings(content_dir, data_dir=tmp_path / "data",
                                 languages=("en", "es"), take_home=TAKE_HOME)
        window = make_window(size, settings=settings)
        window.present(replace(window.presentation, language=language, text_percent=percent,
                               high_contrast=high_contrast))
        return window

    return make


LOOKS = [pytest.param(size, percent, language, contrast,
                      id=f"{name}-{language}-{percent}{'-contrast' if contrast else ''}")
         for name, size in (("landscape", LANDSCAPE), ("portrait", PORTRAIT))
         for percent, language, contrast in ((100, "en", False), (200, "es", False),
                                             (200, "en", True))]


@pytest.mark.parametrize(("size", "percent", "language", "contrast"), LOOKS)
def test_the_page_code_opens_its_address_read_from_the_screen(qtbot, take_home_window, size,
                                                             percent, language, contrast):
    window = take_home_window(size, percent, language, contrast)
    index = next(i for i, s in enumerate(window.sections)
                 if s.slug == "what-sciatica-feels-like")
    window.show_section(index)
    page = window.section_pages[index]
    qtbot.waitUntil(lambda: page.take_home is not None and page.take_home.isVisible(),
                    timeout=WAIT_MS)
    assert screen_codes(window) == [ADDRESS]
    code = page.take_home
    assert isinstance(code, QrCode)
    # At least 3 cm on a 15.6" 1080p screen (see ui/widgets/qr_code.py), whole pixels a module.
    inner = code.picture.width() - 2 * 4 * code.picture.module_px
    assert inner >= MIN_CODE_PX
    # Fully on screen, and the line beside it says what it opens.
    assert window.rect().contains(code.picture.mapTo(window, code.picture.rect().topLeft()))
    assert window.rect().contains(code.picture.mapTo(window, code.picture.rect().bottomRight()))
    assert code.caption.text() == window.strings["take_home_page"]
    name = QAccessible.queryAccessibleInterface(code.picture).text(QAccessible.Text.Name)
    assert name == window.strings["take_home_page_name"]


def test_pages_without_more_info_have_no_code(qtbot, take_home_window):
    window = take_home_window(LANDSCAPE)
    window.show_section(0)
    assert window.section_pages[0].take_home is None
    assert screen_codes(window) == []


@pytest.mark.parametrize(("size", "percent", "language", "contrast"), LOOKS)
def test_the_thank_you_code_is_the_clinics_contact_card(qtbot, take_home_window, size,
                                                        percent, language, contrast):
    window = take_home_window(size, percent, language, contrast)
    window.show_thanks()
    qtbot.waitUntil(window.thanks.isVisible, timeout=WAIT_MS)
    codes = screen_codes(window)
    assert len(codes) == 1
    card = codes[0]
    assert card.startswith("BEGIN:VCARD")
    assert "TEL:+1 202 555 0143" in card
    assert "12 Elm Street\\, Springfield" in card
    assert "FN:Maple Street Chiropractic & Massage" in card
    # Nothing cut: the code and every line of words on the page get the room they need
    # (at 200% text the code under the message once pushed both off a landscape screen).
    code = window.thanks._code
    assert code is not None
    assert window.rect().contains(code.picture.mapTo(window, code.picture.rect().bottomRight()))
    for label in window.thanks.findChildren(QLabel):
        if label.isVisible() and label.text():
            # (a pixel or two of rounding is not a cut line)
            assert label.height() + 2 >= label.heightForWidth(label.width()), label.text()
            assert window.rect().contains(label.mapTo(window, label.rect().bottomRight()))


def test_switched_off_there_are_no_codes(qtbot, make_window, make_settings, content_dir,
                                         tmp_path):
    add_more_info(content_dir, "what-sciatica-feels-like", ADDRESS)
    settings = make_settings(content_dir, data_dir=tmp_path / "data",
                             take_home=replace(TAKE_HOME, enabled=False))
    window = make_window(LANDSCAPE, settings=settings)
    assert all(page.take_home is None for page in window.section_pages)
    window.show_thanks()
    assert screen_codes(window) == []


def test_an_address_off_the_clinics_domains_gets_no_code(qtbot, make_window, make_settings,
                                                         content_dir, tmp_path):
    add_more_info(content_dir, "what-sciatica-feels-like", "https://example-clinic.com.evil.net/x")
    settings = make_settings(content_dir, data_dir=tmp_path / "data", take_home=TAKE_HOME)
    window = make_window(LANDSCAPE, settings=settings)
    assert all(page.take_home is None for page in window.section_pages)


@pytest.mark.parametrize("size", [LANDSCAPE, PORTRAIT], ids=["landscape", "portrait"])
@pytest.mark.parametrize(("language", "percent", "contrast"),
                         [("es", 200, False), ("en", 100, True)], ids=["es-200", "contrast"])
def test_listen_and_codes_keep_every_screen_accessible(qtbot, make_settings, content_dir,
                                                       tmp_path, size, language, percent,
                                                       contrast):
    """The accessibility walk (44 px targets that do not overlap, names on every control,
    7:1 contrast on rendered pixels, nothing cut) on a kiosk with Listen buttons and codes."""
    from tests.ui.test_accessibility import _problems, _screens, _settle
    from tests.ui.test_listen import speaker_to

    from .conftest import cheap_services

    add_more_info(content_dir, "what-sciatica-feels-like", ADDRESS)
    settings = make_settings(content_dir, data_dir=tmp_path / "data", languages=("en", "es"),
                             take_home=TAKE_HOME)
    services = cheap_services(settings)
    services.speaker = speaker_to(tmp_path / "heard.wav", tmp_path / "pids", paced=False)
    window = KioskWindow(settings, load_translations(I18N_DIR, settings.languages),
                         load_live(settings).content, services)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    window.present(replace(window.presentation, language=language, text_percent=percent,
                           high_contrast=contrast))
    problems = []
    try:
        for name, show in _screens(window):
            window.reset_signup()
            show()
            qtbot.waitUntil(lambda: window.stack.currentWidget().isVisible(), timeout=WAIT_MS)
            _settle(window)
            problems += [f"{name}: {p}" for p in _problems(window, window.grab().toImage())]
    finally:
        services.signups.store.close()
    assert problems == [], "\n".join(problems)
