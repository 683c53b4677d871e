"""Operations → :class:`codegen.ir.Operation`, for :mod:`codegen.build`.

- **Arguments.** Path parameters, query parameters (``[]`` stripped) and JSON body
  properties become keyword arguments, snake_cased. A clash is settled by priority
  path > query > body: the loser is prefixed with its location (``query_status``,
  ``body_name``). Names the method itself needs (``max_items``, ``source``, …) count as
  taken. A raw-bytes upload's ``name`` query parameter is the file name: the method's
  own ``name`` argument fills it.
- **Responses.** The lowest 2xx status is the success status. No JSON content →
  ``None``; ``x-basecamp-pagination`` → a paginator over the list's items; a list →
  ``list[Model]``; an object → the model.
- Basecamp's extensions (retry, idempotency, pagination, write semantics) become the
  operation's descriptors; ``x-sdk-merge`` is kept raw for :mod:`codegen.merge`.
"""

from __future__ import annotations

import re
from typing import Any

from . import ir
from .build_models import Schemas, text_of
from .loader import SpecError
from .names import pascal, safe_identifier, snake
from .normalise import operations, parameters

_PLACEHOLDER = re.compile(r"\{([^}]+)\}")
# The arguments every file-sending method has (the source is the one positional).
UPLOAD_ARGUMENTS = ("source", "name", "content_type", "size", "progress")
# A raw-bytes upload's query parameter that carries the file name (``?name=…``).
FILE_NAME_QUERY = "name"


def _summary(op: dict[str, Any]) -> str:
    summary = text_of(op.get("summary"))
    if summary:
        return summary
    description = text_of(op.get("description"))
    return description.split("\n", 1)[0].strip() if description else ""


class Operations:
    """Builds every operation of ``schemas``' description; the types it meets (and the
    inline models they add) go through ``schemas``."""

    def __init__(self, schemas: Schemas) -> None:
        self.schemas = schemas
        self.doc = schemas.doc
        self.merges: dict[str, Any] = {}  # operation id → its raw x-sdk-merge

    def build(self) -> list[ir.Operation]:
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

    def _operation(self, path: str, method: str, op: dict[str, Any], op_id: str) -> ir.Operation:
        service = op["tags"][0]
        where = f"{op_id} ({method.upper()} {path})"
        params = parameters(self.doc, path, op, self.schemas.deref)
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
                    type=self.schemas.type_of(schema, pascal(op_id) + pascal(base)),
                    required=required,
                    description=text_of(raw.get("description"))
                    or text_of((schema or {}).get("description")),
                    deprecated=raw.get("deprecated") is True
                    or (isinstance(schema, dict) and schema.get("deprecated") is True),
                    secret=self.schemas.is_secret(raw) or self.schemas.is_secret(schema),
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
            resolved = self.schemas.type_of(response_schema, context)
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
            description=text_of(op.get("description")) if text_of(op.get("summary")) else "",
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
        body = self.schemas.deref(raw)
        content = body.get("content") or {}
        required = body.get("required") is True
        media = next(iter(content), None)
        for preferred in ("application/json", "multipart/form-data", "application/octet-stream"):
            if preferred in content:
                media = preferred
                break
        if media is None:
            raise SpecError(f"{where}: requestBody has no content")
        schema = self.schemas.deref((content[media] or {}).get("schema") or {})
        if media == "multipart/form-data":
            props, _req = (
                self.schemas.merged_properties(schema) if isinstance(schema, dict) else ({}, set())
            )
            declared = (op.get("x-basecamp-multipart") or {}).get("field")
            binary = [
                k for k, v in props.items() if self.schemas.deref(v).get("format") == "binary"
            ]
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
        if self.schemas.is_object(schema):
            props, req = self.schemas.merged_properties(schema)
            fields = [(wire, prop, required and wire in req) for wire, prop in props.items()]
            return "json", required, None, None, fields
        return "json", required, None, "body", [("body", schema, required)]

    def _success(self, op: dict[str, Any], where: str) -> tuple[int, Any]:
        responses = op.get("responses") or {}
        codes = sorted(int(c) for c in responses if str(c).isdigit() and str(c).startswith("2"))
        if not codes:
            raise SpecError(f"{where}: no 2xx response")
        status = codes[0]
        response = self.schemas.deref(
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
            target = self.schemas.deref(schema)
            props, _ = (
                self.schemas.merged_properties(target) if isinstance(target, dict) else ({}, set())
            )
            if pagination.items_key not in props:
                raise SpecError(
                    f"{where}: pagination key {pagination.items_key!r} is not a property"
                )
            schema = props[pagination.items_key]
        resolved = self.schemas.type_of(schema, context)
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
        target = self.schemas.deref(schema)
        props, _ = (
            self.schemas.merged_properties(target) if isinstance(target, dict) else ({}, set())
        )
        if set(props) <= {pagination.items_key}:
            return None  # a bare wrapper: nothing beside the list worth keeping
        resolved = self.schemas.type_of(schema, context)
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
