"""What generated models promise: lenient decoding, lossless round trips, exact ids,
typed dates, comparable and printable without secrets, and cheap imports."""

from __future__ import annotations

import copy
import datetime as dt
import importlib
import json
import pickle
import subprocess
import sys
from types import ModuleType
from typing import Any

import attrs
import pytest

from .support import REPO


@pytest.fixture(scope="module")
def models(fixture_sdk: ModuleType) -> Any:
    return importlib.import_module("fixture_sdk.models")


WIDGET = {
    "id": 9007199254740993,  # 2**53 + 1: not representable as a float
    "name": "Sprocket",
    "status": "retired",  # not one of the enum values
    "created_at": "2026-03-16T21:42:20.134Z",
    "due_on": "2026-04-01",
    "owner": {"id": 1, "name": "Ann", "manager": {"id": 2, "boss_of": "everyone"}},
    "parts": [{"id": 3, "tags": ["a"]}, "not-an-object"],
    "labels": {"k": "v"},
    "api_token": "s3cret-t0ken",
    "class": "premium",
    "extra": "a field literally called extra",
    "brand_new_key": {"nested": [1, 2]},
}


def test_decoding_is_typed_and_lenient(models: Any) -> None:
    w = models.Widget.from_dict(WIDGET)
    assert w.id == 2**53 + 1
    assert type(w.id) is int
    assert w.created_at == dt.datetime(2026, 3, 16, 21, 42, 20, 134000, tzinfo=dt.timezone.utc)
    assert w.due_on == dt.date(2026, 4, 1)
    assert w.status == "retired"
    assert isinstance(w.owner, models.Person)
    assert isinstance(w.owner.manager, models.Person)
    assert w.owner.manager.extra == {"boss_of": "everyone"}
    assert isinstance(w.parts[0], models.Part)
    assert w.parts[1] == "not-an-object"
    assert w.class_ == "premium"
    assert w.extra_ == "a field literally called extra"
    assert w.extra == {"brand_new_key": {"nested": [1, 2]}}


def test_missing_fields_become_none_and_are_not_invented_on_encode(models: Any) -> None:
    w = models.Widget.from_dict({"id": 1, "due_on": None})
    assert w.name is None
    assert w.owner is None
    assert w.due_on is None
    assert w.to_dict() == {"id": 1, "due_on": None}


def test_unparseable_dates_are_kept_as_text(models: Any) -> None:
    w = models.Widget.from_dict({"created_at": "yesterday", "due_on": "soon"})
    assert w.created_at == "yesterday"
    assert w.to_dict() == {"created_at": "yesterday", "due_on": "soon"}


def test_round_trip_loses_nothing(models: Any) -> None:
    w = models.Widget.from_dict(WIDGET)
    again = w.to_dict()
    assert again == {**WIDGET, "created_at": "2026-03-16T21:42:20.134000Z"}
    assert json.loads(json.dumps(again)) == again
    assert models.Widget.from_dict(again) == w


def test_models_compare_by_value(models: Any) -> None:
    assert models.Widget.from_dict(WIDGET) == models.Widget.from_dict(dict(WIDGET))
    assert models.Widget.from_dict(WIDGET) != models.Widget.from_dict({**WIDGET, "name": "x"})
    assert models.Widget.from_dict(WIDGET) != models.Widget.from_dict({**WIDGET, "zzz": 1})
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        models.Widget.from_dict(WIDGET).name = "changed"


def test_credentials_never_appear_in_repr(models: Any) -> None:
    w = models.Widget.from_dict(WIDGET)
    assert "s3cret-t0ken" not in repr(w)
    assert "Sprocket" in repr(w)
    assert w.api_token == "s3cret-t0ken"
    assert w.to_dict()["api_token"] == "s3cret-t0ken"


def test_models_built_by_hand_send_only_what_was_set(models: Any) -> None:
    part = models.Part(id=5)
    assert part.to_dict() == {"id": 5}
    person = models.Person(id=1, manager=models.Person(id=2))
    assert person.to_dict() == {"id": 1, "manager": {"id": 2}}


def test_real_models_hide_credentials() -> None:
    from basecamp_client.models import OAuthTokenResponse

    token = OAuthTokenResponse.from_dict(
        {"access_token": "AAA-secret", "refresh_token": "RRR-secret", "expires_in": 10}
    )
    assert "secret" not in repr(token)
    assert token.to_dict()["refresh_token"] == "RRR-secret"


