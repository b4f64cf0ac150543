"""The strict log check itself: an undeclared WARNING fails a test, a declared one does not."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

INNER = '''
import logging
import pytest

log = logging.getLogger("kiosk.meta.child")

def test_undeclared():
    log.warning("kiosk-meta disk is full")

@pytest.mark.expect_log("kiosk.meta", r"disk is full")
def test_declared():
    log.warning("kiosk-meta disk is full")

@pytest.mark.expect_log("kiosk.meta", r"disk is full")
def test_declared_other_message():
    log.error("kiosk-meta something else")

def test_info_is_fine():
    log.info("kiosk-meta all good")
'''


@pytest.mark.expect_log("kiosk.meta", r"kiosk-meta")  # the inner tests log in this process
def test_an_undeclared_warning_fails_and_a_declared_one_passes(pytester):
    pytester.makeconftest("from tests.conftest import _fail_on_unexpected_warnings  # noqa\n")
    pytester.makeini('[pytest]\nmarkers =\n    expect_log(logger, pattern): declared\n')
    pytester.makepyfile(test_inner=INNER)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4, errors=2)
    result.stdout.fnmatch_lines([
        "*ERROR at teardown of test_undeclared*",
        "*unexpected WARNING from kiosk.meta.child: kiosk-meta disk is full*",
        "*ERROR at teardown of test_declared_other_message*",
        "*unexpected ERROR from kiosk.meta.child: kiosk-meta something else*",
    ])
