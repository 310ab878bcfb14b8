"""Style sheets of the tinted message boxes (banners), built from palette roles.

Shared so that the dashboard banner, the lab's verdict banner and the Diagnose page's banner
look alike in both themes.
"""

from __future__ import annotations

from wsmonitor.ui.theme.palette import ThemePalette


def banner_style(palette: ThemePalette, level: str) -> str:
    """A ``QFrame#banner`` at ``level`` (info, ok, warn, error, idle): tint, border, text."""
    c = palette.banner(level)
    return (
        f"QFrame#banner {{ background: {c.background}; border: 1px solid {c.border};"
        f" border-radius: 4px; }}"
        f" QFrame#banner QLabel, QFrame#banner QToolButton"
        f" {{ color: {c.text}; background: transparent; }}"
    )


def verdict_banner_style(palette: ThemePalette, level: str) -> str:
    """The lab's ``#verdictBanner`` at ``level`` (ok, warn, error, running, idle).

    A thick left edge in the strong level colour; title and body in the banner's text colour,
    which keeps 4.5:1 on the tint where the strong colour may not.
    """
    c = palette.banner(level)
    return (
        f"#verdictBanner {{ background: {c.background}; border: 1px solid {c.border};"
        f" border-left: 6px solid {c.strong}; border-radius: 4px; }}"
        f" #verdictBanner QLabel {{ background: transparent; border: none; color: {c.text}; }}"
        f" #verdictTitle {{ font-weight: bold; font-size: 15px; }}"
    )
