"""The same chart as a PNG, drawn by matplotlib (the optional extra ``plot``), imported on first use."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import numpy as np

from .._extras import missing_extra
from ._chart import COLORS, Chart

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["render_png"]


def render_png(chart: Chart) -> bytes:
    """The chart as PNG bytes (``width`` x ``height`` pixels). Needs matplotlib: ``lrserve[plot]``."""
    try:
        from matplotlib.figure import Figure
    except ModuleNotFoundError as exc:
        raise missing_extra(exc, "plot", "PNG plots") from exc
    # matplotlib's log scale computes decades past float64's range for LRs near it (1e308): numpy warns
    # of the overflow, and the axis is drawn all the same
    with np.errstate(over="ignore"):
        return _draw(chart, Figure)


def _draw(chart: Chart, Figure: type[Figure]) -> bytes:
    series, served, width, height = chart.series, chart.served, chart.width, chart.height
    dpi = 100
    fig = Figure(figsize=(width / dpi, height / dpi), dpi=dpi, layout="constrained")
    ax = fig.add_subplot()
    if served is not None:
        ax.axvspan(0, served, color="#f0f0f0", label=f"served up to step {served:,}", zorder=0)
    for i, s in enumerate(series):
        ax.plot(s.steps, s.lr, color=COLORS[i % len(COLORS)], linewidth=1.8, label=s.label)
    for m in chart.markers:
        ax.axvline(m.step, color="#888", linestyle=(0, (4, 3)), linewidth=1)
        ax.annotate(
            m.label,
            (m.step, 1),
            xycoords=("data", "axes fraction"),
            xytext=(3, -14),
            textcoords="offset points",
            color="#555",
        )
    if chart.log:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("learning rate" + (" (log)" if chart.log else ""))
    ax.grid(True, axis="y", color="#e4e4e4")
    if chart.title:
        ax.set_title(chart.title, loc="left")
    if len(series) > 1 or served is not None:
        ax.legend(loc="upper right", frameon=False)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
