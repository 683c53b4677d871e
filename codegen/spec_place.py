"""Where a new upstream operation goes in openapi/: its service, method name and part file.

Pure decisions over our layout (which operation lives at which path, in which service and
part file). The rules, first match wins, each explainable in one line of spec-update's
output:

1. **same path** — another method at that path is ours: its service and part (a path is
   defined in one part only);
2. **resource named** — the operation id names a service's resource after its verb
   (``SpotlightRecording`` → ``recordings``, ``UpdateBoost`` → ``boosts``; longest match);
3. **path prefix** — the service of our operations sharing the longest leading path
   (``/projects/{id}/wallpaper.json`` → where ``/projects/{id}…`` live); ties go to the
   service upstream's tag points to, then to the larger service;
4. **upstream tag** — the service most of our operations with the same upstream tag are in;
5. **new service** — named after upstream's tag (or first path segment), in a new part.

The part is the path's part (rule 1) or the one holding most of the service's operations;
the method name is :func:`codegen.names.method_name`, made unique in the service without
ever touching an existing name.
"""

from __future__ import annotations

import builtins
import keyword
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from .names import method_name, noun_forms, snake, words

_AWKWARD = frozenset((set(dir(builtins)) | set(keyword.kwlist)) - {"list"})


@dataclass(frozen=True)
class Placed:
    """One of our operations: where it lives."""

    path: str
    method: str  # lower case
    operation_id: str
    service: str
    method_name: str
    part: str  # part file, relative to the entry file (``parts/todos.yaml``)


@dataclass(frozen=True)
class Placement:
    service: str
    method_name: str
    part: str
    reason: str
    new_service: bool = False
    new_part: bool = False


@dataclass
class Layout:
    """Our operations and where they live; grows as new operations are placed."""

    operations: list[Placed] = field(default_factory=list)
    # upstream tag (as a service name) → our services of the operations both describe
    tag_services: dict[str, Counter[str]] = field(default_factory=dict)

    def services(self) -> set[str]:
        return {op.service for op in self.operations}

    def method_names(self, service: str) -> set[str]:
        return {op.method_name for op in self.operations if op.service == service}

    def part_of_path(self, path: str) -> str | None:
        return next((op.part for op in self.operations if op.path == path), None)


def segments(path: str) -> list[str]:
    """``/projects/{projectId}/recent.json`` → ``["projects", "{}", "recent"]``."""
    out = []
    for raw in path.strip("/").split("/"):
        seg = raw.removesuffix(".json")
        out.append("{}" if seg.startswith("{") else seg)
    return out


def shared_prefix(a: str, b: str) -> int:
    """How many leading path segments two paths share (a placeholder matches a placeholder)."""
    n = 0
    for x, y in zip(segments(a), segments(b), strict=False):
        if x != y:
            break
        n += 1
    return n


def _by_resource(operation_id: str, services: Iterable[str]) -> str | None:
    """The service whose resource the words after the verb name: at their start
    (``UpdateBoost``), else at their end (``ListEventBoosts``); the longest name wins."""
    rest = words(operation_id)[1:]

    def at_start(form: list[str]) -> bool:
        return rest[: len(form)] == form

    def at_end(form: list[str]) -> bool:
        return len(rest) > len(form) and rest[-len(form) :] == form

    for matches in (at_start, at_end):
        best: tuple[int, str] | None = None
        for service in sorted(services):
            for form in noun_forms(service):
                if matches(form) and (best is None or len(form) > best[0]):
                    best = (len(form), service)
        if best is not None:
            return best[1]
    return None


def _largest(layout: Layout, candidates: Iterable[str], tag: str) -> str:
    sizes = Counter(op.service for op in layout.operations)
    by_tag = layout.tag_services.get(tag, Counter())
    return max(sorted(candidates), key=lambda s: (by_tag[s], sizes[s]))


