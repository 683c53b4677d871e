"""Schemas → models and types (:mod:`codegen.ir`), for :mod:`codegen.build`.

- Every component schema with ``properties`` becomes an attrs class. Aliases (a bare
  ``$ref``, an array of one, a scalar) are resolved where they are used, which is how
  Basecamp's ``…ResponseContent`` wrappers disappear; object wrappers keep a model named
  without the ``Content`` suffix. Inline objects become models named after where they sit
  (``<Parent><Property>``).
- Class names never take a name the generated modules import themselves; a clash gets a
  number (``Person2``). Models that refer to each other in a cycle share a module.
"""

from __future__ import annotations

from typing import Any

from . import ir
from .loader import Document, SpecError, resolve_pointer
from .names import pascal, snake

_SCHEMA_PREFIX = "#/components/schemas/"
_WRAPPER_SUFFIXES = ("ResponseContent", "RequestContent")
# The IR kind of a JSON scalar type, and of a string with one of these formats.
_SCALAR_TYPES: dict[str, ir.TypeKind] = {"integer": "int", "number": "float", "boolean": "bool"}
_STRING_FORMATS: dict[str, ir.TypeKind] = {
    "date-time": "datetime",
    "date": "date",
    "binary": "bytes",
}
# Attribute names every model class defines itself.
_MODEL_RESERVED = frozenset({"extra", "from_dict", "to_dict"})
# Names the generated modules import themselves: no model may take one.
_RESERVED_CLASS_NAMES = frozenset(
    {
        "Any",
        "Mapping",
        "ClassVar",
        "TYPE_CHECKING",
        "attrs",
        "builtins",
        "cast",
        "UNSET",
        "Unset",
        "Operation",
        "RetrySpec",
        "PaginationSpec",
        "WriteSemantics",
        "AccountSession",
        "AsyncPaginator",
        "AsyncWrappedPaginator",
        "Runner",
        "SyncPaginator",
        "SyncWrappedPaginator",
        "UploadSource",
        "ProgressCallback",
        "AsyncAccountBase",
        "SyncAccountBase",
        "AsyncAccount",
        "SyncAccount",
        # safe writes and creates
        "MergeField",
        "MergeSpec",
        "AsyncEdit",
        "SyncEdit",
        "EditDraft",
        "Null",
        "NULL",
        "partial",
    }
)


def text_of(value: Any) -> str:
    """A description's text, stripped; ``""`` for anything that is not a string."""
    return value.strip() if isinstance(value, str) else ""


