"""Command-line values → the typed values the SDK methods take.

Each catalog type has a click parameter type: integers, dates, choices, JSON (inline,
``@file`` or ``@-`` for standard input) and models built from JSON. A value that does
not parse is a click ``BadParameter``: one line naming the option, exit code 2. The SDK
method then checks what it receives as it checks any caller's arguments.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from .catalog import Argument

if TYPE_CHECKING:
    _ParamType = click.ParamType[Any]  # generic in recent click only
else:
    _ParamType = click.ParamType

#: The most a JSON value read from a file or standard input may weigh.
MAX_JSON_BYTES = 16 * 1024 * 1024


def read_json_text(value: str, what: str) -> str:
    """``value`` itself, or the contents of the file ``@path`` (``@-``: standard input)."""
    if not value.startswith("@"):
        return value
    path = value[1:]
    try:
        if path == "-":
            data = sys.stdin.buffer.read(MAX_JSON_BYTES + 1)
        else:
            with open(path, "rb") as file:
                data = file.read(MAX_JSON_BYTES + 1)
    except OSError as exc:
        raise click.BadParameter(f"cannot read {path!r}: {exc.strerror or exc}") from None
    if len(data) > MAX_JSON_BYTES:
        raise click.BadParameter(f"{what} in {path!r} is larger than {MAX_JSON_BYTES} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise click.BadParameter(f"{path!r} is not UTF-8 text") from None


def parse_json(value: str, what: str = "the JSON") -> Any:
    text = read_json_text(value, what)
    try:
        return json.loads(text)
    except ValueError as exc:
        raise click.BadParameter(f"not valid JSON ({exc})") from None
    except RecursionError:
        # The size cap does not bound depth: "[[[[…" fits in it and the decoder recurses.
        raise click.BadParameter("not valid JSON (nested too deeply)") from None


#: How the help shows each catalog type's value.
METAVARS = {
    "str": "TEXT",
    "int": "INT",
    "float": "NUMBER",
    "json": "JSON",
    "date": "YYYY-MM-DD",
    "datetime": "DATETIME",
}


class _Placeholder(_ParamType):
    """A parameter type whose help shows one fixed placeholder for its value."""

    placeholder = "VALUE"

    def get_metavar(self, *args: Any, **kwargs: Any) -> str:
        return self.placeholder


class PositiveInt(_Placeholder):
    name = "integer"
    placeholder = "N"

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        number = click.INT.convert(value, param, ctx)
        if number < 1:
            self.fail(f"{value!r} is not a positive integer", param, ctx)
        return int(number)


POSITIVE = PositiveInt()


class DateType(_Placeholder):
    name = "date"
    placeholder = METAVARS["date"]

    def convert(self, value: Any, param: Any, ctx: Any) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a date (YYYY-MM-DD)", param, ctx)


class DateTimeType(_Placeholder):
    name = "datetime"
    placeholder = METAVARS["datetime"]

    def convert(self, value: Any, param: Any, ctx: Any) -> dt.datetime:
        if isinstance(value, dt.datetime):
            return value
        text = str(value).strip()
        if text.endswith(("Z", "z")):  # fromisoformat reads "Z" only from Python 3.11
            text = text[:-1] + "+00:00"
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 date and time", param, ctx)
        if parsed.tzinfo is None:
            self.fail(f"{value!r} has no time zone (add Z or an offset like +02:00)", param, ctx)
        return parsed


class IntListType(_Placeholder):
    """Integers, also given comma-separated (``1,2``)."""

    name = "integer"
    placeholder = "INT..."

    def convert(self, value: Any, param: Any, ctx: Any) -> list[int]:
        if isinstance(value, list):
            return value
        items: list[Any] = [v.strip() for v in str(value).split(",") if v.strip()]
        if not items:
            self.fail(f"{value!r} holds no integer", param, ctx)
        return [int(click.INT.convert(v, param, ctx)) for v in items]


class JsonType(_Placeholder):
    """A JSON value: inline, ``@file`` or ``@-``."""

    name = "json"
    placeholder = METAVARS["json"]

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if not isinstance(value, str):
            return value
        return parse_json(value)


class ModelType(_ParamType):
    """A JSON object (inline, ``@file`` or ``@-``) decoded into one of the SDK's models;
    in a list, an array of them also counts."""

    name = "object"

    def __init__(self, module: str, cls: str, *, many: bool = False) -> None:
        self.module = module
        self.cls = cls
        self.many = many

    def get_metavar(self, *args: Any, **kwargs: Any) -> str:
        return f"{self.cls}-JSON" + ("..." if self.many else "")

    def _model(self) -> Any:
        module = importlib.import_module(f"basecamp_client._generated.models.{self.module}")
        return getattr(module, self.cls)

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if not isinstance(value, str):
            return value
        return self.decode(parse_json(value, f"the {self.cls}"), param, ctx)

    def decode(self, data: Any, param: Any = None, ctx: Any = None) -> Any:
        """Parsed JSON (an object; in a list, also an array of them) as the model."""
        objects = data if self.many and isinstance(data, list) else [data]
        model = self._model()
        decoded = []
        for obj in objects:
            if not isinstance(obj, dict):
                self.fail(f"expected a JSON object ({self.cls}), got {_json_kind(obj)}", param, ctx)
            try:
                decoded.append(model.from_dict(obj))
            except Exception as exc:  # the decoder's own error names the field
                self.fail(f"not a valid {self.cls}: {exc}", param, ctx)
        return decoded if self.many else decoded[0]


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number" if isinstance(value, (int, float)) else type(value).__name__


_SCALARS: dict[str, _ParamType] = {
    "str": click.STRING,
    "int": click.INT,
    "float": click.FLOAT,
    "date": DateType(),
    "datetime": DateTimeType(),
    "json": JsonType(),
}


def click_type(spec: str) -> tuple[_ParamType, bool]:
    """(click type, repeatable) of a catalog type; list types are repeatable options
    whose values the command flattens."""
    if spec.startswith("list:"):
        item = spec[5:]
        if item == "int":
            return IntListType(), True
        if item.startswith("model:"):
            _kind, module, cls = item.split(":")
            return ModelType(module, cls, many=True), True
        inner, _ = click_type(item)
        return inner, True
    if spec.startswith("enum:"):
        return click.Choice(spec[5:].split("|")), False
    if spec.startswith("model:"):
        _kind, module, cls = spec.split(":")
        return ModelType(module, cls), False
    return _SCALARS.get(spec, click.STRING), False


def metavar(spec: str) -> str:
    """How the help shows a value of the catalog type ``spec``."""
    if spec.startswith("list:"):
        return metavar(spec[5:]).removesuffix("...") + "..."
    if spec.startswith("enum:"):
        return "[" + spec[5:] + "]"
    if spec.startswith("model:"):
        return spec.rsplit(":", 1)[1] + "-JSON"
    return METAVARS.get(spec, "VALUE")


def flatten(values: Sequence[Any]) -> list[Any]:
    """A repeatable option's values as one list (``1,2 3`` → ``[1, 2, 3]``)."""
    out: list[Any] = []
    for value in values:
        if isinstance(value, list):
            out.extend(value)
        else:
            out.append(value)
    return out


