"""``lrs apply -f FILE`` against a real server: plans, diffs, the question, idempotence, revisions from a
step, promises kept, and a concurrent change never overwritten."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lrserve.cli import main
from lrserve.client import Client

from .._server import ADMIN, Server, free_port
from .conftest import Terminal, fresh, lrs, lrs_at_terminal

SpecFile = Callable[[str, str], Path]


def warmup(base_lr: float) -> str:
    return (
        f"{{kind: warmup_cosine, base_lr: {base_lr}, warmup_steps: 500, decay_steps: 9500, min_lr: 1.0e-5}}"
    )


def schedules_yaml(entries: dict[str, dict[str, Any]]) -> str:
    """A schedules file: ``{name: {"schedule": YAML flow text, other fields...}}``."""
    lines = ["schedules:"]
    for name, fields in entries.items():
        lines.append(f"  {name}:")
        lines += [f"    {key}: {value}" for key, value in fields.items()]
    return "\n".join(lines) + "\n"


def etags(client: Client, *names: str) -> list[str | None]:
    out = []
    for name in names:
        body = client.get_schedule(name) if name in _names(client) else None
        out.append(body.etag if body else None)
    return out


def _names(client: Client) -> set[str]:
    return {s.name for s in client.list_schedules(limit=1000).items}


def test_apply_creates_then_a_second_apply_changes_nothing(
    server: Server, client: Client, spec_file: SpecFile
) -> None:
    a, b = fresh(), fresh()
    path = spec_file(
        "schedules.yaml",
        schedules_yaml(
            {
                a: {"description": "ResNet-50, 90 epochs", "schedule": warmup(0.4)},
                b: {
                    "schedule": "{kind: torch, name: StepLR, base_lr: 0.1, args: {step_size: 100, gamma: 0.5}}"
                },
            }
        ),
    )
    run = lrs("apply", "-f", str(path), "--yes", url=server.url, token=ADMIN)
    assert run.code == 0, run.err
    assert run.out.splitlines()[:2] == [f"+ create   {a}", f"+ create   {b}"]
    assert f"    +++ {a} ({path})" in run.out and "    +  base_lr: 0.4" in run.out
    assert f"created {a} (revision 1)\ncreated {b} (revision 1)\n" in run.out
    body = client.get_schedule(a)
    assert body is not None
    assert body.description == "ResNet-50, 90 epochs"
    assert body.schedule == {
        "kind": "warmup_cosine",
        "base_lr": 0.4,
        "warmup_steps": 500,
        "decay_steps": 9500,
        "min_lr": 1e-5,
    }
    before = etags(client, a, b)

    again = lrs("apply", "-f", str(path), url=server.url, token=ADMIN)  # no --yes needed: nothing to ask
    assert again.code == 0, again.err
    assert again.out.splitlines()[:2] == [f"= unchanged {a}", f"= unchanged {b}"]
    assert f"nothing to do: {server.url} has the 2 schedule(s) of {path} as declared" in again.out
    assert etags(client, a, b) == before


def test_a_json_file_without_the_schedules_key(server: Server, client: Client, spec_file: SpecFile) -> None:
    name = fresh()
    path = spec_file(
        "s.json", json.dumps({name: {"schedule": {"kind": "constant", "lr": 1e-5}, "description": "tiny"}})
    )
    assert lrs("apply", "-f", str(path), "-y", url=server.url, token=ADMIN).code == 0
    body = client.get_schedule(name)
    assert body is not None and body.schedule == {
        "kind": "constant",
        "lr": 1e-5,
    }  # JSON's 1e-5 is a number


@pytest.fixture
def existing(client: Client, spec_file: SpecFile) -> tuple[str, Path]:
    """A schedule made from warmup(0.4), and a file that changes its base_lr to 0.3."""
    name = fresh()
    client.put_schedule(
        name,
        {"kind": "warmup_cosine", "base_lr": 0.4, "warmup_steps": 500, "decay_steps": 9500, "min_lr": 1e-5},
        "d",
    )
    return name, spec_file(
        "changed.yaml", schedules_yaml({name: {"description": "d", "schedule": warmup(0.3)}})
    )


def test_a_change_shows_the_diff_and_no_at_the_question_changes_nothing(
    server: Server, client: Client, existing: tuple[str, Path]
) -> None:
    name, path = existing
    [before] = etags(client, name)
    run = lrs_at_terminal("apply", "-f", str(path), answer="n\n", url=server.url, token=ADMIN)
    assert run.code == 1
    assert run.out.splitlines()[0] == f"~ replace  {name}: spec from step 0 on, as revision 2"
    assert f"    --- {name} (on the server: revision 1)\n    +++ {name} ({path})\n" in run.out
    assert "\n    -  base_lr: 0.4\n    +  base_lr: 0.3\n" in run.out
    assert "Apply this change to " in run.err and "[y/N]" in run.err
    assert run.err.endswith("lrs: cancelled: nothing was changed\n")
    assert etags(client, name) == [before]


def test_yes_at_the_question_applies(server: Server, client: Client, existing: tuple[str, Path]) -> None:
    name, path = existing
    run = lrs_at_terminal("apply", "-f", str(path), answer="y\n", url=server.url, token=ADMIN)
    assert run.code == 0, run.err
    assert f"replaced {name}: revision 2 from step 0" in run.out
    body = client.get_schedule(name)
    assert body is not None and body.schedule["base_lr"] == 0.3 and body.revision == 2


def test_without_a_terminal_it_needs_yes(server: Server, client: Client, existing: tuple[str, Path]) -> None:
    name, path = existing
    [before] = etags(client, name)
    run = lrs("apply", "-f", str(path), url=server.url, token=ADMIN, stdin="y\n")  # a pipe: nobody to ask
    assert run.code == 2
    assert "+  base_lr: 0.3" in run.out  # the plan is still shown
    assert "lrs: not applying: standard input is not a terminal" in run.err and "pass --yes" in run.err
    dry = lrs("apply", "-f", str(path), "--dry-run", url=server.url, token=ADMIN)
    assert dry.code == 0 and dry.out.endswith("1 to change, 0 unchanged\ndry run: nothing was changed\n")
    assert etags(client, name) == [before]
    assert lrs("apply", "-f", str(path), "--yes", url=server.url, token=ADMIN).code == 0
    assert etags(client, name) != [before]


def test_a_description_alone_changes_no_revision(server: Server, client: Client, spec_file: SpecFile) -> None:
    name = fresh()
    client.put_schedule(name, {"kind": "constant", "lr": 0.1}, "old")
    client.lr(name, 10)  # served steps do not matter to a description
    path = spec_file(
        "d.yaml", schedules_yaml({name: {"description": "new", "schedule": "{kind: constant, lr: 0.1}"}})
    )
    run = lrs("apply", "-f", str(path), "--yes", url=server.url, token=ADMIN)
    assert run.code == 0, run.err
    assert run.out.startswith(f"~ describe {name}: description\n")
    assert "    -description: old\n    +description: new\n" in run.out
    body = client.get_schedule(name)
    assert body is not None and (body.description, body.revision) == ("new", 1)


def test_effective_from_step_posts_a_revision(server: Server, client: Client, spec_file: SpecFile) -> None:
    name = fresh()
    client.put_schedule(name, {"kind": "constant", "lr": 0.1}, "flat")
    client.lr(name, 500)
    fields = {
        "description": "flat, then lower",
        "schedule": "{kind: constant, lr: 0.01}",
        "effective_from_step": 1000,
        "comment": "lower it",
    }
    path = spec_file("r.yaml", schedules_yaml({name: fields}))
    run = lrs("apply", "-f", str(path), "--yes", url=server.url, token=ADMIN)
    assert run.code == 0, run.err
    assert run.out.startswith(f"~ revise   {name}: spec from step 1000 on, as revision 2, description\n")
    assert f"revised {name}: revision 2 from step 1000, and its description" in run.out
    body = client.get_schedule(name)
    assert body is not None
    assert [(p.from_step, p.revision) for p in body.timeline] == [(0, 1), (1000, 2)]
    assert body.revisions[1].comment == "lower it"
    assert body.description == "flat, then lower"
    assert client.lr(name, 999).lr == 0.1 and client.lr(name, 1000).lr == 0.01
    again = lrs("apply", "-f", str(path), "--yes", url=server.url, token=ADMIN)
    assert again.code == 0 and again.out.startswith(f"= unchanged {name}\n")
    history = lrs("history", name, url=server.url)
    assert "  steps 0 to 999  revision 1\n  steps 1000 on   revision 2\n" in history.out


def test_a_change_to_served_steps_is_refused_with_the_smallest_allowed_step(
    server: Server, client: Client, existing: tuple[str, Path], spec_file: SpecFile
) -> None:
    name, path = existing
    assert client.lr(name, 500).step == 500  # the server promised steps up to 500
    [before] = etags(client, name)
    run = lrs("apply", "-f", str(path), "--yes", url=server.url, token=ADMIN)
    assert run.code == 1
    assert "Traceback" not in run.err
    assert run.err.startswith("lrs: the server would refuse 1 of these changes; nothing was changed:\n")
    assert (
        f"  {name}: steps up to 500 have already been served, and replacing its spec (from step 0)" in run.err
    )
    assert "Set `effective_from_step: 501` (or later)" in run.err and "or `force: true`" in run.err
    early = spec_file(
        "early.yaml",
        schedules_yaml({name: {"description": "d", "schedule": warmup(0.3), "effective_from_step": 300}}),
    )
    run = lrs("apply", "-f", str(early), "--yes", url=server.url, token=ADMIN)
    assert run.code == 1 and "a revision from step 300 would change their LR" in run.err and "501" in run.err
    assert etags(client, name) == [before]
    forced = spec_file(
        "forced.yaml", schedules_yaml({name: {"description": "d", "schedule": warmup(0.3), "force": "true"}})
    )
    run = lrs("apply", "-f", str(forced), "--yes", url=server.url, token=ADMIN)
    assert run.code == 0, run.err
    assert "(forced: steps up to 500 were served)" in run.out
    body = client.get_schedule(name)
    assert body is not None and body.revisions[-1].forced is True


def test_a_promise_made_while_asking_is_a_readable_refusal(
    server: Server,
    client: Client,
    spec_file: SpecFile,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    name = fresh()
    client.put_schedule(name, {"kind": "constant", "lr": 0.1})
    fields = {"schedule": "{kind: constant, lr: 0.01}", "effective_from_step": 1000}
    path = spec_file("r.yaml", schedules_yaml({name: fields}))
    # a trainer reads step 2000 while the question is on the screen
    monkeypatch.setattr("sys.stdin", Terminal("y\n", on_read=lambda: client.lr(name, 2000) and None))
    assert main(["apply", "-f", str(path), "--url", server.url, "--token", ADMIN]) == 1
    err = capsys.readouterr().err
    assert "lrs: the server refused: " in err
    assert "steps up to 2000 have already been served" in err and "`effective_from_step: 2001`" in err
    assert err.endswith("\n  nothing was changed\n")
    body = client.get_schedule(name)
    assert body is not None and body.revision == 1


def test_a_concurrent_change_is_never_overwritten(
    server: Server,
    client: Client,
    existing: tuple[str, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    name, path = existing
    [before] = etags(client, name)

    def someone_else() -> None:
        client.put_schedule(name, {"kind": "constant", "lr": 0.5}, "theirs", if_match=before)

    monkeypatch.setattr("sys.stdin", Terminal("y\n", on_read=someone_else))
    assert main(["apply", "-f", str(path), "--url", server.url, "--token", ADMIN]) == 1
    err = capsys.readouterr().err
    assert f"lrs: {name} was changed by someone else since this plan was made, so it was left as it is" in err
    body = client.get_schedule(name)
    assert body is not None and (body.schedule, body.description) == (
        {"kind": "constant", "lr": 0.5},
        "theirs",
    )


def test_a_failure_midway_says_what_was_applied(
    server: Server,
    client: Client,
    spec_file: SpecFile,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    first, second = fresh(), fresh()
    client.put_schedule(second, {"kind": "constant", "lr": 0.1})
    entries = {
        first: {"schedule": "{kind: constant, lr: 0.2}"},
        second: {"schedule": "{kind: constant, lr: 0.3}"},
    }
    path = spec_file("two.yaml", schedules_yaml(entries))
    monkeypatch.setattr("sys.stdin", Terminal("y\n", on_read=lambda: client.lr(second, 0) and None))
    assert main(["apply", "-f", str(path), "--url", server.url, "--token", ADMIN]) == 1
    out, err = capsys.readouterr()
    assert f"created {first} (revision 1)" in out
    assert "`effective_from_step: 1`" in err
    assert err.endswith("\n  applied 1 of 2 changes before this one; the rest were not made\n")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "Bad_Name:\n  schedule: {kind: constant, lr: 0.1}\n",
            "schedule 'Bad_Name': a name must match ^[a-z0-9][a-z0-9._-]{0,63}$",
        ),
        (
            "ok:\n  schedule: {kind: constant, lr: 0.1}\n  colour: red\n",
            "schedule 'ok': unknown fields ['colour']",
        ),
        ("ok:\n  description: no spec\n", "schedule 'ok': expected {schedule: SPEC, description: TEXT}"),
        (
            "ok:\n  schedule: {kind: constant, lr: 0.1}\n  effective_from_step: -1\n",
            "effective_from_step is a step",
        ),
        (
            "ok:\n  schedule: {kind: cosine_annealing, base_lr: 0.1, t_max: 0}\n",
            "schedule 'ok': invalid spec:\n  t_max: Input should be greater than or equal to 1\n",
        ),
        ("- a\n- b\n", "expected a mapping of schedule names to entries"),
    ],
)
def test_a_bad_file_is_refused_before_anything_is_sent(spec_file: SpecFile, text: str, message: str) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens: the file is checked before any request
    run = lrs("apply", "-f", str(spec_file("bad.yaml", text)), "--yes", url=url, token=ADMIN)
    assert (run.code, run.out) == (2, "")
    assert message in run.err
    assert "Traceback" not in run.err


def test_without_the_admin_token_it_says_which_option_to_set(
    server: Server, client: Client, existing: tuple[str, Path]
) -> None:
    _, path = existing
    run = lrs("apply", "-f", str(path), "--yes", url=server.url)  # reads are open, writes are not
    assert run.code == 1
    assert run.err.startswith("lrs: the server wants a token (") and "set --token or LRS_TOKEN" in run.err
    assert run.err.endswith("\n  nothing was changed\n")


def test_a_server_that_is_down(spec_file: SpecFile) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    path = spec_file("s.yaml", "x:\n  schedule: {kind: constant, lr: 0.1}\n")
    run = lrs("apply", "-f", str(path), "--yes", url=url, token=ADMIN)
    assert (run.code, run.out) == (1, "")
    assert run.err == f"lrs: cannot reach {url} (is `lrs serve` running? set --url or LRS_URL)\n"


def test_yaml_floats_are_numbers_as_in_yaml_1_2(server: Server, client: Client, spec_file: SpecFile) -> None:
    name = fresh()
    path = spec_file("floats.yaml", f"{name}:\n  schedule: {{kind: constant, lr: 1e-5}}\n")  # YAML 1.1: text
    run = lrs("apply", "-f", str(path), "--yes", url=server.url, token=ADMIN)
    assert run.code == 0, run.err
    body = client.get_schedule(name)
    assert body is not None and body.schedule == {"kind": "constant", "lr": 1e-5}
