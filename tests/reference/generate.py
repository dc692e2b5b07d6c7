"""Regenerate the reference fixtures in tests/fixtures/ from the real libraries.

    pip install torch==2.13.0 && pip install -e '.[reference]'   # the local CPU torch first
    python tests/reference/generate.py     # all libraries
    python tests/reference/generate.py torch optax   # some of them

Each library has a module ``<lib>_cases.py`` beside this file with ``generate() -> dict``: it builds every
case with the real library and returns the fixture document, written to ``tests/fixtures/<lib>.json``.
The normal test run reads only those JSON files, so it needs none of these libraries.

Fixture document::

    {"library": "torch", "version": "2.13.0", "cases": [
        {"id": "CosineAnnealingLR/basic", "spec": {<our dialect spec>}, "steps": [...], "lr": [...]},
        {"id": "OneCycleLR/past-end", "spec": {...}, "error_steps": [101]},       # the library raises there
        {"id": "StepLR/step_size-0", "spec": {...}, "invalid": "<the library's message>"},  # refused at build
    ]}

Floats are written with ``repr`` precision by ``json``, so they round-trip exactly.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "fixtures"
LIBRARIES = ("torch", "transformers", "deepspeed", "timm", "optax", "keras")


def main(argv: list[str]) -> int:
    # Keras on its numpy backend: one float32 numpy operation per Keras op (the jax backend rewrites
    # x / d as x * (1 / d) and misplaces boundaries; see tests/reference/keras_cases.py).
    os.environ.setdefault("KERAS_BACKEND", "numpy")
    os.environ.setdefault("JAX_ENABLE_X64", "1")
    # timm pulls in PyPI's torchvision, which does not import beside the local torch 2.13.0 CPU build
    # ("operator torchvision::nms does not exist"); no schedule needs it, so make it absent.
    sys.modules.setdefault("torchvision", None)  # type: ignore[arg-type]
    wanted = argv or list(LIBRARIES)
    unknown = sorted(set(wanted) - set(LIBRARIES))
    if unknown:
        print(f"unknown libraries {unknown}; known: {list(LIBRARIES)}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(HERE))
    FIXTURES.mkdir(exist_ok=True)
    for lib in wanted:
        doc = importlib.import_module(f"{lib}_cases").generate()
        path = FIXTURES / f"{lib}.json"
        path.write_text(json.dumps(doc, indent=1, allow_nan=False) + "\n")
        print(f"{path.relative_to(HERE.parent.parent)}: {len(doc['cases'])} cases")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
