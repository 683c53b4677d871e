"""The one place that touches openapi-python-client's parser (pinned, 0.29.1).

Its programmatic API is not public and changes between 0.x releases, so everything
version-specific stays in this adapter: it returns plain facts the oracle test
compares with our IR. It cannot group operations into services and drops operation
extensions; neither is compared.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs


@attrs.frozen
class OracleOperation:
    method: str  # upper case
    path: str
    path_params: tuple[str, ...]  # wire names, in declaration order
    query_params: frozenset[str]
    success_status: int
    response: str  # "none", "model:<Name>", "list:<Name>", "list", "other"


def _text(value: Any) -> str:
    getter = getattr(value, "get_untrusted_value", None)
    return str(getter()) if callable(getter) else str(value)


def _status(response: Any) -> int:
    pattern = str(response.status_code.pattern)
    return int(pattern) if pattern.isdigit() else 0


def _response(prop: Any) -> str:
    kind = type(prop).__name__
    if kind in ("NoneProperty", "AnyProperty"):
        return "none"
    if kind == "ModelProperty":
        return f"model:{prop.class_info.name}"
    if kind == "ListProperty":
        inner = prop.inner_property
        if type(inner).__name__ == "ModelProperty":
            return f"list:{inner.class_info.name}"
        return "list"
    return "other"


def parse(document: dict[str, Any]) -> dict[tuple[str, str], OracleOperation]:
    """``(METHOD, path)`` → what openapi-python-client makes of that operation."""
    from openapi_python_client.config import Config, ConfigFile, MetaType
    from openapi_python_client.parser import GeneratorData

    config = Config.from_sources(
        ConfigFile(), MetaType.NONE, Path("openapi.json"), "utf-8", True, None
    )
    data = GeneratorData.from_dict(document, config=config)
    if not isinstance(data, GeneratorData):
        raise AssertionError(f"openapi-python-client could not parse the description: {data}")
    found: dict[tuple[str, str], OracleOperation] = {}
    for collection in data.endpoint_collections_by_tag.values():
        for endpoint in collection.endpoints:
            statuses = sorted(
                (r for r in endpoint.responses.patterns if 200 <= _status(r) < 300),
                key=_status,
            )
            key = (endpoint.method.upper(), _text(endpoint.path))
            found[key] = OracleOperation(
                method=endpoint.method.upper(),
                path=_text(endpoint.path),
                path_params=tuple(_text(p.name) for p in endpoint.path_parameters),
                query_params=frozenset(_text(p.name) for p in endpoint.query_parameters),
                success_status=_status(statuses[0]) if statuses else 0,
                response=_response(statuses[0].prop) if statuses else "none",
            )
    return found
