from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Every async test runs under both asyncio and trio."""
    return str(request.param)


@pytest.fixture(autouse=True)
def _strict_clients(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every client a test builds decodes strictly (``strict=True``): a field of the fake,
    of a recorded example or of a test's canned answer whose type differs from the
    description fails the test. ``@pytest.mark.lenient`` opts out (tests of the lenient
    default, canned answers that are deliberately partial)."""
    if request.node.get_closest_marker("lenient"):
        return
    from basecamp_client._core.core import ClientCore

    original = ClientCore.__init__

    def strict_init(self: ClientCore, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.strict = True

    monkeypatch.setattr(ClientCore, "__init__", strict_init)
