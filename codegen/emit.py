"""The IR laid out as files: one template context per module.

Returns ``{relative path: source}``; nothing is written or formatted here.
"""

from __future__ import annotations

import re
from typing import Any

import jinja2

from . import ir
from .emit_catalog import render_catalog
from .emit_checks import CORE_NAMES, ArgKinds, field_kind, operation_checks, refuse_collisions
from .emit_safe_writes import (
    CREATE_NOTE,
    create_arg_annotation,
    create_body_expr,
    draft_class,
    merge_constant,
    merge_methods,
    replace_warning,
)
from .emit_shapes import render_shapes
from .extensions import NONE, ClassRef, Extensions, ExtraService, Mixins
from .names import snake, upper_snake
from .render import (
    HEADER,
    Names,
    decode_expr,
    decoder_name,
    encode_expr,
    environment,
    kinds,
    needs_conversion,
    py_str,
    sharer_name,
)


def render(api: ir.Api, package: str, extensions: Extensions = NONE) -> dict[str, str]:
    extensions = extensions.fit(api)
    env = environment()
    files: dict[str, str] = {}
    files["__init__.py"] = env.get_template("package_init.py.jinja").render(
        title=api.title, version=api.version, package=package
    )
    files["_decode.py"] = env.get_template("decode.py.jinja").render()
    files["catalog.py"] = render_catalog(env, api)
    files["models/__init__.py"] = env.get_template("models_init.py.jinja").render(
        models=sorted(api.models, key=lambda m: m.name)
    )
    files["models/_base.py"] = env.get_template("models_base.py.jinja").render()
    files["services/__init__.py"] = env.get_template("subpackage_init.py.jinja").render(
        doc="Async services, one module per service."
    )
    files["sync/__init__.py"] = env.get_template("subpackage_init.py.jinja").render(
        doc="Sync services: the async services run through the client's event loop thread."
    )
    by_module: dict[str, list[ir.Model]] = {}
    for model in api.models:
        by_module.setdefault(model.module, []).append(model)
    module_of = {m.name: m.module for m in api.models}
    # Nested models with an id are the entities a response repeats (creators, buckets,
    # parents): they are decoded once per response and shared.
    nested = set().union(*(m.dependencies() for m in api.models))
    shared = frozenset(
        m.name for m in api.models if m.name in nested and any(f.wire == "id" for f in m.fields)
    )
    for module, models in sorted(by_module.items()):
        files[f"models/{module}.py"] = _model_module(env, models, module_of, shared)
    for service in api.services:
        mixins = extensions.mixins.get(service.name)
        files[f"services/{service.name}.py"] = _service_module(env, service, module_of, mixins)
        files[f"sync/{service.name}.py"] = _sync_module(env, service, module_of, mixins)
    summaries = [_service_summary(s) for s in api.services]
    summaries += [_extra_summary(s) for s in extensions.services]
    files["shapes.py"] = render_shapes(env, api)
    files["account.py"] = env.get_template("account.py.jinja").render(
        services=sorted(summaries, key=lambda s: s["name"]),
        operations=sorted(api.operations, key=lambda o: o.id),
        uploads=sorted((o for o in api.operations if o.is_upload), key=lambda o: o.id),
    )
    return files


# -- models -----------------------------------------------------------------------------


