"""The merge behind ``update()``/``edit()``: pure functions, the draft, and the flow with
stand-in reads and writes (no HTTP)."""

from __future__ import annotations

import datetime as dt
import pickle
from typing import Any

import attrs
import pytest

from basecamp_client import NULL, UNSET, ConflictError, DecodeError, UsageError
from basecamp_client._core.edit import AsyncEdit, EditDraft
from basecamp_client._core.errors import error_for_response
from basecamp_client._core.kinds import DATE, INT, STR
from basecamp_client._core.model_kinds import list_of
from basecamp_client._core.nulls import create_body
from basecamp_client._core.operation import Operation
from basecamp_client._core.safe_write import (
    MergeField,
    MergeSpec,
    check_changes,
    conflicting_fields,
    effective_changes,
    merge_update,
    merged_arguments,
    project,
    read_value,
    same,
)

SPEC = MergeSpec(
    record="Thing",
    read="GetThing",
    write="ReplaceThing",
    fields=(
        MergeField("name", read=("name",), required=True),
        MergeField("notes", read=("notes",)),
        MergeField("owner_ids", read=("owners",), each=("id",)),
        MergeField("kind", read=("kind", "code")),
        MergeField("due_on", read=("due_on",)),
        MergeField("notify"),
        MergeField("members", read=("people",), each=("id",), preserved=True, empty=()),
        MergeField("link", read=("join_url",), preserved=True, empty=""),
    ),
)


@attrs.frozen
class Person:
    id: int | None


@attrs.frozen
class Kind:
    code: str


@attrs.frozen
class Thing:
    id: int = 7
    name: str | None = "Widget"
    notes: str | None = "<div>n</div>"
    owners: Any = attrs.field(factory=lambda: [Person(1), Person(2)])
    kind: Kind | None = attrs.field(factory=lambda: Kind("plain"))
    due_on: dt.date | None = dt.date(2030, 1, 2)
    people: Any = attrs.field(factory=lambda: [Person(5)])
    join_url: str | None = "https://meet.test/x"
    updated_at: dt.datetime = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)


def test_project_maps_read_fields_to_write_fields() -> None:
    assert project(SPEC, Thing()) == {
        "name": "Widget",
        "notes": "<div>n</div>",
        "owner_ids": [1, 2],
        "kind": "plain",
        "due_on": dt.date(2030, 1, 2),
        "members": [5],
        "link": "https://meet.test/x",
    }


def test_project_tolerates_missing_values_and_raw_items() -> None:
    thing = Thing(notes=None, owners=None, kind=None, people=[{"id": 9}])
    current = project(SPEC, thing)
    assert current["notes"] is None
    assert current["owner_ids"] == []
    assert current["kind"] is None
    assert current["members"] == [9]  # an item the lenient decoder kept as a dict


def test_a_list_item_without_its_key_is_never_dropped_silently() -> None:
    with pytest.raises(DecodeError, match=r"Thing 7 has an item of owners without id \(index 1\)"):
        read_value(SPEC, SPEC.fields[2], Thing(owners=[Person(1), Person(None)]))
    with pytest.raises(DecodeError, match="owners of an unexpected shape"):
        read_value(SPEC, SPEC.fields[2], Thing(owners="1,2"))


def test_merge_keeps_unpassed_fields_and_applies_passed_ones() -> None:
    current = project(SPEC, Thing())
    assert merged_arguments(SPEC, current, {"notes": "<div>new</div>"}) == {
        "name": "Widget",
        "notes": "<div>new</div>",
        "owner_ids": [1, 2],
        "kind": "plain",
        "due_on": dt.date(2030, 1, 2),
    }


def test_none_omits_a_clearing_field_and_sends_empty_for_a_preserved_one() -> None:
    current = project(SPEC, Thing())
    args = merged_arguments(
        SPEC, current, {"notes": None, "due_on": None, "members": None, "link": None}
    )
    assert "notes" not in args
    assert "due_on" not in args
    assert args["members"] == []
    assert args["link"] == ""
    assert None not in args.values()


def test_write_only_and_preserved_fields_go_out_only_when_passed() -> None:
    current = project(SPEC, Thing())
    args = merged_arguments(SPEC, current, {})
    assert not {"notify", "members", "link"} & set(args)
    args = merged_arguments(SPEC, current, {"notify": True, "members": [5, 6], "link": ""})
    assert (args["notify"], args["members"], args["link"]) == (True, [5, 6], "")
    assert "notify" not in merged_arguments(SPEC, current, {"notify": None})


def test_required_fields_cannot_be_cleared_or_go_missing() -> None:
    with pytest.raises(UsageError, match="name is required by the API and cannot be cleared"):
        check_changes(SPEC, {"name": None})
    with pytest.raises(UsageError, match="shows no name to keep"):
        merged_arguments(SPEC, project(SPEC, Thing(name=None)), {})
    assert merged_arguments(SPEC, project(SPEC, Thing(name=None)), {"name": "N"})["name"] == "N"


