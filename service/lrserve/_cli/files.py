"""Reading what people write: a JSON or YAML file, or ``-`` for standard input."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .._extras import missing_extra
from .._schedules_file import yaml_loader
from .errors import USAGE, Failure

__all__ = ["load", "read_text"]


def read_text(path: str) -> tuple[str, str]:
    """The text of ``path`` (``-``: standard input) and the name to call it by in messages."""
    if path == "-":
        return sys.stdin.read(), "<stdin>"
    try:
        return Path(path).read_text(encoding="utf-8"), path
    except OSError as exc:
        raise Failure(f"cannot read {path}: {exc.strerror or exc}", USAGE) from None
    except UnicodeDecodeError as exc:
        raise Failure(f"cannot read {path}: not UTF-8 text ({exc.reason})", USAGE) from None


def load(path: str) -> tuple[Any, str]:
    """The data in a JSON or YAML file (``-``: standard input), and its name for messages.

    JSON is tried first whatever the name; a ``.json`` file must be JSON, anything else may be YAML, read
    as the schedules file is (:func:`lrserve._schedules_file.yaml_loader`: ``1e-5`` is a number).
    """
    text, label = read_text(path)
    try:
        return json.loads(text), label
    except json.JSONDecodeError as exc:
        if path.endswith(".json"):
            raise Failure(f"{label} is not valid JSON: {exc}", USAGE) from None
        json_error = exc
    try:
        import yaml
    except ModuleNotFoundError as exc:
        raise missing_extra(exc, "cli", f"reading {label} as YAML (as JSON: {json_error})") from exc
    try:
        return yaml.load(text, Loader=yaml_loader()), label  # a SafeLoader
    except yaml.YAMLError as exc:
        raise Failure(f"{label} is not valid YAML or JSON: {exc}", USAGE) from None
