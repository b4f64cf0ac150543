"""Interface strings per language, from ``resources/i18n/<lang>.toml``. Qt-free.

English is complete and the reference: a string missing in another language, or one whose
``{placeholders}`` differ from the English ones (a typo there would break ``format``), is
shown in English at run time, and ``kiosk check`` lists it as ``file:line: message``.
Adding a language is a new file here plus its code in ``kiosk.toml``; no code changes.
"""

from __future__ import annotations

import difflib
import logging
import re
import string
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path

from kiosk.content.model import Problem, Severity

log = logging.getLogger(__name__)

FALLBACK_LANGUAGE = "en"
# Every language file names itself, so the language button can offer it in its own words.
LANGUAGE_NAME = "language_name"
_TOML_LINE = re.compile(r"at line (\d+)")


def placeholders(text: str) -> frozenset[str]:
    """The ``{names}`` a string expects ``format`` to fill in."""
    try:
        return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)
    except ValueError:  # an unmatched brace: treated as a placeholder nobody fills
        return frozenset({"{"})


class Strings(Mapping[str, str]):
    """Strings of one language; a key missing there comes from English, then the key itself."""

    def __init__(self, own: Mapping[str, str], fallback: Mapping[str, str],
                 language: str = FALLBACK_LANGUAGE) -> None:
        self.language = language
        self._fallback = dict(fallback)
        self._own = {key: text for key, text in own.items()
                     if key not in fallback or placeholders(text) == placeholders(fallback[key])}

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


def _path(folder: Path, language: str) -> Path:
    return folder / f"{language}.toml"


def _parse(path: Path) -> tuple[dict[str, str], Problem | None]:
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        return {}, Problem(path, 1, "this language has no interface strings; English is shown",
                           Severity.WARNING)
    except OSError as e:
        return {}, Problem(path, 1, f"cannot read this file: {e.strerror}")
    except tomllib.TOMLDecodeError as e:
        match = _TOML_LINE.search(str(e))
        return {}, Problem(path, int(match.group(1)) if match else 1,
                           f"not valid TOML ({e}); English is shown instead")
    except UnicodeDecodeError:
        return {}, Problem(path, 1, "not UTF-8 text; save it as UTF-8")
    return {k: v for k, v in data.items() if isinstance(v, str)}, None


def _read(folder: Path, language: str) -> dict[str, str]:
    strings, problem = _parse(_path(folder, language))
    if problem is not None:
        log.error("cannot use interface strings: %s", problem)
    return strings


def load_strings(folder: Path, language: str) -> Strings:
    fallback = _read(folder, FALLBACK_LANGUAGE)
    own = fallback if language == FALLBACK_LANGUAGE else _read(folder, language)
    return Strings(own, fallback, language)


def load_translations(folder: Path, languages: Iterable[str]) -> dict[str, Strings]:
    """Strings for each language, in the order given (the language button's order)."""
    return {language: load_strings(folder, language) for language in languages}


def _key_lines(path: Path) -> dict[str, int]:
    lines: dict[str, int] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return lines
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.match(r'\s*"?([^"=\s]+)"?\s*=', line)
        if match:
            lines.setdefault(match.group(1), number)
    return lines


def check_strings(folder: Path, languages: Iterable[str],
                  required: Iterable[str] = ()) -> list[Problem]:
    """Every problem with the interface strings of ``languages``, against English.

    ``required`` are keys the code looks up (the sign-up form's error keys, say): one that
    English lacks is an error (the form shows a general message for it instead); one another
    language lacks is a warning like any missing string.
    """
    reference_path = _path(folder, FALLBACK_LANGUAGE)
    reference, problem = _parse(reference_path)
    problems = [problem] if problem else []
    if problem is None:
        problems.extend(Problem(reference_path, 1, f"'{key}' is missing; patients are shown a "
                                "general message instead")
                        for key in required if key not in reference)
    for language in languages:
        if language == FALLBACK_LANGUAGE:
            continue
        path = _path(folder, language)
        own, problem = _parse(path)
        if problem is not None:
            problems.append(problem)
            continue
        lines = _key_lines(path)
        for key in sorted(set(reference) | set(required)):
            if key not in own:
                problems.append(Problem(path, 1, f"'{key}' is missing; the English text is "
                                        "shown", Severity.WARNING))
        for key, text in own.items():
            line = lines.get(key, 1)
            if key not in reference:
                close = difflib.get_close_matches(key, reference, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                problems.append(Problem(path, line, f"unknown string '{key}'{hint}",
                                        Severity.WARNING))
            elif placeholders(text) != placeholders(reference[key]):
                wanted = ", ".join(f"{{{p}}}" for p in sorted(placeholders(reference[key])))
                problems.append(Problem(
                    path, line, f"'{key}' must use the same {{placeholders}} as English "
                    f"({wanted or 'none'}); the English text is shown"))
    return sorted(problems)
