"""Settings and every path the kiosk uses, resolved in one place.

Defaults come from ``resources/kiosk.toml``; a clinic's own file (``--config``) overrides
keys it sets, and command-line options / environment variables override folders. Nothing
else in the program builds paths. Qt-free.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import platformdirs

from kiosk.config_tables import ConfigError, server_table, speech_table, take_home_table, typed
from kiosk.server.config import ServerConfig
from kiosk.speech import SpeechConfig
from kiosk.take_home import TakeHomeConfig

__all__ = ["ConfigError", "Settings", "Theme", "load_settings"]

APP_NAME = "sciatica-kiosk"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESOURCES = PROJECT_ROOT / "resources"
DEFAULT_CONFIG = RESOURCES / "kiosk.toml"
I18N_DIR = RESOURCES / "i18n"
CHECK_MARK = RESOURCES / "ui" / "check-mark.svg"

_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
# Digits with spaces or dashes between, an optional + first: it goes into Markdown as it is,
# so nothing that Markdown or HTML would read as markup may be in it.
# Matched whole (fullmatch): with re.match, "$" also matches before a final newline.
_EMERGENCY_NUMBER = re.compile(r"\+?[0-9](?:[0-9 -]{0,18}[0-9])?")
# The text sizes "Larger text" steps through, in percent of body_px (WCAG 1.4.4 asks 200%).
TEXT_PERCENTS = (100, 150, 200)


@dataclass(frozen=True)
class Theme:
    background: str = "#F7F4EE"
    surface: str = "#FFFFFF"
    text: str = "#1B2430"
    muted_text: str = "#3D4A5C"
    primary: str = "#1A4E72"
    on_primary: str = "#FFFFFF"
    accent: str = "#E8A317"
    error: str = "#8E1F24"
    keyboard: str = "#D9E2EA"
    body_px: int = 34


@dataclass(frozen=True)
class Settings:
    clinic_name: str
    logo: Path
    content_dir: Path
    data_dir: Path
    log_dir: Path
    default_language: str = "en"
    languages: tuple[str, ...] = ("en",)
    theme: Theme = field(default_factory=Theme)
    attract_cycle_ms: int = 6000
    reload_quiet_ms: int = 700
    windowed: bool = False
    idle_ms: int = 90_000
    idle_form_ms: int = 180_000
    idle_countdown_ms: int = 30_000
    thank_you_ms: int = 12000
    staff_hold_ms: int = 3000
    staff_idle_ms: int = 120000
    phone_region: str = "US"
    # What the "get help right away" page tells patients to call ({emergency_number}).
    emergency_number: str = "911"
    retention_days: int = 90
    export_dir: Path | None = None
    # What each patient starts with; "Larger text" and "High contrast" change it until the
    # idle reset. Reduced motion: no cycling pictures on the start screen.
    text_percent: int = 100
    high_contrast: bool = False
    reduced_motion: bool = False
    # Content limits (issue 13): what one drawing may cost to draw, how big a content folder
    # may be, and how much of the data disk a copy of it must leave for sign-ups.
    drawing_budget_ms: int = 1500
    drawing_memory_mb: int = 512
    max_content_mb: int = 50
    max_content_files: int = 300
    keep_free_mb: int = 200
    # A changed folder is taken only once it has stayed the same this long (a slow copy
    # pauses between files), and looked at this often whatever the file watcher saw.
    reload_settle_ms: int = 5000
    content_check_ms: int = 15_000
    # Verdicts worth keeping between runs (what each drawing costs to draw).
    cache_dir: Path | None = None
    # The Listen button: speech engine, player, voices, rate and volume ([speech]).
    speech: SpeechConfig = field(default_factory=SpeechConfig)
    # QR codes to take a page home ([take_home]).
    take_home: TakeHomeConfig = field(default_factory=TakeHomeConfig)
    # Where the staff panel looks for a USB stick's published pages (issue 16): folders or
    # glob patterns; the first that holds versions is used ([content] usb_pages).
    usb_pages: tuple[str, ...] = ("/media/*/*/kiosk-pages", "/media/*/kiosk-pages",
                                  "/run/media/*/*/kiosk-pages")
    # The clinic server ([server]); None: the embedded default (sign-ups stay on the kiosk).
    server: ServerConfig | None = None

    @property
    def page_values(self) -> dict[str, str]:
        """What the pages' ``{placeholders}`` are filled with."""
        return {"emergency_number": self.emergency_number}

    @property
    def signups_db(self) -> Path:
        return self.data_dir / "signups.db"

    @property
    def keys_file(self) -> Path:
        """The clinic's public key and its passphrase-encrypted private key."""
        return self.data_dir / "clinic-keys.json"

    @property
    def pin_file(self) -> Path:
        """The staff PIN's Argon2id hash and the count of wrong tries."""
        return self.data_dir / "staff-pin.json"

    @property
    def audit_log(self) -> Path:
        """Who did what in the staff panel, when; never patient data."""
        return self.data_dir / "audit.log"

    @property
    def desk_guard_file(self) -> Path:
        """The desk app's count of wrong passphrase tries (it has no PIN)."""
        return self.data_dir / "desk-unlock.json"

    @property
    def desk_log_file(self) -> Path:
        return self.log_dir / "desk.log"

    @property
    def exports(self) -> Path | None:
        """Where the staff panel writes CSV files; None until the clinic sets one."""
        return self.export_dir

    @property
    def last_good_content_dir(self) -> Path:
        """Copy of the last content that passed every check, used if the live folder breaks."""
        return self.data_dir / "last-good-content"

    @property
    def content_versions_dir(self) -> Path:
        """The last few published versions this kiosk showed, hash-checked (issue 16)."""
        return self.data_dir / "content-versions"

    @property
    def content_shown_file(self) -> Path:
        """Which kept version the live folder was last set to, and since when."""
        return self.data_dir / "content-shown.json"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "kiosk.log"

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **changes)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError as e:
        raise ConfigError(f"{path}: settings file not found") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: {e}") from e
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror}") from e


