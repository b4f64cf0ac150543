"""Sizes and the style sheet, derived from the clinic's theme in kiosk.toml."""

from __future__ import annotations

from dataclasses import dataclass, replace

from kiosk.config import Theme

# Light text on black with a yellow accent: every text pair well above 7:1 (WCAG 1.4.6).
HIGH_CONTRAST = Theme(
    background="#000000", surface="#000000", text="#FFFFFF", muted_text="#E6E6E6",
    primary="#FFE14D", on_primary="#000000", accent="#FFE14D", error="#FF9C9C",
    keyboard="#1A1A1A",
)


def presented_theme(theme: Theme, *, high_contrast: bool) -> Theme:
    """The clinic's colours, or the high-contrast ones at the clinic's text size."""
    return replace(HIGH_CONTRAST, body_px=theme.body_px) if high_contrast else theme


@dataclass(frozen=True)
class Metrics:
    """Pixel sizes for a screen whose short side is 1080 px; touch targets stay >= 44 px."""

    body_px: int
    title_px: int
    button_px: int
    button_height: int
    dot_size: int
    margin: int
    key_px: int
    key_height: int
    # Start screen, thank-you and "still there?" headlines: already large at normal text,
    # so they grow only once the page titles catch up with them.
    headline_px: int = 0
    percent: int = 100
    # Header and nav bar labels ("Home", "Back") stop growing at 150%: short words that are
    # already large, and at 200% they would take two rows each from the page's text.
    chrome_px: int = 0
    chrome_height: int = 0
    # Page titles stop at two lines: at larger text they shrink from title_px towards this.
    title_min_px: int = 0

    @classmethod
    def for_theme(cls, theme: Theme, percent: int = 100) -> Metrics:
        body = round(theme.body_px * percent / 100)
        button = round(body * 0.95)
        # The keyboard's six rows must leave room for the focused field in landscape, so its
        # letters stop growing at 150%; everything else grows all the way to 200%.
        key = round(theme.body_px * 0.95 * min(percent, 150) / 100)
        chrome = round(theme.body_px * 0.95 * min(percent, 150) / 100)
        return cls(
            body_px=body,
            title_px=round(body * 1.6),
            button_px=button,
            button_height=max(88, round(button * 1.9)),
            dot_size=48,
            margin=40,
            key_px=key,
            key_height=max(72, round(key * 1.6)),
            headline_px=max(round(theme.body_px * 1.6 * 1.4), round(body * 1.6)),
            percent=percent,
            chrome_px=chrome,
            chrome_height=max(88, round(chrome * 1.9)),
            title_min_px=round(body * 1.15),
        )


