"""``lrs eval``: tables computed locally, exactly ``lrserve.evaluate``'s numbers, in chunks, with errors
people can act on."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from lrserve import evaluate
from lrserve._cli.evaluate import step_range
from lrserve.cli import main

from .conftest import lrs

COSINE = {"kind": "cosine_annealing", "base_lr": 0.1, "min_lr": 0.001, "t_max": 1000}
ONE_CYCLE = {
    "kind": "torch",
    "name": "OneCycleLR",
    "base_lr": 0.1,
    "args": {"max_lr": 1.0, "total_steps": 100},
}
COSINE_YAML = "kind: cosine_annealing\nbase_lr: 0.1\nmin_lr: 0.001\nt_max: 1000\n"

SpecFile = Callable[[str, str], Path]


def _csv(text: str) -> tuple[list[int], list[float]]:
    lines = text.splitlines()
    assert lines[0] == "step,lr"
    rows = [line.split(",") for line in lines[1:]]
    return [int(s) for s, _ in rows], [float(v) for _, v in rows]


@pytest.mark.parametrize("steps", ["0:1000", "0:1000:7", "5:6", ":300", "10:10"])
def test_csv_is_the_engines_numbers_exactly(spec_file: SpecFile, steps: str) -> None:
    path = spec_file("cosine.json", json.dumps(COSINE))
    run = lrs("eval", str(path), "--steps", steps)
    assert run.code == 0, run.err
    assert run.err == ""  # no progress bar: stderr is not a terminal
    want = step_range(steps)
    got_steps, got_lr = _csv(run.out)
    assert got_steps == list(want)
    assert got_lr == evaluate(COSINE, np.array(want, dtype=np.int64)).tolist()


def test_yaml_floats_are_numbers_as_in_yaml_1_2(spec_file: SpecFile) -> None:
    """``1e-5`` without a dot is a number, as in the schedules file (PyYAML alone reads it as text)."""
    path = spec_file("tiny.yaml", "kind: cosine_annealing\nbase_lr: 1e-1\nmin_lr: 1E-5\nt_max: 10\n")
    run = lrs("eval", str(path), "--steps", "0:11")
    assert run.code == 0, run.err
    spec = {"kind": "cosine_annealing", "base_lr": 0.1, "min_lr": 1e-5, "t_max": 10}
    assert _csv(run.out)[1] == evaluate(spec, range(11)).tolist()


def test_json_and_npy_are_the_engines_numbers_exactly(spec_file: SpecFile, tmp_path: Path) -> None:
    path = spec_file(
        "one-cycle.yaml",
        "kind: torch\nname: OneCycleLR\nbase_lr: 0.1\nargs: {max_lr: 1.0, total_steps: 100}\n",
    )
    want = evaluate(ONE_CYCLE, np.arange(0, 101, 3))
    run = lrs("eval", str(path), "--steps", "0:101:3", "--format", "json")
    assert run.code == 0, run.err
    assert json.loads(run.out) == {"steps": list(range(0, 101, 3)), "lr": want.tolist()}
    assert run.out == json.dumps({"steps": list(range(0, 101, 3)), "lr": want.tolist()}) + "\n"
    out = tmp_path / "lr.npy"
    run = lrs("eval", str(path), "--steps", "0:101:3", "--format", "npy", "-o", str(out))
    assert (run.code, run.out, run.err) == (0, "", "")
    table = np.load(out)
    assert table.dtype == np.float64
    np.testing.assert_array_equal(table, want)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lr.npy", "one-cycle.yaml"]  # no temporary left


def test_a_spec_from_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(COSINE_YAML))
    assert main(["eval", "-", "--steps", "0:4", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["lr"] == evaluate(COSINE, range(4)).tolist()


def test_a_long_range_is_written_in_chunks_with_the_same_numbers(spec_file: SpecFile, tmp_path: Path) -> None:
    path = spec_file("cosine.json", json.dumps(COSINE))
    out = tmp_path / "long.npy"
    run = lrs("eval", str(path), "--steps", "0:2500000", "--format", "npy", "-o", str(out))  # 3 chunks of 1e6
    assert run.code == 0, run.err
    np.testing.assert_array_equal(np.load(out), evaluate(COSINE, np.arange(2_500_000)))
    for fmt in ("csv", "json"):  # small chunks, so every join between them is exercised
        whole = lrs("eval", str(path), "--steps", "3:20000:3", "--format", fmt)
        chunked = lrs("eval", str(path), "--steps", "3:20000:3", "--format", fmt, "--chunk-size", "1000")
        assert whole.code == chunked.code == 0
        assert chunked.out == whole.out
    assert json.loads(chunked.out)["lr"] == evaluate(COSINE, np.arange(3, 20000, 3)).tolist()


def test_the_progress_bar_is_on_stderr_only_when_asked_for_off_a_terminal(spec_file: SpecFile) -> None:
    path = spec_file("cosine.json", json.dumps(COSINE))
    quiet = lrs("eval", str(path), "--steps", "0:5000", "--chunk-size", "1000")
    shown = lrs("eval", str(path), "--steps", "0:5000", "--chunk-size", "1000", "--progress")
    assert quiet.code == shown.code == 0
    assert quiet.err == ""
    assert "100%" in shown.err and "5000/5000" in shown.err
    assert shown.out == quiet.out  # the bar never touches the table


def test_an_invalid_spec_names_each_field_and_exits_2(spec_file: SpecFile) -> None:
    bad = {
        "kind": "sequence",
        "schedules": [{"kind": "cosine_annealing", "base_lr": -1, "t_max": 0}],
        "boundaries": [],
    }
    path = spec_file("bad.json", json.dumps(bad))
    run = lrs("eval", str(path), "--steps", "0:10")
    assert run.code == 2
    assert run.out == ""
    assert "Traceback" not in run.err
    assert f"lrs: {path} is not a valid schedule spec:" in run.err
    assert "\n  schedules.0.base_lr: Input should be greater than or equal to 0\n" in run.err
    assert "\n  schedules.0.t_max: Input should be greater than or equal to 1\n" in run.err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "kind: cosine_annealing\nbase_lr: 0.1\nmin_lr: '1e-5'\nt_max: 10\n",
            "  min_lr: Input should be a valid number ('1e-5' is text: write the number without quotes)",
        ),
        (
            "kind: nope\n",
            "  kind: Input tag 'nope' found using 'kind' does not match any of the expected tags",
        ),
        ("- 1\n- 2\n", "a spec is a mapping with a kind"),
        ("kind: [unclosed\n", "is not valid YAML or JSON"),
    ],
)
def test_bad_spec_files_are_explained(spec_file: SpecFile, text: str, message: str) -> None:
    run = lrs("eval", str(spec_file("spec.yaml", text)), "--steps", "0:10")
    assert run.code == 2
    assert message in run.err
    assert "Traceback" not in run.err


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ("0-10", "expected START:STOP or START:STOP:STRIDE"),
        ("0:10:0", "STRIDE is >= 1"),
        ("-5:10", "steps are >= 0"),
        (f"0:{2**53 + 2}", "STOP is at most 9007199254740993"),
    ],
)
def test_bad_ranges_are_usage_errors(spec_file: SpecFile, steps: str, message: str) -> None:
    run = lrs("eval", str(spec_file("cosine.json", json.dumps(COSINE))), f"--steps={steps}")
    assert run.code == 2
    assert message in run.err


def test_steps_past_the_end_of_the_schedule_are_refused_before_anything_is_written(
    spec_file: SpecFile, tmp_path: Path
) -> None:
    path = spec_file("one-cycle.json", json.dumps(ONE_CYCLE))
    out = tmp_path / "table.csv"
    run = lrs("eval", str(path), "--steps", "0:200", "-o", str(out))
    assert run.code == 2
    assert run.err == "lrs: step 199 is past the last step of this schedule (100)\n"
    assert not out.exists()


def test_a_missing_file_is_a_usage_error() -> None:
    run = lrs("eval", "no/such/spec.yaml", "--steps", "0:10")
    assert (run.code, run.err) == (2, "lrs: cannot read no/such/spec.yaml: No such file or directory\n")
