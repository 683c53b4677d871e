"""Our description's files, read once, edited in memory, written at the end (spec-update)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .loader import Document, SpecError, assemble, part_files
from .yaml_edit import Key, YamlFile


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
