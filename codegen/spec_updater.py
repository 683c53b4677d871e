"""The edits of ``make spec-update`` (:mod:`codegen.spec_update` runs them and reports):
:class:`Updater` adds upstream's new operations to our part files, then brings every
operation both sides have up to date — new fields, parameters, what upstream allows that
ours does not, and (only when upstream's API version is not older than ours) changed
metadata. Each edit is recorded as a :class:`~codegen.spec_workspace.Change`.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterator
from typing import Any

from .compare import api_version, extension_detail, is_older
from .loader import Document
from .names import method_name, service_name, words
from .normalise import normalise, operations, parameters
from .spec_fields import FieldSync
from .spec_import import EXTENSION_ORDER, REVIEW_KEY, SUCCESS_TEXT, TODO, Importer
from .spec_place import Layout, Placed, anchor, place
from .spec_workspace import Change, Loc, Workspace
from .summary import BEHAVIOUR_EXTENSIONS, deref

ENTRY_NAME = "openapi.yaml"
HTTP_METHODS = ("get", "put", "post", "delete", "patch")


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
        for path, method, op in operations(self.up):
            if method in HTTP_METHODS and op.get("operationId"):
                yield path, method, op

    def _upstream_params(self, path: str, op: dict[str, Any]) -> list[dict[str, Any]]:
        return parameters(self.up, path, op, lambda node: deref(self.up, node))

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
        our_keys = {(path, method) for path, method, _op in operations(ours)}
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
        where = {op.operation_id: f"{op.method.upper()} {op.path}" for op in layout.operations}
        for path, method, op in sorted(new, key=lambda n: (n[0], HTTP_METHODS.index(n[1]))):
            if op["operationId"] in where:
                # Same id at another path: moved or re-routed upstream. Adding it would
                # define the id twice; which path is right is a person's call.
                self.changed(
                    self.ws.entry.name,
                    "!",
                    f"{op['operationId']} not added: upstream has it at {method.upper()} {path}, "
                    f"ours at {where[op['operationId']]}",
                )
                continue
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
        path_files = {
            path: rel
            for rel in self.ws.parts()
            for path in (self.ws.file(rel).get(["paths"]) or {})
        }
        importer = Importer(self.up, ours, self.note("schema"))
        self._fields = FieldSync(self.ws, self.up, importer, self.changed)
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
        if theirs in SUCCESS_TEXT and "$ref" not in (self.ws.get(loc / "responses" / theirs) or {}):
            yaml_file.set([*loc.path, "responses", theirs, "description"], SUCCESS_TEXT[theirs])
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
                self._fields.sync_schema(
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
                self._fields.sync_schema(
                    (value or {}).get("schema"),
                    loc / "responses" / my_code / "content" / media / "schema",
                    0,
                )


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
