from pathlib import Path

import pytest

from kiosk.config import RESOURCES, ConfigError, load_settings


def test_bundled_defaults_load(tmp_path):
    settings = load_settings(data_dir=tmp_path, environ={})
    assert settings.content_dir == (RESOURCES / "content").resolve()
    assert settings.logo == RESOURCES / "branding" / "logo.svg"
    assert settings.default_language == "en"
    assert settings.log_dir == (tmp_path / "logs").resolve()
    assert settings.theme.body_px >= 28


def test_a_clinic_file_overrides_only_what_it_sets(tmp_path):
    clinic = tmp_path / "kiosk.toml"
    clinic.write_text('[clinic]\nname = "Oak Clinic"\n[content]\nfolder = "mine"\n'
                      '[theme]\nprimary = "#112233"\n')
    settings = load_settings(clinic, data_dir=tmp_path, environ={})
    assert settings.clinic_name == "Oak Clinic"
    assert settings.content_dir == (tmp_path / "mine").resolve()
    assert settings.theme.primary == "#112233"
    assert settings.theme.background == "#F7F4EE"
    # The logo it did not set still comes from the bundled resources.
    assert settings.logo == RESOURCES / "branding" / "logo.svg"


def test_command_line_beats_environment_beats_file(tmp_path):
    env = {"KIOSK_CONTENT_DIR": str(tmp_path / "env"), "KIOSK_DATA_DIR": str(tmp_path / "d")}
    assert load_settings(environ=env).content_dir == (tmp_path / "env").resolve()
    assert load_settings(content_dir=Path("/x"), environ=env).content_dir == Path("/x")
    assert load_settings(environ=env).data_dir == (tmp_path / "d").resolve()


@pytest.mark.parametrize(("text", "words"), [
    ("[theme]\nprimary = \"blue\"\n", "must look like #1A4E72"),
    ("[theme]\nbody_px = 12\n", "between 24 and 80"),
    ("[theme]\nbody_px = true\n", "must be int"),
    ("[theme]\ncolour = \"#000000\"\n", "unknown key 'colour'"),
    ("[content]\ndefault_language = \"fr\"\n", "not in languages"),
    ("[clinic\nname = 1\n", "line 1"),
    # A newline after the digits would go into every page that shows the number.
    ("[clinic]\nemergency_number = \"911\\n\"\n", "'emergency_number' must be the digits"),
])
def test_bad_settings_say_where_and_why(tmp_path, text, words):
    clinic = tmp_path / "kiosk.toml"
    clinic.write_text(text)
    with pytest.raises(ConfigError, match=r"kiosk\.toml") as error:
        load_settings(clinic, data_dir=tmp_path, environ={})
    assert words in str(error.value)
