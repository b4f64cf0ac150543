"""The Qt binding itself must survive months of taps.

PySide6-Essentials 6.12.0 on Python 3.11 decrements None's reference count on every call of a
method returning void (setChecked, setText, setVisible...), so a kiosk died after a few
thousand page turns with 'Fatal Python error: none_dealloc'. pyproject.toml keeps it out;
this test fails if such a release comes back in. (From Python 3.12 None is immortal.)
"""

import sys

from PySide6.QtWidgets import QLabel, QPushButton

CALLS = 2000


def test_void_calls_do_not_drop_references_to_none(qtbot):
    button = QPushButton()
    button.setCheckable(True)
    label = QLabel()
    qtbot.addWidget(button)
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for n in range(CALLS):
        button.setChecked(n % 2 == 0)
        label.setText(str(n))
        button.setVisible(n % 2 == 0)
    # A few references come and go with caches; a leak would be thousands.
    assert abs(sys.getrefcount(None) - before) < CALLS // 10
