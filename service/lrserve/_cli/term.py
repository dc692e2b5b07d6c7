"""The terminal: colour and progress bars only where a person is watching, questions, tables, specs."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any

from .._extras import missing_extra

if TYPE_CHECKING:
    from tqdm import tqdm

__all__ = ["Progress", "ask", "colour", "is_tty", "pretty", "table"]

_COLOURS = {"red": "31", "green": "32", "yellow": "33", "cyan": "36", "bold": "1"}


def is_tty(stream: IO[Any]) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def colour(text: str, name: str, stream: IO[Any] | None = None) -> str:
    """``text`` in colour when ``stream`` (stdout) is a terminal and ``NO_COLOR`` is unset."""
    if not is_tty(stream or sys.stdout) or os.environ.get("NO_COLOR"):
        return text
    return f"\033[{_COLOURS[name]}m{text}\033[0m"


def pretty(data: Any, *, sort_keys: bool = False) -> str:
    """A spec (or any JSON data) for people: YAML when PyYAML is installed, else indented JSON."""
    try:
        import yaml
    except ModuleNotFoundError:
        return json.dumps(data, indent=2, sort_keys=sort_keys, ensure_ascii=False) + "\n"
    text: str = yaml.safe_dump(data, sort_keys=sort_keys, allow_unicode=True, default_flow_style=False)
    return text


def table(rows: Sequence[Sequence[object]], headers: Sequence[str] = (), right: Sequence[int] = ()) -> str:
    """Rows in aligned columns (under ``headers``, if any); the columns whose index is in ``right`` are
    right-aligned. Each line ends with a newline."""
    cells = [[str(c) for c in row] for row in ([headers] if headers else []) + [*rows]]
    if not cells:
        return ""
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    lines = []
    for row in cells:
        parts = [
            c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(parts).rstrip() + "\n")
    return "".join(lines)


def ask(question: str) -> bool:
    """Ask on stderr, read the answer from stdin: only ``y`` or ``yes`` is a yes (end of input is a no)."""
    sys.stdout.flush()  # what the question is about comes first
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()
    if not answer.endswith("\n"):
        print(file=sys.stderr)
    return answer.strip().lower() in ("y", "yes")


class Progress:
    """A tqdm bar on stderr over ``total`` units, or nothing when ``show`` is false.

    ``required``: the bar was asked for by name (``--progress``), so a missing tqdm is an error rather
    than a bar quietly left out; ``leave``: keep the finished bar on screen. :meth:`echo` prints a line
    to stdout without tearing the bar.
    """

    def __init__(
        self, total: int, unit: str, *, show: bool, required: bool = False, desc: str = "", leave: bool = True
    ) -> None:
        self.bar: tqdm[Any] | None = None
        if not show:
            return
        try:
            from tqdm import tqdm
        except ModuleNotFoundError as exc:
            if required:
                raise missing_extra(exc, "cli", "the progress bar") from exc
            return
        self.bar = tqdm(
            total=total,
            unit=unit,
            unit_scale=total >= 100_000,  # 2.5M steps, but not 0.00/100 schedules
            desc=desc or None,
            file=sys.stderr,
            dynamic_ncols=True,
            leave=leave,
        )

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.bar is not None:
            self.bar.close()

    def advance(self, n: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def echo(self, line: str) -> None:
        if self.bar is None:
            print(line, flush=True)
        else:
            self.bar.write(line, file=sys.stdout)
