"""Merge-safe updates on top of Basecamp's replace-semantics PUTs.

Some PUTs replace the whole record: a field left out of the body is cleared. The
generated ``update()`` reads the record, keeps every field the caller did not pass and
sends the full body through ``replace()``: one read, one write, nothing in between.
``edit()`` runs the caller's code between its read and its write, so it re-reads just
before writing and refuses to overwrite a field someone else changed meanwhile. A value
sent back from the record must have the type the write expects: a malformed one (a
description that came back as a list) is refused, never echoed. The generator
describes each operation with one :class:`MergeSpec` (from the description's
``x-sdk-merge``); everything here is generic.

The merge itself is pure (:func:`project`, :func:`check_changes`,
:func:`merged_arguments`, :func:`conflicting_fields`); :func:`merge_update` and
:func:`write_merged` add the reads and the write around it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import attrs

from .errors import ConflictError, DecodeError, UsageError
from .kinds import Kind, describe
from .nulls import NULL
from .unset import UNSET

R = TypeVar("R")


@attrs.frozen(slots=True)
class MergeField:
    """One field of a replace body and where the record shows its current value.

    ``read`` is an attribute path on the record (``("assignees",)``); with ``each``,
    ``read`` names a list and ``each`` the path within every item
    (``assignees[].id``). A field with an empty ``read`` is write-only: the API never
    shows it, so it is sent only when the caller passes it. ``required`` fields cannot
    be cleared. ``preserved`` fields are kept by the API when omitted, so they are
    sent only when changed, and clearing one sends ``empty``. ``kind`` is the type the
    write expects: a value kept from the record is sent back only if it has it.
    """

    name: str
    kind: Kind | None = None
    read: tuple[str, ...] = ()
    each: tuple[str, ...] = ()
    required: bool = False
    preserved: bool = False
    empty: Any = None

    @property
    def readable(self) -> bool:
        return bool(self.read)


@attrs.frozen(slots=True)
class MergeSpec:
    """How to update one kind of record merge-safely: ``record`` names it in messages,
    ``read``/``write`` are the ids of the GET and the replace-semantics PUT."""

    record: str
    read: str
    write: str
    fields: tuple[MergeField, ...]

    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


# -- pure functions ----------------------------------------------------------------------


def _step(value: Any, name: str) -> Any:
    if value is None:
        return None
    if isinstance(value, Mapping):  # an item the lenient decoder kept as it came
        return value.get(name)
    return getattr(value, name, None)


def _follow(value: Any, path: tuple[str, ...]) -> Any:
    for name in path:
        value = _step(value, name)
    return value


def record_label(spec: MergeSpec, record: Any) -> str:
    """``Todo 42`` (or just ``Todo`` when the record shows no id)."""
    record_id = _step(record, "id")
    return f"{spec.record} {record_id}" if record_id is not None else spec.record


def read_value(spec: MergeSpec, field: MergeField, record: Any) -> Any:
    """The current value of ``field`` as the write expects it (``assignees`` → ids).

    A list item without the key is refused: writing the list back without it would
    silently drop it (an assignee, a participant).
    """
    value = _follow(record, field.read)
    if not field.each:
        return list(value) if isinstance(value, list) else value
    if value is None:
        return []
    if not isinstance(value, list):
        raise DecodeError(
            f"{spec.read}: {record_label(spec, record)} has {'.'.join(field.read)} of an "
            f"unexpected shape ({type(value).__name__}); refusing to write {field.name} back",
            operation_id=spec.read,
        )
    result = []
    for index, item in enumerate(value):
        key = _follow(item, field.each)
        if key is None:
            raise DecodeError(
                f"{spec.read}: {record_label(spec, record)} has an item of "
                f"{'.'.join(field.read)} without {'.'.join(field.each)} (index {index}); "
                f"refusing to write {field.name} back without it",
                operation_id=spec.read,
            )
        result.append(key)
    return result


def project(spec: MergeSpec, record: Any) -> dict[str, Any]:
    """Every readable write field's current value, by argument name."""
    return {f.name: read_value(spec, f, record) for f in spec.fields if f.read}


def is_empty(value: Any) -> bool:
    """``None``, ``""`` and ``[]`` all mean "no value" to the API."""
    return value is None or value == "" or (isinstance(value, (list, tuple)) and not value)


def same(a: Any, b: Any) -> bool:
    return a == b or (is_empty(a) and is_empty(b))


def check_changes(spec: MergeSpec, changes: Mapping[str, Any]) -> None:
    """Refuse, before anything is sent, changes the API could never accept."""
    known = spec.field_names()
    for name, value in changes.items():
        if name not in known:
            raise UsageError(
                f"{spec.write}: {spec.record} has no writable field {name!r} "
                f"(writable: {', '.join(known)})"
            )
        if value is NULL:
            raise UsageError(
                f"{spec.write}: pass {name}=None to clear {name}; NULL is only for creates"
            )
    for field in spec.fields:
        if field.required and changes.get(field.name, UNSET) is None:
            raise UsageError(
                f"{spec.write}: {field.name} is required by the API and cannot be cleared"
            )


def effective_changes(
    spec: MergeSpec, current: Mapping[str, Any], changes: Mapping[str, Any]
) -> dict[str, Any]:
    """The changes that would change something: a readable field set to the value it
    has is dropped, and so is a write-only field set to ``None`` (not sent anyway)."""
    readable = {f.name for f in spec.fields if f.read}
    result = {}
    for name, value in changes.items():
        if value is UNSET:
            continue
        if name in readable:
            if same(value, current.get(name)):
                continue
        elif value is None:
            continue
        result[name] = value
    return result


