"""The store is storage only: importing it needs neither Pydantic nor the spec layer."""

from __future__ import annotations

import json
import subprocess
import sys


def test_importing_the_store_imports_neither_pydantic_nor_the_engine() -> None:
    code = (
        "import sys, json; import lrserve.store; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic' "
        "or m in ('lrserve._engine', 'lrserve.specs', 'lrserve.dialects'))))"
    )
    # a fresh interpreter, so that nothing the test session imported hides an import
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert json.loads(out) == []
