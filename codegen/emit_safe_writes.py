"""What the generator adds for safe writes: ``update``/``edit`` and a draft class per
replace-semantics write with ``x-sdk-merge``, and the ``None`` check of creates.

Every piece is a template context (plain strings); the behaviour lives in the core
(``basecamp_client._core.safe_write``, ``.edit``, ``.nulls``).
"""

from __future__ import annotations

from typing import Any

from . import ir
from .emit_checks import ArgKinds, check_line, param_none_ok
from .render import Names, py_str

# -- creates ------------------------------------------------------------------------------


def create_arg_annotation(names: Names, param: ir.Param) -> str:
    """An optional body argument of a create also accepts ``NULL`` (send null on purpose)."""
    text = names.annotation(param.type)
    if param.type.nullable:
        return f"{text} | Unset = UNSET"
    return f"{text} | Null | Unset = UNSET"


def create_body_expr(op: ir.Operation, mapping: str) -> str:
    """The body argument of a create call: ``create_body(OP, {...})``."""
    body = [p for p in op.params if p.location == "body"]
    args = [op.constant, mapping]
    required = sorted(p.wire for p in body if p.required)
    nullable = sorted(p.wire for p in body if p.type.nullable)
    if required:
        args.append("required=frozenset({" + ", ".join(py_str(w) for w in required) + "})")
    if nullable:
        args.append("nullable=frozenset({" + ", ".join(py_str(w) for w in nullable) + "})")
    return "create_body(" + ", ".join(args) + ")"


CREATE_NOTE = (
    "Arguments left out are not sent. ``None`` is refused (it would send null); pass "
    "``NULL`` to send null on purpose."
)

# -- replace, update, edit ----------------------------------------------------------------


def merge_constant(op: ir.Operation, kinds: ArgKinds) -> tuple[str, str]:
    """(name, expression) of the module-level ``MergeSpec`` of a replace operation."""
    merge = op.merge
    assert merge is not None
    fields = []
    for f in merge.fields:
        kind = kinds.name(f.param.type, none_ok=False, secret=f.param.secret)
        parts = [py_str(f.param.name), f"kind={kind}"]
        if f.read:
            parts.append("read=(" + "".join(f"{py_str(n)}, " for n in f.read) + ")")
        if f.each:
            parts.append("each=(" + "".join(f"{py_str(n)}, " for n in f.each) + ")")
        if f.param.required:
            parts.append("required=True")
        if f.preserved:
            parts.append(f"preserved=True, empty={f.empty}")
        fields.append("MergeField(" + ", ".join(parts) + ")")
    expr = (
        f"MergeSpec(record={py_str(merge.record)}, read={py_str(merge.read_op)}, "
        f"write={py_str(op.id)}, fields=(" + "".join(f + ", " for f in fields) + "))"
    )
    return f"{op.constant}_MERGE", expr


def _field_annotation(names: Names, param: ir.Param) -> str:
    text = names.annotation(param.type)
    return text if param.required or param.type.nullable else f"{text} | None"


def draft_class(op: ir.Operation, names: Names) -> dict[str, Any]:
    merge = op.merge
    assert merge is not None
    lines = [
        f"The writable fields of a ``{merge.record}``, for ``{op.service}.edit()``.",
        "",
        "Assign to change a field (``None`` clears it); leaving the ``edit()`` block "
        "writes what changed.",
    ]
    write_only = [f.param.name for f in merge.fields if not f.read]
    if write_only:
        lines += [
            "",
            "Write-only (the API never shows them, so they start as ``None`` and are "
            "sent only when set): " + ", ".join(f"``{n}``" for n in write_only) + ".",
        ]
    return {
        "name": merge.draft,
        "record": merge.record,
        "doc": "\n".join(lines),
        "fields": [(f.param.name, _field_annotation(names, f.param)) for f in merge.fields],
    }


def replace_warning(op: ir.Operation) -> str:
    """The paragraph every replace-semantics method's docstring carries."""
    semantics = op.write_semantics
    assert semantics is not None
    kept = ""
    if semantics.preserved_on_omission:
        names = ", ".join(f"``{n}``" for n in semantics.preserved_on_omission)
        kept = f" (except {names}, which the API keeps when left out)"
    text = (
        f"**Warning: this replaces the whole record.** Every field you leave out is cleared{kept}."
    )
    if op.merge is not None:
        text += " To change some fields and keep the others, use ``update()`` or ``edit()``."
    return text


def _leading(op: ir.Operation, names: Names) -> tuple[list[ir.Param], list[str], str, str]:
    """The arguments ``update``/``edit`` take before the fields (path, then query), their
    signature, and the ``partial`` arguments of the read and of the replace."""
    merge = op.merge
    assert merge is not None
    path = [p for p in op.params if p.location == "path"]
    query = [p for p in op.params if p.location == "query"]
    sig = [f"{p.name}: {names.annotation(p.type)}" for p in path]
    sig += [
        f"{p.name}: {names.annotation(p.type)}" + ("" if p.required else " | Unset = UNSET")
        for p in query
    ]
    read = ", ".join(f"{r}={w}" for r, w in merge.read_path)
    write = ", ".join(f"{p.name}={p.name}" for p in path + query)
    return path + query, sig, read, write