class Schemas:
    """The models of a description: those of its component schemas, planned first, and the
    inline objects :meth:`type_of` meets while operations are built."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.components: dict[str, Any] = (doc.get("components") or {}).get("schemas") or {}
        self.model_names: dict[str, str] = {}  # component name → class name
        self.models: dict[str, ir.Model] = {}  # class name → model
        self._pending: list[tuple[str, str, dict[str, Any]]] = []  # (class, source, schema)
        # Names the generated modules import themselves; a model may not take them.
        self._taken: set[str] = set(_RESERVED_CLASS_NAMES)
        # id() of an inline object schema → its model (the document outlives the builder).
        self._inline: dict[int, str] = {}

    # -- models -------------------------------------------------------------------------

    def is_object(self, schema: Any) -> bool:
        if not isinstance(schema, dict):
            return False
        if "properties" in schema or "allOf" in schema:
            return schema.get("type") in (None, "object", ["object", "null"])
        return False

    def deref(self, schema: Any) -> Any:
        seen: set[str] = set()
        while isinstance(schema, dict) and "$ref" in schema:
            ref = schema["$ref"]
            if ref in seen:
                raise SpecError(f"reference cycle through {ref}")
            seen.add(ref)
            schema = resolve_pointer(self.doc, ref)
        return schema

    def claim(self, wanted: str) -> str:
        """``wanted``, or ``wanted2``, … when a generated name already has it."""
        name, n = wanted, 2
        while name in self._taken:
            name, n = f"{wanted}{n}", n + 1
        self._taken.add(name)
        return name

    def plan_component_models(self) -> None:
        for component, schema in self.components.items():
            if not self.is_object(schema):
                continue
            base = component
            for suffix in _WRAPPER_SUFFIXES:
                if base.endswith(suffix) and len(base) > len(suffix):
                    base = base[: -len("Content")]
            self.model_names[component] = self.claim(pascal(base))

    def build_models(self) -> None:
        for component, name in self.model_names.items():
            self._pending.append((name, component, self.components[component]))
        while self._pending:
            name, source, schema = self._pending.pop(0)
            self.models[name] = self._model(name, source, schema)

    def merged_properties(self, schema: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
        props: dict[str, Any] = {}
        required: set[str] = set()
        for part in schema.get("allOf") or []:
            sub_props, sub_required = self.merged_properties(self.deref(part))
            props.update(sub_props)
            required |= sub_required
        props.update(schema.get("properties") or {})
        required |= {r for r in schema.get("required") or [] if isinstance(r, str)}
        return props, required

    def is_secret(self, schema: Any) -> bool:
        """A credential (``x-basecamp-sensitive: {category: credential}``): its value
        never appears in a repr or a message."""
        if not isinstance(schema, dict):
            return False
        sensitive = schema.get("x-basecamp-sensitive")
        if not isinstance(sensitive, dict) and "$ref" in schema:
            sensitive = (self.deref(schema) or {}).get("x-basecamp-sensitive")
        return isinstance(sensitive, dict) and sensitive.get("category") == "credential"

    def _model(self, name: str, source: str, schema: dict[str, Any]) -> ir.Model:
        props, required = self.merged_properties(schema)
        fields: list[ir.Field] = []
        used: set[str] = set(_MODEL_RESERVED)
        for wire, prop in props.items():
            attr = snake(wire)
            while attr in used:
                attr += "_"
            used.add(attr)
            prop = prop if isinstance(prop, dict) else {}
            secret = self.is_secret(prop)
            fields.append(
                ir.Field(
                    name=attr,
                    wire=wire,
                    type=self.type_of(prop, name + pascal(wire)),
                    required=wire in required,
                    description=text_of(prop.get("description")),
                    secret=secret,
                    deprecated=prop.get("deprecated") is True,
                )
            )
        return ir.Model(
            name=name,
            module="",  # assigned once every model is known (see assign_modules)
            fields=tuple(fields),
            description=text_of(schema.get("description")),
            schema_name=source,
        )

    # -- types --------------------------------------------------------------------------

    def type_of(self, schema: Any, context: str) -> ir.TypeRef:
        """The Python type of a schema; ``context`` names an inline object's model."""
        if not isinstance(schema, dict):
            return ir.TypeRef("any")
        nullable = schema.get("x-nullable") is True
        ref = schema.get("$ref")
        if isinstance(ref, str):
            component = ref[len(_SCHEMA_PREFIX) :] if ref.startswith(_SCHEMA_PREFIX) else None
            if component in self.model_names:
                return ir.TypeRef("model", nullable=nullable, model=self.model_names[component])
            target = resolve_pointer(self.doc, ref)
            inner = self.type_of(target, pascal(component or context))
            return inner.with_nullable(inner.nullable or nullable)
        kind = schema.get("type")
        if isinstance(kind, list):
            nullable = nullable or "null" in kind
            rest = [k for k in kind if k != "null"]
            kind = rest[0] if len(rest) == 1 else None
        for combinator in ("oneOf", "anyOf"):
            options = schema.get(combinator)
            if isinstance(options, list) and options:
                if len(options) == 1:
                    inner = self.type_of(options[0], context)
                    return inner.with_nullable(inner.nullable or nullable)
                return ir.TypeRef("any", nullable=nullable)
        if kind == "string":
            fmt = schema.get("format")
            if isinstance(fmt, str) and fmt in _STRING_FORMATS:
                return ir.TypeRef(_STRING_FORMATS[fmt], nullable=nullable)
            enum = tuple(str(v) for v in schema.get("enum") or () if v is not None)
            return ir.TypeRef("str", nullable=nullable, enum=enum)
        if isinstance(kind, str) and kind in _SCALAR_TYPES:
            return ir.TypeRef(_SCALAR_TYPES[kind], nullable=nullable)
        if kind == "array":
            return ir.TypeRef(
                "list", nullable=nullable, item=self.type_of(schema.get("items"), context + "Item")
            )
        if self.is_object(schema):
            # The same inline object reached twice (a wrapped page's list, seen as the
            # page's items and as a field of the wrapper) is one model.
            name = self._inline.get(id(schema), "")
            if not name:
                name = self.claim(pascal(context))
                self._inline[id(schema)] = name
                self._pending.append((name, context, schema))
            return ir.TypeRef("model", nullable=nullable, model=name)
        if kind == "object" or "additionalProperties" in schema:
            extra = schema.get("additionalProperties")
            item = (
                self.type_of(extra, context + "Value")
                if isinstance(extra, dict)
                else ir.TypeRef("any")
            )
            return ir.TypeRef("dict", nullable=nullable, item=item)
        return ir.TypeRef("any", nullable=nullable)


def assign_modules(models: dict[str, ir.Model]) -> dict[str, ir.Model]:
    """One module per model, except that models referring to each other in a cycle
    share one (mutual imports between modules would fail)."""
    graph = {name: sorted(m.dependencies() & models.keys()) for name, m in models.items()}
    module_of: dict[str, str] = {}
    for component in _strongly_connected(graph):
        module = snake(min(component))
        for name in component:
            module_of[name] = module
    taken: dict[str, str] = {}
    for name in sorted(models):
        module = module_of[name]
        owner = min(n for n in models if module_of[n] == module_of[name])
        while taken.get(module, owner) != owner:
            module += "_"
        taken[module] = owner
        module_of[name] = module
    return {name: _evolve_module(m, module_of[name]) for name, m in models.items()}


def _evolve_module(model: ir.Model, module: str) -> ir.Model:
    import attrs

    return attrs.evolve(model, module=module)


def _strongly_connected(graph: dict[str, list[str]]) -> list[list[str]]:
    """Groups of nodes that reach each other (a few hundred models: plain search is fine)."""

    def reachable(start: str) -> set[str]:
        seen: set[str] = set()
        todo = list(graph[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(graph[node])
        return seen

    reach = {node: reachable(node) for node in graph}
    groups: dict[str, list[str]] = {}
    for node in sorted(graph):
        cycle = sorted(n for n in reach[node] if node in reach[n]) or [node]
        groups.setdefault(min([*cycle, node]), []).append(node)
    return sorted(groups.values())