def from_json_value(argument: Argument, value: Any) -> Any:
    """A value of a ``--body`` JSON object as the SDK argument ``argument`` takes it: the
    JSON type must match (a string for text, dates and choices, a number for numbers…)."""
    if value is None:
        return None
    return _from_json(argument.type, value)


def _from_json(spec: str, value: Any) -> Any:
    if spec == "json":
        return value
    if spec.startswith(("model:", "list:model:")):
        kind, _ = click_type(spec)
        assert isinstance(kind, ModelType)
        return kind.decode(value)
    if spec.startswith("list:"):
        if not isinstance(value, list):
            raise click.BadParameter(f"expected a JSON array, got {_json_kind(value)}")
        return [_from_json(spec[5:], v) for v in value]
    if spec == "bool":
        if not isinstance(value, bool):
            raise click.BadParameter(f"expected true or false, got {_json_kind(value)}")
        return value
    if spec in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise click.BadParameter(f"expected a number, got {_json_kind(value)}")
        if spec == "int" and not isinstance(value, int):
            raise click.BadParameter(f"expected an integer, got {value!r}")
        return value
    if not isinstance(value, str):
        raise click.BadParameter(f"expected a string, got {_json_kind(value)}")
    kind, _ = click_type(spec)
    return kind.convert(value, None, None)


def expand_lists(args: list[str], list_options: frozenset[str]) -> list[str]:
    """``--ids 1 2 3`` → ``--ids 1 --ids 2 --ids 3`` for the repeatable options, so a
    list reads as it does in most command lines. A value starting with ``-`` (other
    than a negative number) ends the list, as does ``--``."""
    out: list[str] = []
    index = 0
    while index < len(args):
        token = args[index]
        out.append(token)
        index += 1
        if token == "--":  # noqa: S105  (an argument, not a password)
            out.extend(args[index:])
            break
        if token not in list_options:
            continue
        first = True
        while index < len(args) and (first or not _starts_option(args[index])):
            if not first:
                out.append(token)
            out.append(args[index])
            index += 1
            first = False
    return out


def _starts_option(token: str) -> bool:
    if not token.startswith("-") or token == "-":  # noqa: S105
        return False
    return not token[1:].replace(".", "", 1).isdigit()
