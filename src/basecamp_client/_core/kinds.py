"""The types of the description as run-time checks: one :class:`Kind` per type.

Three places ask "does this value have the type the description gives it?":

- every generated method, for each argument, before anything is sent
  (:meth:`Kind.check`, which raises :class:`UsageError`);
- a client with ``strict=True``, for every field of every model it decodes
  (:mod:`.strict`, which raises :class:`DecodeError`);
- a merge-safe write, for every value it would send back from the record it read
  (:mod:`.safe_write`).

The scalar kinds and the wrappers (:func:`nullable`, :func:`secret`) are here; lists,
JSON objects and models are in :mod:`.model_kinds`.

One vocabulary serves all three because they agree on what a value may be: a date is
a :class:`datetime.date` or ``YYYY-MM-DD`` text that parses (a decoder turns such text
into a date, so a decoded date field that still holds text is malformed), an ``int`` is
never a ``bool``, a number is never NaN or infinite, and a model is an instance of its
class whose fields match their own annotations. A ``None`` is accepted where the
annotation has ``| None`` (:attr:`Kind.none_ok`).

Enumerations are checked as ``str`` only: Basecamp adds values, and the models keep
values they do not know.

:meth:`Kind.check` is on the path of every call, so each kind overrides it with an
exact ``type(value) is …`` test first; the general tests run only when that fails.
"""

from __future__ import annotations

import copy
import datetime as _dt
import math
import reprlib
import sys
from typing import Any, ClassVar, NoReturn

import attrs

from .errors import UsageError
from .nulls import NULL
from .operation import Operation
from .unset import UNSET

_date = _dt.date
_datetime = _dt.datetime
_date_fromisoformat = _dt.date.fromisoformat
_datetime_fromisoformat = _dt.datetime.fromisoformat

_repr = reprlib.Repr()
_repr.maxstring = 60
_repr.maxother = 60
_repr.maxlist = _repr.maxtuple = _repr.maxset = _repr.maxfrozenset = 4
_repr.maxdict = 4


def describe(value: Any, *, secret: bool = False) -> str:
    """``str 'soon'``, ``int 42``, ``list [1, 2]``: the type, then a short repr
    (left out for a secret field)."""
    kind = type(value).__name__
    if value is None:
        return "None"
    if secret:
        return f"{kind} (value hidden)"
    if isinstance(value, _date):
        return f"{kind} {value.isoformat()}"
    return f"{kind} {_repr.repr(value)}"


@attrs.frozen(slots=True)
class Fault:
    """Where a value departs from its kind: ``path`` within the value (``[2]``,
    ``.assignees[0].name``), the kind ``expected`` there, the value ``got``, and
    ``field`` (``Person.name``) when the place is a field of a model."""

    path: str
    expected: str
    got: Any
    field: str = ""
    secret: bool = False

    def within(self, prefix: str) -> Fault:
        return attrs.evolve(self, path=prefix + self.path)

    def text(self, label: str) -> str:
        """``label`` (an argument or model name) with the path, what was expected there
        and what was found."""
        where = label + self.path
        if self.field and self.field != where:
            where += f" ({self.field})"
        return f"{where}: expected {self.expected}, got {describe(self.got, secret=self.secret)}"


class Kind:
    """One type of the description. ``name`` reads well in a message ("a date");
    ``none_ok`` says whether ``None`` is a value of it (the annotation has ``| None``).

    Subclasses implement :meth:`accepts` (for a value that is not ``None``) and may
    override :meth:`fault` (where a composite value went wrong) and :meth:`check` (a
    faster test for the common case, falling back on :meth:`_refuse_unless_fits`).
    """

    __slots__ = ("_twin", "name", "none_ok")

    #: A credential's kind: its values never appear in a message (see :func:`secret`).
    secret: ClassVar[bool] = False

    def __init__(self, name: str, *, none_ok: bool = False) -> None:
        self.name = name
        self.none_ok = none_ok
        self._twin: Kind | None = None

    def __repr__(self) -> str:
        return f"<Kind {self.name}{' | None' if self.none_ok else ''}>"

    def or_none(self) -> Kind:
        """This kind, with ``None`` accepted too."""
        if self.none_ok:
            return self
        twin = self._twin
        if twin is None:  # made once: generated modules ask for the same ones often
            twin = self._twin = copy.copy(self)
            twin.none_ok = True
            twin._twin = twin
        return twin

    def accepts(self, value: Any) -> bool:
        raise NotImplementedError

    def fits(self, value: Any) -> bool:
        """``accepts``, with ``None`` decided by :attr:`none_ok`."""
        return self.none_ok if value is None else self.accepts(value)

    def fault(self, value: Any) -> Fault | None:
        """Why ``value`` is not of this kind; ``None`` when it is."""
        if self.fits(value):
            return None
        return Fault("", self.name, value)

    def check(self, op: Operation, name: str, value: Any) -> None:
        """Refuse argument ``name`` of ``op`` unless it is of this kind. ``UNSET`` (not
        passed) always passes; ``None`` and ``NULL`` pass when :attr:`none_ok` (the
        caller decides what they mean: a create's ``NULL``, an update's clear)."""
        if value is UNSET:
            return
        self._refuse_unless_fits(op, name, value)

    def _refuse_unless_fits(self, op: Operation, name: str, value: Any) -> None:
        if value is None or value is NULL:
            if self.none_ok:
                return
            refuse(op, name, Fault("", self.name, None))
        if self.accepts(value):
            return
        refuse(op, name, self.fault(value) or Fault("", self.name, value))


