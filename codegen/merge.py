"""``x-sdk-merge``: how a replace-semantics write is rebuilt from a read.

The description marks a PUT that replaces the whole record with
``x-basecamp-write-semantics``; ``x-sdk-merge`` on the same operation says which
operation reads the record and where the read shows each field of the body::

    x-sdk-merge:
      read: GetTodo                       # same service, same path parameters
      fields:                             # body field: where the read shows it
        content: content                  #   a property of the read model
        assignee_ids: assignees[].id      #   each item's id, of a list property
        service: service.code             #   a property of a nested object
      writeOnly: [notify]                 # body fields the read never shows

Every body field must be listed exactly once, and each path must lead to a value of
the body field's type; anything else is a :class:`SpecError` naming the operation.
"""

from __future__ import annotations

from typing import Any

from . import ir
from .loader import SpecError

#: Names the generated ``update``/``edit`` and drafts use themselves.
_RESERVED_FIELDS = frozenset({"record", "saved", "changes"})
_KEYS = frozenset({"read", "fields", "writeOnly"})
_EMPTY = {"list": "()", "str": '""', "bool": "False"}


def _where(op: ir.Operation) -> str:
    return f"x-sdk-merge of {op.id}"


def _parse_path(text: str, where: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``a.b[].c`` → (("a", "b"), ("c",)): the path to a list, then within each item."""
    if not isinstance(text, str) or not text:
        raise SpecError(f"{where}: a field's source must be a non-empty string, got {text!r}")
    before, sep, after = text.partition("[]")
    if sep and (not after.startswith(".") or "[]" in after):
        raise SpecError(f"{where}: {text!r}: write `list[].key`, with at most one `[]`")
    head = tuple(before.split("."))
    tail = tuple(after[1:].split(".")) if sep else ()
    if any(not part for part in head + tail):
        raise SpecError(f"{where}: {text!r} has an empty step")
    return head, tail


def _walk(
    models: dict[str, ir.Model], model: str, path: tuple[str, ...], where: str, text: str
) -> tuple[tuple[str, ...], ir.TypeRef]:
    """Attribute names along ``path`` (wire names) from ``model``, and the type reached."""
    names: list[str] = []
    current: ir.TypeRef = ir.TypeRef("model", model=model)
    for step in path:
        if current.kind != "model" or current.model not in models:
            raise SpecError(f"{where}: {text!r}: cannot read {step!r} from a {current.kind}")
        fields = {f.wire: f for f in models[current.model].fields}
        if step not in fields:
            raise SpecError(f"{where}: {text!r}: {current.model} has no property {step!r}")
        names.append(fields[step].name)
        current = fields[step].type
    return tuple(names), current


def _same_kind(read: ir.TypeRef, write: ir.TypeRef) -> bool:
    if read.kind != write.kind:
        return False
    if read.kind == "list":
        assert read.item is not None
        assert write.item is not None
        return _same_kind(read.item, write.item)
    return read.kind != "model" or read.model == write.model


def _describe(t: ir.TypeRef) -> str:
    if t.kind == "list" and t.item is not None:
        return f"list[{_describe(t.item)}]"
    return t.model if t.kind == "model" and t.model else t.kind


def resolve(
    op: ir.Operation,
    raw: Any,
    siblings: tuple[ir.Operation, ...],
    models: dict[str, ir.Model],
) -> ir.Merge:
    """The :class:`ir.Merge` of ``op`` from its raw ``x-sdk-merge``; ``siblings`` are the
    operations of the same service, with their final method names."""
    where = _where(op)
    if not isinstance(raw, dict) or not set(raw) <= _KEYS or "read" not in raw:
        raise SpecError(f"{where}: expected a mapping with read, fields and writeOnly")
    if op.write_semantics is None or op.write_semantics.mode != "replace":
        raise SpecError(f"{where}: only replace-semantics writes (x-basecamp-write-semantics)")
    read = next((o for o in siblings if o.id == raw["read"]), None)
    if read is None:
        raise SpecError(f"{where}: read operation {raw['read']!r} is not in service {op.service}")
    if read.http_method != "GET" or read.response_kind != "model" or read.response_type is None:
        raise SpecError(f"{where}: {read.id} must be a GET answering one object")
    if set(read.path_params) != set(op.path_params):
        raise SpecError(
            f"{where}: {read.id} takes path parameters {list(read.path_params)}, "
            f"{op.id} takes {list(op.path_params)}"
        )
    record = read.response_type.model
    assert record is not None

    body = {p.wire: p for p in op.params if p.location == "body"}
    mapped = raw.get("fields") or {}
    write_only = raw.get("writeOnly") or []
    if not isinstance(mapped, dict) or not isinstance(write_only, list):
        raise SpecError(f"{where}: fields must be a mapping and writeOnly a list")
    for source in mapped.values():
        _parse_path(source, where)
    unknown = sorted((set(mapped) | set(write_only)) - set(body))
    if unknown:
        raise SpecError(f"{where}: {unknown} are not fields of {op.id}'s body")
    twice = sorted(set(mapped) & set(write_only))
    if twice:
        raise SpecError(f"{where}: {twice} are both mapped and write-only")
    missing = [wire for wire in body if wire not in mapped and wire not in write_only]
    if missing:
        raise SpecError(
            f"{where}: body fields {missing} are neither mapped to the read nor write-only; "
            "an update would clear them"
        )

    preserved = set(op.write_semantics.preserved_on_omission)
    fields: list[ir.MergeField] = []
    for wire, param in body.items():
        if param.name in _RESERVED_FIELDS:
            raise SpecError(f"{where}: a body field may not be called {param.name!r}")
        source = mapped.get(wire, "")
        path: tuple[str, ...] = ()
        each: tuple[str, ...] = ()
        if source:
            head, tail = _parse_path(source, where)
            path, reached = _walk(models, record, head, where, source)
            if tail:
                if reached.kind != "list" or reached.item is None or reached.item.kind != "model":
                    raise SpecError(f"{where}: {source!r}: {head[-1]!r} is not a list of objects")
                assert reached.item.model is not None
                each, item = _walk(models, reached.item.model, tail, where, source)
                reached = ir.TypeRef("list", item=item)
            if not _same_kind(reached, param.type):
                raise SpecError(
                    f"{where}: {wire} is {_describe(param.type)} but {source!r} reads "
                    f"{_describe(reached)}"
                )
        empty = None
        if wire in preserved:
            empty = _EMPTY.get(param.type.kind)
            if empty is None:
                raise SpecError(f"{where}: cannot tell how to clear preserved field {wire}")
        fields.append(
            ir.MergeField(
                param=param,
                source=source,
                read=path,
                each=each,
                preserved=wire in preserved,
                empty=empty,
            )
        )
    read_args = {p.wire: p.name for p in read.params if p.location == "path"}
    pairs = tuple((read_args[p.wire], p.name) for p in op.params if p.location == "path")
    return ir.Merge(
        read_op=read.id,
        read_method=read.method_name,
        read_path=pairs,
        record=record,
        draft="",  # named by the builder, which knows every generated class name
        fields=tuple(fields),
    )
