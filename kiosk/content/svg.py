"""What an SVG drawing may contain: nothing from outside the file, no scripts, and not so much
that drawing it would stall the screen.

The kiosk draws pictures on a worker thread (``kiosk/ui/pictures.py``), so a slow drawing
no longer freezes the screen, but it still arrives late, keeps a core busy and, on the
topics page, holds up every picture queued after it. Measured here (Qt 6.11, 800 x 800
pixels): 25,000 see-through circles take 6 s, each blurred shape 80-90 ms, 2 million
shapes made from 1.5 KB of nested ``<use>`` 6 s, and a chain of 20,000 ``<use>`` more than
a minute. An ``<image>`` would load any picture file on the machine, at full size. These
checks need no Qt; the tree comes from defusedxml.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from xml.etree.ElementTree import Element

MAX_SHAPES = 2000
MAX_FILTERED = 4
MAX_DEPTH = 40
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def _tag(element: Element) -> str:
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def _href(element: Element) -> str:
    return element.get(XLINK_HREF) or element.get("href") or ""


def _depth(root: Element) -> int:
    deepest, pending = 0, [(root, 1)]
    while pending:
        element, depth = pending.pop()
        deepest = max(deepest, depth)
        if depth <= MAX_DEPTH:
            pending.extend((child, depth + 1) for child in element)
    return deepest


def _shapes(root: Element) -> int:
    """How many elements Qt draws, each ``<use>`` counted as the copy it makes; stops
    counting past the limit. A ``<use>`` loop counts nothing more (Qt draws nothing for it)."""
    ids = {e.get("id"): e for e in root.iter() if e.get("id")}
    done: dict[int, int] = {}

    def count(element: Element, depth: int, visiting: frozenset[int]) -> int:
        key = id(element)
        if key in done:
            return done[key]
        if key in visiting:
            return 0
        if depth > MAX_DEPTH:
            return MAX_SHAPES + 1  # reuse nested this deep is itself too much
        inside = visiting | {key}
        total = 1
        parts = list(element)
        if _tag(element) == "use" and _href(element).startswith("#"):
            target = ids.get(_href(element)[1:])
            parts += [target] if target is not None else []
        for part in parts:
            total += count(part, depth + 1, inside)
            if total > MAX_SHAPES:
                break
        done[key] = total
        return total

    return count(root, 1, frozenset())


def _embedded(href: str) -> bytes | None:
    header, comma, data = href.partition(",")
    if not comma or ";base64" not in header:
        return None
    try:
        return base64.b64decode(data, validate=False)
    except (binascii.Error, ValueError):
        return None


def drawing_problem(name: str, root: Element,
                    check_picture: Callable[[str, bytes], str | None]) -> str | None:
    """Why the drawing ``name`` (parsed to ``root``) cannot be shown, or None.

    ``check_picture(name, data)`` checks a picture embedded as a data: address.
    """
    if _depth(root) > MAX_DEPTH:
        return (f"the drawing '{name}' has groups nested more than {MAX_DEPTH} deep; "
                "simplify it (ungroup, or save it again as plain SVG)")
    filtered = 0
    for element in root.iter():
        tag = _tag(element)
        if tag == "script":
            return (f"the drawing '{name}' contains a script; the kiosk never runs scripts, "
                    "so remove it and save the drawing again")
        href = _href(element)
        if href and not href.startswith("#"):
            if tag == "image" and href.startswith("data:"):
                data = _embedded(href)
                if data is None:
                    return f"the drawing '{name}' has a picture inside it that cannot be read"
                problem = check_picture(name, data)
                if problem:
                    return problem
            else:
                shown = href if len(href) <= 60 else href[:59] + "…"
                return (f"the drawing '{name}' uses {shown!r}, which is outside the drawing; "
                        "put everything in the one SVG file")
        if element.get("filter") or "filter" in element.get("style", ""):
            filtered += 1
    if filtered > MAX_FILTERED:
        return (f"the drawing '{name}' has {filtered} blurred or filtered parts; keep it to "
                f"{MAX_FILTERED} (each one is slow to draw)")
    shapes = _shapes(root)
    if shapes > MAX_SHAPES:
        return (f"the drawing '{name}' has more than {MAX_SHAPES:,} shapes (counting each "
                "reused one); simplify it")
    return None
