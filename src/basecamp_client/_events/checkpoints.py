"""Where a live stream keeps its position between runs.

A store is anything with ``load(key)`` and ``save(key, position)``, plain or ``async``.
The key names the API origin, the account, a consumer namespace of your choosing and
the filters (``srv1-`` and their digest), so two consumers, or two filter sets, never
share a position. Positions are opaque strings: store them as they are.
"""

from __future__ import annotations

import inspect
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import anyio.to_thread
import attrs

from .._core.errors import UsageError


@attrs.frozen(slots=True, kw_only=True)
class CheckpointKey:
    """The identity of one stored position."""

    origin: str
    account_id: int
    namespace: str
    filter_key: str

    def __str__(self) -> str:
        return f"{self.origin}/{self.account_id}/{self.namespace}/{self.filter_key}"


@runtime_checkable
class CheckpointStore(Protocol):
    """Loads and saves positions (either method may be a coroutine function)."""

    def load(self, key: CheckpointKey) -> Any:
        """The stored position, or ``None`` when there is none."""
        ...

    def save(self, key: CheckpointKey, position: str) -> Any:
        """Store ``position`` for ``key`` (replacing the previous one)."""
        ...


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def load_position(store: CheckpointStore, key: CheckpointKey) -> str | None:
    value = await _maybe_await(store.load(key))
    if value is not None and (not isinstance(value, str) or not value):
        raise TypeError(f"the checkpoint store returned {type(value).__name__}, not a string")
    return value


async def save_position(store: CheckpointStore, key: CheckpointKey, position: str) -> None:
    await _maybe_await(store.save(key, position))


def check_store(store: object) -> CheckpointStore | None:
    if store is None:
        return None
    if not (callable(getattr(store, "load", None)) and callable(getattr(store, "save", None))):
        raise UsageError("checkpoints must have load(key) and save(key, position) methods")
    return store  # type: ignore[return-value]


def check_namespace(namespace: object) -> str:
    if not isinstance(namespace, str) or not namespace or len(namespace) > 200:
        raise UsageError("namespace must be a non-empty string of at most 200 characters")
    if not namespace.isprintable():
        raise UsageError("namespace must be printable text")
    return namespace


class MemoryCheckpointStore:
    """Positions in memory (for tests, or a process that starts at the present anyway)."""

    def __init__(self) -> None:
        self.positions: dict[CheckpointKey, str] = {}

    def __repr__(self) -> str:
        return f"<MemoryCheckpointStore {len(self.positions)} positions>"

    def load(self, key: CheckpointKey) -> str | None:
        return self.positions.get(key)

    def save(self, key: CheckpointKey, position: str) -> None:
        self.positions[key] = position


class FileCheckpointStore:
    """Positions in one JSON file, replaced atomically on every save (written next to
    it, flushed to disk, then renamed into place), so a crash leaves the old or the
    new position, never a torn file. For one process at a time."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<FileCheckpointStore {str(self.path)!r}>"

    def _read(self) -> dict[str, str]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError(f"{self.path} does not hold a JSON object")
        return {str(k): v for k, v in data.items() if isinstance(v, str)}

    def _load(self, key: CheckpointKey) -> str | None:
        with self._lock:
            return self._read().get(str(key))

    def _save(self, key: CheckpointKey, position: str) -> None:
        with self._lock:
            data = self._read()
            data[str(key)] = position
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as file:
                    json.dump(data, file, indent=1, sort_keys=True)
                    file.flush()
                    os.fsync(file.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                try:
                    os.unlink(tmp)
                except FileNotFoundError:
                    pass
                raise

    async def load(self, key: CheckpointKey) -> str | None:
        return await anyio.to_thread.run_sync(self._load, key)

    async def save(self, key: CheckpointKey, position: str) -> None:
        await anyio.to_thread.run_sync(self._save, key, position)
