"""Markdown as CommonMark editors teach it: the spec corpus before and after, and check's cost.

    .venv/bin/python bench/markdown_habits.py [--quick] [--repeats N] [--json FILE]

The corpus is the 400 CommonMark spec examples staff might write
(tests/unit/commonmark/spec-examples.json, CC BY-SA 4.0). Each one is rendered by the kiosk's
converter before (python-markdown with ``tables`` and ``sane_lists``, as shipped until now) and
after (the same plus ``CommonMarkHabits``), and its outline (headings, paragraphs, lists and
items, quotes, emphasis, links kept, line breaks, words) compared with markdown-it-py's
CommonMark outline. An example that differs is "reported" if ``kiosk check`` says something
about it: before, only the checks that existed (links leaving the kiosk, HTML, pictures);
after, those or the CommonMark yardstick. The rest differ silently.

The time is ``load_content`` on the shipped pages (both languages: reading, front matter,
body and picture checks, rendering), which is what ``kiosk check`` runs, with the yardstick on
and off, alternating in the same process; the figure is the median.
"""

from __future__ import annotations

import collections
import json
import sys
import time

from _common import BUNDLED_CONTENT, ROOT, Row, emit, median, parser

CORPUS = ROOT / "tests" / "unit" / "commonmark" / "spec-examples.json"


def main() -> int:
    args_parser = parser(__doc__)
    args_parser.add_argument("--repeats", type=int, default=40)
    args = args_parser.parse_args()
    repeats = 3 if args.quick else args.repeats
    sys.path.insert(0, str(ROOT))

    from kiosk.content import load_content
    from kiosk.content.commonmark_yardstick import commonmark_outline, differences, kiosk_outline
    from kiosk.content.markdown_body import (
        check_body,
        converter_before_habits,
        is_internal,
        render_html,
    )

    examples = json.loads(CORPUS.read_text(encoding="utf-8"))
    before_md = converter_before_habits()
    renderers = {"before": lambda body: before_md.reset().convert(body), "after": render_html}
    counts = {when: collections.Counter[str]() for when in renderers}
    same_by_section = {when: collections.Counter[str]() for when in renderers}
    for example in examples:
        body = example["markdown"]
        expected = [[m.kind for m in block] for block in commonmark_outline(body)]
        report = check_body(body, 1)
        checked = bool(report.errors) or any(not is_internal(link.target)
                                             for link in report.links)
        for when, render in renderers.items():
            html = render(body)
            if [[m.kind for m in block] for block in kiosk_outline(html)] == expected:
                counts[when]["same"] += 1
                same_by_section[when][example["section"]] += 1
            elif checked or (when == "after" and differences(body, html, 1)):
                counts[when]["reported"] += 1
            else:
                counts[when]["silent"] += 1

    languages = ("en", "es")
    on: list[float] = []
    off: list[float] = []
    for _ in range(repeats):
        for yardstick, times in ((True, on), (False, off)):
            start = time.perf_counter()
            result = load_content(BUNDLED_CONTENT, languages, "en", yardstick=yardstick)
            times.append((time.perf_counter() - start) * 1000)
            assert result.ok, [str(p) for p in result.problems]

    total = len(examples)
    before, after = counts["before"], counts["after"]
    plain = "python-markdown, tables + sane_lists"
    rows = [
        Row(f"CommonMark examples shown with the same structure (of {total})", after["same"],
            "examples", before["same"], plain, "more than before",
            after["same"] > before["same"]),
        Row(f"CommonMark examples that differ and check reports (of {total})",
            after["reported"], "examples", before["reported"], plain, "-", None),
        Row(f"CommonMark examples that differ silently (of {total})", after["silent"],
            "examples", before["silent"], plain, "0", after["silent"] == 0),
        Row("check of the shipped pages, CommonMark yardstick on", median(on), "ms",
            median(off), "yardstick off", "under 2x", median(on) < 2 * median(off)),
    ]
    notes = [
        f"{total} CommonMark 0.31.2 spec examples; outline compared, not exact HTML; "
        "baseline column = before (plain python-markdown as shipped until now)",
        f"check = load_content on the shipped pages ({', '.join(languages)}), median of "
        f"{repeats} runs each, on and off alternating",
    ]
    emit("Markdown habits (CommonMark corpus, check with the yardstick)", rows, args.json,
         notes)
    print("same structure per spec section, before -> after:")
    totals = collections.Counter(e["section"] for e in examples)
    for section, count in sorted(totals.items()):
        print(f"  {section}: {same_by_section['before'][section]} -> "
              f"{same_by_section['after'][section]} of {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
