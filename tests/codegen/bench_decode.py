"""Decoding speed: our generated ``from_dict`` against openapi-python-client's.

Not a test (timings never are): run ``.venv/bin/python -m tests.codegen.bench_decode``.
It generates an openapi-python-client package from openapi/ into a temporary
directory, decodes every documented example payload with both, and prints the ratio.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import tempfile
import timeit
from pathlib import Path
from typing import Any

from codegen.generate import api_from
from codegen.loader import dump_json, load

from .support import OUR_SPEC, REPO, reference_dir


def _payloads() -> list[tuple[str, Any]]:
    examples = json.loads((reference_dir() / "bc3-api-examples.json").read_text())
    mapping = json.loads((REPO / "tests" / "spec" / "example_schemas.json").read_text())
    cases = []
    for entry in mapping:
        payload = examples[entry["section"]][entry["index"]]["example"]
        for item in payload if entry["array"] else [payload]:
            cases.append((entry["schema"], item))
    return cases


def main() -> None:
    api = api_from(OUR_SPEC)
    ours_models = importlib.import_module("basecamp_client._generated.models")
    ours = {m.schema_name: getattr(ours_models, m.name) for m in api.models}
    cases = _payloads()
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "openapi.json"
        spec.write_text(dump_json(load(OUR_SPEC)))
        bin_dir = Path(sys.executable).parent
        subprocess.run(
            [str(bin_dir / "openapi-python-client"), "generate", "--path", str(spec),
             "--output-path", str(Path(tmp) / "opc_client"), "--meta", "none"],
            check=True, capture_output=True, env={"PATH": str(bin_dir)},
        )  # fmt: skip
        sys.path.insert(0, tmp)
        opc_models = importlib.import_module("opc_client.models")
        theirs = {}
        for schema in {s for s, _ in cases}:
            cls = getattr(opc_models, schema, None)
            if cls is not None:
                theirs[schema] = cls
        both = [(s, p) for s, p in cases if s in theirs]

        def run_ours() -> None:
            for schema, payload in both:
                ours[schema].from_dict(payload)

        def run_theirs() -> None:
            for schema, payload in both:
                theirs[schema].from_dict(payload)

        n = 20
        t_ours = min(timeit.repeat(run_ours, number=n, repeat=7)) / n
        t_theirs = min(timeit.repeat(run_theirs, number=n, repeat=7)) / n
    print(f"{len(both)} payloads ({len(cases)} mapped; skipped: {len(cases) - len(both)})")
    print(f"ours (generated from_dict):       {t_ours * 1e3:8.2f} ms per pass")
    print(f"openapi-python-client from_dict:  {t_theirs * 1e3:8.2f} ms per pass")
    print(f"ratio: ours is {t_theirs / t_ours:.1f}x faster")
    _against_cattrs(ours, cases)


def _against_cattrs(ours: dict[str, Any], cases: list[tuple[str, Any]]) -> None:
    """The same attrs classes structured by cattrs, when it is installed (it is not a
    dependency of the project: ``pip install cattrs`` into .venv to compare)."""
    try:
        import cattrs
    except ImportError:
        print("cattrs is not installed: skipped")
        return
    import datetime as dt

    from basecamp_client._core import parse_date, parse_datetime

    converter = cattrs.Converter()
    converter.register_structure_hook(dt.datetime, lambda v, _t: parse_datetime(v))
    converter.register_structure_hook(dt.date, lambda v, _t: parse_date(v))
    usable = []
    for schema, payload in cases:
        try:
            converter.structure(payload, ours[schema])
        except Exception:  # noqa: S112  (cattrs is strict; compare where it copes)
            continue
        usable.append((ours[schema], payload))

    def run_ours() -> None:
        for cls, payload in usable:
            cls.from_dict(payload)

    def run_cattrs() -> None:
        for cls, payload in usable:
            converter.structure(payload, cls)

    n = 20
    t_ours = min(timeit.repeat(run_ours, number=n, repeat=7)) / n
    t_cattrs = min(timeit.repeat(run_cattrs, number=n, repeat=7)) / n
    print(f"cattrs could structure {len(usable)} of {len(cases)} payloads")
    print(f"ours: {t_ours * 1e3:.2f} ms, cattrs: {t_cattrs * 1e3:.2f} ms per pass")
    print(f"ratio: ours is {t_cattrs / t_ours:.1f}x faster than cattrs")


if __name__ == "__main__":
    main()
