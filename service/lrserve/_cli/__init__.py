"""The commands of ``lrs`` for people, beside ``serve`` and ``openapi`` (``service/lrserve/cli.py``)::

    evaluate.py    lrs eval SPEC_FILE --steps START:STOP[:STRIDE]   local, no server
    schedules.py   lrs get | history | list                          read named schedules
    apply.py       lrs apply -f FILE                                 declare them, with a diff and a question
    plot.py        lrs plot SPEC_FILE... -o lr.png                   a chart (SVG, or PNG with matplotlib)
    errors.py      Failure (exit 1: the server said no; 2: the input is wrong), server errors in words
    files.py       JSON or YAML files and standard input
    term.py        the terminal: colour, progress bars, questions, tables, pretty specs

Every module imports only the standard library at the top: numpy, httpx, Pydantic, PyYAML and tqdm are
imported by the command that needs them, so ``lrs --help`` is quick and a missing extra is named.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    #: What ``add_parser(s)`` of each command module registers its command on.
    Commands: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]
