"""kiosk check lists broken interface strings; the kiosk shows English for them instead."""

from __future__ import annotations

from pathlib import Path

from kiosk.config import I18N_DIR
from kiosk.content.model import Severity
from kiosk.contrast import low_contrast_pairs, ratio
from kiosk.i18n import check_strings, load_strings
from kiosk.signups.entry import ERROR_STRINGS


def write(folder: Path, language: str, text: str) -> Path:
    path = folder / f"{language}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_languages_are_complete():
    assert check_strings(I18N_DIR, ["en", "es"]) == []


def test_a_missing_string_is_a_warning_and_falls_back_to_english(tmp_path):
    write(tmp_path, "en", 'next = "Next"\nhome = "Home"\n')
    write(tmp_path, "es", 'next = "Seguir"\n')
    problems = check_strings(tmp_path, ["en", "es"])
    assert [(p.line, p.message, p.severity) for p in problems] == [
        (1, "'home' is missing; the English text is shown", Severity.WARNING)]
    assert load_strings(tmp_path, "es")["home"] == "Home"


def test_a_misspelt_key_is_named_with_its_line_and_a_suggestion(tmp_path):
    write(tmp_path, "en", 'next = "Next"\nhome = "Home"\n')
    write(tmp_path, "es", 'next = "Seguir"\n\nhomme = "Inicio"\n')
    messages = [str(p) for p in check_strings(tmp_path, ["en", "es"])]
    assert f"{tmp_path / 'es.toml'}:3: warning: unknown string 'homme'; did you mean 'home'?" \
        in messages


def test_a_changed_placeholder_is_an_error_and_the_english_text_is_used(tmp_path):
    write(tmp_path, "en", 'idle = "Starting over in {seconds} seconds"\n')
    write(tmp_path, "es", '# comment\nidle = "Empieza en {segundos} segundos"\n')
    problems = check_strings(tmp_path, ["en", "es"])
    assert [(p.line, p.severity) for p in problems] == [(2, Severity.ERROR)]
    assert "{seconds}" in problems[0].message
    # A typo there must never reach format() on the screen.
    assert load_strings(tmp_path, "es")["idle"].format(seconds=20) == "Starting over in 20 seconds"


def test_broken_toml_is_an_error_at_its_line(tmp_path):
    write(tmp_path, "en", 'next = "Next"\n')
    write(tmp_path, "es", 'next = "Seguir"\nhome = "Inicio\n')
    problems = check_strings(tmp_path, ["en", "es"])
    assert [(p.line, p.severity) for p in problems] == [(2, Severity.ERROR)]


def test_a_third_language_needs_only_its_file(tmp_path):
    write(tmp_path, "en", 'next = "Next"\nlanguage_name = "English"\n')
    write(tmp_path, "fr", 'next = "Suivant"\nlanguage_name = "Français"\n')
    assert check_strings(tmp_path, ["en", "fr"]) == []
    assert load_strings(tmp_path, "fr")["language_name"] == "Français"


def test_contrast_matches_wcag_reference_values():
    assert round(ratio("#000000", "#FFFFFF"), 1) == 21.0
    assert round(ratio("#777777", "#FFFFFF"), 2) == 4.48  # WCAG's classic borderline grey
    assert ratio("#123456", "#123456") == 1.0


def test_the_shipped_themes_have_readable_text():
    from dataclasses import asdict

    from kiosk.config import Theme, load_settings

    assert low_contrast_pairs(asdict(load_settings(environ={}).theme)) == []
    assert low_contrast_pairs(asdict(Theme())) == []
    assert [fg for fg, _bg, _r in low_contrast_pairs(
        asdict(Theme(muted_text="#999999")))] == ["muted_text", "muted_text"]


def test_an_error_string_english_lacks_is_an_error_another_language_a_warning(tmp_path):
    """The form's error keys (entry.ERROR_STRINGS) are looked up by code: without English
    words the patient gets "error.generic", not what to fix (issue 14: ERROR_KEYS checked
    nothing)."""
    write(tmp_path, "en", 'next = "Next"\n"error.name_missing" = "Please type your name."\n')
    write(tmp_path, "es", 'next = "Seguir"\n')
    problems = check_strings(tmp_path, ["en", "es"],
                             ["error.name_missing", "error.phone_invalid"])
    assert [(p.path.name, p.message, p.severity) for p in problems] == [
        ("en.toml", "'error.phone_invalid' is missing; patients are shown a general "
         "message instead", Severity.ERROR),
        ("es.toml", "'error.name_missing' is missing; the English text is shown",
         Severity.WARNING),
        ("es.toml", "'error.phone_invalid' is missing; the English text is shown",
         Severity.WARNING)]


def test_the_shipped_languages_have_every_error_string():
    assert check_strings(I18N_DIR, ["en", "es"], ERROR_STRINGS) == []
