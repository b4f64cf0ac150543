"""What a page reads aloud, how the speech engine is run, and what would be read badly.

Qt-free: the Listen button (``ui/widgets/listen_button.py``) asks this module for the
page's paragraphs and for the two commands to run (engine, then player), and runs them
itself.

* **What is read**: the title, then each block of the page's text (paragraph, list item,
  heading, table cell) in order. Pictures are not read (their description is for screen
  readers, which read it anyway).
* **Text not to read**: staff put it between double square brackets, ``[[555 0143]]``. The
  page shows the words without the brackets; speech leaves them out. Markdown and CommonMark
  both leave ``[[...]]`` as plain text, so no renderer change was needed.
* **The engine** is any command that reads text on its standard input and writes a WAV
  stream on its standard output (espeak-ng ``--stdout`` by default, a Piper voice works the
  same); the **player** reads that WAV on its standard input (``aplay``). Both are lists in
  kiosk.toml with ``{voice}``, ``{rate}`` and ``{volume}`` filled in, so a clinic changes
  voice or player without code. The text never goes on a command line.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from kiosk.content.model import ContentSet, Problem, Severity

log = logging.getLogger(__name__)

# Text between these is shown (without them) but never read aloud.
QUIET = re.compile(r"\[\[(.*?)\]\]", re.DOTALL)
_BLOCKS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd",
                     "pre", "blockquote"})
_SPACE = re.compile(r"\s+")

DEFAULT_ENGINE = ("espeak-ng", "-v", "{voice}", "-s", "{rate}", "-a", "{volume}", "--stdout")
DEFAULT_PLAYER = ("aplay", "-q")
DEFAULT_VOICES = {"en": "en-us", "es": "es"}


@dataclass(frozen=True)
class Paragraph:
    """One block a page reads: ``shown`` as on screen (to find it there), ``spoken`` as read."""

    shown: str
    spoken: str


def shown_html(html: str) -> str:
    """The page's HTML as patients see it: ``[[quiet text]]`` loses its brackets."""
    return QUIET.sub(r"\1", html)


class _BlockText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._now: list[str] = []

    def _flush(self) -> None:
        text = _SPACE.sub(" ", "".join(self._now)).strip()
        if text:
            self.blocks.append(text)
        self._now = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self._flush()
        elif tag == "br":
            self._now.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        self._now.append(data)


def paragraphs(title: str, html: str) -> list[Paragraph]:
    """What a page reads, in order: its title, then each block of its text. A block that is
    all quiet text is left out."""
    parser = _BlockText()
    parser.feed(html)
    parser.close()
    parser._flush()
    result = []
    for text in (title, *parser.blocks):
        spoken = _SPACE.sub(" ", QUIET.sub(" ", text)).strip()
        if spoken:
            result.append(Paragraph(shown=_SPACE.sub(" ", QUIET.sub(r"\1", text)).strip(),
                                    spoken=spoken))
    return result


# What `kiosk check` warns about -------------------------------------------------------------

_URL = re.compile(r"\b(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|org|net|gov|edu)\b", re.I)
# Abbreviations a speech engine reads as letters or wrongly (docs/content-guide.md lists them).
ABBREVIATIONS: Mapping[str, tuple[str, ...]] = {
    "en": ("Dr.", "e.g.", "i.e.", "etc.", "approx.", "min.", "hrs", "hr.", "wk.", "vs.",
           "No.", "St.", "Ave.", "appt."),
    "es": ("Dr.", "Dra.", "p. ej.", "aprox.", "etc.", "min.", "Sr.", "Sra.", "Ud.", "Uds.",
           "núm.", "Av.", "tel."),
}


