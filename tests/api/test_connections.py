"""Connections cannot hold the server (issue: 1,100 half-sent requests kept for ever made normal requests
fail): a request head has a deadline whatever bytes trickle in, and past the cap on connections the
oldest one still waiting for a head is closed to make room. Against a real ``lrs serve``."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .._server import ADMIN, Server


def start(tmp_path: Path, head_timeout: float, max_connections: int) -> Server:
    env = {
        "LRS_ADMIN_TOKEN": ADMIN,
        "LRS_HEAD_TIMEOUT": str(head_timeout),
        "LRS_MAX_CONNECTIONS": str(max_connections),
    }
    return Server(tmp_path / "data", env=env).start()


@pytest.fixture
def quick(tmp_path: Path) -> Iterator[Server]:
    server = start(tmp_path, head_timeout=1.0, max_connections=1000)
    yield server
    server.stop()


def closed_within(sock: socket.socket, seconds: float, drip: bytes = b"") -> bool:
    """Whether the server closes ``sock`` within ``seconds`` (sending ``drip`` every 0.2 s meanwhile)."""
    deadline = time.monotonic() + seconds
    sock.settimeout(0.2)
    while time.monotonic() < deadline:
        try:
            if drip:
                sock.sendall(drip)
            if sock.recv(1024) == b"":
                return True
        except TimeoutError:
            continue
        except OSError:  # reset
            return True
    return False


def connect(server: Server) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=5)


def test_a_connection_that_sends_nothing_is_closed(quick: Server) -> None:
    with connect(quick) as sock:
        assert closed_within(sock, 6.0)


def test_a_head_dripped_a_line_at_a_time_is_closed_at_its_deadline(quick: Server) -> None:
    with connect(quick) as sock:
        sock.sendall(b"GET /livez HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        assert closed_within(sock, 6.0, drip=b"X-Drip: 1\r\n")
        assert time.monotonic() - started >= 0.5  # not at once: it had its deadline


def test_a_kept_alive_connection_gets_a_deadline_for_each_head(quick: Server) -> None:
    with connect(quick) as sock:
        sock.sendall(b"GET /livez HTTP/1.1\r\nHost: x\r\n\r\n")
        assert b"200 OK" in sock.recv(4096)
        sock.sendall(b"GET /livez HTTP/1.1\r\n")  # the next request's head, never finished
        assert closed_within(sock, 6.0, drip=b"X-Drip: 1\r\n")


def test_held_connections_past_the_cap_make_room_for_requests(tmp_path: Path) -> None:
    server = start(tmp_path, head_timeout=120.0, max_connections=40)  # the deadline is not what helps
    held: list[socket.socket] = []
    try:
        for _ in range(100):
            sock = connect(server)
            sock.sendall(b"GET / HTTP/1.1\r\n")
            held.append(sock)
        with httpx.Client(base_url=server.url, timeout=5) as http:
            for _ in range(20):
                assert http.get("/livez", headers={"Connection": "close"}).status_code == 200
        closed = sum(closed_within(sock, 0.2) for sock in held)
        assert closed >= 60  # the oldest waiting ones went first
        assert not any(closed_within(sock, 0.01) for sock in held[-10:])  # the newest are still there
    finally:
        for sock in held:
            sock.close()
        server.stop()
