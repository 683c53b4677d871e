"""The service modules: ``services/<service>.py`` (async) and ``sync/<service>.py``, each
importing exactly what its methods, drafts and constants use."""

from __future__ import annotations

from typing import Any

import jinja2

from . import ir
from .emit_checks import CORE_NAMES, ArgKinds, refuse_collisions
from .emit_methods import prepare
from .emit_safe_writes import draft_class, merge_constant, merge_methods
from .extensions import ClassRef, Mixins
from .render import HEADER, Names, kinds, mentions


def _safe_writes(
    service: ir.Service, names: Names, ops: list[dict[str, Any]], kinds: ArgKinds
) -> tuple[list[tuple[str, str]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(merge constants, draft classes, every method sorted by name) of a service."""
    merges, drafts, methods = [], [], list(ops)
    for op in service.operations:
        if op.merge is not None:
            merges.append(merge_constant(op, kinds))
            drafts.append(draft_class(op, names))
            methods += merge_methods(op, names, kinds)
    methods.sort(key=lambda m: str(m["name"]))
    return merges, drafts, methods


def _type_imports(service: ir.Service, names: Names) -> list[str]:
    lines = []
    all_kinds: set[str] = set()
    for op in service.operations:
        for p in op.params:
            all_kinds |= kinds(p.type)
    if names.shadowed:
        lines.append("import builtins")
    if all_kinds & {"date", "datetime"}:
        lines.append("import datetime as _dt")
    return lines


def _leading_imports(
    service: ir.Service,
    names: Names,
    text: str,
    core: set[str],
    bases: tuple[ClassRef, ...],
    stdlib: list[str] | None = None,
) -> list[str]:
    """The imports a service module (async or sync) starts with: the standard library's,
    the core names its ``text`` uses, its mixins' modules; a blank line after each group."""
    imports = _type_imports(service, names) + (stdlib or [])
    if mentions(text, "Any"):
        imports.append("from typing import Any")
    imports += ["", f"from basecamp_client._core import {', '.join(sorted(core))}"]
    imports += [b.import_line for b in bases]
    imports.append("")
    return imports


def _model_imports(service: ir.Service, module_of: dict[str, str]) -> list[str]:
    by_module: dict[str, set[str]] = {}
    for name in service.models():
        by_module.setdefault(module_of[name], set()).add(name)
    return [
        f"from ..models.{mod} import {', '.join(sorted(names))}"
        for mod, names in sorted(by_module.items())
    ]


def _signature_text(ops: list[dict[str, Any]], *keys: str) -> str:
    return " ".join(
        " ".join([*o.get("positional", ()), *o["signature"], *(o[k] for k in keys)]) for o in ops
    )


def service_module(
    env: jinja2.Environment,
    service: ir.Service,
    module_of: dict[str, str],
    mixins: Mixins | None = None,
) -> str:
    refuse_collisions(service)
    names, ops, decoders, kinds = prepare(service)
    merges, drafts, methods = _safe_writes(service, names, ops, kinds)
    text = _signature_text(ops, "descriptor", "returns")
    text += " " + _signature_text(methods, "returns", "async_body")
    text += " " + " ".join(expr for _name, expr in merges) + (" EditDraft" if drafts else "")
    text += " " + " ".join(expr for _name, expr in kinds.constants())
    core = {"AccountSession", "Operation"}
    core |= {w for w in (*_ASYNC_CORE, *sorted(CORE_NAMES)) if mentions(text, w)}
    bases = mixins.async_bases if mixins else ()
    stdlib = ["from functools import partial"] if merges else []
    imports = _leading_imports(service, names, text, core, bases, stdlib)
    if any("_decode." in o["async_body"] for o in ops) or decoders:
        imports.append("from .. import _decode")
    imports += _model_imports(service, module_of)
    return str(
        env.get_template("service.py.jinja").render(
            header=HEADER,
            doc=_service_doc(service),
            class_doc=_service_doc(service),
            imports=imports,
            service=service,
            bases=_bases(bases),
            ops=ops,
            kinds=kinds.constants(),
            decoders=sorted(decoders.items()),
            merges=merges,
            drafts=drafts,
            methods=methods,
        )
    )


def _bases(refs: tuple[ClassRef, ...]) -> str:
    return "(" + ", ".join(r.name for r in refs) + ")" if refs else ""


def sync_module(
    env: jinja2.Environment,
    service: ir.Service,
    module_of: dict[str, str],
    mixins: Mixins | None = None,
) -> str:
    names, ops, _decoders, kinds = prepare(service)
    _merges, drafts, methods = _safe_writes(service, names, ops, kinds)
    text = _signature_text(methods, "sync_returns", "sync_body")
    core = {"Runner"} | {w for w in _SYNC_CORE if mentions(text, w)}
    bases = mixins.sync_bases if mixins else ()
    imports = _leading_imports(service, names, text, core, bases)
    imports += _model_imports(service, module_of)
    twins = sorted([service.async_class, *(d["name"] for d in drafts)])
    imports.append(f"from ..services.{service.name} import {', '.join(twins)}")
    twin = (
        f"The synchronous twin of :class:`{service.async_class}`; each call runs on the "
        "client's event loop thread."
    )
    return str(
        env.get_template("sync_service.py.jinja").render(
            header=HEADER,
            doc=_service_doc(service) + " (sync)",
            class_doc=_service_doc(service) + "\n\n" + twin,
            imports=imports,
            service=service,
            bases=_bases(bases),
            ops=methods,
        )
    )


_UPLOAD_CORE = ("UploadSource", "ProgressCallback")
_ASYNC_CORE = (
    "UNSET",
    "Unset",
    "RetrySpec",
    "PaginationSpec",
    "WriteSemantics",
    "AsyncPaginator",
    "AsyncWrappedPaginator",
    "Null",
    "create_body",
    "MergeField",
    "MergeSpec",
    "merge_update",
    "AsyncEdit",
    "EditDraft",
    *_UPLOAD_CORE,
)
_SYNC_CORE = (
    "UNSET",
    "Unset",
    "SyncPaginator",
    "SyncWrappedPaginator",
    "Null",
    "SyncEdit",
    *_UPLOAD_CORE,
)


def _service_doc(service: ir.Service) -> str:
    return service.description or f"The ``{service.name}`` service."
