"""Real server processes: acknowledged writes survive kill -9 and restart; several workers agree;
the schedules file is applied at start."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from lrserve import evaluate

from .._postgres import POSTGRES_URL, need_postgres
from .._server import ADMIN, Server, admin

LINEAR = {"kind": "linear", "start_lr": 0.2, "end_lr": 0.0, "steps": 1000}
CONSTANT = {"kind": "constant", "lr": 0.5}


def test_acknowledged_writes_survive_kill_9_and_restart(tmp_path: Path) -> None:
    server = Server(tmp_path / "data", env={"LRS_ADMIN_TOKEN": ADMIN}).start()
    acknowledged: dict[str, str] = {}
    try:
        with server.client() as http:
            for i in range(40):
                name = f"s{i}"
                r = http.put(f"/v1/schedules/{name}", json={"schedule": LINEAR}, headers=admin())
                assert r.status_code == 201
                acknowledged[name] = r.headers["etag"]
            rev = http.post(
                "/v1/schedules/s0/revisions",
                json={"schedule": CONSTANT, "effective_from_step": 600, "comment": "c"},
                headers=admin(),
            )
            assert rev.status_code == 201
            acknowledged["s0"] = rev.headers["etag"]
            served = http.get("/v1/schedules/s1/lr", params={"step": 700}).json()["lr"]
        server.kill()  # no shutdown: nothing but what was committed can survive
    finally:
        if server.proc and server.proc.poll() is None:
            server.kill()
    again = Server(tmp_path / "data", env={"LRS_ADMIN_TOKEN": ADMIN}).start()
    try:
        with again.client() as http:
            names = [
                item["name"] for item in http.get("/v1/schedules", params={"limit": 1000}).json()["items"]
            ]
            assert sorted(names) == sorted(acknowledged)
            for name, etag in acknowledged.items():
                assert http.get(f"/v1/schedules/{name}").headers["etag"] == etag
            assert http.get("/v1/schedules/s0/lr", params={"step": 650}).json()["lr"] == 0.5
            # the promise made before the kill still guards step 700 of s1
            assert http.get("/v1/schedules/s1").json()["promised_step"] == 700
            r = http.post(
                "/v1/schedules/s1/revisions",
                json={"schedule": CONSTANT, "effective_from_step": 700},
                headers=admin(),
            )
            assert r.status_code == 409
            assert http.get("/v1/schedules/s1/lr", params={"step": 700}).json()["lr"] == served
    finally:
        assert again.stop() == 0


@pytest.fixture(params=["sqlite", "postgresql"])
def database_env(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """The server's database: the default SQLite file, or a fresh schema of the test PostgreSQL."""
    if request.param == "sqlite":
        yield {}
        return
    need_postgres()
    import psycopg

    schema = f"lrs_api_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        sep = "&" if "?" in POSTGRES_URL else "?"
        yield {"LRS_DATABASE_URL": f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"}
        with psycopg.connect(POSTGRES_URL) as conn:  # the server really wrote there
            tables = conn.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = %s", (schema,)
            ).fetchone()
            assert tables is not None and tables[0] > 0, f"nothing was written to schema {schema}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def test_two_workers_serve_the_same_schedule_consistently(
    tmp_path: Path, database_env: dict[str, str]
) -> None:
    env = {"LRS_ADMIN_TOKEN": ADMIN, **database_env}
    server = Server(tmp_path / "data", env=env, workers=2).start()
    try:
        # new connections spread over both workers; each promise goes through the one database
        def get(path: str, **params: int) -> httpx.Response:
            with server.client() as c:
                return c.get(path, params=params)

        with server.client() as http:
            assert http.put("/v1/schedules/w", json={"schedule": LINEAR}, headers=admin()).status_code == 201
        for step in range(0, 200, 10):
            assert get("/v1/schedules/w/lr", step=step).json()["lr"] == evaluate(LINEAR, step)
        with server.client() as http:
            r = http.post(
                "/v1/schedules/w/revisions",
                json={"schedule": CONSTANT, "effective_from_step": 190},
                headers=admin(),
            )
            assert r.status_code == 409  # step 190 was served, by whichever worker
            r = http.post(
                "/v1/schedules/w/revisions",
                json={"schedule": CONSTANT, "effective_from_step": 300},
                headers=admin(),
            )
            assert r.status_code == 201
        for _ in range(10):
            assert get("/v1/schedules/w/lr", step=150).json() == {
                "name": "w",
                "step": 150,
                "lr": evaluate(LINEAR, 150),
                "revision": 1,
            }
            assert get("/v1/schedules/w/lr", step=300).json()["lr"] == 0.5
    finally:
        assert server.stop() == 0


def test_the_schedules_file_is_applied_at_start(tmp_path: Path) -> None:
    yaml_file = tmp_path / "schedules.yaml"
    yaml_file.write_text(
        "schedules:\n"
        "  cos:\n"
        "    description: from git\n"
        "    schedule: {kind: cosine_annealing, base_lr: 0.1, min_lr: 0.001, t_max: 10}\n"
        "  const:\n"
        "    schedule: {kind: constant, lr: 0.5}\n"
    )
    env = {"LRS_ADMIN_TOKEN": ADMIN, "LRS_SCHEDULES_FILE": str(yaml_file)}
    server = Server(tmp_path / "data", env=env).start()
    try:
        with server.client() as http:
            assert http.get("/v1/schedules/cos").json()["description"] == "from git"
            assert http.get("/v1/schedules/cos/lr", params={"step": 5}).json()["lr"] == pytest.approx(0.0505)
            assert http.get("/v1/schedules/const/lr", params={"step": 5}).json()["lr"] == 0.5
    finally:
        server.stop()
    # a changed spec for a schedule that has served steps: the server refuses to start, loudly
    yaml_file.write_text("cos:\n  schedule: {kind: constant, lr: 0.3}\n")
    with pytest.raises(RuntimeError, match="force"):
        Server(tmp_path / "data", env=env).start()
    # with force: true it is replaced, and the history says it was forced
    yaml_file.write_text("cos:\n  schedule: {kind: constant, lr: 0.3}\n  force: true\n")
    server = Server(tmp_path / "data", env=env).start()
    try:
        with server.client() as http:
            body = http.get("/v1/schedules/cos").json()
            assert body["revisions"][-1]["forced"] is True
            assert http.get("/v1/schedules/cos/lr", params={"step": 5}).json()["lr"] == 0.3
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"Bad Name": {"schedule": CONSTANT}}, "name must match"),
        ({"x": {"schedule": {"kind": "nope"}}}, "kind"),
        ({"x": {"schedule": CONSTANT, "colour": "red"}}, "unknown fields"),
        ([1, 2], "mapping"),
    ],
)
def test_a_bad_schedules_file_stops_the_start_with_a_clear_message(
    tmp_path: Path, content: object, message: str
) -> None:
    path = tmp_path / "schedules.json"
    path.write_text(json.dumps(content))
    with pytest.raises(RuntimeError, match=message):
        Server(tmp_path / "data", env={"LRS_ADMIN_TOKEN": ADMIN, "LRS_SCHEDULES_FILE": str(path)}).start()
