"""Turns a ``ThemePalette`` into what Qt and pyqtgraph use: a QPalette, a style sheet, options."""

from __future__ import annotations

import logging
from string import Template

import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from wsmonitor.resources import resource_path
from wsmonitor.ui.theme.palette import ThemePalette, mix

log = logging.getLogger(__name__)

Role = QPalette.ColorRole
Group = QPalette.ColorGroup


def qcolor(colour: str | tuple[str, int]) -> QColor:
    """A QColor from ``#rrggbb`` or ``(#rrggbb, alpha 0-255)``."""
    if isinstance(colour, tuple):
        result = QColor(colour[0])
        result.setAlpha(colour[1])
        return result
    return QColor(colour)


def build_qpalette(p: ThemePalette) -> QPalette:
    """The Fusion palette of a theme: every role a stock widget paints with."""
    palette = QPalette()
    shades = {
        Role.Window: p.window,
        Role.WindowText: p.text,
        Role.Base: p.panel,
        Role.AlternateBase: p.panel_alt,
        Role.ToolTipBase: p.tooltip,
        Role.ToolTipText: p.tooltip_text,
        Role.PlaceholderText: p.muted,
        Role.Text: p.text,
        Role.Button: p.button,
        Role.ButtonText: p.text,
        Role.BrightText: p.levels["error"],
        Role.Highlight: p.accent,
        Role.HighlightedText: p.accent_text,
        Role.Link: p.link,
        Role.LinkVisited: p.link,
        Role.Accent: p.accent,
        # Fusion draws bevels, frames and slider grooves from these five.
        Role.Light: mix("#ffffff", p.button, 0.12 if p.is_dark else 0.8),
        Role.Midlight: mix(p.button, p.border, 0.5),
        Role.Mid: p.border,
        Role.Dark: mix(p.border, "#000000", 0.7),
        Role.Shadow: "#000000",
    }
    for role, colour in shades.items():
        palette.setColor(role, QColor(colour))
    # Disabled widgets: text fades towards the background instead of vanishing.
    faded = mix(p.muted, p.window, 0.75)
    for role in (Role.WindowText, Role.Text, Role.ButtonText):
        palette.setColor(Group.Disabled, role, QColor(faded))
    palette.setColor(Group.Disabled, Role.Base, QColor(p.window))
    palette.setColor(Group.Disabled, Role.Button, QColor(mix(p.button, p.window, 0.5)))
    # An inactive window keeps its selection colour: the second-screen monitor is rarely focused.
    palette.setColor(Group.Inactive, Role.Highlight, QColor(p.accent))
    palette.setColor(Group.Inactive, Role.HighlightedText, QColor(p.accent_text))
    return palette


def build_stylesheet(p: ThemePalette) -> str:
    """The application style sheet: ``resources/style/wsmonitor.qss`` with ``$role`` filled in."""
    path = resource_path("style", "wsmonitor.qss")
    try:
        template = Template(path.read_text(encoding="utf-8"))
    except OSError:
        log.warning("style sheet %s is missing; using the plain palette", path)
        return ""
    values = {name: value for name, value in vars(p).items() if isinstance(value, str)}
    values.update({f"level_{name}": colour for name, colour in p.levels.items()})
    return template.substitute(values)


def apply_to_application(p: ThemePalette) -> None:
    """Restyle the running application: Fusion, the palette, the style sheet, pyqtgraph."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    # Fusion honours the palette fully on every platform (native styles ignore dark palettes).
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    app.setPalette(build_qpalette(p))
    # After the palette: palette(...) references in style sheets resolve against it.
    app.setStyleSheet(build_stylesheet(p))
    # Only items created from now on read these; existing plots restyle on theme change.
    pg.setConfigOptions(background=p.plot_background, foreground=p.plot_foreground)