def choose_service(layout: Layout, path: str, operation_id: str, tag: str) -> tuple[str, str]:
    """(service, reason) for a new operation; ``tag`` is upstream's, as a service name."""
    same_path = Counter(op.service for op in layout.operations if op.path == path)
    if same_path:
        return same_path.most_common(1)[0][0], f"same path as other {path} methods"
    named = _by_resource(operation_id, layout.services())
    if named is not None:
        return named, f"{operation_id} names the {named} resource"
    best = max((shared_prefix(path, op.path) for op in layout.operations), default=0)
    if best > 0:
        near = [op for op in layout.operations if shared_prefix(path, op.path) == best]
        # The resource the shared prefix names (``/todosets/{id}`` for ``…/hill.json``)
        # before its other sub-resources.
        owners = {op.service for op in near if len(segments(op.path)) == best}
        service = _largest(layout, owners or {op.service for op in near}, tag)
        prefix = "/" + "/".join(segments(path)[:best])
        return service, f"shares {prefix} with {service} operations"
    if layout.tag_services.get(tag):
        service = layout.tag_services[tag].most_common(1)[0][0]
        return service, f"upstream tag {tag!r} is mostly {service}"
    return tag, f"new service after upstream tag {tag!r}"


def choose_part(layout: Layout, service: str, path: str, tag: str) -> tuple[str, bool]:
    """(part file, whether it is new) for a new operation of ``service`` at ``path``."""
    existing = layout.part_of_path(path)
    if existing is not None:
        return existing, False
    parts = Counter(op.part for op in layout.operations if op.service == service)
    if not parts:
        # A new service: beside the operations sharing its upstream tag, else its own part.
        tagged = layout.tag_services.get(tag, Counter())
        parts = Counter(op.part for op in layout.operations if tagged.get(op.service))
    if parts:
        top = max(parts.values())
        tied = sorted(p for p, n in parts.items() if n == top)
        if len(tied) == 1:
            return tied[0], False
        near = max(
            (op for op in layout.operations if op.part in tied),
            key=lambda op: (shared_prefix(path, op.path), op.part),
        )
        return near.part, False
    return f"parts/{service}.yaml", True


def choose_method(layout: Layout, service: str, operation_id: str, *, replace: bool = False) -> str:
    """A method name no operation of ``service`` has yet (ours are never renamed)."""
    taken = layout.method_names(service)
    if replace and "replace" not in taken:
        return "replace"

    def usable(name: str) -> bool:
        return name not in taken and name not in _AWKWARD and not name.startswith(service + "_")

    for candidate in (method_name(operation_id, service), snake(operation_id)):
        if usable(candidate):
            return candidate
    base = snake(operation_id)
    while base == service or base.startswith(service + "_"):
        # ``ProjectsGet`` in projects: ``get``, ``get_2``…; ``Projects`` alone: ``call``.
        base = base[len(service) + 1 :] or "call"
    for n in range(2, len(taken) + 3):  # one of these is free: ``taken`` has fewer names
        if usable(f"{base}_{n}"):
            return f"{base}_{n}"
    raise AssertionError("unreachable: more free suffixes than taken names")


def place(
    layout: Layout,
    path: str,
    method: str,
    operation_id: str,
    tag: str,
    *,
    replace: bool = False,
) -> Placement:
    """Decide where a new operation goes, and record it in ``layout``. A replace-semantics
    write (``replace``) is called ``replace`` where the service has no such method yet."""
    service, reason = choose_service(layout, path, operation_id, tag)
    new_service = service not in layout.services()
    part, new_part = choose_part(layout, service, path, tag)
    name = choose_method(layout, service, operation_id, replace=replace)
    layout.operations.append(Placed(path, method, operation_id, service, name, part))
    return Placement(service, name, part, reason, new_service, new_part)


def anchor(part_paths: list[str], path: str) -> str | None:
    """The path (of a part, in file order) a new path goes after: the last one sharing the
    longest prefix with it; None to go at the end."""
    best, chosen = 0, None
    for candidate in part_paths:
        n = shared_prefix(path, candidate)
        if n >= best and n > 0:
            best, chosen = n, candidate
    return chosen
