"""``make spec-update UPSTREAM=path/to/openapi.json``: bring what upstream has and ours lacks
into openapi/.

What it does, in this order, printing each change:

1. **new operations** go into the part file their path, resource or tag points to
   (:mod:`codegen.spec_place`), converted to our form (:mod:`codegen.spec_import`), with a
   derived ``x-sdk-method``, a ``TODO(review)`` summary and an ``x-review`` mark; the
   schemas they need and ours lacks come along, marked too. A new service gets a tag (and,
   when no part fits, a part of its own listed in ``x-parts``);
2. **new fields** on schemas ours shares with upstream, found by walking every common
   operation's request and response bodies side by side — added as optional fields;
3. **new parameters** of common operations;
4. **what upstream allows that ours does not**: ``null`` where ours has a value, an
   absent field ours requires, enum values ours lacks, a sensitivity mark;
5. **changed metadata**: ``x-basecamp-retry``, ``-idempotent``, ``-pagination``,
   ``-multipart``, ``-write-semantics`` and the success status (marked for review) — only
   when upstream's API version is not older than ours.

It never renames or removes a service, method, operation, field or parameter, and never
changes a type or format (ours may differ on purpose): ``make spec-drift`` lists what is
left for a person. Running it again changes nothing. Files are edited node by node
(:mod:`codegen.yaml_edit`): everything it does not touch keeps its bytes.
"""

from __future__ import annotations

import argparse
import copy
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .compare import accepted_beside, api_version, compare, extension_detail, is_older
from .loader import Document, SpecError, assemble, load, part_files
from .names import method_name, service_name, words
from .normalise import normalise
from .spec_import import EXTENSION_ORDER, REVIEW_KEY, SCHEMA_PREFIX, TODO, Importer, make_nullable
from .spec_place import Layout, Placed, anchor, place
from .summary import BEHAVIOUR_EXTENSIONS, deref, field_info
from .yaml_edit import EditError, Key, YamlFile

ENTRY_NAME = "openapi.yaml"
HTTP_METHODS = ("get", "put", "post", "delete", "patch")
_MAX_DEPTH = 12


@dataclass(frozen=True)
class Change:
    file: str  # relative to the entry file's directory
    sign: str  # "+" added, "~" changed
    text: str


@dataclass(frozen=True)
class Loc:
    """A node in one of our files: the file and the keys leading to it."""

    file: str
    path: tuple[Key, ...]

    def __truediv__(self, key: Key) -> Loc:
        return Loc(self.file, (*self.path, key))


@dataclass
class Workspace:
    """Our description's files, read once, edited in memory, written at the end."""

    entry: Path
    files: dict[str, YamlFile] = field(default_factory=dict)
    _cache: tuple[tuple[tuple[str, int], ...], Document] | None = None

    def file(self, rel: str) -> YamlFile:
        if rel not in self.files:
            path = self.entry.parent / rel
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise SpecError(f"cannot read {path}: {exc.strerror}") from None
            self.files[rel] = YamlFile(text, rel)
        return self.files[rel]

    def create(self, rel: str, text: str) -> YamlFile:
        self.files[rel] = YamlFile(text, rel)
        self.files[rel].changed = True
        return self.files[rel]

    @property
    def entry_file(self) -> YamlFile:
        return self.file(self.entry.name)

    def parts(self) -> list[str]:
        return part_files(self.entry_file.data, self.entry)

    def merged(self) -> Document:
        """Our description as the files now stand, merged. It shares the parts' data:
        read it, never change it (edits go through the files)."""
        document = copy.deepcopy(self.entry_file.data)
        parts = [(self.entry.parent / rel, self.file(rel).data) for rel in self.parts()]
        return assemble(document, parts)

    def merged_cache(self) -> Document:
        """:meth:`merged`, recomputed only after an edit (for resolving ``$ref``\\ s)."""
        stamp = tuple(sorted((rel, f.edits) for rel, f in self.files.items()))
        if self._cache is None or self._cache[0] != stamp:
            self._cache = (stamp, self.merged())
        return self._cache[1]

    def get(self, loc: Loc, default: Any = None) -> Any:
        return self.file(loc.file).get(loc.path, default)

    def write(self) -> list[str]:
        written = []
        for rel, yaml_file in sorted(self.files.items()):
            if yaml_file.changed:
                target = self.entry.parent / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(yaml_file.text, encoding="utf-8", newline="\n")
                written.append(rel)
        return written


