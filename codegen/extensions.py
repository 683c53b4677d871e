"""Hand-written additions the generated classes are wired to (``codegen/extensions.yaml``).

Two kinds, both declared rather than hard-coded in templates:

- ``mixins``: per generated service, hand-written classes its async and sync classes
  inherit from (``account.uploads.upload_file`` lives in one). A mixin defines
  ``__slots__ = ()`` and reaches the service through ``self._session`` (async) or
  ``self._a`` / ``self._runner`` (sync).
- ``services``: hand-written services added to the account classes next to the
  generated ones (``account.downloads``). Built like generated services:
  ``AsyncX(session)`` and ``X(async_service, runner)``, imported on first use.

Classes are named ``package.module:ClassName``.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import attrs
import yaml

from . import ir
from .build import ACCOUNT_RESERVED
from .loader import SpecError

DEFAULT_EXTENSIONS = Path(__file__).parent / "extensions.yaml"


class ExtensionSkipped(UserWarning):
    """A hand-written extension was left out because the description lacks its service."""


_REF = re.compile(r"^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*):([A-Za-z_]\w*)$")
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


@attrs.frozen
class ClassRef:
    module: str
    name: str

    @property
    def import_line(self) -> str:
        return f"from {self.module} import {self.name}"


@attrs.frozen
class Mixins:
    async_bases: tuple[ClassRef, ...]
    sync_bases: tuple[ClassRef, ...]


@attrs.frozen
class ExtraService:
    name: str  # attribute on the account
    summary: str
    async_class: ClassRef
    sync_class: ClassRef


@attrs.frozen
class Extensions:
    mixins: dict[str, Mixins] = attrs.field(factory=dict)
    services: tuple[ExtraService, ...] = ()

    def fit(self, api: ir.Api) -> Extensions:
        """The extensions that apply to ``api``.

        A mixin for a service the description does not generate is left out with an
        :class:`ExtensionSkipped` warning, not refused: another description (Basecamp's
        published one groups uploads under ``files``) may arrange services differently,
        and generating from it must still work. The mixin's methods are then simply
        absent. An added service that shadows a generated one, or takes a reserved
        name, is an error: wiring either would change what ``account.<name>`` is.
        """
        generated = {s.name for s in api.services}
        for extra in self.services:
            if extra.name in ACCOUNT_RESERVED:
                raise SpecError(f"extensions: service name {extra.name!r} is reserved")
            if extra.name in generated:
                raise SpecError(
                    f"extensions: service {extra.name!r} is also generated from the description"
                )
        unknown = sorted(set(self.mixins) - generated)
        for service in unknown:
            bases = ", ".join(f"{r.module}:{r.name}" for r in self.mixins[service].async_bases)
            warnings.warn(
                f"extensions: no service {service!r} in the description; "
                f"its mixin ({bases}) is not wired in",
                ExtensionSkipped,
                stacklevel=2,
            )
        if not unknown:
            return self
        kept = {name: m for name, m in self.mixins.items() if name in generated}
        return Extensions(kept, self.services)


NONE = Extensions()


def _ref(value: Any, where: str) -> ClassRef:
    match = _REF.match(value) if isinstance(value, str) else None
    if match is None:
        raise SpecError(f"extensions: {where} must be 'package.module:ClassName', got {value!r}")
    return ClassRef(match.group(1), match.group(2))


def _refs(value: Any, where: str) -> tuple[ClassRef, ...]:
    items = value if isinstance(value, list) else [value]
    return tuple(_ref(v, where) for v in items)


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SpecError(f"extensions: {where} must be a mapping")
    return value


def parse(data: Any) -> Extensions:
    """The :class:`Extensions` a parsed YAML document declares."""
    root = _mapping(data, "the document")
    unknown = sorted(set(root) - {"mixins", "services"})
    if unknown:
        raise SpecError(f"extensions: unknown sections {unknown}")
    mixins: dict[str, Mixins] = {}
    for service, spec in _mapping(root.get("mixins"), "mixins").items():
        where = f"mixins.{service}"
        entry = _mapping(spec, where)
        if set(entry) != {"async", "sync"}:
            raise SpecError(f"extensions: {where} needs exactly 'async' and 'sync'")
        mixins[str(service)] = Mixins(
            _refs(entry["async"], where + ".async"), _refs(entry["sync"], where + ".sync")
        )
    services: list[ExtraService] = []
    for name, spec in _mapping(root.get("services"), "services").items():
        where = f"services.{name}"
        if not isinstance(name, str) or not _NAME.match(name):
            raise SpecError(f"extensions: {where}: the name must be a snake_case identifier")
        entry = _mapping(spec, where)
        if set(entry) != {"summary", "async", "sync"}:
            raise SpecError(f"extensions: {where} needs exactly 'summary', 'async' and 'sync'")
        services.append(
            ExtraService(
                name,
                str(entry["summary"]).strip(),
                _ref(entry["async"], where + ".async"),
                _ref(entry["sync"], where + ".sync"),
            )
        )
    return Extensions(mixins, tuple(sorted(services, key=lambda s: s.name)))


def load(path: str | Path) -> Extensions:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(f"extensions: cannot read {path}: {exc}") from None
    return parse(yaml.safe_load(text))
