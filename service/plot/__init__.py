"""Plots of learning-rate curves, without a browser: SVG always, PNG with matplotlib (``lrs[plot]``).

``curve`` picks the exact samples to draw, ``extent`` how far to draw; ``render_svg``/``render_png`` draw
:class:`Series` with revision :class:`Marker` lines and the band of steps already served. Needs numpy alone
(plus matplotlib for PNG).
"""

from ._png import render_png
from ._sample import MAX_SAMPLED, curve, extent
from ._svg import COLORS, Marker, Series, nice_ticks, render_svg

__all__ = [
    "COLORS",
    "MAX_SAMPLED",
    "Marker",
    "Series",
    "curve",
    "extent",
    "nice_ticks",
    "render_png",
    "render_svg",
]
