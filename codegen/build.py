"""From a normalised description to the IR (:mod:`codegen.ir`).

Decisions made here, once, for every template:

- **Models.** Every component schema with ``properties`` becomes an attrs class.
  Aliases (a bare ``$ref``, an array
  of one, a scalar) are resolved where they are used, which is how Basecamp's
  ``…ResponseContent`` wrappers disappear; object wrappers keep a model named without
  the ``Content`` suffix. Inline objects become models named after where they sit
  (``<Parent><Property>``).
- **Arguments.** Path parameters, query parameters (``[]`` stripped) and JSON body
  properties become keyword arguments, snake_cased. A clash is settled by priority
  path > query > body: the loser is prefixed with its location (``query_status``,
  ``body_name``). Names the method itself needs (``max_items``, ``source``, …) count as
  taken. A raw-bytes upload's ``name`` query parameter is the file name: the method's
  own ``name`` argument fills it.
- **Responses.** The lowest 2xx status is the success status. No JSON content →
  ``None``; ``x-basecamp-pagination`` → a paginator over the list's items; a list →
  ``list[Model]``; an object → the model.
"""

from __future__ import annotations

import re
from typing import Any

from . import ir
from .loader import Document, SpecError, resolve_pointer
from .merge import resolve as resolve_merge
from .names import method_name, pascal, safe_identifier, snake, unique_method_names
from .normalise import operations

_SCHEMA_PREFIX = "#/components/schemas/"
_WRAPPER_SUFFIXES = ("ResponseContent", "RequestContent")
# Attribute names every model class defines itself.
_MODEL_RESERVED = frozenset({"extra", "from_dict", "to_dict"})
# Service attributes the account base classes define.
ACCOUNT_RESERVED = frozenset({"call", "account_id", "OPERATIONS"})
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
_PLACEHOLDER = re.compile(r"\{([^}]+)\}")
# The arguments every file-sending method has (the source is the one positional).
UPLOAD_ARGUMENTS = ("source", "name", "content_type", "size", "progress")
# A raw-bytes upload's query parameter that carries the file name (``?name=…``).
FILE_NAME_QUERY = "name"


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _summary(op: dict[str, Any]) -> str:
    summary = _text(op.get("summary"))
    if summary:
        return summary
    description = _text(op.get("description"))
    return description.split("\n", 1)[0].strip() if description else ""


