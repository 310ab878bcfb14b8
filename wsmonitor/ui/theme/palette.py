"""Named colour roles of the GUI, in a light and a dark variant (plain data, no Qt).

Every widget asks for a role ("muted text", "error banner", "plot grid") rather than a hex
value, so one switch recolours the whole window. Roles for pages owned by other modules (the
handshake lab, the sockets detail, the stat tiles) live here too, so each page reads alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

#: Aliases of status levels: a running probe looks like information, a pending one like idle.
_LEVEL_ALIASES = {"running": "info", "pending": "idle", "skipped": "idle", "": "idle"}

#: Which categorical colour a well-known series always gets (an index into ``series``).
SERIES_SLOTS: dict[str, int] = {
    "total": 0,
    "websocket": 2,
    "polling": 1,
    "connects": 2,
    "disconnects": 4,
    "in": 0,
    "out": 3,
    "latency": 0,
    "short_lived": 4,
}


@dataclass(frozen=True)
class BannerColours:
    """A tinted message box: its background, body text, thin border and strong level colour."""

    background: str
    text: str
    border: str
    #: The saturated level colour: a thick left edge, a title, a status dot.
    strong: str


@dataclass(frozen=True)
class ThemePalette:
    """Every colour role of one theme variant, as ``#rrggbb`` strings."""

    name: str
    is_dark: bool
    # -- window chrome (fed to the Fusion QPalette) -----------------------------------------
    window: str  # page and dialog background
    panel: str  # inputs, tables, text views, plot cards
    panel_alt: str  # alternate table rows
    button: str
    text: str  # body text on window and panel
    muted: str  # secondary text: captions, hints, "since …", placeholders
    border: str
    accent: str  # selection, focus, the current item
    accent_text: str  # text on ``accent``
    link: str
    tooltip: str
    tooltip_text: str
    # -- navigation sidebar -------------------------------------------------------------------
    sidebar: str
    sidebar_text: str
    sidebar_hover: str
    sidebar_selected: str
    sidebar_selected_text: str
    sidebar_marker: str  # the bar left of the current page
    # -- status -------------------------------------------------------------------------------
    #: Text and dot colours of status levels on ``window`` and ``panel`` (ok/warn/error/info/idle).
    levels: Mapping[str, str]
    banners: Mapping[str, BannerColours]
    #: Backgrounds of result cells (diagnose matrix), text in ``banner(level).text``.
    cells: Mapping[str, str]
    # -- plots ----------------------------------------------------------------------------------
    plot_background: str
    plot_foreground: str  # axes, tick labels
    grid_alpha: float
    crosshair: str
    down_band: tuple[str, int]  # (colour, alpha 0-255): health down periods
    gap_band: tuple[str, int]  # monitoring gaps
    #: Categorical series colours, the first ones the most distinct.
    series: tuple[str, ...]
    # -- handshake lab ---------------------------------------------------------------------------
    #: Waterfall bar per phase; "other" for unknown phases, failed bars use ``levels["error"]``.
    phases: Mapping[str, str]
    #: Timeline direction column: "out" (client → server) and "in".
    directions: Mapping[str, str]

    def level(self, level: str) -> str:
        """Text colour of a status level (unknown levels read as idle)."""
        key = _LEVEL_ALIASES.get(level, level)
        return self.levels.get(key, self.levels["idle"])

    def banner(self, level: str) -> BannerColours:
        """Banner colours of a level; "running" reads as info, "pending"/"skipped" as idle."""
        key = _LEVEL_ALIASES.get(level, level)
        return self.banners.get(key, self.banners["info"])

    def cell(self, level: str) -> tuple[str, str]:
        """(background, text) of a result cell at ``level``."""
        background = self.cells.get(level) or self.cells["pending"]
        return background, self.banner(level).text

    def series_colour(self, key: str, index: int) -> str:
        """The fixed colour of a well-known series, else the ``index``-th categorical one."""
        slot = SERIES_SLOTS.get(key, index)
        return self.series[slot % len(self.series)]

    def phase(self, name: str) -> str:
        """Waterfall colour of a phase name such as "tcp" or "TLS handshake"."""
        key = name.lower().split()[0] if name else ""
        return self.phases.get(key, self.phases["other"])


