"""Text of plot legends and value read-outs (rich text for a QLabel)."""

from __future__ import annotations

import html
import math
import time
from collections.abc import Sequence

import numpy as np


def format_time(t: float) -> str:
    """Local wall-clock time of an epoch second, as the time axis shows it."""
    if not math.isfinite(t):
        return ""
    return time.strftime("%H:%M:%S", time.localtime(t))


def format_legend(entries: Sequence[tuple[str, str, str]], placeholder: str, muted: str) -> str:
    """``(colour, label, value)`` entries as one line of coloured swatches, labels and values.

    With no entries, ``placeholder`` in the ``muted`` colour (the theme's secondary text).
    """
    if not entries:
        return f'<span style="color:{muted}">{html.escape(placeholder)}</span>'
    parts = []
    for colour, label, value in entries:
        shown = f" <b>{html.escape(value)}</b>" if value else ""
        swatch = f'<span style="color:{colour}; font-size:14px">■</span>'
        parts.append(f"{swatch}&nbsp;{html.escape(label)}{shown}")
    return "&nbsp;&nbsp;&nbsp; ".join(parts)


def format_count(value: float) -> str:
    """A count or rate for a legend: thousands separators, at most 3 significant decimals."""
    if not math.isfinite(value):
        return "–"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"


def format_bytes(value: float) -> str:
    """A byte count or rate in B/KB/MB/GB (powers of 1024)."""
    if not math.isfinite(value):
        return "–"
    for unit in ("B", "KB", "MB", "GB"):
        if abs(value) < 1024 or unit == "GB":
            return f"{value:,.0f} {unit}" if unit == "B" else f"{value:,.1f} {unit}"
        value /= 1024
    return f"{value:,.1f} GB"


def value_at(x: np.ndarray, y: np.ndarray, t: float) -> float:
    """The value of the point nearest to time ``t`` (NaN when there is none or it is a gap)."""
    if not len(x):
        return math.nan
    i = min(max(int(np.searchsorted(x, t)), 0), len(x) - 1)
    if i > 0 and abs(x[i - 1] - t) < abs(x[i] - t):
        i -= 1
    return float(y[i])
