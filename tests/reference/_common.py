"""What the reference generators share: which steps a case records, and how an error is written."""

from __future__ import annotations

DENSE = 300  # every step 0..DENSE
POINTS = 200  # strided sample over [0, 3 * end] when that is longer than DENSE


def steps_for(end: int, *edges: int, dense: int = DENSE, points: int = POINTS) -> list[int]:
    """Every step 0..dense, a strided sample up to 3*end, each edge and ``end`` with +-1, and 3*end(+1)."""
    s: set[int] = set(range(dense + 1))
    top = 3 * end
    if top > dense:
        s.update(range(0, top + 1, max(1, top // points)))
    for e in (*edges, end):
        s.update((e - 1, e, e + 1))
    s.update((top, top + 1))
    return sorted(x for x in s if x >= 0)


def message(exc: BaseException) -> str:
    """An exception as recorded in a fixture: its type, then its text."""
    return f"{type(exc).__name__}: {exc}"
