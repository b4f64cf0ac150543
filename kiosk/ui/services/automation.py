"""Where the tappable things are on screen, for end-to-end tests that tap like a person.

Only when ``KIOSK_AUTOMATION_FILE`` is set: on SIGUSR1 the kiosk writes the screen
rectangles of its visible fields and buttons to that file as JSON. Keys are widget names and
button labels, never anything a patient typed.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QAbstractButton, QLineEdit, QWidget

ENVIRONMENT_VARIABLE = "KIOSK_AUTOMATION_FILE"


def widget_map(window: QWidget) -> dict[str, list[int]]:
    """Visible fields (by object name) and buttons (by accessible name): [x, y, w, h]."""
    found: dict[str, list[int]] = {}
    for widget in window.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, QLineEdit) and widget.objectName():
            key = widget.objectName()
        elif isinstance(widget, QAbstractButton):
            key = widget.accessibleName() or widget.text()
        else:
            continue
        origin = widget.mapToGlobal(QPoint(0, 0))
        found.setdefault(key, [origin.x(), origin.y(), widget.width(), widget.height()])
    return found


def write_widget_map(window: QWidget, path: Path) -> None:
    staging = path.with_name(path.name + ".tmp")
    staging.write_text(json.dumps(widget_map(window)), encoding="utf-8")
    staging.replace(path)
