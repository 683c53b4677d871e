"""Turning names from the description into Python names. Pure functions.

The rules are deliberately few and predictable, because renaming anything later would
break users: identifiers become snake_case (``projectId`` → ``project_id``,
``assignee_ids[]`` → ``assignee_ids``), tags become service attributes
(``Card Tables`` → ``card_tables``) and, when the description gives no
``x-sdk-method``, method names are derived from the operation id (:func:`method_name`).
"""

from __future__ import annotations

import keyword
import re

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9]|[^A-Za-z0-9]|$)|[A-Z]?[a-z0-9]+|[A-Z]+")
_NON_IDENT = re.compile(r"[^0-9A-Za-z]+")

# Names Python reserves, or that would shadow what every generated class relies on.
_SOFT_RESERVED = frozenset({"self", "cls", "print"})


def words(name: str) -> list[str]:
    """``"GetProjectTimeline"`` / ``"project_id"`` / ``"Card Tables"`` → lower-case words."""
    parts: list[str] = []
    for chunk in _NON_IDENT.split(name):
        parts.extend(w.lower() for w in _WORD.findall(chunk))
    return parts


def snake(name: str) -> str:
    """A snake_case identifier; never a keyword and never starting with a digit."""
    text = "_".join(words(name)) or "value"
    if text[0].isdigit():
        text = "n_" + text
    return safe_identifier(text)


def pascal(name: str) -> str:
    """``"card_tables"`` → ``"CardTables"``; an already PascalCase name stays as it is."""
    if re.fullmatch(r"[A-Z][A-Za-z0-9]*", name):
        return name
    text = "".join(w[:1].upper() + w[1:] for w in words(name)) or "Value"
    return "N" + text if text[0].isdigit() else text


def upper_snake(name: str) -> str:
    return "_".join(words(name)).upper()


def safe_identifier(name: str) -> str:
    """Append ``_`` to keywords (``from`` → ``from_``), as PEP 8 suggests."""
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in _SOFT_RESERVED:
        return name + "_"
    return name


_IRREGULAR = {"people": "person", "everything": "everything", "news": "news"}


def singular(word: str) -> str:
    """A crude singular of one English word; good enough to match service nouns."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def noun_forms(service: str) -> list[list[str]]:
    """Word sequences that name the service's own resource: plural and singular."""
    plural = service.split("_")
    singular_form = [*plural[:-1], singular(plural[-1])]
    forms = [plural]
    if singular_form != plural:
        forms.append(singular_form)
    return forms


def method_name(operation_id: str, service: str) -> str:
    """The method name for an operation with no ``x-sdk-method``.

    The first word of the operation id is the verb; the rest names the resource. When
    the rest *is* the service's resource, the verb alone is the name (``GetProject`` in
    ``projects`` → ``get``, ``ListProjects`` → ``list``); when it starts with the
    resource, that prefix is dropped (``UpdateAccountName`` in ``account`` →
    ``update_name``, ``GetEverythingOpenTodos`` in ``everything`` → ``get_open_todos``);
    otherwise every word stays (``ListProjectPeople`` in ``people`` →
    ``list_project_people``). Collisions are settled by :func:`unique_method_names`.
    """
    parts = words(operation_id)
    if not parts:
        return "call"
    verb, rest = parts[0], parts[1:]
    for form in noun_forms(service):
        if rest == form:
            return safe_identifier(verb)
    for form in noun_forms(service):
        if len(rest) > len(form) and rest[: len(form)] == form:
            rest = rest[len(form) :]
            break
    return safe_identifier("_".join([verb, *rest]))


def unique_method_names(proposed: dict[str, str]) -> dict[str, str]:
    """Operation id → method name, with every collision resolved the same way each run.

    Operations whose derived names collide fall back to the snake_case form of their
    operation id (repeated until nothing collides, since a fallback may itself land
    on a derived name); a remaining clash gets a numeric suffix in operation id order.
    """
    names = dict(proposed)
    fallen: set[str] = set()
    while True:
        owners: dict[str, list[str]] = {}
        for op_id in sorted(names):
            owners.setdefault(names[op_id], []).append(op_id)
        clashes = [ids for ids in owners.values() if len(ids) > 1]
        if not clashes:
            return names
        progressed = False
        for ids in clashes:
            for op_id in ids:
                if op_id not in fallen:
                    names[op_id] = snake(op_id)
                    fallen.add(op_id)
                    progressed = True
        if not progressed:
            for ids in clashes:
                for n, op_id in enumerate(ids[1:], start=2):
                    names[op_id] = f"{names[op_id]}_{n}"


def service_name(tag: str) -> str:
    """A tag (``Card Tables``, ``MyAssignments``, ``card_tables``) → ``card_tables``."""
    return snake(tag)
