"""Kinds of composite values: lists, JSON objects, and models with their field tables.

See :mod:`.kinds` for what a kind is and where the three checks (arguments, strict
decoding, safe writes) use them. A generated model class carries a :class:`FieldKinds`
as ``_field_kinds``: the kind of each of its fields.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import attrs

from .kinds import INT, Fault, Kind
from .operation import Operation
from .unset import UNSET

_COLLECTIONS = (list, tuple, set, frozenset)


def _short(kind: Kind) -> str:
    """A kind's name inside another's: ``int`` rather than ``an int``."""
    text = kind.name.split(" (")[0]
    for article in ("an ", "a "):
        if text.startswith(article):
            return text[len(article) :]
    return text


class ListOf(Kind):
    """A JSON array: a list (a tuple or set is sent as one too) whose items are ``item``."""

    __slots__ = ("item",)

    def __init__(self, item: Kind, *, none_ok: bool = False) -> None:
        super().__init__(f"a list of {_short(item)}", none_ok=none_ok)
        self.item = item

    def accepts(self, value: Any) -> bool:
        if not isinstance(value, _COLLECTIONS):
            return False
        fits = self.item.fits
        for v in value:  # noqa: SIM110  (a loop: all() over a generator is slower here)
            if not fits(v):
                return False
        return True

    def fault(self, value: Any) -> Fault | None:
        if not isinstance(value, _COLLECTIONS):
            return Fault("", self.name, value)
        for index, item in enumerate(value):
            fault = self.item.fault(item)
            if fault is not None:
                return fault.within(f"[{index}]")
        return None

    def check(self, op: Operation, name: str, value: Any) -> None:
        if value is UNSET:
            return
        if type(value) is list:
            item = self.item
            if item is INT:  # ids, the common case: one pass, no calls
                for v in value:
                    if type(v) is not int:
                        break
                else:
                    return
        self._refuse_unless_fits(op, name, value)


class DictOf(Kind):
    """A JSON object: a mapping with ``str`` keys whose values are ``item`` (any value
    when ``item`` is ``None``)."""

    __slots__ = ("item",)

    def __init__(self, item: Kind | None, *, none_ok: bool = False) -> None:
        name = f"a dict of str to {_short(item)}" if item is not None else "a dict"
        super().__init__(name, none_ok=none_ok)
        self.item = item

    def accepts(self, value: Any) -> bool:
        return self.fault(value) is None

    def fault(self, value: Any) -> Fault | None:
        if value is None:
            return None if self.none_ok else Fault("", self.name, value)
        if not isinstance(value, Mapping):
            return Fault("", self.name, value)
        for key, item in value.items():
            if not isinstance(key, str):
                return Fault("", "str keys", key)
            if self.item is not None:
                fault = self.item.fault(item)
                if fault is not None:
                    return fault.within(f"[{key!r}]")
        return None


@attrs.frozen(slots=True)
class FieldKinds:
    """The kind of every field of one model class, by attribute name, in wire order;
    ``secret`` names the fields whose values never appear in a message. The generator
    sets one on each model class as ``_field_kinds``."""

    model: str
    fields: tuple[tuple[str, Kind], ...]
    secret: frozenset[str] = frozenset()
    #: Reads every field at once (one C call rather than one ``getattr`` per field).
    _values: Callable[[Any], tuple[Any, ...]] = attrs.field(
        init=False, eq=False, repr=False, default=None
    )
    _kinds: tuple[Kind, ...] = attrs.field(init=False, eq=False, repr=False, default=())

    def __attrs_post_init__(self) -> None:
        names = [name for name, _kind in self.fields]
        getter: Callable[[Any], Any]
        if len(names) > 1:
            getter = operator.attrgetter(*names)
        else:  # attrgetter of a single name returns the value, not a tuple
            getter = _single(names[0]) if names else _none
        object.__setattr__(self, "_values", getter)
        object.__setattr__(self, "_kinds", tuple(kind for _name, kind in self.fields))

    def fault(self, obj: Any) -> Fault | None:
        """The first field of ``obj`` whose value does not match its annotation."""
        try:
            values = self._values(obj)
        except AttributeError:  # not an instance of the model (or a stand-in lacking one)
            values = tuple(getattr(obj, name, None) for name, _kind in self.fields)
        for index, value in enumerate(values):
            kind = self._kinds[index]
            if value is None:
                if kind.none_ok:
                    continue
            elif kind.accepts(value):
                continue
            return self._at(self.fields[index][0], kind, value)
        return None

    def _at(self, attr: str, kind: Kind, value: Any) -> Fault:
        fault = kind.fault(value) or Fault("", kind.name, value)
        return attrs.evolve(
            fault.within(f".{attr}"),
            field=fault.field or f"{self.model}.{attr}",
            secret=fault.secret or attr in self.secret,
        )


def _single(name: str) -> Callable[[Any], tuple[Any, ...]]:
    get = operator.attrgetter(name)
    return lambda obj: (get(obj),)


def _none(obj: Any) -> tuple[Any, ...]:
    return ()


class ModelOf(Kind):
    """An instance of a generated model class whose fields match their annotations."""

    __slots__ = ("cls",)

    #: How a model class's field kinds are found (set by the generated module).
    ATTRIBUTE: ClassVar[str] = "_field_kinds"

    def __init__(self, cls: type, *, none_ok: bool = False) -> None:
        super().__init__(cls.__name__, none_ok=none_ok)
        self.cls = cls

    def accepts(self, value: Any) -> bool:
        if not isinstance(value, self.cls):
            return False
        kinds: FieldKinds | None = getattr(type(value), self.ATTRIBUTE, None)
        return kinds is None or kinds.fault(value) is None

    def fault(self, value: Any) -> Fault | None:
        if value is None:
            return None if self.none_ok else Fault("", self.name, value)
        if not isinstance(value, self.cls):
            hint = self.name
            if isinstance(value, Mapping):
                hint += f" (build one: {self.name}(...) or {self.name}.from_dict(...))"
            return Fault("", hint, value)
        kinds: FieldKinds | None = getattr(type(value), self.ATTRIBUTE, None)
        return kinds.fault(value) if kinds is not None else None


def list_of(item: Kind) -> Kind:
    return ListOf(item)


def dict_of(item: Kind | None = None) -> Kind:
    return DictOf(item)


def model_of(cls: type) -> Kind:
    return ModelOf(cls)


def model_fault(value: Any) -> Fault | None:
    """For a model instance, the first field whose value does not match its annotation;
    ``None`` for anything else, or a model whose fields all match."""
    kinds: FieldKinds | None = getattr(type(value), ModelOf.ATTRIBUTE, None)
    return kinds.fault(value) if kinds is not None else None
