"""Every documented example payload decodes into its model and encodes back whole.

The mapping example → schema is the spec's (tests/spec/example_schemas.json); the
payloads are Basecamp's published examples, so the test skips when they are absent.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from typing import Any

import pytest

from basecamp_client._core.strict import strict_problem
from codegen.generate import api_from

from .support import OUR_SPEC, REPO, reference_dir

MAPPING = REPO / "tests" / "spec" / "example_schemas.json"
EXAMPLES = reference_dir() / "bc3-api-examples.json"

pytestmark = pytest.mark.skipif(not EXAMPLES.exists(), reason=f"{EXAMPLES} is absent")


def _normalise(value: Any) -> Any:
    """Timestamps compared as instants: ``.134Z`` and ``.134000Z`` are the same moment."""
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, str) and len(value) > 19 and value[10:11] == "T":
        try:
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    return value


def _cases() -> list[tuple[str, dict[str, Any], Any]]:
    if not EXAMPLES.exists():
        return []
    examples = json.loads(EXAMPLES.read_text(encoding="utf-8"))
    entries = json.loads(MAPPING.read_text(encoding="utf-8"))
    return [
        (f"{e['section']}[{e['index']}]", e, examples[e["section"]][e["index"]]["example"])
        for e in entries
    ]


CASES = _cases()


def _model_classes() -> dict[str, Any]:
    api = api_from(OUR_SPEC)
    models = importlib.import_module("basecamp_client._generated.models")
    return {m.schema_name: getattr(models, m.name) for m in api.models}


def test_every_example_is_mapped() -> None:
    assert len(CASES) == 189


@pytest.mark.parametrize(("name", "entry", "payload"), CASES, ids=[c[0] for c in CASES])
def test_example_round_trips(name: str, entry: dict[str, Any], payload: Any) -> None:
    cls = _model_classes_cached()[entry["schema"]]
    if entry["array"]:
        assert isinstance(payload, list)
        models = [cls.from_dict(item) for item in payload]
        encoded: Any = [m.to_dict() for m in models]
    else:
        models = [cls.from_dict(payload)]
        encoded = models[0].to_dict()
        assert cls.from_dict(encoded) == models[0]  # decoding the encoding changes nothing
        repr(models[0])
    assert _normalise(encoded) == _normalise(payload)
    # What a strict=True client checks: every field has the described type.
    assert strict_problem(None, models) is None


_CACHE: dict[str, Any] = {}


def _model_classes_cached() -> dict[str, Any]:
    if not _CACHE:
        _CACHE.update(_model_classes())
    return _CACHE


def test_examples_use_the_described_fields() -> None:
    """Most example keys are known to the models (not just carried in ``extra``)."""
    classes = _model_classes_cached()
    known = unknown = 0
    for _name, entry, payload in CASES:
        items = payload if entry["array"] else [payload]
        for item in items:
            model = classes[entry["schema"]].from_dict(item)
            unknown += len(model.extra)
            known += len(item) - len(model.extra)
    assert unknown <= known * 0.05, (known, unknown)
