"""The patient's session without Qt: where each way of moving leads, what a reset forgets,
and how long each page waits before asking "Still there?"."""

from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.config import Settings
from kiosk.session import (
    ATTRACT,
    NOT_READY,
    SIGNUP,
    STAFF,
    THANKS,
    TOPICS,
    UNAVAILABLE,
    Draft,
    Page,
    PatientSession,
    Presentation,
    consent_version,
    idle_ms,
    link_page,
    next_page,
    page_after_content,
    previous_page,
    reset,
    section_index,
    swipe_page,
    with_page,
)

SLUGS = ("nerve", "sciatica", "massage")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(clinic_name="Clinic", logo=tmp_path / "logo.svg", content_dir=tmp_path,
                    data_dir=tmp_path, log_dir=tmp_path, default_language="en",
                    languages=("en", "es"), idle_ms=90_000, idle_form_ms=180_000,
                    text_percent=150, high_contrast=True)


def section(slug: str) -> Page:
    return Page.section(slug)


def test_a_page_reads_as_the_id_the_window_title_and_log_show():
    assert str(section("nerve")) == "section:nerve"
    assert [str(p) for p in (ATTRACT, TOPICS, SIGNUP, NOT_READY, THANKS, STAFF, UNAVAILABLE)] == [
        "attract", "topics", "signup", "signup-not-ready", "thanks", "staff", "unavailable"]
    assert section("nerve") == section("nerve") != section("sciatica")


def test_next_walks_every_section_then_the_sign_up():
    page, seen = ATTRACT, []
    for _ in range(len(SLUGS) + 1):
        page = next_page(page, SLUGS, signup_ready=True)
        seen.append(page)
    assert seen == [*map(section, SLUGS), SIGNUP]


def test_next_after_the_last_section_stands_in_for_a_form_that_is_not_ready():
    assert next_page(section("massage"), SLUGS, signup_ready=False) == NOT_READY


def test_next_starts_at_the_first_section_from_outside_the_sections():
    for page in (ATTRACT, TOPICS, THANKS, section("gone")):
        assert next_page(page, SLUGS, signup_ready=True) == section("nerve")
    assert next_page(ATTRACT, (), signup_ready=True) is None


def test_back_steps_back_and_leaves_from_the_first_section():
    assert previous_page(section("massage"), SLUGS) == section("sciatica")
    assert previous_page(section("nerve"), SLUGS) == ATTRACT
    assert previous_page(TOPICS, SLUGS) == ATTRACT
    assert previous_page(SIGNUP, SLUGS) == section("massage")
    assert previous_page(NOT_READY, SLUGS) == section("massage")
    assert previous_page(SIGNUP, ()) == UNAVAILABLE


def test_a_swipe_turns_pages_only_among_the_sections():
    assert swipe_page(section("nerve"), +1, SLUGS) == section("sciatica")
    assert swipe_page(section("massage"), +1, SLUGS) is None  # never onto the form
    assert swipe_page(section("sciatica"), -1, SLUGS) == section("nerve")
    assert swipe_page(section("nerve"), -1, SLUGS) == ATTRACT
    for page in (ATTRACT, TOPICS, SIGNUP, STAFF):
        assert swipe_page(page, +1, SLUGS) is None
        assert swipe_page(page, -1, SLUGS) is None


def test_links_go_to_a_section_or_the_sign_up_and_nowhere_else():
    assert link_page("section:massage", SLUGS, signup_ready=True) == section("massage")
    assert link_page("signup:", SLUGS, signup_ready=True) == SIGNUP
    assert link_page("signup:", SLUGS, signup_ready=False) == NOT_READY
    for target in ("section:gone", "https://example.com", "file:///etc/passwd", "section:"):
        assert link_page(target, SLUGS, signup_ready=True) is None


def test_new_content_keeps_the_patient_where_they_are_if_it_can():
    new = ("nerve", "exercises")
    assert page_after_content(section("nerve"), new) == section("nerve")
    assert page_after_content(section("massage"), new) == ATTRACT
    assert page_after_content(TOPICS, new) == TOPICS
    assert page_after_content(ATTRACT, new) == ATTRACT
    for staying in (SIGNUP, NOT_READY, THANKS, STAFF):
        assert page_after_content(staying, new) is None
    for page in (SIGNUP, section("nerve"), STAFF):
        assert page_after_content(page, ()) == UNAVAILABLE


def test_section_index_knows_only_sections_that_exist():
    assert section_index(section("sciatica"), SLUGS) == 1
    assert section_index(section("gone"), SLUGS) is None
    assert section_index(TOPICS, SLUGS) is None


def test_idle_rules(settings):
    assert idle_ms(ATTRACT, settings) is None
    assert idle_ms(UNAVAILABLE, settings) is None
    assert idle_ms(SIGNUP, settings) == 180_000
    for page in (section("nerve"), TOPICS, NOT_READY, THANKS, STAFF):
        assert idle_ms(page, settings) == 90_000


def test_reset_forgets_everything_the_patient_chose_or_typed(settings):
    used = PatientSession(SIGNUP, Presentation("es", 200, False),
                          Draft({"name": "Zoë Peña"}, "name"), "v1-90d")
    fresh = reset(settings)
    assert fresh == PatientSession(ATTRACT, Presentation("en", 150, True))
    assert fresh.draft is None
    assert fresh.consent_version is None
    assert used != fresh


def test_reaching_the_start_screen_drops_the_draft_and_other_pages_keep_it(settings):
    typing = replace(PatientSession.start(settings), page=SIGNUP,
                     draft=Draft({"name": "Zoë"}), consent_version="v1-90d")
    assert with_page(typing, section("nerve")).draft == Draft({"name": "Zoë"})
    assert with_page(typing, THANKS).page == THANKS
    for start in (ATTRACT, UNAVAILABLE):
        left = with_page(typing, start)
        assert left.page == start
        assert left.draft is None
        assert left.consent_version is None


def test_presentation_steps_through_languages_sizes_and_contrast(settings):
    start = Presentation.default(settings)
    assert start == Presentation("en", 150, True)
    assert start.with_next_language(("en", "es")).language == "es"
    assert start.with_next_language(("en", "es")).with_next_language(("en", "es")) == start
    assert start.with_next_text_size().text_percent == 200
    assert start.with_next_text_size().with_next_text_size().text_percent == 100
    assert start.with_contrast_toggled().high_contrast is False


def test_consent_version_names_the_text_and_how_long_entries_are_kept():
    assert consent_version("2024-05", 90) == "2024-05-90d"