def _model_module(
    env: jinja2.Environment,
    models: list[ir.Model],
    module_of: dict[str, str],
    shared: frozenset[str],
) -> str:
    this = models[0].module
    all_kinds: set[str] = set()
    deps: dict[str, set[str]] = {}
    contexts = []
    shadowed_anywhere: set[str] = set()
    uses_getter = False
    for model in models:
        names = Names({f.name for f in model.fields})
        shadowed_anywhere |= names.shadowed
        model_kinds: set[str] = set()
        fields = []
        for f in model.fields:
            model_kinds |= kinds(f.type)
            optional = not f.required
            annotation = names.annotation(f.type, optional=optional)
            has_default = optional or f.type.nullable
            if f.secret:
                default = f" = attrs.field({'default=None, ' if has_default else ''}repr=False)"
            else:
                default = " = None" if has_default else ""
            convert = needs_conversion(f.type)
            fields.append(
                {
                    "name": f.name,
                    "wire": f.wire,
                    "annotation": annotation,
                    "default": default,
                    "has_default": has_default,
                    "doc": _field_doc(f),
                    "convert": convert,
                    "decode": decode_expr(
                        f.type, "x", source=f"d[{py_str(f.wire)}]", shared=shared
                    ),
                    "encode": encode_expr(f.type, f"self.{f.name}") if convert else "",
                    "kind": field_kind(f),
                    "secret": f.secret,
                }
            )
        all_kinds |= model_kinds
        for dep in model.dependencies():
            if module_of[dep] != this:
                names_used = {dep, sharer_name(dep) if dep in shared else decoder_name(dep)}
                deps.setdefault(module_of[dep], set()).update(names_used)
        wire_order = list(fields)
        plain = [f for f in fields if not f["convert"]]
        uses_getter = uses_getter or len(plain) > 1
        # Required fields first keeps the generated __init__ readable; attrs does not
        # need it (every argument is keyword-only).
        fields.sort(key=lambda f: 1 if f["has_default"] else 0)
        contexts.append(
            {
                "model": model,
                "constant": upper_snake(model.name),
                "snake": snake(model.name),
                "shared": model.name in shared,
                "wire_order": wire_order,
                "names": names,
                "fields": fields,
                "plain": plain,
                "converted": [f for f in fields if f["convert"]],
                "parsers": [p for p in _PARSERS if p[0] in model_kinds],
                "doc": _model_doc(model),
            }
        )
    core = ["FieldKinds"]
    for kind, lenient, strict in _PARSERS:
        if kind in all_kinds:
            core += [f"format_{kind} as _format_{kind}", f"{lenient[1:]} as {lenient}"]
            core += [f"{strict[1:]} as {strict}"]
    kind_text = " ".join(field_kind(f) for m in models for f in m.fields)
    core += [w for w in sorted(CORE_NAMES) if _mentions(kind_text, w)]
    return str(
        env.get_template("models_module.py.jinja").render(
            header=HEADER,
            doc=", ".join(m.name for m in models) + ".",
            uses_dt=bool(all_kinds & {"date", "datetime"}),
            uses_builtins=bool(shadowed_anywhere),
            uses_getter=uses_getter,
            core_imports=sorted(core),
            model_imports=[(mod, sorted(names)) for mod, names in sorted(deps.items())],
            models=contexts,
        )
    )


#: (IR kind, lenient parser, strict parser) of the text a decoder turns into dates. A
#: decoder's local ``to_<kind>`` is the strict one (fast, raises on odd text) until
#: it meets odd text; then it decodes the object again with the lenient one.
_PARSERS = [
    ("date", "_parse_date", "_iso_date"),
    ("datetime", "_parse_datetime", "_iso_datetime"),
]


def _field_doc(f: ir.Field) -> str:
    parts = []
    if f.description:
        parts.append(f.description)
    if f.type.enum:
        parts.append(
            "One of: " + ", ".join(f"``{v}``" for v in f.type.enum) + " (others are kept)."
        )
    if f.deprecated:
        parts.append("Deprecated.")
    return "\n\n".join(parts)


def _model_doc(model: ir.Model) -> str:
    text = model.description or f"The ``{model.schema_name}`` object."
    return text


# -- services ---------------------------------------------------------------------------


def _arg_annotation(names: Names, param: ir.Param) -> str:
    text = names.annotation(param.type)
    if not param.required:
        return f"{text} | Unset = UNSET"
    return text


def _descriptor(op: ir.Operation) -> str:
    parts = [
        f"id={py_str(op.id)}",
        f"method={py_str(op.http_method)}",
        f"path={py_str(op.path)}",
        "path_params=(" + "".join(f"{py_str(p)}, " for p in op.path_params) + ")",
        f"idempotent={op.idempotent}",
    ]
    if op.retry is not None:
        statuses = ", ".join(str(s) for s in op.retry.retry_on)
        retry_on = f"frozenset({{{statuses}}})" if statuses else "frozenset()"
        parts.append(
            f"retry=RetrySpec(max_attempts={op.retry.max_attempts}, "
            f"base_delay={op.retry.base_delay!r}, retry_on={retry_on})"
        )
    if op.pagination is not None:
        p = op.pagination
        parts.append(
            "pagination=PaginationSpec("
            f"items_key={py_str(p.items_key) if p.items_key else None}, "
            f"total_count_header={py_str(p.total_count_header) if p.total_count_header else None}, "
            f"max_page_size={p.max_page_size})"
        )
    parts.append(f"body={py_str(op.body_kind) if op.body_kind else None}")
    if op.multipart_field:
        parts.append(f"multipart_field={py_str(op.multipart_field)}")
    parts.append(f"success_status={op.success_status}")
    if op.write_semantics is not None:
        w = op.write_semantics
        kept = ", ".join(py_str(k) for k in w.preserved_on_omission)
        parts.append(
            f"write_semantics=WriteSemantics(mode={py_str(w.mode)}, "
            f"clears_omitted={w.clears_omitted}, "
            f"preserved_on_omission=frozenset({{{kept}}}))"
            if kept
            else f"write_semantics=WriteSemantics(mode={py_str(w.mode)}, "
            f"clears_omitted={w.clears_omitted})"
        )
    if not op.account_scoped:
        parts.append("account_scoped=False")
    return "Operation(" + ", ".join(parts) + ")"


