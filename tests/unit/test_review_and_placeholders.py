"""A page's review and sources (for staff), and {placeholders} filled from the settings."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from kiosk.config import RESOURCES, ConfigError, load_settings
from kiosk.content import Severity, frontmatter, load_content
from kiosk.content.last_good import load_live
from kiosk.content.markdown_body import check_body, render_html
from kiosk.content.model import Source
from kiosk.content.review import parse_source, read_review

TODAY = date(2026, 12, 5)
MAYO = ("https://www.mayoclinic.org/diseases-conditions/sciatica/symptoms-causes/"
        "syc-20377435")


def page(extra: str = "", body: str = "Text.\n") -> str:
    return f"---\ntitle: One\nimage: a.svg\nimage_alt: a\n{extra}---\n{body}"


def review_of(extra: str):
    return read_review(frontmatter.parse(page(extra)), TODAY)


def test_several_sources_are_kept_in_order_with_their_lines():
    parsed = frontmatter.parse(page(f"source: Sciatica (Mayo Clinic) {MAYO}\n"
                                    "source: Sciatica - NHS 111 Wales - "
                                    "http://111.wales.nhs.uk/encyclopaedia/s/article/sciatica/\n"))
    assert parsed.errors == []
    assert [line for line, _ in parsed.repeated["source"]] == [5, 6]
    review, errors, _ = read_review(parsed, TODAY)
    assert errors == []
    assert review.sources == (
        Source("Sciatica (Mayo Clinic)", MAYO),
        Source("Sciatica - NHS 111 Wales",
               "http://111.wales.nhs.uk/encyclopaedia/s/article/sciatica/"))


def test_a_filled_in_review_is_read_and_raises_no_warning():
    review, errors, warnings = review_of(f"reviewed_by: Dr. Ana Ruiz, DC\n"
                                         f"reviewed_on: 2026-12-01\nsource: Mayo {MAYO}\n")
    assert (errors, warnings) == ([], [])
    assert review.reviewed_by == "Dr. Ana Ruiz, DC"
    assert review.reviewed_on == date(2026, 12, 1)
    assert review.done


def test_blank_review_lines_are_allowed_and_warned_about_on_their_line():
    review, errors, warnings = review_of(f"reviewed_by:\nreviewed_on:\nsource: Mayo {MAYO}\n")
    assert errors == []
    assert not review.done
    assert warnings == [(5, "not reviewed yet: when a clinician has checked it against its 1 "
                            "source, fill in 'reviewed_by:' and 'reviewed_on:'")]


def test_a_page_without_review_lines_is_warned_about_too():
    _, errors, warnings = review_of("")
    assert errors == []
    assert len(warnings) == 1
    assert warnings[0][0] == 1
    assert "add a 'source:' line" in warnings[0][1]


def test_a_half_filled_review_counts_as_not_reviewed():
    review, errors, warnings = review_of("reviewed_by: Dr. Ana Ruiz\nreviewed_on:\n")
    assert errors == []
    assert not review.done
    assert warnings == [(5, "the review is half filled in: 'reviewed_on' is empty, so this "
                            "page counts as not reviewed")]


@pytest.mark.parametrize(("day", "words"), [
    ("5/12/2026", "must be a date written year-month-day, like 2026-12-05, not '5/12/2026'"),
    ("2026-02-30", "is not a real date"),
    ("2027-01-01", "is in the future"),
])
def test_a_wrong_review_date_is_an_error_on_its_line(day, words):
    _, errors, warnings = review_of(f"reviewed_by: Dr. Ana Ruiz\nreviewed_on: {day}\n")
    assert [line for line, _ in errors] == [6]
    assert words in errors[0][1]
    assert warnings == []


@pytest.mark.parametrize("text", [
    "Mayo Clinic",                        # no address
    "Mayo Clinic www.mayoclinic.org",     # not a web address
    "Mayo Clinic ftp://mayoclinic.org/x",
    "Mayo Clinic https://localhost/x",
    MAYO,                                 # no title
    f"- {MAYO}",
])
def test_a_source_needs_a_title_and_a_web_address(text):
    source, problem = parse_source(text)
    assert source is None
    assert problem


def test_a_bad_source_is_an_error_on_its_own_line():
    _, errors, _ = review_of(f"source: Mayo {MAYO}\nsource: just a title\n")
    assert [line for line, _ in errors] == [6]
    assert "web address starting with https://" in errors[0][1]


def test_unknown_keys_now_list_the_review_keys():
    parsed = frontmatter.parse(page("sources: Mayo https://www.mayoclinic.org/\n"))
    assert (5, "unknown key 'sources' (did you mean 'source'?); allowed keys: title, image, "
               "image_alt, order, reviewed_by, reviewed_on, source, more_info") in parsed.errors


def test_title_and_alt_text_cannot_hold_placeholders():
    parsed = frontmatter.parse("---\ntitle: Call {emergency_number}\nimage: a.svg\n"
                               "image_alt: a\n---\nText.\n")
    assert parsed.errors[0][0] == 2
    assert "only in the page text" in parsed.errors[0][1]


# Placeholders


def test_a_known_placeholder_is_filled_in_from_the_values():
    html = render_html("Call **{emergency_number}** now.", {"emergency_number": "112"})
    assert "<strong>112</strong>" in html
    assert "{" not in html


def test_the_default_emergency_number_is_911():
    assert "Call 911" in render_html("Call {emergency_number}")


def test_an_unknown_placeholder_is_an_error_with_its_line_and_a_suggestion():
    report = check_body("Fine.\n\nCall {emergency number} or {emergancy_number}.\n", 7)
    assert [line for line, _ in report.errors] == [9, 9]
    assert report.errors[0][1] == (
        "'{emergency number}' is not something the kiosk can fill in (did you mean "
        "'{emergency_number}'?); words in braces it knows: {emergency_number}")


def test_a_known_placeholder_is_no_error():
    assert check_body("Call {emergency_number}.\n", 7).errors == []


def write_content(root: Path, body: str, extra: str = "") -> Path:
    (root / "en").mkdir(parents=True)
    (root / "images").mkdir()
    (root / "images" / "a.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    (root / "en" / "10-one.md").write_text(page(extra, body))
    return root


def test_the_kiosk_fills_in_the_clinics_number_from_kiosk_toml(tmp_path):
    content = write_content(tmp_path / "content", "Call {emergency_number} now.\n")
    config = tmp_path / "kiosk.toml"
    config.write_text('[clinic]\nemergency_number = "112"\n[content]\nlanguages = ["en"]\n')
    settings = load_settings(config, content_dir=content, data_dir=tmp_path / "d", environ={})
    assert settings.emergency_number == "112"
    result = load_live(settings)
    assert result.ok, result.problems
    assert result.content is not None
    assert "Call 112 now." in result.content.sections()[0].html


def test_an_unknown_placeholder_refuses_the_page_with_file_and_line(tmp_path):
    content = write_content(tmp_path / "content", "Text.\n\nCall {emergency_phone}.\n")
    result = load_content(content, ("en",), "en")
    assert result.content is None
    assert [(p.path.name, p.line) for p in result.errors] == [("10-one.md", 8)]


@pytest.mark.parametrize("number", ["<b>911</b>", "9*1*1", "", "call 911", "911 "])
def test_the_emergency_number_must_be_plain_digits(tmp_path, number):
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[clinic]\nemergency_number = "{number}"\n')
    with pytest.raises(ConfigError, match="emergency_number"):
        load_settings(config, data_dir=tmp_path, environ={})


def test_the_shipped_settings_use_911():
    assert load_settings(environ={}).emergency_number == "911"


# Reviews reach the model and stay out of what patients see


def test_the_review_is_kept_in_the_section_and_never_in_its_html(tmp_path):
    content = write_content(tmp_path / "content", "Text.\n",
                            f"reviewed_by: Dr. Ana Ruiz\nreviewed_on: 2026-12-01\n"
                            f"source: Sciatica (Mayo Clinic) {MAYO}\n")
    result = load_content(content, ("en",), "en", today=TODAY)
    assert result.ok, result.problems
    assert result.problems == []
    assert result.content is not None
    section = result.content.sections()[0]
    assert section.review.reviewed_by == "Dr. Ana Ruiz"
    assert section.review.sources[0].url == MAYO
    for secret in ("Ana Ruiz", "mayoclinic", "2026-12-01"):
        assert secret not in section.html
        assert secret not in section.title
        assert secret not in section.image_alt


def test_a_bad_review_date_refuses_the_page(tmp_path):
    content = write_content(tmp_path / "content", "Text.\n",
                            "reviewed_by: Dr. Ana Ruiz\nreviewed_on: 2999-01-01\n")
    result = load_content(content, ("en",), "en")
    assert result.content is None
    assert [(p.line, "in the future" in p.message) for p in result.errors] == [(6, True)]


def test_the_shipped_pages_pass_with_only_not_reviewed_warnings(tmp_path):
    shutil.copytree(RESOURCES / "content", tmp_path / "content")
    settings = load_settings(content_dir=tmp_path / "content", data_dir=tmp_path / "d",
                             environ={})
    result = load_live(settings)
    assert result.ok, [str(p) for p in result.errors]
    assert result.content is not None
    pages = [s for language in settings.languages for s in result.content.by_language[language]]
    assert len(pages) == 22
    assert {p.severity for p in result.problems} == {Severity.WARNING}
    assert all("not reviewed yet" in p.message for p in result.problems)
    assert len(result.problems) == len(pages)
    for section in pages:
        # Nobody has reviewed them: the files must not pretend otherwise.
        assert section.review.reviewed_by == ""
        assert section.review.reviewed_on is None
        # Pages with health facts name where they were checked; the last two ("about this
        # information", "talk to us") state none.
        if section.order < 90:
            assert section.review.sources, f"{section.source} lists no sources"


def test_the_urgent_page_tells_patients_the_clinics_own_number(tmp_path):
    config = tmp_path / "kiosk.toml"
    config.write_text('[clinic]\nemergency_number = "112"\n')
    settings = load_settings(config, data_dir=tmp_path / "d", environ={})
    result = load_live(settings)
    assert result.content is not None
    for language in settings.languages:
        urgent = {s.slug: s for s in result.content.sections(language)}["get-care-right-away"]
        assert "112" in urgent.html, language
        assert "911" not in urgent.html
        assert "{" not in urgent.html