def reading_problems(markdown: str, language: str, first_line: int = 1) -> list[tuple[int, str]]:
    """(line, message) for each thing in a page's Markdown that speech would read badly:
    a web address, or an abbreviation from the list. Text in ``[[...]]`` is not read, so it
    is not checked. ``first_line`` is the file line of the body's first line."""
    found: list[tuple[int, str]] = []
    words = ABBREVIATIONS.get(language, ())
    for number, line in enumerate(markdown.splitlines(), start=first_line):
        read = QUIET.sub(" ", line)
        for match in _URL.finditer(read):
            found.append((number, f"'{match.group(0)}' would be read aloud letter by letter: "
                                  "write it as [[...]] so Listen skips it"))
        for word in words:
            if re.search(rf"(?<![\w.]){re.escape(word)}(?!\w)", read):
                found.append((number, f"'{word}' would be read aloud badly: write the word "
                                      "out, or put it in [[...]] so Listen skips it"))
    return found


def content_reading_problems(content: ContentSet) -> list[Problem]:
    """``kiosk check``'s warnings for every page that speech would read badly."""
    # Here, not at the top: settings import this module, and the kiosk's start must not
    # import the content checker (python-markdown) with them.
    from kiosk.content import frontmatter

    found: list[Problem] = []
    for language, sections in content.by_language.items():
        for section in sections:
            try:
                text = section.source.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # the loader already reported it
            first = frontmatter.parse(text).body_first_line
            body = "\n".join(text.splitlines()[first - 1:])
            found.extend(Problem(section.source, line, message, Severity.WARNING)
                         for line, message in reading_problems(body, language, first))
    return found


# The engine and the player -----------------------------------------------------------------

@dataclass(frozen=True)
class SpeechConfig:
    """[speech] in kiosk.toml."""

    enabled: bool = True
    engine: tuple[str, ...] = DEFAULT_ENGINE
    player: tuple[str, ...] = DEFAULT_PLAYER
    voices: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_VOICES))
    rate: int = 150  # words per minute
    volume: int = 100  # percent of the engine's normal loudness


def _filled(template: Sequence[str], values: Mapping[str, str]) -> list[str]:
    return [part.format_map(values) for part in template]


@dataclass(frozen=True)
class Commands:
    engine: list[str]
    player: list[str]


def commands(config: SpeechConfig, language: str) -> Commands:
    """The engine and player command lines for ``language``; the text goes on stdin."""
    values = {"voice": config.voices.get(language, language), "rate": str(config.rate),
              "volume": str(config.volume)}
    return Commands(_filled(config.engine, values), _filled(config.player, values))


def audio_output(dev_snd: Path = Path("/dev/snd"),
                 runtime_dir: str | None = None) -> str | None:
    """Why there is no audio output, or None when there is one: an ALSA playback device
    (``/dev/snd/pcmC*D*p``) or a PulseAudio / PipeWire socket in the user's runtime folder."""
    runtime = runtime_dir if runtime_dir is not None else os.environ.get("XDG_RUNTIME_DIR", "")
    if runtime and any((Path(runtime) / name).exists()
                       for name in ("pulse/native", "pipewire-0")):
        return None
    try:
        if any(dev_snd.glob("pcmC*D*p")):
            return None
    except OSError:
        pass
    return f"no sound card in {dev_snd} and no PulseAudio or PipeWire socket"


def unavailable_reason(config: SpeechConfig, *, dev_snd: Path = Path("/dev/snd"),
                       runtime_dir: str | None = None,
                       path: str | None = None) -> str | None:
    """Why the Listen button must stay hidden, or None when it can show. Looked up once at
    start-up and logged, so IT knows why patients have no Listen button."""
    if not config.enabled:
        return "speech is switched off in kiosk.toml ([speech] enabled = false)"
    for role, command in (("engine", config.engine), ("player", config.player)):
        if not command or shutil.which(command[0], path=path) is None:
            name = command[0] if command else "(none)"
            return f"speech {role} {name!r} is not installed"
    if config.player == DEFAULT_PLAYER or config.player[:1] in (("aplay",), ("paplay",),
                                                                  ("pw-play",)):
        return audio_output(dev_snd, runtime_dir)
    return None  # a clinic's own player: trust it to know where the sound goes