def _decoder(op: ir.Operation) -> tuple[str, str] | None:
    """(constant name, expression) of the decoder a call passes to the session."""
    t = op.response_type
    if op.response_kind == "none" or t is None:
        return None
    if t.kind == "model":
        assert t.model is not None
        name = upper_snake(t.model)
        if op.response_kind == "list":
            return f"_{name}_LIST", f"_decode.many({t.model}.from_dict, {py_str(t.model)})"
        return f"_{name}", f"_decode.one({t.model}.from_dict, {py_str(t.model)})"
    if op.response_kind == "list":
        return "_decode.json_array", ""
    if op.response_kind == "value" and t.kind == "dict":
        return "_decode.json_object", ""
    return "_decode.json_value", ""


def _wrapper_decoder(op: ir.Operation) -> tuple[str, str] | None:
    """(constant name, expression) of the decoder of a wrapped page's object."""
    if op.page_wrapper is None:
        return None
    model = str(op.page_wrapper.model)
    return f"_{upper_snake(model)}", f"_decode.one({model}.from_dict, {py_str(model)})"


def _returns(op: ir.Operation, names: Names) -> tuple[str, str]:
    """(async return annotation, sync return annotation)."""
    t = op.response_type
    if op.response_kind == "none" or t is None:
        return "None", "None"
    item = t.model if t.kind == "model" else "Any"
    if op.response_kind == "paginated" and op.page_wrapper is not None:
        both = f"[{item}, {op.page_wrapper.model}]"
        return f"AsyncWrappedPaginator{both}", f"SyncWrappedPaginator{both}"
    if op.response_kind == "paginated":
        return f"AsyncPaginator[{item}]", f"SyncPaginator[{item}]"
    if op.response_kind == "list":
        text = f"{names.builtin('list')}[{item}]"
        return text, text
    if t.kind == "model":
        assert t.model is not None
        return t.model, t.model
    if t.kind == "dict":
        text = f"{names.builtin('dict')}[{names.builtin('str')}, Any]"
        return text, text
    return "Any", "Any"


def _method_doc(op: ir.Operation) -> str:
    parts = [op.summary or op.id]
    if op.description and op.description != op.summary:
        parts.append(op.description)
    if op.write_semantics is not None:
        parts.append(replace_warning(op))
    if op.is_create and any(p.location == "body" and not p.required for p in op.params):
        parts.append(CREATE_NOTE)
    described = [p for p in op.params if p.description]
    if described:
        lines = ["Args:"]
        for p in described:
            text = " ".join(p.description.split())
            lines.append(f"    {p.name}: {text}")
        parts.append("\n".join(lines))
    if op.response_kind == "paginated" and op.page_wrapper is not None:
        parts.append(
            f"Returns a lazy paginator: iterate it for the ``{op.page_field}`` page by page, "
            f"or await it for the whole {op.page_wrapper.model} (its ``{op.page_field}`` "
            "holding every page's). ``max_items`` / ``max_pages`` stop early."
        )
    elif op.response_kind == "paginated":
        parts.append(
            "Returns a lazy paginator: iterate it, or await it for the whole list. "
            "``max_items`` / ``max_pages`` stop early."
        )
    if op.is_upload:
        parts.append(_UPLOAD_DOC)
    if op.deprecated:
        parts.append("Deprecated by the API.")
    parts.append(f"``{op.http_method} {op.path}`` (operation ``{op.id}``)")
    return "\n\n".join(parts)


