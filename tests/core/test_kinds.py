"""The type checks every argument, strict decoding and safe writes share (``_core/kinds``,
``_core/model_kinds``)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import pytest

from basecamp_client import NULL, UNSET, UsageError
from basecamp_client._core.kinds import (
    ANY,
    BOOL,
    DATE,
    DATETIME,
    FLOAT,
    ID,
    INT,
    STR,
    TEXT,
    Kind,
    describe,
    nullable,
    secret,
)
from basecamp_client._core.model_kinds import FieldKinds, dict_of, list_of, model_of
from basecamp_client._core.operation import Operation
from basecamp_client.models import Person, ProjectAccessResult, Todo

OP = Operation(id="DoThing", method="POST", path="/things.json")


class Color(enum.IntEnum):
    RED = 1


class Label(str, enum.Enum):
    URGENT = "urgent"


ACCEPTED: list[tuple[Kind, Any]] = [
    (INT, 0),
    (INT, -5),
    (INT, 2**70),
    (INT, Color.RED),  # an int subclass is an int
    (ID, 1),
    (FLOAT, 1.5),
    (FLOAT, 2),
    (BOOL, True),
    (BOOL, False),
    (STR, ""),
    (STR, "text"),
    (STR, Label.URGENT),
    (TEXT, "x"),
    (DATE, dt.date(2026, 1, 5)),
    (DATE, "2026-01-05"),
    (DATETIME, dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.timezone.utc)),
    (DATETIME, "2026-01-05T09:30:00Z"),
    (DATETIME, "2026-01-05T09:30:00.123+02:00"),
    (ANY, object()),
    (list_of(INT), []),
    (list_of(INT), [1, 2]),
    (list_of(INT), (1, 2)),
    (list_of(INT), {1, 2}),
    (list_of(STR), ["a"]),
    (dict_of(), {"a": object()}),
    (dict_of(INT), {"a": 1}),
]

REFUSED: list[tuple[Kind, Any, str]] = [
    (INT, True, "expected an int, got bool True"),
    (INT, 1.0, "expected an int, got float 1.0"),
    (INT, "7", "expected an int, got str '7'"),
    (ID, 0, "expected a positive int, got int 0"),
    (ID, -1, "expected a positive int, got int -1"),
    (ID, False, "expected a positive int, got bool False"),
    (FLOAT, float("nan"), "expected a finite number, got float nan"),
    (FLOAT, float("-inf"), "expected a finite number, got float -inf"),
    (FLOAT, True, "expected a finite number, got bool True"),
    (BOOL, "yes", "expected a bool (True or False), got str 'yes'"),
    (BOOL, 1, "expected a bool (True or False), got int 1"),
    (STR, 5, "expected a str, got int 5"),
    (STR, b"x", "expected a str, got bytes b'x'"),
    (TEXT, "", "expected a non-empty str, got str ''"),
    (DATE, "2026-13-45", "got str '2026-13-45'"),
    (DATE, "20260105", "got str '20260105'"),  # only the form Basecamp writes
    (DATE, dt.datetime(2026, 1, 5, 9, 30), "got datetime 2026-01-05T09:30:00"),
    (DATE, 20260105, "got int 20260105"),
    (DATETIME, "yesterday", "got str 'yesterday'"),
    (DATETIME, dt.date(2026, 1, 5), "got date 2026-01-05"),
    (list_of(INT), 5, "expected a list of int, got int 5"),
    (list_of(INT), "12", "expected a list of int, got str '12'"),
    (list_of(INT), [1, float("nan")], "[1]: expected an int, got float nan"),
    (list_of(INT), [None], "[0]: expected an int, got None"),
    (list_of(STR), {"a": 1}, "expected a list of str, got dict {'a': 1}"),
    (dict_of(INT), {"a": "1"}, "['a']: expected an int, got str '1'"),
    (dict_of(), {1: "a"}, "expected str keys, got int 1"),
]


@pytest.mark.parametrize(("kind", "value"), ACCEPTED)
def test_accepted(kind: Kind, value: Any) -> None:
    assert kind.accepts(value)
    assert kind.fault(value) is None
    kind.check(OP, "arg", value)


@pytest.mark.parametrize(("kind", "value", "text"), REFUSED)
def test_refused_with_a_message_naming_argument_expected_and_got(
    kind: Kind, value: Any, text: str
) -> None:
    assert not kind.fits(value)
    with pytest.raises(UsageError) as info:
        kind.check(OP, "arg", value)
    assert str(info.value).startswith("DoThing: arg")
    assert text in str(info.value)
    assert info.value.operation_id == "DoThing"


def test_unset_always_passes_none_and_null_only_when_the_kind_takes_none() -> None:
    for kind in (INT, STR, DATE, list_of(INT), model_of(Person)):
        kind.check(OP, "arg", UNSET)
        with pytest.raises(UsageError, match=r"expected .*, got None"):
            kind.check(OP, "arg", None)
        with pytest.raises(UsageError):
            kind.check(OP, "arg", NULL)
        nullable(kind).check(OP, "arg", None)
        nullable(kind).check(OP, "arg", NULL)
    ANY.check(OP, "arg", None)


def test_or_none_is_made_once_and_keeps_the_kind() -> None:
    assert nullable(STR) is nullable(STR)
    assert nullable(nullable(STR)) is nullable(STR)
    assert nullable(STR).name == STR.name
    assert not STR.none_ok
    assert repr(nullable(INT)) == "<Kind an int | None>"


def test_describe_is_short_and_hides_secrets() -> None:
    assert describe("x" * 500).startswith("str 'xxxxxxxxxx")
    assert len(describe("x" * 500)) < 80
    assert describe(list(range(100))) == "list [0, 1, 2, 3, ...]"
    assert describe("s3cr3t-t0ken", secret=True) == "str (value hidden)"
    assert describe(None) == "None"


def test_a_model_is_checked_field_by_field_with_a_path() -> None:
    person = Person.from_dict({"id": 1, "name": 5})
    fault = model_of(Person).fault(person)
    assert fault is not None
    assert fault.text("person") == "person.name (Person.name): expected a str, got int 5"
    result = ProjectAccessResult.from_dict(
        {"granted": [{"id": 3, "name": "A"}, {"id": 4, "name": []}], "revoked": []}
    )
    fault = model_of(ProjectAccessResult).fault(result)
    assert fault is not None
    assert fault.path == ".granted[1].name"
    assert fault.field == "Person.name"
    assert fault.text("ProjectAccessResult") == (
        "ProjectAccessResult.granted[1].name (Person.name): expected a str, got list []"
    )
    # A required field the object lacked is no value of its annotation either.
    missing = model_of(Todo).fault(Todo.from_dict({"id": 2}))
    assert missing is not None
    assert missing.got is None


def test_a_model_argument_must_be_an_instance() -> None:
    with pytest.raises(UsageError, match=r"expected Person \(build one: Person\(...\)"):
        model_of(Person).check(OP, "person", {"id": 1})
    with pytest.raises(UsageError, match="expected Person, got int 5"):
        model_of(Person).check(OP, "person", 5)


def test_a_field_table_hides_secret_values() -> None:
    class Thing:
        token = 42

    kinds = FieldKinds("Thing", (("token", STR),), secret=frozenset({"token"}))
    fault = kinds.fault(Thing())
    assert fault is not None
    assert fault.text("Thing") == "Thing.token: expected a str, got int (value hidden)"


def test_a_secret_kind_describes_a_wrong_value_by_its_type_only() -> None:
    kind = secret(STR)
    kind.check(OP, "token", "fine")
    with pytest.raises(UsageError) as info:
        kind.check(OP, "token", ["s3cr3t-value"])
    assert str(info.value).startswith("DoThing: token: expected a str, got list (value hidden)")
    assert "s3cr3t" not in str(info.value)
    assert kind.secret
    assert not STR.secret
    nullable(kind).check(OP, "token", None)
    with pytest.raises(UsageError, match="got None"):
        kind.check(OP, "token", None)


def test_every_generated_model_has_its_field_kinds() -> None:
    import attrs

    from basecamp_client import models

    for name in models.__all__:
        cls = getattr(models, name)
        kinds = cls._field_kinds
        assert kinds.model == name
        declared = [f.name for f in attrs.fields(cls) if f.name not in ("extra", "_absent")]
        assert sorted(a for a, _k in kinds.fields) == sorted(declared)
        for attr, kind in kinds.fields:
            annotation = next(f.type for f in attrs.fields(cls) if f.name == attr)
            assert kind.none_ok == ("None" in str(annotation) or kind is ANY), (name, attr)
