"""Expected failures, said in words: no traceback, and an exit code that tells what went wrong.

Exit codes: 0 done; 1 the server refused or failed (or cannot be reached); 2 the input is wrong (a bad
argument, file or spec: nothing was sent).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..client import APIError

__all__ = ["SERVER", "USAGE", "Failure", "explain", "field_lines", "talking_to"]

SERVER, USAGE = 1, 2


class Failure(Exception):
    """``lrs: <message>`` on stderr and exit ``code``; ``lines`` follow the message, one per line."""

    def __init__(self, message: str, code: int = SERVER, lines: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.code, self.lines = code, list(lines)

    def text(self) -> str:
        return "\n".join([f"lrs: {self}", *self.lines])


def field_lines(errors: list[dict[str, Any]], data: Any = None) -> list[str]:
    """``  schedules.0.t_max: Input should be greater than 0`` for each ``{"loc", "msg"}`` error.

    With ``data`` (what the errors are about), a number written as text (``"1e-5"``, quoted) gets a hint.
    """
    lines = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", [])]
        line = f"  {'.'.join(loc) or '(spec)'}: {error.get('msg', error)}"
        value = _at(data, error.get("loc", []))
        if error.get("type") == "float_type" and isinstance(value, str) and _is_number(value):
            line += f" ({value!r} is text: write the number without quotes)"
        lines.append(line)
    return lines


def _at(data: Any, loc: list[Any]) -> Any:
    """The value at ``loc`` in ``data``, or None."""
    for part in loc:
        if isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            data = data.get(part) if isinstance(data, dict) else None
    return data


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def explain(exc: APIError, name: str | None = None) -> Failure:
    """The failure to report for an error answer of the server (``name``: the schedule asked about)."""
    from ..client import AuthError, BadRequestError, NotFoundError, PreconditionError, UnavailableError

    detail = exc.problem.detail or exc.problem.title or "no detail"
    if isinstance(exc, AuthError):
        if exc.status == 401:
            return Failure(f"the server wants a token ({detail}): set --token or LRS_TOKEN")
        return Failure(
            f"the token was refused ({detail}): writes need the admin token; set --token or LRS_TOKEN"
        )
    if isinstance(exc, NotFoundError) and name is not None:
        return Failure(f"schedule {name!r} not found")
    if isinstance(exc, PreconditionError) and exc.status == 412 and name is not None:
        return Failure(
            f"schedule {name!r} was changed by someone else since it was read: run the command again"
        )
    if isinstance(exc, BadRequestError):
        errors = [e.to_json() for e in exc.problem.errors]
        return Failure(f"the server refused the request: {detail}", lines=field_lines(errors))
    if isinstance(exc, UnavailableError):
        return Failure(f"the server is unavailable ({exc.status}): {detail}")
    return Failure(f"the server answered {exc.status}: {detail}")


@contextmanager
def talking_to(url: str, name: str | None = None) -> Iterator[None]:
    """Turn the client's errors inside the block into :class:`Failure` (``name``: the schedule)."""
    import httpx

    from ..client import APIError

    try:
        yield
    except APIError as exc:
        raise explain(exc, name) from None
    except (httpx.ConnectError, httpx.ConnectTimeout):
        raise Failure(f"cannot reach {url} (is `lrs serve` running? set --url or LRS_URL)") from None
    except httpx.TransportError as exc:
        raise Failure(f"no answer from {url}: {exc or type(exc).__name__}") from None