def _checks(op: ir.Operation, kinds: ArgKinds, leading: list[ir.Param], fields: bool) -> str:
    """The argument checks of ``update`` (``fields``: ``None`` clears) or ``edit``,
    against the replace operation, as the first lines of the body."""
    lines = [check_line(kinds, op.constant, p, none_ok=param_none_ok(op, p)) for p in leading]
    if fields:
        assert op.merge is not None
        lines += [check_line(kinds, op.constant, f.param, none_ok=True) for f in op.merge.fields]
    return "".join(line + "\n        " for line in lines)


def _update_doc(op: ir.Operation) -> str:
    merge = op.merge
    assert merge is not None
    record = merge.record
    parts = [
        f"Change only the fields you pass; every other field of the {record} keeps its value.",
        f"Reads the {record} once (``{merge.read_op}``), puts your changes over its "
        f"current fields and sends the whole record (``{op.id}``): two requests. Pass "
        "``None`` to clear a field; required fields cannot be cleared. When nothing would "
        "change, nothing is written and the record as read is returned.",
        "Raises ``DecodeError``, writing nothing, when a field it would send back holds a "
        "value of the wrong type in the record read (pass that field to replace it). "
        "Basecamp offers no conditional write: a change someone else makes between the "
        "read and the write is overwritten in the fields this write sends.",
    ]
    only_if_passed = [f.param.name for f in merge.fields if not f.read or f.preserved]
    if only_if_passed:
        parts.append(
            "Sends "
            + ", ".join(f"``{n}``" for n in only_if_passed)
            + " only when you pass them: the API never shows them, or keeps them when "
            "left out."
        )
    lines = ["Args:"]
    for f in merge.fields:
        text = " ".join(f.param.description.split()) if f.param.description else ""
        source = f" Read back from ``{f.source}``." if f.source and f.source != f.param.wire else ""
        if text or source:
            lines.append(f"    {f.param.name}: {(text + source).strip()}")
    parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _edit_doc(op: ir.Operation) -> str:
    merge = op.merge
    assert merge is not None
    path = ", ".join(f"{p.name}=…" for p in op.params if p.location == "path")
    return "\n\n".join(
        [
            f"Edit a {merge.record} in a block: ``with``/``async with "
            f"{op.service}.edit({path}) as draft:``.",
            f"Entering reads the {merge.record} and gives a ``{merge.draft}`` of its writable "
            "fields; assign to them (``None`` clears). Leaving the block writes the fields "
            "that changed, merge-safely like ``update()``: nothing when nothing changed or "
            "when the block raised, and ``ConflictError`` (nothing written) when someone "
            "changed a field this write would overwrite after it was read. "
            "``draft.saved`` is the record the API returned.",
        ]
    )


def merge_methods(op: ir.Operation, names: Names, kinds: ArgKinds) -> list[dict[str, Any]]:
    """The contexts of ``update`` and ``edit`` (same keys as every other method)."""
    merge = op.merge
    assert merge is not None
    constant = f"{op.constant}_MERGE"
    leading, leading_sig, read_args, write_args = _leading(op, names)
    fields = [f.param for f in merge.fields]
    update_sig = leading_sig + [
        f"{p.name}: {_field_annotation(names, p)} | Unset = UNSET" for p in fields
    ]
    changes = "{" + ", ".join(f"{py_str(p.name)}: {p.name}" for p in fields) + "}"
    read = f"partial(self.{merge.read_method}, {read_args})"
    write = f"partial(self.replace, {write_args})"
    update_body = _checks(op, kinds, leading, fields=True) + (
        f"return await merge_update({constant}, changes={changes}, read={read}, write={write})"
    )
    update_args = [f"{p.name}={p.name}" for p in leading + fields]
    edit_args = ", ".join(f"{p.name}={p.name}" for p in leading)
    return [
        {
            "name": "update",
            "async_def": True,
            "positional": [],
            "signature": update_sig,
            "returns": merge.record,
            "sync_returns": merge.record,
            "doc": _update_doc(op),
            "async_body": update_body,
            "sync_body": f"return self._runner.run(self._a.update, {', '.join(update_args)})",
        },
        {
            "name": "edit",
            "async_def": False,
            "positional": [],
            "signature": leading_sig,
            "returns": f"AsyncEdit[{merge.draft}, {merge.record}]",
            "sync_returns": f"SyncEdit[{merge.draft}, {merge.record}]",
            "doc": _edit_doc(op),
            "async_body": _checks(op, kinds, leading, fields=False)
            + f"return AsyncEdit({constant}, {merge.draft}, read={read}, write={write})",
            "sync_body": f"return SyncEdit(self._runner, self._a.edit({edit_args}))",
        },
    ]
