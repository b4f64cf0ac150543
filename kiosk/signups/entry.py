"""A patient's sign-up and the checks on each field. Qt-free.

Errors are short keys (``"phone_invalid"``) that the UI turns into plain words in the
patient's language; they never contain what was typed, so they are safe to log.

Text fields are cleaned the same way everywhere: Unicode NFC (so "Zoë" typed with a
combining diaeresis equals the one-key "Zoë"), any run of whitespace (tabs, newlines,
no-break spaces...) becomes one ordinary space, and the ends are trimmed. Any other
invisible or control character (categories Cc, Cf, Cs: NUL, escape, right-to-left
overrides, byte-order marks...) is an error, never silently dropped, so what is stored is
exactly what the patient saw on screen. The zero-width joiner and non-joiner are allowed:
Persian, Hindi and other scripts need them to spell names correctly.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

CONTACT_TIMES = ("morning", "afternoon", "evening")
FIELDS = ("name", "phone", "email", "note")

NAME_MAX = 100
NOTE_MAX = 500
PHONE_MAX = 40
EMAIL_MAX = 254  # the longest address an SMTP server accepts
# What each field may hold; the form's fields stop typing there (ui reads this, so a number
# the core accepts is never cut short on screen).
MAX_LENGTH = {"name": NAME_MAX, "phone": PHONE_MAX, "email": EMAIL_MAX, "note": NOTE_MAX}

# Every error key the checks below return; each needs an "error.<key>" string in every
# language, which `kiosk check` checks (ERROR_STRINGS).
ERROR_KEYS = (
    "name_missing",
    "name_too_long",
    "name_invalid",
    "phone_invalid",
    "email_invalid",
    "note_too_long",
    "note_invalid",
    "contact_missing",
    "contact_time_missing",
    "consent_missing",
)
ERROR_STRINGS = tuple(f"error.{key}" for key in ERROR_KEYS)

# Joiners that some scripts need inside words; every other format character is refused.
_ALLOWED_FORMAT = frozenset("\u200c\u200d")
_BAD_CATEGORIES = frozenset(("Cc", "Cf", "Cs"))
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Signup:
    """One patient's request to be contacted; "" for a field not given.

    The phone number is in E.164 ("+12025550143"), followed by " ext. 12" in the rare case
    the patient typed an extension. ``language`` is the code of the language the patient
    used the kiosk in ("en", "es"), so the desk can answer in it; "" in entries written
    before it was recorded.
    """

    name: str
    phone: str
    email: str
    contact_time: str
    note: str
    consent_version: str
    language: str = ""

    def to_json(self) -> bytes:
        return json.dumps(
            {"v": 1, "name": self.name, "phone": self.phone, "email": self.email,
             "contact_time": self.contact_time, "note": self.note,
             "consent_version": self.consent_version, "language": self.language},
            ensure_ascii=False, separators=(",", ":"),
        ).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> Signup:
        """Raise ValueError if ``data`` is not a sign-up this program wrote."""
        try:
            fields = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ValueError("not a sign-up record") from e
        keys = ("name", "phone", "email", "contact_time", "note", "consent_version")
        if not isinstance(fields, dict) or not all(isinstance(fields.get(k), str) for k in keys):
            raise ValueError("not a sign-up record")
        language = fields.get("language", "")  # absent in entries from before it was kept
        if not isinstance(language, str):
            raise ValueError("not a sign-up record")
        return cls(**{k: fields[k] for k in keys}, language=language)


@dataclass(frozen=True)
class DecryptedEntry:
    """A stored sign-up as the front desk sees it after unlocking."""

    id: int
    created_at: datetime
    contacted_at: datetime | None
    consent_version: str
    signup: Signup


def _has_bad_characters(text: str) -> bool:
    # Cc, Cf and Cs are all non-printable: nearly every text is settled by one C-level check.
    if text.isprintable():
        return False
    return any(
        unicodedata.category(ch) in _BAD_CATEGORIES and ch not in _ALLOWED_FORMAT
        for ch in text
    )


def clean_text(value: str) -> tuple[str, bool]:
    """NFC, whitespace collapsed and trimmed; the flag says an unusable character is in it."""
    # Whitespace first: a tab or newline is a control character too, but a harmless one.
    collapsed = _WHITESPACE.sub(" ", value).strip(" ")
    try:
        text = unicodedata.normalize("NFC", collapsed)
    except UnicodeError:  # pragma: no cover - NFC accepts any str; belt and braces
        return "", True
    return text, _has_bad_characters(text)


def _name(value: str) -> tuple[str, str | None]:
    text, bad = clean_text(value)
    if bad:
        return text, "name_invalid"
    if not text:
        return "", "name_missing"
    if len(text) > NAME_MAX:
        return text, "name_too_long"
    # A name needs at least one letter in any script; "!!!" or "12" is a slip of the finger.
    if not any(unicodedata.category(ch).startswith("L") for ch in text):
        return text, "name_invalid"
    return text, None


def _note(value: str) -> tuple[str, str | None]:
    text, bad = clean_text(value)
    if bad:
        return text, "note_invalid"
    if len(text) > NOTE_MAX:
        return text, "note_too_long"
    return text, None


def _phone(value: str, region: str) -> tuple[str, str | None]:
    text, bad = clean_text(value)
    if not text:
        return "", None
    if bad or len(text) > PHONE_MAX:
        return text, "phone_invalid"
    # Imported on first use: phonenumbers and email-validator take ~90 ms to import, which
    # the kiosk would otherwise spend before its first screen (bench/startup.py).
    import phonenumbers

    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return text, "phone_invalid"
    if not phonenumbers.is_valid_number(number):
        return text, "phone_invalid"
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    # E.164 has no extension; keep one the patient typed rather than drop it silently.
    return (f"{e164} ext. {number.extension}" if number.extension else e164), None


def _email(value: str) -> tuple[str, str | None]:
    text, bad = clean_text(value)
    if not text:
        return "", None
    if bad or len(text) > EMAIL_MAX:
        return text, "email_invalid"
    from email_validator import EmailNotValidError, validate_email

    try:
        # Offline kiosk: syntax only, no DNS look-up.
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return text, "email_invalid"
    return checked.normalized, None


def validate_field(field: str, value: str, region: str) -> tuple[str, str | None]:
    """Clean one field; return (clean value, error key or None). Never raises for any text.

    ``region`` is the clinic's country code ("US") used for phone numbers typed without
    ``+country``. Phone and e-mail may be empty here; `validate` asks for at least one.
    """
    if field == "name":
        return _name(value)
    if field == "note":
        return _note(value)
    if field == "phone":
        return _phone(value, region)
    if field == "email":
        return _email(value)
    raise ValueError(f"unknown sign-up field {field!r}")


def validate(
    form: Mapping[str, str], consent_given: bool, consent_version: str, region: str,
    *, language: str = "",
) -> tuple[Signup | None, dict[str, str]]:
    """Check the whole form; return (the sign-up, {}) or (None, {field: error key}).

    Besides the four text fields, errors may be under "contact" (neither phone nor e-mail),
    "contact_time" (not one of CONTACT_TIMES) and "consent" (box not ticked).
    """
    clean: dict[str, str] = {}
    errors: dict[str, str] = {}
    for field in FIELDS:
        clean[field], error = validate_field(field, form.get(field, ""), region)
        if error is not None:
            errors[field] = error
    if not clean["phone"] and not clean["email"]:
        errors["contact"] = "contact_missing"
    contact_time = form.get("contact_time", "")
    if contact_time not in CONTACT_TIMES:
        errors["contact_time"] = "contact_time_missing"
    if not consent_given:
        errors["consent"] = "consent_missing"
    if errors:
        return None, errors
    signup = Signup(name=clean["name"], phone=clean["phone"], email=clean["email"],
                    contact_time=contact_time, note=clean["note"],
                    consent_version=consent_version, language=language)
    return signup, {}
