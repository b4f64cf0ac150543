"""What a page reads aloud, the [speech] settings, and the real engine's sound (issue 17)."""

from __future__ import annotations

import math
import shutil
import struct
import subprocess
import sys
from array import array
from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_settings
from kiosk.content.loader import load_content
from kiosk.speech import (
    DEFAULT_PLAYER,
    SpeechConfig,
    commands,
    paragraphs,
    reading_problems,
    shown_html,
    unavailable_reason,
)

REAL_CONTENT = Path(__file__).resolve().parents[2] / "resources" / "content"
needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                  reason="espeak-ng is not installed (scripts/system-packages.sh)")


def test_a_page_reads_its_title_then_each_block_in_order():
    html = ("<p>The nerve <strong>runs</strong> down\nthe leg.</p>"
            "<ul><li>walking</li><li>lying <em>down</em></li></ul><h2>Next</h2>"
            '<p><img alt="a drawing" src="x.svg"> Call us.</p>')
    assert [p.spoken for p in paragraphs("Sciatica", html)] == [
        "Sciatica", "The nerve runs down the leg.", "walking", "lying down", "Next", "Call us."]


def test_quiet_text_is_shown_without_brackets_and_never_read():
    html = "<p>Call [[555 0143]] today.</p><p>[[www.example.com]]</p>"
    read = paragraphs("Title", html)
    assert [p.spoken for p in read] == ["Title", "Call today."]
    assert read[1].shown == "Call 555 0143 today."
    assert shown_html(html) == "<p>Call 555 0143 today.</p><p>www.example.com</p>"


def test_every_shipped_page_has_something_to_read_in_both_languages():
    content = load_content(REAL_CONTENT, ("en", "es"), "en").content
    assert content is not None
    for language in ("en", "es"):
        for section in content.sections(language):
            read = paragraphs(section.title, section.html)
            assert read[0].spoken == section.title
            assert len(read) >= 2, section.slug
            assert not any("<" in p.spoken or "[[" in p.spoken for p in read)


@pytest.mark.parametrize(("language", "line", "expected"), [
    ("en", "See www.clinic.example for more.", "www.clinic.example"),
    ("en", "Ask Dr. Lee about it.", "'Dr.'"),
    ("en", "Stretch, e.g. with a towel.", "'e.g.'"),
    ("es", "Estire, p. ej. con una toalla.", "'p. ej.'"),
    ("es", "Visite https://clinica.example/hola", "https://clinica.example/hola"),
])
def test_check_says_what_would_be_read_badly(language, line, expected):
    found = reading_problems(f"Fine words.\n\n{line}\n", language, first_line=7)
    assert len(found) == 1
    assert found[0][0] == 9
    assert expected in found[0][1]


def test_quiet_text_and_plain_words_are_not_reported():
    text = "Call [[www.clinic.example]] or ask [[Dr. Lee]].\nDrive slowly. Etcetera.\n"
    assert reading_problems(text, "en") == []
    assert reading_problems("Hable con la Dra. Ruiz.", "en") == []
    assert reading_problems("Hable con la Dra. Ruiz.", "es") != []


def test_commands_fill_voice_rate_and_volume_per_language():
    config = SpeechConfig(rate=170, volume=80)
    en, es = commands(config, "en"), commands(config, "es")
    assert en.engine == ["espeak-ng", "-v", "en-us", "-s", "170", "-a", "80", "--stdout"]
    assert es.engine[2] == "es"
    assert en.player == list(DEFAULT_PLAYER)


def test_a_clinic_points_speech_at_another_command(tmp_path):
    own = tmp_path / "kiosk.toml"
    own.write_text('[speech]\nengine = ["piper", "--model", "/opt/voices/{voice}.onnx",'
                   ' "--output-raw"]\nplayer = ["paplay"]\n'
                   'voices = { es = "es_MX-claude-high" }\nrate = 120\nvolume = 150\n',
                   encoding="utf-8")
    speech = load_settings(own, environ={}).speech
    assert commands(speech, "es").engine == [
        "piper", "--model", "/opt/voices/es_MX-claude-high.onnx", "--output-raw"]
    assert commands(speech, "en").engine[2] == "/opt/voices/en-us.onnx"
    assert (speech.rate, speech.volume, speech.player) == (120, 150, ("paplay",))


