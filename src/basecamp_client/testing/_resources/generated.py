"""Every operation of the description that no hand-written resource models.

:func:`link` walks the operation table codegen writes (``_generated/shapes.py``): an
operation a hand-written route already answers is tied to that route (so its request
checks apply there too); every other one gets a route answering from the description —
a response of the operation's type made up by :mod:`.._synth`, with its success status,
paginated like the others when the description says it is. Nothing here is stored: the
same request to a fake of the same seed gets the same answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from .._call import Call, Listing, Reply, empty
from .._router import BINARY, JSON, MULTIPART, Router
from .._shapes import OperationShape, Shapes, shapes
from .._synth import Synth, rng_for
from .._wire import HttpError, dumps, is_digits

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_BODIES = {"json": JSON, "binary": BINARY, "multipart": MULTIPART, None: JSON}
# Path parameters naming things the fake stores: an unknown one is a 404, as in Basecamp.
_PROJECT_PARAMS = frozenset({"bucketId", "projectId"})
_PERSON_PARAMS = frozenset({"personId"})
# A generated list holds this many items at most (unless the fake says otherwise):
# enough for two geared pages.
_MAX_ITEMS = 20
_MAX_UNPAGED = 5


def route_template(shape: OperationShape) -> tuple[str, str]:
    """The router template of ``shape`` and a concrete path it matches."""
    path = shape.path[:-5] if shape.path.endswith(".json") else shape.path
    kinds = {p.name: p.type.kind for p in shape.of("path")}

    def placeholder(m: re.Match[str]) -> str:
        name = m.group(1)
        return f"{{{name}}}" if kinds.get(name) == "int" else f"{{{name}:str}}"

    def probe(m: re.Match[str]) -> str:
        return "1" if kinds.get(m.group(1)) == "int" else "x"

    return _PLACEHOLDER.sub(placeholder, path), _PLACEHOLDER.sub(probe, path)


def link(router: Router, table: Shapes | None = None) -> None:
    """Tie described operations to the routes answering them; add the missing ones."""
    table = table or shapes()
    missing: dict[tuple[str, str], OperationShape] = {}
    # Probe the hand-written routes only, then add the others: a probe must not find a
    # route this loop made up.
    for op_id in sorted(table.operations):
        shape = table.operations[op_id]
        template, probe = route_template(shape)
        route = router.find(shape.method, probe)
        if route is not None:
            if route.operation is None:
                route.operation = shape.id
            continue
        # Two operations on one route: the first answers both.
        missing.setdefault((shape.method, template), shape)
    for (method, template), shape in missing.items():
        router.add(
            method,
            template,
            _handler(shape),
            body=_BODIES.get(shape.body, JSON),
            name=shape.id,
            operation=shape.id,
            generated=True,
        )


def _handler(shape: OperationShape) -> Callable[[Call], Reply | Listing]:
    def answer(call: Call) -> Reply | Listing:
        return generated_answer(call, shape)

    answer.__name__ = shape.id
    return answer


def generated_answer(call: Call, shape: OperationShape) -> Reply | Listing:
    project_id = _known_references(call, shape)
    write = call.request.method in ("POST", "PUT", "PATCH", "DELETE")
    store = call.store
    kept = sorted((k, v) for k, v in parse_qsl(call.request.query) if k != "page")
    rng = rng_for(store.seed, shape.id, call.request.path, kept)
    synth = Synth(
        shapes(),
        rng,
        store=store,
        urls=call.urls,
        project_id=project_id,
        creator_id=call.me.id if write else None,
    )
    t = shape.response
    if t is None:
        return empty(shape.status)
    if t.kind == "list" and t.item is not None:
        item = t.item
        limit = _MAX_ITEMS if shape.paginated else _MAX_UNPAGED
        count = store.generated_items
        if count is None:
            count = rng.randint(1, limit)
        items = [synth.value(item) for _ in range(count)]
        if not shape.paginated:
            return Reply(shape.status, body=dumps(items))
        wrapper = None
        if shape.items_key is not None:
            page = synth.object(shape.page_model) if shape.page_model else {}
            wrapper = (shape.items_key, page)
        return Listing(items, dumps, max_page_size=shape.max_page_size, wrapper=wrapper)
    if t.kind == "model" and t.model is not None:
        record_id = _record_id(call, shape)
        if write and shape.status == 201:
            record_id = store.next_id()
        echo = call.body if write and isinstance(call.body, dict) else None
        value: Any = synth.object(t.model, record_id=record_id, echo=echo)
        headers = []
        if shape.status == 201 and isinstance(value.get("url"), str):
            headers.append(("Location", value["url"]))
        return Reply(shape.status, value, body=dumps(value), headers=headers)
    return Reply(shape.status, body=dumps(synth.value(t)))


def _known_references(call: Call, shape: OperationShape) -> int | None:
    """404 for a project or person the account lacks; the project addressed, if any."""
    project_id = call.bucket_id
    for param in shape.of("path"):
        raw = call.params.get(param.name)
        if raw is None or not is_digits(raw):
            continue
        if param.name in _PROJECT_PARAMS:
            project_id = int(raw)
        elif param.name in _PERSON_PARAMS and int(raw) not in call.store.people:
            raise HttpError(404, f"Person {raw} not found")
    if project_id is not None:
        call.project(project_id)
    return project_id


def _record_id(call: Call, shape: OperationShape) -> int | None:
    """The id in the path when the path ends with it (``/card_tables/{cardTableId}``)."""
    path = shape.path[:-5] if shape.path.endswith(".json") else shape.path
    last = _PLACEHOLDER.search(path.rsplit("/", 1)[-1])
    if last is None or not path.endswith("}"):
        return None
    raw = call.params.get(last.group(1), "")
    return int(raw) if is_digits(raw) else None