def test_public_models_module_is_lazy() -> None:
    code = (
        "import sys, basecamp_client.models as m\n"
        "before = {k for k in sys.modules if '_generated.models.' in k}\n"
        "m.Todo\n"
        "after = {k for k in sys.modules if '_generated.models.' in k}\n"
        "print(len(before), len(after))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    ).stdout.split()
    before, after = int(out[0]), int(out[1])
    assert before == 0
    assert 0 < after < 40  # Todo and what it refers to, not all 200+ models


def test_first_use_of_a_service_imports_only_its_models() -> None:
    code = (
        "import sys\n"
        "from basecamp_client._generated.services import todos\n"
        "print(len([k for k in sys.modules if '_generated.models.' in k]))\n"
        "print(len([k for k in sys.modules if '_generated.services.' in k]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    ).stdout.split()
    assert int(out[0]) < 40
    assert int(out[1]) == 1


def test_models_are_their_public_class_and_stay_frozen(models: Any) -> None:
    """The decoder fills a private mutable base, then makes the object the public
    frozen class: nothing of the base shows."""
    w = models.Widget.from_dict(WIDGET)
    assert type(w) is models.Widget
    assert type(w.owner) is models.Person
    assert type(w.parts[0]) is models.Part
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        w.owner.name = "changed"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        del w.name
    assert "api_token" in {f.name for f in attrs.fields(models.Widget)}
    assert models.Person.from_dict({"id": 1, "name": "Ann"}) == models.Person(id=1, name="Ann")


def test_evolve_and_keyword_construction_still_work(models: Any) -> None:
    w = models.Widget.from_dict(WIDGET)
    renamed = attrs.evolve(w, name="Cog")
    assert type(renamed) is models.Widget
    assert renamed.name == "Cog"
    assert renamed.id == w.id
    assert renamed != w
    built = models.Widget(id=1, name="Cog", created_at=w.created_at, extra={"k": 1})
    assert built.to_dict() == {
        "id": 1,
        "name": "Cog",
        "created_at": "2026-03-16T21:42:20.134000Z",
        "k": 1,
    }


@pytest.mark.parametrize("protocol", [2, pickle.HIGHEST_PROTOCOL])
def test_decoded_models_pickle_and_copy(models: Any, protocol: int) -> None:
    w = models.Widget.from_dict({**WIDGET, "due_on": None})
    again = pickle.loads(pickle.dumps(w, protocol=protocol))  # noqa: S301  (our own bytes)
    assert again == w
    assert type(again) is models.Widget
    assert again.to_dict() == w.to_dict()  # null and absent keys survive too
    assert copy.deepcopy(w) == w
    assert copy.copy(w).to_dict() == w.to_dict()


def test_objects_of_every_shape_decode_exactly(models: Any) -> None:
    """The decoder guesses an object's shape from the last one of the same size; every
    way a guess can be wrong still gives the exact fields, ``extra`` and encoding."""
    Person = models.Person
    shapes = [
        {"id": 1, "name": "Ann", "manager": None},  # every known key
        {"id": 2, "name": "Bob"},  # lacks manager
        {"id": 3, "manager": None},  # same size, lacks name instead
        {"id": 4, "name": "Cy"},  # back to lacking manager
        {"id": 5, "zz": 1},  # same size: lacks both, one unknown key
        {"id": 6, "name": "Di", "zz": 2},  # every size-3 shape so far had manager
        {"id": 7, "yy": 3},  # a different unknown key
        {"id": 8, "name": "Ed", "yy": 4},
        {"name": "Fay", "yy": 5, "zz": 6},
        {"id": 9, "name": "Gus", "zz": 7},
        {"name": None, "manager": {"id": 10}, "zz": 8},
        {},
    ]
    for _ in range(2):  # the second round meets shapes the first one taught it
        for data in shapes:
            p = Person.from_dict(data)
            known = {k: v for k, v in data.items() if k in ("id", "name", "manager")}
            assert p.id == data.get("id")
            assert p.name == data.get("name")
            assert p.extra == {k: v for k, v in data.items() if k not in known}
            assert p.to_dict() == data
            assert Person.from_dict(p.to_dict()) == p


def test_bad_timestamps_deep_inside_keep_the_rest_typed(models: Any) -> None:
    w = models.Widget.from_dict(
        {
            **WIDGET,
            "due_on": 20260401,  # not text: kept
            "parts": [{"id": 1, "widget": {"id": 2, "created_at": "not a time"}}],
        }
    )
    assert w.created_at == dt.datetime(2026, 3, 16, 21, 42, 20, 134000, tzinfo=dt.timezone.utc)
    assert w.due_on == 20260401
    inner = w.parts[0].widget
    assert isinstance(inner, models.Widget)
    assert inner.created_at == "not a time"
    assert inner.to_dict() == {"id": 2, "created_at": "not a time"}
    again = models.Widget.from_dict({**WIDGET, "created_at": "2026-03-16T21:42:20Z"})
    assert again.created_at == dt.datetime(2026, 3, 16, 21, 42, 20, tzinfo=dt.timezone.utc)


def test_from_dict_leaves_its_input_alone(models: Any) -> None:
    data = {"id": 1, "zz": [1], "owner": {"id": 2}}
    before = copy.deepcopy(data)
    w = models.Widget.from_dict(data)
    assert data == before
    assert w.extra == {"zz": [1]}
    assert w.extra["zz"] is data["zz"]
