"""The buttons on every patient page that change how the kiosk reads: language, text size,
contrast. The window owns what they change (``Presentation``) and rebuilds the pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QPushButton

from kiosk.config import TEXT_PERCENTS, Settings


@dataclass(frozen=True)
class Presentation:
    """How the pages look for the patient at the screen right now."""

    language: str
    text_percent: int
    high_contrast: bool

    @classmethod
    def default(cls, settings: Settings) -> Presentation:
        return cls(settings.default_language, settings.text_percent, settings.high_contrast)

    def next_language(self, languages: tuple[str, ...]) -> str:
        index = languages.index(self.language) if self.language in languages else -1
        return languages[(index + 1) % len(languages)]

    def with_next_language(self, languages: tuple[str, ...]) -> Presentation:
        return replace(self, language=self.next_language(languages))

    def with_next_text_size(self) -> Presentation:
        index = TEXT_PERCENTS.index(self.text_percent) if self.text_percent in TEXT_PERCENTS else 0
        return replace(self, text_percent=TEXT_PERCENTS[(index + 1) % len(TEXT_PERCENTS)])

    def with_contrast_toggled(self) -> Presentation:
        return replace(self, high_contrast=not self.high_contrast)


class AccessButtons(QObject):
    """Three buttons, placed by whichever page shows them."""

    languageTapped = Signal()
    textSizeTapped = Signal()
    contrastTapped = Signal()

    def __init__(self, strings: Mapping[str, str], presentation: Presentation,
                 next_language_name: str | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        largest = presentation.text_percent == TEXT_PERCENTS[-1]
        # The language button names the other language in that language ("Español"), the
        # way a patient who reads it looks for it.
        self.language = QPushButton(next_language_name or "")
        self.language.setObjectName("Access")
        self.language.setAccessibleName(next_language_name or "")
        # Only ever hide here: showing a button that has no parent yet opens it as a window of
        # its own for a moment, which takes the focus from the kiosk at every rebuild.
        if next_language_name is None:
            self.language.hide()
        size_text = strings["normal_text"] if largest else strings["larger_text"]
        self.text_size = QPushButton(f"{'A' if largest else 'A+'}  {size_text}")
        self.text_size.setObjectName("Access")
        self.text_size.setAccessibleName(size_text)
        self.contrast = QPushButton(f"◐  {strings['high_contrast']}")
        self.contrast.setObjectName("Access")
        self.contrast.setAccessibleName(strings["high_contrast"])
        self.contrast.setCheckable(True)
        self.contrast.setChecked(presentation.high_contrast)
        for button in self.buttons():
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # The page showing the buttons owns them; this object goes with them. (Its parent is the
        # window, which outlives every rebuild: one was left behind per page and rebuild.)
        self.contrast.destroyed.connect(self.deleteLater)
        self.language.clicked.connect(self.languageTapped)
        self.text_size.clicked.connect(self.textSizeTapped)
        # Toggling is the window's job (it rebuilds); the button only reports the tap.
        self.contrast.clicked.connect(self.contrastTapped)

    def buttons(self) -> list[QPushButton]:
        return [self.language, self.text_size, self.contrast]
