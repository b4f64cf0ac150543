"""A page's review: who checked it, when, and against which sources. For staff, never patients.

A clinic should not show health information nobody has signed off. Each page says so in its
front matter::

    reviewed_by: Dr. Ana Ruiz, DC
    reviewed_on: 2026-12-01
    source: Sciatica - Symptoms and causes (Mayo Clinic) https://www.mayoclinic.org/...
    source: Sciatica (NHS 111 Wales) http://111.wales.nhs.uk/encyclopaedia/s/article/sciatica/

A page whose review is blank still shows (the words may be fine), but ``kiosk check`` warns,
so staff see which pages still need a clinician. A review that is filled in wrongly (a date
that is not a date, a source without its address) is an error like any other typo in the
front matter: the clinic's record of what was signed must be right.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from kiosk.content.frontmatter import FrontMatter
from kiosk.content.model import Review, Source

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# The address is the last word on the line; what comes before it (less dashes and the like
# between the two) is the title.
_ADDRESS = re.compile(r"^(?P<title>.*?)[\s\-\u2013\u2014|,:;]*\s(?P<url>\S+)$")
_LETTERS = re.compile(r"[^\W\d_]{2,}")

SOURCE_EXAMPLE = ("source: Sciatica - Symptoms and causes (Mayo Clinic) "
                  "https://www.mayoclinic.org/diseases-conditions/sciatica/symptoms-causes/"
                  "syc-20377435")

Messages = list[tuple[int, str]]


def _review_date(text: str, today: date) -> tuple[date | None, str | None]:
    match = _DATE.match(text)
    if match is None:
        return None, (f"'reviewed_on' must be a date written year-month-day, like "
                      f"{today.isoformat()}, not {text!r}")
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None, f"'reviewed_on' is not a real date: {text!r}"
    if day > today:
        return None, f"'reviewed_on' is in the future ({text}); write the day the review was done"
    return day, None


def parse_source(text: str) -> tuple[Source | None, str | None]:
    """``Title https://address`` -> Source, or why it is not one."""
    match = _ADDRESS.match(text)
    url = match["url"] if match else text
    title = match["title"].strip() if match else ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or "." not in parts.netloc:
        return None, ("a source is its title, then its web address starting with https:// "
                      f"at the end of the line, for example '{SOURCE_EXAMPLE}'")
    if not _LETTERS.search(title):
        return None, (f"the source {url!r} has no title; write the page's title before its "
                      "address, so a reviewer knows what it is")
    return Source(title, url), None


def read_review(fields: FrontMatter, today: date) -> tuple[Review, Messages, Messages]:
    """The page's review, the errors in it and the warnings about it, each with its line."""
    errors: Messages = []
    warnings: Messages = []
    sources = []
    for line, text in fields.repeated.get("source", []):
        source, problem = parse_source(text)
        if problem:
            errors.append((line, problem))
        elif source is not None:
            sources.append(source)

    by = fields.values.get("reviewed_by", "")
    day: date | None = None
    on_text = fields.values.get("reviewed_on", "")
    if on_text:
        day, problem = _review_date(on_text, today)
        if problem:
            errors.append((fields.line_of("reviewed_on"), problem))
    review = Review(by, day, tuple(sources))
    if not review.done and not errors:
        line = fields.lines.get("reviewed_by", fields.lines.get("reviewed_on", 1))
        if by or on_text:
            missing = "reviewed_on" if by else "reviewed_by"
            warnings.append((line, f"the review is half filled in: '{missing}' is empty, so "
                                   "this page counts as not reviewed"))
        else:
            count = len(sources)
            against = (f"its {count} source{'s' if count != 1 else ''}" if count
                       else "sources (add a 'source:' line for each)")
            warnings.append((line, f"not reviewed yet: when a clinician has checked it against "
                                   f"{against}, fill in 'reviewed_by:' and 'reviewed_on:'"))
    return review, errors, warnings


def describe_review(review: Review) -> list[str]:
    """The review as staff read it in ``kiosk check --reviews``: one line, then the sources."""
    if review.done:
        assert review.reviewed_on is not None
        head = f"reviewed by {review.reviewed_by} on {review.reviewed_on.isoformat()}"
    else:
        head = "not reviewed yet"
    return [head, *(f"  source: {source}" for source in review.sources)]
