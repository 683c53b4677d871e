"""One generated method per operation: its ``Operation`` descriptor, signature, return
annotations, docstring and body (async and sync), as the service templates arrange them."""

from __future__ import annotations

from typing import Any

from . import ir
from .emit_checks import ArgKinds, operation_checks
from .emit_safe_writes import CREATE_NOTE, create_arg_annotation, create_body_expr, replace_warning
from .names import upper_snake
from .render import Names, py_str


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


def prepare(
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