def style_sheet(theme: Theme, m: Metrics, check_mark: str = "") -> str:
    return f"""
    QWidget#KioskWindow, QStackedWidget, QWidget#Page {{
        background: {theme.background};
        color: {theme.text};
    }}
    QLabel {{ color: {theme.text}; background: transparent; }}
    QLabel#ClinicName {{ font-size: {m.button_px}px; font-weight: 600; }}
    QLabel#PageTitle {{ font-size: {m.title_px}px; font-weight: 700; color: {theme.primary}; }}
    QLabel#AttractTitle {{ font-size: {m.headline_px}px; font-weight: 800;
        color: {theme.primary}; }}
    QLabel#AttractSubtitle, QLabel#Hint {{ font-size: {m.body_px}px; color: {theme.muted_text}; }}
    QTextBrowser {{
        background: transparent; border: none; color: {theme.text};
        font-size: {m.body_px}px;
    }}
    QWidget#HeaderBar, QWidget#NavBar {{ background: {theme.surface}; }}
    QWidget#StillThere {{ background: {theme.background}; }}
    QPushButton {{
        font-size: {m.button_px}px; font-weight: 600;
        min-height: {m.button_height}px; padding: 0 {m.margin}px;
        border-radius: {m.button_height // 2}px;
        background: {theme.surface}; color: {theme.primary};
        border: 3px solid {theme.primary};
    }}
    QPushButton:pressed {{ background: {theme.primary}; color: {theme.on_primary}; }}
    QPushButton#Access {{ padding: 0 {m.margin // 2}px; }}
    QWidget#HeaderBar QPushButton, QWidget#NavBar QPushButton {{
        font-size: {m.chrome_px}px; min-height: {m.chrome_height}px;
        border-radius: {m.chrome_height // 2}px;
    }}
    QWidget#HeaderBar QPushButton {{ padding: 0 {m.margin // 2}px; }}
    QPushButton#Access:checked {{ border-width: 7px; }}
    QLabel#PageCount {{ font-size: {round(m.chrome_px * 0.8)}px; color: {theme.muted_text}; }}
    QPushButton#Urgent {{
        padding: 0; border-radius: 8px; min-height: 0;
        border: 6px solid {theme.error}; background: {theme.surface};
    }}
    QLabel#UrgentText {{ font-size: {m.button_px}px; font-weight: 800; color: {theme.error}; }}
    QPushButton#Topic[urgent="true"] {{ border: 6px solid {theme.error}; border-radius: 8px;
        background: {theme.surface}; }}
    QPushButton#Topic[urgent="true"] QLabel#TopicText {{ color: {theme.error}; font-weight: 800; }}
    QPushButton#Primary, QPushButton#AttractStart {{
        background: {theme.primary}; color: {theme.on_primary};
    }}
    QPushButton#Primary:pressed {{ background: {theme.text}; }}
    QPushButton#Topic {{
        text-align: left; padding: 12px 24px; border-radius: 24px;
        font-size: {m.button_px}px; min-height: {m.button_height + 40}px;
    }}
    QLabel#TopicText {{ font-size: {m.button_px}px; font-weight: 600; color: {theme.primary}; }}
    QPushButton#Topic[current="true"] {{ border-width: 6px; background: {theme.background}; }}
    QLabel#Body {{ font-size: {m.body_px}px; }}
    QLabel#FieldLabel {{ font-size: {m.body_px}px; font-weight: 700; }}
    QLabel#FieldError {{ font-size: {m.body_px}px; font-weight: 700; color: {theme.error}; }}
    QLabel#Banner {{ font-size: {m.body_px}px; font-weight: 700; color: {theme.on_primary};
        background: {theme.error}; padding: 16px 24px; border-radius: 16px; }}
    QLabel#PinDots {{ font-size: {m.title_px}px; color: {theme.primary};
        min-height: {m.title_px + 16}px; }}
    QLineEdit {{
        font-size: {m.body_px}px; padding: 0 20px; color: {theme.text};
        background: {theme.surface}; border: 3px solid {theme.muted_text}; border-radius: 16px;
        selection-background-color: {theme.primary};
    }}
    QLineEdit:focus {{ border: 5px solid {theme.primary}; }}
    QPushButton#Choice:checked {{ background: {theme.primary}; color: {theme.on_primary}; }}
    QCheckBox {{ font-size: {m.body_px}px; font-weight: 700; spacing: 24px; color: {theme.text}; }}
    QCheckBox::indicator {{ width: 56px; height: 56px; border: 4px solid {theme.primary};
        border-radius: 10px; background: {theme.surface}; }}
    QCheckBox::indicator:checked {{ background: {theme.primary};
        image: url({check_mark}); }}
    QWidget#Keyboard {{ background: {theme.keyboard}; }}
    QPushButton#Key {{ min-height: {m.key_height}px; padding: 0; border-radius: 14px;
        border-width: 2px; font-size: {m.key_px}px; background: {theme.surface}; }}
    QPushButton#Key[active="true"] {{ background: {theme.primary}; color: {theme.on_primary}; }}
    QListWidget#Signups {{ font-size: {round(m.body_px * 0.85)}px; background: {theme.surface};
        color: {theme.text}; border: 2px solid {theme.muted_text}; border-radius: 12px;
        outline: 0; }}
    QListWidget#Signups::item {{ padding: 16px; color: {theme.text};
        border-bottom: 1px solid {theme.muted_text}; }}
    QListWidget#Signups::item:selected {{ background: {theme.primary};
        color: {theme.on_primary}; border-left: 12px solid {theme.accent}; }}
    QScrollBar:vertical {{ width: 14px; background: transparent; }}
    QScrollBar::handle:vertical {{ background: {theme.muted_text}; border-radius: 7px;
        min-height: 60px; }}
    QScrollBar::add-line, QScrollBar::sub-line {{ height: 0; }}
    QLineEdit[invalid="true"] {{ border: 5px solid {theme.error}; }}
    QPushButton#Choice[invalid="true"] {{ border: 5px solid {theme.error}; }}
    QCheckBox[invalid="true"]::indicator {{ border: 5px solid {theme.error}; }}
    QPushButton#Access[checked="true"] {{ background: {theme.primary};
        color: {theme.on_primary}; }}
    """


def document_css(theme: Theme, m: Metrics) -> str:
    """CSS for the section body (Qt rich text understands a subset of CSS 2)."""
    return f"""
    body {{ color: {theme.text}; }}
    p, li {{ line-height: 140%; }}
    p {{ margin-bottom: {m.body_px // 2}px; }}
    h1, h2, h3 {{ color: {theme.primary}; }}
    h2 {{ font-size: {round(m.body_px * 1.25)}px; }}
    h3 {{ font-size: {round(m.body_px * 1.1)}px; }}
    a {{ color: {theme.primary}; font-weight: 700; text-decoration: underline; }}
    strong {{ font-weight: 800; }}
    th, td {{ padding: 8px 16px; }}
    """
