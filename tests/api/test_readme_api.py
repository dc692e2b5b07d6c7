"""The README's HTTP examples run, in order, against a real server, and print what the README says."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import ADMIN, REPO, Server

SECTION = (REPO / "README.md").read_text().split("## The HTTP API", 1)[1].split("\n## ", 1)[0]


def _examples() -> list[tuple[str, list[str]]]:
    """(command, expected output fragments) for each command in the section's ```sh blocks."""
    out: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```sh\n(.*?)```", SECTION, flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.strip()
            if line.startswith("# "):
                shown = re.sub(r"^\d{3} ", "", line[2:])
                out[-1][1].extend(part for part in shown.split("...") if part)
            elif line:
                out.append((line, []))
    return out


EXAMPLES = _examples()


def test_the_section_has_an_example_of_every_endpoint() -> None:
    text = " ".join(cmd for cmd, _ in EXAMPLES)
    for needle in (
        "-X POST $LRS/v1/table",
        "-X POST $LRS/v1/lr",
        "-X PUT $LRS/v1/schedules/",
        "$LRS/v1/schedules/resnet50 ",
        "$LRS/v1/schedules?limit",
        "/lr?step=",
        "/table?start=",
        "/revisions",
        "-X DELETE",
        "$LRS/livez",
        "$LRS/readyz",
        "$LRS/metrics",
    ):
        assert needle in text, needle


@pytest.mark.skipif(shutil.which("curl") is None, reason="the README's examples use curl")
def test_the_examples_run_and_print_what_the_readme_shows(tmp_path: Path) -> None:
    server = Server(tmp_path / "data", env={"LRS_ADMIN_TOKEN": ADMIN}).start()
    try:
        env = {"PATH": "/usr/bin:/bin", "LRS": server.url, "LRS_ADMIN_TOKEN": ADMIN}
        # one shell for all, in order (an example may set a variable the next one uses)
        script = "".join(
            f"printf '\\n@@@{i}\\n'\n{command} || echo @@@FAILED\n" for i, (command, _) in enumerate(EXAMPLES)
        )
        done = subprocess.run(
            ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )
        outputs = re.split(r"\n@@@\d+\n", done.stdout)[1:]
        assert len(outputs) == len(EXAMPLES), done.stdout + done.stderr
        for (command, expected), output in zip(EXAMPLES, outputs, strict=True):
            assert "@@@FAILED" not in output, f"{command}\n{output}\n{done.stderr}"
            for fragment in expected:
                assert fragment.strip() in output, f"{command}\nexpected {fragment!r} in\n{output}"
        assert (tmp_path / "lr.npy").stat().st_size == 128 + 8 * 1000
    finally:
        server.stop()


def test_the_configuration_table_lists_every_setting_with_its_default() -> None:
    from lrserve.api import Settings

    rows = {
        m.group(1): m.group(2) for m in re.finditer(r"^\| `LRS_([A-Z_]+)` \| ([^|]+) \|", SECTION, flags=re.M)
    }
    assert set(rows) == {name.upper() for name in Settings.model_fields}
    for name, field in Settings.model_fields.items():
        if isinstance(field.default, int | float) and not isinstance(field.default, bool):
            assert rows[name.upper()].strip() == str(field.default), name
