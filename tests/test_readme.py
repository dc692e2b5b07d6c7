"""The README and the docs do not lie: every JSON example in them is a valid spec that evaluates, the
README stays short, and the commands CI runs are the ones the README shows."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from lrserve import compile_spec, evaluate

from ._docs import PAGES, ROOT, blocks

README = PAGES["README.md"]


def _objects(block: str) -> list[str]:
    """Every JSON object in a block (a block may list several, one after another)."""
    decoder, out, i = json.JSONDecoder(), [], 0
    while (i := block.find("{", i)) != -1:
        obj, end = decoder.raw_decode(block, i)
        out.append(json.dumps(obj))
        i = end
    return out


EXAMPLES = [
    (page, obj) for page, text in PAGES.items() for block in blocks(text, "json") for obj in _objects(block)
]


def test_the_pages_have_examples() -> None:
    # one of each native kind and the dialects' examples: 81 when the docs site was made
    assert len(EXAMPLES) >= 80
    assert {page for page, _ in EXAMPLES} >= {"docs/spec-language.md", "docs/dialects/torch.md"}


@pytest.mark.parametrize(
    "text", [obj for _, obj in EXAMPLES], ids=[f"{page}-{i}" for i, (page, _) in enumerate(EXAMPLES)]
)
def test_example_is_a_valid_spec(text: str) -> None:
    spec = json.loads(text)
    schedule = compile_spec(spec)
    last = schedule.last_step if schedule.last_step is not None else 100_000
    lr = evaluate(schedule, np.linspace(0, last, 50).astype(np.int64))
    assert np.all(np.isfinite(lr))


def test_cosine_annealing_example_numbers() -> None:
    spec = {"kind": "cosine_annealing", "base_lr": 0.1, "min_lr": 0.001, "t_max": 10}
    for page in ("README.md", "docs/spec-language.md"):
        assert '"kind": "cosine_annealing", "base_lr": 0.1, "min_lr": 0.001, "t_max": 10' in PAGES[page]
    np.testing.assert_allclose(evaluate(spec, [0, 5, 10, 25]), [0.1, 0.0505, 0.001, 0.001], rtol=1e-15)


def test_the_readme_is_short() -> None:
    assert len(README.splitlines()) <= 250


def test_ci_runs_the_readme_commands() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    install = re.search(r"pip install -e '\.\[test\]'", README)
    assert install and "pip install -q -e '.[test]'" in ci
    assert re.search(r"^pytest$", README, flags=re.M) and re.search(r"^pytest\b", ci, flags=re.M)
