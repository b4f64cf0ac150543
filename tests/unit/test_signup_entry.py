"""What the patient types: cleaned to one form, or refused with a key the UI can translate."""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.signups.entry import (
    CONTACT_TIMES,
    ERROR_KEYS,
    FIELDS,
    NAME_MAX,
    NOTE_MAX,
    Signup,
    validate,
    validate_field,
)

REGION = "US"
GOOD_FORM = {"name": "Zoë Peña-Núñez", "phone": "(202) 555-0143", "email": "",
             "contact_time": "morning", "note": ""}


def field(name: str, value: str) -> tuple[str, str | None]:
    return validate_field(name, value, REGION)


@pytest.mark.parametrize("name", ["Zoë Peña-Núñez", "李小龍", "O'Brien", "Łukasz Żółć",
                                  "Nguyễn Thị Minh Khai", "محمد", "Ἀριστοτέλης",
                                  "می‌خواهم"])  # Persian with a zero-width non-joiner
def test_names_in_any_script_are_accepted_as_typed(name):
    assert field("name", name) == (name, None)


def test_whitespace_is_collapsed_and_trimmed():
    assert field("name", "  Ana \t\n  Ruiz\u00a0 ") == ("Ana Ruiz", None)
    assert field("note", "line one\r\nline two") == ("line one line two", None)


def test_a_decomposed_accent_equals_the_one_key_accent():
    decomposed = unicodedata.normalize("NFD", "Zoë Peña")
    assert decomposed != "Zoë Peña"
    assert field("name", decomposed) == ("Zoë Peña", None)


@pytest.mark.parametrize(("value", "error"), [
    ("", "name_missing"),
    ("   \t ", "name_missing"),
    ("a" * NAME_MAX, None),
    ("a" * (NAME_MAX + 1), "name_too_long"),
    ("!!!", "name_invalid"),
    ("12", "name_invalid"),
])
def test_name_limits(value, error):
    assert field("name", value)[1] == error


@pytest.mark.parametrize("bad", ["\x00", "\x1b[31m", "\x7f", "\u202e", "\ufeff", "\u00ad",
                                 "\ud800", "\u2066"])
def test_control_and_invisible_characters_are_an_error_never_silently_dropped(bad):
    assert field("name", f"Ana{bad}Ruiz")[1] == "name_invalid"
    assert field("note", f"call{bad}me")[1] == "note_invalid"
    assert field("phone", f"202555{bad}0143")[1] == "phone_invalid"
    assert field("email", f"ana{bad}@example.org")[1] == "email_invalid"


def test_note_is_optional_and_limited():
    assert field("note", "") == ("", None)
    assert field("note", "x" * NOTE_MAX) == ("x" * NOTE_MAX, None)
    assert field("note", "x" * (NOTE_MAX + 1))[1] == "note_too_long"


@pytest.mark.parametrize(("typed", "e164"), [
    ("(202) 555-0143", "+12025550143"),
    ("202.555.0143", "+12025550143"),
    ("+44 20 7946 0958", "+442079460958"),
    ("+34 912 345 678", "+34912345678"),
    ("202-555-0143 x12", "+12025550143 ext. 12"),  # E.164 has no extension; keep it
])
def test_phone_numbers_are_stored_in_e164(typed, e164):
    assert field("phone", typed) == (e164, None)


@pytest.mark.parametrize("typed", ["123", "555-0143", "call me", "+1 202 555 01430000",
                                   "0" * 300, "+"])
def test_bad_phone_numbers(typed):
    assert field("phone", typed)[1] == "phone_invalid"


def test_the_region_decides_numbers_without_a_country_code():
    assert validate_field("phone", "020 7946 0958", "GB") == ("+442079460958", None)
    assert validate_field("phone", "020 7946 0958", "US")[1] == "phone_invalid"


@pytest.mark.parametrize(("typed", "clean"), [
    ("ana@example.org", "ana@example.org"),
    ("  Ana.Ruiz@Example.ORG ", "Ana.Ruiz@example.org"),
    ("zoë@exämple.de", "zoë@exämple.de"),
])
def test_emails_are_normalised(typed, clean):
    assert field("email", typed) == (clean, None)


@pytest.mark.parametrize("typed", ["ana", "ana@", "@example.org", "ana@localhost",
                                   "ana@@example.org", "ana example@x.org", "a" * 300 + "@x.org"])
def test_bad_emails(typed):
    assert field("email", typed)[1] == "email_invalid"


def test_an_unknown_field_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown"):
        validate_field("age", "3", REGION)


def test_a_good_form_gives_a_clean_signup():
    signup, errors = validate(GOOD_FORM, True, "en-1", REGION)
    assert errors == {}
    assert signup == Signup(name="Zoë Peña-Núñez", phone="+12025550143", email="",
                            contact_time="morning", note="", consent_version="en-1")


