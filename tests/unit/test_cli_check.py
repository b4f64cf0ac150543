"""`kiosk check` as staff run it: a real process, its output and its exit code."""

import subprocess
import sys
from pathlib import Path

from kiosk.config import RESOURCES

CORPUS = Path(__file__).parent / "corpus"


def run_check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", "check", *args],
                          capture_output=True, text=True, check=False)


def test_shipped_content_passes():
    result = run_check(str(RESOURCES / "content"))
    assert result.returncode == 0, result.stdout + result.stderr
    *warnings, summary = result.stdout.splitlines()
    # No clinician has reviewed the shipped pages yet: check says so for each, and nothing else.
    assert len(warnings) == 22
    assert all(": warning: not reviewed yet: " in line for line in warnings), warnings
    assert summary.startswith("OK: 11 pages in ")
    assert summary.endswith(", 22 warning(s)")
    assert result.stderr == ""


def test_broken_content_lists_file_line_message_and_exits_1(tmp_path):
    # The corpus is English only; the shipped kiosk.toml also lists Spanish, whose
    # "no es version" warnings name the language folder, not a file.
    config = tmp_path / "kiosk.toml"
    config.write_text('[content]\nlanguages = ["en"]\n')
    result = run_check("--config", str(config), str(CORPUS))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) >= 24
    for line in lines:
        path, number, message = line.split(":", 2)
        assert Path(path).name.endswith(".md"), line
        assert number.isdigit(), line
        assert message.strip(), line
    assert "error(s)" in result.stderr


def test_a_missing_folder_is_an_error_not_a_crash(tmp_path):
    result = run_check(str(tmp_path / "nothing-here"))
    assert result.returncode == 1
    assert "the content folder does not exist" in result.stdout
    assert "Traceback" not in result.stderr


def test_language_gaps_are_warnings_not_errors(tmp_path):
    content = tmp_path / "content"
    (content / "en").mkdir(parents=True)
    (content / "es").mkdir()
    (content / "images").mkdir()
    # A size, or Qt draws nothing (and the check, which now draws it, says so).
    (content / "images" / "a.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    (content / "en" / "10-one.md").write_text(
        "---\ntitle: One\nimage: a.svg\nimage_alt: a\n---\nText.\n")
    config = tmp_path / "kiosk.toml"
    config.write_text('[content]\nlanguages = ["en", "es"]\n')
    result = run_check("--config", str(config), str(content))
    assert result.returncode == 0, result.stdout
    assert "warning: 'one' has no es version; the en page is shown" in result.stdout
    assert "OK: 1 pages" in result.stdout


def test_reviews_lists_each_page_with_its_sources_for_sign_off():
    result = run_check("--reviews", str(RESOURCES / "content"))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    heads = [line for line in lines if line.endswith(": not reviewed yet")]
    assert len(heads) == 22
    sources = [line for line in lines if ":   source: " in line]
    assert sources
    assert any("30-what-pinches-the-nerve.md:   source: Sciatica - Symptoms and causes "
               "(Mayo Clinic) <https://www.mayoclinic.org/" in line for line in sources)


def test_a_reviewed_page_says_who_and_when(tmp_path):
    content = tmp_path / "content"
    (content / "en").mkdir(parents=True)
    (content / "images").mkdir()
    (content / "images" / "a.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    (content / "en" / "10-one.md").write_text(
        "---\ntitle: One\nimage: a.svg\nimage_alt: a\nreviewed_by: A. Tester (test data)\n"
        "reviewed_on: 2026-01-02\nsource: Sciatica (Mayo Clinic) https://www.mayoclinic.org/x\n"
        "---\nText.\n")
    config = tmp_path / "kiosk.toml"
    config.write_text('[content]\nlanguages = ["en"]\n')
    result = run_check("--config", str(config), "--reviews", str(content))
    assert result.returncode == 0, result.stdout
    assert "warning" not in result.stdout
    assert "10-one.md: reviewed by A. Tester (test data) on 2026-01-02" in result.stdout
    assert "10-one.md:   source: Sciatica (Mayo Clinic) <https://www.mayoclinic.org/x>" in (
        result.stdout)
