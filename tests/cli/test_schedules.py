"""``lrs get``, ``lrs history`` and ``lrs list`` against a real server, and how server errors read."""

from __future__ import annotations

import json

import pytest
from lrserve._cli.schedules import NAME_PATTERN
from lrserve.api._models import NAME_PATTERN as SERVER_NAME_PATTERN
from lrserve.cli import main
from lrserve.client import Client

from .._server import ADMIN, Server, free_port
from .conftest import fresh, lrs

STEP_LR = {"kind": "torch", "name": "StepLR", "base_lr": 0.1, "args": {"step_size": 100, "gamma": 0.5}}
CONSTANT = {"kind": "constant", "lr": 0.01}


@pytest.fixture
def revised(client: Client) -> str:
    """A dialect schedule with a revision from step 700, and steps up to 250 served."""
    name = fresh()
    client.put_schedule(name, STEP_LR, "StepLR, then a constant")
    client.lr(name, 250)
    client.add_revision(name, CONSTANT, 700, "hold it")
    return name


def test_get_summarises_the_schedule(server: Server, client: Client, revised: str) -> None:
    body = client.get_schedule(revised)
    assert body is not None
    run = lrs("get", revised, url=server.url)
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0] == f"{revised} — StepLR, then a constant"
    assert f"  revision             2 of 2 (ETag {body.etag})" in lines
    assert "  highest step served  250" in lines
    assert f"  created              {body.created_at}" in lines
    assert "schedule (revision 2, from step 700): constant" in lines
    assert "  kind: constant" in lines and "  lr: 0.01" in lines
    assert "native translation:" not in lines  # the current spec is native


def test_get_shows_the_native_translation_of_a_dialect_spec(server: Server, client: Client) -> None:
    name = fresh()
    client.put_schedule(name, STEP_LR)
    run = lrs("get", name, url=server.url)
    assert run.code == 0, run.err
    own, native = run.out.split("native translation:\n")
    assert "schedule (revision 1, from step 0): torch StepLR" in own
    assert "  name: StepLR" in own and "    step_size: 100" in own
    assert "  kind: step\n" in native and "  factor: 0.5\n" in native
    assert "(ETag" in own and "highest step served  none yet" in own


def test_get_json_is_the_servers_body(server: Server, client: Client, revised: str) -> None:
    run = lrs("get", revised, "--json", url=server.url)
    assert run.code == 0, run.err
    server_json = client.http.get(f"/v1/schedules/{revised}").json()  # as the server sent it
    assert json.loads(run.out) == server_json
    assert list(json.loads(run.out)) == list(server_json)  # every field, in the server's order


def test_history_lists_revisions_and_the_timeline(server: Server, client: Client, revised: str) -> None:
    client.add_revision(revised, STEP_LR, 100, "back to StepLR early", force=True)  # overrides from step 100
    body = client.get_schedule(revised)
    assert body is not None
    run = lrs("history", revised, url=server.url)
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0] == f"{revised}: 3 revisions; highest step served: 250"
    header, *rows = lines[1:5]
    assert header.split() == ["REV", "FROM", "STEP", "CREATED", "FORCED", "SPEC", "COMMENT"]
    created = [r.created_at for r in body.revisions]
    assert rows[0].split() == ["1", "0", created[0], "torch", "StepLR", "created"]
    assert rows[1].split() == ["2", "700", created[1], "constant", "hold", "it"]
    assert rows[2].split() == [
        "3",
        "100",
        created[2],
        "forced",
        "torch",
        "StepLR",
        "back",
        "to",
        "StepLR",
        "early",
    ]
    assert lines[5:] == ["timeline:", "  steps 0 to 99  revision 1", "  steps 100 on   revision 3"]
    as_json = json.loads(lrs("history", revised, "--json", url=server.url).out)
    server_json = client.http.get(f"/v1/schedules/{revised}").json()
    assert as_json == {k: server_json[k] for k in ("name", "revisions", "timeline")}


def test_list_pages_through_every_schedule(server: Server, client: Client, revised: str) -> None:
    run = lrs("list", url=server.url)
    assert run.code == 0, run.err
    assert run.out.splitlines()[0].split() == ["NAME", "REVISION", "DESCRIPTION"]
    row = next(line for line in run.out.splitlines() if line.startswith(revised))
    assert row.split() == [revised, "2", "StepLR,", "then", "a", "constant"]
    names = [s["name"] for s in json.loads(lrs("list", "--json", url=server.url).out)]
    assert revised in names and names == sorted(names)


def test_a_missing_schedule_is_named(server: Server) -> None:
    run = lrs("get", "no-such-schedule", url=server.url)
    assert (run.code, run.out, run.err) == (1, "", "lrs: schedule 'no-such-schedule' not found\n")


def test_a_bad_name_is_a_usage_error(server: Server) -> None:
    run = lrs("history", "Not_A_Name", url=server.url)
    assert run.code == 2
    assert "'Not_A_Name' is not a schedule name" in run.err


def test_the_name_pattern_is_the_servers() -> None:
    assert NAME_PATTERN == SERVER_NAME_PATTERN


def test_a_server_that_is_down_is_one_line_without_a_traceback() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    for args in (["get", "x"], ["list"], ["history", "x"]):
        run = lrs(*args, url=url)
        assert (run.code, run.out) == (1, "")
        assert run.err == f"lrs: cannot reach {url} (is `lrs serve` running? set --url or LRS_URL)\n"


def test_url_and_token_options_win_over_the_environment(
    server: Server, revised: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LRS_URL", f"http://127.0.0.1:{free_port()}")
    assert main(["get", revised, "--url", server.url]) == 0
    assert capsys.readouterr().out.startswith(revised)
    monkeypatch.setenv("LRS_URL", "localhost:8000")
    assert main(["list"]) == 2
    assert "is an http:// or https:// URL" in capsys.readouterr().err


def test_reads_with_a_read_token_say_which_option_to_set(tmp_path_factory: pytest.TempPathFactory) -> None:
    srv = Server(
        tmp_path_factory.mktemp("read-token") / "data",
        env={"LRS_ADMIN_TOKEN": ADMIN, "LRS_READ_TOKEN": "reader"},
    ).start()
    try:
        missing = lrs("list", url=srv.url)
        assert missing.code == 1
        assert (
            missing.err.startswith("lrs: the server wants a token (")
            and "set --token or LRS_TOKEN" in missing.err
        )
        wrong = lrs("list", "--token", "wrong", url=srv.url)
        assert wrong.code == 1 and wrong.err.startswith("lrs: the token was refused (")
        assert lrs("list", url=srv.url, token="reader").code == 0
    finally:
        srv.stop()
