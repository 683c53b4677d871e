"""Bringing operations and schemas of an upstream description into our form (for spec-update).

The upstream description is first normalised (:func:`codegen.normalise.normalise`): paths
lose the ``/{accountId}`` prefix, nullability is written the 3.1 way, ``x-go-type``
timestamps get formats. Then, for each fragment copied into ``openapi/``:

- **facts are kept, prose is not**: types, formats, enums, requiredness, nullability,
  ``x-basecamp-*`` extensions and validation keywords are copied; ``description``,
  ``summary``, ``title``, examples and ``x-go-*`` are not (our descriptions are written in
  our own words). What needs a person's words or judgement gets a placeholder marked
  :data:`REVIEW_KEY` / :data:`TODO`;
- **wrappers disappear**: a ``…ResponseContent`` / ``…RequestContent`` schema that only
  aliases another (a ``$ref``, a list of one, a scalar) is inlined where it is used; an
  object wrapper becomes a schema with a domain-style name (``CreateSubtaskRequestContent``
  → ``SubtaskCreate``, ``GetPersonProgressResponseContent`` → ``PersonProgress``);
- **our schemas win**: an upstream schema whose name ours already has (``Person``) is
  referenced, not copied; new fields on it are spec-update's field sync's business;
- a response or JSON body that is an inline object becomes a named schema, as our
  conventions require (openapi/README.md).
"""

from __future__ import annotations

import copy
import http
from collections.abc import Callable
from typing import Any

from .loader import Document, SpecError
from .names import pascal, words
from .summary import flatten_fields

SCHEMA_PREFIX = "#/components/schemas/"
REVIEW_KEY = "x-review"
TODO = "TODO(review)"
_WRAPPER_SUFFIXES = ("ResponseContent", "RequestContent")
_PROSE = frozenset(
    {
        "description",
        "summary",
        "title",
        "example",
        "examples",
        "externalDocs",
        "x-deprecated-reason",
    }
)
_READ_VERBS = frozenset({"get", "list", "show", "fetch"})
#: Basecamp's behaviour extensions, in the order our operations list them.
EXTENSION_ORDER = (
    "x-basecamp-idempotent",
    "x-basecamp-pagination",
    "x-basecamp-write-semantics",
    "x-basecamp-multipart",
    "x-basecamp-retry",
)


