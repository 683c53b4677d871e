"""Editing our hand-written YAML description in place, one node at a time.

``make spec-update`` changes a handful of nodes in files people read and review (openapi/).
Loading a part and dumping it whole would rewrite every line whose style the dumper does not
reproduce. Instead, each edit here changes only the lines of the node it touches: the file
is composed (PyYAML, with libyaml when available) to find where a node starts and ends, and
the new value is emitted in the style our parts are written in (:func:`dump`: block style,
two-space indentation, sequences at their key's indentation, flow style for lists of
scalars, 100 columns) at that node's indentation. Comments, quoting and wrapping elsewhere
stay byte for byte.

After every edit the text is parsed again and must equal the expected data; a mismatch is an
:class:`EditError`, never a silently wrong file.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import yaml

Key = str | int  # a mapping key or a sequence index
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PAD = "_"  # key of the wrapper mappings that place a dumped node at its indentation


class EditError(Exception):
    """An edit cannot be made (missing parent, unsupported layout) or went wrong."""


class _Dumper(yaml.SafeDumper):  # type: ignore[misc]  # PyYAML ships no types
    """Our parts' style: block mappings, flow style for non-empty lists of scalars, no
    anchors or aliases (a value used twice is written twice)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    scalars = bool(data) and all(isinstance(x, str | int | float | bool) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=scalars)


_Dumper.add_representer(list, _represent_list)


def dump(data: Any) -> str:
    """YAML text of ``data`` in our parts' style (at column 0)."""
    text: str = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        width=100,
        allow_unicode=True,
        default_flow_style=False,
    )
    return text


def _dump_at(column: int, node: Any, *, item: bool) -> list[str]:
    """Lines of ``node`` — a one-pair mapping, or with ``item`` a sequence item — emitted as
    if it stood at ``column`` of a whole file, so that long lines wrap exactly as there."""
    depth, odd = divmod(column, 2)
    if odd:
        raise EditError(f"cannot emit at odd column {column}")
    # Wrapper mappings put the node at its column: a sequence in a mapping sits at its
    # key's indentation, each mapping level adds two columns.
    wrapped: Any = {_PAD: [node]} if item else node
    for _ in range(depth):
        wrapped = {_PAD: wrapped}
    lines = dump(wrapped).splitlines(keepends=True)
    return lines[depth + (1 if item else 0) :]


def _last_line(node: yaml.Node, lines: list[str]) -> int:
    """The last line (0-based) that holds part of ``node``, trailing comments excluded.

    A node ends where its end mark is: right after a scalar or a flow collection, or — for a
    block collection — where the next token starts (the line is the next entry's when only
    indentation precedes the mark). Read from the mark, not the children, so that an alias
    (which shares its anchor's node and lines) cannot mislead it.
    """
    end = node.end_mark
    line = int(end.line)
    if line >= len(lines) or not lines[line][: int(end.column)].strip():
        line -= 1
    start = int(node.start_mark.line)
    while line > start and lines[line].strip().startswith("#") | (not lines[line].strip()):
        line -= 1
    return max(line, start)


