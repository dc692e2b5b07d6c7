"""A third-party client generated from the committed OpenAPI document works against a real server.

``openapi-python-client`` generates a Python package from ``openapi/openapi.json`` (with the settings in
``openapi/python-client.yaml``) without one warning, that package has a function for every operation of
the document, and it creates, reads, revises and tabulates a schedule on a real server, and parses its
errors as problems. Nothing is fetched: the generator runs offline from the committed file.
"""

from __future__ import annotations

import importlib
import json
import math
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from .._server import ADMIN, REPO, Server

DOCUMENT = REPO / "openapi" / "openapi.json"
CONFIG = REPO / "openapi" / "python-client.yaml"
PACKAGE = "lrs_client"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The generated package's folder, and everything the generator printed."""
    out = tmp_path_factory.mktemp("generated") / PACKAGE
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(DOCUMENT),
            "--config",
            str(CONFIG),
            "--meta",
            "none",
            "--output-path",
            str(out),
            "--fail-on-warning",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    printed = r.stdout + r.stderr
    assert r.returncode == 0, printed
    return out, printed


@pytest.fixture(scope="module")
def lrs_client(generated: tuple[Path, str]) -> Iterator[ModuleType]:
    """The generated package, imported (and forgotten afterwards)."""
    folder, _ = generated
    sys.path.insert(0, str(folder.parent))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder.parent))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def api(operation_id: str, tag: str) -> ModuleType:
    """The generated module of an operation (``lrs_client.api.<tag>.<operation id>``)."""
    return importlib.import_module(f"{PACKAGE}.api.{tag}.{operation_id}")


def models() -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.models")


def operations() -> list[tuple[str, str, str, str]]:
    """(method, path, operationId, first tag) of every operation in the committed document."""
    doc = json.loads(DOCUMENT.read_text())
    return [
        (method, path, op["operationId"], op["tags"][0])
        for path, item in doc["paths"].items()
        for method, op in item.items()
    ]


def snake(name: str) -> str:
    """A module name as the generator makes it from an operation id or a tag."""
    return re.sub(r"_+", "_", re.sub(r"\W", "_", name)).lower()


# -- the generator -----------------------------------------------------------------------------------


def test_the_generator_warns_of_nothing(generated: tuple[Path, str]) -> None:
    _, printed = generated
    assert "warning" not in printed.lower(), printed
    assert "error" not in printed.lower(), printed


@pytest.mark.parametrize(("method", "path", "operation_id", "tag"), operations(), ids=lambda v: str(v))
def test_every_operation_has_a_generated_function(
    lrs_client: ModuleType, method: str, path: str, operation_id: str, tag: str
) -> None:
    module = api(snake(operation_id), snake(tag))
    for function in ("sync_detailed", "asyncio_detailed"):
        assert callable(getattr(module, function, None)), f"{method.upper()} {path}: no {function}"


# -- against a real server ---------------------------------------------------------------------------

BASE, LOW, T_MAX = 0.1, 0.001, 100