class Updater:
    def __init__(self, upstream_raw: Document, workspace: Workspace) -> None:
        self.upstream_raw = upstream_raw
        self.up = normalise(upstream_raw)
        self.ws = workspace
        self.changes: list[Change] = []
        self.version = api_version(upstream_raw) or "?"
        self.older = is_older(api_version(upstream_raw), api_version(workspace.entry_file.data))
        self.skipped_metadata = 0

    # -- our layout -----------------------------------------------------------------------

    def _layout(self) -> Layout:
        layout = Layout()
        for rel in self.ws.parts():
            for path, item in (self.ws.file(rel).get(["paths"]) or {}).items():
                for method in HTTP_METHODS:
                    op = item.get(method) if isinstance(item, dict) else None
                    if isinstance(op, dict):
                        service = service_name((op.get("tags") or ["api"])[0])
                        name = op.get("x-sdk-method") or method_name(
                            str(op.get("operationId", "")), service
                        )
                        layout.operations.append(
                            Placed(path, method, str(op.get("operationId", "")), service, name, rel)
                        )
        ours = {(op.path, op.method): op.service for op in layout.operations}
        for path, method, op in self._upstream_operations():
            if (path, method) in ours:
                tag = op["tags"][0]
                layout.tag_services.setdefault(tag, Counter())[ours[(path, method)]] += 1
        return layout

    def _upstream_operations(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        for path, item in (self.up.get("paths") or {}).items():
            for method in HTTP_METHODS:
                op = item.get(method) if isinstance(item, dict) else None
                if isinstance(op, dict) and op.get("operationId"):
                    yield path, method, op

    def _upstream_params(self, path: str, op: dict[str, Any]) -> list[dict[str, Any]]:
        item = (self.up.get("paths") or {}).get(path) or {}
        merged: dict[tuple[str, str], dict[str, Any]] = {}
        for source in (item.get("parameters") or [], op.get("parameters") or []):
            for raw in source:
                param = deref(self.up, raw)
                if isinstance(param, dict) and "name" in param and "in" in param:
                    merged[(param["in"], param["name"])] = param
        return list(merged.values())

    def note(self, kind: str) -> str:
        if kind == "operation":
            return (
                f"added by make spec-update from upstream {self.version}: write the summary, "
                "check the service, x-sdk-method and schema names, then remove this mark"
            )
        if kind == "schema":
            return (
                f"added by make spec-update from upstream {self.version}: check the name, "
                "write a description, then remove this mark"
            )
        return (
            f"{kind} (make spec-update, upstream {self.version}): check it, then remove this mark"
        )

    def changed(self, rel: str, sign: str, text: str) -> None:
        self.changes.append(Change(rel, sign, text))

    def follow_version(self) -> None:
        """Ours now follows upstream's API version when that is a newer API date."""
        theirs = api_version(self.upstream_raw)
        mine = api_version(self.ws.entry_file.data)
        if theirs and is_older(mine, theirs):
            self.ws.entry_file.set(["info", "version"], theirs)
            self.changed(ENTRY_NAME, "~", f"info.version {mine} → {theirs}")

    # -- 1. new operations ----------------------------------------------------------------

    def add_operations(self) -> None:
        ours = self.ws.merged()
        our_keys = {
            (path, method)
            for path, item in (ours.get("paths") or {}).items()
            for method in HTTP_METHODS
            if isinstance(item, dict) and isinstance(item.get(method), dict)
        }
        new = [
            (path, method, op)
            for path, method, op in self._upstream_operations()
            if (path, method) not in our_keys
        ]
        if not new:
            return
        layout = self._layout()
        importer = Importer(self.up, ours, self.note("schema"))
        declared = {
            t.get("name") for t in self.ws.entry_file.get(["tags"]) or [] if isinstance(t, dict)
        }
        for path, method, op in sorted(new, key=lambda n: (n[0], HTTP_METHODS.index(n[1]))):
            placement = place(
                layout,
                path,
                method,
                op["operationId"],
                op["tags"][0],
                replace="x-basecamp-write-semantics" in op,
            )
            ours_op = self._operation(
                path, op, placement.service, placement.method_name, importer, placement.part
            )
            if placement.new_part and placement.part not in self.ws.files:
                self.ws.create(
                    placement.part, f"# {TODO}: what this part of the API holds.\npaths: {{}}\n"
                )
                self.ws.entry_file.append(["x-parts"], placement.part)
                self.changed(ENTRY_NAME, "+", f"part {placement.part} in x-parts")
            if placement.service not in declared:
                self.ws.entry_file.append(
                    ["tags"],
                    {"name": placement.service, "description": f"{TODO}: describe this service."},
                )
                declared.add(placement.service)
                self.changed(ENTRY_NAME, "+", f"tag {placement.service} (a new service)")
            part = self.ws.file(placement.part)
            if isinstance(part.get(["paths", path]), dict):
                part.set(["paths", path, method], ours_op)
            else:
                part_paths = list((part.get(["paths"]) or {}).keys())
                if part.get(["paths"]) is None:
                    part.set(["paths"], {})
                part.set(["paths", path], {method: ours_op}, after=anchor(part_paths, path))
            self.changed(
                placement.part,
                "+",
                f"operation {op['operationId']} ({method.upper()} {path}) as "
                f"{placement.service}.{placement.method_name} — {placement.reason}",
            )
        self._write_schemas(importer)

    def _operation(
        self,
        path: str,
        op: dict[str, Any],
        service: str,
        name: str,
        importer: Importer,
        part: str,
    ) -> dict[str, Any]:
        op_id = op["operationId"]
        out: dict[str, Any] = {
            "operationId": op_id,
            "tags": [service],
            "summary": f"{TODO}: {' '.join(words(op_id))}.",
            REVIEW_KEY: self.note("operation"),
            "x-sdk-method": name,
        }
        if op.get("deprecated") is True:
            out["deprecated"] = True
        params = [importer.parameter(p, part) for p in self._upstream_params(path, op)]
        if params:
            out["parameters"] = params
        body = deref(self.up, op.get("requestBody"))
        if isinstance(body, dict) and body.get("content"):
            out["requestBody"] = importer.request_body(body, op_id, part)
        out["responses"] = importer.responses(
            op.get("responses") or {}, op_id, part, lambda r: deref(self.up, r)
        )
        for key in EXTENSION_ORDER:
            if key in op:
                out[key] = copy.deepcopy(op[key])
        return out

    def _write_schemas(self, importer: Importer) -> None:
        for name, (rel, schema) in importer.new_schemas.items():
            part = self.ws.file(rel)
            if part.get(["components", "schemas", name]) is not None:
                continue
            if part.get(["components"]) is None:
                part.set(["components"], {"schemas": {name: schema}})
            elif part.get(["components", "schemas"]) is None:
                part.set(["components", "schemas"], {name: schema})
            else:
                part.set(["components", "schemas", name], schema)
            self.changed(rel, "+", f"schema {name}")
        importer.new_schemas.clear()

    # -- 2 to 5: common operations ---------------------------------------------------------

    def sync_operations(self) -> None:
        ours = self.ws.merged()
        self._schema_files = {
            name: rel
            for rel in [self.ws.entry.name, *self.ws.parts()]
            for name in (self.ws.file(rel).get(["components", "schemas"]) or {})
        }
        path_files = {
            path: rel
            for rel in self.ws.parts()
            for path in (self.ws.file(rel).get(["paths"]) or {})
        }
        self._seen: set[tuple[Loc, int]] = set()
        importer = Importer(self.up, ours, self.note("schema"))
        self._importer = importer
        for path, method, up_op in self._upstream_operations():
            rel = path_files.get(path)
            if rel is None or not isinstance(self.ws.get(Loc(rel, ("paths", path, method))), dict):
                continue
            loc = Loc(rel, ("paths", path, method))
            label = up_op["operationId"]
            self._sync_metadata(loc, label, up_op)
            self._sync_parameters(loc, label, path, up_op, importer)
            self._sync_bodies(loc, up_op)
        self._write_schemas(importer)

    def _sync_metadata(self, loc: Loc, label: str, up_op: dict[str, Any]) -> None:
        ours = self.ws.get(loc)
        wanted = {k: up_op[k] for k in BEHAVIOUR_EXTENSIONS if k in up_op}
        for key in BEHAVIOUR_EXTENSIONS:
            mine, theirs = ours.get(key), wanted.get(key)
            if mine == theirs:
                continue
            if self.older:
                self.skipped_metadata += 1
                continue
            yaml_file = self.ws.file(loc.file)
            if theirs is None:
                yaml_file.delete([*loc.path, key])
                self.changed(loc.file, "~", f"{label}: {key} removed")
                continue
            after = None
            if mine is None:
                after = _preceding(list(ours), key)
            yaml_file.set([*loc.path, key], copy.deepcopy(theirs), after=after)
            self.changed(loc.file, "~", f"{label}: {key} {extension_detail(mine, theirs)}")
            ours = self.ws.get(loc)
        self._sync_status(loc, label, up_op)

    def _sync_status(self, loc: Loc, label: str, up_op: dict[str, Any]) -> None:
        mine = _success_code(self.ws.get(loc / "responses") or {})
        theirs = _success_code(up_op.get("responses") or {})
        if mine is None or theirs is None or mine == theirs:
            return
        if self.older:
            self.skipped_metadata += 1
            return
        yaml_file = self.ws.file(loc.file)
        yaml_file.rename([*loc.path, "responses", mine], theirs)
        text = {"200": "OK.", "201": "Created.", "202": "Accepted.", "204": "Done; no content."}
        if theirs in text and "$ref" not in (self.ws.get(loc / "responses" / theirs) or {}):
            yaml_file.set([*loc.path, "responses", theirs, "description"], text[theirs])
        ours = self.ws.get(loc)
        yaml_file.set(
            [*loc.path, REVIEW_KEY],
            self.note(f"success status changed {mine} → {theirs}; check the response"),
            after="summary" if "summary" in ours else None,
        )
        self.changed(
            loc.file, "~", f"{label}: success status {mine} → {theirs} (marked for review)"
        )

    def _sync_parameters(
        self, loc: Loc, label: str, path: str, up_op: dict[str, Any], importer: Importer
    ) -> None:
        item = self.ws.get(Loc(loc.file, loc.path[:-1])) or {}
        op = self.ws.get(loc) or {}
        have = {
            (p.get("in"), p.get("name"))
            for source in (item.get("parameters") or [], op.get("parameters") or [])
            for p in source
            if isinstance(p, dict)
        }
        for param in self._upstream_params(path, up_op):
            if (param["in"], param["name"]) in have:
                continue
            converted = importer.parameter(param, loc.file)
            yaml_file = self.ws.file(loc.file)
            if "parameters" in op:
                yaml_file.append([*loc.path, "parameters"], converted)
            else:
                after = "x-sdk-method" if "x-sdk-method" in op else None
                yaml_file.set([*loc.path, "parameters"], [converted], after=after)
            op = self.ws.get(loc) or {}
            req = "required" if converted.get("required") else "optional"
            self.changed(loc.file, "+", f"{label}: {param['in']} parameter {param['name']} ({req})")

    def _sync_bodies(self, loc: Loc, up_op: dict[str, Any]) -> None:
        ours = self.ws.get(loc) or {}
        up_body = deref(self.up, up_op.get("requestBody")) or {}
        for media, value in (up_body.get("content") or {}).items():
            if media != "application/json":
                continue
            if media in ((ours.get("requestBody") or {}).get("content") or {}):
                self._sync_schema(
                    (value or {}).get("schema"),
                    loc / "requestBody" / "content" / media / "schema",
                    0,
                )
        up_code = _success_code(up_op.get("responses") or {})
        my_code = _success_code(ours.get("responses") or {})
        if up_code is None or my_code is None:
            return
        up_response = deref(self.up, (up_op.get("responses") or {}).get(up_code)) or {}
        my_response = (ours.get("responses") or {}).get(my_code) or {}
        for media, value in (up_response.get("content") or {}).items():
            if media in (my_response.get("content") or {}):
                self._sync_schema(
                    (value or {}).get("schema"),
                    loc / "responses" / my_code / "content" / media / "schema",
                    0,
                )

    # -- fields ---------------------------------------------------------------------------

    def _resolve_ours(self, loc: Loc) -> tuple[Loc, Any]:
        """Follow our ``$ref``\\ s (and a nullable ``anyOf``) to the node that has the shape."""
        node = self.ws.get(loc)
        for _ in range(_MAX_DEPTH):
            if not isinstance(node, dict):
                return loc, node
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
                name = ref[len(SCHEMA_PREFIX) :]
                rel = self._schema_files.get(name)
                if rel is None:
                    return loc, None
                loc = Loc(rel, ("components", "schemas", name))
                node = self.ws.get(loc)
                continue
            branches = [
                i
                for i, b in enumerate(node.get("anyOf") or node.get("oneOf") or [])
                if not (isinstance(b, dict) and b.get("type") == "null")
            ]
            if len(branches) == 1 and "properties" not in node:
                key = "anyOf" if "anyOf" in node else "oneOf"
                loc = loc / key / branches[0]
                node = self.ws.get(loc)
                continue
            return loc, node
        return loc, node

    def _resolve_upstream(self, node: Any) -> Any:
        node = deref(self.up, node)
        if isinstance(node, dict) and "properties" not in node:
            branches = [
                b
                for b in node.get("anyOf") or node.get("oneOf") or []
                if not (isinstance(b, dict) and b.get("type") == "null")
            ]
            if len(branches) == 1:
                return self._resolve_upstream(branches[0])
        return node

    def _sync_schema(self, up_node: Any, loc: Loc, depth: int) -> None:
        if depth > _MAX_DEPTH or up_node is None:
            return
        theirs = self._resolve_upstream(up_node)
        loc, mine = self._resolve_ours(loc)
        if not isinstance(theirs, dict) or not isinstance(mine, dict):
            return
        key = (loc, id(theirs))
        if key in self._seen:
            return
        self._seen.add(key)
        up_props, up_required = _properties(self.up, theirs)
        if up_props:
            self._sync_properties(loc, mine, up_props, up_required, depth)
        if isinstance(theirs.get("items"), dict) and isinstance(mine.get("items"), dict):
            self._sync_schema(theirs["items"], loc / "items", depth + 1)
        extra_up, extra_mine = theirs.get("additionalProperties"), mine.get("additionalProperties")
        if isinstance(extra_up, dict) and isinstance(extra_mine, dict):
            self._sync_schema(extra_up, loc / "additionalProperties", depth + 1)

    def _sync_properties(
        self,
        loc: Loc,
        mine: dict[str, Any],
        up_props: dict[str, Any],
        up_required: set[str],
        depth: int,
    ) -> None:
        holders = _property_holders(loc, mine, self)
        for name, up_prop in up_props.items():
            holder = next(
                (h for h in holders if name in (self.ws.get(h / "properties") or {})), None
            )
            if holder is None:
                target = holders[-1] if holders else None
                if target is None:
                    continue
                converted = self._importer.convert(up_prop, target.file)
                self.ws.file(target.file).set([*target.path, "properties", name], converted)
                kind = field_info(self.up, up_prop).base_type
                self.changed(target.file, "+", f"field {_describe(target)}.{name} ({kind})")
                continue
            prop_loc = holder / "properties" / name
            self._sync_facets(holder, name, prop_loc, up_prop, name in up_required)
            self._sync_schema(up_prop, prop_loc, depth + 1)

    def _sync_facets(
        self, holder: Loc, name: str, prop_loc: Loc, up_prop: Any, up_required: bool
    ) -> None:
        yaml_file = self.ws.file(prop_loc.file)
        mine = self.ws.get(prop_loc)
        if not isinstance(mine, dict):
            return
        where = f"{_describe(holder)}.{name}"
        theirs_info = field_info(self.up, up_prop)
        ours_info = field_info(self.ws.merged_cache(), mine)
        if theirs_info.nullable and not ours_info.nullable:
            yaml_file.set(list(prop_loc.path), make_nullable(mine))
            self.changed(prop_loc.file, "~", f"field {where} may be null")
            mine = self.ws.get(prop_loc)
        required = self.ws.get(holder / "required") or []
        if name in required and not up_required:
            rest = [r for r in required if r != name]
            if rest:
                yaml_file.set([*holder.path, "required"], rest)
            else:
                yaml_file.delete([*holder.path, "required"])
            self.changed(prop_loc.file, "~", f"field {where} is no longer required")
        if ours_info.enum and set(theirs_info.enum) - set(ours_info.enum):
            enum_loc = self._enum_holder(prop_loc)
            if enum_loc is not None:
                current = list(self.ws.get(enum_loc / "enum") or [])
                added = sorted(set(theirs_info.enum) - {str(v) for v in current})
                self.ws.file(enum_loc.file).set([*enum_loc.path, "enum"], current + added)
                self.changed(enum_loc.file, "~", f"field {where} enum adds {', '.join(added)}")
        up_mark = _sensitive_mark(self.up, up_prop)
        if up_mark is not None and theirs_info.sensitive != ours_info.sensitive:
            yaml_file.set([*prop_loc.path, "x-basecamp-sensitive"], up_mark)
            self.changed(prop_loc.file, "~", f"field {where} is {theirs_info.sensitive} data")
        if mine.get("x-documented-only") is True:
            yaml_file.delete([*prop_loc.path, "x-documented-only"])
            self.changed(prop_loc.file, "~", f"field {where}: upstream describes it now")

    def _enum_holder(self, loc: Loc) -> Loc | None:
        for _ in range(_MAX_DEPTH):
            node = self.ws.get(loc)
            if not isinstance(node, dict):
                return None
            if "enum" in node:
                return loc
            resolved, _node = self._resolve_ours(loc)
            if resolved == loc:
                return None
            loc = resolved
        return None


def _preceding(keys: list[str], key: str) -> str | None:
    """The key a new extension goes after, so our operations keep their usual order."""
    position = EXTENSION_ORDER.index(key) if key in EXTENSION_ORDER else len(EXTENSION_ORDER)
    before = [k for k in EXTENSION_ORDER[:position] if k in keys]
    if before:
        return before[-1]
    return "responses" if "responses" in keys else None


def _success_code(responses: dict[Any, Any]) -> str | None:
    codes = sorted(str(c) for c in responses if str(c).isdigit() and str(c).startswith("2"))
    return codes[0] if codes else None


def _properties(document: Document, schema: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    props: dict[str, Any] = {}
    required: set[str] = set()
    for part in schema.get("allOf") or []:
        sub = deref(document, part)
        if isinstance(sub, dict):
            more, needed = _properties(document, sub)
            props.update(more)
            required |= needed
    props.update(schema.get("properties") or {})
    required |= {r for r in schema.get("required") or [] if isinstance(r, str)}
    return props, required


def _property_holders(loc: Loc, mine: dict[str, Any], updater: Updater) -> list[Loc]:
    """Our nodes that hold ``properties`` for an object: itself, then its allOf parts."""
    holders = [loc] if "properties" in mine else []
    for i in range(len(mine.get("allOf") or [])):
        part_loc, node = updater._resolve_ours(loc / "allOf" / i)
        if isinstance(node, dict) and "properties" in node:
            holders.append(part_loc)
    return holders


def _sensitive_mark(document: Document, schema: Any) -> dict[str, Any] | None:
    node = schema
    for _ in range(_MAX_DEPTH):
        if not isinstance(node, dict):
            return None
        mark = node.get("x-basecamp-sensitive")
        if isinstance(mark, dict):
            return copy.deepcopy(mark)
        if "$ref" not in node:
            return None
        node = deref(document, {"$ref": node["$ref"]})
    return None


def _describe(loc: Loc) -> str:
    """``Person`` for a component, ``GetTodo response`` / ``… request`` for an inline body."""
    path = list(loc.path)
    if path[:2] == ["components", "schemas"] and len(path) > 2:
        names = [str(path[2])]
        names += [
            str(k)
            for k in path[3:]
            if isinstance(k, str) and k not in ("properties", "items", "anyOf", "oneOf", "allOf")
        ]
        return ".".join(names)
    return "/".join(str(k) for k in path[1:3])


# ----------------------------------------------------------------------------- entry points


@dataclass
class UpdateResult:
    changes: list[Change]
    written: list[str]
    upstream_version: str
    ours_version: str
    skipped_metadata: int  # metadata changes not applied: upstream is older than ours
    remaining: int  # differences make spec-drift still counts afterwards


def update(
    upstream: str | Path, entry: str | Path = ENTRY_NAME, *, dry_run: bool = False
) -> UpdateResult:
    """Bring into ``entry``'s description what ``upstream`` has and it lacks (see the module
    documentation); write the files unless ``dry_run``."""
    entry_path = Path(entry)
    upstream_raw = load(upstream)
    workspace = Workspace(entry_path)
    ours_version = api_version(workspace.entry_file.data)
    updater = Updater(upstream_raw, workspace)
    try:
        updater.add_operations()
        updater.sync_operations()
        updater.follow_version()
        after = workspace.merged()
    except EditError as exc:
        raise SpecError(f"spec-update: {exc}") from None
    report = compare(upstream_raw, after, accepted=accepted_beside(entry_path))
    remaining = len(report.operations) + len(report.by_operation)
    written = [] if dry_run else workspace.write()
    return UpdateResult(
        updater.changes,
        written,
        api_version(upstream_raw),
        ours_version,
        updater.skipped_metadata,
        remaining,
    )


def format_result(result: UpdateResult, *, dry_run: bool = False) -> str:
    lines = [
        f"spec-update: upstream {result.upstream_version or '?'}, ours {result.ours_version or '?'}"
        + (" (dry run: nothing written)" if dry_run else "")
    ]
    if not result.changes:
        lines.append("Nothing to update: ours already has everything upstream adds.")
    by_file: dict[str, list[Change]] = {}
    for change in result.changes:
        by_file.setdefault(change.file, []).append(change)
    for rel in sorted(by_file):
        lines.append(rel)
        lines.extend(f"  {c.sign} {c.text}" for c in by_file[rel])
    if result.skipped_metadata:
        lines.append(
            f"{result.skipped_metadata} metadata differences left as they are: upstream's "
            f"{result.upstream_version} is older than our {result.ours_version}."
        )
    if result.changes:
        kinds = Counter(c.text.split(" ", 1)[0] for c in result.changes if c.sign == "+")
        summary = ", ".join(
            f"{n} {kind}{'s' if n > 1 else ''}" for kind, n in sorted(kinds.items())
        )
        changed = sum(1 for c in result.changes if c.sign == "~")
        lines.append(
            f"{len(result.changes)} changes ({summary or 'no additions'}; {changed} changed) "
            + (f"in {len(result.written)} files." if not dry_run else "would be made.")
        )
        lines.append(
            f"Review what is marked {TODO} / {REVIEW_KEY} (grep -rn 'TODO(review)\\|x-review' "
            "openapi/), then run make generate and make test."
        )
    if result.remaining:
        lines.append(
            f"make spec-drift still counts {result.remaining} differences spec-update does not "
            "settle (types, formats, removals, response shapes): they need a person."
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m codegen.spec_update UPSTREAM [OURS] [--dry-run]``: exit 0 on success (with
    or without changes), 2 when a description cannot be read or edited."""
    parser = argparse.ArgumentParser(
        prog="python -m codegen.spec_update",
        description="Bring what an upstream OpenAPI description has and ours lacks into ours.",
    )
    parser.add_argument("upstream", type=Path, help="the upstream description (JSON or YAML)")
    parser.add_argument(
        "ours", type=Path, nargs="?", help="our entry file (default: openapi/openapi.yaml)"
    )
    parser.add_argument("--dry-run", action="store_true", help="print the changes, write nothing")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    entry = args.ours or Path(__file__).resolve().parent.parent / "openapi" / ENTRY_NAME
    try:
        result = update(args.upstream, entry, dry_run=args.dry_run)
    except SpecError as exc:
        sys.stderr.write(f"spec-update: {exc}\n")
        return 2
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        sys.stderr.write(f"spec-update: malformed description: {exc!r}\n")
        return 2
    sys.stdout.write(format_result(result, dry_run=args.dry_run))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
