"""Decoding speed: our generated models against openapi-python-client's and cattrs.

Not a test (timings never are): run ``.venv/bin/python -m tests.codegen.bench_decode``
(needs the reference examples). It generates an openapi-python-client package from
openapi/ into a temporary directory and times, per pass:

- decoding every documented example payload (``from_dict``; cattrs structures the
  same payloads into our attrs classes, when it is installed: ``pip install cattrs``
  into .venv — it is not a dependency);
- encoding them back (``to_dict``);
- a page of 100 to-dos as a list operation decodes it, next to ``json.loads`` of the
  same page (the part of a response every client pays).

The sides run interleaved, round after round, and each reports its best round: on a
shared, noisy machine the minimum is the figure that repeats.
"""

from __future__ import annotations

import copy
import datetime as dt
import gc
import importlib
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from codegen.generate import api_from
from codegen.loader import dump_json, load

from .support import OUR_SPEC, REPO, reference_dir

ROUNDS = 25


def _payloads() -> list[tuple[str, Any]]:
    examples = json.loads((reference_dir() / "bc3-api-examples.json").read_text())
    mapping = json.loads((REPO / "tests" / "spec" / "example_schemas.json").read_text())
    cases = []
    for entry in mapping:
        payload = examples[entry["section"]][entry["index"]]["example"]
        for item in payload if entry["array"] else [payload]:
            cases.append((entry["schema"], item))
    return cases


def _todo_page(cases: list[tuple[str, Any]], size: int = 100) -> str:
    """``size`` documented to-dos, each with its own id and timestamps, as JSON text."""
    todos = [p for s, p in cases if s == "Todo"]
    page = []
    start = dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.timezone.utc)
    for i in range(size):
        todo = copy.deepcopy(todos[i % len(todos)])
        todo["id"] += i
        created = start + dt.timedelta(minutes=7 * i, milliseconds=i)
        updated = created + dt.timedelta(hours=i % 5, seconds=i)
        todo["created_at"] = created.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        todo["updated_at"] = updated.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        page.append(todo)
    return json.dumps(page)


def _best(sides: dict[str, Callable[[], object]], number: int) -> dict[str, float]:
    """Seconds per call of each side: the best of ROUNDS interleaved rounds."""
    best = dict.fromkeys(sides, float("inf"))
    gc.collect()
    for _ in range(ROUNDS):
        for name, fn in sides.items():
            t0 = time.perf_counter()
            for _ in range(number):
                fn()
            best[name] = min(best[name], (time.perf_counter() - t0) / number)
    return best


def _report(title: str, best: dict[str, float], unit: float, label: str) -> None:
    ours = best["ours"]
    print(title)
    for name, value in best.items():
        ratio = "" if name == "ours" else f"   ours is {value / ours:4.1f}x faster"
        print(f"  {name:28s} {value / unit:9.2f} {label}{ratio}")


def _opc_models(tmp: str) -> Any:
    spec = Path(tmp) / "openapi.json"
    spec.write_text(dump_json(load(OUR_SPEC)))
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [str(bin_dir / "openapi-python-client"), "generate", "--path", str(spec),
         "--output-path", str(Path(tmp) / "opc_client"), "--meta", "none"],
        check=True, capture_output=True, env={"PATH": str(bin_dir)},
    )  # fmt: skip
    sys.path.insert(0, tmp)
    return importlib.import_module("opc_client.models")


def _cattrs_converter() -> Any:
    """A cattrs converter for our attrs classes, or None when cattrs is not installed."""
    try:
        import cattrs
    except ImportError:
        return None
    from basecamp_client._core import parse_date, parse_datetime

    converter = cattrs.Converter()
    converter.register_structure_hook(dt.datetime, lambda v, _t: parse_datetime(v))
    converter.register_structure_hook(dt.date, lambda v, _t: parse_date(v))
    return converter


def main() -> None:
    from basecamp_client._generated import _decode

    api = api_from(OUR_SPEC)
    ours_models = importlib.import_module("basecamp_client._generated.models")
    ours = {m.schema_name: getattr(ours_models, m.name) for m in api.models}
    cases = _payloads()
    page_text = _todo_page(cases)
    page = json.loads(page_text)
    converter = _cattrs_converter()
    with tempfile.TemporaryDirectory() as tmp:
        opc = _opc_models(tmp)
        theirs = {s: getattr(opc, s) for s, _ in cases if hasattr(opc, s)}
        both = [(ours[s], theirs[s], p) for s, p in cases if s in theirs]

        decode: dict[str, Callable[[], object]] = {
            "ours": lambda: [o.from_dict(p) for o, _, p in both],
            "openapi-python-client": lambda: [t.from_dict(p) for _, t, p in both],
        }
        if converter is not None:
            structure = converter.structure
            decode["cattrs"] = lambda: [structure(p, o) for o, _, p in both]
        print(
            f"{len(both)} example payloads ({len(cases)} mapped), Python {sys.version.split()[0]}"
        )
        _report("decode all examples (from_dict):", _best(decode, 10), 1e-3, "ms")

        ours_objs = [o.from_dict(p) for o, _, p in both]
        their_objs = [t.from_dict(p) for _, t, p in both]
        encode: dict[str, Callable[[], object]] = {
            "ours": lambda: [m.to_dict() for m in ours_objs],
            "openapi-python-client": lambda: [m.to_dict() for m in their_objs],
        }
        _report("encode all examples (to_dict):", _best(encode, 10), 1e-3, "ms")

        many = _decode.many(ours["Todo"].from_dict, "Todo")
        todo_opc = theirs["Todo"].from_dict
        todo_cls = ours["Todo"]
        pages: dict[str, Callable[[], object]] = {
            "ours": lambda: many(page),
            "openapi-python-client": lambda: [todo_opc(t) for t in page],
        }
        if converter is not None:
            pages["cattrs"] = lambda: converter.structure(page, list[todo_cls])
        best = _best(pages, 20)
        parse = _best({"ours": lambda: json.loads(page_text)}, 20)["ours"]
        _report(
            f"a page of {len(page)} to-dos ({len(page_text) // 1024} KiB of JSON):",
            best,
            1e-6,
            "us",
        )
        print(f"  {'json.loads of the page':28s} {parse / 1e-6:9.2f} us")
        print(f"  ours: {best['ours'] / len(page) / 1e-6:.2f} us per to-do, decoding costs "
              f"{best['ours'] / parse:.2f}x the JSON parse")  # fmt: skip


if __name__ == "__main__":
    main()
