"""Learning-rate curves as a standalone SVG document: no plotting library, no browser.

The picture: one line per series (up to four, with a legend), axes with round ticks (linear, or decades on
a log scale), a dashed line where each revision takes effect, and a shaded band over the steps already
served to trainers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

import numpy as np

from ._chart import COLORS, Chart, Series

__all__ = ["nice_ticks", "render_svg"]


@dataclass(frozen=True)
class _Frame:
    x0: float
    x1: float
    y0: float
    y1: float
    log: bool
    left: float = 70.0
    right: float = 20.0
    top: float = 36.0
    bottom: float = 46.0
    width: float = 800.0
    height: float = 400.0
    ticks: list[float] = field(default_factory=list)

    def x(self, step: float) -> float:
        span = self.x1 - self.x0 or 1.0
        return self.left + (step - self.x0) / span * (self.width - self.left - self.right)

    def y(self, lr: float) -> float:
        if self.log:
            lo, hi, v = math.log10(self.y0), math.log10(self.y1), math.log10(lr)
        else:
            lo, hi, v = self.y0, self.y1, lr
        span = hi - lo or 1.0
        return self.height - self.bottom - (v - lo) / span * (self.height - self.top - self.bottom)


def nice_ticks(lo: float, hi: float, count: int = 6) -> list[float]:
    """Round tick values (1, 2 or 5 times a power of ten apart) covering ``[lo, hi]``."""
    if not math.isfinite(lo) or not math.isfinite(hi) or hi <= lo:
        return [lo]
    raw = (hi - lo) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    ticks = []
    value = first
    while value <= hi + step * 1e-9:
        ticks.append(round(value, 12))
        value += step
    return ticks


def _label(value: float) -> str:
    if value != 0 and (abs(value) >= 1e5 or abs(value) < 1e-3):
        return f"{value:.0e}".replace("e-0", "e-").replace("e+0", "e").replace("e+", "e")
    return f"{value:.6g}"


def _step_label(value: float) -> str:
    v = int(value)
    for unit, size in (("M", 1_000_000), ("k", 1_000)):
        if v >= size and v % (size // 10) == 0:
            return f"{v / size:g}{unit}"
    return str(v)


_MIN_DECADE, _MAX_DECADE = -323, 308


def _frame(series: Sequence[Series], log: bool, width: float, height: float) -> _Frame:
    steps = np.concatenate([s.steps for s in series]) if series else np.array([0, 1])
    lrs = np.concatenate([s.lr for s in series]) if series else np.array([0.0, 1.0])
    x0, x1 = float(steps.min()), float(max(steps.max(), steps.min() + 1))
    if log:
        positive = lrs[lrs > 0]
        hi = float(positive.max()) if positive.size else 1.0
        lo = float(positive.min()) if positive.size else hi / 10
        # decades of float64: 1e-323 is the smallest power of ten above 0, 1e308 the largest below inf
        e0 = max(math.floor(math.log10(lo)), _MIN_DECADE)
        e1 = min(math.ceil(math.log10(hi)), _MAX_DECADE)
        if e1 <= e0:
            e0, e1 = (e1 - 1, e1) if e1 == _MAX_DECADE else (e0, e0 + 1)
        y0, y1 = 10.0**e0, 10.0**e1
        every = -(-(e1 - e0) // 10)  # at most about ten ticks, a decade or a few apart
        ticks = [10.0**k for k in range(e0, e1 + 1, every)]
    else:
        hi = float(lrs.max()) if lrs.size else 1.0
        lo = min(0.0, float(lrs.min()) if lrs.size else 0.0)
        if hi <= lo:
            hi = lo + (abs(lo) or 1.0)
        ticks = nice_ticks(lo, hi * 1.05, 8)
        y0, y1 = ticks[0], max(ticks[-1], hi)
    return _Frame(x0, x1, y0, y1, log, width=width, height=height, ticks=ticks)


def _path(frame: _Frame, s: Series) -> str:
    keep = s.lr > 0 if frame.log else np.isfinite(s.lr)
    steps, lrs = s.steps[keep], s.lr[keep]
    points = [f"{frame.x(float(t)):.2f},{frame.y(float(v)):.2f}" for t, v in zip(steps, lrs, strict=True)]
    if len(points) == 1:
        points.append(points[0])
    return "M" + " L".join(points) if points else ""


def render_svg(chart: Chart) -> str:
    """The chart as an SVG document (UTF-8 text)."""
    series, title, log, served = chart.series, chart.title, chart.log, chart.served
    width, height = chart.width, chart.height
    f = _frame(series, log, width, height)
    bottom, top = height - f.bottom, f.top
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="system-ui, sans-serif" font-size="12">',
        f"<title>{escape(title or 'learning rate')}</title>",
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
    ]
    if served is not None and served >= f.x0:
        x = min(f.x(served), width - f.right)
        out.append(
            f'<rect class="served" x="{f.left:.2f}" y="{top}" width="{max(x - f.left, 1):.2f}" '
            f'height="{bottom - top:.2f}" fill="#f0f0f0"/>'
        )
        out.append(
            f'<text x="{f.left + 4:.2f}" y="{top + 14}" fill="#666">served up to step {served:,}</text>'
        )
    for value in f.ticks:  # horizontal grid and y labels
        y = f.y(value)
        out.append(f'<line x1="{f.left}" x2="{width - f.right}" y1="{y:.2f}" y2="{y:.2f}" stroke="#e4e4e4"/>')
        out.append(
            f'<text class="ytick" x="{f.left - 6}" y="{y + 4:.2f}" text-anchor="end">{_label(value)}</text>'
        )
    for value in nice_ticks(f.x0, f.x1, 7):  # x labels
        x = f.x(value)
        out.append(f'<line x1="{x:.2f}" x2="{x:.2f}" y1="{bottom}" y2="{bottom + 5}" stroke="#333"/>')
        out.append(f'<text x="{x:.2f}" y="{bottom + 18}" text-anchor="middle">{_step_label(value)}</text>')
    out.append(
        f'<path d="M{f.left},{top} L{f.left},{bottom} L{width - f.right},{bottom}" '
        'fill="none" stroke="#333"/>'
    )
    out.append(
        f'<text x="{(f.left + width - f.right) / 2:.2f}" y="{height - 8}" text-anchor="middle">step</text>'
    )
    out.append(
        f'<text transform="translate(14 {(top + bottom) / 2:.2f}) rotate(-90)" text-anchor="middle">'
        f"learning rate{' (log)' if log else ''}</text>"
    )
    for m in chart.markers:
        if f.x0 <= m.step <= f.x1:
            x = f.x(m.step)
            out.append(
                f'<line class="revision" x1="{x:.2f}" x2="{x:.2f}" y1="{top}" y2="{bottom}" '
                f'stroke="#888" stroke-dasharray="4 3"/>'
            )
            out.append(f'<text x="{x + 3:.2f}" y="{top + 28}" fill="#555">{escape(m.label)}</text>')
    for i, s in enumerate(series):
        color = COLORS[i % len(COLORS)]
        out.append(
            f'<path class="series" d="{_path(f, s)}" fill="none" stroke="{color}" stroke-width="1.8" '
            f'stroke-linejoin="round"><title>{escape(s.label)}</title></path>'
        )
    if title:
        out.append(f'<text x="{f.left}" y="20" font-size="14" font-weight="600">{escape(title)}</text>')
    if len(series) > 1:
        x = width - f.right - 10
        for i, s in enumerate(series):
            y = top + 14 + 16 * i
            color = COLORS[i % len(COLORS)]
            out.append(
                f'<line x1="{x - 26}" x2="{x - 6}" y1="{y - 4}" y2="{y - 4}" '
                f'stroke="{color}" stroke-width="2"/>'
            )
            out.append(
                f'<text x="{x - 30}" y="{y}" text-anchor="end" data-label={quoteattr(s.label)}>'
                f"{escape(s.label)}</text>"
            )
    out.append("</svg>")
    return "\n".join(out) + "\n"
