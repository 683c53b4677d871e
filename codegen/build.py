"""From a normalised description to the IR (:mod:`codegen.ir`).

Decisions are made here, once, for every template: :mod:`codegen.build_models` turns
schemas into models and types, :mod:`codegen.build_operations` turns operations into
methods (arguments, responses, descriptors). This module groups the operations into
services (one per tag; method names unique within a service), resolves each
``x-sdk-merge`` once every model and method name is known, and assigns the models to
modules.
"""

from __future__ import annotations

from typing import Any

from . import ir
from .build_models import Schemas, assign_modules, text_of
from .build_operations import Operations
from .loader import Document, SpecError
from .merge import resolve as resolve_merge
from .names import method_name, pascal, snake, unique_method_names

# Service attributes the account base classes define.
ACCOUNT_RESERVED = frozenset({"call", "account_id", "OPERATIONS"})


def _with_merges(schemas: Schemas, merges: dict[str, Any], service: ir.Service) -> ir.Service:
    """Resolve ``x-sdk-merge`` once every model and method name is known."""
    import attrs

    ops = []
    for op in service.operations:
        raw = merges.get(op.id)
        if raw is not None:
            for taken in ("update", "edit"):
                if any(o.method_name == taken for o in service.operations):
                    raise SpecError(
                        f"x-sdk-merge of {op.id}: service {service.name} already has a "
                        f"method {taken!r}, which the merge-safe write needs"
                    )
            merge = resolve_merge(op, raw, service.operations, schemas.models)
            draft = schemas.claim(f"{merge.record}Draft")
            op = attrs.evolve(op, merge=attrs.evolve(merge, draft=draft))
        ops.append(op)
    return attrs.evolve(service, operations=tuple(ops))


def _with_page_fields(schemas: Schemas, service: ir.Service) -> ir.Service:
    """Name the attribute that holds the list in each wrapped page's model."""
    import attrs

    ops = []
    for op in service.operations:
        if op.page_wrapper is not None and op.pagination is not None:
            model = schemas.models[str(op.page_wrapper.model)]
            [field] = [f.name for f in model.fields if f.wire == op.pagination.items_key]
            op = attrs.evolve(op, page_field=field)
        ops.append(op)
    return attrs.evolve(service, operations=tuple(ops))


def build(doc: Document) -> ir.Api:
    """The IR of a normalised description (see :func:`codegen.normalise.normalise`)."""
    schemas = Schemas(doc)
    schemas.plan_component_models()
    builder = Operations(schemas)
    ops = builder.build()
    schemas.build_models()  # after operations: they may have added inline models

    by_service: dict[str, list[ir.Operation]] = {}
    for op in ops:
        by_service.setdefault(op.service, []).append(op)

    tag_docs = {
        snake(t["name"]): text_of(t.get("description"))
        for t in doc.get("tags") or []
        if isinstance(t, dict) and isinstance(t.get("name"), str)
    }
    services: list[ir.Service] = []
    for name in sorted(by_service):
        attr = name if name not in ACCOUNT_RESERVED else name + "_service"
        members = by_service[name]
        proposed = {op.id: (op.method_name or method_name(op.id, name)) for op in members}
        explicit = {op.id for op in members if op.method_name}
        final = unique_method_names(proposed)
        for op_id in explicit:
            if final[op_id] != proposed[op_id]:
                raise SpecError(
                    f"x-sdk-method {proposed[op_id]!r} of {op_id} is used twice in service {name!r}"
                )
        import attrs

        resolved = sorted(
            (attrs.evolve(op, service=attr, method_name=final[op.id]) for op in members),
            key=lambda o: (o.method_name, o.id),
        )
        services.append(
            ir.Service(
                name=attr,
                class_base=pascal(attr),
                description=tag_docs.get(name, ""),
                operations=tuple(resolved),
            )
        )

    services = [
        _with_page_fields(schemas, _with_merges(schemas, builder.merges, s)) for s in services
    ]
    models = assign_modules(schemas.models)
    info = doc.get("info") or {}
    return ir.Api(
        title=text_of(info.get("title")) or "API",
        version=text_of(str(info.get("version", ""))),
        services=tuple(services),
        models=tuple(models[name] for name in sorted(models)),
    )