_UPLOAD_DOC = """\
Streams ``source`` — a path, an open binary file, bytes, or a (sync or async) iterator
of bytes (iterators need ``size=``) — with its exact length, in small chunks. ``name``
defaults to the file's own name and ``content_type`` to a guess from it. ``progress``
is called as ``progress(bytes_sent, total)`` (sync or async). A failed attempt is
retried, where the retry rules allow, only when ``source`` can be read again."""


def _positional(op: ir.Operation) -> list[str]:
    """Arguments before the ``*``: only the source of a file upload."""
    return ["source: UploadSource"] if op.is_upload else []


def _upload_arguments(names: Names) -> list[str]:
    text, number = names.builtin("str"), names.builtin("int")
    return [
        f"name: {text} | None = None",
        f"content_type: {text} | None = None",
        f"size: {number} | None = None",
        "progress: ProgressCallback | None = None",
    ]


def _signature(op: ir.Operation, names: Names) -> list[str]:
    """The keyword-only arguments: path parameters, required ones, then the rest."""
    path = [p for p in op.params if p.location == "path"]
    rest = [p for p in op.params if p.location != "path"]
    sig = [f"{p.name}: {_arg_annotation(names, p)}" for p in path]
    sig += [f"{p.name}: {_arg_annotation(names, p)}" for p in rest if p.required]
    if op.is_upload:
        sig += _upload_arguments(names)
    for p in rest:
        if p.required:
            continue
        if op.is_create and p.location == "body":
            sig.append(f"{p.name}: {create_arg_annotation(names, p)}")
        else:
            sig.append(f"{p.name}: {_arg_annotation(names, p)}")
    if op.response_kind == "paginated":
        sig += ["max_items: int | None = None", "max_pages: int | None = None"]
    return sig


def _mapping(params: list[ir.Param]) -> str:
    return "{" + ", ".join(f"{py_str(p.wire)}: {p.name}" for p in params) + "}"


def _async_body(op: ir.Operation, decoder: str | None) -> str:
    path = [p for p in op.params if p.location == "path"]
    query = [p for p in op.params if p.location == "query"]
    body = [p for p in op.params if p.location == "body"]
    args = [op.constant]
    if path:
        args.append(f"path={_mapping(path)}")
    if op.is_upload:
        if query:
            args.append(f"query={_mapping(query)}")
        args += ["source=source", "name=name"]
        if op.name_query:
            args.append(f"name_query={py_str(op.name_query)}")
        args += ["content_type=content_type", "size=size", "progress=progress"]
        args.append(f"decode={decoder}" if decoder else "decode=None")
        call = "self._session.upload(" + ", ".join(args) + ")"
        return f"return await {call}" if decoder else f"await {call}"
    if query:
        args.append(f"query={_mapping(query)}")
    if op.body_param is not None:
        args.append(f"body={op.body_param}")
    elif body and op.is_create:
        args.append(f"body={create_body_expr(op, _mapping(body))}")
    elif body:
        args.append(f"body={_mapping(body)}")
    elif op.body_kind == "json" and op.body_required:
        args.append("body={}")
    if op.response_kind == "paginated" and op.page_wrapper is not None:
        wrapper = _wrapper_decoder(op)
        assert wrapper is not None
        args += [f"decode={decoder}", f"wrapper={wrapper[0]}"]
        args.append(f"field={py_str(str(op.page_field))}")
        args += ["max_items=max_items", "max_pages=max_pages"]
        return "return self._session.paginate_wrapped(" + ", ".join(args) + ")"
    if op.response_kind == "paginated":
        args += [f"decode={decoder}", "max_items=max_items", "max_pages=max_pages"]
        return "return self._session.paginate(" + ", ".join(args) + ")"
    if decoder is None:
        return "await self._session.call_empty(" + ", ".join(args) + ")"
    args.append(f"decode={decoder}")
    return "return await self._session.call(" + ", ".join(args) + ")"


def _call_args(op: ir.Operation) -> list[str]:
    names = [p.name for p in op.params]
    if op.is_upload:
        names += ["name", "content_type", "size", "progress"]
    if op.response_kind == "paginated":
        names += ["max_items", "max_pages"]
    return (["source"] if op.is_upload else []) + [f"{n}={n}" for n in names]