def test_check_changes_names_what_is_wrong() -> None:
    with pytest.raises(UsageError, match=r"Thing has no writable field 'titel' \(writable: name"):
        check_changes(SPEC, {"titel": "x"})
    with pytest.raises(
        UsageError, match="pass notes=None to clear notes; NULL is only for creates"
    ):
        check_changes(SPEC, {"notes": NULL})
    check_changes(SPEC, {"notes": None, "notify": False})


def test_empty_values_are_the_same() -> None:
    assert same(None, "")
    assert same([], None)
    assert same((), [])
    assert not same(False, None)
    assert not same("a", "b")


def test_conflicts_are_the_fields_the_write_would_overwrite() -> None:
    before = project(SPEC, Thing())
    after = project(
        SPEC,
        Thing(notes="<div>theirs</div>", people=[Person(8)], due_on=dt.date(2031, 1, 1)),
    )
    args = merged_arguments(SPEC, before, {"name": "Mine"})
    # notes and due_on would be written back stale; members are preserved and not sent.
    assert conflicting_fields(SPEC, before, after, args) == ["notes", "due_on"]
    args = merged_arguments(SPEC, before, {"members": [5, 6]})
    assert "members" in conflicting_fields(SPEC, before, after, args)


def test_a_field_cleared_by_omission_still_counts() -> None:
    before = project(SPEC, Thing(notes=None))
    after = project(SPEC, Thing(notes="<div>added meanwhile</div>"))
    args = merged_arguments(SPEC, before, {"name": "Mine"})
    assert "notes" not in args  # the write would clear it...
    assert conflicting_fields(SPEC, before, after, args) == ["notes"]  # ...so it is a conflict


def test_agreeing_changes_are_no_conflict() -> None:
    before = project(SPEC, Thing())
    after = project(SPEC, Thing(name="Same", notes=""))
    args = merged_arguments(SPEC, before, {"name": "Same", "notes": None})
    assert conflicting_fields(SPEC, before, after, args) == []


class FakeApi:
    """Stand-in read/write functions over one mutable record."""

    def __init__(self) -> None:
        self.thing = Thing()
        self.calls: list[str] = []
        self.written: list[dict[str, Any]] = []
        self.between: list[Any] = []  # changes applied after the first read

    async def read(self) -> Thing:
        self.calls.append("read")
        value = self.thing
        if self.between:
            self.thing = attrs.evolve(self.thing, **self.between.pop(0))
        return value

    async def write(self, **args: Any) -> Thing:
        self.calls.append("write")
        self.written.append(args)
        return attrs.evolve(self.thing, **{k: v for k, v in args.items() if k in ("name",)})


@pytest.mark.anyio
async def test_merge_update_reads_once_and_writes_once() -> None:
    api = FakeApi()
    result = await merge_update(
        SPEC, changes={"name": "New", "notes": UNSET}, read=api.read, write=api.write
    )
    assert api.calls == ["read", "write"]
    assert api.written[0]["name"] == "New"
    assert api.written[0]["notes"] == "<div>n</div>"
    assert result.name == "New"


@pytest.mark.anyio
async def test_an_edit_refuses_a_stale_write() -> None:
    api = FakeApi()
    api.between.append({"notes": "<div>theirs</div>", "updated_at": dt.datetime(2030, 2, 1)})
    with pytest.raises(ConflictError) as info:
        async with AsyncEdit(SPEC, ThingDraft, read=api.read, write=api.write) as draft:
            draft.name = "New"
    assert api.calls == ["read", "read"]
    assert info.value.changed_fields == ("notes",)
    assert "Thing 7 was changed by someone else" in str(info.value)
    assert "updated_at 2030-01-01T00:00:00+00:00 → 2030-02-01T00:00:00" in str(info.value)
    assert info.value.to_dict()["changed_fields"] == ["notes"]
    assert info.value.operation_id == "ReplaceThing"


@pytest.mark.anyio
async def test_bad_changes_are_refused_before_anything_is_read() -> None:
    api = FakeApi()
    with pytest.raises(UsageError):
        await merge_update(SPEC, changes={"name": None}, read=api.read, write=api.write)
    assert api.calls == []


@pytest.mark.anyio
async def test_update_never_reads_twice_even_when_the_record_changes() -> None:
    api = FakeApi()
    api.between.append({"notes": "<div>theirs</div>"})
    await merge_update(SPEC, changes={"name": "New"}, read=api.read, write=api.write)
    assert api.calls == ["read", "write"]


