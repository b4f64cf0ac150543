"""A QR code to take a page home, with a short line saying what it opens.

The code is segno's SVG (``kiosk/take_home.py``) drawn with whole pixels a module, so its
edges stay sharp for a phone camera, always black on white with its quiet zone (inverted
codes are not read by every phone, so high contrast keeps them too).

Size: the code itself (without its quiet zone) is at least ``MIN_CODE_PX`` = 170 px wide.
Assumed screen: a 1920x1080 panel of 15.6" to 32" (0.18 to 0.37 mm a pixel); 170 px is
3.0 cm on the 15.6" one and more on anything larger (3.6 cm on 21.5", 4.7 cm on 24"), which
a phone reads from arm's length.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QBoxLayout, QLabel, QSizePolicy, QWidget

from kiosk.take_home import QUIET_ZONE, qr_svg

MIN_CODE_PX = 170


class QrPicture(QWidget):
    """The code alone, a fixed square of whole-pixel modules."""

    def __init__(self, data: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data = data
        svg, self.modules = qr_svg(data)
        self._renderer = QSvgRenderer(QByteArray(svg), self)
        inner = self.modules - 2 * QUIET_ZONE
        self.module_px = math.ceil(MIN_CODE_PX / inner)
        side = self.modules * self.module_px
        self.setFixedSize(QSize(side, side))
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        self._renderer.render(painter, QRectF(0, 0, self.width(), self.height()))
        painter.end()


class QrCode(QWidget):
    """The code and, beside it, what it opens ("Scan to read this page on your phone")."""

    def __init__(self, data: str, caption: str, spoken_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("QrCode")
        self.picture = QrPicture(data)
        # Screen readers: the picture says what it is; the caption is read as text.
        self.picture.setAccessibleName(spoken_name)
        self.caption = QLabel(caption)
        self.caption.setObjectName("Hint")
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setWordWrap(True)
        self._layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(16)
        self._layout.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignCenter)
        self._layout.addWidget(self.caption, 1, Qt.AlignmentFlag.AlignVCenter)

    def set_stacked(self, stacked: bool) -> None:
        """The line under the code (a narrow column) instead of beside it."""
        self._layout.setDirection(QBoxLayout.Direction.TopToBottom if stacked
                                  else QBoxLayout.Direction.LeftToRight)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignHCenter if stacked
                                  else Qt.AlignmentFlag.AlignLeft)
        self.caption.setMaximumWidth(round(self.picture.width() * 1.3) if stacked
                                     else 16_777_215)
        self.updateGeometry()
