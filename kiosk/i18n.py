"""Interface strings per language, from ``resources/i18n/<lang>.toml``. Qt-free."""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Mapping
from pathlib import Path

log = logging.getLogger(__name__)

FALLBACK_LANGUAGE = "en"


class Strings(Mapping[str, str]):
    """Strings of one language; a key missing there comes from English, then the key itself."""

    def __init__(self, own: Mapping[str, str], fallback: Mapping[str, str]) -> None:
        self._own = dict(own)
        self._fallback = dict(fallback)

    def __getitem__(self, key: str) -> str:
        if key in self._own:
            return self._own[key]
        if key in self._fallback:
            return self._fallback[key]
        log.warning("interface string %r is missing in every language", key)
        return key

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._fallback | self._own)

    def __len__(self) -> int:
        return len(self._fallback | self._own)


def _read(folder: Path, language: str) -> dict[str, str]:
    path = folder / f"{language}.toml"
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        log.error("cannot read interface strings %s: %s", path, e)
        return {}
    return {k: v for k, v in data.items() if isinstance(v, str)}


def load_strings(folder: Path, language: str) -> Strings:
    fallback = _read(folder, FALLBACK_LANGUAGE)
    own = fallback if language == FALLBACK_LANGUAGE else _read(folder, language)
    return Strings(own, fallback)