def test_a_bad_form_lists_every_problem_and_no_signup():
    form = {"name": "", "phone": "", "email": "", "contact_time": "midnight",
            "note": "x" * 600}
    signup, errors = validate(form, False, "en-1", REGION)
    assert signup is None
    assert errors == {"name": "name_missing", "contact": "contact_missing",
                      "contact_time": "contact_time_missing", "consent": "consent_missing",
                      "note": "note_too_long"}


def test_an_invalid_contact_is_its_own_error_not_contact_missing():
    signup, errors = validate({**GOOD_FORM, "phone": "123"}, True, "en-1", REGION)
    assert signup is None
    assert errors == {"phone": "phone_invalid"}


def test_email_alone_is_enough_and_missing_keys_count_as_empty():
    signup, errors = validate({"name": "Ana", "email": "ana@example.org",
                               "contact_time": "evening"}, True, "en-1", REGION)
    assert errors == {}
    assert signup is not None
    assert (signup.phone, signup.email, signup.note) == ("", "ana@example.org", "")


def test_signup_json_round_trip():
    signup = Signup("李小龍", "+12025550143", "a@b.org", "evening", "=1+1 \"x\"", "en-1")
    assert Signup.from_json(signup.to_json()) == signup
    for bad in (b"\xff", b"[]", b'{"name": 1}', b"not json"):
        with pytest.raises(ValueError, match="not a sign-up"):
            Signup.from_json(bad)


def test_the_patients_language_is_sealed_with_the_entry():
    form = {"name": "Zoë Peña", "email": "zoe@example.org", "contact_time": "morning"}
    signup, errors = validate(form, True, "es-1", "US", language="es")
    assert errors == {}
    assert signup is not None
    assert signup.language == "es"
    assert json.loads(signup.to_json())["language"] == "es"
    assert Signup.from_json(signup.to_json()).language == "es"
    # Entries sealed before the language was kept still read, with no language.
    old = json.dumps({"v": 1, "name": "Ana", "phone": "", "email": "a@b.org",
                      "contact_time": "evening", "note": "", "consent_version": "en-1"})
    assert Signup.from_json(old.encode()).language == ""
    with pytest.raises(ValueError, match="not a sign-up"):
        Signup.from_json(old.replace('"v": 1', '"v": 1, "language": 3').encode())


def test_every_error_key_is_reachable_and_listed():
    seen = {error for name, value in [("name", ""), ("name", "a" * 101), ("name", "1"),
                                      ("phone", "1"), ("email", "a"), ("note", "a" * 501),
                                      ("note", "\x00")]
            if (error := field(name, value)[1])}
    seen |= set(validate({}, False, "en-1", REGION)[1].values())
    assert set(ERROR_KEYS) == seen
    assert set(CONTACT_TIMES) == {"morning", "afternoon", "evening"}


# Properties -------------------------------------------------------------------------------

ANY_TEXT = st.text()
LONG_TEXT = st.text(min_size=1, max_size=20).map(lambda t: t * (20_000 // len(t)))
CONTROLS = st.characters(categories=["Cc", "Cf", "Cs", "Zl", "Zp"])
WITH_CONTROLS = st.text(alphabet=st.one_of(CONTROLS, st.characters()), min_size=1)
ANY_FIELD = st.sampled_from(FIELDS)


def check_result(name: str, value: str) -> None:
    clean, error = validate_field(name, value, REGION)
    assert isinstance(clean, str)
    assert error is None or error in ERROR_KEYS
    if error is None:
        # A clean value is stable, and holds nothing invisible but the script joiners.
        assert validate_field(name, clean, REGION) == (clean, None)
        assert not any(unicodedata.category(c) in ("Cc", "Cs") for c in clean)
        assert all(c in "\u200c\u200d" for c in clean if unicodedata.category(c) == "Cf")
        assert clean == clean.strip()
        assert "  " not in clean


@given(ANY_FIELD, ANY_TEXT)
def test_any_unicode_gives_a_clean_value_or_an_error_key(name, value):
    check_result(name, value)


@settings(deadline=None)
@given(ANY_FIELD, LONG_TEXT)
def test_very_long_text_gives_a_clean_value_or_an_error_key(name, value):
    check_result(name, value)
    if name != "note" and value.strip():
        assert validate_field(name, value, REGION)[1] is not None


@given(ANY_FIELD, WITH_CONTROLS)
def test_control_characters_give_a_clean_value_or_an_error_key(name, value):
    check_result(name, value)


@given(st.dictionaries(st.sampled_from([*FIELDS, "contact_time", "other"]), ANY_TEXT),
       st.booleans())
def test_any_form_gives_a_signup_or_errors_never_a_crash(form, consent):
    signup, errors = validate(form, consent, "en-1", REGION)
    assert (signup is None) == bool(errors)
    assert set(errors.values()) <= set(ERROR_KEYS)
    if signup is not None:
        assert signup.contact_time in CONTACT_TIMES
        assert signup.phone or signup.email