def merged_arguments(
    spec: MergeSpec,
    current: Mapping[str, Any],
    changes: Mapping[str, Any],
    record: Any = None,
) -> dict[str, Any]:
    """The arguments of ``replace()``: the caller's changes over the current values.

    ``changes`` maps field names to new values (``UNSET`` or absent: keep). ``None``
    clears: a clearing-on-omission field is left out, a preserved one is sent empty.
    Preserved and write-only fields are sent only when the caller changes them. A
    current value kept must have the field's kind (:func:`refuse_malformed`);
    ``record`` (the record read) only names it in the error.
    """
    args: dict[str, Any] = {}
    for field in spec.fields:
        value = changes.get(field.name, UNSET)
        if value is not UNSET:
            if value is None:
                if field.required:
                    raise UsageError(
                        f"{spec.write}: {field.name} is required by the API and cannot be cleared"
                    )
                if field.preserved:
                    args[field.name] = _fresh(field.empty)
                continue
            args[field.name] = value
        elif field.read and not field.preserved:
            kept = current.get(field.name)
            if kept is not None:
                if field.kind is not None and not field.kind.fits(kept):
                    raise malformed_error(spec, field, record, kept)
                args[field.name] = kept
            elif field.required:
                raise UsageError(
                    f"{spec.write}: the {spec.record} shows no {field.name} to keep; "
                    f"pass {field.name}=… explicitly"
                )
    return args


def malformed_error(spec: MergeSpec, field: MergeField, record: Any, value: Any) -> DecodeError:
    """The record read holds a value of the wrong type in a field the write would send
    back: sending it would store (or be refused for) something nobody asked for."""
    source = ".".join(field.read) + (f"[].{'.'.join(field.each)}" if field.each else "")
    kind = field.kind
    expected = kind.name if kind is not None else "another type"
    shown = describe(value, secret=kind is not None and kind.secret)
    clear = "" if field.required else " (or None to clear it)"
    return DecodeError(
        f"{spec.read}: {record_label(spec, record)} has {source} of the wrong type "
        f"(expected {expected}, got {shown}); refusing to send {field.name} "
        f"back with {spec.write}. Nothing was written",
        operation_id=spec.read,
        hint=f"pass {field.name}=… to replace the value{clear}",
    )


def _fresh(value: Any) -> Any:
    return list(value) if isinstance(value, (list, tuple)) else value


def conflicting_fields(
    spec: MergeSpec,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    args: Mapping[str, Any],
) -> list[str]:
    """Fields that changed between the two reads and that the write would overwrite.

    A clearing-on-omission field is decided by the write whether or not it is sent; a
    preserved field only when sent; a write-only field cannot be seen. A change that
    the write would repeat anyway (someone else set the same value) is no conflict.
    """
    found = []
    for field in spec.fields:
        if not field.read:
            continue
        decided = not field.preserved or field.name in args
        if not decided:
            continue
        old, new = before.get(field.name), after.get(field.name)
        if same(old, new):
            continue
        if same(args.get(field.name), new):
            continue
        found.append(field.name)
    return found


def conflict_error(spec: MergeSpec, record: Any, fresh: Any, fields: list[str]) -> ConflictError:
    old, new = _step(record, "updated_at"), _step(fresh, "updated_at")
    when = ""
    if old is not None and new is not None and old != new:
        when = f" (updated_at {_stamp(old)} → {_stamp(new)})"
    return ConflictError(
        f"{spec.write}: {record_label(spec, record)} was changed by someone else after it "
        f"was read{when}; writing now would overwrite {', '.join(fields)}. "
        "Nothing was written",
        operation_id=spec.write,
        changed_fields=fields,
        hint="read it again and reapply your change (update() and edit() re-read it)",
    )


def _stamp(value: Any) -> str:
    iso = getattr(value, "isoformat", None)
    return str(iso()) if callable(iso) else str(value)


# -- the reads and the write -------------------------------------------------------------


async def write_merged(
    spec: MergeSpec,
    *,
    record: R,
    changes: Mapping[str, Any],
    write: Callable[..., Awaitable[R]],
    reread: Callable[[], Awaitable[R]] | None = None,
) -> R:
    """Write ``changes`` over ``record`` (as read earlier) with one replace.

    With ``reread`` (``edit()``: the caller's code ran since the read), the record is
    read again first — a conditional GET when the HTTP cache holds it, so usually a
    bodiless 304 — and a change to any field the write would overwrite raises
    :class:`ConflictError` without writing. When the changes would change nothing,
    nothing is sent and ``record`` is returned.
    """
    check_changes(spec, changes)
    before = project(spec, record)
    changes = effective_changes(spec, before, changes)
    if not changes:
        return record
    args = merged_arguments(spec, before, changes, record)
    if reread is not None:
        fresh = await reread()
        if fresh is not record:  # a 304 hands back the very object read before
            fields = conflicting_fields(spec, before, project(spec, fresh), args)
            if fields:
                raise conflict_error(spec, record, fresh, fields)
    return await write(**args)


async def merge_update(
    spec: MergeSpec,
    *,
    changes: Mapping[str, Any],
    read: Callable[[], Awaitable[R]],
    write: Callable[..., Awaitable[R]],
) -> R:
    """Read the record once, then :func:`write_merged` the caller's ``changes`` over
    it. ``UNSET`` values in ``changes`` mean "keep". Nothing runs between the read and
    the write, so a second read could only find what a concurrent writer did in that
    one round trip: it is not made (``edit()`` makes it)."""
    passed = {name: value for name, value in changes.items() if value is not UNSET}
    check_changes(spec, passed)
    record = await read()
    return await write_merged(spec, record=record, changes=passed, write=write)