def make_nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` also allowing ``null``, written our way (3.1 type lists, ``anyOf`` for refs)."""
    out = dict(schema)
    if "$ref" in out:
        ref = out.pop("$ref")
        return {"anyOf": [{"$ref": ref}, {"type": "null"}], **out}
    kind = out.get("type")
    if isinstance(kind, str):
        if kind != "null":
            out["type"] = [kind, "null"]
    elif isinstance(kind, list):
        if "null" not in kind:
            out["type"] = [*kind, "null"]
    elif isinstance(out.get("anyOf"), list) and not any(
        isinstance(b, dict) and b.get("type") == "null" for b in out["anyOf"]
    ):
        out["anyOf"] = [*out["anyOf"], {"type": "null"}]
    return out


def _is_object(schema: Any) -> bool:
    return (
        isinstance(schema, dict)
        and ("properties" in schema or "allOf" in schema)
        and schema.get("type") in (None, "object", ["object", "null"])
    )


def _verb_and_rest(operation_id: str) -> tuple[str, list[str]]:
    parts = words(operation_id)
    return (parts[0], parts[1:]) if parts else ("", [])


def wrapper_name(component: str) -> str | None:
    """The domain-style name of an upstream object wrapper, or None for another schema."""
    for suffix in _WRAPPER_SUFFIXES:
        if component.endswith(suffix) and len(component) > len(suffix):
            base = component[: -len(suffix)]
            verb, rest = _verb_and_rest(base)
            if not rest:
                return pascal(base)
            thing = "".join(w.capitalize() for w in rest)
            if suffix == "RequestContent":
                return thing + verb.capitalize()
            return thing if verb in _READ_VERBS else thing + verb.capitalize() + "Result"
    return None


def body_schema_name(operation_id: str, *, response: bool) -> str:
    """A name for an operation's inline body schema: ``CreateSubtask`` → ``SubtaskCreate``."""
    suffix = "ResponseContent" if response else "RequestContent"
    return wrapper_name(operation_id + suffix) or pascal(operation_id)


class Importer:
    """Converts upstream fragments, collecting the new schemas they need.

    ``ours`` is our merged description (read only); ``place`` says which part file a new
    schema goes to, given the part of the operation that first needs it.
    """

    def __init__(self, upstream: Document, ours: Document, review_note: str) -> None:
        self.upstream = upstream
        self.up_schemas: dict[str, Any] = (upstream.get("components") or {}).get("schemas") or {}
        self.ours = ours
        self.our_schemas: dict[str, Any] = (ours.get("components") or {}).get("schemas") or {}
        self.review_note = review_note
        # New schemas in the order they were first needed: name → (part, schema).
        self.new_schemas: dict[str, tuple[str, dict[str, Any]]] = {}
        self._renamed: dict[str, str] = {}  # upstream component → our new name
        self._inlining: set[str] = set()  # aliases being inlined (a cycle guard)
        self._error_refs = _error_responses(ours)

    # -- names ----------------------------------------------------------------------------

    def _free(self, wanted: str) -> str:
        name, n = wanted, 2
        while name in self.our_schemas or name in self.new_schemas:
            name, n = f"{wanted}{n}", n + 1
        return name

    def _schema_for(self, component: str, part: str) -> str:
        """Our name for an upstream object schema, importing it (once) when ours lacks it."""
        if component in self._renamed:
            return self._renamed[component]
        derived = wrapper_name(component)
        if derived is None and component in self.our_schemas:
            return component
        if (
            derived is not None
            and derived in self.our_schemas
            and self._same_shape(component, derived)
        ):
            return derived  # ours already names this body (``UpdateWebhook`` → ``WebhookUpdate``)
        name = self._free(derived or component)
        self._renamed[component] = name
        self.new_schemas[name] = (part, {})  # reserve the name before recursing
        converted = self.convert(self.up_schemas[component], part)
        self.new_schemas[name] = (part, {REVIEW_KEY: self.review_note, **converted})
        return name

    def _same_shape(self, component: str, ours: str) -> bool:
        """Whether an upstream schema and one of ours have the same fields and JSON types."""

        def shape(document: Document, name: str) -> dict[str, str]:
            fields = flatten_fields(document, {"$ref": SCHEMA_PREFIX + name})
            return {path: info.base_type for path, info in fields.items()}

        return shape(self.upstream, component) == shape(self.ours, ours)

    def named(self, schema: dict[str, Any], wanted: str, part: str) -> dict[str, Any]:
        """A ``$ref`` to ``schema`` stored under a fresh name near ``wanted``."""
        name = self._free(wanted)
        self.new_schemas[name] = (part, {REVIEW_KEY: self.review_note, **schema})
        return {"$ref": SCHEMA_PREFIX + name}

    # -- schemas --------------------------------------------------------------------------

    def convert(self, node: Any, part: str) -> Any:
        """An upstream (normalised) schema in our form; new schemas it needs are collected."""
        if isinstance(node, list):
            return [self.convert(item, part) for item in node]
        if not isinstance(node, dict):
            return copy.deepcopy(node)
        nullable = node.get("x-nullable") is True
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
            component = ref[len(SCHEMA_PREFIX) :]
            target = self.up_schemas.get(component)
            if target is not None and not _is_object(target):
                # An alias: inlined where used. A chain of aliases that comes back to
                # itself has no finite inline form.
                if component in self._inlining:
                    raise SpecError(f"upstream schema {component!r} is an alias of itself")
                self._inlining.add(component)
                try:
                    out = self.convert(target, part)
                finally:
                    self._inlining.discard(component)
                out = out if isinstance(out, dict) else {}
            else:
                out = {"$ref": SCHEMA_PREFIX + self._schema_for(component, part)}
            extra = self._copy_keys(node, part, skip={"$ref", "x-nullable"})
            out = {**out, **extra}
            return make_nullable(out) if nullable else out
        out = self._copy_keys(node, part, skip={"x-nullable"})
        return make_nullable(out) if nullable and "anyOf" in out else out

    def _copy_keys(self, node: dict[str, Any], part: str, skip: set[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in skip or key in _PROSE or key.startswith("x-go-"):
                continue
            if key == "properties" and isinstance(value, dict):
                out[key] = {name: self.convert(sub, part) for name, sub in value.items()}
            elif key in ("items", "additionalProperties", "not") and isinstance(value, dict):
                out[key] = self.convert(value, part)
            elif key in ("anyOf", "oneOf", "allOf") and isinstance(value, list):
                out[key] = [self.convert(sub, part) for sub in value]
            else:
                out[key] = copy.deepcopy(value)
        return out

    def top_level(self, schema: Any, part: str, wanted: str) -> dict[str, Any]:
        """A body schema as our conventions want it: a ``$ref`` or a list of ``$ref``\\ s."""
        converted = self.convert(schema or {}, part)
        if not isinstance(converted, dict):
            return {}
        if _is_object(converted):
            return self.named(converted, wanted, part)
        items = converted.get("items")
        if converted.get("type") == "array" and isinstance(items, dict) and _is_object(items):
            return {**converted, "items": self.named(items, wanted, part)}
        return converted

    # -- operations -----------------------------------------------------------------------

    def parameter(self, param: dict[str, Any], part: str) -> dict[str, Any]:
        out: dict[str, Any] = {"name": param["name"], "in": param["in"]}
        if param.get("required") is True or param["in"] == "path":
            out["required"] = True
        if param.get("deprecated") is True:
            out["deprecated"] = True
        for key in ("style", "explode"):
            if key in param:
                out[key] = param[key]
        out["schema"] = self.convert(param.get("schema") or {}, part)
        return out

    def request_body(self, body: dict[str, Any], operation_id: str, part: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if body.get("required") is True:
            out["required"] = True
        content: dict[str, Any] = {}
        wanted = body_schema_name(operation_id, response=False)
        for media, value in (body.get("content") or {}).items():
            schema = (value or {}).get("schema")
            if media == "application/json" or media == "multipart/form-data":
                content[media] = {"schema": self.top_level(schema, part, wanted)}
            else:
                content[media] = {"schema": self.convert(schema or {}, part)}
        out["content"] = content
        return out

    def responses(
        self, responses: dict[Any, Any], operation_id: str, part: str, resolve: Callable[[Any], Any]
    ) -> dict[str, Any]:
        """The success response (described our way) and the error responses ours shares."""
        out: dict[str, Any] = {}
        codes = sorted((str(c) for c in responses), key=lambda c: (not c.isdigit(), c))
        for code in codes:
            raw = resolve(responses[code] if code in responses else responses[int(code)])
            if code.startswith("2"):
                out[code] = self._success(code, raw or {}, operation_id, part)
            elif code in self._error_refs:
                out[code] = {"$ref": self._error_refs[code]}
            else:
                out[code] = {"description": _phrase(code)}
        return out

    def _success(
        self, code: str, response: dict[str, Any], operation_id: str, part: str
    ) -> dict[str, Any]:
        out: dict[str, Any] = {"description": SUCCESS_TEXT.get(code, _phrase(code))}
        content: dict[str, Any] = {}
        wanted = body_schema_name(operation_id, response=True)
        for media, value in (response.get("content") or {}).items():
            schema = (value or {}).get("schema")
            if media == "application/json" or media.endswith("+json"):
                content[media] = {"schema": self.top_level(schema, part, wanted)}
            else:
                content[media] = {"schema": self.convert(schema or {}, part)}
        if content:
            out["content"] = content
        return out


#: How our descriptions word the usual success responses.
SUCCESS_TEXT = {"200": "OK.", "201": "Created.", "202": "Accepted.", "204": "Done; no content."}


def _phrase(code: str) -> str:
    try:
        return http.HTTPStatus(int(code)).phrase + "."
    except ValueError:
        return f"Status {code}."


def _error_responses(ours: Document) -> dict[str, str]:
    """Status → the shared response ours uses most for it (``404`` → ``…/NotFound``)."""
    counts: dict[str, dict[str, int]] = {}
    for item in (ours.get("paths") or {}).values():
        for op in item.values():
            if not isinstance(op, dict):
                continue
            for code, response in (op.get("responses") or {}).items():
                ref = response.get("$ref") if isinstance(response, dict) else None
                if isinstance(ref, str):
                    bucket = counts.setdefault(str(code), {})
                    bucket[ref] = bucket.get(ref, 0) + 1
    return {code: max(sorted(refs), key=lambda r: refs[r]) for code, refs in sorted(counts.items())}
