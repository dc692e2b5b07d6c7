"""Invalid specs are refused with errors that name the field and the problem."""

from __future__ import annotations

import json
from typing import Any

import pytest
from lrserve import MAX_DEPTH, SpecError, parse_spec
from lrserve.specs import MAX_ITEMS

COSINE = {"kind": "cosine_annealing", "base_lr": 0.1, "t_max": 10}


def _errors(spec: Any) -> list[dict[str, Any]]:
    with pytest.raises(SpecError) as exc:
        parse_spec(spec)
    return exc.value.errors


@pytest.mark.parametrize(
    ("spec", "loc", "needle"),
    [
        ({**COSINE, "base_lr": float("nan")}, ["base_lr"], "finite"),
        ({**COSINE, "base_lr": float("inf")}, ["base_lr"], "finite"),
        ({**COSINE, "base_lr": -0.1}, ["base_lr"], "greater than or equal to 0"),
        ({**COSINE, "t_max": 0}, ["t_max"], "greater than or equal to 1"),
        ({**COSINE, "t_max": 2.5}, ["t_max"], "integer"),
        ({**COSINE, "t_max": "10"}, ["t_max"], "integer"),
        ({**COSINE, "t_max": 2**60}, ["t_max"], "less than or equal"),
        ({**COSINE, "colour": "red"}, ["colour"], "Extra inputs"),
        ({"kind": "cosine_annealing", "base_lr": 0.1}, ["t_max"], "required"),
        ({"kind": "nope"}, ["kind"], "'cosine_annealing'"),
        ({"base_lr": 0.1}, ["kind"], "kind"),
        ({"kind": "torch", "name": "Foo", "base_lr": 0.1}, ["name"], "'CosineAnnealingLR'"),
        ({"kind": "multistep", "base_lr": 0.1, "milestones": [5, 3]}, [], "non-decreasing; 3 follows 5"),
        ({"kind": "piecewise_constant", "boundaries": [5], "values": [1.0]}, [], "one more entry"),
        ({"kind": "piecewise_linear", "steps": [0, 0], "values": [1.0, 2.0]}, [], "strictly increasing"),
        ({"kind": "exponential", "base_lr": 0.1, "rate": 1.1}, [], "end_lr"),
        ({"kind": "one_cycle", "max_lr": 0.1, "total_steps": 10, "pct_start": 0.1}, [], "zero length"),
        ({"kind": "transition", "start_lr": 0, "end_lr": 1, "steps": 1, "shape": "log"}, [], "log(steps)"),
        (
            {
                "kind": "sequence",
                "boundaries": [5],
                "schedules": [{"kind": "constant", "lr": 1}, {"kind": "step"}],
            },
            ["schedules", 1, "base_lr"],
            "required",
        ),
        (
            {
                "kind": "sequence",
                "boundaries": [5],
                "schedules": [{"kind": "constant", "lr": 1}] * 2,
                "origins": [0, 6],
            },
            [],
            "past the start",
        ),
    ],
)
def test_error_names_field_and_problem(spec: dict[str, Any], loc: list[Any], needle: str) -> None:
    errors = _errors(spec)
    assert any(e["loc"] == loc and needle in e["msg"] for e in errors), errors


def test_message_reads_as_path_and_problem() -> None:
    with pytest.raises(SpecError, match=r"t_max: Input should be greater than or equal to 1"):
        parse_spec({**COSINE, "t_max": 0})


def test_too_many_items() -> None:
    spec = {"kind": "multistep", "base_lr": 0.1, "milestones": list(range(MAX_ITEMS + 1))}
    assert _errors(spec)[0]["loc"] == ["milestones"]


def test_nesting_depth_is_bounded() -> None:
    spec: dict[str, Any] = {"kind": "constant", "lr": 0.1}
    for _ in range(MAX_DEPTH - 1):
        spec = {"kind": "product", "schedules": [spec]}
    parse_spec(spec)  # exactly MAX_DEPTH levels: fine
    errors = _errors({"kind": "product", "schedules": [spec]})
    assert errors[0]["type"] == "too_deep"


def test_json_text_and_bytes() -> None:
    assert parse_spec(json.dumps(COSINE)) == parse_spec(COSINE)
    assert parse_spec(json.dumps(COSINE).encode()) == parse_spec(COSINE)
    assert _errors("{not json")[0]["type"] == "json_invalid"
    # JSON has no NaN: Python's parser accepts the token, validation still refuses it
    assert _errors('{"kind": "constant", "lr": NaN}')[0]["loc"] == ["lr"]
