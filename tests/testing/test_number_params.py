"""Numbers in a query are ASCII digits: other digits ``str.isdigit`` accepts ("²") are a
400 like any other bad number, not a 500 from ``int()``."""

from __future__ import annotations

import httpx
import pytest


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/events.json", {"buckets": "²"}),
        ("/events.json", {"since": "²"}),
        ("/projects.json", {"page": "²"}),
        ("/projects/recordings.json", {"type": "Todo", "bucket": "²"}),
    ],
)
def test_non_ascii_digits_are_a_bad_request(
    client: httpx.Client, path: str, query: dict[str, str]
) -> None:
    assert client.get(path, params=query).status_code == 400
