"""Take home: which addresses a page's QR code may open, the [take_home] settings, the
contact card, and what `kiosk check` says (issue 17)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_settings
from kiosk.content import frontmatter
from kiosk.take_home import (
    QUIET_ZONE,
    TakeHomeConfig,
    address_problem,
    contact_card,
    qr_svg,
)

REAL_CONTENT = Path(__file__).resolve().parents[2] / "resources" / "content"
DOMAINS = ("example-clinic.com",)


@pytest.mark.parametrize("url", [
    "https://example-clinic.com/sciatica",
    "https://www.example-clinic.com/es/ciatica?from=kiosk#top",
    "https://EXAMPLE-clinic.com",
])
def test_the_clinics_own_https_pages_are_accepted(url):
    assert address_problem(url, DOMAINS) is None


@pytest.mark.parametrize(("url", "reason"), [
    ("http://example-clinic.com/sciatica", "https://"),
    ("https://example-clinic.com.evil.net/x", "not example-clinic.com.evil.net"),
    ("https://notexample-clinic.com/x", "not notexample-clinic.com"),
    ("https://user:pw@example-clinic.com/x", "user name or password"),
    ("javascript:alert(1)", "https://"),
])
def test_other_addresses_are_refused(url, reason):
    assert reason in (address_problem(url, DOMAINS) or "")


def test_without_domains_no_address_is_accepted():
    assert "domains" in (address_problem("https://example-clinic.com/", ()) or "")


def test_more_info_in_front_matter_must_be_an_https_address():
    good = frontmatter.parse("---\ntitle: T\nimage: a.svg\nimage_alt: A\n"
                             "more_info: https://example-clinic.com/x\n---\nBody\n")
    assert good.errors == []
    assert good.values["more_info"] == "https://example-clinic.com/x"
    bad = frontmatter.parse("---\ntitle: T\nimage: a.svg\nimage_alt: A\n"
                            "more_info: www.example-clinic.com\n---\nBody\n")
    assert bad.errors == [(5, "'more_info' must be a web address starting with https://, "
                              "not 'www.example-clinic.com'")]


def test_take_home_settings(tmp_path):
    assert load_settings(environ={}).take_home == TakeHomeConfig()  # shipped: off
    own = tmp_path / "kiosk.toml"
    own.write_text('[take_home]\nenabled = true\ndomains = ["example-clinic.com"]\n'
                   'phone = "+1 202 555 0143"\naddress = "12 Elm Street, Springfield"\n',
                   encoding="utf-8")
    assert load_settings(own, environ={}).take_home == TakeHomeConfig(
        True, DOMAINS, "+1 202 555 0143", "12 Elm Street, Springfield")


@pytest.mark.parametrize(("text", "message"), [
    ('domains = ["https://example-clinic.com"]', "'domains' in \\[take_home\\]"),
    ("enabled = 1", "'enabled' must be bool"),
    ('phone = "1\\n2"', "'phone' in \\[take_home\\] must be one line"),
    ("url = 'x'", "unknown key 'url'"),
])
def test_bad_take_home_settings_say_what_is_wrong(tmp_path, text, message):
    own = tmp_path / "kiosk.toml"
    own.write_text(f"[take_home]\n{text}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_settings(own, environ={})


def test_the_contact_card_is_a_vcard_with_name_phone_and_address():
    config = TakeHomeConfig(True, DOMAINS, "+1 202 555 0143", "12 Elm Street, Springfield")
    card = contact_card("Maple Street", config)
    assert card is not None
    assert card.startswith("BEGIN:VCARD")
    assert "FN:Maple Street" in card
    assert "TEL:+1 202 555 0143" in card
    assert "12 Elm Street\\, Springfield" in card
    assert contact_card("Maple Street", TakeHomeConfig(False, DOMAINS, "1", "2")) is None
    assert contact_card("Maple Street", TakeHomeConfig(True, DOMAINS)) is None


def test_the_code_is_a_vector_drawing_with_its_quiet_zone():
    svg, modules = qr_svg("https://example-clinic.com/sciatica")
    assert svg.startswith(b"<svg")
    assert f'width="{modules}" height="{modules}"'.encode() in svg
    # White under everything (the quiet zone too), black modules.
    assert f'<path fill="#fff" d="M0 0h{modules}v{modules}h-{modules}z"/>'.encode() in svg
    assert modules == 29 + 2 * QUIET_ZONE  # version 3 for this length, 4 modules each side
    assert b"<image" not in svg  # drawn, not a bitmap


def test_kiosk_check_refuses_a_page_address_off_the_clinics_domains(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, content)
    page = content / "en" / "20-what-sciatica-feels-like.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("\norder:", "\nmore_info: https://elsewhere.example/x\norder:",
                                 1), encoding="utf-8")
    line = page.read_text(encoding="utf-8").splitlines().index(
        "more_info: https://elsewhere.example/x") + 1
    config = tmp_path / "kiosk.toml"
    config.write_text('[take_home]\nenabled = true\ndomains = ["example-clinic.com"]\n',
                      encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "kiosk", "check", "--config", str(config),
                             str(content)], capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert (f"{page}:{line}: 'more_info' must be on the clinic's own site "
            "(example-clinic.com), not elsewhere.example") in result.stdout.splitlines()