def halving(step: int) -> float:
    """PyTorch's StepLR(step_size=10, gamma=0.5) from 0.05: a revision is a function of the global step."""
    return 0.05 * 0.5 ** (step // 10)


def cosine(step: int) -> float:
    """PyTorch's CosineAnnealingLR (closed form) with the test's constants, as the server computes it."""
    return LOW + (BASE - LOW) * (1 + math.cos(math.pi * step / T_MAX)) / 2


@pytest.fixture
def clients(lrs_client: ModuleType, server: Server) -> Iterator[tuple[Any, Any]]:
    """An admin client (with the bearer token) and an anonymous one (reads need no token here)."""
    with (
        lrs_client.AuthenticatedClient(
            base_url=server.url, token=ADMIN, raise_on_unexpected_status=True
        ) as admin,
        lrs_client.Client(base_url=server.url, raise_on_unexpected_status=True) as anonymous,
    ):
        yield admin, anonymous


def test_create_read_revise_and_tabulate_a_schedule(clients: tuple[Any, Any]) -> None:
    admin, anonymous = clients
    m = models()
    name = f"gen-{uuid.uuid4().hex[:10]}"
    spec = m.CosineAnnealing(kind="cosine_annealing", base_lr=BASE, min_lr=LOW, t_max=T_MAX)

    # create (PUT) with the token: 201, the spec echoed as a typed model, the ETag as a header
    put = api("put_schedule", "schedules")
    r = put.sync_detailed(
        name, client=admin, body=m.ScheduleIn(schedule=spec, description="made by a client")
    )
    assert r.status_code == 201, r.content
    created = r.parsed
    assert isinstance(created, m.ScheduleOut), r.content
    assert isinstance(created.schedule, m.CosineAnnealing)
    assert created.schedule.t_max == T_MAX
    assert r.headers["etag"] == created.etag == '"1"'

    # read it without a token
    read = api("read_schedule", "schedules")
    got = read.sync(name, client=anonymous)
    assert isinstance(got, m.ScheduleOut)
    assert (got.name, got.description, got.revision) == (name, "made by a client", 1)

    # a revision in a library's dialect, from step 50 on: its native translation comes back typed
    step_lr = m.TorchStepLR(
        kind="torch", name="StepLR", base_lr=0.05, args=m.TorchStepLRArgs(step_size=10, gamma=0.5)
    )
    revise = api("create_revision", "schedules")
    r = revise.sync_detailed(
        name, client=admin, body=m.RevisionIn(schedule=step_lr, effective_from_step=50, comment="halve")
    )
    assert r.status_code == 201, r.content
    revised = r.parsed
    assert isinstance(revised, m.ScheduleOut), r.content
    assert [rev.revision for rev in revised.revisions] == [1, 2]
    assert isinstance(revised.schedule, m.TorchStepLR)
    assert isinstance(revised.native, m.Step), revised.native
    assert [(p.from_step, p.revision) for p in revised.timeline] == [(0, 1), (50, 2)]
    assert r.headers["etag"] == revised.etag == '"2"'

    # the LR at a step of each revision
    read_lr = api("read_lr", "schedules")
    before = read_lr.sync(name, client=anonymous, step=20)
    assert isinstance(before, m.NamedLrOut)
    assert (before.revision, before.lr) == (1, pytest.approx(cosine(20), rel=1e-12))
    after = read_lr.sync(name, client=anonymous, step=65)
    assert (after.revision, after.lr) == (2, pytest.approx(halving(65), rel=1e-12))

    # a table of the named schedule, and one of a spec sent inline
    table = api("read_table", "schedules").sync(name, client=anonymous, start=40, stop=70, stride=10)
    assert isinstance(table, m.TableOut)
    assert table.steps == [40, 50, 60]
    assert table.lr == pytest.approx([cosine(40), halving(50), halving(60)], rel=1e-12)
    inline = api("create_table", "evaluate").sync(
        client=anonymous, body=m.TableRequest(schedule=spec, steps=[0, 100])
    )
    assert isinstance(inline, m.TableOut)
    assert inline.lr == pytest.approx([BASE, LOW], rel=1e-12)


def test_errors_parse_as_problems(clients: tuple[Any, Any]) -> None:
    admin, anonymous = clients
    m = models()
    spec = m.CosineAnnealing(kind="cosine_annealing", base_lr=BASE, min_lr=LOW, t_max=T_MAX)
    missing = f"gen-{uuid.uuid4().hex[:10]}"

    r = api("read_schedule", "schedules").sync_detailed(missing, client=anonymous)
    assert r.status_code == 404
    assert isinstance(r.parsed, m.Problem), r.content
    assert (r.parsed.status, r.parsed.type_) == (404, "urn:lrs:problem:not-found")

    # 422: every invalid field, each a typed {loc, msg, type}
    r = api("create_lr", "evaluate").sync_detailed(
        client=anonymous, body=m.LrRequest(schedule=spec, step=2**60)
    )
    assert r.status_code == 422, r.content
    assert isinstance(r.parsed, m.Problem), r.content
    assert [e.loc for e in r.parsed.errors] == [["body", "step"]]
    assert isinstance(r.parsed.errors[0], m.ProblemError)

    # a write without the token
    put = api("put_schedule", "schedules")
    r = put.sync_detailed(missing, client=anonymous, body=m.ScheduleIn(schedule=spec))
    assert r.status_code == 401
    assert isinstance(r.parsed, m.Problem)

    # 409: a revision from a step already served names the smallest step it may have
    assert put.sync_detailed(missing, client=admin, body=m.ScheduleIn(schedule=spec)).status_code == 201
    api("read_lr", "schedules").sync(missing, client=anonymous, step=30)
    r = api("create_revision", "schedules").sync_detailed(
        missing, client=admin, body=m.RevisionIn(schedule=spec, effective_from_step=10)
    )
    assert r.status_code == 409, r.content
    assert isinstance(r.parsed, m.Problem), r.content
    assert (r.parsed.promised_step, r.parsed.smallest_allowed_step) == (30, 31)
