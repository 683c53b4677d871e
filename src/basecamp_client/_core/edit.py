"""Edit contexts: ``async with account.todos.edit(todo_id=1) as todo: todo.content = "…"``.

Entering reads the record and hands out a draft of its writable fields; leaving
writes the fields that changed, merge-safely (see :mod:`.safe_write`), and nothing at
all when nothing changed or when the block raised. The generator emits one typed
draft class per replace-semantics operation on top of :class:`EditDraft`.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .errors import UsageError
from .kinds import Kind
from .nulls import NULL
from .runner import Runner
from .safe_write import MergeSpec, project, same, write_merged
from .unset import UNSET

R = TypeVar("R")
D = TypeVar("D", bound="EditDraft[Any]")

#: Attribute names a draft keeps for itself; the generator refuses fields so named.
RESERVED = frozenset({"record", "saved", "changes"})


class EditDraft(Generic[R]):
    """The writable fields of one record, as read when the edit began.

    Assign to a field to change it; ``None`` clears it (as with ``update()``). Lists
    may be changed in place. ``record`` is the record as read; ``saved`` the record the
    API returned after the write (``None`` until then, and when nothing was written).
    """

    _spec: MergeSpec
    _kinds: dict[str, Kind | None]
    _record: R
    _values: dict[str, Any]
    _original: dict[str, Any]
    _saved: R | None

    def __init__(self, spec: MergeSpec, record: R) -> None:
        values = project(spec, record)
        for field in spec.fields:
            values.setdefault(field.name, None)  # write-only: nothing to show
        state = object.__setattr__
        state(self, "_spec", spec)
        state(self, "_kinds", {f.name: f.kind for f in spec.fields})
        state(self, "_record", record)
        state(self, "_values", values)
        state(self, "_original", copy.deepcopy(values))
        state(self, "_saved", None)

    # Hidden from type checkers, which then see only the generated, typed fields (and
    # flag a misspelt one).
    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            # Only reached for names that are not ordinary attributes: the fields.
            try:
                values = object.__getattribute__(self, "_values")
            except AttributeError:
                raise AttributeError(name) from None
            try:
                return values[name]
            except KeyError:
                raise AttributeError(self._unknown(name)) from None

        def __setattr__(self, name: str, value: Any) -> None:
            values: dict[str, Any] = self._values
            if name not in values:
                raise AttributeError(self._unknown(name))
            if value is UNSET or value is NULL:
                raise UsageError(f"{type(self).__name__}.{name}: assign None to clear a field")
            kind = self._kinds.get(name)
            if value is not None and kind is not None:
                fault = kind.fault(value)
                if fault is not None:
                    raise UsageError(f"{type(self).__name__}.{fault.text(name)}")
            values[name] = value

        def __delattr__(self, name: str) -> None:
            raise AttributeError(f"{type(self).__name__}.{name}: assign None to clear a field")

    def _unknown(self, name: str) -> str:
        fields = ", ".join(self._values)
        return f"{type(self).__name__} has no writable field {name!r} (fields: {fields})"

    @property
    def record(self) -> R:
        """The record as read when the edit began."""
        return self._record

    @property
    def saved(self) -> R | None:
        """The record as the API returned it after the write; ``None`` if nothing was
        written."""
        return self._saved

    def changes(self) -> dict[str, Any]:
        """The fields assigned a value different from the one read (``None``, ``""`` and
        ``[]`` count as the same empty value)."""
        original = self._original
        return {
            name: value for name, value in self._values.items() if not same(value, original[name])
        }

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self._values.items())
        return f"{type(self).__name__}({shown})"


class AsyncEdit(Generic[D, R]):
    """``async with service.edit(...) as draft:`` — see the module docstring."""

    def __init__(
        self,
        spec: MergeSpec,
        draft: type[D],
        *,
        read: Callable[[], Awaitable[R]],
        write: Callable[..., Awaitable[R]],
    ) -> None:
        self._spec = spec
        self._draft_type = draft
        self._read = read
        self._write = write
        self._draft: D | None = None

    def __repr__(self) -> str:
        state = "open" if self._draft is not None else "not entered"
        return f"<AsyncEdit {self._spec.record} ({state})>"

    async def __aenter__(self) -> D:
        if self._draft is not None:
            raise UsageError("this edit was already entered; call edit() again for a new one")
        record = await self._read()
        draft = self._draft_type(self._spec, record)
        self._draft = draft
        return draft

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        draft = self._draft
        if exc_type is not None or draft is None:
            return  # the block failed: write nothing
        changes = draft.changes()
        if not changes:
            return
        saved = await write_merged(
            self._spec,
            record=draft.record,
            changes=changes,
            write=self._write,
            reread=self._read,
        )
        object.__setattr__(draft, "_saved", saved)


class SyncEdit(Generic[D, R]):
    """``with service.edit(...) as draft:`` on the sync client: the async edit, run
    through the client's event loop thread."""

    def __init__(self, runner: Runner, edit: AsyncEdit[D, R]) -> None:
        self._runner = runner
        self._edit = edit

    def __repr__(self) -> str:
        return repr(self._edit).replace("<AsyncEdit", "<SyncEdit", 1)

    def __enter__(self) -> D:
        return self._runner.run(self._edit.__aenter__)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            return  # nothing to write, no need to visit the loop
        self._runner.run(self._edit.__aexit__, None, None, None)