def refuse(op: Operation, name: str, fault: Fault) -> NoReturn:
    hint = None
    if fault.got is None and not fault.path:
        hint = f"leave {name} out rather than passing None"
    raise UsageError(f"{op.id}: {fault.text(name)}", operation_id=op.id, hint=hint)


# -- scalars ------------------------------------------------------------------------------


class _Int(Kind):
    __slots__ = ()

    def accepts(self, value: Any) -> bool:
        return type(value) is int or (isinstance(value, int) and not isinstance(value, bool))

    def check(self, op: Operation, name: str, value: Any) -> None:
        if type(value) is int or value is UNSET:
            return
        self._refuse_unless_fits(op, name, value)


class _Id(Kind):
    """A path parameter that is a number: a positive ``int`` (never ``bool``)."""

    __slots__ = ()

    def accepts(self, value: Any) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and value > 0

    def check(self, op: Operation, name: str, value: Any) -> None:
        if type(value) is int and value > 0:
            return
        self._refuse_unless_fits(op, name, value)


class _Float(Kind):
    __slots__ = ()

    def accepts(self, value: Any) -> bool:
        if isinstance(value, float):
            return math.isfinite(value)
        return isinstance(value, int) and not isinstance(value, bool)

    def check(self, op: Operation, name: str, value: Any) -> None:
        if (type(value) is float and math.isfinite(value)) or type(value) is int:
            return
        if value is UNSET:
            return
        self._refuse_unless_fits(op, name, value)


class _Bool(Kind):
    __slots__ = ()

    def accepts(self, value: Any) -> bool:
        return value is True or value is False

    def check(self, op: Operation, name: str, value: Any) -> None:
        if value is True or value is False or value is UNSET:
            return
        self._refuse_unless_fits(op, name, value)


class _Str(Kind):
    __slots__ = ()

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str)

    def check(self, op: Operation, name: str, value: Any) -> None:
        if type(value) is str or value is UNSET:
            return
        self._refuse_unless_fits(op, name, value)


class _Text(Kind):
    """A path parameter that is text: a non-empty ``str``."""

    __slots__ = ()

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str) and value != ""


def _is_iso_date(text: str) -> bool:
    # Only the form Basecamp writes (fromisoformat takes more from Python 3.11 on,
    # e.g. "20260105", which would be sent as typed).
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return False
    try:
        _date_fromisoformat(text)
    except ValueError:
        return False
    return True


class _Date(Kind):
    __slots__ = ()

    def accepts(self, value: Any) -> bool:
        if isinstance(value, _date):
            return not isinstance(value, _datetime)
        return isinstance(value, str) and _is_iso_date(value)

    def check(self, op: Operation, name: str, value: Any) -> None:
        if type(value) is _date or value is UNSET:
            return
        if type(value) is str and _is_iso_date(value):
            return
        self._refuse_unless_fits(op, name, value)


if sys.version_info >= (3, 11):

    def _is_iso_datetime(text: str) -> bool:
        try:
            _datetime_fromisoformat(text)
        except ValueError:
            return False
        return True

else:

    def _is_iso_datetime(text: str) -> bool:
        try:
            _datetime_fromisoformat(text[:-1] + "+00:00" if text[-1:] == "Z" else text)
        except ValueError:
            return False
        return True


class _Datetime(Kind):
    __slots__ = ()

    def accepts(self, value: Any) -> bool:
        if isinstance(value, _datetime):
            return True
        return isinstance(value, str) and _is_iso_datetime(value)

    def check(self, op: Operation, name: str, value: Any) -> None:
        if type(value) is _datetime or value is UNSET:
            return
        if type(value) is str and _is_iso_datetime(value):
            return
        self._refuse_unless_fits(op, name, value)


class _Bytes(Kind):
    __slots__ = ()

    def accepts(self, value: Any) -> bool:
        return isinstance(value, (bytes, bytearray, memoryview))


class _Any(Kind):
    __slots__ = ()

    def accepts(self, value: Any) -> bool:
        return True

    def check(self, op: Operation, name: str, value: Any) -> None:
        return


INT: Kind = _Int("an int")
ID: Kind = _Id("a positive int")
FLOAT: Kind = _Float("a finite number")
BOOL: Kind = _Bool("a bool (True or False)")
STR: Kind = _Str("a str")
TEXT: Kind = _Text("a non-empty str")
DATE: Kind = _Date("a date (datetime.date or 'YYYY-MM-DD')")
DATETIME: Kind = _Datetime("a datetime (datetime.datetime or ISO 8601 text)")
BYTES: Kind = _Bytes("bytes")
ANY: Kind = _Any("any value", none_ok=True)


# -- wrappers -----------------------------------------------------------------------------


class Secret(Kind):
    """``inner``, for a credential: a value that does not fit is described by its type
    only, never shown."""

    __slots__ = ("inner",)
    secret: ClassVar[bool] = True

    def __init__(self, inner: Kind, *, none_ok: bool | None = None) -> None:
        super().__init__(inner.name, none_ok=inner.none_ok if none_ok is None else none_ok)
        self.inner = inner

    def accepts(self, value: Any) -> bool:
        return self.inner.accepts(value)

    def fault(self, value: Any) -> Fault | None:
        fault = self.inner.fault(value) if value is not None or not self.none_ok else None
        return attrs.evolve(fault, secret=True) if fault is not None else None


def secret(kind: Kind) -> Kind:
    return Secret(kind)


def nullable(kind: Kind) -> Kind:
    return kind.or_none()
