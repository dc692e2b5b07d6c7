"""What a chart shows, whatever draws it: curves, revision markers, the served band, size and scale."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = ["COLORS", "Chart", "Marker", "Series", "render"]

#: Colour-blind-safe (Okabe–Ito) line colours, in series order.
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7")


@dataclass(frozen=True)
class Series:
    label: str
    steps: npt.NDArray[np.int64]
    lr: npt.NDArray[np.float64]


@dataclass(frozen=True)
class Marker:
    """A vertical dashed line at ``step`` (a revision's first step), labelled."""

    step: int
    label: str


@dataclass(frozen=True)
class Chart:
    """Up to four curves (a legend when more than one), with revision markers and the band of steps
    already served (``served``: the highest such step), ``width`` x ``height`` pixels."""

    series: Sequence[Series]
    title: str = ""
    log: bool = False
    markers: Sequence[Marker] = ()
    served: int | None = None
    width: int = 800
    height: int = 400


def render(chart: Chart, fmt: Literal["svg", "png"]) -> bytes:
    """The chart as an SVG document or PNG bytes (PNG needs matplotlib: ``lrserve[plot]``)."""
    if fmt == "png":
        from ._png import render_png

        return render_png(chart)
    from ._svg import render_svg

    return render_svg(chart).encode()
