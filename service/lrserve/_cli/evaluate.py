"""``lrs eval SPEC_FILE --steps START:STOP[:STRIDE]``: a table of a spec, computed here (no server).

The table is computed and written a chunk of steps at a time, so memory stays flat however long the
range; the numbers are the same as one ``lrserve.evaluate`` over the whole range. Floats are written in
their shortest round-trip form (CSV, JSON) or as raw little-endian float64 (``.npy`` of the LR column),
as the server's ``/v1/table`` does, so they read back as the exact doubles.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .._extras import missing_extra
from . import files
from .errors import USAGE, Failure, field_lines
from .term import Progress, is_tty

if TYPE_CHECKING:
    from ..core import FloatArray, IntArray, Schedule
    from . import Commands

__all__ = ["CHUNK", "FORMATS", "add_parser", "compile_file", "step_range"]

#: Steps computed and written at a time (8 MB of LRs); ``--chunk-size`` (hidden) overrides it.
CHUNK = 1_000_000

Chunks = Iterator[tuple["IntArray", "FloatArray"]]


def step_range(text: str) -> range:
    """``START:STOP[:STRIDE]`` (START may be left out: 0) as a range of valid steps."""
    from ..core import MAX_STEP

    parts = text.split(":")
    try:
        if len(parts) not in (2, 3):
            raise ValueError
        start = int(parts[0]) if parts[0].strip() else 0
        stop = int(parts[1])
        stride = int(parts[2]) if len(parts) == 3 and parts[2].strip() else 1
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected START:STOP or START:STOP:STRIDE (integers, e.g. 0:1000:10), got {text!r}"
        ) from None
    if start < 0 or stop < 0:
        raise argparse.ArgumentTypeError(f"steps are >= 0, got {text!r}")
    if stride < 1:
        raise argparse.ArgumentTypeError(f"STRIDE is >= 1, got {stride}")
    if stop > MAX_STEP + 1:
        raise argparse.ArgumentTypeError(
            f"the largest step is 2**53 = {MAX_STEP}, so STOP is at most {MAX_STEP + 1}"
        )
    return range(start, stop, stride)


def _chunk_size(text: str) -> int:
    size = int(text)
    if size < 1:
        raise argparse.ArgumentTypeError("the chunk size is >= 1")
    return size


def add_parser(sub: Commands) -> None:
    cmd = sub.add_parser(
        "eval",
        help="evaluate a spec file over a range of steps (locally: no server)",
        description="Evaluate a schedule spec (JSON or YAML, native or any library dialect) over "
        "range(START, STOP, STRIDE) with the local engine, and write the table as CSV (step,lr), JSON "
        '({"steps": [...], "lr": [...]}) or .npy (the LR column as float64).',
    )
    cmd.add_argument("spec", metavar="SPEC_FILE", help="a JSON or YAML spec file; - reads standard input")
    cmd.add_argument(
        "--steps",
        required=True,
        type=step_range,
        metavar="START:STOP[:STRIDE]",
        help="e.g. 0:1000 or 0:90000:100",
    )
    cmd.add_argument(
        "--format", choices=tuple(FORMATS), default="csv", help="the output format (default: csv)"
    )
    cmd.add_argument(
        "-o", "--output", type=Path, default=None, metavar="FILE", help="write to FILE (-: stdout)"
    )
    cmd.add_argument(
        "--progress", action="store_true", help="show a progress bar even when stderr is not a terminal"
    )
    cmd.add_argument("--chunk-size", type=_chunk_size, default=CHUNK, help=argparse.SUPPRESS)
    cmd.set_defaults(run=run)


def compile_file(path: str) -> tuple[Schedule, dict[str, Any]]:
    """The compiled schedule of a spec file, and the spec; a readable Failure if it is not valid."""
    data, label = files.load(path)
    try:
        from .. import _engine
        from ..core import LRSError
    except ModuleNotFoundError as exc:
        raise missing_extra(exc, "cli", "lrs eval") from exc
    if not isinstance(data, dict):
        raise Failure(
            f"{label}: a spec is a mapping with a kind, e.g. {{kind: constant, lr: 0.1}}; "
            f"got {type(data).__name__}",
            USAGE,
        )
    try:
        return _engine.compile_spec(data), data
    except _engine.SpecError as exc:
        raise Failure(
            f"{label} is not a valid schedule spec:", USAGE, field_lines(exc.errors, data)
        ) from None
    except LRSError as exc:
        raise Failure(f"{label}: {exc}", USAGE) from None


def _chunks(schedule: Schedule, steps: range, size: int, progress: Progress) -> Chunks:
    import numpy as np

    from .. import core

    for lo in range(0, len(steps), size):
        part = steps[lo : lo + size]
        t = np.arange(part.start, part.stop, part.step, dtype=np.int64)
        yield t, core.evaluate(schedule, t)
        progress.advance(t.size)


def _csv(out: IO[bytes], steps: range, chunks: Chunks) -> None:
    out.write(b"step,lr\n")
    for t, lr in chunks:
        out.write("".join([f"{s},{v!r}\n" for s, v in zip(t.tolist(), lr.tolist(), strict=True)]).encode())


def _json(out: IO[bytes], steps: range, chunks: Chunks) -> None:
    """What ``json.dumps({"steps": [...], "lr": [...]})`` writes, a chunk at a time."""
    out.write(b'{"steps": [')
    size = 1 << 20
    for lo in range(0, len(steps), size):
        out.write((", " if lo else "").encode() + ", ".join(map(str, steps[lo : lo + size])).encode())
    out.write(b'], "lr": [')
    for i, (_, lr) in enumerate(chunks):
        out.write((", " if i else "").encode() + ", ".join(map(repr, lr.tolist())).encode())
    out.write(b"]}\n")


def _npy(out: IO[bytes], steps: range, chunks: Chunks) -> None:
    import numpy as np

    header = {"descr": "<f8", "fortran_order": False, "shape": (len(steps),)}
    np.lib.format.write_array_header_1_0(out, header)
    for _, lr in chunks:
        out.write(lr.astype("<f8", copy=False).tobytes())


FORMATS: dict[str, Callable[[IO[bytes], range, Chunks], None]] = {"csv": _csv, "json": _json, "npy": _npy}


@contextmanager
def _opened(path: Path | None) -> Iterator[IO[bytes]]:
    """stdout, or a file written under a temporary name and renamed when complete (never half a table)."""
    if path is None:
        sys.stdout.flush()
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        out = tmp.open("wb")
    except OSError as exc:
        raise Failure(f"cannot write {path}: {exc.strerror or exc}", USAGE) from None
    try:
        with out:
            yield out
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def run(args: argparse.Namespace) -> int:
    steps: range = args.steps
    if args.output is not None and str(args.output) == "-":
        args.output = None
    if args.format == "npy" and args.output is None and is_tty(sys.stdout):
        raise Failure("a .npy table is binary: write it to a file with -o FILE (or redirect stdout)", USAGE)
    schedule, _ = compile_file(args.spec)
    from ..core import StepError, evaluate_one

    try:
        if steps:
            evaluate_one(schedule, steps[-1])  # past the end of the schedule: say so before writing
        show = args.progress or (is_tty(sys.stderr) and len(steps) > args.chunk_size)
        with (
            _opened(args.output) as out,
            Progress(len(steps), "step", show=show, required=args.progress, desc="lrs eval") as progress,
        ):
            FORMATS[args.format](out, steps, _chunks(schedule, steps, args.chunk_size, progress))
    except StepError as exc:
        raise Failure(str(exc), USAGE) from None
    return 0
