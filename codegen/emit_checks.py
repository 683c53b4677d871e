"""Types as run-time checks: the ``Kind`` expressions generated code hands the core.

A service method checks each argument (``STR.check(CREATE_TODO, "content", content)``)
before anything is sent; a model class carries the kind of each field
(``Todo._field_kinds``) for strict decoding and for arguments that are models; a
merge-safe write knows the kind of each field it may send back. The kinds themselves
live in ``basecamp_client._core.kinds``; everything here is source text.
"""

from __future__ import annotations

from . import ir
from .loader import SpecError
from .names import upper_snake

#: The core's ready-made kinds, by IR kind.
SCALAR_KINDS = {
    "int": "INT",
    "float": "FLOAT",
    "bool": "BOOL",
    "str": "STR",
    "date": "DATE",
    "datetime": "DATETIME",
    "bytes": "BYTES",
    "any": "ANY",
}
#: Path parameters: ids are positive, text is not empty.
PATH_KINDS = {"int": "ID", "str": "TEXT"}
#: The combinators; with the names above, what a module may import for its kinds.
COMBINATORS = ("list_of", "dict_of", "model_of", "nullable", "secret")
CORE_NAMES = frozenset([*SCALAR_KINDS.values(), *PATH_KINDS.values(), *COMBINATORS])


def kind_expr(t: ir.TypeRef, *, none_ok: bool = False) -> str:
    """The expression of ``t``'s kind; ``none_ok`` (or a nullable ``t``) accepts ``None``."""
    if t.kind == "list":
        item = kind_expr(t.item) if t.item is not None else "ANY"
        text = f"list_of({item})"
    elif t.kind == "dict":
        text = f"dict_of({kind_expr(t.item)})" if t.item is not None else "dict_of()"
    elif t.kind == "model":
        assert t.model is not None
        text = f"model_of({t.model})"
    else:
        text = SCALAR_KINDS[t.kind]
    if (none_ok or t.nullable) and t.kind != "any":
        return f"nullable({text})"
    return text


def _label(t: ir.TypeRef) -> str:
    if t.kind == "list":
        return "LIST_" + (_label(t.item) if t.item is not None else "ANY")
    if t.kind == "dict":
        return "DICT_" + _label(t.item) if t.item is not None else "DICT"
    if t.kind == "model":
        assert t.model is not None
        return upper_snake(t.model)
    return t.kind.upper()


class ArgKinds:
    """The kinds one service module's checks use: the core's own names where they
    suffice, otherwise a module constant per distinct kind (``_K_LIST_INT``)."""

    def __init__(self) -> None:
        self._constants: dict[str, str] = {}  # expression -> constant name
        self._taken: set[str] = set()

    def name(
        self, t: ir.TypeRef, *, none_ok: bool, path: bool = False, secret: bool = False
    ) -> str:
        """The name a check calls ``.check`` on, for an argument of type ``t``; a
        ``secret`` one never shows its value in a message."""
        if path and t.kind in PATH_KINDS and not t.nullable and not secret:
            return PATH_KINDS[t.kind]
        expr = kind_expr(t, none_ok=none_ok)
        if secret:
            expr = f"secret({expr})"
        if expr in CORE_NAMES:
            return expr
        found = self._constants.get(expr)
        if found is None:
            base = "_K_" + _label(t) + ("_OR_NONE" if none_ok or t.nullable else "")
            base += "_SECRET" if secret else ""
            found, n = base, 2
            while found in self._taken:
                found, n = f"{base}_{n}", n + 1
            self._taken.add(found)
            self._constants[expr] = found
        return found

    def constants(self) -> list[tuple[str, str]]:
        """(name, expression) of every module constant, in a stable order."""
        return sorted((name, expr) for expr, name in self._constants.items())


def param_none_ok(op: ir.Operation, param: ir.Param) -> bool:
    """Whether a method lets ``None`` through its check (others refuse it by type).

    An optional query argument passed as ``None`` is not sent, like one left out; a
    create's body arguments go on to ``create_body``, which refuses ``None`` with its own
    message and turns ``NULL`` into ``null``; otherwise ``None`` is a value only of
    nullable types.
    """
    if param.location == "query":
        return not param.required or param.type.nullable
    if param.location == "body" and op.is_create:
        return True
    return param.type.nullable


def check_line(kinds: ArgKinds, op_constant: str, param: ir.Param, *, none_ok: bool) -> str:
    """One argument's check, as a statement."""
    name = kinds.name(
        param.type, none_ok=none_ok, path=param.location == "path", secret=param.secret
    )
    return f'{name}.check({op_constant}, "{param.name}", {param.name})'


def operation_checks(kinds: ArgKinds, op: ir.Operation) -> list[str]:
    """The checks a method runs first: every argument of the operation, in order."""
    return [check_line(kinds, op.constant, p, none_ok=param_none_ok(op, p)) for p in op.params]


def refuse_collisions(service: ir.Service) -> None:
    """An operation constant named like a core kind (an operation id ``Int``) would
    shadow it in the generated module."""
    clashing = sorted(op.id for op in service.operations if op.constant in CORE_NAMES)
    if clashing:
        raise SpecError(
            f"operation ids {clashing} of service {service.name} would shadow the "
            "generated code's type checks; rename them"
        )


def field_kind(field: ir.Field) -> str:
    """A model field's kind: ``None`` is a value wherever the annotation has ``| None``
    (an optional field, or a nullable one)."""
    return kind_expr(field.type, none_ok=not field.required)
