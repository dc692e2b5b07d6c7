"""Plots of learning-rate curves, without a browser: SVG always, PNG with matplotlib (``lrserve[plot]``).

``curve`` picks the exact samples to draw, ``extent`` how far to draw; ``render(chart, "svg" | "png")`` draws
a :class:`Chart`: its :class:`Series`, revision :class:`Marker` lines and the band of steps already served.
Needs numpy alone (plus matplotlib for PNG).
"""

from ._chart import COLORS, Chart, Marker, Series, render
from ._png import render_png
from ._sample import MAX_SAMPLED, curve, extent
from ._svg import nice_ticks, render_svg

__all__ = [
    "COLORS",
    "MAX_SAMPLED",
    "Chart",
    "Marker",
    "Series",
    "curve",
    "extent",
    "nice_ticks",
    "render",
    "render_png",
    "render_svg",
]