LIGHT = ThemePalette(
    name="light",
    is_dark=False,
    window="#efeff1",
    panel="#ffffff",
    panel_alt="#f5f6f7",
    button="#f4f5f7",
    text="#1b1f24",
    muted="#5c636d",
    border="#c4c8ce",
    accent="#2a6fb0",
    accent_text="#ffffff",
    link="#0b5cad",
    tooltip="#fffbe6",
    tooltip_text="#1b1f24",
    sidebar="#1f2a36",
    sidebar_text="#d7dee6",
    sidebar_hover="#2a3846",
    sidebar_selected="#2f4256",
    sidebar_selected_text="#ffffff",
    sidebar_marker="#3ddc84",
    levels={
        "ok": "#1e7b3a",
        "warn": "#935f00",
        "error": "#b3261e",
        "info": "#0b5cad",
        "idle": "#5c636d",
    },
    banners={
        "info": BannerColours("#e8f1fb", "#0b4f8a", "#9cc3ea", "#1f5fa8"),
        "warn": BannerColours("#fff4dc", "#6e4500", "#f0c36d", "#b87700"),
        "error": BannerColours("#fdecea", "#8a1f17", "#ef9a92", "#c8382e"),
        "ok": BannerColours("#e7f6ec", "#1d6b36", "#94d3a9", "#2e9d4f"),
        "idle": BannerColours("#f1f2f4", "#3c424a", "#c9cdd3", "#8a8f98"),
    },
    cells={
        "ok": "#d7f0dd",
        "warn": "#ffe9c2",
        "error": "#f9d6d3",
        "running": "#dce8f8",
        "pending": "#f1f2f4",
        "skipped": "#f1f2f4",
    },
    plot_background="#ffffff",
    plot_foreground="#3c424a",
    grid_alpha=0.18,
    crosshair="#8a8f98",
    down_band=("#c8382e", 55),
    gap_band=("#8a8f98", 40),
    # Okabe–Ito (colour-blind safe), reordered so the first two contrast well.
    series=(
        "#0072B2",
        "#E69F00",
        "#009E73",
        "#CC79A7",
        "#D55E00",
        "#56B4E9",
        "#8C6D31",
        "#6A6A6A",
        "#F0E442",  # yellow last: poor contrast on white
    ),
    phases={
        "dns": "#7e57c2",
        "tcp": "#1f77b4",
        "tls": "#17becf",
        "tcp+tls": "#17becf",
        "http": "#2ca02c",
        "handshake": "#ff7f0e",
        "connect": "#e377c2",
        "upgrade": "#8c564b",
        "hold": "#7f7f7f",
        "other": "#6c757d",
    },
    directions={"out": "#1f5fa8", "in": "#2e7d32"},
)

DARK = ThemePalette(
    name="dark",
    is_dark=True,
    window="#1f2328",
    panel="#16191d",
    panel_alt="#1c2025",
    button="#2b3139",
    text="#e6e9ed",
    muted="#9aa3ad",
    border="#3a414a",
    accent="#2f6fb5",
    accent_text="#ffffff",
    link="#6cb6ff",
    tooltip="#2b3139",
    tooltip_text="#e6e9ed",
    sidebar="#14181c",
    sidebar_text="#c9d1d9",
    sidebar_hover="#1f262d",
    sidebar_selected="#27323d",
    sidebar_selected_text="#ffffff",
    sidebar_marker="#3ddc84",
    levels={
        "ok": "#4cc774",
        "warn": "#e3b341",
        "error": "#ff7b72",
        "info": "#6cb6ff",
        "idle": "#9aa3ad",
    },
    banners={
        "info": BannerColours("#132b45", "#b6d8ff", "#25598c", "#6cb6ff"),
        "warn": BannerColours("#36290a", "#f5d27a", "#7a5c14", "#e3b341"),
        "error": BannerColours("#3d1715", "#ffb4ad", "#8a3129", "#ff7b72"),
        "ok": BannerColours("#12321f", "#9be3b3", "#2b6e43", "#4cc774"),
        "idle": BannerColours("#262b31", "#c9d1d9", "#454d57", "#9aa3ad"),
    },
    cells={
        "ok": "#173d26",
        "warn": "#46340c",
        "error": "#4b1c19",
        "running": "#17334f",
        "pending": "#262b31",
        "skipped": "#262b31",
    },
    plot_background="#16191d",
    plot_foreground="#c2c8cf",
    grid_alpha=0.22,
    crosshair="#9aa3ad",
    down_band=("#ff7b72", 60),
    gap_band=("#9aa3ad", 45),
    # The same hues as the light Okabe–Ito set, lifted to read on a dark plot.
    series=(
        "#4fa3e0",
        "#f0b43c",
        "#2bc495",
        "#e08fc0",
        "#ff7a3d",
        "#8acff5",
        "#c49a52",
        "#a0a4a8",
        "#f0e442",
    ),
    phases={
        "dns": "#a58be6",
        "tcp": "#4fa3e0",
        "tls": "#3fd0de",
        "tcp+tls": "#3fd0de",
        "http": "#5cc95c",
        "handshake": "#ff9a3c",
        "connect": "#f09ad6",
        "upgrade": "#c0907e",
        "hold": "#a0a4a8",
        "other": "#98a1ab",
    },
    directions={"out": "#79b8ff", "in": "#6fd37a"},
)

VARIANTS: dict[str, ThemePalette] = {"light": LIGHT, "dark": DARK}


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb`` (0 black … 1 white)."""
    value = colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two colours (1 … 21; body text needs 4.5)."""
    high, low = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def mix(colour: str, paper: str, strength: float) -> str:
    """``colour`` blended into ``paper`` (strength 1 = the colour itself, 0 = the paper)."""
    a, b = colour.lstrip("#"), paper.lstrip("#")
    parts = (
        round(strength * int(a[i : i + 2], 16) + (1 - strength) * int(b[i : i + 2], 16))
        for i in (0, 2, 4)
    )
    return "#" + "".join(f"{p:02x}" for p in parts)
