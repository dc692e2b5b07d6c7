"""``lrs plot SPEC_FILE... -o lr.png``: a chart of one spec, or up to four compared, computed here.

SVG always; PNG (by the output's suffix, or ``--format``) needs matplotlib: ``pip install 'lrserve[plot]'``.
The points drawn are exact samples of the engine (``lrserve.plot.curve``), over ``--stop`` steps or past
the specs' natural end.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .._extras import missing_extra
from .errors import USAGE, Failure
from .evaluate import compile_file

if TYPE_CHECKING:
    from . import Commands

__all__ = ["add_parser"]


def add_parser(sub: Commands) -> None:
    cmd = sub.add_parser(
        "plot",
        help="draw spec files as an SVG or PNG chart (locally: no server)",
        description="Draw one schedule spec, or up to four on one chart, as SVG or PNG (PNG needs "
        "matplotlib: pip install 'lrserve[plot]').",
    )
    cmd.add_argument("specs", metavar="SPEC_FILE", nargs="+", help="JSON or YAML spec files (at most 4)")
    cmd.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help="lr.svg, lr.png, or -")
    cmd.add_argument("--format", choices=("svg", "png"), default=None, help="default: the output's suffix")
    cmd.add_argument("--stop", type=int, default=None, help="draw steps 0..STOP-1 (default: past the end)")
    cmd.add_argument("--log", action="store_true", help="a log scale for the LR")
    cmd.add_argument("--title", default="")
    cmd.add_argument("--label", action="append", default=None, help="a label per spec (default: file name)")
    cmd.add_argument("--width", type=int, default=800)
    cmd.add_argument("--height", type=int, default=400)
    cmd.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if len(args.specs) > 4:
        raise Failure(f"at most four specs on one chart, got {len(args.specs)}", USAGE)
    labels = args.label or [Path(p).stem if p != "-" else "stdin" for p in args.specs]
    if len(labels) != len(args.specs):
        raise Failure(f"--label is given {len(labels)} times for {len(args.specs)} specs", USAGE)
    fmt: Literal["svg", "png"] = args.format or ("png" if args.output.suffix.lower() == ".png" else "svg")
    if args.stop is not None and args.stop < 1:
        raise Failure("--stop is at least 1", USAGE)
    if not (200 <= args.width <= 4000 and 150 <= args.height <= 4000):
        raise Failure("--width is 200..4000 and --height 150..4000 pixels", USAGE)
    from .. import _engine, plot

    compiled = [compile_file(p) for p in args.specs]
    stop = args.stop or plot.extent([_engine.native_data(data) for _, data in compiled])
    series = []
    for label, (schedule, _) in zip(labels, compiled, strict=True):
        try:
            steps, lr = plot.curve(schedule, 0, stop, 1000)
        except ValueError as exc:
            raise Failure(str(exc), USAGE) from None
        series.append(plot.Series(label, steps, lr))
    chart = plot.Chart(series, args.title, args.log, width=args.width, height=args.height)
    try:
        body = plot.render(chart, fmt)
    except ModuleNotFoundError as exc:
        raise missing_extra(exc, "plot", "lrs plot -o FILE.png") from exc
    if str(args.output) == "-":
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
    else:
        try:
            args.output.write_bytes(body)
        except OSError as exc:
            raise Failure(f"cannot write {args.output}: {exc.strerror or exc}", USAGE) from None
        print(f"wrote {args.output} ({len(series)} curve{'s' * (len(series) > 1)}, steps 0..{stop - 1})")
    return 0