@pytest.mark.parametrize(("text", "message"), [
    ("rate = 1000", "'rate' in [speech] must be between 80 and 450"),
    ("volume = true", "'volume' must be int"),
    ('engine = "espeak-ng"', "'engine' in [speech] must be a command"),
    ('player = ["aplay", "{device}"]', "may hold only {voice}, {rate} and {volume}"),
    ("speed = 3", "unknown key 'speed' in [speech]"),
])
def test_bad_speech_settings_say_what_is_wrong(tmp_path, text, message):
    own = tmp_path / "kiosk.toml"
    own.write_text(f"[speech]\n{text}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("{", r"\{")
                       .replace("}", r"\}")):
        load_settings(own, environ={})


def test_the_button_stays_hidden_without_engine_or_sound(tmp_path):
    bin_dir, snd = tmp_path / "bin", tmp_path / "snd"
    bin_dir.mkdir()
    snd.mkdir()
    for name in ("espeak-ng", "aplay"):
        tool = bin_dir / name
        tool.write_text("#!/bin/sh\n", encoding="ascii")
        tool.chmod(0o755)
    path = str(bin_dir)
    config = SpeechConfig()
    assert "no sound card" in (unavailable_reason(config, dev_snd=snd, runtime_dir="",
                                                  path=path) or "")
    (snd / "pcmC0D0p").touch()
    assert unavailable_reason(config, dev_snd=snd, runtime_dir="", path=path) is None
    (snd / "pcmC0D0p").unlink()
    (tmp_path / "pulse").mkdir()
    (tmp_path / "pulse" / "native").touch()
    assert unavailable_reason(config, dev_snd=snd, runtime_dir=str(tmp_path), path=path) is None
    (bin_dir / "espeak-ng").unlink()
    assert "engine 'espeak-ng' is not installed" in (
        unavailable_reason(config, dev_snd=snd, runtime_dir=str(tmp_path), path=path) or "")
    assert "switched off" in (unavailable_reason(SpeechConfig(enabled=False)) or "")
    # A clinic's own player (a file, a network sink) is trusted to know where sound goes.
    assert unavailable_reason(SpeechConfig(engine=("sh",), player=("tee", "x")),
                              dev_snd=snd, runtime_dir="") is None


# The real engine ---------------------------------------------------------------------------

def wav_samples(data: bytes) -> tuple[int, array]:
    """(sample rate, 16-bit mono samples) of a WAV stream. espeak-ng writing to a pipe
    cannot go back to fill in the lengths, so the data runs to the end of the stream."""
    assert data[:4] == b"RIFF", data[:12]
    assert data[8:12] == b"WAVE", data[:12]
    channels, rate = struct.unpack_from("<HI", data, 22)
    bits = struct.unpack_from("<H", data, 34)[0]
    assert (channels, bits) == (1, 16)
    at = 12
    while data[at:at + 4] != b"data":
        at += 8 + struct.unpack_from("<I", data, at + 4)[0]
    samples = array("h")
    body = data[at + 8:]
    samples.frombytes(body[:len(body) // 2 * 2])
    return rate, samples


def rms(samples: array) -> float:
    return math.sqrt(sum(s * s for s in samples) / max(1, len(samples)))


TEXTS = {
    "en": "Sciatica is pain along the sciatic nerve, from the lower back down the leg.",
    "es": "La ciática es un dolor a lo largo del nervio ciático, de la espalda a la pierna.",
}


@needs_espeak
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_engine_speaks_each_language_audibly_for_as_long_as_the_text(language, tmp_path):
    config = SpeechConfig(rate=150)
    command = commands(config, language).engine
    out = tmp_path / f"{language}.wav"
    with out.open("wb") as f:
        subprocess.run(command, input=TEXTS[language].encode(), stdout=f, check=True,
                       timeout=30)
    rate, samples = wav_samples(out.read_bytes())
    seconds = len(samples) / rate
    words = len(TEXTS[language].split())
    expected = words / config.rate * 60  # 14-16 words at 150 a minute: about 6 s
    assert 0.5 * expected < seconds < 2 * expected, (seconds, expected)
    # Not silence: 16-bit full scale is 32767; quiet room noise in a recording is ~30.
    assert rms(samples) > 300
    # A longer text takes longer: the length follows the words, not a fixed clip.
    longer = subprocess.run(command, input=(TEXTS[language] + " ") .encode() * 3,
                            capture_output=True, check=True, timeout=30).stdout
    assert len(wav_samples(longer)[1]) > 2.5 * len(samples)


@needs_espeak
def test_volume_reaches_the_sound(tmp_path):
    loud, quiet = (subprocess.run(commands(SpeechConfig(volume=v), "en").engine,
                                  input=TEXTS["en"].encode(), capture_output=True,
                                  check=True, timeout=30).stdout for v in (150, 30))
    assert rms(wav_samples(loud)[1]) > 2 * rms(wav_samples(quiet)[1])


def test_kiosk_check_warns_about_what_listen_would_read_badly(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, content)
    page = content / "es" / "99-talk-to-us.md"
    lines = page.read_text(encoding="utf-8").splitlines()
    body = lines.index("---", 1) + 1  # 0-based index of the body's first line
    lines.insert(body, "Pregunte por la Dra. Ruiz o llame al [[555 0143]].")
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "kiosk", "check", str(content)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    spoken = [line for line in result.stdout.splitlines() if "read aloud" in line]
    assert spoken == [f"{page}:{body + 1}: warning: 'Dra.' would be read aloud badly: write "
                      "the word out, or put it in [[...]] so Listen skips it"]
