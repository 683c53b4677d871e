"""Field sync for spec-update: walk an upstream body schema and ours side by side, adding the
fields ours lacks and relaxing what upstream allows that ours does not.

Every operation both describe is walked, request and success-response body alike; ``$ref``\\ s
are followed on both sides (ours to the part file that defines the schema), so a field new on
``Person`` is added once, to ``Person``, wherever it is embedded. What is done, per property:

- absent in ours → added, converted to our form, as an optional field;
- upstream allows ``null`` and ours does not → ours allows it;
- ours requires it, upstream does not → no longer required;
- upstream lists enum values ours lacks → they are added;
- upstream marks it sensitive (another category than ours) → ours takes the mark;
- ours marks it ``x-documented-only`` → the mark goes: upstream describes it now.

Types and formats are never changed (ours may differ on purpose).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from .loader import Document
from .spec_import import SCHEMA_PREFIX, Importer, make_nullable
from .spec_workspace import Loc, Workspace
from .summary import deref, field_info

_MAX_DEPTH = 12


class FieldSync:
    """One pass over the common operations' bodies; ``changed(file, sign, text)`` reports."""

    def __init__(
        self,
        workspace: Workspace,
        upstream: Document,
        importer: Importer,
        changed: Callable[[str, str, str], None],
    ) -> None:
        self.ws = workspace
        self.up = upstream
        self._importer = importer
        self.changed = changed
        self._seen: set[tuple[Loc, int]] = set()
        self._schema_files = {
            name: rel
            for rel in [workspace.entry.name, *workspace.parts()]
            for name in (workspace.file(rel).get(["components", "schemas"]) or {})
        }

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

    def sync_schema(self, up_node: Any, loc: Loc, depth: int) -> None:
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
            self.sync_schema(theirs["items"], loc / "items", depth + 1)
        extra_up, extra_mine = theirs.get("additionalProperties"), mine.get("additionalProperties")
        if isinstance(extra_up, dict) and isinstance(extra_mine, dict):
            self.sync_schema(extra_up, loc / "additionalProperties", depth + 1)

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
            self.sync_schema(up_prop, prop_loc, depth + 1)

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


def _property_holders(loc: Loc, mine: dict[str, Any], updater: FieldSync) -> list[Loc]:
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
