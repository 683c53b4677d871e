from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from codegen.generate import api_from
from codegen.ir import Api

from .support import FIXTURE_SPEC, generated_package


@pytest.fixture(scope="session")
def fixture_api() -> Api:
    return api_from(FIXTURE_SPEC)


@pytest.fixture(scope="session")
def fixture_sdk(fixture_api: Api, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The fixture description generated as the importable package ``fixture_sdk``."""
    tmp: Path = tmp_path_factory.mktemp("fixture")
    with generated_package(fixture_api, tmp, "fixture_sdk") as package:
        yield package
