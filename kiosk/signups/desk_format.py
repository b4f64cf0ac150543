"""Times and phone numbers as the front desk reads them, in the panel's language. Qt-free.

Dates and times come from Babel (the Unicode CLDR data): "Sat, Dec 5, 2026, 2:30 PM" for a
US clinic in English, "sáb, 5 de dic de 2026, 2:30 p.m." in Spanish there, "sáb, 5 dic 2026,
14:30" in Spain. A table of month and weekday names in the i18n files would need every
language's order, abbreviations and 12/24-hour habit by hand; CLDR has them, and a third
language added later gets right dates with no new strings.

Phone numbers are stored in E.164 ("+12025550143"); the desk dials them in the clinic's
national format ("(202) 555-0143"), and a number from another country in the international
one ("+44 20 7946 0958"), via phonenumbers, as the form already uses.
"""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel import Locale


def _locale(language: str, region: str) -> Locale:
    # Imported when the list is first shown: Babel takes ~13 ms to import and parse a
    # locale, which the kiosk would otherwise spend before its first screen.
    from babel import Locale, UnknownLocaleError

    for tag in (f"{language}_{region}", language, "en"):
        try:
            return Locale.parse(tag)
        except (UnknownLocaleError, ValueError):
            continue
    raise AssertionError("Babel has no English")  # pragma: no cover


class DeskFormat:
    def __init__(self, language: str, region: str) -> None:
        self.language = language
        self.region = region

    @cached_property
    def locale(self) -> Locale:
        return _locale(self.language, self.region)

    def when(self, moment: datetime) -> str:
        """Weekday, date and time, in this machine's time zone."""
        from babel.dates import format_skeleton, format_time

        local = moment.astimezone()
        return (f"{format_skeleton('yMMMEd', local, locale=self.locale)}, "
                f"{format_time(local, 'short', locale=self.locale)}")

    def phone(self, e164: str) -> str:
        """The number as the desk would dial it; the stored text if it does not parse."""
        if not e164:
            return ""
        import phonenumbers  # imported when the list is shown (~50 ms), as in entry.py

        try:
            number = phonenumbers.parse(e164, self.region)
        except phonenumbers.NumberParseException:
            return e164
        local = phonenumbers.region_code_for_number(number) == self.region
        style = (phonenumbers.PhoneNumberFormat.NATIONAL if local
                 else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        return phonenumbers.format_number(number, style)
