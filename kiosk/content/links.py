"""Where a link in a page may go: another section, or the sign-up page. Nothing else.

Apart from the Markdown code, so the session and the window know links without importing
python-markdown before the start screen is painted.
"""

SECTION_SCHEME = "section:"
SIGNUP_TARGET = "signup:"


def is_internal(target: str) -> bool:
    return target == SIGNUP_TARGET or (
        target.startswith(SECTION_SCHEME) and len(target) > len(SECTION_SCHEME)
    )
