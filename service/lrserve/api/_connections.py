"""Connections that cannot hold the server: a deadline for a request's head, and a cap on connections.

uvicorn closes an idle keep-alive connection, but it starts that timer only after a response, and every
byte received cancels it: a connection that sends nothing, or drips one header line every few seconds
(slowloris), is kept for ever, and enough of them exhaust the process's files so that normal requests
fail. :class:`Protocol` (uvicorn's httptools protocol, which ``lrs serve`` uses) adds:

- a deadline for the head of each request (``LRS_HEAD_TIMEOUT`` seconds from the connection, or from the
  first byte of a request on a kept-alive connection, until the last header line): past it, the
  connection is closed whatever bytes still trickle in;
- a cap on connections (``LRS_MAX_CONNECTIONS``, and below the open-files limit, which ``lrs serve``
  raises to its hard limit): a connection beyond it closes the oldest one still waiting for a head, so
  held connections never keep a complete request out.
"""

from __future__ import annotations

import asyncio
import resource
from typing import Any, ClassVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["Protocol", "raise_file_limit"]

#: Files kept free for the database, logs and the process itself, below the open-files limit.
RESERVED_FILES = 64


def raise_file_limit() -> int:
    """Raise this process's soft limit on open files to its hard limit; the limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return soft


class Protocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline for request heads and a cap on connections; the
    limits come from the settings (``LRS_HEAD_TIMEOUT``, ``LRS_MAX_CONNECTIONS``), read once a process."""

    head_timeout: ClassVar[float | None] = None
    max_connections: ClassVar[int] = 0
    #: The connections of this process waiting for a request head, oldest first.
    _waiting: ClassVar[dict[Protocol, None]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if Protocol.head_timeout is None:
            _configure()
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_head()
        excess = len(self.connections) - Protocol.max_connections
        for waiting in list(Protocol._waiting)[: max(excess, 0)]:
            waiting._close()  # the oldest connections that have not sent a request head yet

    def connection_lost(self, exc: Exception | None) -> None:
        self._head_done()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._await_head()

    def on_headers_complete(self) -> None:
        self._head_done()
        super().on_headers_complete()

    def _await_head(self) -> None:
        if self._head_timer is None:
            assert Protocol.head_timeout is not None
            self._head_timer = self.loop.call_later(Protocol.head_timeout, self._close)
            Protocol._waiting[self] = None

    def _head_done(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        Protocol._waiting.pop(self, None)

    def _close(self) -> None:
        self._head_done()
        if not self.transport.is_closing():
            self.transport.close()


def _configure() -> None:
    from ._settings import Settings

    settings = Settings()
    files = raise_file_limit()
    Protocol.max_connections = max(1, min(settings.max_connections, files - RESERVED_FILES))
    Protocol.head_timeout = settings.head_timeout
