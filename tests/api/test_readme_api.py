"""The HTTP API page shows every endpoint, and the operations page every setting with its default.
(The examples themselves run against a real server in tests/test_docs.py, page by page.)"""

from __future__ import annotations

import re

from .._docs import PAGES, commands


def test_the_http_page_has_an_example_of_every_endpoint() -> None:
    text = " ".join(cmd for cmd, _ in commands(PAGES["docs/http-api.md"]))
    for needle in (
        "-X POST $LRS/v1/table",
        "-X POST $LRS/v1/lr",
        "-X POST $LRS/v1/native",
        "-X POST $LRS/v1/plot",
        "-X PUT $LRS/v1/schedules/",
        "$LRS/v1/schedules/resnet50 ",
        "$LRS/v1/schedules?limit",
        "/lr?step=",
        "/table?start=",
        "/revisions",
        "/curve?",
        "/plot.svg",
        "-X DELETE",
        "$LRS/livez",
        "$LRS/readyz",
        "$LRS/metrics",
    ):
        assert needle in text, needle


def test_the_configuration_table_lists_every_setting_with_its_default() -> None:
    from lrserve.api import Settings

    rows = {
        m.group(1): m.group(2)
        for m in re.finditer(r"^\| `LRS_([A-Z_]+)` \| ([^|]+) \|", PAGES["docs/operations.md"], flags=re.M)
    }
    assert set(rows) == {name.upper() for name in Settings.model_fields}
    for name, field in Settings.model_fields.items():
        if isinstance(field.default, int | float) and not isinstance(field.default, bool):
            assert rows[name.upper()].strip() == str(field.default), name