def _merge(base: dict[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _section(data: Mapping[str, Any], name: str, source: Path) -> Mapping[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, Mapping):
        raise ConfigError(f"{source}: [{name}] must be a table")
    return value


def _theme(table: Mapping[str, Any], where: str) -> Theme:
    defaults = Theme()
    values: dict[str, Any] = {}
    for key in table:
        if key not in Theme.__dataclass_fields__:
            raise ConfigError(f"{where}: unknown key '{key}' in [theme]")
    for key in Theme.__dataclass_fields__:
        if key not in table:
            continue
        if key == "body_px":
            px = typed(table, key, int, where)
            if not 24 <= px <= 80:
                raise ConfigError(f"{where}: 'body_px' must be between 24 and 80")
            values[key] = px
        else:
            colour = typed(table, key, str, where)
            if not _COLOUR.match(colour):
                raise ConfigError(f"{where}: '{key}' must look like #1A4E72, not {colour!r}")
            values[key] = colour
    return replace(defaults, **values)


def _read_settings_file(path: Path) -> dict[str, Any]:
    """Read one settings file, making its relative paths relative to its own folder."""
    data = _read_toml(path)
    for table, key in (("clinic", "logo"), ("content", "folder"), ("signup", "export_folder")):
        section = data.get(table)
        if isinstance(section, dict) and isinstance(section.get(key), str) and section[key]:
            value = Path(section[key]).expanduser()
            section[key] = str(value if value.is_absolute() else path.parent / value)
    return data


def load_settings(
    config_file: Path | None = None,
    *,
    content_dir: Path | None = None,
    data_dir: Path | None = None,
    windowed: bool = False,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Build the settings: bundled defaults, then the clinic's file, then explicit overrides.

    Relative paths in a settings file are relative to that file's folder.
    """
    env = os.environ if environ is None else environ
    data = _read_settings_file(DEFAULT_CONFIG)
    source = DEFAULT_CONFIG
    if config_file is None and env.get("KIOSK_CONFIG"):
        config_file = Path(env["KIOSK_CONFIG"])
    if config_file is not None:
        source = config_file.resolve()
        data = _merge(data, _read_settings_file(source))
    where = str(source)

    clinic = _section(data, "clinic", source)
    content = _section(data, "content", source)
    timing = _section(data, "timing", source)

    languages = content.get("languages", ["en"])
    if not isinstance(languages, list) or not languages or not all(
        isinstance(x, str) and re.fullmatch(r"[a-z]{2}", x) for x in languages
    ):
        raise ConfigError(f"{where}: 'languages' must be a list like [\"en\", \"es\"]")
    default_language = typed(content, "default_language", str, where)
    if default_language not in languages:
        raise ConfigError(f"{where}: default_language {default_language!r} is not in languages")

    emergency = typed(clinic, "emergency_number", str, where)
    if not _EMERGENCY_NUMBER.fullmatch(emergency):
        raise ConfigError(f"{where}: 'emergency_number' must be the digits patients dial, "
                          f"like \"911\", not {emergency!r}")

    access = _section(data, "accessibility", source)
    text_percent = access.get("text_percent", 100)
    if text_percent not in TEXT_PERCENTS or isinstance(text_percent, bool):
        raise ConfigError(f"{where}: 'text_percent' must be one of 100, 150 or 200")
    high_contrast = access.get("high_contrast", False)
    reduced_motion = access.get("reduced_motion", False)
    for key, value in (("high_contrast", high_contrast), ("reduced_motion", reduced_motion)):
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: '{key}' must be true or false, not {value!r}")

    signup = _section(data, "signup", source)
    region = typed(signup, "phone_region", str, where)
    if not re.fullmatch(r"[A-Z]{2}", region):
        raise ConfigError(f"{where}: 'phone_region' must be a country code like \"US\"")
    retention = typed(signup, "retention_days", int, where)
    if not 1 <= retention <= 3650:
        raise ConfigError(f"{where}: 'retention_days' must be between 1 and 3650")
    export_folder = typed(signup, "export_folder", str, where)

    seconds = {
        key: typed(timing, key, int, where)
        for key in ("thank_you_seconds", "staff_hold_seconds", "staff_idle_seconds",
                    "idle_seconds", "idle_form_seconds", "idle_countdown_seconds")
    }
    for key, value in seconds.items():
        if not 1 <= value <= 3600:
            raise ConfigError(f"{where}: '{key}' must be between 1 and 3600")
    if seconds["idle_countdown_seconds"] < 20:
        raise ConfigError(f"{where}: 'idle_countdown_seconds' must be at least 20")
    attract_s = typed(timing, "attract_cycle_seconds", int, where)
    reload_ms = typed(timing, "reload_quiet_ms", int, where)
    limits = _content_limits(content, timing, where)

    env_content = env.get("KIOSK_CONTENT_DIR")
    env_data = env.get("KIOSK_DATA_DIR")
    resolved_content = (
        content_dir
        or (Path(env_content) if env_content else None)
        or Path(typed(content, "folder", str, where))
    )
    resolved_data = (
        data_dir
        or (Path(env_data) if env_data else None)
        or Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    )
    # With an explicit data folder everything the kiosk writes stays inside it (tests, previews).
    if data_dir or env_data:
        log_dir = resolved_data / "logs"
        cache_dir = resolved_data / "cache"
    else:
        log_dir = Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
        cache_dir = Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))

    return Settings(
        clinic_name=typed(clinic, "name", str, where),
        logo=Path(typed(clinic, "logo", str, where)),
        content_dir=resolved_content.resolve(),
        data_dir=resolved_data.resolve(),
        log_dir=log_dir.resolve(),
        default_language=default_language,
        languages=tuple(languages),
        theme=_theme(_section(data, "theme", source), where),
        attract_cycle_ms=max(1, attract_s) * 1000,
        reload_quiet_ms=max(50, reload_ms),
        thank_you_ms=seconds["thank_you_seconds"] * 1000,
        idle_ms=seconds["idle_seconds"] * 1000,
        idle_form_ms=seconds["idle_form_seconds"] * 1000,
        idle_countdown_ms=seconds["idle_countdown_seconds"] * 1000,
        staff_hold_ms=seconds["staff_hold_seconds"] * 1000,
        staff_idle_ms=seconds["staff_idle_seconds"] * 1000,
        windowed=windowed,
        phone_region=region,
        emergency_number=emergency,
        retention_days=retention,
        export_dir=Path(export_folder) if export_folder else None,
        text_percent=text_percent,
        high_contrast=high_contrast,
        reduced_motion=reduced_motion,
        cache_dir=cache_dir.resolve(),
        speech=speech_table(_section(data, "speech", source), where),
        take_home=take_home_table(_section(data, "take_home", source), where),
        usb_pages=_usb_pages(content, where) or Settings.usb_pages,
        server=server_table(_section(data, "server", source), where),
        **limits,
    )


def _usb_pages(content: Mapping[str, Any], where: str) -> tuple[str, ...]:
    if "usb_pages" not in content:
        return ()
    value = content["usb_pages"]
    if not isinstance(value, list) or not all(isinstance(x, str) and x for x in value):
        raise ConfigError(f"{where}: 'usb_pages' must be a list of folders, like "
                          "[\"/media/kiosk/*/kiosk-pages\"]")
    return tuple(value)


# [content] / [timing] key -> (Settings field, lowest, highest, factor to the field's unit).
_LIMITS = {
    ("content", "drawing_budget_ms"): ("drawing_budget_ms", 100, 60_000, 1),
    ("content", "drawing_memory_mb"): ("drawing_memory_mb", 64, 8192, 1),
    ("content", "max_folder_mb"): ("max_content_mb", 1, 10_000, 1),
    ("content", "max_files"): ("max_content_files", 10, 100_000, 1),
    ("content", "keep_free_for_signups_mb"): ("keep_free_mb", 0, 100_000, 1),
    ("timing", "reload_settle_ms"): ("reload_settle_ms", 0, 600_000, 1),
    ("timing", "content_check_seconds"): ("content_check_ms", 1, 60, 1000),
}


def _content_limits(content: Mapping[str, Any], timing: Mapping[str, Any],
                    where: str) -> dict[str, int]:
    """The content limits a clinic may set; a key left out keeps the Settings default."""
    tables = {"content": content, "timing": timing}
    values: dict[str, int] = {}
    for (table, key), (name, lowest, highest, factor) in _LIMITS.items():
        if key not in tables[table]:
            continue
        value = typed(tables[table], key, int, where)
        if not lowest <= value <= highest:
            raise ConfigError(f"{where}: '{key}' must be between {lowest} and {highest}")
        values[name] = value * factor
    return values