class YamlFile:
    """One YAML file's text and data, edited node by node."""

    def __init__(self, text: str, name: str = "<yaml>") -> None:
        self.name = name
        self.text = text
        self.data: Any = None
        self._root: yaml.Node | None = None
        self._parse()
        self.changed = False
        self.edits = 0  # how many edits were made (callers cache what they derive)

    # -- reading --------------------------------------------------------------------------

    def _parse(self) -> None:
        loader = _Loader(self.text)
        try:
            root = loader.get_single_node()
            self.data = loader.construct_document(root) if root is not None else None
        except yaml.YAMLError as exc:
            raise EditError(f"{self.name}: invalid YAML: {exc}") from None
        finally:
            loader.dispose()
        self._root = root

    def get(self, path: Sequence[Key], default: Any = None) -> Any:
        node = self.data
        for key in path:
            found = (isinstance(node, dict) and key in node) or (
                isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node)
            )
            if not found:
                return default
            node = node[key]
        return node

    def _node(self, path: Sequence[Key]) -> yaml.Node:
        node = self._root
        for key in path:
            if isinstance(node, yaml.MappingNode):
                match = [v for k, v in node.value if k.value == str(key)]
                if not match:
                    raise EditError(f"{self.name}: no {key!r} at {list(path)}")
                node = match[0]
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                node = node.value[key]
            else:
                raise EditError(f"{self.name}: cannot step to {key!r} at {list(path)}")
        if node is None:
            raise EditError(f"{self.name}: the document is empty")
        return node

    def _lines(self) -> list[str]:
        return self.text.splitlines(keepends=True)

    def _pair(self, path: Sequence[Key]) -> tuple[yaml.Node, yaml.Node]:
        parent = self._node(path[:-1])
        if not isinstance(parent, yaml.MappingNode):
            raise EditError(f"{self.name}: {list(path[:-1])} is not a mapping")
        for key_node, value_node in parent.value:
            if key_node.value == str(path[-1]):
                return key_node, value_node
        raise EditError(f"{self.name}: no {path[-1]!r} at {list(path[:-1])}")

    # -- writing --------------------------------------------------------------------------

    def _splice(self, first: int, last: int, new_lines: list[str], expected: Any) -> None:
        lines = self.text.splitlines(keepends=True)
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        lines[first : last + 1] = new_lines
        before = self.text
        self.text = "".join(lines)
        self._parse()
        if self.data != expected:
            self.text = before
            self._parse()
            raise EditError(f"{self.name}: an edit did not produce the expected data")
        self.changed = True
        self.edits += 1

    def _expected(self, path: Sequence[Key], change: Any) -> Any:
        data = copy.deepcopy(self.data)
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        change(parent, path[-1])
        return data

    def set(self, path: Sequence[Key], value: Any, *, after: str | None = None) -> None:
        """Give ``path`` the ``value``: replace the value of an existing key (in place), or add
        the key to its mapping — after the key ``after`` when given, else at the end."""
        parent_path = list(path[:-1])
        key = path[-1]
        parent = self.get(parent_path)
        if not isinstance(parent, dict):
            raise EditError(f"{self.name}: {parent_path} is not a mapping")
        if key in parent:
            self._replace_pair(path, key, value)
        else:
            self._insert_pair(parent_path, key, value, after)

    def _replace_pair(self, path: Sequence[Key], key: Key, value: Any) -> None:
        key_node, value_node = self._pair(path)
        column = int(key_node.start_mark.column)
        first = int(key_node.start_mark.line)
        new = _dump_at(column, {key: value}, item=False)
        line = self.text.splitlines(keepends=True)[first]
        new[0] = line[:column] + new[0][column:]

        def change(parent: Any, k: Key) -> None:
            parent[k] = value

        self._splice(
            first, _last_line(value_node, self._lines()), new, self._expected(path, change)
        )

    def _insert_pair(self, parent_path: list[Key], key: Key, value: Any, after: str | None) -> None:
        parent = self._node(parent_path)
        parent_data = self.get(parent_path)
        if not isinstance(parent, yaml.MappingNode):
            raise EditError(f"{self.name}: {parent_path} is not a mapping")
        if parent.flow_style or not parent.value:
            # ``{}`` or a flow mapping: rewrite the whole mapping with the new key in it.
            if not parent_path:
                raise EditError(f"{self.name}: the document is not a block mapping")
            replaced = {**parent_data, key: value}
            self._replace_pair(parent_path, parent_path[-1], replaced)
            return
        column = int(parent.value[0][0].start_mark.column)
        anchor = parent.value[-1][1]
        if after is not None:
            found = [v for k, v in parent.value if k.value == after]
            if not found:
                raise EditError(f"{self.name}: no {after!r} at {parent_path}")
            anchor = found[0]
        at = _last_line(anchor, self._lines()) + 1
        new = _dump_at(column, {key: value}, item=False)

        def change(target: Any, k: Key) -> None:
            items = list(target.items())
            position = len(items)
            if after is not None:
                position = [name for name, _ in items].index(after) + 1
            items.insert(position, (k, value))
            target.clear()
            target.update(items)

        self._splice(at, at - 1, new, self._expected([*parent_path, key], change))

    def append(self, path: Sequence[Key], item: Any) -> None:
        """Add ``item`` at the end of the sequence at ``path`` (created when absent)."""
        current = self.get(path)
        if current is None:
            self.set(path, [item])
            return
        if not isinstance(current, list):
            raise EditError(f"{self.name}: {list(path)} is not a sequence")
        node = self._node(path)
        if node.flow_style or not node.value:
            self.set(path, [*current, item])
            return
        column = int(node.start_mark.column)
        at = _last_line(node, self._lines()) + 1
        new = _dump_at(column, item, item=True)

        def change(parent: Any, k: Key) -> None:
            parent[k] = [*parent[k], item]

        self._splice(at, at - 1, new, self._expected(path, change))

    def delete(self, path: Sequence[Key]) -> None:
        """Remove the key at ``path`` and its value."""
        key_node, value_node = self._pair(path)
        first = int(key_node.start_mark.line)
        line = self.text.splitlines(keepends=True)[first]
        if line[: key_node.start_mark.column].strip():
            raise EditError(f"{self.name}: {list(path)} opens a sequence item; not deleted")

        def change(parent: Any, k: Key) -> None:
            del parent[k]

        self._splice(first, _last_line(value_node, self._lines()), [], self._expected(path, change))

    def rename(self, path: Sequence[Key], new_key: str) -> None:
        """Give the key at ``path`` another name, keeping its value and its place."""
        parent_path = list(path[:-1])
        parent = self.get(parent_path)
        if not isinstance(parent, dict) or path[-1] not in parent or new_key in parent:
            raise EditError(f"{self.name}: cannot rename {list(path)} to {new_key!r}")
        key_node, value_node = self._pair(path)
        column = int(key_node.start_mark.column)
        first = int(key_node.start_mark.line)
        value = parent[path[-1]]
        new = _dump_at(column, {new_key: value}, item=False)
        line = self.text.splitlines(keepends=True)[first]
        new[0] = line[:column] + new[0][column:]

        def change(target: Any, k: Key) -> None:
            items = [(new_key if name == k else name, v) for name, v in target.items()]
            target.clear()
            target.update(items)

        self._splice(
            first, _last_line(value_node, self._lines()), new, self._expected(path, change)
        )
