"""Take the page home: which address a page's QR code opens, and the clinic's contact card.

Qt-free. A section's ``more_info:`` front-matter line names the clinic's own web page on its
topic; the code shows only when ``[take_home]`` is switched on in kiosk.toml and the address
is https on one of the clinic's domains listed there (``kiosk check`` says so otherwise, and
the kiosk leaves the code out rather than send a patient elsewhere). The thank-you page's
code is a vCard with the clinic's name, phone and address.

The codes are made by segno (a pure-Python, maintained QR encoder) as SVG: a drawing that
stays sharp at any size; the widget (``ui/widgets/qr_code.py``) draws it with whole pixels
a module.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from urllib.parse import urlsplit

from kiosk.content.model import ContentSet, Problem, Section, Severity

# The white margin around the code, in modules: the QR standard asks for four.
QUIET_ZONE = 4


@dataclass(frozen=True)
class TakeHomeConfig:
    """[take_home] in kiosk.toml."""

    enabled: bool = False
    domains: tuple[str, ...] = ()  # the clinic's own, e.g. ("example-clinic.com",)
    phone: str = ""
    address: str = ""


def address_problem(url: str, domains: tuple[str, ...]) -> str | None:
    """Why ``url`` may not be a page's code, or None: https only, on the clinic's domains
    (a subdomain of one counts: www.example-clinic.com for example-clinic.com)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host:
        return f"'more_info' must be an https:// address, not {url!r}"
    if parts.username or parts.password:
        return "'more_info' must not hold a user name or password"
    if not domains:
        return ("'more_info' needs the clinic's own web domains listed in kiosk.toml "
                "([take_home] domains = [\"example-clinic.com\"])")
    if not any(host == d or host.endswith("." + d) for d in (x.lower() for x in domains)):
        return (f"'more_info' must be on the clinic's own site ({', '.join(domains)}), "
                f"not {host}")
    return None


def section_address(section: Section, config: TakeHomeConfig) -> str | None:
    """What the section's code opens, or None (no code on that page)."""
    if not config.enabled or not section.more_info:
        return None
    if address_problem(section.more_info, config.domains) is not None:
        return None
    return section.more_info


def contact_card(clinic_name: str, config: TakeHomeConfig) -> str | None:
    """The thank-you page's vCard, or None when switched off or without phone and address."""
    if not config.enabled or not (config.phone or config.address):
        return None
    import segno.helpers  # with its first code, not with the settings that import this module

    return str(segno.helpers.make_vcard_data(
        clinic_name, clinic_name, phone=config.phone or None, street=config.address or None))


def qr_svg(data: str) -> tuple[bytes, int]:
    """The code for ``data`` as SVG (black on white, quiet zone included, one unit a
    module) and its side in modules, quiet zone included."""
    import segno

    code = segno.make(data, error="m", micro=False)
    out = io.BytesIO()
    code.save(out, kind="svg", border=QUIET_ZONE, scale=1, dark="#000000", light="#FFFFFF",
              xmldecl=False, svgns=True)
    return out.getvalue(), int(code.symbol_size(border=QUIET_ZONE)[0])


def content_problems(content: ContentSet, config: TakeHomeConfig) -> list[Problem]:
    """``kiosk check``: every ``more_info`` that is not https on the clinic's domains is an
    error at its line (the kiosk would leave that page's code out)."""
    from kiosk.content import frontmatter

    found = []
    for sections in content.by_language.values():
        for section in sections:
            if not section.more_info:
                continue
            problem = address_problem(section.more_info, config.domains)
            if problem is None:
                continue
            line = 1
            with contextlib.suppress(OSError, UnicodeDecodeError):
                line = frontmatter.parse(section.source.read_text(encoding="utf-8")
                                         ).line_of("more_info")
            found.append(Problem(section.source, line, problem, Severity.ERROR))
    return found
