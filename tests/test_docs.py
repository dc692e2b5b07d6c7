"""The docs site: every page's commands and Python examples run against a real server, every relative
link lands on a file (and heading), every page is in the navigation, and ``mkdocs build --strict``
passes."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest
import yaml
from lrserve import compile_spec
from lrserve.specs import NativeSpec

from ._docs import DOCS, LANGUAGES, PAGES, ROOT, blocks, commands, fences
from ._server import ADMIN, Server

#: frameworks a Python example may import; a page whose examples need a missing one is skipped
FRAMEWORKS = ("torch", "lightning", "transformers", "optax", "jax", "keras")

RUNNABLE = [page for page, text in PAGES.items() if blocks(text, "sh") or blocks(text, "python")]


def _run_commands(page: str, server: Server, cwd: Path) -> None:
    examples = commands(PAGES[page])
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",  # lrs, from the environment under test
        "HOME": str(cwd),
        "LRS": server.url,
        "LRS_ADMIN_TOKEN": ADMIN,
        "LRS_URL": server.url,
        "LRS_TOKEN": ADMIN,
    }
    # one shell for all, in order (an example may set a variable or write a file the next one uses)
    # (`|| echo` goes on a command's first line: the rest may be a here-document); what a command
    # prints on stderr is part of its output (lrs reports on stderr)
    script = "exec 2>&1\n" + "".join(
        f"printf '\\n@@@{i}\\n'\n{first} || echo @@@FAILED{nl}{rest}\n"
        for i, (command, _) in enumerate(examples)
        for first, nl, rest in [command.partition("\n")]
    )
    done = subprocess.run(
        ["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    outputs = re.split(r"\n@@@\d+\n", done.stdout)[1:]
    assert len(outputs) == len(examples), done.stdout + done.stderr
    for (command, expected), output in zip(examples, outputs, strict=True):
        assert "@@@FAILED" not in output, f"{page}: {command}\n{output}\n{done.stderr}"
        for fragment in expected:
            assert fragment.strip() in output, f"{page}: {command}\nexpected {fragment!r} in\n{output}"


def _run_python(page: str, server: Server, cwd: Path) -> None:
    code = "\n\n".join(blocks(PAGES[page], "python"))
    imported = set(re.findall(r"^\s*(?:from|import) (\w+)", code, flags=re.M))
    for name in sorted(imported & set(FRAMEWORKS)):
        if importlib.util.find_spec(name) is None:
            pytest.skip(f"{page}'s Python examples need {name}")
    (cwd / "page.py").write_text(code)
    env = {**os.environ, "LRS_URL": server.url, "LRS_TOKEN": ADMIN, "KERAS_BACKEND": "jax"}
    done = subprocess.run(
        [sys.executable, "page.py"], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{page}\n{done.stdout}\n{done.stderr}"


@pytest.mark.skipif(shutil.which("curl") is None, reason="the examples use curl")
@pytest.mark.parametrize("page", RUNNABLE)
def test_the_page_examples_run_and_print_what_the_page_shows(page: str, tmp_path: Path) -> None:
    """A fresh server per page: its ``sh`` commands in order, then its Python examples as one script."""
    server = Server(tmp_path / "data", env={"LRS_ADMIN_TOKEN": ADMIN}).start()
    try:
        cwd = tmp_path / "work"
        cwd.mkdir()
        _run_commands(page, server, cwd)
        _run_python(page, server, cwd)
        if page == "docs/http-api.md":
            assert (cwd / "lr.npy").stat().st_size == 128 + 8 * 1000
    finally:
        server.stop()


def test_the_pages_that_teach_have_runnable_examples() -> None:
    for page in ("README.md", "docs/http-api.md", "docs/cli.md", "docs/trainers.md", "docs/spec-language.md"):
        assert page in RUNNABLE, page
    assert len(commands(PAGES["docs/http-api.md"])) >= 20
    assert "RemoteLRScheduler" in "".join(blocks(PAGES["docs/trainers.md"], "python"))
    assert "RemoteLRScheduler" in "".join(blocks(PAGES["README.md"], "python"))


@pytest.mark.parametrize("page", list(PAGES))
def test_every_code_block_is_of_a_known_language(page: str) -> None:
    """An unknown language would escape the tests that run or parse each kind of block."""
    for language, body in fences(PAGES[page]):
        assert language in LANGUAGES, f"{page}: ```{language}\n{body}"


def _yaml_schedules() -> list[tuple[str, str, object]]:
    out = []
    for page, text in PAGES.items():
        for block in blocks(text, "yaml"):
            for name, entry in yaml.safe_load(block)["schedules"].items():
                out.append((page, name, entry))
    return out


@pytest.mark.parametrize(("page", "name", "entry"), _yaml_schedules())
def test_schedules_file_examples_are_valid(page: str, name: str, entry: dict[str, object]) -> None:
    assert set(entry) <= {"description", "schedule", "effective_from_step", "comment", "force"}, (page, name)
    compile_spec(entry["schedule"])


def test_the_spec_language_page_shows_every_native_kind() -> None:
    shown = set(re.findall(r'"kind": "(\w+)"', "".join(blocks(PAGES["docs/spec-language.md"], "json"))))
    members = get_args(get_args(NativeSpec)[0])  # the tagged union's members
    kinds = {get_args(member.model_fields["kind"].annotation)[0] for member in members}
    assert kinds <= shown, kinds - shown


@pytest.mark.parametrize("dialect", ["torch", "transformers", "timm", "optax", "keras", "deepspeed"])
def test_each_dialect_has_a_page_of_its_own_examples(dialect: str) -> None:
    text = PAGES[f"docs/dialects/{dialect}.md"]
    top_level = re.findall(r'^\{"kind": "(\w+)"', "\n".join(blocks(text, "json")), flags=re.M)
    assert top_level and set(top_level) == {dialect}


def _anchors(text: str) -> set[str]:
    """The ids MkDocs (Python-Markdown's toc) gives a page's headings."""
    out = set()
    for heading in re.findall(
        r"^#{1,6} (.+)$", re.sub(r"^```.*?^```", "", text, flags=re.S | re.M), flags=re.M
    ):
        slug = re.sub(r"[^\w\s-]", "", heading.replace("`", "")).strip().lower()
        out.add(re.sub(r"[-\s]+", "-", slug))
    return out


def _links() -> list[tuple[str, str]]:
    out = []
    for page, text in PAGES.items():
        prose = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
        out += [(page, target) for target in re.findall(r"\]\(([^)\s]+)\)", prose)]
    return out


@pytest.mark.parametrize(("page", "target"), [link for link in _links() if "://" not in link[1]])
def test_relative_links_point_to_existing_files(page: str, target: str) -> None:
    path, _, anchor = target.partition("#")
    file = (ROOT / page).parent / path if path else ROOT / page
    assert file.resolve().is_file(), f"{page} links to {target}"
    if anchor and file.suffix == ".md":
        assert anchor in _anchors(file.read_text()), f"{page} links to {target}: no such heading"


def test_there_are_links_to_check() -> None:
    assert len([link for link in _links() if link[0] == "README.md"]) >= 15


def test_every_page_is_in_the_navigation() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())

    def pages(nav: object) -> list[str]:
        if isinstance(nav, str):
            return [nav]
        if isinstance(nav, list):
            return [p for item in nav for p in pages(item)]
        if isinstance(nav, dict):
            return [p for value in nav.values() for p in pages(value)]
        return []

    listed = pages(config["nav"])
    assert sorted(listed) == sorted(str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md"))


def test_figures_stand_on_their_own() -> None:
    """The docs state what was measured, not which issue asked for it."""
    for page, text in PAGES.items():
        assert not re.search(r"\bissue\b|\btargets? of\b", text, flags=re.I), page


def test_docs_build_strict(tmp_path: Path) -> None:
    if importlib.util.find_spec("mkdocs") is None:
        pytest.skip("mkdocs is not installed (pip install -e '.[docs]')")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "site" / "index.html").is_file()
    assert (tmp_path / "site" / "dialects" / "torch" / "index.html").is_file()