def _sync_body(op: ir.Operation) -> str:
    args = _call_args(op)
    if op.response_kind == "paginated":
        cls = "SyncWrappedPaginator" if op.page_wrapper is not None else "SyncPaginator"
        return f"return {cls}(self._runner, self._a.{op.method_name}({', '.join(args)}))"
    return f"return self._runner.run(self._a.{op.method_name}{''.join(', ' + a for a in args)})"


def _prepare(
    service: ir.Service,
) -> tuple[Names, list[dict[str, Any]], dict[str, str], ArgKinds]:
    names = Names({op.method_name for op in service.operations})
    decoders: dict[str, str] = {}
    kinds = ArgKinds()
    ops = []
    for op in service.operations:
        found = _decoder(op)
        decoder = None
        if found is not None:
            decoder, expr = found
            if expr:
                decoders[decoder] = expr
        wrapper = _wrapper_decoder(op)
        if wrapper is not None:
            decoders[wrapper[0]] = wrapper[1]
        returns, sync_returns = _returns(op, names)
        ops.append(
            {
                "constant": op.constant,
                "descriptor": _descriptor(op),
                "name": op.method_name,
                "async_def": op.response_kind != "paginated",
                "positional": _positional(op),
                "signature": _signature(op, names),
                "returns": returns,
                "sync_returns": sync_returns,
                "doc": _method_doc(op),
                "async_body": with_checks(operation_checks(kinds, op), _async_body(op, decoder)),
                "sync_body": _sync_body(op),
            }
        )
    return names, ops, decoders, kinds


def with_checks(checks: list[str], body: str) -> str:
    """A method body that checks its arguments first (the template indents it)."""
    return "\n        ".join([*checks, body])


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


def _service_module(
    env: jinja2.Environment,
    service: ir.Service,
    module_of: dict[str, str],
    mixins: Mixins | None = None,
) -> str:
    refuse_collisions(service)
    names, ops, decoders, kinds = _prepare(service)
    merges, drafts, methods = _safe_writes(service, names, ops, kinds)
    text = _signature_text(ops, "descriptor", "returns")
    text += " " + _signature_text(methods, "returns", "async_body")
    text += " " + " ".join(expr for _name, expr in merges) + (" EditDraft" if drafts else "")
    text += " " + " ".join(expr for _name, expr in kinds.constants())
    core = {"AccountSession", "Operation"}
    core |= {w for w in (*_ASYNC_CORE, *sorted(CORE_NAMES)) if _mentions(text, w)}
    imports = _type_imports(service, names)
    if merges:
        imports.append("from functools import partial")
    if _mentions(text, "Any"):
        imports.append("from typing import Any")
    imports += ["", f"from basecamp_client._core import {', '.join(sorted(core))}"]
    bases = mixins.async_bases if mixins else ()
    imports += [b.import_line for b in bases]
    imports.append("")
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


def _sync_module(
    env: jinja2.Environment,
    service: ir.Service,
    module_of: dict[str, str],
    mixins: Mixins | None = None,
) -> str:
    names, ops, _decoders, kinds = _prepare(service)
    _merges, drafts, methods = _safe_writes(service, names, ops, kinds)
    text = _signature_text(methods, "sync_returns", "sync_body")
    core = {"Runner"} | {w for w in _SYNC_CORE if _mentions(text, w)}
    imports = _type_imports(service, names)
    if _mentions(text, "Any"):
        imports.append("from typing import Any")
    imports += ["", f"from basecamp_client._core import {', '.join(sorted(core))}"]
    bases = mixins.sync_bases if mixins else ()
    imports += [b.import_line for b in bases]
    imports.append("")
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


def _mentions(text: str, word: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9_.]){re.escape(word)}(?![A-Za-z0-9_])", text) is not None


def _service_doc(service: ir.Service) -> str:
    return service.description or f"The ``{service.name}`` service."


def _service_summary(service: ir.Service) -> dict[str, str]:
    first = (service.description or f"The {service.name} service.").split("\n")[0]
    return {
        "name": service.name,
        "async_module": f".services.{service.name}",
        "async_class": service.async_class,
        "sync_module": f".sync.{service.name}",
        "sync_class": service.sync_class,
        "summary": first,
    }


def _extra_summary(extra: ExtraService) -> dict[str, str]:
    return {
        "name": extra.name,
        "async_module": extra.async_class.module,
        "async_class": extra.async_class.name,
        "sync_module": extra.sync_class.module,
        "sync_class": extra.sync_class.name,
        "summary": extra.summary.split("\n")[0],
    }
