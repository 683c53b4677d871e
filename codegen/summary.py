"""Reducing an OpenAPI description of the Basecamp API to comparable per-operation facts.

Two descriptions of the same API can say the same thing in different forms: Basecamp's
published one keeps a leading ``/{accountId}`` segment, wraps bodies in
``…ResponseContent`` schemas, writes OpenAPI 3.0's ``nullable: true`` and types timestamps
through ``x-go-type``; ours does none of that. Both are first passed through
:func:`codegen.normalise.normalise` (the generator's own view of a description), then each
operation is reduced to an :class:`OperationSummary` holding only what changes generated
code or behaviour:

- parameters: location, name, requiredness, JSON type, format, enum;
- request and success-response bodies, flattened to dotted field paths
  (``creator.company.name``, ``dock[].id``): type, nullability, requiredness, format,
  enum, the ``x-basecamp-sensitive`` category;
- the success status, media types, whether the body is required, ``deprecated``;
- Basecamp's behaviour extensions (:data:`BEHAVIOUR_EXTENSIONS`).

``$ref``\\ s are followed, so a wrapper schema and the schema it wraps summarise alike.
Descriptions, summaries and examples are prose and are left out.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .loader import Document, SpecError, resolve_pointer
from .normalise import normalise

ACCOUNT_PREFIX = "/{accountId}"
ACCOUNT_PARAM = "accountId"
DOCUMENTED_ONLY = "x-documented-only"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
#: Basecamp's extensions that change what the SDK does with an operation.
BEHAVIOUR_EXTENSIONS = (
    "x-basecamp-retry",
    "x-basecamp-idempotent",
    "x-basecamp-pagination",
    "x-basecamp-multipart",
    "x-basecamp-write-semantics",
)
# Deep enough for every real nesting (webhook → delivery → event → recording → person → company);
# it only guards against pathological descriptions.
MAX_DEPTH = 12


@dataclass(frozen=True)
class FieldInfo:
    """One flattened body field, as the generator sees it."""

    base_type: str
    documented_only: bool = False
    nullable: bool = False
    required: bool = False
    format: str = ""
    enum: tuple[str, ...] = ()
    sensitive: str = ""  # the x-basecamp-sensitive category, "" when none


@dataclass(frozen=True)
class ParamInfo:
    required: bool
    base_type: str
    format: str = ""
    enum: tuple[str, ...] = ()


@dataclass(frozen=True)
class OperationSummary:
    """What matters about one operation when comparing descriptions."""

    method: str
    path: str
    operation_id: str
    params: Mapping[tuple[str, str], ParamInfo]
    request_media_types: tuple[str, ...]
    request_fields: Mapping[str, FieldInfo]
    response_fields: Mapping[str, FieldInfo]
    body_required: bool = False
    success_status: int | None = None
    response_media_type: str = ""  # "" when the success response has no body
    deprecated: bool = False
    # Each behaviour extension present, as a plain value (dicts and lists as they are).
    extensions: Mapping[str, Any] | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)


def account_relative(path: str) -> str:
    """``/{accountId}/projects.json`` → ``/projects.json``; other paths are returned as they are."""
    if path == ACCOUNT_PREFIX:
        return "/"
    if path.startswith(ACCOUNT_PREFIX + "/"):
        return path[len(ACCOUNT_PREFIX) :]
    return path


def deref(document: Document, node: Any) -> Any:
    """``node`` with its chain of ``$ref``\\ s followed."""
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if ref in seen:
            raise SpecError(f"reference cycle at {ref!r}")
        seen.add(ref)
        node = resolve_pointer(document, ref)
    return node


def _is_nullable(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    if schema.get("x-nullable") is True or schema.get("nullable") is True:
        return True
    types = schema.get("type")
    if types == "null" or (isinstance(types, list) and "null" in types):
        return True
    return any(
        isinstance(b, dict) and b.get("type") == "null"
        for key in ("anyOf", "oneOf")
        for b in schema.get(key) or ()
    )


def _branches(
    document: Document, schema: Any, chain: tuple[str, ...] = ()
) -> list[tuple[dict[str, Any], tuple[str, ...]]]:
    """The non-null branches of a schema (itself, or those of its anyOf/oneOf), resolved.

    Each comes with the references followed to reach it, so that recursion is detected the
    same way whether a shape is reached through a wrapper, a plain ``$ref`` or an ``anyOf``.
    """
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        ref = schema["$ref"]
        if ref in chain:
            raise SpecError(f"reference cycle at {ref!r}")
        chain = (*chain, ref)
        schema = resolve_pointer(document, ref)
    if not isinstance(schema, dict):
        return []
    for key in ("anyOf", "oneOf"):
        if key in schema:
            out: list[tuple[dict[str, Any], tuple[str, ...]]] = []
            for branch in schema[key]:
                out.extend(_branches(document, branch, chain))
            return out
    types = schema.get("type")
    if types == "null" or types == ["null"]:
        return []
    return [(schema, chain)]


def base_type(document: Document, schema: Any) -> str:
    """The JSON type of a schema, ignoring nullability and format (``any`` when unconstrained)."""
    names: set[str] = set()
    for alt, _chain in _branches(document, schema):
        if "allOf" in alt:
            names.update(base_type(document, part) for part in alt["allOf"])
            continue
        types = alt.get("type")
        if isinstance(types, str):
            names.add(types)
        elif isinstance(types, list):
            names.update(t for t in types if t != "null")
        elif "properties" in alt or "additionalProperties" in alt:
            names.add("object")
        elif "items" in alt:
            names.add("array")
    names.discard("any")
    return "|".join(sorted(names)) if names else "any"


def _along_refs(document: Document, schema: Any) -> Iterator[dict[str, Any]]:
    """The schema, then each schema its ``$ref`` chain leads to (a cycle ends the walk:
    facts are read off it, so a cycle here is not an error)."""
    seen: set[str] = set()
    while isinstance(schema, dict):
        yield schema
        ref = schema.get("$ref")
        if not isinstance(ref, str) or ref in seen:
            return
        seen.add(ref)
        schema = resolve_pointer(document, ref)


def _nullable_through(document: Document, schema: Any) -> bool:
    """Nullable here or anywhere along the ``$ref`` chain (a nullable alias counts)."""
    return any(_is_nullable(node) for node in _along_refs(document, schema))


def _facet(document: Document, schema: Any, key: str) -> Any:
    """The first ``format``/``enum``/… found on the schema, its ``$ref`` chain or its branch."""
    for alt, _chain in _branches(document, schema):
        if key in alt:
            return alt[key]
    for node in _along_refs(document, schema):
        if key in node:
            return node[key]
    return None


def _enum(document: Document, schema: Any) -> tuple[str, ...]:
    values = _facet(document, schema, "enum")
    if not isinstance(values, list):
        return ()
    return tuple(sorted({str(v) for v in values if v is not None}))


def _format(document: Document, schema: Any) -> str:
    value = _facet(document, schema, "format")
    return value if isinstance(value, str) else ""


def _sensitive(document: Document, schema: Any) -> str:
    value = _facet(document, schema, "x-basecamp-sensitive")
    category = value.get("category") if isinstance(value, dict) else None
    return category if isinstance(category, str) else ""


def field_info(
    document: Document, schema: Any, *, required: bool = False, documented_only: bool = False
) -> FieldInfo:
    return FieldInfo(
        base_type=base_type(document, schema),
        documented_only=documented_only,
        nullable=_nullable_through(document, schema),
        required=required,
        format=_format(document, schema),
        enum=_enum(document, schema),
        sensitive=_sensitive(document, schema),
    )


_Cache = dict[tuple[int, bool, bool], FieldInfo]


def flatten_fields(
    document: Document, schema: Any, cache: _Cache | None = None
) -> dict[str, FieldInfo]:
    """Every field of a body schema as ``dotted.path`` → :class:`FieldInfo`.

    The key ``""`` holds the body's own type; array items add ``[]`` and map values ``{}``.
    ``cache`` (keyed by schema identity: only while ``document`` lives and is unchanged)
    spares re-reading shapes every operation embeds (``Person`` sits in ~150).
    """
    out: dict[str, FieldInfo] = {}
    _flatten(document, schema, "", out, (), False, False, 0, {} if cache is None else cache)
    return out


def _object_parts(document: Document, alt: dict[str, Any]) -> list[dict[str, Any]]:
    parts = [alt]
    for sub in alt.get("allOf") or ():
        resolved = deref(document, sub)
        if isinstance(resolved, dict):
            parts.extend(_object_parts(document, resolved))
    return parts


#: The keywords whose schema describes a container's members, and the path suffix of each.
_CONTAINERS = (("items", "[]"), ("additionalProperties", "{}"))


def _flatten(
    document: Document,
    schema: Any,
    prefix: str,
    out: dict[str, FieldInfo],
    stack: tuple[str, ...],
    documented_only: bool,
    required: bool,
    depth: int,
    cache: _Cache,
) -> None:
    if isinstance(schema, dict) and schema.get(DOCUMENTED_ONLY):
        documented_only = True
    key = (id(schema), required, documented_only)
    info = cache.get(key)
    if info is None:
        info = field_info(document, schema, required=required, documented_only=documented_only)
        cache[key] = info
    out[prefix] = info
    if depth >= MAX_DEPTH:
        return
    for alt, chain in _branches(document, schema):
        if any(ref in stack for ref in chain):
            continue  # a recursive shape: recorded above, not unrolled
        inner = (*stack, *chain)
        parts = _object_parts(document, alt)
        needed = {r for part in parts for r in part.get("required") or () if isinstance(r, str)}
        for part in parts:
            for name, sub in (part.get("properties") or {}).items():
                child = f"{prefix}.{name}" if prefix else name
                _flatten(
                    document,
                    sub,
                    child,
                    out,
                    inner,
                    documented_only,
                    name in needed,
                    depth + 1,
                    cache,
                )
            # Array items and map values: one unnamed child each, never required.
            for container, suffix in _CONTAINERS:
                sub = part.get(container)
                if isinstance(sub, dict):
                    _flatten(
                        document,
                        sub,
                        prefix + suffix,
                        out,
                        inner,
                        documented_only,
                        False,
                        depth + 1,
                        cache,
                    )


def _parameters(document: Document, path_item: Any, operation: Any) -> dict[tuple[str, str], Any]:
    params: dict[tuple[str, str], Any] = {}
    for source in (path_item.get("parameters") or [], operation.get("parameters") or []):
        for raw in source:
            param = deref(document, raw)
            params[(param["in"], param["name"])] = param
    return params


def success_response(document: Document, operation: Any) -> tuple[int | None, Any]:
    """The lowest 2xx status and its response (resolved), as the generator picks them."""
    responses = operation.get("responses") or {}
    codes = sorted(int(c) for c in responses if str(c).isdigit() and str(c).startswith("2"))
    if not codes:
        return None, None
    code = codes[0]
    raw = responses[str(code)] if str(code) in responses else responses[code]
    return code, deref(document, raw)


def _json_media(content: Mapping[str, Any]) -> str:
    for media in content:
        if media == "application/json" or media.endswith("+json"):
            return media
    return next(iter(content), "")


def summarize_operation(
    document: Document,
    path: str,
    method: str,
    path_item: Any,
    operation: Any,
    cache: _Cache | None = None,
) -> OperationSummary:
    params = {
        key: ParamInfo(
            bool(p.get("required")),
            base_type(document, p.get("schema", {})),
            _format(document, p.get("schema", {})),
            _enum(document, p.get("schema", {})),
        )
        for key, p in _parameters(document, path_item, operation).items()
        if key != ("path", ACCOUNT_PARAM)
    }
    body = deref(document, operation.get("requestBody") or {})
    content = body.get("content") or {}
    request_fields: dict[str, FieldInfo] = {}
    if content:
        media_type = "application/json" if "application/json" in content else next(iter(content))
        request_fields = flatten_fields(document, content[media_type].get("schema", {}), cache)
    status, response = success_response(document, operation)
    response_content = (response or {}).get("content") or {}
    response_media = _json_media(response_content)
    response_fields: dict[str, FieldInfo] = {}
    if response_media:
        schema = (response_content[response_media] or {}).get("schema", {})
        response_fields = flatten_fields(document, schema, cache)
    return OperationSummary(
        method=method.upper(),
        path=account_relative(path),
        operation_id=str(operation.get("operationId", "")),
        params=params,
        request_media_types=tuple(sorted(content)),
        request_fields=request_fields,
        response_fields=response_fields,
        body_required=bool(content) and body.get("required") is True,
        success_status=status,
        response_media_type=response_media,
        deprecated=operation.get("deprecated") is True,
        extensions={k: operation[k] for k in BEHAVIOUR_EXTENSIONS if k in operation},
    )


def summarize(document: Document) -> dict[tuple[str, str], OperationSummary]:
    """Every operation of a (loaded) description, keyed by (METHOD, account-relative path).

    The description is normalised first (a copy: ``document`` is left as it is).
    """
    doc = normalise(document)
    cache: _Cache = {}
    out: dict[tuple[str, str], OperationSummary] = {}
    for path, path_item in (doc.get("paths") or {}).items():
        for method in HTTP_METHODS:
            operation = path_item.get(method)
            if isinstance(operation, dict):
                summary = summarize_operation(doc, path, method, path_item, operation, cache)
                out[summary.key] = summary
    return out