TYPED = MergeSpec(
    record="Thing",
    read="GetThing",
    write="ReplaceThing",
    fields=(
        MergeField("name", kind=STR, read=("name",), required=True),
        MergeField("notes", kind=STR, read=("notes",)),
        MergeField("owner_ids", kind=list_of(INT), read=("owners",), each=("id",)),
        MergeField("due_on", kind=DATE, read=("due_on",)),
    ),
)


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("notes", ["x"], "list ['x']"),
        ("notes", {}, "dict {}"),
        ("notes", 42, "int 42"),
        ("due_on", "soon", "str 'soon'"),
        ("owners", [Person("1")], "list ['1']"),  # type: ignore[arg-type]
    ],
)
@pytest.mark.anyio
async def test_a_malformed_value_read_is_refused_not_written_back(
    field: str, value: Any, shown: str
) -> None:
    api = FakeApi()
    api.thing = attrs.evolve(api.thing, **{field: value})
    with pytest.raises(DecodeError) as info:
        await merge_update(TYPED, changes={"name": "New"}, read=api.read, write=api.write)
    assert api.calls == ["read"]
    message = str(info.value)
    assert f"Thing 7 has {field}" in message
    assert shown in message
    assert "refusing to send" in message
    assert info.value.operation_id == "GetThing"
    assert "pass " in (info.value.hint or "")


@pytest.mark.anyio
async def test_a_malformed_value_the_caller_replaces_is_written() -> None:
    api = FakeApi()
    api.thing = attrs.evolve(api.thing, notes=["x"])
    await merge_update(TYPED, changes={"notes": "<div>fixed</div>"}, read=api.read, write=api.write)
    assert api.written[0]["notes"] == "<div>fixed</div>"
    api.thing = attrs.evolve(api.thing, notes=42)
    await merge_update(TYPED, changes={"notes": None}, read=api.read, write=api.write)
    assert "notes" not in api.written[1]  # cleared by omission, never echoed


def test_a_draft_refuses_a_value_of_the_wrong_type() -> None:
    draft = ThingDraft(TYPED, Thing())
    with pytest.raises(UsageError, match=r"ThingDraft\.due_on: expected a date"):
        draft.due_on = "tomorrow"  # type: ignore[attr-defined]
    with pytest.raises(UsageError, match=r"owner_ids\[1\]: expected an int"):
        draft.owner_ids = [1, "2"]  # type: ignore[list-item]
    draft.notes = None
    draft.due_on = "2030-02-03"  # type: ignore[attr-defined]
    assert draft.changes() == {"notes": None, "due_on": "2030-02-03"}


class ThingDraft(EditDraft[Thing]):
    name: str
    notes: str | None
    owner_ids: list[int] | None


@pytest.mark.anyio
async def test_edit_context_flow() -> None:
    api = FakeApi()
    async with AsyncEdit(SPEC, ThingDraft, read=api.read, write=api.write) as draft:
        assert draft.owner_ids == [1, 2]
        assert draft.record is api.thing
        draft.owner_ids.remove(1)
        with pytest.raises(UsageError, match="assign None to clear"):
            draft.notes = UNSET  # type: ignore[assignment]
    assert api.written == [
        {
            "name": "Widget",
            "notes": "<div>n</div>",
            "owner_ids": [2],
            "kind": "plain",
            "due_on": dt.date(2030, 1, 2),
        }
    ]
    assert draft.saved is not None


def test_conflict_errors_survive_pickling_and_http_conflicts_still_map() -> None:
    error = ConflictError("x", changed_fields=["a", "b"], operation_id="Op")
    again = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert again.changed_fields == ("a", "b")
    assert again.operation_id == "Op"
    http = error_for_response(409, {}, b'{"error": "stale"}', operation_id="Op")
    assert isinstance(http, ConflictError)
    assert http.changed_fields == ()


def test_create_body() -> None:
    op = Operation(id="CreateThing", method="POST", path="/things.json")
    fields = {"name": "n", "notes": NULL, "due_on": UNSET}
    assert create_body(op, fields, required=frozenset({"name"})) == {
        "name": "n",
        "notes": None,
        "due_on": UNSET,
    }
    assert create_body(op, {"notes": None}, nullable=frozenset({"notes"})) == {"notes": None}
    with pytest.raises(UsageError, match="CreateThing: notes=None would send null"):
        create_body(op, {"notes": None})
    with pytest.raises(UsageError, match="name is required and cannot be None"):
        create_body(op, {"name": None}, required=frozenset({"name"}))


def test_changes_that_change_nothing_are_dropped() -> None:
    current = project(SPEC, Thing())
    changes = {"name": "Widget", "notes": UNSET, "due_on": None, "notify": None, "link": ""}
    assert effective_changes(SPEC, current, changes) == {"due_on": None, "link": ""}
    assert effective_changes(SPEC, project(SPEC, Thing(due_on=None)), {"due_on": None}) == {}
    assert effective_changes(SPEC, current, {"notify": False}) == {"notify": False}


@pytest.mark.anyio
async def test_an_update_that_changes_nothing_writes_nothing() -> None:
    api = FakeApi()
    result = await merge_update(
        SPEC, changes={"name": "Widget", "notes": "<div>n</div>"}, read=api.read, write=api.write
    )
    assert api.calls == ["read"]
    assert result is api.thing
