"""The README and the pages of the docs site (docs/**/*.md), and the examples in them.

Fenced blocks by language:

- ``json``: specs (one or more objects per block), each parsed and evaluated (tests/test_readme.py);
- ``sh``: commands run in order, in one shell per page, against a real server, with ``$LRS``,
  ``$LRS_ADMIN_TOKEN``, ``$LRS_URL`` and ``$LRS_TOKEN`` set; a comment line ``# ...`` under a command is
  output it must print (``...`` separates fragments; a leading status code is dropped);
- ``python``: the page's blocks run in order as one script, after its ``sh`` blocks, against the same
  server (tests/test_docs.py);
- ``yaml``: schedules files, whose every schedule is a valid spec;
- ``bash``: set-up shown to people and not run by these tests (installing, starting the server,
  Docker, the reference generator, CI's own commands);
- ``text``: output shown as it is.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
LANGUAGES = {"json", "sh", "python", "yaml", "bash", "text"}

#: every page, by its path relative to the repository: the README first, then docs/ in sorted order
PAGES: dict[str, str] = {
    str(path.relative_to(ROOT)): path.read_text()
    for path in [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]
}

_FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", flags=re.S | re.M)


def fences(text: str) -> list[tuple[str, str]]:
    """(language, body) of every fenced code block, in order."""
    return [(m.group(1).strip(), m.group(2)) for m in _FENCE.finditer(text)]


def blocks(text: str, language: str) -> list[str]:
    return [body for lang, body in fences(text) if lang == language]


def commands(text: str) -> list[tuple[str, list[str]]]:
    """(command, expected output fragments) for each command in a page's ``sh`` blocks, in order. A
    here-document (``<<'EOF'`` up to ``EOF``) belongs to its command."""
    out: list[tuple[str, list[str]]] = []
    for block in blocks(text, "sh"):
        lines = iter(block.replace("\\\n", " ").splitlines())
        for line in lines:
            stripped = line.strip()
            if stripped.startswith("# "):
                shown = re.sub(r"^\d{3} ", "", stripped[2:])
                out[-1][1].extend(part for part in shown.split("...") if part.strip())
            elif heredoc := re.search(r"<<-?'?(\w+)'?", stripped):
                body = [stripped]
                for more in lines:
                    body.append(more)
                    if more.strip() == heredoc.group(1):
                        break
                out.append(("\n".join(body), []))
            elif stripped:
                out.append((stripped, []))
    return out