class _Builder:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.schemas: dict[str, Any] = (doc.get("components") or {}).get("schemas") or {}
        self.model_names: dict[str, str] = {}  # component name → class name
        self.models: dict[str, ir.Model] = {}  # class name → model
        self._pending: list[tuple[str, str, dict[str, Any]]] = []  # (class, source, schema)
        # Names the generated modules import themselves; a model may not take them.
        self._taken: set[str] = set(_RESERVED_CLASS_NAMES)
        self.merges: dict[str, Any] = {}  # operation id → its raw x-sdk-merge
        # id() of an inline object schema → its model (the document outlives the builder).
        self._inline: dict[int, str] = {}

    # -- models -------------------------------------------------------------------------

    def _is_object(self, schema: Any) -> bool:
        if not isinstance(schema, dict):
            return False
        if "properties" in schema or "allOf" in schema:
            return schema.get("type") in (None, "object", ["object", "null"])
        return False

    def _deref(self, schema: Any) -> Any:
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
        return self._claim(wanted)

    def _claim(self, wanted: str) -> str:
        name, n = wanted, 2
        while name in self._taken:
            name, n = f"{wanted}{n}", n + 1
        self._taken.add(name)
        return name

    def plan_component_models(self) -> None:
        for component, schema in self.schemas.items():
            if not self._is_object(schema):
                continue
            base = component
            for suffix in _WRAPPER_SUFFIXES:
                if base.endswith(suffix) and len(base) > len(suffix):
                    base = base[: -len("Content")]
            self.model_names[component] = self._claim(pascal(base))

    def build_models(self) -> None:
        for component, name in self.model_names.items():
            self._pending.append((name, component, self.schemas[component]))
        while self._pending:
            name, source, schema = self._pending.pop(0)
            self.models[name] = self._model(name, source, schema)

    def _merged_properties(self, schema: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
        props: dict[str, Any] = {}
        required: set[str] = set()
        for part in schema.get("allOf") or []:
            sub_props, sub_required = self._merged_properties(self._deref(part))
            props.update(sub_props)
            required |= sub_required
        props.update(schema.get("properties") or {})
        required |= {r for r in schema.get("required") or [] if isinstance(r, str)}
        return props, required

    def _is_secret(self, schema: Any) -> bool:
        """A credential (``x-basecamp-sensitive: {category: credential}``): its value
        never appears in a repr or a message."""
        if not isinstance(schema, dict):
            return False
        sensitive = schema.get("x-basecamp-sensitive")
        if not isinstance(sensitive, dict) and "$ref" in schema:
            sensitive = (self._deref(schema) or {}).get("x-basecamp-sensitive")
        return isinstance(sensitive, dict) and sensitive.get("category") == "credential"

    def _model(self, name: str, source: str, schema: dict[str, Any]) -> ir.Model:
        props, required = self._merged_properties(schema)
        fields: list[ir.Field] = []
        used: set[str] = set(_MODEL_RESERVED)
        for wire, prop in props.items():
            attr = snake(wire)
            while attr in used:
                attr += "_"
            used.add(attr)
            prop = prop if isinstance(prop, dict) else {}
            secret = self._is_secret(prop)
            fields.append(
                ir.Field(
                    name=attr,
                    wire=wire,
                    type=self.type_of(prop, name + pascal(wire)),
                    required=wire in required,
                    description=_text(prop.get("description")),
                    secret=secret,
                    deprecated=prop.get("deprecated") is True,
                )
            )
        return ir.Model(
            name=name,
            module="",  # assigned once every model is known (see assign_modules)
            fields=tuple(fields),
            description=_text(schema.get("description")),
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
            enum = tuple(str(v) for v in schema.get("enum") or () if v is not None)
            if fmt == "date-time":
                return ir.TypeRef("datetime", nullable=nullable)
            if fmt == "date":
                return ir.TypeRef("date", nullable=nullable)
            if fmt == "binary":
                return ir.TypeRef("bytes", nullable=nullable)
            return ir.TypeRef("str", nullable=nullable, enum=enum)
        if kind == "integer":
            return ir.TypeRef("int", nullable=nullable)
        if kind == "number":
            return ir.TypeRef("float", nullable=nullable)
        if kind == "boolean":
            return ir.TypeRef("bool", nullable=nullable)
        if kind == "array":
            return ir.TypeRef(
                "list", nullable=nullable, item=self.type_of(schema.get("items"), context + "Item")
            )
        if self._is_object(schema):
            # The same inline object reached twice (a wrapped page's list, seen as the
            # page's items and as a field of the wrapper) is one model.
            name = self._inline.get(id(schema), "")
            if not name:
                name = self._claim(pascal(context))
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

    # -- operations ---------------------------------------------------------------------

    def build_operations(self) -> list[ir.Operation]:
        found: list[ir.Operation] = []
        seen_ids: set[str] = set()
        for path, method, op in operations(self.doc):
            op_id = op.get("operationId")
            if not isinstance(op_id, str) or not op_id:
                raise SpecError(f"{method.upper()} {path}: operationId is missing")
            if op_id in seen_ids:
                raise SpecError(f"operationId {op_id!r} is used twice")
            seen_ids.add(op_id)
            found.append(self._operation(path, method, op, op_id))
        return found

    def _parameters(self, path: str, op: dict[str, Any]) -> list[dict[str, Any]]:
        item = (self.doc.get("paths") or {}).get(path) or {}
        merged: dict[tuple[str, str], dict[str, Any]] = {}
        for source in (item.get("parameters") or [], op.get("parameters") or []):
            for raw in source:
                param = self._deref(raw)
                if isinstance(param, dict) and "name" in param and "in" in param:
                    merged[(param["in"], param["name"])] = param
        return list(merged.values())

    def _operation(self, path: str, method: str, op: dict[str, Any], op_id: str) -> ir.Operation:
        service = op["tags"][0]
        where = f"{op_id} ({method.upper()} {path})"
        params = self._parameters(path, op)
        path_params = tuple(_PLACEHOLDER.findall(path))
        declared = {p["name"] for p in params if p["in"] == "path"}
        missing = [p for p in path_params if p not in declared]
        if missing:
            raise SpecError(f"{where}: path placeholders without a parameter: {missing}")

        taken: set[str] = {"self"}
        args: list[ir.Param] = []

        def add(wire: str, location: str, schema: Any, required: bool, raw: dict[str, Any]) -> None:
            base = snake(wire.removesuffix("[]"))
            name = base
            if name in taken:
                name = safe_identifier(f"{location}_{base}")
            n = 2
            while name in taken:
                name, n = f"{location}_{base}_{n}", n + 1
            taken.add(name)
            args.append(
                ir.Param(
                    name=name,
                    wire=wire,
                    location=location,  # type: ignore[arg-type]
                    type=self.type_of(schema, pascal(op_id) + pascal(base)),
                    required=required,
                    description=_text(raw.get("description"))
                    or _text((schema or {}).get("description")),
                    deprecated=raw.get("deprecated") is True
                    or (isinstance(schema, dict) and schema.get("deprecated") is True),
                    secret=self._is_secret(raw) or self._is_secret(schema),
                )
            )

        by_name = {p["name"]: p for p in params if p["in"] == "path"}
        for placeholder in path_params:
            raw = by_name[placeholder]
            add(placeholder, "path", raw.get("schema"), True, raw)

        pagination = self._pagination(op)
        if pagination is not None:
            taken |= {"max_items", "max_pages"}

        body_kind, body_required, multipart_field, body_param, body_fields = self._body(op, where)
        name_query: str | None = None
        if body_kind in ("binary", "multipart"):
            taken |= set(UPLOAD_ARGUMENTS)

        for raw in params:
            if raw["in"] == "query":
                if body_kind == "binary" and raw["name"] == FILE_NAME_QUERY:
                    # The file's name: the upload's own ``name`` argument (derived from
                    # a path when left out) fills it.
                    name_query = raw["name"]
                    continue
                add(raw["name"], "query", raw.get("schema"), raw.get("required") is True, raw)

        if body_param is not None:
            schema = body_fields[0][1] if body_fields else None
            add("body", "body", schema, body_required, {})
            body_param = args[-1].name
        else:
            for wire, schema, required in body_fields:
                add(wire, "body", schema, required, schema if isinstance(schema, dict) else {})

        ordered = (
            [a for a in args if a.location == "path"]
            + [a for a in args if a.location != "path" and a.required]
            + [a for a in args if a.location != "path" and not a.required]
        )

        if "x-sdk-merge" in op:
            self.merges[op_id] = op["x-sdk-merge"]

        status, response_schema = self._success(op, where)
        kind: ir.ResponseKind
        rtype: ir.TypeRef | None = None
        wrapper: ir.TypeRef | None = None
        context = pascal(op_id) + "Response"
        if response_schema is None:
            kind = "none"
        elif pagination is not None:
            kind = "paginated"
            rtype = self._page_item(response_schema, pagination, context, where)
            wrapper = self._page_wrapper(response_schema, pagination, context)
        else:
            resolved = self.type_of(response_schema, context)
            if resolved.kind == "list" and resolved.item is not None:
                kind, rtype = "list", resolved.item
            elif resolved.kind == "model":
                kind, rtype = "model", resolved
            else:
                kind, rtype = "value", resolved

        return ir.Operation(
            id=op_id,
            service=service,
            method_name=op.get("x-sdk-method") or "",
            http_method=method.upper(),
            path=path,
            path_params=path_params,
            params=tuple(ordered),
            response_kind=kind,
            response_type=rtype,
            success_status=status,
            summary=_summary(op),
            description=_text(op.get("description")) if _text(op.get("summary")) else "",
            body_kind=body_kind,
            body_required=body_required,
            multipart_field=multipart_field,
            name_query=name_query,
            body_param=body_param,
            idempotent=_idempotent(op),
            retry=_retry(op, where),
            pagination=pagination,
            page_wrapper=wrapper,
            write_semantics=_write_semantics(op),
            deprecated=op.get("deprecated") is True,
            account_scoped=op.get("x-account-scoped") is not False,
        )

    def _body(
        self, op: dict[str, Any], where: str
    ) -> tuple[ir.BodyKind | None, bool, str | None, str | None, list[tuple[str, Any, bool]]]:
        """(kind, required, multipart field, single-argument name, [(wire, schema, required)])."""
        raw = op.get("requestBody")
        if raw is None:
            return None, False, None, None, []
        body = self._deref(raw)
        content = body.get("content") or {}
        required = body.get("required") is True
        media = next(iter(content), None)
        for preferred in ("application/json", "multipart/form-data", "application/octet-stream"):
            if preferred in content:
                media = preferred
                break
        if media is None:
            raise SpecError(f"{where}: requestBody has no content")
        schema = self._deref((content[media] or {}).get("schema") or {})
        if media == "multipart/form-data":
            props, _req = (
                self._merged_properties(schema) if isinstance(schema, dict) else ({}, set())
            )
            declared = (op.get("x-basecamp-multipart") or {}).get("field")
            binary = [k for k, v in props.items() if self._deref(v).get("format") == "binary"]
            field = declared or (binary[0] if binary else None)
            if field is None:
                raise SpecError(f"{where}: multipart body has no binary file field")
            others = [k for k in props if k != field]
            if others:
                raise SpecError(
                    f"{where}: multipart fields besides the file ({others}) are not supported yet"
                )
            return "multipart", True, field, None, []
        if media != "application/json" and not media.endswith("+json"):
            return "binary", True, None, None, []
        if self._is_object(schema):
            props, req = self._merged_properties(schema)
            fields = [(wire, prop, required and wire in req) for wire, prop in props.items()]
            return "json", required, None, None, fields
        return "json", required, None, "body", [("body", schema, required)]

    def _success(self, op: dict[str, Any], where: str) -> tuple[int, Any]:
        responses = op.get("responses") or {}
        codes = sorted(int(c) for c in responses if str(c).isdigit() and str(c).startswith("2"))
        if not codes:
            raise SpecError(f"{where}: no 2xx response")
        status = codes[0]
        response = self._deref(
            responses[str(status)] if str(status) in responses else responses[status]
        )
        content = (response or {}).get("content") or {}
        for media, value in content.items():
            if media == "application/json" or media.endswith("+json"):
                schema = (value or {}).get("schema")
                return status, schema if schema else {}
        return status, None

    def _page_item(
        self, schema: Any, pagination: ir.Pagination, context: str, where: str
    ) -> ir.TypeRef:
        if pagination.items_key is not None:
            target = self._deref(schema)
            props, _ = self._merged_properties(target) if isinstance(target, dict) else ({}, set())
            if pagination.items_key not in props:
                raise SpecError(
                    f"{where}: pagination key {pagination.items_key!r} is not a property"
                )
            schema = props[pagination.items_key]
        resolved = self.type_of(schema, context)
        if resolved.kind != "list" or resolved.item is None:
            raise SpecError(f"{where}: x-basecamp-pagination on a response that is not a list")
        return resolved.item

    def _page_wrapper(
        self, schema: Any, pagination: ir.Pagination, context: str
    ) -> ir.TypeRef | None:
        """The model of the object a page wraps its list in, when it has other fields too
        (a person's progress: ``person`` beside the paged ``events``); else ``None``."""
        if pagination.items_key is None:
            return None
        target = self._deref(schema)
        props, _ = self._merged_properties(target) if isinstance(target, dict) else ({}, set())
        if set(props) <= {pagination.items_key}:
            return None  # a bare wrapper: nothing beside the list worth keeping
        resolved = self.type_of(schema, context)
        return resolved if resolved.kind == "model" else None

    def _pagination(self, op: dict[str, Any]) -> ir.Pagination | None:
        spec = op.get("x-basecamp-pagination")
        if not isinstance(spec, dict):
            return None
        size = spec.get("maxPageSize")
        key = spec.get("key")
        header = spec.get("totalCountHeader")
        return ir.Pagination(
            items_key=key if isinstance(key, str) else None,
            total_count_header=header if isinstance(header, str) else None,
            max_page_size=size if isinstance(size, int) else None,
        )


def _idempotent(op: dict[str, Any]) -> bool:
    spec = op.get("x-basecamp-idempotent")
    return isinstance(spec, dict) and spec.get("natural") is True


def _retry(op: dict[str, Any], where: str) -> ir.Retry | None:
    spec = op.get("x-basecamp-retry")
    if spec is None:
        return None
    try:
        return ir.Retry(
            max_attempts=int(spec["maxAttempts"]),
            base_delay=int(spec.get("baseDelayMs", 1000)) / 1000,
            retry_on=tuple(sorted({int(s) for s in spec.get("retryOn") or ()})),
        )
    except (KeyError, TypeError, ValueError):
        raise SpecError(f"{where}: malformed x-basecamp-retry {spec!r}") from None


def _write_semantics(op: dict[str, Any]) -> ir.WriteSemantics | None:
    spec = op.get("x-basecamp-write-semantics")
    if not isinstance(spec, dict):
        return None
    return ir.WriteSemantics(
        mode=str(spec.get("mode", "replace")),
        clears_omitted=spec.get("clearsOmitted", True) is not False,
        preserved_on_omission=tuple(sorted(spec.get("preservedOnOmission") or ())),
    )


def _with_merges(builder: _Builder, service: ir.Service) -> ir.Service:
    """Resolve ``x-sdk-merge`` once every model and method name is known."""
    import attrs

    ops = []
    for op in service.operations:
        raw = builder.merges.get(op.id)
        if raw is not None:
            for taken in ("update", "edit"):
                if any(o.method_name == taken for o in service.operations):
                    raise SpecError(
                        f"x-sdk-merge of {op.id}: service {service.name} already has a "
                        f"method {taken!r}, which the merge-safe write needs"
                    )
            merge = resolve_merge(op, raw, service.operations, builder.models)
            draft = builder.claim(f"{merge.record}Draft")
            op = attrs.evolve(op, merge=attrs.evolve(merge, draft=draft))
        ops.append(op)
    return attrs.evolve(service, operations=tuple(ops))


def _with_page_fields(builder: _Builder, service: ir.Service) -> ir.Service:
    """Name the attribute that holds the list in each wrapped page's model."""
    import attrs

    ops = []
    for op in service.operations:
        if op.page_wrapper is not None and op.pagination is not None:
            model = builder.models[str(op.page_wrapper.model)]
            [field] = [f.name for f in model.fields if f.wire == op.pagination.items_key]
            op = attrs.evolve(op, page_field=field)
        ops.append(op)
    return attrs.evolve(service, operations=tuple(ops))


def _assign_modules(models: dict[str, ir.Model]) -> dict[str, ir.Model]:
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


def build(doc: Document) -> ir.Api:
    """The IR of a normalised description (see :func:`codegen.normalise.normalise`)."""
    builder = _Builder(doc)
    builder.plan_component_models()
    ops = builder.build_operations()
    builder.build_models()  # after operations: they may have added inline models

    by_service: dict[str, list[ir.Operation]] = {}
    for op in ops:
        by_service.setdefault(op.service, []).append(op)

    tag_docs = {
        snake(t["name"]): _text(t.get("description"))
        for t in doc.get("tags") or []
        if isinstance(t, dict) and isinstance(t.get("name"), str)
    }
    services: list[ir.Service] = []
    for name in sorted(by_service):
        attr = name if name not in ACCOUNT_RESERVED else name + "_service"
        members = by_service[name]
        proposed = {op.id: (op.method_name or method_name(op.id, name)) for op in members}
        explicit = {op.id for op in members if op.method_name}
        final = unique_method_names(proposed)
        for op_id in explicit:
            if final[op_id] != proposed[op_id]:
                raise SpecError(
                    f"x-sdk-method {proposed[op_id]!r} of {op_id} is used twice in service {name!r}"
                )
        import attrs

        resolved = sorted(
            (attrs.evolve(op, service=attr, method_name=final[op.id]) for op in members),
            key=lambda o: (o.method_name, o.id),
        )
        services.append(
            ir.Service(
                name=attr,
                class_base=pascal(attr),
                description=tag_docs.get(name, ""),
                operations=tuple(resolved),
            )
        )

    services = [_with_page_fields(builder, _with_merges(builder, s)) for s in services]
    models = _assign_modules(builder.models)
    info = doc.get("info") or {}
    return ir.Api(
        title=_text(info.get("title")) or "API",
        version=_text(str(info.get("version", ""))),
        services=tuple(services),
        models=tuple(models[name] for name in sorted(models)),
    )
